"""The store's named reads: a case, its events, the roster, the catalogue, violations, the lists a window shows and
the searches a clerk types. Each is one prepared query on an index (tests/test_query_plans.py watches their plans).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from firstask.store.chain import GENESIS

# Events that leave a case as the clerk saw it (rules.QUIET_EVENTS), as SQL: the store reads no rules module.
QUIET = "'scan', 'rate_visit', 'rating_expired', 'appeal', 'decide_appeal'"
# A returning visitor's open cases, gathered as one JSON list per visitor (`find_people`'s last column, `top` being
# the visitors listed and `hits` their people rows).
OPEN_CASES = (
    "SELECT top.*, (SELECT json_group_array(json_object("
    "'no', c.no, 'version', c.version, 'status', c.status, 'channel', c.channel, 'kind', c.kind, "
    "'summary', c.summary, 'matter', json_extract(c.matter, '$.name'), "
    "'matter_kind', json_extract(c.matter, '$.kind'), 'owner', c.owner, 'first_asker', c.first_asker, "
    "'due', c.due, 'due_provisional', c.due_provisional, 'created_at', c.created_at, "
    "'pending_to', c.pending_to, 'pending_from', c.pending_from, 'pending_since', c.pending_since, "
    "'anonymous', c.anonymous, 'about_staff', c.about_staff)) "
    "FROM hits h JOIN cases c ON c.person_id = h.id "
    "WHERE h.name = top.name AND h.phone IS top.phone AND c.status IN ({marks})) AS open_cases "
    "FROM top ORDER BY last_seen DESC"
)


STAFF_ROWS = "SELECT code, name, role, backup, absent, active, initials FROM staff"
VIOLATION_KEYS = "SELECT unique_key FROM violations WHERE case_no = ?"
NOTIFY_EVENTS = "SELECT seq, by_staff, at, detail FROM events WHERE case_no = ? AND action = 'notify' ORDER BY seq"
HANDOFF_ACCEPTANCES = "SELECT seq, at, detail FROM events WHERE case_no = ? AND action = 'accept_handoff' ORDER BY seq"
SLIP_NAMES = "SELECT p.name, c.summary FROM cases c LEFT JOIN people p ON p.id = c.person_id WHERE c.no = ?"


CASE_ROW = "SELECT * FROM cases WHERE no = ?"
CASE_PERSON = "SELECT * FROM people WHERE id = (SELECT person_id FROM cases WHERE no = ?)"
CASE_EVENTS = "SELECT seq, case_no, action, by_staff, at, tz, detail FROM events WHERE case_no = ? ORDER BY seq"


def bad_ratings_sql(bad_levels: Sequence[int]) -> str:
    """A case's bad ratings not voided, oldest first (the levels are the rules' own integers, never user text)."""
    marks = ", ".join(str(int(level)) for level in sorted(bad_levels))
    return f"SELECT * FROM ratings WHERE case_no = ? AND level IN ({marks}) AND voided_at IS NULL ORDER BY rated_at, id"


@dataclass(frozen=True)
class ActionReads:
    row: dict[str, Any] | None
    notices: list[dict[str, Any]]
    flagged: frozenset[str]
    handoffs: list[dict[str, Any]]
    bad: list[dict[str, Any]]
    staff: list[dict[str, Any]]


# The newest 500 named visitors whose `column` starts with a prefix (`find_people` on both engines).
PEOPLE_HITS = (
    "WITH hits AS (SELECT id, name, phone, id_number, org, address, created_at FROM people WHERE id IN "
    "(SELECT id FROM people WHERE {column} >= ? AND {column} < ? AND name IS NOT NULL ORDER BY id DESC LIMIT 500)), "
)


class Reads:
    """Reads on one connection; `Store` adds transactions and writes."""

    conn: sqlite3.Connection

    # --- any query (the migrations, tests and tools) -------------------------------------------------------

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> Any:
        """A statement in SQLite's dialect, on this store's database (the PostgreSQL store translates it)."""
        return self.conn.execute(sql, params)

    def one(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> dict[str, Any] | None:
        cur = self.execute(sql, params)
        row = cur.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cur.description], row, strict=True))

    def all(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[dict[str, Any]]:
        cur = self.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def scalar(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> Any:
        row = self.execute(sql, params).fetchone()
        return None if row is None else row[0]

    # --- the file -----------------------------------------------------------------------------------------

    def data_version(self) -> int:
        """SQLite's PRAGMA data_version: it changes when another connection commits (cheap, no file read)."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def meta(self, key: str) -> str | None:
        value = self.scalar("SELECT value FROM meta WHERE key = ?", (key,))
        return None if value is None else str(value)

    def policy(self) -> dict[str, Any]:
        return {r["key"]: json.loads(r["value"]) for r in self.all("SELECT key, value FROM policy")}

    def head(self) -> tuple[int, str]:
        row = self.execute("SELECT seq, hash FROM events WHERE seq = (SELECT max(seq) FROM events)").fetchone()
        return (0, GENESIS) if row is None else (int(row[0]), str(row[1]))

    # --- cases and their history ---------------------------------------------------------------------------

    def case_row(self, no: str) -> dict[str, Any] | None:
        return self.one("SELECT * FROM cases WHERE no = ?", (no,))

    def person(self, person_id: int) -> dict[str, Any] | None:
        return self.one("SELECT * FROM people WHERE id = ?", (person_id,))

    def action_reads(self, no: str, bad_levels: Sequence[int]) -> ActionReads:
        """What an action on a case reads before the rules decide (`Desk._act`): the case's row, its notices, the
        breaches recorded on it, its hand-offs accepted, its bad ratings, and the roster as this transaction sees
        it. (PostgreSQL asks them together.)"""
        row = self.case_row(no)
        if row is None:
            return ActionReads(None, [], frozenset(), [], [], [])
        return ActionReads(
            row,
            self.notify_events(no),
            self.violation_keys(no),
            self.handoff_acceptances(no),
            self.all(bad_ratings_sql(bad_levels), (no,)),
            self.staff_rows(),
        )

    def case_parts(self, no: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None, list[dict[str, Any]]]:
        """A case's row, its visitor's and its history (`Desk.case`): None, None, [] for no such case."""
        row = self.case_row(no)
        if row is None:
            return None, None, []
        person = self.person(row["person_id"]) if row["person_id"] else None
        return row, person, self.case_events(row["no"])

    def case_events(self, no: str) -> list[dict[str, Any]]:
        return self.all(CASE_EVENTS, (no,))

    def case_events_after(self, no: str, version: int) -> list[dict[str, Any]]:
        """The case's events since it was at `version` (version n is the case after its n-th event)."""
        return self.all(
            "SELECT seq, action, by_staff, at FROM events WHERE case_no = ? ORDER BY seq LIMIT -1 OFFSET ?",
            (no, max(version, 0)),
        )

    def last_case_event(self, no: str) -> dict[str, Any] | None:
        return self.one(
            "SELECT seq, action, by_staff, at, detail FROM events WHERE case_no = ? ORDER BY seq DESC LIMIT 1", (no,)
        )

    def next_case_no(self, day: str) -> str:
        """The next number of the day, e.g. 20261123-0007, readable at a window and sortable."""
        prefix = day.replace("-", "")
        last = self.scalar(
            "SELECT max(CAST(substr(no, 10) AS INTEGER)) FROM cases WHERE no >= ? AND no < ?",
            (prefix + "-", prefix + "."),
        )
        return f"{prefix}-{(last or 0) + 1:04d}"

    def first_event_at(self, no: str, action: str) -> str | None:
        """When a case first had an action (its first notice, say), or None."""
        at = self.scalar("SELECT at FROM events WHERE case_no = ? AND action = ? ORDER BY seq LIMIT 1", (no, action))
        return None if at is None else str(at)

    def declines_to(self, code: str, since: str) -> list[dict[str, Any]]:
        """Hand-offs declined back to `code` since a moment: (case_no, at, by_staff, reason), oldest first."""
        return self.all(
            "SELECT case_no, at, by_staff, json_extract(detail, '$.reason') AS reason FROM events "
            "WHERE at >= ? AND action = 'decline_handoff' AND json_extract(detail, '$.back_to') = ? "
            "ORDER BY +seq",  # + : by the index on (at, action), not a walk of the whole history in seq order
            (since, code),
        )

    def scan_candidates(self, b: Mapping[str, Any]) -> list[str]:
        """Cases where a time rule may have a breach not yet recorded; each branch is an indexed search."""
        states = ", ".join("?" * len(b["open"]))
        o = list(b["open"])
        sql = (
            f"SELECT no FROM cases WHERE status IN ({states}) AND first_response_at IS NULL AND created_at <= ? "
            "AND NOT EXISTS (SELECT 1 FROM violations WHERE unique_key = 'OWN-3:' || no) "
            f"UNION SELECT no FROM cases WHERE status IN ({states}) AND kind = 'application' "
            "AND matter_code IS NOT NULL AND notified_at IS NULL AND accepted_at IS NULL AND created_at <= ? "
            "AND NOT EXISTS (SELECT 1 FROM violations WHERE unique_key = 'NOT-4:' || no) "
            f"UNION SELECT no FROM cases WHERE status IN ({states}) AND due < ? "
            "AND NOT EXISTS (SELECT 1 FROM violations WHERE unique_key = 'TIME-2:' || no || ':' || due) "
            "UNION SELECT no FROM cases WHERE status = 'in_progress' AND last_contact_at <= ? "
            "AND NOT EXISTS (SELECT 1 FROM violations WHERE unique_key = 'TIME-5:' || no || ':' || last_contact_at) "
            "UNION SELECT no FROM cases WHERE status = 'handoff_pending' AND pending_since <= ? "
            "AND NOT EXISTS (SELECT 1 FROM violations WHERE unique_key = 'HO-4:' || no || ':' || pending_since) "
            # (`r.case_no`: inside the subquery a bare case_no would be the violation's own.)
            "UNION SELECT r.case_no FROM ratings r WHERE r.level IN (1, 2) AND r.remedied_at IS NULL "
            "AND r.voided_at IS NULL AND r.rated_at <= ? AND NOT EXISTS "
            "(SELECT 1 FROM violations v WHERE v.unique_key = 'RATE-2:' || r.case_no || ':' || r.rated_at) "
            "ORDER BY no"
        )
        args = [*o, b["own3"], *o, b["not4"], *o, b["today"], b["time5"], b["ho4"], b["rate2"]]
        return [r[0] for r in self.execute(sql, args)]

    # --- searches ------------------------------------------------------------------------------------------

    def find_people(
        self, column: str, prefix: str, limit: int, open_states: Sequence[str] = ()
    ) -> list[dict[str, Any]]:
        """Visitors whose `column` starts with `prefix` (an index range), newest first, one row per name+phone,
        each with their cases in `open_states` as a JSON list (`open_cases`): one query for the whole list."""
        assert column in ("phone_digits", "initials", "name")
        marks = ", ".join("?" * len(open_states)) or "NULL"
        # The newest 500 ids come from the index alone (a partial index of named people, or the name's own), and
        # only those 500 rows are read: a short prefix ("138", "z") matches tens of thousands of visitors. Their
        # open cases are looked up for the few visitors listed only, each by the cases' person_id index.
        return self.all(
            PEOPLE_HITS.format(column=column)
            + "top AS (SELECT name, phone, id_number, org, address, count(*) AS visits, max(created_at) AS last_seen "
            "FROM hits GROUP BY name, phone ORDER BY last_seen DESC LIMIT ?) " + OPEN_CASES.format(marks=marks),
            (prefix, prefix + "\U0010ffff", limit, *open_states),
        )

    def case_numbers_ending(self, tail: str, today_prefix: str, open_states: Sequence[str]) -> list[str]:
        """Case numbers ending in `-tail` (a four-digit tail): the open cases of any day, and any case of today
        (a slip in the visitor's hand), newest first. Each branch is an index range."""
        marks = ", ".join("?" * len(open_states))
        return [
            r[0]
            for r in self.execute(
                f"SELECT no FROM cases WHERE status IN ({marks}) AND substr(no, 10) = ? "
                "UNION SELECT no FROM cases WHERE no = ? ORDER BY no DESC LIMIT 20",
                [*open_states, tail, f"{today_prefix}-{tail}"],
            )
        ]

    # --- the roster and log-ins ---------------------------------------------------------------------------

    def login_failures(self, code: str, since: str) -> tuple[str | None, int]:
        """For a staff code since a moment: the last of its good log-in, lock or unlock (None: none), and its wrong
        PINs after that (the `at` index bounds both searches)."""
        last = self.one(
            "SELECT seq, action FROM events WHERE at >= :since AND action IN ('login', 'lock', 'unlock') "
            "AND json_extract(detail, '$.code') = :code ORDER BY seq DESC LIMIT 1",
            {"since": since, "code": code},
        )
        failures = self.scalar(
            "SELECT count(*) FROM events WHERE at >= :since AND action = 'login_refused' "
            "AND json_extract(detail, '$.code') = :code AND seq > :after",
            {"since": since, "code": code, "after": 0 if last is None else last["seq"]},
        )
        return (None if last is None else str(last["action"])), int(failures or 0)

    def staff_row(self, code: str) -> dict[str, Any] | None:
        """A staff member's whole row (its PIN hash included, for the log-in), or None."""
        return self.one("SELECT * FROM staff WHERE code = ?", (code,))

    def staff_rows(self, *, active_only: bool = False) -> list[dict[str, Any]]:
        """The roster (without PIN hashes); `active_only`: those who may log in, by code, as a search lists them."""
        return self.all(STAFF_ROWS + " WHERE active = 1 ORDER BY code" if active_only else STAFF_ROWS)

    def hall_window_row(self, number: int) -> dict[str, Any] | None:
        """A registered window of the hall (issue 19), its hashes included."""
        return self.one("SELECT * FROM hall_windows WHERE number = ?", (number,))

    def hall_window_rows(self) -> list[dict[str, Any]]:
        return self.all("SELECT * FROM hall_windows ORDER BY number")

    def hall_window_by(self, column: str, digest: str) -> dict[str, Any] | None:
        """The window whose enrolment code or browser token (of its desk, or of its pad) has this hash."""
        if column not in ("code_hash", "token_hash", "pad_code_hash", "pad_token_hash"):
            raise ValueError(column)
        return self.one(f"SELECT * FROM hall_windows WHERE {column} = ?", (digest,))

    def presence_of(self, code: str) -> list[dict[str, Any]]:
        """A staff member's absences and returns (absent 1/0, at), in order: HO-4 counts only the time present."""
        return self.all("SELECT absent, at FROM presence WHERE staff = ? ORDER BY at, id", (code,))

    # --- the catalogue -------------------------------------------------------------------------------------

    def matter_row(self, code: str) -> dict[str, Any] | None:
        """A matter with its current guide's text (`guide_json`, None where it has none)."""
        return self.one(
            "SELECT m.*, g.guide AS guide_json FROM matters m LEFT JOIN guides g ON g.hash = m.guide WHERE m.code = ?",
            (code,),
        )

    def matter_rows(self, *, active_only: bool = True) -> list[dict[str, Any]]:
        """The catalogue by code, each with its guide's text; `active_only`: the matters a case may be checked in
        for."""
        return self.all(
            "SELECT m.*, g.guide AS guide_json FROM matters m LEFT JOIN guides g ON g.hash = m.guide"
            + (" WHERE m.active = 1" if active_only else "")
            + " ORDER BY m.code"
        )

    def guide_text(self, guide_hash: str) -> str | None:
        """A guide's JSON text by its hash (a case's guide as it was checked in)."""
        text = self.scalar("SELECT guide FROM guides WHERE hash = ?", (guide_hash,))
        return None if text is None else str(text)

    # --- violations ----------------------------------------------------------------------------------------

    def violation_row(self, violation_id: int) -> dict[str, Any] | None:
        return self.one("SELECT * FROM violations WHERE id = ?", (violation_id,))

    def violations_of_events(self, seqs: Sequence[int]) -> list[dict[str, Any]]:
        """The violations recorded by these events (a scan's), oldest first."""
        marks = ", ".join("?" * len(seqs))
        return self.all(f"SELECT * FROM violations WHERE event_seq IN ({marks}) ORDER BY at, id", list(seqs))

    def violation_rows(
        self,
        *,
        after_id: int | None = None,
        start: str | None = None,
        end: str | None = None,
        staff: str | None = None,
        case_no: str | None = None,
    ) -> list[dict[str, Any]]:
        """Violations after an id, that happened in [start, end), against a staff member, on a case (each given
        condition applies), oldest first."""
        where: list[str] = []
        args: list[Any] = []
        for condition, value in (
            ("id > ?", after_id),
            ("at >= ?", start),
            ("at < ?", end),
            ("staff = ?", staff),
            ("case_no = ?", case_no),
        ):
            if value is not None:
                where.append(condition)
                args.append(value)
        sql = "SELECT * FROM violations" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY at, id"
        return self.all(sql, args)

    def confirmed_violations_between(self, staff: str, excluding: int, since: str, until: str) -> int:
        """How many other violations of a staff member, confirmed, happened in [since, until] (ACC-1's repeats)."""
        return int(
            self.scalar(
                "SELECT count(*) FROM violations WHERE staff = ? AND decision = 'confirm' AND id != ? "
                "AND at >= ? AND at <= ?",
                (staff, excluding, since, until),
            )
        )

    def last_violation_id(self, staff: str) -> int:
        return int(self.scalar("SELECT max(id) FROM violations WHERE staff = ?", (staff,)) or 0)

    def violation_keys(self, no: str) -> frozenset[str]:
        """The breaches already recorded on a case (each once: the time rules ask before flagging again)."""
        return frozenset(r[0] for r in self.execute(VIOLATION_KEYS, (no,)))

    # --- what a case's history says ------------------------------------------------------------------------

    def notify_events(self, no: str) -> list[dict[str, Any]]:
        """A case's notices (one-time notices, NOT-1/NOT-2): seq, by_staff, at, detail, oldest first."""
        return self.all(NOTIFY_EVENTS, (no,))

    def handoff_acceptances(self, no: str) -> list[dict[str, Any]]:
        """When the case changed hands (at, detail with the new owner), oldest first."""
        return self.all(HANDOFF_ACCEPTANCES, (no,))

    def slip_names(self, no: str) -> dict[str, Any]:
        """What a case's slips are headed with: the visitor's name and the case's summary (empty when unknown)."""
        return self.one(SLIP_NAMES, (no,)) or {}

    # --- the lists a window shows ---------------------------------------------------------------------------
    # Each a case line (the case, its visitor's name, whether it came back declined, a waiting hand-off's note).

    def lines_owned_by(self, code: str) -> list[dict[str, Any]]:
        """The open cases a staff member owns, soonest due first."""
        return self._lines(
            "c.owner = ? AND c.status IN ('open', 'awaiting_documents', 'handoff_pending', 'in_progress')", (code,)
        )

    def lines_waiting_for(self, code: str) -> list[dict[str, Any]]:
        """Hand-offs addressed to a staff member, or to a colleague they back up while that colleague is away."""
        return self._lines(
            "c.status = 'handoff_pending' AND (c.pending_to = ? OR c.pending_to IN "
            "(SELECT s.code FROM staff s WHERE s.backup = ? AND s.absent = 1))",
            (code, code),
        )

    def lines_owing_calls(self, code: str, bad_levels: Sequence[int]) -> list[dict[str, Any]]:
        """Resolved cases of a staff member (owner or first asker) waiting for the callback, and cases rated at
        one of `bad_levels` waiting for the remedy: bad ratings first (their clock runs), then oldest first."""
        bad = ", ".join(str(int(level)) for level in sorted(bad_levels))
        # Each branch an indexed search: (owner, status), (first_asker, status), the ratings' (level, remedied_at).
        return self._lines(
            "c.no IN (SELECT no FROM cases WHERE owner = ? AND status = 'resolved' AND anonymous = 0 "
            "UNION SELECT no FROM cases WHERE first_asker = ? AND status = 'resolved' AND anonymous = 0 "
            "UNION SELECT r.case_no FROM ratings r JOIN cases k ON k.no = r.case_no "
            f"WHERE r.level IN ({bad}) AND r.remedied_at IS NULL AND r.voided_at IS NULL "
            "AND ? IN (r.staff, k.owner, k.first_asker))",
            (code, code, code),
            order="c.status = 'resolved', c.resolved_at, c.created_at, c.no",
        )

    def lines_tracked_by(self, code: str) -> list[dict[str, Any]]:
        """HO-6: cases a staff member first took that someone else owns now, until they are closed."""
        return self._lines("c.first_asker = ? AND c.owner != ? AND c.status != 'closed'", (code, code))

    def lines_of(self, numbers: Sequence[str]) -> list[dict[str, Any]]:
        """These cases (those that exist), by case number."""
        return self._lines("c.no IN (SELECT value FROM json_each(?))", (json.dumps(list(numbers)),), order="c.no")

    def _lines(
        self, where: str, args: Sequence[Any], order: str = "c.due IS NULL, c.due, c.created_at, c.no"
    ) -> list[dict[str, Any]]:
        return self.all(
            "SELECT c.no, c.version, c.status, c.channel, c.kind, c.summary, c.matter, c.owner, c.first_asker, "
            "c.due, c.due_provisional, c.created_at, c.resolved_at, c.pending_since, "
            # The bad rating still to put right (RATE-2), whatever its channel, else the case's own rating.
            "coalesce((SELECT r.level FROM ratings r WHERE r.case_no = c.no AND r.level IN (1, 2) "
            "AND r.remedied_at IS NULL AND r.voided_at IS NULL ORDER BY r.id DESC LIMIT 1), c.rating) AS rating, "
            "CASE WHEN EXISTS (SELECT 1 FROM ratings r WHERE r.case_no = c.no AND r.level IN (1, 2) "
            "AND r.remedied_at IS NULL AND r.voided_at IS NULL) THEN NULL ELSE c.remedied_at "
            "END AS remedied_at, "
            "c.pending_to, c.pending_from, c.anonymous, c.about_staff, p.name AS visitor_name, "
            # A hand-off declined back to its owner shows as such until the owner acts on the case again.
            "(SELECT CASE WHEN e.action = 'decline_handoff' THEN coalesce(json_extract(e.detail, '$.reason'), '') "
            "END FROM events e WHERE e.case_no = c.no "
            f"AND e.action NOT IN ({QUIET}) ORDER BY e.seq DESC LIMIT 1) AS returned, "
            # A waiting hand-off shows what its sender wrote, where the receiver decides.
            "CASE WHEN c.status = 'handoff_pending' THEN (SELECT json_extract(h.detail, '$.note') FROM events h "
            "WHERE h.case_no = c.no AND h.action = 'hand_off' ORDER BY h.seq DESC LIMIT 1) END AS handoff_note "
            "FROM cases c "
            f"LEFT JOIN people p ON p.id = c.person_id WHERE {where} "
            f"ORDER BY {order}",
            args,
        )

    def visitors_of_staff(self, phones: Sequence[str], names: Sequence[str], code: str) -> set[tuple[str, Any]]:
        """Of these visitors (by phone digits; by name for those without a phone), those with a case that `code`
        owns or first took: (name, phone) pairs. SPEC §10: those whose numbers the clerk may see whole."""
        # The visitor's people rows (one per visit) by their phone's index, or by name for those without a phone,
        # and each row's case by its own index: the work grows with the visitor's visits, not with the history.
        # CROSS JOIN keeps SQLite from starting at the clerk's cases instead, which grow with every case.
        return {
            (r["name"], r["phone"])
            for r in self.all(
                "SELECT DISTINCT p.name, p.phone FROM people p CROSS JOIN cases c ON c.person_id = p.id "
                "WHERE ((p.phone_digits IN (SELECT value FROM json_each(?)) AND p.name IS NOT NULL) "
                "OR (p.name IN (SELECT value FROM json_each(?)) AND p.phone IS NULL)) "
                "AND ? IN (c.owner, c.first_asker)",
                (json.dumps(sorted(phones)), json.dumps(sorted(names), ensure_ascii=False), code),
            )
        }
