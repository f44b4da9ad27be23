"""The named reads whose SQLite spelling PostgreSQL does not take even translated (store/pg_sql.py): each the same
question, asked in PostgreSQL's own words, answering with the same rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from firstask.store.reads import OPEN_CASES, PEOPLE_HITS, Reads


class PgReads(Reads):
    def find_people(
        self, column: str, prefix: str, limit: int, open_states: Sequence[str] = ()
    ) -> list[dict[str, Any]]:
        """As `Reads.find_people`; SQLite takes a group's other columns from the row with its latest visit, here
        that row is found (DISTINCT ON)."""
        assert column in ("phone_digits", "initials", "name")
        marks = ", ".join("?" * len(open_states)) or "NULL"
        return self.all(
            PEOPLE_HITS.format(column=column)
            + "grouped AS (SELECT name, phone, count(*) AS visits, max(created_at) AS last_seen FROM hits "
            "GROUP BY name, phone), "
            "latest AS (SELECT DISTINCT ON (g.name, g.phone) g.name, g.phone, h.id_number, h.org, h.address, "
            "g.visits, g.last_seen FROM grouped g JOIN hits h ON h.name = g.name AND h.phone IS g.phone "
            "AND h.created_at = g.last_seen ORDER BY g.name, g.phone, h.id DESC), "
            "top AS (SELECT * FROM latest ORDER BY last_seen DESC LIMIT ?) " + OPEN_CASES.format(marks=marks),
            (prefix, prefix + "\U0010ffff", limit, *open_states),
        )
