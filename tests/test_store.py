"""The database file: its settings, its permissions, and personal data kept out of the chain."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest
from conftest import staff

from firstask import i18n
from firstask.desk import Desk
from firstask.store import SCHEMA_VERSION, Store, StoreError


@pytest.fixture
def desk(make_desk) -> Desk:
    """Without the catalogue: one clerk who logs in (in English, as every test: conftest's `english`)."""
    return make_desk(staff("w01", "王芳", pin="101010"), defaults=False)


def test_the_file_and_its_wal_and_shm_are_owner_only(desk: Desk) -> None:
    desk.check_in("w01", visitor_name="张三", summary="咨询")
    path = desk.store.path
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        assert p.exists(), p
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p


def test_an_existing_loose_file_is_made_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "loose.db"
    Store.open(path).close()
    path.chmod(0o644)
    Store.open(path).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_pragmas(desk: Desk) -> None:
    conn = desk.store.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_newer_file_is_refused_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError) as err:
        Store.open(path)
    assert err.value.key == "store.newer"
    assert "\n" not in str(err.value)


def test_reopening_migrates_nothing_twice(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    Store.open(path).close()
    store = Store.open(path)
    assert store.user_version() == SCHEMA_VERSION
    assert store.scalar("SELECT count(*) FROM events") == 0
    store.close()


def test_personal_data_enters_the_chain_only_as_a_keyed_hash(desk: Desk) -> None:
    case = desk.check_in(
        "w01",
        visitor_name="张三丰",
        summary="咨询",
        channel="phone",
        phone="13812345678",
        id_number="11010519491231002X",
    )
    texts = [str(r) for r in desk.store.all("SELECT * FROM events")]
    for secret in ("张三丰", "13812345678", "11010519491231002X"):
        assert not any(secret in t for t in texts)
    digest = case.history[0].detail["visitor"]
    assert isinstance(digest, str) and len(digest) == 64
    # A purge deletes the data and its salt; the history still verifies.
    with desk.store.write() as s:
        s.conn.execute("UPDATE cases SET person_id = NULL WHERE no = ?", (case.no,))
        s.conn.execute("DELETE FROM people")
        s.append_event(None, "purge", None, "2026-11-23T10:00:00", "Asia/Shanghai", {"cases": 1})
    assert desk.verify().ok


def test_two_visitors_with_the_same_data_hash_differently(desk: Desk) -> None:
    a = desk.check_in("w01", visitor_name="李四", summary="咨询")
    b = desk.check_in("w01", visitor_name="李四", summary="咨询")
    assert a.history[0].detail["visitor"] != b.history[0].detail["visitor"]


def test_case_numbers_are_per_day_and_readable(desk: Desk) -> None:
    nos = [desk.check_in("w01", visitor_name="甲", summary="x").no for _ in range(3)]
    assert nos == ["20261123-0001", "20261123-0002", "20261123-0003"]


def test_a_failed_write_leaves_nothing(desk: Desk) -> None:
    before = desk.store.head()
    with pytest.raises(RuntimeError), desk.store.write() as s:
        s.append_event(None, "test", None, "2026-11-23T09:30:00", "Asia/Shanghai", {})
        raise RuntimeError("boom")
    assert desk.store.head() == before


def test_both_languages_have_the_same_keys() -> None:
    assert set(i18n.catalogue("zh")) == set(i18n.catalogue("en"))


def test_every_message_key_used_in_the_domain_exists() -> None:
    import re

    root = Path(__file__).resolve().parent.parent / "firstask"
    keys = set(i18n.catalogue("en"))
    used: set[str] = set()
    for path in root.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'(?:RuleError|StoreError|_block|Finding)\([^)]*?"([a-z0-9_]+\.[a-z0-9_.]+)"', text))
    missing = sorted(k for k in used if k not in keys)
    assert not missing
    assert used
