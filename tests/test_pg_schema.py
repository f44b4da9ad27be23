"""The district's PostgreSQL schema (issue 21) on a real, throwaway server (tests/pg_server.py): centres apart by
row-level security whoever asks, the history append-only for the desk's role and the owner alike, the district's
role reading every centre's figures and no visitor's personal data, and a connection that names no centre seeing
nothing. The desk's own store on PostgreSQL builds on this schema.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import psycopg
import pytest
from psycopg import errors

from firstask.store import pg_schema
from firstask.store.schema import SCHEMA_VERSION

Connect = Callable[..., psycopg.Connection]


@pytest.fixture
def district(pg_database: str, pg_connect: Connect) -> Iterator[Connect]:
    """A database made a district's (the baseline, two centres C01 and C02), and `connect(role, centre)`: a
    connection as a login role of that group role, with the centre set as the desk sets it."""
    with pg_connect(pg_database) as admin:
        for statement in pg_schema.statements_for(0):
            admin.execute(statement)
        admin.execute(
            "INSERT INTO centres (code, name, created_at, head_hash) VALUES "
            "('C01', '一社区', '2026-12-05T09:00:00', ''), ('C02', '二社区', '2026-12-05T09:00:00', '')"
        )
        for login, group in (("window_pc", pg_schema.DESK_ROLE), ("district_pc", pg_schema.DISTRICT_ROLE)):
            admin.execute(
                f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{login}') THEN "
                f"CREATE ROLE {login} LOGIN IN ROLE {group}; END IF; END $$"
            )
        admin.commit()

    def connect(role: str, centre: str | None = None) -> psycopg.Connection:
        conn = pg_connect(pg_database, role=role)
        if centre is not None:
            conn.execute("SELECT set_config(%s, %s, false)", (pg_schema.CENTRE_SETTING, centre))
            conn.commit()
        return conn

    yield connect


def add_case(conn: psycopg.Connection, no: str, clerk: str = "w01") -> None:
    conn.execute(
        "INSERT INTO staff (code, name, role) VALUES (%s, %s, 'clerk') ON CONFLICT DO NOTHING", (clerk, "王芳")
    )
    conn.execute(
        "INSERT INTO cases (no, version, status, channel, kind, first_asker, owner, created_at) "
        "VALUES (%s, 1, 'open', 'visit', 'enquiry', %s, %s, '2026-12-05T09:00:00')",
        (no, clerk, clerk),
    )
    conn.execute(
        "INSERT INTO events (seq, case_no, action, by_staff, at, tz, detail, hash) "
        "VALUES ((SELECT coalesce(max(seq), 0) + 1 FROM events), %s, 'check_in', %s, '2026-12-05T09:00:00', "
        "'Asia/Shanghai', '{}', 'h')",
        (no, clerk),
    )
    conn.commit()


def cases(conn: psycopg.Connection) -> list[tuple[str, str]]:
    return [(str(c), str(n)) for c, n in conn.execute("SELECT centre, no FROM cases ORDER BY centre, no").fetchall()]


def test_the_schema_is_the_sqlite_files_version(district: Connect) -> None:
    with district("window_pc", "C01") as conn:
        assert conn.execute("SELECT version FROM schema_version").fetchone() == (SCHEMA_VERSION,)
        tables = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()}
    assert tables == {*pg_schema.TABLES, "schema_version"}


def test_two_centres_on_one_database_never_see_each_others_rows(district: Connect) -> None:
    with district("window_pc", "C01") as one, district("window_pc", "C02") as two:
        add_case(one, "20261205-0001")
        add_case(two, "20261205-0001")  # the same number in another centre: a case of its own
        add_case(two, "20261205-0002", clerk="w09")
        assert cases(one) == [("C01", "20261205-0001")]
        assert cases(two) == [("C02", "20261205-0001"), ("C02", "20261205-0002")]
        assert one.execute("SELECT code FROM staff").fetchall() == [("w01",)]
        assert one.execute("SELECT count(*) FROM events").fetchone() == (1,)
        # Naming the other centre does not reach it: not to read, not to write, not to change.
        assert one.execute("SELECT count(*) FROM cases WHERE centre = 'C02'").fetchone() == (0,)
        with pytest.raises(errors.InsufficientPrivilege):
            one.execute("INSERT INTO staff (centre, code, name, role) VALUES ('C02', 'x01', '冒名', 'supervisor')")
        one.rollback()
        assert one.execute("UPDATE cases SET status = 'closed' WHERE centre = 'C02'").rowcount == 0
        one.commit()
        assert one.execute("SELECT code FROM centres").fetchall() == [("C01",)]
    with district("window_pc", "C02") as two:
        assert {r[0] for r in two.execute("SELECT status FROM cases").fetchall()} == {"open"}


def test_a_connection_naming_no_centre_sees_nothing(district: Connect) -> None:
    with district("window_pc", "C01") as one:
        add_case(one, "20261205-0001")
    with district("window_pc") as nobody:
        assert nobody.execute("SELECT count(*) FROM cases").fetchone() == (0,)
        with pytest.raises(errors.Error):
            nobody.execute("INSERT INTO meta (key, value) VALUES ('k', 'v')")


def test_the_history_is_append_only_for_the_desk_and_the_owner(
    district: Connect, pg_database: str, pg_connect: Connect
) -> None:
    with district("window_pc", "C01") as one:
        add_case(one, "20261205-0001")
        for statement, refused in (
            ("UPDATE events SET action = 'answer'", errors.InsufficientPrivilege),
            ("DELETE FROM events", errors.InsufficientPrivilege),
            ("TRUNCATE events", errors.InsufficientPrivilege),
        ):
            with pytest.raises(refused):
                one.execute(statement)
            one.rollback()
    with pg_connect(pg_database) as owner:  # the tables' owner, a superuser even: the triggers refuse it too
        owner.execute("SELECT set_config(%s, 'C01', false)", (pg_schema.CENTRE_SETTING,))
        for statement in ("UPDATE events SET action = 'answer'", "DELETE FROM events", "TRUNCATE events CASCADE"):
            with pytest.raises(errors.InsufficientPrivilege, match="append-only"):
                owner.execute(statement)
            owner.rollback()
    with district("window_pc", "C01") as one:
        assert one.execute("SELECT action FROM events").fetchall() == [("check_in",)]


def test_the_district_reads_every_centres_figures_not_its_visitors(district: Connect) -> None:
    with district("window_pc", "C01") as one, district("window_pc", "C02") as two:
        add_case(one, "20261205-0001")
        add_case(two, "20261205-0007")
        one.execute("INSERT INTO people (name, phone) VALUES ('张三', '13800000000')")
        one.commit()
    with district("district_pc") as seat:
        assert cases(seat) == [("C01", "20261205-0001"), ("C02", "20261205-0007")]
        assert seat.execute("SELECT code FROM centres ORDER BY code").fetchall() == [("C01",), ("C02",)]
        with pytest.raises(errors.InsufficientPrivilege):
            seat.execute("SELECT name, phone FROM people")
        seat.rollback()
        with pytest.raises(errors.InsufficientPrivilege):
            seat.execute("UPDATE cases SET status = 'closed'")
        seat.rollback()
    with district("district_pc", "C02") as looking_into:  # a look into one centre sees that centre only
        looking_into.execute(f"SET ROLE {pg_schema.LOOK_ROLE}")
        assert cases(looking_into) == [("C02", "20261205-0007")]
        assert looking_into.execute("SELECT code FROM centres").fetchall() == [("C02",)]
        with pytest.raises(errors.InsufficientPrivilege):
            looking_into.execute("SELECT name FROM people")
        looking_into.rollback()
    with district("window_pc", "C01") as window, pytest.raises(errors.InsufficientPrivilege):
        window.execute(f"SET ROLE {pg_schema.LOOK_ROLE}")  # the look is the district's, not a window's


def test_a_database_at_the_baseline_is_brought_up_to_date_by_its_owner_only(
    pg_database: str, pg_connect: Connect, pg_server: object
) -> None:
    """The steps after the baseline come from the one list of migrations: a window's role is refused (it may not
    change the schema) with a message naming who can, and the owner's first opening takes the database there."""
    from firstask.desk import Desk
    from firstask.store import StoreError

    with pg_connect(pg_database) as admin:
        for statement in pg_schema.baseline():
            admin.execute(statement)
        admin.execute(
            "INSERT INTO centres (code, name, created_at, head_hash) VALUES ('C01', '', '2026-12-05T09:00:00', '')"
        )
        admin.execute(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'window_pc') THEN "
            f"CREATE ROLE window_pc LOGIN IN ROLE {pg_schema.DESK_ROLE}; END IF; END $$"
        )
        admin.commit()
    url = pg_server.url(pg_database)  # type: ignore[attr-defined]
    with pytest.raises(StoreError) as refused:
        Desk.open(pg_server.url(pg_database, "window_pc") + "?centre=C01", create=False)  # type: ignore[attr-defined]
    assert refused.value.key == "store.pg_old_schema"
    with Desk.open(url + "?centre=C01", create=False):
        pass
    with pg_connect(pg_database) as admin:
        assert admin.execute("SELECT version FROM schema_version").fetchone() == (SCHEMA_VERSION,)
        granted = admin.execute(
            "SELECT pg_has_role(%s, %s, 'MEMBER'), has_table_privilege(%s, 'cases', 'SELECT'), "
            "has_table_privilege(%s, 'people', 'SELECT')",
            (pg_schema.DISTRICT_ROLE, pg_schema.LOOK_ROLE, pg_schema.LOOK_ROLE, pg_schema.LOOK_ROLE),
        ).fetchone()
        assert granted == (True, True, False)  # granted in this database by the step, and never the visitors


def test_the_triggers_note_each_changed_row_whole_and_a_window_on_the_older_code_keeps_its_keys(
    district: Connect,
) -> None:
    """Migration 9: a session with `seal_rows` gets each changed row as the statement left it (JSON, NULL once
    deleted), in order; a session still on the code from before the step (its `seal_touched`) gets the keys as it
    did; a session with neither (an administrator's) is noted nowhere and not refused."""
    with (
        district("window_pc", "C01") as new,
        district("window_pc", "C01") as old,
        district("window_pc", "C01") as admin,
    ):
        new.execute(
            "CREATE TEMP TABLE seal_rows (n BIGINT GENERATED ALWAYS AS IDENTITY, tbl TEXT NOT NULL, "
            "key TEXT NOT NULL, content TEXT)"
        )
        add_case(new, "20261205-0001")
        new.execute("UPDATE cases SET summary = '咨询' WHERE no = '20261205-0001'")
        new.execute("DELETE FROM staff WHERE code = 'nobody'")  # no row: no note
        notes = new.execute("SELECT tbl, key, content::jsonb ->> 'summary' FROM seal_rows ORDER BY n").fetchall()
        assert notes == [
            ("staff", "w01", None),
            ("cases", "20261205-0001", None),
            ("cases", "20261205-0001", "咨询"),  # the last note of a row is the row as it stands
        ]
        new.commit()
        old.execute(
            "CREATE TEMP TABLE seal_touched (tbl TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (tbl, key)) "
            "ON COMMIT DELETE ROWS"
        )
        old.execute("UPDATE cases SET summary = '办理' WHERE no = '20261205-0001'")
        old.execute("UPDATE cases SET summary = '办结' WHERE no = '20261205-0001'")
        assert old.execute("SELECT tbl, key FROM seal_touched").fetchall() == [("cases", "20261205-0001")]
        old.commit()
        admin.execute("UPDATE cases SET summary = '复核' WHERE no = '20261205-0001'")
        admin.commit()
        assert admin.execute("SELECT summary FROM cases").fetchone() == ("复核",)
