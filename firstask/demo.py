"""A demo desk built through the Desk API itself: the demo roster and a few days of real-looking cases."""

from __future__ import annotations

import random
import tomllib
from datetime import date, datetime, time, timedelta
from typing import Any

from firstask.desk import Desk, data_dir

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ["伟", "芳", "娜", "敏", "静", "秀英", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
         "秀兰", "霞", "平", "刚", "桂英", "建华", "志强"]
ENQUIRIES = ["咨询居住证办理需要哪些材料", "询问医保缴费时间", "咨询老年人优待证办理地点", "询问社区活动室开放时间",
             "咨询失业登记流程", "咨询公租房申请条件"]
MOBILE_PREFIXES = ("138", "139", "135", "136", "158", "159", "186", "187", "177", "199")
COMPLAINTS = ["反映小区路灯损坏多日无人维修", "反映楼道堆放杂物存在消防隐患", "反映夜间施工噪音扰民"]


def roster() -> list[dict[str, Any]]:
    with (data_dir() / "roster-demo.toml").open("rb") as f:
        return list(tomllib.load(f)["staff"])


def _valid_id(rng: random.Random) -> str:
    from stdnum.cn import ric

    birth = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 50))
    body = f"330106{birth:%Y%m%d}{rng.randrange(100, 999)}"
    return body + ric.calc_check_digit(body + "0")


def _visitor(rng: random.Random) -> dict[str, Any]:
    return {"visitor_name": rng.choice(SURNAMES) + rng.choice(GIVEN),
            "phone": f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10_000_000, 99_999_999)}"}


def _working_days_back(desk: Desk, today: date, n: int) -> list[date]:
    days: list[date] = []
    d = today
    while len(days) < n:
        if desk.calendar.is_working_day(d):
            days.append(d)
        d -= timedelta(days=1)
    return sorted(days)


def build(desk: Desk, today: date | None = None, *, seed: int = 7) -> list[dict[str, Any]]:
    """Create the demo roster and a handful of cases over the last working days; return the roster."""
    staff = roster()
    for s in staff:
        desk.add_staff(s["code"], s["name"], role=s["role"], backup=s.get("backup"), pin=s["pin"])
    clerks = [s["code"] for s in staff if s["role"] == "clerk"]
    rng = random.Random(seed)
    real_now = datetime.now()
    today = today or real_now.date()
    moment = [datetime.combine(today, time(9))]
    saved_clock = desk.clock
    desk.clock = lambda: moment[0]
    try:
        for day in _working_days_back(desk, today, 8):
            moment[0] = datetime.combine(day, time(8, 40))
            for clerk in clerks:
                moment[0] += timedelta(minutes=rng.randrange(5, 40))
                if moment[0] > real_now:
                    break  # nothing in the demo happens after the moment it is made
                _story(desk, clerk, day, rng, moment, today)
    finally:
        desk.clock = saved_clock
    return staff


def _story(desk: Desk, clerk: str, day: date, rng: random.Random, moment: list[datetime], today: date) -> None:
    """One or two visitors at this clerk's window, each taken as far as a real day would take them."""
    tick = lambda minutes: moment.__setitem__(0, moment[0] + timedelta(minutes=minutes))  # noqa: E731
    roll = rng.random()
    if roll < 0.25:
        c = desk.check_in(clerk, summary=rng.choice(ENQUIRIES), **_visitor(rng))
        tick(6)
        desk.answer(c.no, clerk, "已当场解答并提供办事指南。")
        return
    if roll < 0.45:
        c = desk.check_in(clerk, channel="phone", kind="complaint", summary=rng.choice(COMPLAINTS), **_visitor(rng))
        tick(10)
        c = desk.accept(c.no, clerk, materials=[("来电记录", 1)])
        if day < today - timedelta(days=3):
            tick(60 * 5)
            desk.feedback(c.no, clerk, "已联系物业，正在安排处理。")
        return
    matter = rng.choice(["JZZ", "CJZ", "GLJT", "JMYL", "DSZN"])
    names = {m.code: m.name for m in desk.matters()}
    c = desk.check_in(clerk, kind="application", matter=matter, summary="申请办理" + names[matter],
                      id_number=_valid_id(rng), **_visitor(rng))
    tick(8)
    required = c.matter_info.required() if c.matter_info else []
    if roll < 0.65 and len(required) > 1:
        desk.notify(c.no, clerk, presented=required[:1])
        return
    c = desk.accept(c.no, clerk, materials=[(name, rng.randrange(1, 4)) for name in required])
    if roll > 0.9 and c.due and c.due <= today:
        tick(30)
        desk.resolve(c.no, clerk, "已办结，请凭回执领取。")
