"""The district's reads (issue 21): every centre's figures of a day or a period side by side, in a few queries over
the whole database, and a look into one centre (that centre's desk, read only).

A district connection works as `firstask_district`: every centre's rows but no visitor's personal data, nothing
written. Named a replica (`--read-replica`), it reads there and never touches the primary: the district's reports
do not slow a window. Each reading is one REPEATABLE READ, READ ONLY transaction, so the centres stand side by side
as at one moment, and a hot standby serves it.

The figures are counted as each centre's own summary counts them (`FigureReads.day_figures`, `states_at`,
`report.summary`): the test suite holds the two equal centre by centre. Each count is per centre through a LATERAL
subquery on the centre's own index — a day of fifty centres is fifty short index ranges, not a scan of the district.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Self

import psycopg
from psycopg.rows import dict_row

from firstask.store import pg_schema
from firstask.store.address import PostgresAddress, district_conninfo, shown_conninfo
from firstask.store.errors import StoreError
from firstask.store.schema import SCHEMA_VERSION

# Counted per centre: the period is [start, end) in local ISO time; `first`/`last` its first and last day; `open`
# the statuses of a case still open; `resolving` the actions that may resolve one.
FIGURES = """
SELECT c.code AS centre,
  coalesce((SELECT value FROM policy p WHERE p.centre = c.code AND p.key = 'centre_name'), '') AS name_json,
  (SELECT count(*) FROM cases x WHERE x.centre = c.code AND x.created_at >= %(start)s AND x.created_at < %(end)s)
    AS received,
  e.answered, e.resolved, e.resolve_due, e.on_time,
  (SELECT count(*) FROM case_states s WHERE s.centre = c.code AND s.status = ANY(%(open)s)
     AND s.valid_to IS NULL AND s.valid_from < %(end)s)
  + (SELECT count(*) FROM case_states s WHERE s.centre = c.code AND s.status = ANY(%(open)s)
     AND s.valid_to >= %(end)s AND s.valid_from < %(end)s) AS open,
  (SELECT count(DISTINCT s.case_no) FROM (
     -- two index ranges (the stretches still current, those that ended after the first day), as `states_at`; a due
     -- date is one the desk wrote (YYYY-MM-DD: an empty one is no date to pass, nor to cast), tested in the index
     SELECT case_no, valid_from, valid_to, due FROM case_states WHERE centre = c.code AND status = ANY(%(open)s)
       AND valid_to IS NULL AND valid_from < %(end)s AND due >= %(dates)s AND due < %(last)s
     UNION ALL
     SELECT case_no, valid_from, valid_to, due FROM case_states WHERE centre = c.code AND status = ANY(%(open)s)
       AND valid_to >= %(first_end)s AND valid_from < %(end)s AND due >= %(dates)s AND due < %(last)s
   ) s
   -- open at the end of some day d of the period with its due date before d (SPEC §9's overdue, day by day)
   WHERE greatest(%(first)s::date, left(s.valid_from, 10)::date, s.due::date + 1)
         <= least(%(last)s::date, coalesce(left(s.valid_to, 10)::date - 1, %(last)s::date))) AS overdue,
  r.rated, r.satisfied, r.bad, r.rectified,
  h.seq AS head_seq, h.hash AS head_hash
FROM centres c
CROSS JOIN LATERAL (
  SELECT count(*) FILTER (WHERE action = 'answer') AS answered,
    count(*) FILTER (WHERE action = ANY(%(resolving)s) AND d #>> '{status,1}' = 'resolved'
                     AND d #>> '{status,0}' != 'resolved') AS resolved,
    count(*) FILTER (WHERE action = 'resolve') AS resolve_due,
    count(*) FILTER (WHERE action = 'resolve' AND (d -> 'on_time') IN ('true', '1')) AS on_time
  -- each counted event's detail parsed once (OFFSET 0 keeps the planner from parsing it again per count), and
  -- only those of the actions counted: a day's check-ins, notices and scans are most of its events
  FROM (SELECT action, detail::jsonb AS d FROM events WHERE centre = c.code AND at >= %(start)s AND at < %(end)s
        AND case_no IS NOT NULL AND action = ANY(%(counted)s) OFFSET 0) counted
) e
CROSS JOIN LATERAL (
  SELECT count(*) AS rated, count(*) FILTER (WHERE level >= 3) AS satisfied,
    count(*) FILTER (WHERE level <= 2) AS bad,
    count(*) FILTER (WHERE level <= 2 AND remedied_at < %(end)s) AS rectified
  FROM ratings WHERE centre = c.code AND rated_at >= %(start)s AND rated_at < %(end)s
    AND level IS NOT NULL AND voided_at IS NULL
) r
CROSS JOIN LATERAL (SELECT max(at) AS latest FROM events WHERE centre = c.code) l
LEFT JOIN LATERAL (
  -- the history's head at the end (its last event written before then, as `chain_at` reads it): a period that ends
  -- after the centre's latest event has the head the centre keeps; an earlier one, the latest event before its end
  -- by time, found in the index on time (walking back the numbers past every later event would read a centre's
  -- whole recent history). Where a clock went back, that is an earlier head than `chain_at`'s — an anchor all the
  -- same: `verify --anchor` checks the history up to it.
  SELECT c.head_seq AS seq, c.head_hash AS hash WHERE l.latest < %(end)s
  UNION ALL
  (SELECT seq, hash FROM events WHERE centre = c.code AND at < %(end)s AND l.latest >= %(end)s
   ORDER BY at DESC, seq DESC LIMIT 1)
) h ON true
ORDER BY c.code
"""

VIOLATIONS = """
SELECT c.code AS centre, v.rule, v.n FROM centres c
CROSS JOIN LATERAL (
  SELECT rule, count(*) AS n FROM violations WHERE centre = c.code AND at >= %(start)s AND at < %(end)s GROUP BY rule
) v
ORDER BY c.code, v.rule
"""


class DistrictStore:
    """A district supervisor's connection to the district's database (or its replica)."""

    def __init__(self, conninfo: str, conn: psycopg.Connection[Any]) -> None:
        self.conninfo = conninfo
        self.pg = conn

    @classmethod
    def open(cls, address: str, replica: str | None = None) -> Self:
        """The district at `address` — read at `replica` instead when one is named (the primary is not contacted).
        A role that is not the district's is refused: it would see nothing, and say so as an empty district."""
        conninfo = district_conninfo(address)  # a district's address, even when its replica is read
        if replica is not None:
            conninfo = district_conninfo(replica)
        try:
            conn = psycopg.connect(conninfo, autocommit=True, row_factory=dict_row)
        except psycopg.Error as e:
            raise StoreError("store.pg_cannot_connect", address=shown_conninfo(conninfo), reason=_reason(e)) from e
        try:
            ready = conn.execute("SELECT to_regclass('schema_version') IS NOT NULL AS ok").fetchone()
            if not ready or not ready["ok"]:
                raise StoreError("store.pg_not_desk", address=shown_conninfo(conninfo))
            version = int(conn.execute("SELECT version FROM schema_version").fetchone()["version"])  # type: ignore[index]
            if version != SCHEMA_VERSION:  # the district reads what this program's schema holds, no more, no less
                key = "store.pg_newer" if version > SCHEMA_VERSION else "store.pg_old_schema"
                raise StoreError(key, address=shown_conninfo(conninfo), version=version, supported=SCHEMA_VERSION)
            row = conn.execute(
                "SELECT rolsuper OR rolbypassrls AS privileged, pg_has_role(current_user, %s, 'MEMBER') AS district "
                "FROM pg_roles WHERE rolname = current_user",
                (pg_schema.DISTRICT_ROLE,),
            ).fetchone()
            if row is None or not (row["privileged"] or row["district"]):
                raise StoreError("store.pg_not_district", address=shown_conninfo(conninfo))
            if row["privileged"]:  # the owner reads as the district does: figures, no visitors
                conn.execute(f"SET ROLE {pg_schema.DISTRICT_ROLE}")
            conn.execute("SELECT set_config(%s, '', false)", (pg_schema.CENTRE_SETTING,))
            conn.execute("SET jit = off")  # see PgStore.open: compiling the district's query cost more than running it
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            conn.read_only = True
        except psycopg.Error as e:
            conn.close()
            raise StoreError("store.pg_cannot_connect", address=shown_conninfo(conninfo), reason=_reason(e)) from e
        except BaseException:
            conn.close()
            raise
        return cls(conninfo, conn)

    def close(self) -> None:
        self.pg.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def shown(self) -> str:
        return shown_conninfo(self.conninfo)

    def figures(
        self, start: str, end: str, first: str, last: str, *, open_states: Sequence[str], resolving: Sequence[str]
    ) -> list[dict[str, Any]]:
        """Each centre's counts over [start, end) (`first`/`last`: the period's days), in centre code order, with its
        violations by rule (`by_rule`) and its history's head as at `end`."""
        from datetime import date, timedelta

        args = {
            "start": start,
            "end": end,
            "first": first,
            "last": last,
            "first_end": (date.fromisoformat(first) + timedelta(days=1)).isoformat() + "T00:00:00",
            "open": list(open_states),
            "resolving": list(resolving),
            "counted": ["answer", *resolving],
            "dates": "0001-01-01",
        }
        try:
            with self.pg.transaction():
                rows = self.pg.execute(FIGURES, args).fetchall()
                rules = self.pg.execute(VIOLATIONS, args).fetchall()
        except psycopg.Error as e:
            raise StoreError("store.pg_cannot_connect", address=self.shown(), reason=_reason(e)) from e
        by_centre: dict[str, dict[str, int]] = {}
        for v in rules:
            by_centre.setdefault(v["centre"], {})[v["rule"]] = int(v["n"])
        return [{**r, "by_rule": by_centre.get(r["centre"], {})} for r in rows]

    def look_into(self, centre: str) -> PostgresAddress:
        """The address of one centre's desk as this district reads it (`PgStore.open(..., looking=True)`)."""
        return PostgresAddress(self.conninfo, centre)


def _reason(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__
