"""The named reads whose SQLite spelling PostgreSQL does not take even translated (store/pg_sql.py): each the same
question, asked in PostgreSQL's own words, answering with the same rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from firstask.store.reads import Reads


class PgReads(Reads):
    def find_people(
        self, column: str, prefix: str, limit: int, open_states: Sequence[str] = ()
    ) -> list[dict[str, Any]]:
        """As `Reads.find_people`; SQLite takes a group's other columns from the row with its latest visit, here
        that row is found (DISTINCT ON)."""
        assert column in ("phone_digits", "initials", "name")
        marks = ", ".join("?" * len(open_states)) or "NULL"
        return self.all(
            "WITH hits AS (SELECT id, name, phone, id_number, org, address, created_at FROM people WHERE id IN "
            f"(SELECT id FROM people WHERE {column} >= ? AND {column} < ? AND name IS NOT NULL "
            "ORDER BY id DESC LIMIT 500)), "
            "grouped AS (SELECT name, phone, count(*) AS visits, max(created_at) AS last_seen FROM hits "
            "GROUP BY name, phone), "
            "latest AS (SELECT DISTINCT ON (g.name, g.phone) g.name, g.phone, h.id_number, h.org, h.address, "
            "g.visits, g.last_seen FROM grouped g JOIN hits h ON h.name = g.name AND h.phone IS g.phone "
            "AND h.created_at = g.last_seen ORDER BY g.name, g.phone, h.id DESC), "
            "top AS (SELECT * FROM latest ORDER BY last_seen DESC LIMIT ?) "
            "SELECT top.*, (SELECT json_group_array(json_object("
            "'no', c.no, 'version', c.version, 'status', c.status, 'channel', c.channel, 'kind', c.kind, "
            "'summary', c.summary, 'matter', json_extract(c.matter, '$.name'), "
            "'matter_kind', json_extract(c.matter, '$.kind'), 'owner', c.owner, 'first_asker', c.first_asker, "
            "'due', c.due, 'due_provisional', c.due_provisional, 'created_at', c.created_at, "
            "'pending_to', c.pending_to, 'pending_from', c.pending_from, 'pending_since', c.pending_since, "
            "'anonymous', c.anonymous, 'about_staff', c.about_staff)) "
            "FROM hits h JOIN cases c ON c.person_id = h.id "
            f"WHERE h.name = top.name AND h.phone IS top.phone AND c.status IN ({marks})) AS open_cases "
            "FROM top ORDER BY last_seen DESC",
            (prefix, prefix + "\U0010ffff", limit, *open_states),
        )
