"""The desk on PostgreSQL (issue 21), on the session's throwaway server: `Desk.open("postgresql://…?centre=C01")`
runs the same desk. Two centres on one database never see each other's cases, staff or figures; the same actions
give the same history, hash for hash, as on a SQLite file (the anchors are equal); two windows racing on one case
give what they give on SQLite (no action applied twice, CONFLICT named); `verify` finds an edited, deleted or
reordered event and a row changed, added or removed behind the desk; addresses say what is wrong with them.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from conftest import MATTERS, MONDAY_9AM, PINS, ROSTER, Clock

from firstask.desk import Desk
from firstask.rules import RuleError
from firstask.store import StoreError, pg_core, pg_schema
from firstask.store.address import parse_postgres
from firstask.store.pg_sql import translate

OpenAt = Callable[..., Desk]


@pytest.fixture
def district(pg_server: Any, pg_database: str, tmp_path: Path) -> Iterator[OpenAt]:
    """`open_at("C01")`: a desk of that centre on one database, as a window opens it (a login role of the desk's
    group role); the schema and each centre made by the database's owner on first use. Closed at the end."""
    made: set[str] = set()
    opened: list[Desk] = []

    def open_at(centre: str, clock: Callable[[], datetime] | None = None) -> Desk:
        if centre not in made:
            Desk.open(pg_server.url(pg_database) + f"?centre={centre}").close()
            with psycopg.connect(pg_server.url(pg_database), autocommit=True) as admin:
                admin.execute(
                    "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'window_pc') THEN "
                    f"CREATE ROLE window_pc LOGIN IN ROLE {pg_schema.DESK_ROLE}; END IF; END $$"
                )
            made.add(centre)
        address = pg_server.url(pg_database, "window_pc") + f"?centre={centre}&documents={tmp_path / centre}"
        desk = Desk.open(address, clock=clock, create=False)
        opened.append(desk)
        return desk

    yield open_at
    for desk in opened:
        desk.close()


def furnished(desk: Desk) -> Desk:
    desk.load_defaults()
    for code, name, role, backup in ROSTER:
        desk.add_staff(code, name, role=role, backup=backup, pin=PINS[code])
    return desk


def superuser(pg_server: Any, database: str, centre: str) -> psycopg.Connection[Any]:
    """The database's owner, a superuser: what someone with the server's keys could do behind the desk."""
    conn = psycopg.connect(pg_server.url(database), autocommit=True)
    conn.execute("SELECT set_config(%s, %s, false)", (pg_schema.CENTRE_SETTING, centre))
    return conn


# --- two centres on one database ------------------------------------------------------------------------------


def test_two_centres_never_see_each_others_cases_staff_or_figures(district: OpenAt, clock: Clock) -> None:
    one = furnished(district("C01", clock))
    two = district("C02", clock)
    two.load_defaults()
    two.add_staff("x01", "赵敏", role="clerk", pin="258014")
    a = one.check_in("w01", visitor_name="张三", summary="咨询社保")
    b = two.check_in("x01", visitor_name="李四", summary="咨询医保")
    assert a.no == b.no == "20260309-0001"  # each centre numbers its own cases
    assert one.case(a.no).summary == "咨询社保" and two.case(b.no).summary == "咨询医保"
    assert set(one.staff()) == {"w01", "w02", "w03", "s01"} and set(two.staff()) == {"x01"}
    with pytest.raises(RuleError):
        two.check_in("w01", visitor_name="王五", summary="冒用另一中心的工号")
    assert [hit.name for hit in one.find_visitors("李")] == []
    assert one.summary(MONDAY_9AM.date())["received"] == 1 and two.summary(MONDAY_9AM.date())["received"] == 1
    assert one.store.verify().ok and two.store.verify().ok
    assert one.store.head()[0] != two.store.head()[0]  # a chain each


# --- the same history as on a SQLite file ---------------------------------------------------------------------


def script(desk: Desk, clock: Clock) -> tuple[int, str]:
    """A morning at the window: check-ins, an answer, an acceptance, a hand-off accepted, a resolution, a callback
    rating, a scan: the history's head."""
    furnished(desk)
    desk.add_matter("T3", **MATTERS["T3"])
    enquiry = desk.check_in("w01", visitor_name="张三", phone="13800000000", summary="咨询")
    desk.answer(enquiry.no, "w01", "可以办理。")
    case = desk.check_in("w01", visitor_name="李四", summary="申请居住证", kind="application", matter="T3")
    desk.accept(case.no, "w01", materials=[("申请表", 1)])
    clock.advance(hours=1)
    desk.hand_off(case.no, "w01", to="w02", note="请接办")
    desk.accept_handoff(case.no, "w02")
    desk.resolve(case.no, "w02", "已办结，证件已领取。")
    desk.rate(case.no, "w02", 5)
    clock.advance(days=2)
    desk.scan()
    assert desk.store.verify().ok
    return desk.store.head()


def test_the_same_actions_give_the_same_history_as_on_sqlite(
    district: OpenAt, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hash for hash: the visitors' salts and the desk's tokens drawn the same on both (they are random)."""

    def same_draws() -> None:
        hexes, urls, salts = itertools.count(1), itertools.count(1), itertools.count(1)
        monkeypatch.setattr("secrets.token_hex", lambda n=16: f"{next(hexes):0{2 * n}x}")
        monkeypatch.setattr("secrets.token_urlsafe", lambda n=32: f"t{next(urls):0{n}d}")
        monkeypatch.setattr("secrets.token_bytes", lambda n=16: next(salts).to_bytes(n, "big"))

    on_file_desk = Desk.open(tmp_path / "desk.db", clock=(file_clock := Clock(MONDAY_9AM)))
    same_draws()  # from here on, both desks draw the same salts and tokens
    on_file = script(on_file_desk, file_clock)
    on_file_desk.close()
    server = district("C01", server_clock := Clock(MONDAY_9AM))
    same_draws()
    on_server = script(server, server_clock)
    file = Desk.open(tmp_path / "desk.db", clock=file_clock)
    events = ("SELECT * FROM events ORDER BY seq",)
    for kept, copied in zip(file.store.all(*events), server.store.all(*events), strict=True):
        copied.pop("centre")
        assert copied == kept  # every event as the file holds it: its detail, its seals, its hash
    file.close()
    assert on_server == on_file


# --- two windows on one case ----------------------------------------------------------------------------------


def test_two_windows_racing_on_one_case_apply_each_action_once(district: OpenAt, clock: Clock) -> None:
    first = furnished(district("C01", clock))
    second = district("C01", clock)
    no = first.check_in("w01", visitor_name="张三", summary="咨询").no
    shown = first.case(no).version
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def act(name: str, desk: Desk) -> None:
        barrier.wait()
        try:
            results[name] = desk.answer(no, "w01", f"{name} 当场答复", expect=shown).version
        except RuleError as refused:
            results[name] = refused.rule

    threads = [threading.Thread(target=act, args=(n, d)) for n, d in (("a", first), ("b", second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(map(str, results.values())) == sorted(["CONFLICT", str(shown + 1)])
    case = first.case(no)
    assert [e.action for e in case.history] == ["check_in", "answer"]  # not applied twice
    assert first.store.verify().ok


def test_many_writes_from_two_windows_keep_one_unbroken_chain(district: OpenAt, clock: Clock) -> None:
    first = furnished(district("C01", clock))
    second = district("C01", clock)
    no = first.check_in("w01", visitor_name="张三", summary="咨询").no

    def feed(desk: Desk, who: str) -> None:
        for i in range(10):
            desk.feedback(no, "w01", f"{who} 第 {i} 次反馈")

    threads = [threading.Thread(target=feed, args=(d, n)) for d, n in ((first, "甲"), (second, "乙"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert first.case(no).version == 21
    result = second.store.verify()
    assert result.ok and result.count == first.store.head()[0]


# --- verify on PostgreSQL ---------------------------------------------------------------------------------------


@pytest.fixture
def written(district: OpenAt, clock: Clock, pg_server: Any, pg_database: str) -> Iterator[tuple[Desk, Any]]:
    """A desk of C01 with some history, and the owner's connection (behind the desk)."""
    desk = furnished(district("C01", clock))
    for visitor in ("张三", "李四", "王五"):
        case = desk.check_in("w01", visitor_name=visitor, summary="咨询")
        desk.feedback(case.no, "w01", "已联系")
    assert desk.store.verify().ok
    with superuser(pg_server, pg_database, "C01") as owner:
        yield desk, owner


def behind(owner: psycopg.Connection[Any], *statements: str) -> None:
    """Statements run with the history's guard switched off, as only the server's superuser could."""
    owner.execute("ALTER TABLE events DISABLE TRIGGER events_no_change")
    try:
        for statement in statements:
            owner.execute(statement)
    finally:
        owner.execute("ALTER TABLE events ENABLE TRIGGER events_no_change")


@pytest.mark.parametrize(
    ("statements", "key"),
    [
        (("UPDATE events SET detail = '{}' WHERE centre = 'C01' AND seq = 5",), "verify.mismatch"),
        (
            (
                "DELETE FROM case_states WHERE centre = 'C01' AND seq = (SELECT max(seq) FROM events)",
                "DELETE FROM events WHERE centre = 'C01' AND seq = (SELECT max(seq) FROM events)",
            ),
            "verify.cut",
        ),
        (
            (
                "UPDATE events e SET case_no = o.case_no, action = o.action, by_staff = o.by_staff, at = o.at, "
                "detail = o.detail, hash = o.hash, seals = o.seals FROM events o WHERE e.centre = 'C01' "
                "AND o.centre = 'C01' AND ((e.seq = 5 AND o.seq = 6) OR (e.seq = 6 AND o.seq = 5))",
            ),
            "verify.mismatch",
        ),
        (
            (
                "DELETE FROM violations",
                "DELETE FROM case_states WHERE centre = 'C01' AND seq = 7",
                "DELETE FROM events WHERE centre = 'C01' AND seq = 7",
            ),
            "verify.missing",
        ),
    ],
    ids=["edited", "last-removed", "reordered", "removed"],
)
def test_verify_finds_an_event_edited_removed_or_reordered(
    written: tuple[Desk, Any], statements: tuple[str, ...], key: str
) -> None:
    desk, owner = written
    anchor = desk.store.head()
    behind(owner, *statements)
    result = desk.store.verify(anchor)
    assert not result.ok and result.key == key, result
    assert result.message("en")


@pytest.mark.parametrize(
    ("statement", "key"),
    [
        ("UPDATE cases SET owner = 'w02' WHERE no = '20260309-0002'", "verify.row_changed_column"),
        ("UPDATE staff SET role = 'supervisor' WHERE code = 'w03'", "verify.row_changed_column"),
        ("INSERT INTO staff (code, name, role) VALUES ('z99', '冒名', 'supervisor')", "verify.row_unrecorded"),
        ("DELETE FROM presence", None),
        ("UPDATE people SET phone = '13900000000' WHERE name = '王五'", "verify.row_changed"),
    ],
    ids=["case-owner", "staff-role", "staff-added", "nothing", "visitor-phone"],
)
def test_verify_finds_a_row_changed_added_or_removed_behind_the_desk(
    written: tuple[Desk, Any], statement: str, key: str | None
) -> None:
    desk, owner = written
    owner.execute(statement)
    result = desk.store.verify()
    if key is None:
        assert result.ok  # no presence was ever recorded: nothing to remove
        return
    assert not result.ok and result.key == key, result
    if result.params and result.params.get("table") == "cases":
        assert result.params["column"] == "owner"


def test_a_row_changed_on_the_desks_own_connection_outside_its_writes_is_not_sealed_by_the_next(
    written: tuple[Desk, Any],
) -> None:
    """As on the file: the triggers note it, but the next write's notes are its own (emptied as it begins), so the
    change stays one `verify` finds, rather than one the history blesses."""
    desk, _ = written
    desk.store.execute("UPDATE staff SET role = 'supervisor' WHERE code = 'w03'")  # autocommit, no event
    desk.check_in("w01", visitor_name="赵六", summary="咨询")
    result = desk.store.verify()
    assert not result.ok and result.key == "verify.row_changed_column" and result.params["table"] == "staff"


def test_the_notes_of_changed_rows_are_emptied_for_good_now_and_then(
    district: OpenAt, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The notes' deleted rows would otherwise leave pages every seal reads past, all day (no autovacuum visits a
    session's temporary table): truncated every few writes, and the seals as right after as before."""
    monkeypatch.setattr(pg_core, "NOTES_KEPT_WRITES", 4)
    desk = furnished(district("C01", clock))
    for i in range(40):
        case = desk.check_in("w01", visitor_name=f"访客{i}", summary="咨询" * 200)  # rows of a few kB noted
        desk.feedback(case.no, "w01", "已联系")
    assert desk.store.scalar("SELECT pg_relation_size('pg_temp.seal_rows')") <= 3 * 8192
    assert desk.store.verify().ok


def test_the_history_cannot_be_rewritten_through_the_desks_role(district: OpenAt, clock: Clock) -> None:
    desk = furnished(district("C01", clock))
    desk.check_in("w01", visitor_name="张三", summary="咨询")
    for statement in ("UPDATE events SET action = 'x'", "DELETE FROM events", "TRUNCATE events"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege), desk.store.write():
            desk.store.execute(statement)
    with desk.store.write():
        desk.store.execute("SELECT firstask_seal(1, 'x', NULL)")  # fills only an empty hash: there is none
    assert [e.action for e in desk.case("20260309-0001").history] == ["check_in"]
    assert desk.store.verify().ok


# --- addresses --------------------------------------------------------------------------------------------------


def test_an_address_names_its_centre() -> None:
    address = parse_postgres("postgresql://clerk:secret@db.example.cn:5432/district?centre=C01&sslmode=require")
    assert address.centre == "C01" and "centre" not in address.conninfo and "sslmode=require" in address.conninfo
    assert "secret" not in address.shown() and "C01" in address.shown()
    with pytest.raises(StoreError) as missing:
        parse_postgres("postgresql://clerk:secret@db/district")
    assert "centre=C01" in missing.value.message("en") and "secret" not in missing.value.message("en")
    with pytest.raises(StoreError) as bad:
        parse_postgres("postgresql://db/district?centre=C 01;drop")
    assert "C 01;drop" in bad.value.message("zh")


def test_a_centre_not_registered_is_refused_without_writing(pg_server: Any, pg_database: str) -> None:
    Desk.open(pg_server.url(pg_database) + "?centre=C01").close()
    with pytest.raises(StoreError) as refused:
        Desk.open(pg_server.url(pg_database) + "?centre=C09", create=False)
    assert "C09" in refused.value.message("en")
    with psycopg.connect(pg_server.url(pg_database), autocommit=True) as admin:
        admin.execute(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'window_pc') THEN "
            f"CREATE ROLE window_pc LOGIN IN ROLE {pg_schema.DESK_ROLE}; END IF; END $$"
        )
    with pytest.raises(StoreError) as not_theirs:  # a window's role registers no centre, even asked to
        Desk.open(pg_server.url(pg_database, "window_pc") + "?centre=C09")
    assert "C09" in not_theirs.value.message("en")
    with pytest.raises(StoreError) as unreachable:
        Desk.open("postgresql://nobody@127.0.0.1:1/none?centre=C01")
    assert "127.0.0.1" in unreachable.value.message("en")


def test_the_store_speaks_postgresql_where_sqlite_is_spelled_otherwise() -> None:
    assert translate("SELECT * FROM t WHERE a = ? AND b LIKE 'x%'") == "SELECT * FROM t WHERE a = %s AND b LIKE 'x%%'"
    assert translate("SELECT a FROM t WHERE b = :code") == "SELECT a FROM t WHERE b = %(code)s"
    assert translate("SELECT seq FROM e ORDER BY seq LIMIT -1 OFFSET ?") == "SELECT seq FROM e ORDER BY seq OFFSET %s"
    assert translate("INSERT OR IGNORE INTO g (h) VALUES (?)") == "INSERT INTO g (h) VALUES (%s) ON CONFLICT DO NOTHING"
    assert "ON CONFLICT (centre, key)" in translate("INSERT INTO m (key) VALUES (?) ON CONFLICT (key) DO NOTHING")
    assert translate("SELECT 1 WHERE json_extract(d, '$.on_time') = 1") == (
        "SELECT 1 WHERE firstask_json(d, '$.on_time') = '1'"
    )
    assert translate("SELECT 1 WHERE a IS b AND c IS NOT d AND e IS NULL") == (
        "SELECT 1 WHERE a IS NOT DISTINCT FROM b AND c IS DISTINCT FROM d AND e IS NULL"
    )
    assert translate("SELECT window FROM r WHERE r.window = ?") == 'SELECT "window" FROM r WHERE r.window = %s'
    assert translate("SELECT value FROM json_each(?)") == "SELECT value FROM jsonb_array_elements_text(%s::jsonb)"
    assert translate("SELECT 1 FROM p CROSS JOIN c ON c.p = p.id") == "SELECT 1 FROM p JOIN c ON c.p = p.id"


# --- live between windows ----------------------------------------------------------------------------------------


def test_a_hand_off_is_heard_in_the_other_window_within_a_second(district: OpenAt, clock: Clock) -> None:
    """LISTEN/NOTIFY: the receiving window's mark moves when the hand-off commits (its own writes do not move it,
    nor another centre's), and its list then holds the case. Real time by nature: polled, bounded."""
    import time

    sender = furnished(district("C01", clock))
    receiver = district("C01", clock)
    elsewhere = district("C02", clock)
    marks = (receiver.changed(), elsewhere.changed(), sender.changed())
    no = sender.check_in("w01", visitor_name="张三", summary="咨询").no
    sender.hand_off(no, "w01", to="w02", note="请接办")
    started = time.monotonic()
    while receiver.changed() == marks[0] and time.monotonic() - started < 1.0:
        time.sleep(0.02)
    assert receiver.changed() != marks[0], "not heard within a second"
    assert [line.no for line in receiver.waiting_for("w02")] == [no]
    assert elsewhere.changed() == marks[1] and sender.changed() == marks[2]


def test_the_hall_address_serve_notes_reaches_the_windows_that_kept_it(district: OpenAt, clock: Clock) -> None:
    """`serve` notes the hall's address with no event (nothing to seal, no head moved); a window keeps the address
    for its slips' QR while its settings stand, and still hears of the change. Real time by nature: polled."""
    import time

    window = furnished(district("C01", clock))
    server = district("C01", clock)
    assert window.hall_url() == ""  # kept: no hall server has run
    mark = window.changed()
    with server.store.write():
        server.store.set_meta("hall_url", "http://192.168.1.20:8080")
    started = time.monotonic()
    while window.changed() == mark and time.monotonic() - started < 2.0:
        time.sleep(0.02)
    assert window.hall_url() == "http://192.168.1.20:8080"


def test_a_key_changed_in_a_write_is_sealed_as_on_the_file(district: OpenAt, clock: Clock, tmp_path: Path) -> None:
    """A row inserted and then given another key in one transaction: the first key sealed as gone, the second as
    it stands — as the file's seal reads them at commit. (The desk never changes a key; its store must not care.)"""

    def seals(desk: Desk) -> list[list[Any]]:
        with desk.store.write() as s:
            s.insert("staff", {"code": "z1", "name": "临时", "role": "clerk"})
            s.execute("UPDATE staff SET code = 'z2' WHERE code = 'z1'")
            s.append_event(None, "note", "s01", "2026-03-09T09:00:00", "Asia/Shanghai", {})
        row = desk.store.one("SELECT seals FROM events ORDER BY seq DESC LIMIT 1")
        assert row is not None and desk.store.verify().ok
        return [seal for seal in json.loads(row["seals"]) if seal[0] == "staff"]

    on_file = Desk.open(tmp_path / "desk.db", clock=clock)
    furnished(on_file)
    expected = seals(on_file)
    on_file.close()
    assert [(table, key, digest is None) for table, key, digest in expected] == [
        ("staff", "z1", True),
        ("staff", "z2", False),
    ]
    assert seals(furnished(district("C01", clock))) == expected
