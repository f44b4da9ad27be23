"""`firstask migrate-to postgresql://…?centre=C01` (issue 21) on the session's throwaway server: the demo month moves
into a district's database with its anchor unchanged, every day's summary equal on both engines, the month's ranking
too, and the desk goes on there (new cases numbered after the file's, new ids after its ids); a second migration into
the same centre, or of a file whose history is broken, changes nothing and says why.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import psycopg
import pytest
from conftest import firstask

from firstask.desk import Desk
from firstask.store import StoreError, pg_schema
from firstask.store.pg_migrate import migrate

TODAY = date(2026, 11, 20)
EVENING = datetime.combine(TODAY, time(23, 59))


@pytest.fixture
def window_role(pg_server: Any, pg_database: str) -> Iterator[str]:
    """The database set up by its owner (centre C00 registered), and the windows' login role: its name."""
    Desk.open(pg_server.url(pg_database) + "?centre=C00").close()
    with psycopg.connect(pg_server.url(pg_database), autocommit=True) as admin:
        admin.execute(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'window_pc') THEN "
            f"CREATE ROLE window_pc LOGIN IN ROLE {pg_schema.DESK_ROLE}; END IF; END $$"
        )
    yield "window_pc"


def days_with_cases(desk: Desk) -> list[date]:
    rows = desk.store.all("SELECT DISTINCT substr(created_at, 1, 10) AS day FROM cases ORDER BY day")
    return [date.fromisoformat(r["day"]) for r in rows]


def test_the_demo_month_moves_with_its_anchor_and_equal_summaries(
    demo_month: Path, pg_server: Any, pg_database: str, window_role: str, tmp_path: Path
) -> None:
    copy = tmp_path / "demo.db"
    copy.write_bytes(demo_month.read_bytes())
    result = firstask("--db", str(copy), "migrate-to", pg_server.url(pg_database) + "?centre=C01")
    assert result.returncode == 0, result.stderr
    on_file = Desk.open(copy, clock=lambda: EVENING, create=False)
    on_server = Desk.open(
        pg_server.url(pg_database, window_role) + f"?centre=C01&documents={tmp_path / 'docs'}",
        clock=lambda: EVENING,
        create=False,
    )
    try:
        anchor = on_file.store.verify().anchor
        assert anchor in result.stdout and on_server.store.verify().anchor == anchor
        days = days_with_cases(on_file)
        assert len(days) >= 15
        for day in days:
            assert on_server.summary(day) == on_file.summary(day), day
        ranked_file, ranked_server = on_file.ranking("2026-11"), on_server.ranking("2026-11")
        for part in ("windows", "staff"):
            for a, b in zip(ranked_file[part], ranked_server[part], strict=True):
                assert a == b, {k: (a[k], b.get(k)) for k in a if a[k] != b.get(k)}
        assert ranked_server == ranked_file
        assert on_server.staff() == on_file.staff()
        # The desk goes on there: the next case after the file's last of the day, its visitor a new id.
        last = on_file.store.scalar("SELECT max(no) FROM cases WHERE no LIKE '20261120-%'")
        made = on_server.check_in("w01", visitor_name="新来访", summary="迁移后的第一件")
        assert made.no > last
        assert on_server.store.verify().ok
    finally:
        on_file.close()
        on_server.close()


def test_a_centre_with_a_history_takes_no_second_migration(
    demo_month: Path, pg_server: Any, pg_database: str, window_role: str
) -> None:
    address = pg_server.url(pg_database) + "?centre=C02"
    moved = migrate(demo_month, address)
    assert moved.rows["cases"] > 500
    with pytest.raises(StoreError) as again:
        migrate(demo_month, address)
    assert "C02" in again.value.message("en")
    with psycopg.connect(pg_server.url(pg_database), autocommit=True) as admin:
        events = admin.execute("SELECT count(*) FROM events WHERE centre = 'C02'").fetchone()
    assert events == (moved.rows["events"],)


def test_a_file_whose_history_is_broken_is_not_carried(
    demo_month: Path, pg_server: Any, pg_database: str, window_role: str, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.db"
    broken.write_bytes(demo_month.read_bytes())
    conn = sqlite3.connect(broken)
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("UPDATE events SET detail = '{}' WHERE seq = 40")
    conn.commit()
    conn.close()
    result = firstask("--db", str(broken), "migrate-to", pg_server.url(pg_database) + "?centre=C03")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "firstask verify" in result.stderr
    with psycopg.connect(pg_server.url(pg_database), autocommit=True) as admin:
        assert admin.execute("SELECT count(*) FROM events WHERE centre = 'C03'").fetchone() == (0,)
    assert firstask("--db", str(broken), "migrate-to", "/tmp/somewhere.db").returncode != 0
