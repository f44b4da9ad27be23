"""The command line with a PostgreSQL `--db` (issue 21), as a district's IT runs it against the session's throwaway
server: `init` sets a centre's desk up (the schema on first use), `report` and `verify` read it, `backup` and
`restore` say PostgreSQL's own tools do that, a second `init` of the same centre is refused, and the app's
background reader opens the same centre again by its address.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import firstask

from firstask.desk import Desk
from firstask.store.address import parse_postgres


@pytest.fixture
def centre(pg_server: Any, pg_database: str) -> str:
    return pg_server.url(pg_database) + "?centre=C07"


def test_a_centre_is_set_up_reported_and_verified_from_the_command_line(centre: str) -> None:
    made = firstask("--db", centre, "init", "--supervisor", "s01", "--name", "周主任", pin="482915")
    assert made.returncode == 0, made.stderr
    again = firstask("--db", centre, "init", "--supervisor", "s02", "--name", "另一位", pin="482915")
    assert again.returncode != 0 and "Traceback" not in again.stderr
    with Desk.open(centre, create=False) as desk:
        assert set(desk.staff()) == {"s01"}
        desk.add_staff("w01", "王芳", role="clerk", pin="731904")
        desk.check_in("w01", visitor_name="张三", summary="咨询")
        day = desk.now().date().isoformat()
    report = firstask("--db", centre, "report", "--day", day, "--format", "json")
    assert report.returncode == 0, report.stderr
    assert json.loads(report.stdout)["received"] == 1
    verified = firstask("--db", centre, "verify")
    assert verified.returncode == 0 and verified.stdout.strip().count(":") == 1


@pytest.mark.parametrize("command", [("backup", "/tmp/x.db"), ("restore", "/tmp/x.db")])
def test_backup_and_restore_point_to_postgresqls_own_tools(centre: str, command: tuple[str, str]) -> None:
    Desk.open(centre).close()
    result = firstask("--db", centre, *command)
    assert result.returncode != 0 and "pg_dump" in result.stderr and "Traceback" not in result.stderr


def test_a_desk_is_opened_again_by_its_address(centre: str, tmp_path: Any) -> None:
    """The app's background reader opens the same desk on a connection of its own: by its whole address, the
    documents' folder included."""
    with_documents = centre + f"&documents={tmp_path / 'slips'}"
    with Desk.open(with_documents) as desk:
        again = parse_postgres(str(desk.store.location()))
        assert again == parse_postgres(with_documents)
        assert desk.documents_dir == tmp_path / "slips"
