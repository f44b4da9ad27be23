"""The desk service: every action loads the case, asks the rules, and writes the change with its event in one
transaction — or raises `RuleError` and writes nothing. Screens, the CLI, scripts and tests all come through here.

`Desk` is composed of the package's parts, each built on the one below it:

- `core`: a store and a clock, the policy and calendar, the roster as the rules see it, a case's state;
- `pins`: log-ins, PINs and locks;  `roster`: staff, absences, records;  `catalogue`: matters and policy;
- `lists`: what a window reads — a case, the follow-up lists, searches, previews;
- `slips`: the documents an action prints;  `actions`: check-in to close;
- `oversight`: the scan, reviews, purge, the summary, its drill-down and reports;
- `asking`: what asks the visitor for a rating inside an action (the pad's request, the slip's link);
- `hall`: the hall's windows on its LAN, enrolled and revoked (`firstask serve`);
- `ratings`: 好差评 — the visitor's rating of a service, appeals, the monthly ranking, the pads.

`cases` holds what the desk hands out (Case, CaseLine, Event, Notice, Violation, VisitorHit); `fields` the input
cleaning. Only the store speaks SQL; only the rules decide.
"""

from __future__ import annotations

from firstask.desk.cases import Case, CaseLine, Event, Notice, Violation, VisitorHit, notice_of
from firstask.desk.core import Clock, data_dir, official_calendar
from firstask.desk.fields import LIMITS, clean, clean_list
from firstask.desk.hall import Hall, HallWindow, shown_code
from firstask.desk.pins import LOCKOUT_ATTEMPTS, LOCKOUT_MINUTES, check_pin, hash_pin
from firstask.desk.ratings import Rating, Ratings
from firstask.desk.slips import centre_of, forms_place, originals_only, what_about
from firstask.rules import ConflictError, RuleError

__all__ = [
    "LIMITS",
    "LOCKOUT_ATTEMPTS",
    "LOCKOUT_MINUTES",
    "Case",
    "CaseLine",
    "Clock",
    "ConflictError",
    "Desk",
    "Event",
    "Hall",
    "HallWindow",
    "Notice",
    "Rating",
    "RuleError",
    "Violation",
    "VisitorHit",
    "centre_of",
    "check_pin",
    "clean",
    "clean_list",
    "data_dir",
    "forms_place",
    "hash_pin",
    "notice_of",
    "official_calendar",
    "originals_only",
    "shown_code",
    "what_about",
]


class Desk(Ratings):
    """One centre's desk on one file: `Desk.open(path, clock)`; every public method is in CONTRACT.md."""
