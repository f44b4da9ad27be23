"""The catalogue of matters and the policy: matters added, edited, imported and searched; policy values set
(each checked) and the shipped defaults loaded.
"""

from __future__ import annotations

import dataclasses
import json
import tomllib
from collections.abc import Mapping, Sequence
from typing import Any

from firstask import i18n, names, rules
from firstask.calendar import WorkCalendar
from firstask.desk.cases import (
    iso,
    matter_of_row,
)
from firstask.desk.core import CALENDAR_KEYS, data_dir
from firstask.desk.fields import clean, clean_document, clean_guide
from firstask.desk.roster import Roster
from firstask.rules import Matter, Policy, RuleError


class Catalogue(Roster):
    """Matters and policy."""

    def add_matter(
        self,
        code: str,
        name: str,
        *,
        limit_days: int,
        immediate: bool = False,
        documents: Sequence[str | Mapping[str, Any]] = (),
        written_notice: bool = False,
        dept: str | None = None,
        kind: str | None = None,
        basis: str | None = None,
        estimated: bool = False,
        active: bool = True,
        note: str | None = None,
        forms_at: str | None = None,
        guide: rules.Guide | Mapping[str, Any] | None = None,
        by: str | None = None,
    ) -> None:
        """Add a matter to the catalogue, or replace it (cases already checked in keep theirs). `guide`: its service
        guide and kept answers; None keeps the guide the matter has (an editor of the other fields does not touch
        it), an empty `Guide()` removes it."""
        # Every text of the catalogue is printed on the visitor's slips: control characters are refused here.
        code = clean(code, "code")
        name = clean(name, "name", limit=120)
        note = clean(note, "note", limit=200) or None
        forms_at = clean(forms_at, "forms_at", limit=200) or None
        dept = clean(dept, "dept", limit=120) or None
        basis = clean(basis, "basis", multiline=True) or None
        kind = kind or ("immediate" if immediate else "promised")
        if not code or not name:
            raise RuleError("INPUT", "matter.code_name", field="code")
        if kind not in rules.MATTER_KINDS:
            raise RuleError("INPUT", "matter.kind", field="kind", kind=str(kind))
        if not isinstance(limit_days, int) or isinstance(limit_days, bool) or not 0 <= limit_days <= 365:
            raise RuleError("INPUT", "matter.limit", field="limit_days")
        docs = [clean_document(d) for d in documents]
        if any(not d.name for d in docs) or len({d.name for d in docs}) != len(docs):
            raise RuleError("INPUT", "matter.documents", field="documents")
        kept_guide = clean_guide(guide) if guide is not None else None
        matter = Matter(
            code=code,
            name=name,
            limit_days=0 if kind == "immediate" else limit_days,
            kind=kind,
            documents=tuple(docs),
            written_notice=bool(written_notice),
            dept=dept,
            basis=basis,
            estimated=bool(estimated),
            note=note,
            forms_at=forms_at,
        )
        now = iso(self.now())
        with self.store.write() as s:
            if kept_guide is None:
                current = s.matter_row(code)
                kept_guide = matter_of_row(current).guide if current else rules.Guide()
            matter = dataclasses.replace(matter, guide=kept_guide)
            guide_hash = None if kept_guide.empty else s.put_guide(kept_guide.as_json())
            s.upsert(
                "matters",
                "code",
                {
                    "code": code,
                    "name": name,
                    "kind": kind,
                    "limit_days": matter.limit_days,
                    "written_notice": int(matter.written_notice),
                    "documents": json.dumps([d.as_json() for d in docs], ensure_ascii=False),
                    "dept": dept,
                    "basis": basis,
                    "estimated": int(bool(estimated)),
                    "active": int(bool(active)),
                    "initials": names.initials(name),
                    "note": note,
                    "forms_at": forms_at,
                    "guide": guide_hash,
                    "updated_at": now,
                },
            )
            self._desk_event("add_matter", by, now, {"matter": matter.as_json(), "active": bool(active)})

    def set_policy(self, by: str | None = None, **values: Any) -> None:
        known = set(Policy.__dataclass_fields__) | CALENDAR_KEYS | {"hours"}
        unknown = sorted(set(values) - known)
        if unknown:
            raise RuleError("INPUT", "policy.unknown", keys=", ".join(unknown))
        for key, value in values.items():
            problem = rules.policy_problem(key, value)
            if problem is not None:
                raise problem
        try:
            candidate = {**self.store.policy(), **values}
            WorkCalendar.from_policy(candidate)
        except (TypeError, ValueError, KeyError, AttributeError) as e:
            raise RuleError("INPUT", "policy.invalid", reason=rules.quoted(str(e))) from e
        now = iso(self.now())
        with self.store.write() as s:
            s.set_policy(values)
            self._desk_event("set_policy", by, now, {"values": values})

    def load_defaults(self) -> None:
        """The catalogue and the policy shipped in data/ (no staff)."""
        folder = data_dir()
        with (folder / "policy.toml").open("rb") as f:
            policy = tomllib.load(f)
        values = dict(policy.get("policy", {}))
        for key, value in policy.get("calendar", {}).items():
            values[f"calendar_{key}"] = value
        catalogue = json.loads((folder / "catalogue.json").read_text(encoding="utf-8"))
        with self.store.write():
            self.set_policy(**values)
            for m in catalogue["matters"]:
                basis = "\n".join(
                    x
                    for x in (
                        m.get("basis"),
                        i18n.t("catalogue.source", "zh", source=m["source"]) if m.get("source") else "",
                        m.get("notes"),
                    )
                    if x
                )
                self.add_matter(
                    m["code"],
                    m["name"],
                    limit_days=int(m["limit_days"]),
                    kind=m["kind"],
                    documents=m.get("documents", ()),
                    written_notice=bool(m.get("written_notice")),
                    dept=m.get("dept"),
                    basis=basis,
                    estimated=bool(m.get("limit_estimated")),
                    active=m.get("status", "active") != "abolished",
                    note=m.get("name_note"),
                    forms_at=m.get("forms_at"),
                    guide=m.get("guide") or {},
                )

    def find_matters(self, query: str, limit: int = 10) -> list[Matter]:
        """Catalogue matters by code, by any part of the name, or by pinyin initials."""
        q = (query or "").strip().lower()
        out = []
        for r in self.store.matter_rows(active_only=True):
            if (
                not q
                or r["code"].lower().startswith(q)
                or q in r["name"].lower()
                or (r["initials"] or "").startswith(q)
            ):
                out.append(matter_of_row(r))
        return out[:limit]

    def matters(self, *, active_only: bool = True) -> list[Matter]:
        return [matter_of_row(r) for r in self.store.matter_rows(active_only=active_only)]

    def catalogue(self) -> list[tuple[Matter, bool]]:
        """Every matter of the catalogue, active or not, with whether it is active."""
        return [(matter_of_row(r), bool(r["active"])) for r in self.store.matter_rows(active_only=False)]

    def save_matter(self, code: str, name: str, *, by: str, **fields: Any) -> None:
        """A supervisor adds or edits a matter (add_matter's fields). Cases already checked in keep the matter as
        it was then; the change applies to new cases."""
        self.supervisor_only(by, "setup")
        self.add_matter(code, name, by=by, **fields)

    def save_guide(self, code: str, guide: rules.Guide | Mapping[str, Any], *, by: str) -> None:
        """A supervisor replaces a matter's guide and kept answers, its other fields as they are (new cases only)."""
        self._resave(code, by=by, guide=guide)

    def set_matter_active(self, code: str, active: bool, *, by: str) -> None:
        """A supervisor takes a matter out of the catalogue for new cases, or puts it back; nothing else changes."""
        self._resave(code, by=by, active=active)

    def _resave(self, code: str, *, by: str, **changes: Any) -> None:
        self.supervisor_only(by, "setup")
        row = self.store.matter_row(clean(code, "code"))
        if row is None:
            raise RuleError("INPUT", "input.unknown_matter", field="matter", code=str(code))
        m = matter_of_row(row)
        fields: dict[str, Any] = {
            "limit_days": m.limit_days,
            "documents": [d.as_json() for d in m.documents],
            "written_notice": m.written_notice,
            "dept": m.dept,
            "kind": m.kind,
            "basis": m.basis,
            "estimated": m.estimated,
            "active": bool(row["active"]),
            "note": m.note,
            "forms_at": m.forms_at,
        }
        self.add_matter(m.code, m.name, by=by, **{**fields, **changes})

    def import_matters(self, matters: Sequence[Mapping[str, Any]], *, by: str) -> int:
        """A supervisor imports matters (each add_matter's keywords with "code" and "name"): all of them in one
        transaction, or none. A refusal carries `.params["index"]`, the position of the matter it is about."""
        self.supervisor_only(by, "setup")
        with self.store.write():
            for index, m in enumerate(matters):
                fields = {k: v for k, v in m.items() if k not in ("code", "name")}
                try:
                    self.add_matter(m["code"], m["name"], by=by, **fields)
                except RuleError as refused:
                    refused.params["index"] = index
                    raise
        return len(matters)
