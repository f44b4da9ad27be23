"""The hot queries search by index, and their work does not grow with the history (bench/ measures them at a
million cases; these tests keep the indexes from being lost without timing anything).

A small desk is built through the Desk API: cases of last week (answered, rated, a bad rating waiting for its
remedy, hand-offs accepted and pending, a notice, an extension, a callback owed), cases of today, and a scan. Each
hot read — the clerk's lists, visitor search, the day's summary and trend, the scan, a case — is run with the
connection's trace callback on, and every SELECT it sent is examined:

- `EXPLAIN QUERY PLAN` on a fresh file (no ANALYZE) scans none of the large tables: a lost index fails here;
- each list is one query (no N+1);
- the SQLite virtual machine does the same work after two months of older history are added: a plan that
  searches a range which grows with the history (e.g. every closed case) fails here, though it shows SEARCH.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from firstask.desk import Case, Desk
from firstask.live import Tidings

LARGE_TABLES = ("cases", "events", "people", "case_states", "violations", "ratings")
TODAY = date(2026, 3, 9)  # conftest's MONDAY_9AM
NOT_ALIASES = {
    "where",
    "on",
    "left",
    "join",
    "inner",
    "cross",
    "group",
    "order",
    "limit",
    "union",
    "as",
    "using",
    "indexed",
    "not",
    "natural",
    "set",
    "values",
    "select",
    "and",
    "or",
    "window",
}


def capture(desk: Desk, call: Callable[[], Any]) -> list[str]:
    """The SELECT statements (parameters filled in) that `call` sent to the file."""
    sent: list[str] = []
    desk.store.conn.set_trace_callback(sent.append)
    try:
        call()
    finally:
        desk.store.conn.set_trace_callback(None)
    return [s for s in sent if s.lstrip().upper().startswith(("SELECT", "WITH"))]


def large_names(sql: str) -> set[str]:
    """The large tables a statement reads and the aliases it gives them (a plan names a table by its alias)."""
    found = set()
    for table, alias in re.findall(rf"\b({'|'.join(LARGE_TABLES)})\b(?:\s+(?:AS\s+)?([A-Za-z_]\w*))?", sql):
        found.add(table)
        if alias and alias.lower() not in NOT_ALIASES:
            found.add(alias)
    return found


def plan(conn: sqlite3.Connection, sql: str) -> list[str]:
    return [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]


def scans(conn: sqlite3.Connection, sql: str) -> list[str]:
    names = large_names(sql)
    return [line for line in plan(conn, sql) if (m := re.match(r"SCAN (\w+)", line)) and m.group(1) in names]


def vm_steps(conn: sqlite3.Connection, sql: str) -> int:
    """How many virtual machine instructions running `sql` takes: the work, counted instead of timed."""
    steps = 0

    def tick() -> int:
        nonlocal steps
        steps += 1
        return 0

    conn.set_progress_handler(tick, 1)
    try:
        conn.execute(sql).fetchall()
    finally:
        conn.set_progress_handler(None, 1)
    return steps


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, datetime.min.time()).replace(hour=hour, minute=minute)


def working_days_before(desk: Desk, day: date, count: int) -> list[date]:
    out: list[date] = []
    d = day
    while len(out) < count:
        d -= timedelta(days=1)
        if desk.calendar.is_working_day(d):
            out.append(d)
    return out[::-1]


@pytest.fixture
def busy(desk: Any, clock: Any, new_case: Callable[..., Case]) -> Iterator[Any]:
    """Last week and today at a small desk; the clock ends on today at 10:00 after a scan."""
    week = working_days_before(desk, TODAY, 5)

    clock.set(at(week[0], 9))  # an enquiry answered and rated at the window
    c = new_case("w01", phone="13800000001")
    desk.answer(c.no, "w01", "已当场解答。")
    desk.rate(c.no, "w01", 5)

    clock.set(at(week[0], 10))  # an application handed over, resolved by w02, rated badly: a remedy is owed
    c = new_case("w01", kind="application", matter="T3", visitor_name="张三丰", phone="13800000002")
    desk.accept(c.no, "w01", materials=[("申请表", 2)])
    desk.hand_off(c.no, "w01", "w02", "请李强跟进。")
    desk.accept_handoff(c.no, "w02")
    clock.set(at(week[1], 15))
    desk.resolve(c.no, "w02", "已办结。")
    clock.set(at(week[2], 9))
    desk.rate(c.no, "w01", 1, "太慢")

    clock.set(at(week[1], 11))  # a complaint handed to w01, still waiting
    c = new_case("w02", kind="complaint", channel="phone", visitor_name="李四", phone="13900000003")
    desk.hand_off(c.no, "w02", "w01", "请王芳处理。")

    clock.set(at(week[2], 14))  # a notice, then accepted and extended
    c = new_case("w01", kind="application", matter="TC", visitor_name="赵六", phone="13800000004")
    desk.notify(c.no, "w01", presented=[])
    clock.set(at(week[3], 9))
    c = desk.accept(c.no, "w01", materials=[("申请表", 1)])
    desk.extend(c.no, "w01", 2, "需补充核查，已电话告知。")

    clock.set(at(week[3], 10))  # resolved, the callback owed
    c = new_case("w01", visitor_name="钱七", phone="13800000005")
    desk.accept(c.no, "w01", materials=[("来电记录", 1)])
    desk.resolve(c.no, "w01", "已办结。")

    clock.set(at(week[4], 9))  # first-asked by w01, owned by w03: on w01's tracking list
    c = new_case("w01", visitor_name="孙八", phone="13800000006")
    desk.hand_off(c.no, "w01", "w03", "请张丽跟进。")
    desk.accept_handoff(c.no, "w03")

    clock.set(at(TODAY, 9))  # today
    new_case("w01", visitor_name="张小明", phone="13800000007")
    c = new_case("w02", kind="application", matter="T3", visitor_name="周九", phone="13800000008")
    desk.accept(c.no, "w02", materials=[("申请表", 3)])
    clock.set(at(TODAY, 10))
    desk.scan()
    yield desk


def add_history(desk: Any, clock: Any, new_case: Callable[..., Case]) -> None:
    """Two months before last week: closed cases of visitors the searches do not match, hand-offs, good ratings
    and bad ones remedied. None of it is open, owed or recent: no hot query should have to read it."""
    saved = clock.now
    for i, day in enumerate(working_days_before(desk, TODAY - timedelta(days=40), 24)):
        for j, clerk in enumerate(("w01", "w02", "w03")):
            clock.set(at(day, 9, j))
            c = new_case(clerk, visitor_name=f"欧阳{'甲乙丙丁'[j]}", phone=f"1590000{i:02d}{j:02d}")
            if (i + j) % 3 == 0:
                other = "w02" if clerk != "w02" else "w03"
                desk.hand_off(c.no, clerk, other, "请跟进。")
                desk.accept_handoff(c.no, other)
                desk.answer(c.no, other, "已答复。")
            else:
                desk.answer(c.no, clerk, "已答复。")
            clock.set(at(day, 10, j))
            desk.rate(c.no, clerk, 2 if (i + j) % 5 == 0 else 5)
            if (i + j) % 5 == 0:
                desk.remedy(c.no, desk.case(c.no).owner, "已致歉。")
    clock.set(saved)


def hot_reads(desk: Desk) -> dict[str, Callable[[], Any]]:
    yesterday = working_days_before(desk, TODAY, 1)[0]
    reads: dict[str, Callable[[], Any]] = {
        "my_cases": lambda: desk.my_cases("w01"),
        "waiting_for": lambda: desk.waiting_for("w01"),
        "tracking": lambda: desk.tracking("w01"),
        "callbacks": lambda: desk.callbacks("w01"),
        "callbacks w02": lambda: desk.callbacks("w02"),
        "find phone": lambda: desk.find_visitors("1380"),
        "find name": lambda: desk.find_visitors("张"),
        "find initials": lambda: desk.find_visitors("zs"),
        "summary today": lambda: desk.summary(TODAY),
        "summary yesterday": lambda: desk.summary(yesterday),
        "scan": lambda: desk.scan(),
        # what the app tells a clerk after every write of the hall's (firstask.live): hand-offs declined back too
        "news": lambda: Tidings(desk, desk.staff()["w01"]).news(),
    }
    if hasattr(desk, "trend"):
        reads["trend"] = lambda: desk.trend(TODAY)  # type: ignore[attr-defined]
    return reads


LISTS = (
    "my_cases",
    "waiting_for",
    "tracking",
    "callbacks",
    "callbacks w02",
    "find phone",
    "find name",
    "find initials",
)


def test_the_hot_queries_scan_no_large_table(busy: Any) -> None:
    desk = busy.desk
    assert desk.my_cases("w01") and desk.waiting_for("w01") and desk.tracking("w01")
    assert {line.status for line in desk.callbacks("w01")} == {"resolved", "closed"}
    assert desk.find_visitors("1380") and desk.find_visitors("张") and desk.find_visitors("zs")
    reads = {
        **hot_reads(desk),
        "case": lambda: desk.case(desk.my_cases("w01")[0].no),
        # opened by a key (F8 b, F10 p), over a month or a quarter: by index, though not the same work every day
        "bad ratings": lambda: desk.bad_ratings_of("w01"),
        "appeals": lambda: desk.appeals(),
    }
    problems = []
    for name, call in reads.items():
        for sql in capture(desk, call):
            problems += [f"{name}: {line}\n    {sql}" for line in scans(desk.store.conn, sql)]
    assert not problems, "a hot query scans a large table (an index is missing):\n" + "\n".join(problems)


def test_each_list_is_one_query(busy: Any) -> None:
    desk = busy.desk
    reads = hot_reads(desk)
    for name in LISTS:
        sent = capture(desk, reads[name])
        assert len(sent) == 1, f"{name} sent {len(sent)} queries (N+1?):\n" + "\n".join(sent)


def test_a_scan_that_records_reads_its_violations_by_index(busy: Any, clock: Any) -> None:
    desk = busy.desk
    clock.advance(days=3)  # the pending hand-off and the open cases have breached by now
    sent = capture(desk, desk.scan)
    assert desk.violations(day=clock.now.date()) or desk.violations()
    problems = [f"{line}\n    {sql}" for sql in sent for line in scans(desk.store.conn, sql)]
    assert not problems, "\n".join(problems)


def test_the_hot_queries_do_not_grow_with_the_history(busy: Any, clock: Any, new_case: Callable[..., Case]) -> None:
    desk = busy.desk
    reads = hot_reads(desk)
    desk.scan()  # nothing new to record: the scan's queries are the same before and after

    def work() -> dict[str, int]:
        return {
            f"{name} #{i}": vm_steps(desk.store.conn, sql)
            for name, call in reads.items()
            for i, sql in enumerate(capture(desk, call))
        }

    before = work()
    cases_before = desk.store.scalar("SELECT count(*) FROM cases")
    add_history(desk, clock, new_case)
    assert desk.store.scalar("SELECT count(*) FROM cases") >= cases_before + 70
    assert desk.scan() == []
    after = work()
    assert after.keys() == before.keys()
    grown = {k: (before[k], after[k]) for k in before if after[k] > before[k] * 1.02 + 20}
    assert not grown, (
        "these queries do more work with more history (steps before, after): a range that grows "
        f"with every closed case: {grown}"
    )


def test_a_file_of_the_first_schema_gains_the_indexes(tmp_path: Any) -> None:
    import sqlite_utils

    from firstask import store

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    store.MIGRATIONS[0](sqlite_utils.Database(conn))
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with Desk.open(path) as desk:
        assert desk.store.user_version() == store.SCHEMA_VERSION >= 2
        indexes = {r[0] for r in desk.store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {
        "idx_cases_tracking",
        "idx_cases_remedy",
        "idx_events_at_action",
        "idx_case_states_at",
        "idx_violations_event_seq",
        "idx_people_phone_digits_named",
        "idx_people_initials_named",
    } <= indexes
    assert not {"idx_cases_rating_remedied_at", "idx_events_at", "idx_case_states_status_valid_to_valid_from"} & indexes
