"""The desk's core: a store and a clock, the policy and the working calendar (read once per change of the file),
the roster as the rules see it, and the loading every action shares — a case's state for the rules, its version
check, the desk's own events.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, Self

from firstask import i18n, rules
from firstask.calendar import OfficialYears, WorkCalendar, official_from_json
from firstask.desk.cases import (
    day_of,
    iso,
    moment_of,
    staff_of_row,
)
from firstask.rules import (
    QUIET_EVENTS,
    BadRating,
    CaseState,
    ConflictError,
    Context,
    Matter,
    Policy,
    RuleError,
    Staff,
    Verdict,
)
from firstask.store import Store, open_store
from firstask.store.reads import ActionReads

Clock = Callable[[], datetime]
Changes = dict[str, Any]
Detail = dict[str, Any]


def data_dir() -> Path:
    """The shipped data: inside the package when installed, beside it in a checkout."""
    here = Path(__file__).resolve().parent.parent  # the package folder (firstask/)
    for candidate in (here / "data", here.parent / "data"):
        if (candidate / "policy.toml").exists():
            return candidate
    return here.parent / "data"


@functools.cache
def official_calendar() -> OfficialYears:
    """The official working calendar shipped in data/calendar-cn.json (built from `holidays` by
    tools/build_calendar.py); years outside it are asked of the library itself."""
    try:
        return official_from_json(json.loads((data_dir() / "calendar-cn.json").read_text(encoding="utf-8")))
    except FileNotFoundError:
        return {}


CALENDAR_KEYS = {"calendar_confirmed_until", "calendar_years", "calendar_extra_closed", "calendar_extra_working"}


STATE_KEYS = ("status", "owner", "due", "pending_to")


def _timing(row: Mapping[str, Any], action: str, now: datetime) -> Changes:
    """What an action settles for the time rules: the first response, the notice, the last word to the visitor."""
    out: Changes = {}
    if action in rules.RESPONSES and not row["first_response_at"]:
        out["first_response_at"] = iso(now)
    if action == "notify" and not row["notified_at"]:
        out["notified_at"] = iso(now)
    if action in ("accept", "feedback", "extend"):
        out["last_contact_at"] = iso(now)
    if action == "hand_off":
        out["pending_since"] = iso(now)
    elif action in ("accept_handoff", "decline_handoff"):
        out["pending_since"] = None
    return out


class DeskCore:
    """A desk file open with a clock: what every part of the desk stands on."""

    def __init__(self, store: Store, clock: Clock | None = None) -> None:
        self.store = store
        self._new_links: list[int] = []  # the slips' rating links made by the action being written
        self.clock: Clock = clock or datetime.now
        self._policy_key: str | None = None
        self._policy_seen: Any = None
        self._staff_kept: tuple[Any, dict[str, Staff]] | None = None  # the roster, and the settings mark it was read at
        self._hall_kept: tuple[Any, str] | None = None  # the hall's address `serve` noted, and the mark it was read at
        self._policy = Policy()
        self._policy_problems: list[RuleError] = []
        self._calendar = WorkCalendar(official=official_calendar())
        # Wrong PINs in a row typed at this window (this desk process), and the moment before which it takes no
        # other PIN (SPEC §13: wrong PINs slow the window that typed them before they lock a code).
        self._wrong_pins = 0
        self._pin_wait_until: datetime | None = None
        self.documents_dir = store.documents_dir()
        # The window (窗口) this desk process serves: printed on slips, recorded with every event it writes.
        self.window: str | None = None

    @classmethod
    def open(cls, path: str | Path, clock: Clock | None = None, *, create: bool = True) -> Self:
        """Open (or, with `create`, make) a desk file, migrating it; another application's file is refused. A
        `postgresql://…?centre=C01` address opens that centre of a district's database (issue 21)."""
        return cls(open_store(path, create=create), clock)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- time, policy, calendar ------------------------------------------------------------------------------

    def now(self) -> datetime:
        moment = self.clock()
        if moment.tzinfo is not None:
            from zoneinfo import ZoneInfo

            moment = moment.astimezone(ZoneInfo(self.policy.timezone)).replace(tzinfo=None)
        return moment.replace(microsecond=0)

    def _load_policy(self) -> None:
        # Read the policy table again only when it may have changed: another connection committed (data_version)
        # or this one wrote (to the policy or the staff, on PostgreSQL). Three reads per action otherwise add up.
        seen = self.store.settings_mark()
        if seen == self._policy_seen:
            return
        self._policy_seen = seen
        raw = self.store.policy()
        key = json.dumps(raw, sort_keys=True, default=str)
        if key != self._policy_key:
            # Building the calendar is the costly part; the policy changes rarely, so keep both until it does.
            # A value stored out of range (written behind the desk, or by an older version) runs on its default
            # and is told (policy_problems), never a traceback at every later action.
            self._policy, self._policy_problems = Policy.checked(raw)
            sound = {k: v for k, v in raw.items() if rules.policy_problem(k, v) is None}
            try:
                self._calendar = WorkCalendar.from_policy(sound, official_calendar())
            except (TypeError, ValueError, KeyError, AttributeError) as e:
                self._calendar = WorkCalendar.from_policy({}, official_calendar())
                self._policy_problems.append(RuleError("INPUT", "policy.invalid", reason=rules.quoted(str(e))))
            self._policy_key = key

    @property
    def policy(self) -> Policy:
        self._load_policy()
        return self._policy

    def policy_problems(self, lang: str | None = None) -> list[str]:
        """What is wrong with the stored policy (each such value runs on its default), one line each."""
        self._load_policy()
        return [i18n.t("policy.stored_bad", lang, problem=p.message(lang)) for p in self._policy_problems]

    @property
    def calendar(self) -> WorkCalendar:
        self._load_policy()
        return self._calendar

    # --- people ----------------------------------------------------------------------------------------------

    def staff(self) -> dict[str, Staff]:
        """The roster: kept for the screens while it stands (`Store.settings_mark`), read afresh inside a transaction
        — an action decides who may act on the roster as its own transaction sees it (under its lock), never on a
        copy kept from before another window's change was heard."""
        if self.store.in_transaction:
            return {r["code"]: staff_of_row(r) for r in self.store.staff_rows()}
        mark = self.store.settings_mark()
        if self._staff_kept is None or self._staff_kept[0] != mark:
            self._staff_kept = (mark, {r["code"]: staff_of_row(r) for r in self.store.staff_rows()})
        return dict(self._staff_kept[1])

    def supervisor_only(self, by: str, what: str) -> Staff:
        """A supervisor screen or call (`what` names it): allowed for supervisors; for anyone else the refusal is
        written into the history (SPEC §10) and raised as ACCESS."""
        staff = self.staff().get(by)
        if staff is not None and staff.active and staff.is_supervisor:
            return staff
        with self.store.write():
            self._desk_event(
                "access_refused",
                by if staff else None,
                iso(self.now()),
                {"code": str(by)[:20], "what": str(what)[:40]},
            )
        raise RuleError("ACCESS", "access.supervisor_only", what=what)

    def _desk_event(self, action: str, by: str | None, at: str, detail: Mapping[str, Any]) -> int:
        return self.store.append_event(None, action, by, at, self.policy.timezone, self._at_window(detail))

    def _at_window(self, detail: Mapping[str, Any]) -> dict[str, Any]:
        """An event's detail with the window it came from (SPEC §11), when this desk serves one."""
        return {**detail, "window": self.window} if self.window is not None else dict(detail)

    def _context(self, by: str, params: Mapping[str, Any], staff: dict[str, Staff] | None = None) -> Context:
        """Who acts and on what terms; `staff`: the roster when the action has read it already (`action_reads`)."""
        staff = self.staff() if staff is None else staff
        actor = staff.get(by) if isinstance(by, str) else None
        if actor is None or not actor.active:
            raise RuleError("INPUT", "input.unknown_staff", code=str(by))
        return Context(actor=actor, staff=staff, policy=self.policy, calendar=self.calendar, params=params)

    def _check_version(self, row: Mapping[str, Any], expect: int) -> None:
        """CONFLICT unless everything since `expect` was quiet (a scan; the visitor's rating on the pad, its request
        expiring; an appeal): none changes what the clerk acts on, so a window must not be refused because the
        visitor tapped the pad meanwhile. (A rating that closed the case is then refused by its status.)"""
        since = self.store.case_events_after(row["no"], expect) if expect < row["version"] else []
        changes = [e for e in since if e["action"] not in QUIET_EVENTS]
        if changes or not since:
            raise self._conflict(row, expect, changes[-1] if changes else None)

    def _conflict(self, row: Mapping[str, Any], expect: int, last: Mapping[str, Any] | None = None) -> ConflictError:
        last = last or self.store.last_case_event(row["no"]) or {}
        who = self.staff().get(last.get("by_staff") or "")
        from firstask import i18n

        return ConflictError(
            "conflict",
            no=row["no"],
            by=f"{who.name} ({who.code})" if who else "-",
            at=str(last.get("at", ""))[11:16],
            action=i18n.Lazy(f"action.{last.get('action')}"),
            seen=expect,
            now=row["version"],
        )

    def _state(self, row: Mapping[str, Any], read: ActionReads | None = None) -> CaseState:
        """The case as the rules see it; `read`: what the action has read of it already (else it is read here)."""
        s = self.store
        no = row["no"]
        if read is None:
            read = ActionReads(
                dict(row),
                s.notify_events(no),
                s.violation_keys(no),
                s.handoff_acceptances(no),
                s.bad_rating_rows(no, sorted(rules.BAD_RATINGS)),
                [],
            )
        notices = tuple((e["by_staff"], tuple(json.loads(e["detail"])["items"])) for e in read.notices)
        flagged = read.flagged
        return CaseState(
            no=row["no"],
            version=row["version"],
            status=row["status"],
            kind=row["kind"],
            channel=row["channel"],
            first_asker=row["first_asker"],
            owner=row["owner"],
            created_at=datetime.fromisoformat(row["created_at"]),
            matter=Matter.from_json(json.loads(row["matter"])) if row["matter"] else None,
            anonymous=bool(row["anonymous"]),
            about_staff=row["about_staff"],
            due=day_of(row["due"]),
            extended_days=row["extended_days"] or 0,
            limit_days=row["limit_days"],
            accepted_at=moment_of(row["accepted_at"]),
            notices=notices,
            pending_to=row["pending_to"],
            pending_from=row["pending_from"],
            return_status=row["return_status"],
            rating=row["rating"],
            resolved_at=moment_of(row["resolved_at"]),
            flagged=flagged,
            first_response_at=moment_of(row["first_response_at"]),
            notified_at=moment_of(row["notified_at"]),
            last_contact_at=moment_of(row["last_contact_at"]),
            pending_since=moment_of(row["pending_since"]),
            rated_at=moment_of(row["rated_at"]),
            remedied_at=moment_of(row["remedied_at"]),
            owner_changes=tuple(
                (datetime.fromisoformat(r["at"]), json.loads(r["detail"])["owner"]) for r in read.handoffs
            ),
            bad_ratings=tuple(
                BadRating(
                    id=r["id"],
                    level=r["level"],
                    staff=r["staff"] or row["owner"],
                    rated_at=datetime.fromisoformat(r["rated_at"]),
                    remedied_at=moment_of(r["remedied_at"]),
                )
                for r in read.bad
            ),
            receiver_absences=self._absences(row["pending_to"], moment_of(row["pending_since"]))
            if row["status"] == "handoff_pending"
            else (),
        )

    def _absences(self, code: str | None, since: datetime | None) -> tuple[tuple[datetime, datetime], ...]:
        """When a staff member was away since a moment: HO-4 counts only the time they were present."""
        if code is None or since is None:
            return ()
        rows = self.store.presence_of(code)
        out: list[tuple[datetime, datetime]] = []
        start: datetime | None = None
        for r in rows:
            at = datetime.fromisoformat(r["at"])
            if r["absent"] and start is None:
                start = at
            elif not r["absent"] and start is not None:
                if at > since:
                    out.append((max(start, since), at))
                start = None
        if start is not None:
            out.append((max(start, since), datetime.max))  # noqa: DTZ901 (naive local time throughout)
        return tuple(out)

    def _state_of(self, no: str) -> CaseState:
        """A case as the rules see it now (the previews ask them), or INPUT when there is no such case."""
        row = self.store.case_row(str(no))
        if row is None:
            raise RuleError("INPUT", "input.unknown_case", no=str(no))
        return self._state(row)

    def changed(self) -> int:
        """A number that changes whenever another connection (another window) has committed to the file."""
        return self.store.data_version()

    def written(self) -> tuple[int, int]:
        """A mark that changes whenever anyone, this window included, has written to the file: a screen that read
        its lists at one mark need not read them again while the mark stands."""
        return self.store.data_version(), self.store.total_changes()

    def verify(self, anchor: tuple[int, str] | None = None) -> Any:
        return self.store.verify(anchor)

    def _record(
        self,
        row: Mapping[str, Any],
        action: str,
        by: str | None,
        now: datetime,
        changes: Changes,
        detail: Detail,
        verdict: Verdict,
    ) -> int:
        s = self.store
        status = changes.get("status", row["status"])
        detail = {"status": [row["status"], status], **detail}
        recorded = verdict.flags + verdict.warnings
        if recorded:
            detail["verdict"] = [f.as_record() for f in recorded]
        seq = s.append_event(
            row["no"],
            action,
            by,
            iso(now),
            self.policy.timezone,
            self._at_window(detail) if by is not None else detail,
        )
        s.update(
            "cases",
            "no",
            row["no"],
            {**_timing(row, action, now), **changes, "version": row["version"] + 1, "updated_at": iso(now)},
        )
        after = {**row, **changes}
        if any(after[k] != row[k] for k in STATE_KEYS):
            s.record_state(row["no"], seq, iso(now), after)
        for finding in recorded:
            s.insert(
                "violations",
                {
                    "rule": finding.rule,
                    "staff": finding.staff or by,
                    "case_no": row["no"],
                    "at": iso(finding.at or now),
                    "event_seq": seq,
                    "recorded_at": iso(now),
                    "unique_key": finding.unique or f"{finding.rule}:{row['no']}:{seq}",
                    "detail": json.dumps(
                        {
                            "key": finding.key,
                            "params": dict(finding.params),
                            "action": action,
                            "confirmed_warning": finding.severity == "warn",
                        },
                        ensure_ascii=False,
                        default=str,
                    ),
                },
            )
        return seq
