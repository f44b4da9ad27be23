"""A demo desk built through the Desk API itself: the demo roster and a month of a busy centre.

A small event simulation: each visitor's story is a chain of actions scheduled at realistic moments on the
working-day calendar; the desk's clock is set to each moment in turn, and the time rules are scanned every
evening and morning, so the violations of the month are those its stories produce.

好差评 (issue 20): each clerk serves visitors at a numbered window whose rating pad asks after every service there
(phone, post and online work is done at the back office's desk, without a pad). Visitors rate on the pad, or walk
away (the request expires), or rate later from the slip's QR code; the rest are rated by the callback. Bad ratings
are rectified (one late), some appealed and decided, the last still open; the weakest window ranks last in this
month and the one before.
"""

from __future__ import annotations

import dataclasses
import heapq
import itertools
import random
import tomllib
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from firstask.desk import Case, Desk, data_dir
from firstask.rules import KeptAnswer, RuleError

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "秀英",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "志强",
    "玉兰",
    "海燕",
    "国庆",
    "晓东",
    "婷",
]
MOBILE_PREFIXES = ("138", "139", "135", "136", "158", "159", "186", "187", "177", "199")
ENQUIRIES = [
    "咨询居住证办理需要哪些材料",
    "询问医保缴费时间",
    "咨询老年人优待证办理地点",
    "询问社区活动室开放时间",
    "咨询失业登记流程",
    "咨询公租房申请条件",
    "询问高龄津贴发放时间",
    "咨询残疾人证评定医院",
]
ANSWERS = ["已当场解答并提供办事指南。", "已告知办理地点和所需材料。", "已解答，并留下窗口电话以便再次咨询。"]
COMPLAINTS = [
    "反映小区路灯损坏多日无人维修",
    "反映楼道堆放杂物存在消防隐患",
    "反映夜间施工噪音扰民",
    "反映垃圾清运不及时",
    "反映物业收费不透明",
]
REPORTS = ["举报小区内违规搭建", "举报商铺占道经营"]
SUGGESTIONS = ["建议增设社区老年食堂", "建议延长周末办事时间"]
AGENCIES = [
    ("区公安分局出入境接待大厅", "0571-87280000"),
    ("区人力资源和社会保障局", "0571-12333"),
    ("区市场监督管理局", "0571-12315"),
    ("区法律援助中心", "0571-12348"),
]
MATTERS = ["JZZ", "CJZ", "GLJT", "JMYL", "DSZN", "LSJZ", "SYDJ", "JMYB", "GZF", "FLYZ"]
LEVELS = (5, 5, 5, 5, 5, 4, 4, 4, 3, 3, 2, 1)
# 好差评 at the window: how often each window's visitors rate on its pad, and how they rate. The last clerk's window
# is the hall's weakest (last in the monthly ranking two months running); the first clerk's the most often rated.
PAD_SHARE = (0.85, 0.7, 0.6, 0.55, 0.4, 0.5)
PAD_LEVELS = (5, 5, 5, 5, 4, 4, 4, 3, 3, 2)
WEAK_LEVELS = (4, 2, 3, 5, 1, 4, 3, 2)  # dealt in this order: a bad rating every few, even in a month's first days
QR_SHARE = 0.15  # of the visitors who walked away from the pad, those who rate later from the slip's QR code
BAD_REASONS = ("服务态度", "办事效率", "一次性告知不到位", "材料要求不合理", "政策解释不清")
BAD_COMMENTS = ("等了很久才轮到", "", "材料要求讲了两遍都没讲清楚", "")
# RATE-2: a bad rating is rectified within 15 working days: mostly at once or within days, and once late.
REMEDY_DAYS = (0, 0, 1, 1, 2, 3, 5, 8)
LATE_REMEDY_DAYS = 16
# 申诉复核: the rated clerk appeals a bad rating now and then (the weakest window's more often); a supervisor
# decides within days, upholding some and voiding others, so the last are still open.
APPEAL_SHARE = 0.06
WEAK_APPEAL_SHARE = 0.12
DECISIONS = (
    (True, "经核查评价器记录和现场录像，评价反映了服务对象的真实感受，维持该评价。"),
    (False, "经调阅现场录像核实，该评价与实际服务情况不符，予以作废。"),
)
APPEALS = (
    ("mistake", "服务对象当场表示按错了键，本想选择满意。"),
    ("malicious", "服务对象因不符合条件未能办理，当场表示要给差评。"),
    ("not_me", "该时段本人在后台整理档案，窗口由同事代班。"),
)
HALL_URL = "https://192.168.1.20:8443"  # the demo hall's address on its slips' QR codes

# The demo centre's kept answers (常见问答): what its clerks are asked most about these matters.
KEPT_ANSWERS = {
    "JZZ": [
        ("要交几张照片？", "请带近期一寸免冠彩色照片两张（白底），也可在窗口现场拍照。"),
        ("住了多久才能申领？", "在本市居住登记满半年，并有合法稳定就业、住所或连续就读之一的，可以申领。"),
    ],
    "JMYB": [("每年什么时候缴费？", "城乡居民医保集中参保缴费期一般为每年9月至12月，可在浙里办或窗口缴费。")],
    "LNYDZ": [("多大年纪可以办？", "年满60周岁的老年人可以申领，带本人身份证和一寸照片一张即可，当场可取。")],
    "GLJT": [("高龄津贴什么时候发？", "审核通过后次月起按月发放到本人社保卡银行账户，可凭社保卡查询到账情况。")],
}

Task = Callable[[], object]


def roster() -> list[dict[str, Any]]:
    with (data_dir() / "roster-demo.toml").open("rb") as f:
        return list(tomllib.load(f)["staff"])


def _valid_id(rng: random.Random) -> str:
    from stdnum.cn import ric

    birth = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 365 * 60))
    body = f"330106{birth:%Y%m%d}{rng.randrange(100, 999)}"
    return body + ric.calc_check_digit(body + "0")


class Month:
    """The simulation: a clock, a queue of scheduled actions, and the stories that fill it."""

    def __init__(self, desk: Desk, today: date, now: datetime, seed: int) -> None:
        self.desk = desk
        self.rng = random.Random(seed)
        self.today = today
        self.now = now
        self.moment = datetime.combine(today - timedelta(days=366), time(0))
        self.overtaken: dict[str, int] = {}
        self.seen: list[dict[str, Any]] = []
        self.queue: list[tuple[datetime, int, Task]] = []
        self.order = itertools.count()
        staff = roster()
        self.clerks = [s["code"] for s in staff if s["role"] == "clerk"]
        self.supervisor = next(s["code"] for s in staff if s["role"] == "supervisor")
        self.absent: set[str] = set()
        self.names = {m.code: m for m in desk.matters()}
        # Each clerk serves one numbered window; the window's pad asks after each service there.
        self.windows = {code: str(n) for n, code in enumerate(self.clerks, 1)}
        self.request_minutes = desk.policy.rating_request_minutes
        self.late_case: str | None = None  # the case whose bad rating is rectified late, at `late_remedy`
        self.late_remedy = self.moment
        self.appeals = 0
        self.decks: dict[str, list[int]] = {}

    def serving(self, clerk: str | None) -> None:
        """The desk acts at `clerk`'s window (printed on slips, recorded with events, asked on its pad); None: at the
        back office's desk, which has no pad (the post, the phone and online cases are worked there)."""
        self.desk.window = self.windows.get(clerk) if clerk else None

    def face_to_face(self, case: Case, clerk: str, *, present: bool = True) -> bool:
        """The visitor stands at `clerk`'s window for this step (a visit, `present` still), or the step is back-office
        work. True at the window."""
        here = present and case.channel == "visit"
        self.serving(clerk if here else None)
        return here

    def pad(self, clerk: str) -> bool:
        """The visitor at the window answers its pad's request, or walks away (the request expires after the policy's
        minutes, recorded as not rated). True if rated."""
        number = self.desk.window
        asked = self.desk.pad_state(number)["request"] if number else None
        if number is None or asked is None:
            return False
        if self.rng.random() >= PAD_SHARE[(int(number) - 1) % len(PAD_SHARE)]:
            self.at(self.moment + timedelta(minutes=self.request_minutes + 1), self.desk.expire_requests)
            return False
        level = self.level(f"pad {clerk}", WEAK_LEVELS if clerk == self.clerks[-1] else PAD_LEVELS)
        reasons, comment = self.why(level)
        self.desk.rate_request(asked["id"], level, reasons=reasons, comment=comment, window=number)
        self.after_rating(asked["case_no"], level)
        return True

    def level(self, who: str, levels: tuple[int, ...]) -> int:
        """The next level `who` is rated: dealt from a deck of `levels` (shuffled, but the weakest window's in its
        order), dealt out before it is made again, so that even a short month rates each window much as its levels
        say (the ranking stays readable)."""
        deck = self.decks.setdefault(who, [])
        if not deck:
            deck.extend(reversed(levels))
            if levels != WEAK_LEVELS:
                self.rng.shuffle(deck)
        return deck.pop()

    def why(self, level: int) -> tuple[list[str], str]:
        if level > 2:
            return [], ""
        return self.rng.sample(BAD_REASONS, self.rng.choice((1, 1, 2))), self.rng.choice(BAD_COMMENTS)

    def qr(self, case: Case) -> None:
        """Now and then a visitor who left the pad unanswered rates later, from the QR code on the slip just printed."""
        if self.rng.random() >= QR_SHARE:
            return
        printed = [e.detail["document"] for e in self.desk.case(case.no).history if e.detail.get("document")]
        if not printed:
            return
        text = (self.desk.documents_dir / printed[-1]).read_text(encoding="utf-8")
        token = text.rsplit("/rate/", 1)[-1].split()[0] if "/rate/" in text else ""
        if not token:
            return

        def rate() -> None:
            level = self.level("qr", PAD_LEVELS)
            reasons, comment = self.why(level)
            self.desk.rate_by_link(token, level, reasons=reasons, comment=comment)
            self.after_rating(case.no, level)

        self.at(self.moment + timedelta(hours=self.rng.choice((2, 5, 20, 30))), rate)

    def after_rating(self, no: str, level: int) -> None:
        """A bad rating is rectified (RATE-2), and the rated clerk may appeal it (a supervisor decides)."""
        if level > 2:
            return
        rating = self.desk.ratings(no)[-1]
        self.rectify(no, "已回访致歉并说明办理要求，群众表示理解。")
        share = WEAK_APPEAL_SHARE if rating.staff == self.clerks[-1] else APPEAL_SHARE
        if rating.staff and no != self.late_case and self.rng.random() < share:
            kind, reason = self.rng.choice(APPEALS)
            staff = rating.staff
            self.at(
                self.later(self.moment, self.rng.choice((0, 1))), lambda: self.appeal(rating.id, staff, kind, reason)
            )

    def rectify(self, no: str, text: str, *, may_be_late: bool = True) -> None:
        """The case's owner rectifies a bad rating and calls the visitor back: mostly within days, and once after
        RATE-2's limit (the first bad rating whose late remedy has happened by today; until then, that remedy puts
        right the case's other bad ratings too, and the rating is not appealed)."""
        if no == self.late_case and self.moment < self.late_remedy:
            return
        days = self.rng.choice(REMEDY_DAYS)
        if self.late_case is None and may_be_late:
            if self.desk.calendar.add_working_days(self.moment.date(), LATE_REMEDY_DAYS) < self.today:
                days, self.late_case = LATE_REMEDY_DAYS, no
        moment = self.later(self.moment, days)
        if no == self.late_case:
            self.late_remedy = moment
        self.at(moment, lambda: self.desk.remedy(no, self.desk.case(no).owner, text))

    def appeal(self, rating_id: int, staff: str, kind: str, reason: str) -> None:
        self.desk.appeal(rating_id, staff, reason, kind=kind)
        uphold, decision = DECISIONS[self.appeals % len(DECISIONS)]  # some upheld, some voided
        self.appeals += 1
        self.at(
            self.later(self.moment, 1),  # the supervisor decides the next working day
            lambda: self.desk.decide_appeal(rating_id, self.supervisor, uphold=uphold, reason=decision),
        )

    def appeal_last(self) -> None:
        """If no appeal is waiting when the month ends, the clerk last rated badly by a visitor appeals that rating
        (the supervisor's F10 then has one to decide)."""
        if self.desk.open_appeals():
            return
        week = self.desk.ratings_between(self.moment - timedelta(days=7), self.now)
        bad = [r for r in week if r.channel != "callback" and r.bad and not r.voided and r.appealed_at is None]
        if bad and bad[-1].staff:
            self.moment = min(self.moment + timedelta(minutes=5), self.now)
            kind, reason = APPEALS[0]
            try:
                self.desk.appeal(bad[-1].id, bad[-1].staff, reason, kind=kind)
            except RuleError as e:
                self.overtaken[e.rule] = self.overtaken.get(e.rule, 0) + 1

    # --- time ------------------------------------------------------------------------------------------------

    def at(self, moment: datetime, task: Task) -> None:
        if moment <= self.now:  # the demo never writes the future
            heapq.heappush(self.queue, (moment, next(self.order), task))

    def run(self) -> None:
        while self.queue:
            moment, _, task = heapq.heappop(self.queue)
            self.moment = max(self.moment, moment)
            self.desk.window = None  # each step says where it is done (`serving`)
            try:
                task()
            except RuleError as e:
                # A story overtaken by another (the case moved on): as at a real window, it just stops.
                self.overtaken[e.rule] = self.overtaken.get(e.rule, 0) + 1

    def later(self, start: datetime, working_days: int, *, hour: int | None = None) -> datetime:
        """A moment during desk hours `working_days` working days after `start` (0: later the same day)."""
        day = self.desk.calendar.add_working_days(start.date(), working_days)
        if working_days == 0 and start.time() >= time(17):
            day = self.desk.calendar.next_working_day(day)
        morning = self.rng.random() < 0.5
        minute = self.rng.randrange(0, 200)
        moment = datetime.combine(day, time(hour or (8 if morning else 14), 35)) + timedelta(minutes=minute)
        return moment if moment > start else start + timedelta(minutes=20)

    def visitor(self) -> dict[str, Any]:
        """A new visitor, or now and then one who has been here before (found again by name, phone, initials)."""
        if self.seen and self.rng.random() < 0.2:
            return self.rng.choice(self.seen)
        person = {
            "visitor_name": self.rng.choice(SURNAMES) + self.rng.choice(GIVEN),
            "phone": f"{self.rng.choice(MOBILE_PREFIXES)}{self.rng.randrange(10_000_000, 99_999_999)}",
        }
        self.seen.append(person)
        return person

    def present_clerk(self, but: str | None = None) -> str:
        return str(self.rng.choice([c for c in self.clerks if c not in self.absent and c != but] or self.clerks))

    # --- a day -----------------------------------------------------------------------------------------------

    def day(self, d: date, arrivals: int) -> None:
        """Presence in the morning, visitors through the day, scans in the evening and the next morning."""
        if self.rng.random() < 0.3:
            away = self.rng.choice(self.clerks)
            self.at(datetime.combine(d, time(8, 20)), lambda: self.set_absent(away, True))
            self.at(datetime.combine(d, time(17, 40)), lambda: self.set_absent(away, False))
        slots = sorted(self.rng.randrange(0, 7 * 60) for _ in range(arrivals))
        for minute in slots:
            start = datetime.combine(d, time(8, 35)) + timedelta(minutes=minute)
            if start.time() >= time(12):
                start += timedelta(hours=2)  # the desk is closed over lunch
            self.at(start, self.arrival)
        self.at(datetime.combine(d, time(18, 0)), self.scan)
        self.at(datetime.combine(self.desk.calendar.next_working_day(d), time(8, 0)), self.scan)

    def set_absent(self, code: str, absent: bool) -> None:
        (self.absent.add if absent else self.absent.discard)(code)
        self.desk.set_absent(code, absent, by=self.supervisor)

    def scan(self) -> None:
        self.desk.scan()

    def arrival(self) -> None:
        clerk = self.present_clerk()
        roll = self.rng.random()
        if roll < 0.28:
            self.enquiry(clerk)
        elif roll < 0.34:
            self.referral(clerk)
        elif roll < 0.66:
            self.application(clerk)
        elif roll < 0.86:
            self.complaint(clerk)
        else:
            self.report(clerk)

    # --- stories ---------------------------------------------------------------------------------------------

    def enquiry(self, clerk: str) -> None:
        channel = self.rng.choice(["visit", "visit", "visit", "phone", "online"])
        self.serving(clerk if channel == "visit" else None)
        c = self.desk.check_in(clerk, channel=channel, summary=self.rng.choice(ENQUIRIES), **self.visitor())
        answer = self.rng.choice(ANSWERS)
        if self.rng.random() < 0.03:
            answer = "这个我不清楚，" + answer  # a forbidden phrase slips out now and then (LANG-1)
        self.at(self.moment + timedelta(minutes=self.rng.randrange(3, 12)), lambda: self.answer(c, clerk, answer))

    def answer(self, case: Case, clerk: str, text: str) -> None:
        here = self.face_to_face(case, clerk)
        self.desk.answer(case.no, clerk, text)
        if here:
            self.pad(clerk)  # rated at the window's 好差评 pad, there and then (or not)

    def referral(self, clerk: str) -> None:
        self.serving(clerk)
        c = self.desk.check_in(clerk, summary="咨询出入境证件及劳动纠纷等事项", **self.visitor())
        agency, contact = self.rng.choice(AGENCIES)
        self.at(self.moment + timedelta(minutes=8), lambda: self.refer(c, clerk, agency, contact))

    def refer(self, case: Case, clerk: str, agency: str, contact: str) -> None:
        self.serving(clerk)
        self.desk.refer(case.no, clerk, agency=agency, contact=contact)
        if not self.pad(clerk):
            self.qr(case)

    def application(self, clerk: str) -> None:
        code = self.rng.choice(MATTERS)
        matter = self.names[code]
        self.serving(clerk)
        c = self.desk.check_in(
            clerk,
            kind="application",
            matter=code,
            summary="申请办理" + matter.name,
            id_number=_valid_id(self.rng),
            **self.visitor(),
        )
        required = matter.required()
        step = self.moment + timedelta(minutes=self.rng.randrange(5, 15))
        if self.rng.random() < 0.05:
            self.at(step, lambda: self.reject(c, clerk))
        elif self.rng.random() < 0.05 and len(required) >= 2:
            # Taken "for review" and the notice only given days later: late (NOT-4).
            self.at(self.later(step, self.rng.choice([6, 7])), lambda: self.notice(c, clerk, required[:1]))
        elif self.rng.random() < 0.55 or len(required) < 2:
            self.at(step, lambda: self.accept(c, clerk))
        else:
            presented = self.rng.sample(required, self.rng.randrange(0, len(required) - 1))
            self.at(step, lambda: self.notice(c, clerk, presented))

    def reject(self, case: Case, clerk: str) -> None:
        self.serving(clerk)
        self.desk.reject(case.no, clerk, "申请人不属于本辖区，依规定不予受理。")
        self.pad(clerk)

    def notice(self, case: Case, clerk: str, presented: list[str]) -> None:
        self.serving(clerk)
        self.desk.notify(case.no, clerk, presented=presented)
        self.pad(clerk)
        # The visitor comes back with the documents some working days later; now and then the desk asks for
        # something it forgot the first time (a second notice, NOT-2).
        back = self.later(self.moment, self.rng.choice([1, 1, 2, 2, 3, 4, 6, 8]))
        if self.rng.random() < 0.15:
            self.at(back, lambda: self.second_notice(case))
        else:
            self.at(back, lambda: self.accept(case, self.owner(case)))

    def second_notice(self, case: Case) -> None:
        owner = self.owner(case)
        required = self.desk.case(case.no).matter_info.required()  # type: ignore[union-attr]
        self.serving(owner)
        self.desk.notify(case.no, owner, presented=required, extra=["申请人户籍所在地社区出具的情况说明"])
        self.pad(owner)
        self.at(self.later(self.moment, self.rng.choice([1, 2, 3])), lambda: self.accept(case, owner))

    def accept(self, case: Case, clerk: str, *, present: bool = True) -> None:
        """`present`: the visitor is still at the window (not after a hand-off, which takes a while)."""
        info = self.desk.case(case.no).matter_info
        materials = [(name, self.rng.randrange(1, 5)) for name in (info.required() if info else ["来电记录"])]
        here = self.face_to_face(case, clerk, present=present)
        accepted = self.desk.accept(case.no, clerk, materials=materials)
        if here and not self.pad(clerk):
            self.qr(case)
        self.work(accepted)

    def complaint(self, clerk: str) -> None:
        about = self.rng.choice(self.clerks) if self.rng.random() < 0.1 else None
        if about == clerk:
            clerk = self.present_clerk(but=about)
        channel = self.rng.choice(["phone", "phone", "visit", "letter", "online"])
        anonymous = channel in ("phone", "letter") and self.rng.random() < 0.15
        self.serving(clerk if channel == "visit" else None)
        c = self.desk.check_in(
            clerk,
            channel=channel,
            kind="complaint",
            summary=self.rng.choice(COMPLAINTS),
            about_staff=about,
            anonymous=anonymous,
            **({} if anonymous else self.visitor()),
        )
        step = self.moment + timedelta(minutes=self.rng.randrange(5, 20))
        if self.rng.random() < 0.45:
            self.at(step, lambda: self.hand_off(c, clerk))
        else:
            self.at(step, lambda: self.accept(c, clerk))

    def hand_off(self, case: Case, clerk: str) -> None:
        about = self.desk.case(case.no).about_staff
        self.face_to_face(case, clerk)
        to = self.rng.choice([c for c in self.clerks if c not in (clerk, about)])
        handed = self.desk.hand_off(case.no, clerk, to, "已记录来电内容并核实地址，移交片区负责同事跟进。")
        receiver = handed.pending_to or to
        wait = self.rng.choice([4, 6, 8, 12, 15, 20, 25, 45, 80])
        if self.rng.random() < 0.12:
            self.at(self.moment + timedelta(minutes=wait), lambda: self.decline(case, receiver, clerk))
        else:
            self.at(self.moment + timedelta(minutes=wait), lambda: self.take(case, receiver))

    def decline(self, case: Case, receiver: str, sender: str) -> None:
        self.desk.decline_handoff(case.no, receiver, "该片区不属于本人负责，请移交网格员。")
        self.at(self.moment + timedelta(minutes=10), lambda: self.accept(case, sender, present=False))

    def take(self, case: Case, receiver: str) -> None:
        self.desk.accept_handoff(case.no, receiver)
        self.at(self.moment + timedelta(minutes=5), lambda: self.accept(case, receiver, present=False))

    def report(self, clerk: str) -> None:
        kind = self.rng.choice(["report", "suggestion"])
        channel = self.rng.choice(["letter", "online", "phone"])
        anonymous = kind == "report" and self.rng.random() < 0.3
        c = self.desk.check_in(
            clerk,
            channel=channel,
            kind=kind,
            summary=self.rng.choice(REPORTS if kind == "report" else SUGGESTIONS),
            anonymous=anonymous,
            **({} if anonymous else self.visitor()),
        )
        self.at(self.later(self.moment, 0), lambda: self.accept(c, clerk))

    # --- after acceptance --------------------------------------------------------------------------------------

    def owner(self, case: Case) -> str:
        return self.desk.case(case.no).owner

    def work(self, case: Case) -> None:
        """Feedback, sometimes an extension, then the result: mostly on time, some late, some still open."""
        if case.due is None:
            return
        limit = self.desk.calendar.working_days_between(self.moment.date(), case.due)
        roll = self.rng.random()
        if roll < 0.08 and limit >= 1:
            self.at(self.later(self.moment, max(1, limit - 1)), lambda: self.extend(case))
            return
        if roll < 0.85:
            done_in = max(0, limit - self.rng.randrange(0, max(1, limit)))
        else:
            done_in = limit + self.rng.choice([1, 2, 3])  # late: overdue (TIME-2)
        if done_in > 5:
            self.at(self.later(self.moment, self.rng.randrange(2, 5)), lambda: self.feedback(case))
        self.at(self.later(self.moment, done_in), lambda: self.resolve(case))

    def feedback(self, case: Case) -> None:
        self.desk.feedback(case.no, self.owner(case), "材料已报送上级部门审核，请耐心等待。")

    def extend(self, case: Case) -> None:
        limit = self.desk.case(case.no).matter_info or case.matter_info
        cap = max(1, limit.limit_days if limit else 2)
        extended = self.desk.extend(
            case.no, self.owner(case), min(cap, self.rng.choice([3, 5])), "需上级部门补充核查，已电话告知申请人。"
        )
        self.at(
            self.later(
                self.moment, self.desk.calendar.working_days_between(self.moment.date(), extended.due or self.today)
            ),
            lambda: self.resolve(case),
        )

    def resolve(self, case: Case) -> None:
        """Most results are told by phone (a callback asks for the rating later); an application's result is often
        handed over at the owner's window, where the pad asks and a rating closes the case."""
        owner = self.owner(case)
        handed = case.kind == "application" and case.channel == "visit" and self.rng.random() < 0.5
        self.serving(owner if handed else None)
        text = "已办结，办理结果已当面交付申请人。" if handed else "已办结，结果已电话告知，请凭回执领取。"
        resolved = self.desk.resolve(case.no, owner, text)
        if resolved.anonymous:
            self.at(self.moment + timedelta(minutes=30), lambda: self.desk.close_case(case.no, resolved.owner))
            return
        if handed and self.pad(owner):
            return  # rated at the window: the case is closed, no callback needed
        self.at(self.later(self.moment, self.rng.choice([1, 2, 3, 4])), lambda: self.callback(case))

    def callback(self, case: Case) -> None:
        current = self.desk.case(case.no)
        if current.status != "resolved":
            return  # rated already (by the slip's QR code) and closed
        level = self.level(f"callback {current.owner}", WEAK_LEVELS if current.owner == self.clerks[-1] else LEVELS)
        self.desk.rate(case.no, current.first_asker, level, "回访满意" if level >= 3 else "办理太慢，多次催问才有结果")
        if level <= 2:
            # Rectified late only if the rating counts at a window (its figures show it).
            at_window = self.desk.ratings(case.no)[-1].window is not None
            self.rectify(case.no, "已上门致歉并说明办理进度，群众表示理解。", may_be_late=at_window)


# A made-up centre for the demo's slips (the real one is set at `init` or in F11 → Centre).
DEMO_CENTRE = {
    "centre_name": "湖滨街道便民服务中心",
    "centre_address": "杭州市上城区湖滨路 1 号",
    "centre_phone": "0571-87001234",
    "centre_hours": "工作日 08:30–12:00，14:00–17:30",
    "reconsideration_body": "上城区人民政府",
    "forms_place": "本中心综合受理窗口，或浙江政务服务网下载",
}


def span(desk: Desk, today: date, days: int, *, month_before: int = 5) -> list[date]:
    """The demo's working days: the last `days` up to `today`, reaching at least `month_before` working days into
    the month before (so that this month's ranking has one to be compared with: `last_twice`)."""
    found: list[date] = []
    d = today
    while len(found) < days or sum(1 for w in found if w < today.replace(day=1)) < month_before:
        if desk.calendar.is_working_day(d):
            found.append(d)
        d -= timedelta(days=1)
    return found[::-1]


def build(
    desk: Desk, today: date | None = None, *, seed: int = 7, days: int = 22, per_day: int = 40
) -> list[dict[str, Any]]:
    """Create the demo roster and `days` working days of cases up to `today`; return the roster."""
    staff = roster()
    real_now = datetime.now().replace(microsecond=0)
    today = today or real_now.date()
    now = real_now if today == real_now.date() else datetime.combine(today, time(23, 59))
    saved_clock = desk.clock
    working = span(desk, today, days)
    first = min(today - timedelta(days=days * 7 // 5 + 7), working[0])
    # The roster exists before the month begins, so that every past day's report names its staff.
    desk.clock = lambda: datetime.combine(first - timedelta(days=1), time(8, 0))
    try:
        desk.set_policy(**DEMO_CENTRE, hall_url=HALL_URL)
        for s in staff:
            desk.add_staff(s["code"], s["name"], role=s["role"], backup=s.get("backup"), pin=s["pin"])
        supervisor = next(s["code"] for s in staff if s["role"] == "supervisor")
        for m in desk.matters():
            if m.code in KEPT_ANSWERS:
                kept = [KeptAnswer(q, a) for q, a in KEPT_ANSWERS[m.code]]
                desk.save_guide(m.code, dataclasses.replace(m.guide, answers=tuple(kept)), by=supervisor)
        # The hall's windows, each with its rating pad enrolled (the window PCs' browsers enrol at the hall itself).
        clerks = [s["code"] for s in staff if s["role"] == "clerk"]
        for number in range(1, len(clerks) + 1):
            desk.register_window(number, f"{number}号窗口", by=supervisor)
            desk.enrol(desk.register_pad(number, by=supervisor), peer="demo")
    finally:
        desk.clock = saved_clock
    month = Month(desk, today, now, seed)
    desk.clock = lambda: month.moment
    try:
        for d in working:
            month.day(d, per_day + month.rng.randrange(-6, 7))
        month.run()
        month.appeal_last()
    finally:
        desk.clock = saved_clock
        desk.window = None
    return staff
