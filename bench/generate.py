"""A synthetic database of a busy service centre, written in bulk: `python -m bench.generate --cases N`.

N cases (default 1 000 000) at ~400 a working day across 20 windows: ten years of a busy centre for the default.
Each case lives a story like those of `firstask.demo` (enquiries answered on the spot, applications with one-time
notices and receipts, complaints handed to colleagues, extensions, late cases, callbacks and ratings, remedies
after bad ratings), and breaches of the time rules are recorded as the desk's minute scan records them: a `scan`
event at the first scan after the breach, with the violation's time the breach's. About 5 events a case.

The demo writes through the Desk API, which is right for a month and far too slow for ten years. Here the schema
comes from `Store.open` (so it is the app's, migrations included), the catalogue and policy from
`Desk.load_defaults`, the roster (s01, w01..w20) through `Desk.add_staff`; everything else is computed in Python
and written with `executemany`, one transaction per chunk of days, with the secondary indexes dropped during the
load and re-created from their own SQL afterwards. Events are written in time order and chained with the store's
own `event_hash`, people get a salt and enter the chain as `person_hash`, as `Store.new_person` does, and every
change of status, owner, due date or hand-off receiver has its `case_states` stretch; the rows are sealed by
checkpoint events at the end, as a migration seals an old file's: `firstask verify` passes, and a past day's summary
reads as it stood. A final `Desk.scan()` at the data's "now" mops up what the simulation did
not record (it prints how many: ideally none).

The result is cached: a file with the same N, seed, end day and schema version is kept as it is.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import random
import sqlite3
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

from firstask import names, rules
from firstask.calendar import WorkCalendar
from firstask.desk import Desk
from firstask.rules import Matter
from firstask.store import SCHEMA_VERSION, checkpoint, dumps, event_hash, person_hash

GENERATOR_VERSION = "4"
HERE = Path(__file__).resolve().parent
DEFAULT_END = date(2026, 11, 20)  # a Friday; "now" is 16:30 that day
NOW_TIME = clock(16, 30)
PER_DAY = 400
TZ = "Asia/Shanghai"
SUPERVISOR = "s01"
CLERKS = tuple(f"w{i:02d}" for i in range(1, 21))
PINS = {SUPERVISOR: "909090", **{c: f"{i:02d}90{i:02d}" for i, c in enumerate(CLERKS, start=1)}}

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华志玉兰海燕国庆晓东婷秀红建文辉力鹏飞宇浩凯"
    "欣怡雪梅琳晨阳春雷云峰涵博宁佳俊嘉子轩睿思雨萱梓豪然成龙斌亮波健新民生荣"
)
STAFF_NAMES = (
    "周主任",
    "王芳",
    "李强",
    "张丽",
    "陈刚",
    "刘洋",
    "杨静",
    "赵磊",
    "黄敏",
    "吴杰",
    "周娟",
    "徐涛",
    "孙明",
    "马超",
    "朱霞",
    "胡平",
    "郭勇",
    "何艳",
    "林婷",
    "罗军",
    "高峰",
)
MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "157",
    "158",
    "159",
    "166",
    "176",
    "177",
    "180",
    "181",
    "182",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
)
ENQUIRIES = (
    "咨询居住证办理需要哪些材料",
    "询问医保缴费时间",
    "咨询老年人优待证办理地点",
    "询问社区活动室开放时间",
    "咨询失业登记流程",
    "咨询公租房申请条件",
    "询问高龄津贴发放时间",
    "咨询残疾人证评定医院",
    "咨询独生子女父母奖励申领",
    "询问社保卡补办流程",
)
ANSWERS = ("已当场解答并提供办事指南。", "已告知办理地点和所需材料。", "已解答，并留下窗口电话以便再次咨询。")
COMPLAINTS = (
    "反映小区路灯损坏多日无人维修",
    "反映楼道堆放杂物存在消防隐患",
    "反映夜间施工噪音扰民",
    "反映垃圾清运不及时",
    "反映物业收费不透明",
    "反映窗口排队时间过长",
)
REPORTS = ("举报小区内违规搭建", "举报商铺占道经营", "建议增设社区老年食堂", "建议延长周末办事时间")
AGENCIES = (
    ("区公安分局出入境接待大厅", "0571-87280000"),
    ("区人力资源和社会保障局", "0571-12333"),
    ("区市场监督管理局", "0571-12315"),
    ("区法律援助中心", "0571-12348"),
)
REFERRAL = "咨询出入境证件及劳动纠纷等事项"
FEEDBACK = "材料已报送上级部门审核，请耐心等待。"
ORGS = ("杭州某某科技有限公司", "西湖区某某小学", "某某物业服务有限公司", "某某餐饮店")
LEVELS = (5, 4, 3, 2, 1)
LEVEL_WEIGHTS = (60, 25, 10, 3, 2)
OPEN = rules.OPEN_STATES
STATE_KEYS = ("status", "owner", "due", "pending_to")
CHUNK_DAYS = 25


def default_path(n: int) -> Path:
    return HERE / "data" / f"cases-{n}.db"


class Cut(Exception):
    """The story reaches past "now", or the case is one of the few that are forgotten: it stops here."""


@dataclass(slots=True)
class Ev:
    """An event waiting to be chained: the rows that refer to its seq come with it."""

    at: str
    order: int
    case_no: str | None
    action: str
    by: str | None
    detail: dict[str, Any]
    states: list[list[Any]] = field(default_factory=list)  # [case_no, valid_from, valid_to, status, owner, ...]
    violations: list[dict[str, Any]] = field(default_factory=list)
    review_of: dict[str, Any] | None = None  # the violation a supervisor's review event is about


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


class Generator:
    def __init__(
        self, n: int, end: date, seed: int, calendar: WorkCalendar, policy: rules.Policy, matters: list[Matter]
    ) -> None:
        self.n = n
        self.rng = random.Random(seed)
        self.cal = calendar
        self.policy = policy
        self.now = datetime.combine(end, NOW_TIME)
        self.order = itertools.count()
        self.buckets: dict[date, list[Ev]] = defaultdict(list)
        self.matters = [m for m in matters if m.kind != "guide"]
        weights = [6 if m.kind == "immediate" else 3 if m.limit_days <= 15 else 1 for m in self.matters]
        self.matter_weights = list(itertools.accumulate(weights))
        self.matter_json = {m.code: json.dumps(m.as_json(), ensure_ascii=False) for m in matters}
        self.days = self._working_days(end, math.ceil(n / PER_DAY))
        self.arrivals = self._arrivals()
        self.visitors: list[dict[str, Any]] = []
        self.visitor_target = max(10, int(n * 0.3))
        self.initials_cache: dict[str, str] = {}
        self.person_id = 0
        self.people: list[tuple[Any, ...]] = []
        self.cases: list[tuple[Any, ...]] = []
        self.last_confirmed: dict[str, datetime] = {}
        self.clerk_weights = list(itertools.accumulate(self.rng.uniform(0.6, 1.4) for _ in CLERKS))
        self.stats: dict[str, int] = defaultdict(int)

    # --- calendar --------------------------------------------------------------------------------------------

    def _working_days(self, end: date, count: int) -> list[date]:
        days: list[date] = []
        d = end
        while len(days) < count:
            if self.cal.is_working_day(d):
                days.append(d)
            d -= timedelta(days=1)
        return days[::-1]

    def _arrivals(self) -> list[int]:
        """Cases per working day: Mondays and the days after a holiday are busier; exactly N in all."""
        weights = []
        for i, d in enumerate(self.days):
            w = self.rng.uniform(0.8, 1.2) * (1.25 if d.weekday() == 0 else 1.0)
            if i and (d - self.days[i - 1]).days > 3:
                w *= 1.3
            weights.append(w)
        total = sum(weights)
        counts = [int(self.n * w / total) for w in weights]
        for i in range(self.n - sum(counts)):
            counts[-1 - i % len(counts)] += 1
        return counts

    def later(self, start: datetime, working_days: int) -> datetime:
        """A moment during desk hours `working_days` working days after `start` (0: later the same day)."""
        day = self.cal.add_working_days(start.date(), working_days)
        if working_days == 0 and start.time() >= clock(17):
            day = self.cal.next_working_day(day)
        minute = self.rng.randrange(0, 200)
        base = clock(8, 35) if self.rng.random() < 0.5 else clock(14, 5)
        moment = datetime.combine(day, base) + timedelta(minutes=minute)
        return moment if moment > start else start + timedelta(minutes=20)

    def scan_time(self, breach: datetime) -> datetime:
        """When the desk's scan sees a breach: the next minute during desk hours, else the next opening (08:30)."""
        d = breach.date()
        if self.cal.is_working_day(d):
            t = breach.time()
            if clock(8, 30) <= t < clock(17, 30):
                return breach.replace(second=0, microsecond=0) + timedelta(minutes=1)
            if t < clock(8, 30):
                return datetime.combine(d, clock(8, 30))
        return datetime.combine(self.cal.next_working_day(d), clock(8, 30))

    # --- people ----------------------------------------------------------------------------------------------

    def visitor(self) -> dict[str, Any]:
        """A new visitor, or one who has been here before (found again by phone, name, initials)."""
        if self.visitors and (len(self.visitors) >= self.visitor_target or self.rng.random() < 0.68):
            # Returning visitors are mostly recent ones.
            k = len(self.visitors)
            return self.visitors[k - 1 - min(k - 1, int(self.rng.expovariate(1 / (k / 4))))]
        rng = self.rng
        name = (
            rng.choice(SURNAMES[:20] if rng.random() < 0.6 else SURNAMES)
            + rng.choice(GIVEN_CHARS)
            + (rng.choice(GIVEN_CHARS) if rng.random() < 0.7 else "")
        )
        phone = None
        roll = rng.random()
        if roll < 0.8:
            phone = rules.normalise_phone(f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10_000_000, 100_000_000)}")
        elif roll < 0.9:
            phone = rules.normalise_phone(f"8{rng.randrange(1_000_000, 10_000_000)}")
        initials = self.initials_cache.get(name)
        if initials is None:
            initials = self.initials_cache[name] = names.initials(name)
        person = {
            "name": name,
            "phone": phone,
            "id_number": None,
            "org": rng.choice(ORGS) if rng.random() < 0.05 else None,
            "address": None,
            "initials": initials,
            "phone_digits": names.digits(phone),
        }
        self.visitors.append(person)
        return person

    def id_number(self, person: dict[str, Any]) -> str:
        if person["id_number"] is None:
            from stdnum.cn import ric

            birth = date(1940, 1, 1) + timedelta(days=self.rng.randrange(0, 365 * 65))
            body = f"330106{birth:%Y%m%d}{self.rng.randrange(100, 999)}"
            person["id_number"] = body + ric.calc_check_digit(body + "0")
        return str(person["id_number"])

    def new_person(self, person: dict[str, Any], at: str) -> tuple[int, str]:
        """As `Store.new_person`: the visitor's data with a fresh salt, and the keyed hash that enters the chain."""
        salt = self.rng.getrandbits(128).to_bytes(16, "big").hex()
        self.person_id += 1
        personal = {k: person[k] for k in ("name", "phone", "id_number", "org", "address")}
        self.people.append(
            (
                self.person_id,
                salt,
                person["name"],
                person["phone"],
                person["id_number"],
                person["org"],
                person["address"],
                person["initials"],
                person["phone_digits"],
                at,
            )
        )
        return self.person_id, person_hash(salt, personal)

    # --- one case ----------------------------------------------------------------------------------------------

    def clerk(self, but: tuple[str | None, ...] = ()) -> str:
        while True:
            code = self.rng.choices(CLERKS, cum_weights=self.clerk_weights)[0]
            if code not in but:
                return code

    def event(self, at: datetime, case_no: str | None, action: str, by: str | None, detail: dict[str, Any]) -> Ev:
        ev = Ev(iso(at), next(self.order), case_no, action, by, detail)
        self.buckets[at.date()].append(ev)
        return ev

    def check_in(
        self,
        no: str,
        at: datetime,
        by: str,
        *,
        channel: str,
        kind: str,
        summary: str,
        matter: Matter | None = None,
        anonymous: bool = False,
        about: str | None = None,
    ) -> dict[str, Any]:
        stamp = iso(at)
        person_id, digest, person = None, None, None
        if not anonymous:
            person = self.visitor()
            if kind == "application":
                self.id_number(person)
            person_id, digest = self.new_person(person, stamp)
        c: dict[str, Any] = {
            "no": no,
            "version": 1,
            "status": "open",
            "channel": channel,
            "kind": kind,
            "summary": summary,
            "matter_code": matter.code if matter else None,
            "matter": matter,
            "person_id": person_id,
            "anonymous": int(anonymous),
            "about_staff": about,
            "first_asker": by,
            "owner": by,
            "pending_to": None,
            "pending_from": None,
            "return_status": None,
            "due": None,
            "due_provisional": 0,
            "limit_days": None,
            "extended_days": 0,
            "accepted_at": None,
            "resolved_at": None,
            "closed_at": None,
            "outcome": None,
            "result": None,
            "rating": None,
            "rated_at": None,
            "remedied_at": None,
            "first_response_at": None,
            "notified_at": None,
            "last_contact_at": None,
            "pending_since": None,
            "created_at": stamp,
            "updated_at": stamp,
            # the simulation's own bookkeeping (not columns)
            "_created": at,
            "_flagged": set(),
            "_notices": [],
            "_stretch": None,
            "_last": at,
            "_due": None,
            "_first_response": None,
            "_notified": None,
            "_accepted": None,
            "_contact": None,
            "_pending": None,
            "_rated": None,
            "_remedied": None,
            "_resolved": None,
        }
        ev = self.event(
            at,
            no,
            "check_in",
            by,
            {
                "status": [None, "open"],
                "channel": channel,
                "kind": kind,
                "summary": summary,
                "matter": matter.code if matter else None,
                "visitor": digest,
                "anonymous": anonymous,
                "about_staff": about,
            },
        )
        self.open_stretch(c, ev, stamp)
        self.current = c
        return c

    def open_stretch(self, c: dict[str, Any], ev: Ev, stamp: str) -> None:
        if c["_stretch"] is not None:
            c["_stretch"][2] = stamp
        stretch = [c["no"], stamp, None, c["status"], c["owner"], c["due"], c["pending_to"]]
        ev.states.append(stretch)
        c["_stretch"] = stretch

    def breaches(self, c: dict[str, Any], t: datetime) -> list[dict[str, Any]]:
        """The time rules (firstask.rules.time_rules) at `t`, with the case as it stands: breaches not yet recorded."""
        out = []
        flagged = c["_flagged"]
        status = c["status"]
        owner = c["owner"]

        def add(rule: str, key: str, breach: datetime, unique: str, staff: str, **params: Any) -> None:
            if breach <= t and unique not in flagged:
                out.append(
                    {
                        "rule": rule,
                        "severity": "flag",
                        "key": key,
                        "params": params,
                        "staff": staff,
                        "at": breach,
                        "unique": unique,
                    }
                )

        created = c["_created"]
        own3 = created + timedelta(hours=self.policy.first_response_hours)
        if c["_first_response"] is None or c["_first_response"] > own3:
            add("OWN-3", "own3.late", own3, f"OWN-3:{c['no']}", owner, hours=self.policy.first_response_hours)
        matter = c["matter"]
        if c["kind"] == "application" and matter is not None and matter.kind != "guide":
            breach = self.cal.deadline(created, self.policy.notice_days)
            settled = [x for x in (c["_notified"], c["_accepted"]) if x is not None]
            if not (settled and min(settled) <= breach) and (settled or status in OPEN):
                add("NOT-4", "not4.late", breach, f"NOT-4:{c['no']}", owner, days=self.policy.notice_days)
        if c["_due"] is not None and status in OPEN:
            add(
                "TIME-2",
                "time2.overdue",
                self.cal.end_of_day(c["_due"]),
                f"TIME-2:{c['no']}:{c['due']}",
                owner,
                due=c["due"],
            )
        if status == "in_progress" and c["_contact"] is not None:
            add(
                "TIME-5",
                "time5.silent",
                self.cal.deadline(c["_contact"], self.policy.feedback_days),
                f"TIME-5:{c['no']}:{c['last_contact_at']}",
                owner,
                days=self.policy.feedback_days,
            )
        if status == "handoff_pending" and c["_pending"] is not None and t > c["_pending"]:
            if self.cal.working_minutes(c["_pending"], t) >= self.policy.handoff_minutes:
                breach = self.cal.add_working_minutes(c["_pending"], self.policy.handoff_minutes)
                add(
                    "HO-4",
                    "ho4.late",
                    breach,
                    f"HO-4:{c['no']}:{c['pending_since']}",
                    c["pending_to"],
                    minutes=self.policy.handoff_minutes,
                )
        if c["rating"] in rules.BAD_RATINGS and c["_rated"] is not None:
            breach = self.cal.deadline(c["_rated"], self.policy.remedy_days)
            if not (c["_remedied"] is not None and c["_remedied"] <= breach):
                add(
                    "RATE-2",
                    "rate2.late",
                    breach,
                    f"RATE-2:{c['no']}:{c['rated_at']}",
                    owner,
                    days=self.policy.remedy_days,
                )
        return out

    def catch_up(self, c: dict[str, Any], t: datetime) -> list[dict[str, Any]]:
        """Breaches before `t`: recorded by the scans that ran since (scan events); the rest go with the action."""
        found = sorted(self.breaches(c, t), key=lambda f: f["at"])
        while found:
            seen = self.scan_time(found[0]["at"])
            if seen > t:
                return found
            now_seen = [f for f in found if f["at"] <= seen]
            found = [f for f in found if f["at"] > seen]
            self.record(c, "scan", None, seen, {}, {}, now_seen)
        return []

    def act(
        self,
        c: dict[str, Any],
        action: str,
        by: str | None,
        at: datetime,
        changes: dict[str, Any],
        detail: dict[str, Any],
        flags: list[dict[str, Any]] | None = None,
    ) -> Ev:
        if at > self.now:
            raise Cut
        if at < c["_last"]:  # never before the case's last event: its times are the new moment's
            early, at = iso(at), c["_last"]
            changes = {k: iso(at) if v == early else v for k, v in changes.items()}
        carried = self.catch_up(c, at)
        return self.record(c, action, by, at, changes, detail, carried + (flags or []))

    def record(
        self,
        c: dict[str, Any],
        action: str,
        by: str | None,
        at: datetime,
        changes: dict[str, Any],
        detail: dict[str, Any],
        flags: list[dict[str, Any]],
    ) -> Ev:
        """As `Desk._record`: the event, the timing columns, the new version, the state stretch, the violations."""
        stamp = iso(at)
        status = changes.get("status", c["status"])
        full = {"status": [c["status"], status], **detail}
        if flags:
            full["verdict"] = [
                {
                    "rule": f["rule"],
                    "severity": f["severity"],
                    "key": f["key"],
                    "params": f["params"],
                    "staff": f["staff"],
                }
                for f in flags
            ]
        ev = self.event(at, c["no"], action, by, full)
        if action in rules.RESPONSES and c["_first_response"] is None:
            c["first_response_at"], c["_first_response"] = stamp, at
        if action == "notify" and c["_notified"] is None:
            c["notified_at"], c["_notified"] = stamp, at
        if action in ("accept", "feedback", "extend"):
            c["last_contact_at"], c["_contact"] = stamp, at
        if action == "hand_off":
            c["pending_since"], c["_pending"] = stamp, at
        elif action in ("accept_handoff", "decline_handoff"):
            c["pending_since"], c["_pending"] = None, None
        before = {k: c[k] for k in STATE_KEYS}
        c.update(changes)
        c["version"] += 1
        c["updated_at"] = stamp
        c["_last"] = at
        if any(c[k] != before[k] for k in STATE_KEYS):
            self.open_stretch(c, ev, stamp)
        for f in flags:
            if f["unique"]:
                c["_flagged"].add(f["unique"])
            violation = {
                "rule": f["rule"],
                "staff": f["staff"] or by,
                "case_no": c["no"],
                # an action's own flag is keyed by its event's seq, filled in when the event is written
                "at": iso(f["at"] or at),
                "unique_key": f["unique"] or ev,
                "recorded_at": stamp,
                "detail": json.dumps(
                    {
                        "key": f["key"],
                        "params": f["params"],
                        "action": action,
                        "confirmed_warning": f["severity"] == "warn",
                    },
                    ensure_ascii=False,
                    default=str,
                ),
                "decision": None,
                "reason": None,
                "reviewed_by": None,
                "reviewed_at": None,
                "repeat": 0,
            }
            ev.violations.append(violation)
            self.review(violation, at)
            self.stats[f"violation {f['rule']}"] += 1
        return ev

    def review(self, violation: dict[str, Any], recorded: datetime) -> None:
        """Most violations are reviewed by the supervisor within a week (confirm or excuse, ACC-1)."""
        if self.rng.random() > 0.8:
            return
        at = self.later(recorded, self.rng.randrange(1, 6))
        if at > self.now:
            return
        decision = "confirm" if self.rng.random() < 0.7 else "excuse"
        staff = violation["staff"]
        repeat = False
        if decision == "confirm" and staff:
            last = self.last_confirmed.get(staff)
            repeat = last is not None and (at - last).days < 365
            self.last_confirmed[staff] = at
        reason = "情况属实，已批评教育。" if decision == "confirm" else "因系统故障延误，予以免责。"
        violation.update(
            decision=decision, reason=reason, reviewed_by=SUPERVISOR, reviewed_at=iso(at), repeat=int(repeat)
        )
        ev = self.event(
            at,
            None,
            "review",
            SUPERVISOR,
            {
                "violation": None,
                "rule": violation["rule"],
                "staff": staff,
                "case": violation["case_no"],
                "decision": decision,
                "reason": reason,
                "repeat": repeat,
            },
        )
        ev.review_of = violation

    def document(self, c: dict[str, Any], kind: str) -> str:
        return f"{c['no']}-{c['version'] + 1:02d}-{kind}.txt"

    # --- stories (as firstask.demo, with the rates of a real centre) ----------------------------------------

    def story(self, no: str, at: datetime) -> None:
        rng = self.rng
        clerk = self.clerk()
        roll = rng.random()
        self.current: dict[str, Any] | None = None
        try:
            if roll < 0.28:
                channel = rng.choice(("visit", "visit", "visit", "phone", "online"))
                c = self.check_in(no, at, clerk, channel=channel, kind="enquiry", summary=rng.choice(ENQUIRIES))
                self.forgotten(c)
                text = rng.choice(ANSWERS)
                flags = []
                if rng.random() < 0.02:  # a forbidden phrase slips out now and then (LANG-1, confirmed)
                    text = "这个我不清楚，" + text
                    flags = [
                        {
                            "rule": "LANG-1",
                            "severity": "warn",
                            "key": "lang1.forbidden",
                            "params": {"phrases": "不清楚"},
                            "staff": clerk,
                            "at": None,
                            "unique": None,
                        }
                    ]
                t = at + timedelta(minutes=rng.randrange(3, 12))
                self.act(
                    c,
                    "answer",
                    clerk,
                    t,
                    {"status": "resolved", "outcome": "answered", "result": text, "resolved_at": iso(t)},
                    {"text": text},
                    flags,
                )
                c["_resolved"] = c["_last"]
                if rng.random() < 0.6:  # rated at the window's pad, there and then
                    self.rate(c, clerk, t + timedelta(minutes=1))
                else:
                    self.callback(c)
            elif roll < 0.34:
                c = self.check_in(no, at, clerk, channel="visit", kind="enquiry", summary=REFERRAL)
                agency, contact = rng.choice(AGENCIES)
                t = at + timedelta(minutes=8)
                self.act(
                    c,
                    "refer",
                    clerk,
                    t,
                    {
                        "status": "resolved",
                        "outcome": "referred",
                        "result": f"{agency} {contact}",
                        "resolved_at": iso(t),
                    },
                    {"agency": agency, "contact": contact, "document": self.document(c, "referral")},
                )
                c["_resolved"] = c["_last"]
                self.callback(c)
            elif roll < 0.66:
                self.application(no, at, clerk)
            elif roll < 0.86:
                self.complaint(no, at, clerk)
            else:
                kind = rng.choice(("report", "suggestion"))
                anonymous = kind == "report" and rng.random() < 0.3
                c = self.check_in(
                    no,
                    at,
                    clerk,
                    channel=rng.choice(("letter", "online", "phone")),
                    kind=kind,
                    summary=rng.choice(REPORTS),
                    anonymous=anonymous,
                )
                self.forgotten(c)
                self.accept(c, clerk, self.later(at, 0))
        except Cut:
            pass
        assert self.current is not None and self.current["no"] == no
        self.finish(self.current)

    def forgotten(self, c: dict[str, Any]) -> None:
        """A very few cases are never touched again: they stay open, and the scans flag them."""
        if self.rng.random() < 0.0003:
            self.stats["forgotten"] += 1
            raise Cut

    def application(self, no: str, at: datetime, clerk: str) -> dict[str, Any]:
        rng = self.rng
        matter = self.matters[self.rng.choices(range(len(self.matters)), cum_weights=self.matter_weights)[0]]
        c = self.check_in(
            no, at, clerk, channel="visit", kind="application", matter=matter, summary="申请办理" + matter.name
        )
        self.forgotten(c)
        required = matter.required()
        step = at + timedelta(minutes=rng.randrange(5, 15))
        roll = rng.random()
        if roll < 0.04:
            reason = "申请人不属于本辖区，依规定不予受理。"
            self.act(
                c,
                "reject",
                clerk,
                step,
                {"status": "resolved", "outcome": "rejected", "result": reason, "resolved_at": iso(step)},
                {"reason": reason, "document": self.document(c, "rejection")},
            )
            c["_resolved"] = c["_last"]
            self.callback(c)
        elif roll < 0.06 and len(required) >= 2:
            # Taken "for review" and the notice given only days later: late (NOT-4, OWN-3).
            self.notice(c, clerk, self.later(step, rng.choice((6, 7))), required[:1])
        elif roll < 0.12:
            self.hand_off(c, clerk, step, then_accept=True)
        elif rng.random() < 0.6 or len(required) < 2:
            self.accept(c, clerk, step)
        else:
            self.notice(c, clerk, step, rng.sample(required, rng.randrange(0, len(required) - 1)))
        return c

    def notice(
        self, c: dict[str, Any], by: str, t: datetime, presented: list[str], extra: list[str] | None = None
    ) -> None:
        matter = c["matter"]
        missing = [d for d in (matter.required() if matter else []) if d not in presented]
        items = missing + [e for e in (extra or []) if e not in missing]
        asked = {i for _, earlier in c["_notices"] for i in earlier}
        second = bool(c["_notices"]) and any(i not in asked for i in items)
        flags = []
        if second:
            new = [i for i in items if i not in asked]
            flags = [
                {
                    "rule": "NOT-2",
                    "severity": "flag",
                    "key": "not2.second_notice",
                    "params": {"items": "、".join(new)},
                    "staff": c["_notices"][0][0],
                    "at": None,
                    "unique": None,
                }
            ]
        self.act(
            c,
            "notify",
            by,
            t,
            {"status": "awaiting_documents"},
            {
                "items": items,
                "missing": missing,
                "extra": extra or [],
                "presented": presented,
                "applies": [],
                "second": second,
                "document": self.document(c, "notice"),
            },
            flags,
        )
        c["_notices"].append((by, items))
        # The visitor comes back with the documents some working days later; now and then the desk asks for
        # something it forgot the first time (a second notice, NOT-2).
        back = self.later(t, self.rng.choice((1, 1, 2, 2, 3, 4, 6, 8)))
        if not second and self.rng.random() < 0.08:
            self.notice(
                c, c["owner"], back, matter.required() if matter else [], ["申请人户籍所在地社区出具的情况说明"]
            )
        else:
            self.accept(c, c["owner"], back)

    def accept(self, c: dict[str, Any], by: str, t: datetime) -> None:
        matter: Matter | None = c["matter"]
        if matter is not None:
            limit, immediate = (0, True) if matter.immediate else (matter.limit_days, False)
        else:
            limit = self.policy.fallback_days["complaint" if c["kind"] == "complaint" else "own"]
            immediate = False
        if t > self.now:
            raise Cut
        due = self.cal.add_working_days(t.date(), limit)
        provisional = not self.cal.is_confirmed(due.year)
        materials = [[name, self.rng.randrange(1, 5)] for name in (matter.required() if matter else ["来电记录"])]
        self.act(
            c,
            "accept",
            by,
            t,
            {
                "status": "in_progress",
                "due": due.isoformat(),
                "due_provisional": int(provisional),
                "limit_days": limit,
                "extended_days": 0,
                "accepted_at": iso(t),
            },
            {
                "materials": materials,
                "limit_days": limit,
                "immediate": immediate,
                "due": due.isoformat(),
                "due_provisional": provisional,
                "handler": c["owner"],
                "applies": [],
                "document": self.document(c, "receipt"),
            },
        )
        c["_accepted"], c["_due"] = c["_last"], due
        self.forgotten(c)
        self.work(c, t)

    def complaint(self, no: str, at: datetime, clerk: str) -> dict[str, Any]:
        rng = self.rng
        about = self.clerk() if rng.random() < 0.08 else None
        if about == clerk:
            clerk = self.clerk(but=(about,))
        channel = rng.choice(("phone", "phone", "visit", "letter", "online"))
        anonymous = channel in ("phone", "letter") and rng.random() < 0.15
        c = self.check_in(
            no,
            at,
            clerk,
            channel=channel,
            kind="complaint",
            summary=rng.choice(COMPLAINTS),
            anonymous=anonymous,
            about=about,
        )
        self.forgotten(c)
        step = at + timedelta(minutes=rng.randrange(5, 20))
        if rng.random() < 0.45:
            self.hand_off(c, clerk, step, then_accept=True)
        else:
            self.accept(c, clerk, step)
        return c

    def hand_off(self, c: dict[str, Any], by: str, t: datetime, *, then_accept: bool) -> None:
        rng = self.rng
        to = self.clerk(but=(by, c["about_staff"]))
        note = "已记录来电内容并核实地址，移交片区负责同事跟进。"
        self.act(
            c,
            "hand_off",
            by,
            t,
            {"status": "handoff_pending", "return_status": c["status"], "pending_to": to, "pending_from": by},
            {"to": to, "note": note, "pending_to": to, "via_backup": False, "owner": c["owner"]},
        )
        wait = rng.choice((2, 4, 6, 8, 10, 12, 15, 20, 25, 45, 80))
        t = t + timedelta(minutes=wait)
        back = c["return_status"] or "open"
        if rng.random() < 0.1:
            reason = "该片区不属于本人负责，请移交网格员。"
            self.act(
                c,
                "decline_handoff",
                to,
                t,
                {"status": back, "pending_to": None, "pending_from": None, "return_status": None},
                {"reason": reason, "back_to": by, "owner": c["owner"]},
            )
            if then_accept:
                self.accept(c, by, t + timedelta(minutes=10))
        else:
            self.act(
                c,
                "accept_handoff",
                to,
                t,
                {"status": back, "owner": to, "pending_to": None, "pending_from": None, "return_status": None},
                {"from": by, "addressed_to": to, "previous_owner": c["owner"], "owner": to},
            )
            if then_accept:
                self.accept(c, to, t + timedelta(minutes=5))

    def work(self, c: dict[str, Any], start: datetime) -> None:
        """Feedback every few days on long cases, sometimes an extension, then the result: mostly on time."""
        rng = self.rng
        due = c["_due"]
        limit = self.cal.working_days_between(start.date(), due)
        roll = rng.random()
        extend = roll < 0.06 and limit >= 1
        if roll < 0.92 or extend:
            done_in = max(0, limit - rng.randrange(0, max(1, limit)))
        else:
            done_in = limit + rng.choice((1, 1, 2, 3, 5))  # late: overdue (TIME-2)
        if extend:
            done_in = max(1, limit - 1)
        told = 0
        while True:  # the visitor hears something every few working days (TIME-5 when a gap runs long)
            step = rng.choice((3, 3, 4, 4, 4, 5, 5, 5, 5, 7))
            if told + step >= done_in:
                break
            told += step
            self.act(c, "feedback", c["owner"], self.later(start, told), {}, {"text": FEEDBACK})
        moment = self.later(start, done_in)
        if extend:
            cap = max(1, c["matter"].limit_days if c["matter"] else 2)
            days = min(cap, rng.choice((3, 5)))
            new_due = self.cal.add_working_days(due, days)
            provisional = not self.cal.is_confirmed(new_due.year)
            self.act(
                c,
                "extend",
                c["owner"],
                moment,
                {
                    "due": new_due.isoformat(),
                    "due_provisional": int(provisional),
                    "extended_days": c["extended_days"] + days,
                },
                {
                    "days": days,
                    "reason": "需上级部门补充核查，已电话告知申请人。",
                    "due": [due.isoformat(), new_due.isoformat()],
                    "due_provisional": provisional,
                    "visitor_told": True,
                },
            )
            c["_due"] = new_due
            moment = self.later(moment, max(0, self.cal.working_days_between(moment.date(), new_due) - 1))
        result = "已办结，结果已电话告知，请凭回执领取。"
        on_time = moment.date() <= c["_due"]
        self.act(
            c,
            "resolve",
            c["owner"],
            moment,
            {"status": "resolved", "outcome": "resolved", "result": result, "resolved_at": iso(moment)},
            {"result": result, "on_time": on_time},
        )
        c["_resolved"] = c["_last"]
        self.stats["late" if not on_time else "on time"] += 1
        if c["anonymous"]:
            t = c["_last"] + timedelta(minutes=30)
            self.act(c, "close_case", c["owner"], t, {"status": "closed", "closed_at": iso(t)}, {"rated": False})
            return
        self.callback(c)

    def callback(self, c: dict[str, Any]) -> None:
        """The callback and rating within a few working days; else a supervisor closes it after the window."""
        rng = self.rng
        resolved = c["_resolved"]
        roll = rng.random()
        if roll < 0.0005:
            self.stats["callback forgotten"] += 1
            return
        if roll < 0.78:
            self.rate(c, c["first_asker"], self.later(resolved, rng.choice((1, 1, 2, 2, 3, 4))))
        else:
            window = self.cal.deadline(resolved, self.policy.callback_days)
            t = self.later(window, rng.randrange(0, 3))
            self.act(c, "close_case", SUPERVISOR, t, {"status": "closed", "closed_at": iso(t)}, {"rated": False})

    def rate(self, c: dict[str, Any], by: str, t: datetime) -> None:
        level = self.rng.choices(LEVELS, weights=LEVEL_WEIGHTS)[0]
        bad = level in rules.BAD_RATINGS
        comment = "回访满意" if level >= 3 else "办理太慢，多次催问才有结果"
        self.act(
            c,
            "rate",
            by,
            t,
            {"status": "closed", "rating": level, "rated_at": iso(t), "closed_at": iso(t), "remedied_at": None},
            {"level": level, "comment": comment, "bad": bad, "owner": c["owner"]},
        )
        c["_rated"] = c["_last"]
        self.stats[f"rating {level}"] += 1
        if bad and self.rng.random() < 0.97:
            t = self.later(c["_last"], self.rng.choice((1, 2, 3, 5, 9, 18)))
            text = "已上门致歉并说明办理进度，群众表示理解。"
            self.act(c, "remedy", c["owner"], t, {"remedied_at": iso(t)}, {"text": text})
            c["_remedied"] = c["_last"]

    def finish(self, c: dict[str, Any]) -> None:
        """The story stopped (its end, "now", or forgotten): the breaches the scans saw up to now, then the row."""
        self.catch_up(c, self.now)
        matter = c["matter"]
        self.cases.append(
            (
                c["no"],
                c["version"],
                c["status"],
                c["channel"],
                c["kind"],
                c["summary"],
                c["matter_code"],
                self.matter_json[matter.code] if matter else None,
                c["person_id"],
                c["anonymous"],
                c["about_staff"],
                c["first_asker"],
                c["owner"],
                c["pending_to"],
                c["pending_from"],
                c["return_status"],
                c["due"],
                c["due_provisional"],
                c["limit_days"],
                c["extended_days"],
                c["accepted_at"],
                c["resolved_at"],
                c["closed_at"],
                c["outcome"],
                c["result"],
                c["rating"],
                c["rated_at"],
                c["remedied_at"],
                c["first_response_at"],
                c["notified_at"],
                c["last_contact_at"],
                c["pending_since"],
                c["created_at"],
                c["updated_at"],
            )
        )
        self.stats[f"status {c['status']}"] += 1

    # --- the days ----------------------------------------------------------------------------------------------

    def run(self) -> Iterator[tuple[date, list[Ev]]]:
        """Day by day: the day's log-ins and arrivals are simulated, then the day's events come out in time order."""
        rng = self.rng
        for d, arrivals in zip(self.days, self.arrivals, strict=True):
            last_day = d == self.now.date()
            for code in (SUPERVISOR, *CLERKS):
                if rng.random() < 0.95:
                    self.event(
                        datetime.combine(d, clock(8, 20)) + timedelta(seconds=rng.randrange(0, 600)),
                        None,
                        "login",
                        code,
                        {"code": code},
                    )
            morning = 205  # minutes from 08:35 to 12:00; the afternoon runs from 14:00
            span = 7 * 60
            if last_day:
                span = morning + (self.now - datetime.combine(d, clock(14))).seconds // 60 - 5
            for i, minute in enumerate(sorted(rng.randrange(0, span * 60) / 60 for _ in range(arrivals)), start=1):
                at = datetime.combine(d, clock(8, 35)) + timedelta(minutes=minute)
                if minute >= morning:
                    at += timedelta(hours=2)  # the desk is closed over lunch
                    if last_day and at >= self.now:
                        at = self.now - timedelta(minutes=1)
                self.story(f"{d:%Y%m%d}-{i:04d}", at.replace(microsecond=0))
            events = self.buckets.pop(d, [])
            events.sort(key=lambda e: (e.at, e.order))
            yield d, events
        assert not any(day <= self.now.date() for day in self.buckets), "events left behind"


# --- writing -------------------------------------------------------------------------------------------------

CASE_COLUMNS = (
    "no, version, status, channel, kind, summary, matter_code, matter, person_id, anonymous, about_staff, "
    "first_asker, owner, pending_to, pending_from, return_status, due, due_provisional, limit_days, "
    "extended_days, accepted_at, resolved_at, closed_at, outcome, result, rating, rated_at, "
    "remedied_at, first_response_at, notified_at, last_contact_at, pending_since, created_at, "
    "updated_at"
)


def cached(path: Path, n: int, seed: int, end: date) -> bool:
    if not path.exists():
        return False
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            meta = dict(conn.execute("SELECT key, value FROM meta WHERE key LIKE 'bench_%'").fetchall())
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return (
        meta.get("bench_cases") == str(n)
        and meta.get("bench_seed") == str(seed)
        and meta.get("bench_end") == end.isoformat()
        and meta.get("bench_generator") == GENERATOR_VERSION
        and version == SCHEMA_VERSION
    )


def remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def generate(
    path: Path, n: int, *, seed: int = 20261120, end: date = DEFAULT_END, verify: bool = False, quiet: bool = False
) -> dict[str, Any]:
    """Write the database of `n` cases to `path` (unless it is there already); return what was written."""

    def say(text: str) -> None:
        if not quiet:
            print(text, flush=True)

    if cached(path, n, seed, end):
        say(f"{path}: {n} cases, cached")
        return {"cached": True}
    began = time.perf_counter()
    tmp = path.with_name(path.name + ".part")
    remove(tmp)
    start = datetime.combine(DEFAULT_END, clock(8))  # replaced below by the first day's morning
    days_back = math.ceil(n / PER_DAY)

    # The app's own schema, catalogue, policy and roster.
    with Desk.open(tmp, clock=lambda: start) as desk:
        calendar = desk.calendar
        first = end
        count = 0
        while count < days_back:
            if calendar.is_working_day(first):
                count += 1
            first -= timedelta(days=1)
        start = datetime.combine(first, clock(8))
        desk.load_defaults()
        desk.add_staff(SUPERVISOR, STAFF_NAMES[0], role="supervisor", pin=PINS[SUPERVISOR])
        for i, code in enumerate(CLERKS):
            backup = CLERKS[i + 1] if i % 2 == 0 else CLERKS[i - 1]  # A/B pairs (AB角)
            desk.add_staff(code, STAFF_NAMES[i + 1], backup=backup, pin=PINS[code])
        gen = Generator(n, end, seed, desk.calendar, desk.policy, desk.matters(active_only=True))
        seq, prev = desk.store.head()
        violation_id = int(desk.store.scalar("SELECT coalesce(max(id), 0) FROM violations"))

    conn = sqlite3.connect(tmp, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -400000")
    conn.execute("PRAGMA temp_store = MEMORY")
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        "AND tbl_name IN ('cases', 'events', 'people', 'case_states', 'violations')"
    ).fetchall()
    for name, _ in indexes:
        conn.execute(f"DROP INDEX {name}")

    counts: dict[str, int] = defaultdict(int)
    events: list[tuple[Any, ...]] = []
    states: list[tuple[Any, ...]] = []
    violations: list[tuple[Any, ...]] = []

    def flush() -> None:
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO people (id, salt, name, phone, id_number, org, address, initials, phone_digits, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            gen.people,
        )
        conn.executemany(f"INSERT INTO cases ({CASE_COLUMNS}) VALUES ({', '.join('?' * 34)})", gen.cases)
        conn.executemany(
            "INSERT INTO events (seq, case_no, action, by_staff, at, tz, detail, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            events,
        )
        conn.executemany(
            "INSERT INTO case_states (case_no, seq, valid_from, valid_to, status, owner, due, "
            "pending_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            states,
        )
        conn.executemany(
            "INSERT INTO violations (id, rule, staff, case_no, at, detail, event_seq, unique_key, "
            "recorded_at, decision, reason, reviewed_by, reviewed_at, repeat) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            violations,
        )
        conn.execute("COMMIT")
        for name, rows in (
            ("people", gen.people),
            ("cases", gen.cases),
            ("events", events),
            ("case_states", states),
            ("violations", violations),
        ):
            counts[name] += len(rows)
            rows.clear()

    done_days = 0
    for _day, day_events in gen.run():
        for ev in day_events:
            seq += 1
            text = dumps(ev.detail) if ev.review_of is None else dumps({**ev.detail, "violation": ev.review_of["id"]})
            prev = event_hash(prev, seq, ev.case_no, ev.action, ev.by, ev.at, TZ, text)
            events.append((seq, ev.case_no, ev.action, ev.by, ev.at, TZ, text, prev))
            for s in ev.states:
                states.append((s[0], seq, s[1], s[2], s[3], s[4], s[5], s[6]))
            for v in ev.violations:
                violation_id += 1
                v["id"] = violation_id
                if isinstance(v["unique_key"], Ev):
                    v["unique_key"] = f"{v['rule']}:{v['case_no']}:{seq}"
                violations.append(
                    (
                        violation_id,
                        v["rule"],
                        v["staff"],
                        v["case_no"],
                        v["at"],
                        v["detail"],
                        seq,
                        v["unique_key"],
                        v["recorded_at"],
                        v["decision"],
                        v["reason"],
                        v["reviewed_by"],
                        v["reviewed_at"],
                        v["repeat"],
                    )
                )
        done_days += 1
        if done_days % CHUNK_DAYS == 0:
            flush()
            if done_days % (CHUNK_DAYS * 20) == 0:
                rate = counts["cases"] / (time.perf_counter() - began)
                say(f"  {done_days}/{len(gen.days)} days, {counts['cases']} cases, {rate:.0f} cases/s")
    flush()
    written = time.perf_counter()
    say(f"  rows written in {written - began:.0f} s; re-creating {len(indexes)} indexes")
    for _, sql in indexes:
        conn.execute(sql)
    # Rows written in bulk are sealed as a migration seals an old file's: by checkpoint events.
    conn.execute("BEGIN")
    checkpoint(conn)
    conn.execute("COMMIT")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    indexed = time.perf_counter()

    # What the simulation did not record, a scan at "now" does (as the desk would at its next minute).
    with Desk.open(tmp, clock=lambda: gen.now) as desk:
        mopped = len(desk.scan())
        with desk.store.write() as s:
            for key, value in (
                ("bench_cases", n),
                ("bench_seed", seed),
                ("bench_end", end.isoformat()),
                ("bench_now", iso(gen.now)),
                ("bench_generator", GENERATOR_VERSION),
            ):
                s.set_meta(key, str(value))
        if verify:
            result = desk.verify()
            if not result.ok:
                raise SystemExit(f"the generated chain does not verify: {result.message()}")
            say(f"  verify: {result.anchor}")
        desk.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    remove(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, path)
    remove(tmp)
    total = time.perf_counter() - began
    info = {
        "cases": n,
        "seconds": round(total, 1),
        "rate": round(n / total),
        "rows": dict(counts),
        "index_seconds": round(indexed - written, 1),
        "scan_mopped_up": mopped,
        "now": iso(gen.now),
        "first_day": gen.days[0].isoformat(),
        "stats": dict(sorted(gen.stats.items())),
    }
    say(
        f"{path}: {n} cases in {total:.0f} s = {n / total:.0f} cases/s "
        f"({counts['events']} events, {counts['events'] / n:.1f} a case; {counts['people']} people rows of "
        f"{len(gen.visitors)} visitors; {counts['case_states']} states; {counts['violations']} violations; "
        f"indexes {indexed - written:.0f} s; final scan recorded {mopped}); days {gen.days[0]}..{end}"
    )
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=1_000_000, help="how many cases (default 1 000 000)")
    parser.add_argument("--out", type=Path, help="the database (default bench/data/cases-N.db)")
    parser.add_argument("--seed", type=int, default=20261120)
    parser.add_argument("--end", type=date.fromisoformat, default=DEFAULT_END, help="the last day (now: 16:30)")
    parser.add_argument("--verify", action="store_true", help="verify the chain afterwards")
    parser.add_argument("--stats", action="store_true", help="print the simulation's counts")
    args = parser.parse_args(argv)
    if args.cases < 1:
        parser.error("--cases must be at least 1")
    info = generate(args.out or default_path(args.cases), args.cases, seed=args.seed, end=args.end, verify=args.verify)
    if args.stats and "stats" in info:
        for key, value in info["stats"].items():
            print(f"  {key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
