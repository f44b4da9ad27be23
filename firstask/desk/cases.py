"""What the desk hands out: a case as it stands (`Case`), a line of a list (`CaseLine`), an event of its history,
a notice, a violation, a visitor found by a search — plain frozen data, read from the store's rows here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from firstask import privacy, rules
from firstask.rules import Matter, Staff

# --- what the desk hands out -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    seq: int
    action: str
    by: str | None
    at: datetime
    detail: dict[str, Any]


@dataclass(frozen=True)
class Notice:
    seq: int
    by: str
    at: datetime
    items: list[str]
    missing: list[str]
    extra: list[str]
    second: bool
    document: str | None
    presented: list[str] = field(default_factory=list)  # what the visitor had presented by then
    applies: list[str] = field(default_factory=list)  # the conditions that applied to them


@dataclass(frozen=True)
class Violation:
    id: int
    rule: str
    staff: str | None
    case_no: str | None
    at: datetime
    detail: dict[str, Any]
    review: dict[str, Any] | None = None
    repeat: bool = False


@dataclass
class Case:
    no: str
    version: int
    status: str
    first_asker: str
    owner: str
    channel: str
    kind: str
    summary: str
    matter: str | None
    matter_info: Matter | None
    visitor_name: str | None
    phone: str | None
    id_number: str | None
    org: str | None
    anonymous: bool
    about_staff: str | None
    due: date | None
    due_provisional: bool
    pending_to: str | None
    pending_from: str | None
    outcome: str | None
    result: str | None
    rating: int | None
    created_at: datetime
    accepted_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    history: list[Event] = field(default_factory=list)
    address: str | None = None
    remedied_at: datetime | None = None

    @property
    def matter_name(self) -> str | None:
        return self.matter_info.name if self.matter_info else None


@dataclass(frozen=True)
class VisitorHit:
    """A returning visitor found by search: what picking them fills into the check-in form.

    `phone` and `id_number` are as stored, to be carried into the visitor's new case; `whole` says whether the
    clerk who searched may see them (SPEC §10): a supervisor, or the owner or first-asker of one of the visitor's
    cases. Anyone else is shown `shown_phone` and `shown_id_number`, masked."""

    name: str
    phone: str | None
    id_number: str | None
    org: str | None
    address: str | None
    visits: int
    last_seen: datetime
    open_cases: tuple[CaseLine, ...] = ()  # what they came about before and is not finished: taken up with Enter
    whole: bool = True

    @property
    def shown_phone(self) -> str | None:
        return self.phone if self.whole else privacy.mask_phone(self.phone)

    @property
    def shown_id_number(self) -> str | None:
        return self.id_number if self.whole else privacy.mask_id_number(self.id_number)


@dataclass(frozen=True)
class CaseLine:
    """One row of a clerk's list: what a table shows, without the history."""

    no: str
    version: int
    status: str
    channel: str
    kind: str
    summary: str
    matter_name: str | None
    visitor_name: str | None
    owner: str
    first_asker: str
    due: date | None
    due_provisional: bool
    created_at: datetime
    rating: int | None = None
    remedied: bool = False
    resolved_at: datetime | None = None
    pending_since: datetime | None = None  # a waiting hand-off: when it was sent
    returned: str | None = None  # declined back to its owner, with this reason, and not acted on since
    pending_to: str | None = None
    pending_from: str | None = None
    anonymous: bool = False
    about_staff: str | None = None
    matter_kind: str | None = None
    handoff_note: str | None = None  # a waiting hand-off: what the sender wrote of what was done


def notice_of(event: Event) -> Notice:
    """A one-time notice from its event (`Desk.notices`; a screen holding the case's history reads them there)."""
    d = event.detail
    return Notice(
        seq=event.seq,
        by=event.by or "",
        at=event.at,
        items=d["items"],
        missing=d["missing"],
        extra=d["extra"],
        second=d.get("second", False),
        document=d.get("document"),
        presented=list(d.get("presented", ())),
        applies=list(d.get("applies", ())),
    )


def moment_of(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def day_of(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def matter_of_row(row: Mapping[str, Any]) -> Matter:
    """A catalogue matter from its row (`Reads.matter_row`: with its guide's text)."""
    guide = row.get("guide_json")
    return Matter(
        code=row["code"],
        name=row["name"],
        limit_days=row["limit_days"],
        kind=row["kind"],
        documents=tuple(rules.Document.parse(d) for d in json.loads(row["documents"] or "[]")),
        written_notice=bool(row["written_notice"]),
        dept=row["dept"],
        basis=row["basis"],
        estimated=bool(row["estimated"]),
        note=row.get("note"),
        forms_at=row.get("forms_at"),
        guide=rules.Guide.from_json(json.loads(guide)) if guide else rules.Guide(),
    )


GUIDE_REF = "guide_hash"  # a case's copy of its matter names the guide it was checked in with by its hash


def case_matter_json(matter: Matter, guide_hash: str | None) -> str:
    """The matter as a case keeps it: as it was at check-in, its guide by reference."""
    kept = matter.as_json(guide=False)
    if guide_hash:
        kept[GUIDE_REF] = guide_hash
    return json.dumps(kept, ensure_ascii=False)


def line_of_json(c: Mapping[str, Any], visitor: str | None) -> CaseLine:
    """A list line from the JSON object the visitor search builds for each open case."""
    return CaseLine(
        no=c["no"],
        version=c["version"],
        status=c["status"],
        channel=c["channel"],
        kind=c["kind"],
        summary=c["summary"] or "",
        matter_name=c["matter"],
        matter_kind=c["matter_kind"],
        visitor_name=visitor,
        owner=c["owner"],
        first_asker=c["first_asker"],
        due=day_of(c["due"]),
        due_provisional=bool(c["due_provisional"]),
        created_at=datetime.fromisoformat(c["created_at"]),
        pending_since=moment_of(c["pending_since"]),
        pending_to=c["pending_to"],
        pending_from=c["pending_from"],
        anonymous=bool(c["anonymous"]),
        about_staff=c["about_staff"],
    )


def violation_of_row(r: Mapping[str, Any]) -> Violation:
    review = None
    if r["decision"]:
        review = {
            "decision": r["decision"],
            "reason": r["reason"],
            "by": r["reviewed_by"],
            "at": moment_of(r["reviewed_at"]),
        }
    return Violation(
        id=r["id"],
        rule=r["rule"],
        staff=r["staff"],
        case_no=r["case_no"],
        at=datetime.fromisoformat(r["at"]),
        detail=json.loads(r["detail"] or "{}"),
        review=review,
        repeat=bool(r["repeat"]),
    )


def line_of_row(r: Mapping[str, Any]) -> CaseLine:
    """A list line from the store's case line (`Reads.lines_owned_by` and its kin)."""
    m = json.loads(r["matter"]) if r["matter"] else None
    return CaseLine(
        no=r["no"],
        version=r["version"],
        status=r["status"],
        channel=r["channel"],
        kind=r["kind"],
        summary=r["summary"] or "",
        matter_name=m["name"] if m else None,
        matter_kind=m["kind"] if m else None,
        pending_to=r["pending_to"],
        pending_from=r["pending_from"],
        anonymous=bool(r["anonymous"]),
        about_staff=r["about_staff"],
        visitor_name=r["visitor_name"],
        owner=r["owner"],
        first_asker=r["first_asker"],
        due=day_of(r["due"]),
        due_provisional=bool(r["due_provisional"]),
        created_at=datetime.fromisoformat(r["created_at"]),
        rating=r["rating"],
        remedied=r["remedied_at"] is not None,
        resolved_at=moment_of(r["resolved_at"]),
        pending_since=moment_of(r["pending_since"]),
        returned=r["returned"],
        handoff_note=r["handoff_note"],
    )


def staff_of_row(r: Mapping[str, Any]) -> Staff:
    """A staff member as the rules see them, from the store's staff row."""
    return Staff(
        code=r["code"],
        name=r["name"],
        role=r["role"],
        backup=r["backup"],
        absent=bool(r["absent"]),
        active=bool(r["active"]),
    )
