"""The actions on a case (SPEC §4): each loads the case, asks the rules, and writes the change with its event in
one transaction (`_act`, `_record`) — or raises `RuleError` and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from firstask import names, printing, rules
from firstask.desk.asking import Asking
from firstask.desk.cases import (
    Case,
    case_matter_json,
    iso,
    matter_of_row,
    staff_of_row,
)
from firstask.desk.core import Changes, Detail
from firstask.desk.fields import LIMITS, clean, clean_list
from firstask.desk.slips import originals_only
from firstask.rules import CaseState, Context, RuleError

# The rule that makes each printed document part of its action.


class Actions(Asking):
    """Check-in to close."""

    # --- actions -----------------------------------------------------------------------------------------------

    def check_in(
        self,
        by: str,
        *,
        visitor_name: str | None = None,
        summary: str,
        channel: str = "visit",
        kind: str = "enquiry",
        matter: str | None = None,
        phone: str | None = None,
        id_number: str | None = None,
        org: str | None = None,
        anonymous: bool = False,
        about_staff: str | None = None,
        address: str | None = None,
        expect: int | None = None,
    ) -> Case:
        del expect  # a new case has no version to check
        params: dict[str, Any] = {
            "visitor_name": clean(visitor_name, "visitor_name"),
            "summary": clean(summary, "summary", multiline=True),
            "channel": channel,
            "kind": kind,
            "phone": clean(phone, "phone", limit=40),
            "id_number": clean(id_number, "id_number", limit=40),
            "org": clean(org, "org"),
            "address": clean(address, "address"),
            "anonymous": bool(anonymous),
            "about_staff": clean(rules.complaint_subject(kind, about_staff), "code") or None,
            "matter": clean(matter, "code") or None,
        }
        now = self.now()
        with self.store.write() as s:
            ctx = self._context(by, params)
            matter_row = None
            if params["matter"]:
                matter_row = s.matter_row(params["matter"])
                if matter_row is None or not matter_row["active"]:
                    raise RuleError("INPUT", "input.unknown_matter", field="matter", code=params["matter"])
            rules.check("check_in", None, ctx, now).raise_first_block()
            policy = ctx.policy
            phone_n = rules.normalise_phone(params["phone"], policy.area_code) if params["phone"] else None
            id_n = rules.normalise_id_number(params["id_number"]) if params["id_number"] else None
            person_id, person_digest = None, None
            if not anonymous:
                person_id, person_digest = s.new_person(
                    {
                        "name": params["visitor_name"],
                        "phone": phone_n,
                        "id_number": id_n,
                        "org": params["org"] or None,
                        "address": params["address"] or None,
                        "initials": names.initials(params["visitor_name"]),
                        "phone_digits": names.digits(phone_n),
                    },
                    iso(now),
                )
            matter_obj = matter_of_row(matter_row) if matter_row else None
            no = s.next_case_no(now.date().isoformat())
            s.insert(
                "cases",
                {
                    "no": no,
                    "version": 1,
                    "status": "open",
                    "channel": channel,
                    "kind": kind,
                    "summary": params["summary"],
                    "matter_code": matter_obj.code if matter_obj else None,
                    "matter": case_matter_json(matter_obj, matter_row["guide"] if matter_row else None)
                    if matter_obj
                    else None,
                    "person_id": person_id,
                    "anonymous": int(bool(anonymous)),
                    "about_staff": params["about_staff"],
                    "first_asker": by,
                    "owner": by,
                    "created_at": iso(now),
                    "updated_at": iso(now),
                },
            )
            detail = {
                "status": [None, "open"],
                "channel": channel,
                "kind": kind,
                "summary": params["summary"],
                "matter": matter_obj.code if matter_obj else None,
                "visitor": person_digest,
                "anonymous": bool(anonymous),
                "about_staff": params["about_staff"],
            }
            seq = s.append_event(no, "check_in", by, iso(now), policy.timezone, self._at_window(detail))
            s.record_state(no, seq, iso(now), {"status": "open", "owner": by})
            done = self.case(no)
        return done

    def answer(self, no: str, by: str, text: str, *, with_guide: bool = False, expect: int | None = None) -> Case:
        """Answer on the spot (CLO-1). `with_guide`: the matter's 办事指南 is handed over as part of the answer (the
        guide the case was checked in with, the answer under it): it is saved as the answer's document."""
        params = {"text": clean(text, "text", multiline=True)}

        def apply(case: CaseState, ctx: Context, now: datetime) -> tuple[Changes, Detail]:
            detail: Detail = {"text": params["text"]}
            if with_guide:
                guide = self._case_guide(case.no)
                if case.matter is None or guide.empty:
                    raise RuleError("INPUT", "guide.none", matter=case.matter.name if case.matter else "")
                sheet = printing.guide(
                    self._guide_text(case.matter, guide), self._slip(case, ctx, now, link=True), answer=params["text"]
                )
                detail["guide"] = True
                detail["document"] = self._print(case, "guide", sheet, required=False)
            return (
                {"status": "resolved", "outcome": "answered", "result": params["text"], "resolved_at": iso(now)},
                detail,
            )

        return self._act("answer", no, by, expect, params, apply)

    def notify(
        self,
        no: str,
        by: str,
        *,
        presented: Iterable[str] = (),
        extra: Iterable[str] = (),
        applies: Iterable[str] = (),
        expect: int | None = None,
    ) -> Case:
        p_presented = clean_list(presented, "presented")
        p_extra = clean_list(extra, "extra")
        p_applies = clean_list(applies, "applies")

        def prepare(case: CaseState) -> dict[str, Any]:
            missing = rules.required_missing(case.matter, p_presented, p_applies)
            items = missing + [e for e in p_extra if e not in missing]
            return {
                "presented": p_presented,
                "extra": p_extra,
                "applies": p_applies,
                "missing": missing,
                "items": items,
            }

        def apply(case: CaseState, ctx: Context, now: datetime) -> tuple[Changes, Detail]:
            p = ctx.params
            detail: Detail = {
                "items": p["items"],
                "missing": p["missing"],
                "extra": p["extra"],
                "presented": p["presented"],
                "applies": p["applies"],
                "second": bool(rules.asked_anew(case, p["items"])),
            }
            text = self._notice_text(case, ctx, now, p["items"], p["presented"], link=True)
            detail["document"] = self._print(
                case, "notice", text, required=bool(case.matter and case.matter.written_notice)
            )
            return {"status": "awaiting_documents"}, detail

        return self._act("notify", no, by, expect, {}, apply, prepare=prepare)

    def accept(
        self,
        no: str,
        by: str,
        *,
        materials: Iterable[Sequence[Any]] = (),
        days: int | None = None,
        applies: Iterable[str] = (),
        expect: int | None = None,
    ) -> Case:
        mats = [(clean(name, "item"), kind) for name, kind in rules.material_pairs(materials)]
        params = {"materials": mats, "days": days, "applies": clean_list(applies, "applies")}

        def apply(case: CaseState, ctx: Context, now: datetime) -> tuple[Changes, Detail]:
            limit, immediate = rules.accept_limit(case, days, ctx.policy)
            due = rules.due_date(now.date(), limit, ctx.calendar)
            provisional = not ctx.calendar.is_confirmed(due.year)
            slip = self._slip(case, ctx, now, link=True)
            text = printing.receipt(
                slip,
                mats,
                now,
                due,
                provisional=provisional,
                pickup=ctx.policy.pickup or printing.default_pickup(slip.centre, slip.window),
                shown=originals_only(case.matter),
                collect=case.matter is not None,
            )
            detail = {
                "materials": [list(m) for m in mats],
                "limit_days": limit,
                "immediate": immediate,
                "due": due.isoformat(),
                "due_provisional": provisional,
                "handler": case.owner,
                "applies": params["applies"],
                "document": self._print(case, "receipt", text, required=True),
            }
            return (
                {
                    "status": "in_progress",
                    "due": due.isoformat(),
                    "due_provisional": int(provisional),
                    "limit_days": limit,
                    "extended_days": 0,
                    "accepted_at": iso(now),
                },
                detail,
            )

        return self._act("accept", no, by, expect, params, apply)

    def reject(self, no: str, by: str, reason: str, *, expect: int | None = None) -> Case:
        params = {"reason": clean(reason, "text", multiline=True)}

        def apply(case: CaseState, ctx: Context, now: datetime) -> tuple[Changes, Detail]:
            written = bool(case.matter and case.matter.written_notice)
            text = printing.rejection(
                self._slip(case, ctx, now, link=True),
                params["reason"],
                licensing=written,
                body=ctx.policy.reconsideration_body,
            )
            detail = {"reason": params["reason"], "document": self._print(case, "rejection", text, required=written)}
            return (
                {"status": "resolved", "outcome": "rejected", "result": params["reason"], "resolved_at": iso(now)},
                detail,
            )

        return self._act("reject", no, by, expect, params, apply)

    def refer(self, no: str, by: str, *, agency: str, contact: str, bring: str = "", expect: int | None = None) -> Case:
        """Refer out (转介): the agency, how to reach it, and what the visitor should bring there."""
        params = {
            "agency": clean(agency, "agency"),
            "contact": clean(contact, "contact"),
            "bring": clean(bring, "text", multiline=True, limit=LIMITS["item"] * 2),
        }

        def apply(case: CaseState, ctx: Context, now: datetime) -> tuple[Changes, Detail]:
            text = printing.referral(
                self._slip(case, ctx, now, link=True), params["agency"], params["contact"], params["bring"]
            )
            detail = {
                "agency": params["agency"],
                "contact": params["contact"],
                "document": self._print(case, "referral", text, required=False),
            }
            if params["bring"]:
                detail["bring"] = params["bring"]
            return (
                {
                    "status": "resolved",
                    "outcome": "referred",
                    "result": f"{params['agency']} {params['contact']}",
                    "resolved_at": iso(now),
                },
                detail,
            )

        return self._act("refer", no, by, expect, params, apply)

    def hand_off(self, no: str, by: str, to: str, note: str, *, expect: int | None = None) -> Case:
        params = {"to": clean(to, "code"), "note": clean(note, "text", multiline=True)}

        def apply(case: CaseState, ctx: Context, now: datetime) -> tuple[Changes, Detail]:
            route = rules.handoff_route(case, params["to"], ctx)
            detail = {
                "to": params["to"],
                "note": params["note"],
                "pending_to": route,
                "via_backup": route != params["to"],
                "owner": case.owner,
            }
            return (
                {"status": "handoff_pending", "return_status": case.status, "pending_to": route, "pending_from": by},
                detail,
            )

        return self._act("hand_off", no, by, expect, params, apply)

    def accept_handoff(self, no: str, by: str, *, expect: int | None = None) -> Case:
        def apply(case: CaseState, ctx: Context, now: datetime) -> tuple[Changes, Detail]:
            back = case.return_status or "open"
            detail = {
                "from": case.pending_from,
                "addressed_to": case.pending_to,
                "previous_owner": case.owner,
                "owner": by,
            }
            return (
                {"status": back, "owner": by, "pending_to": None, "pending_from": None, "return_status": None},
                detail,
            )

        return self._act("accept_handoff", no, by, expect, {}, apply)

    def decline_handoff(self, no: str, by: str, reason: str, *, expect: int | None = None) -> Case:
        params = {"reason": clean(reason, "text", multiline=True)}

        def apply(case: CaseState, ctx: Context, now: datetime) -> tuple[Changes, Detail]:
            back = case.return_status or "open"
            detail = {"reason": params["reason"], "back_to": case.pending_from, "owner": case.owner}
            return ({"status": back, "pending_to": None, "pending_from": None, "return_status": None}, detail)

        return self._act("decline_handoff", no, by, expect, params, apply)

    def feedback(self, no: str, by: str, text: str, *, expect: int | None = None) -> Case:
        params = {"text": clean(text, "text", multiline=True)}
        return self._act("feedback", no, by, expect, params, lambda case, ctx, now: ({}, {"text": params["text"]}))

    def extend(self, no: str, by: str, days: int, reason: str, *, expect: int | None = None) -> Case:
        params = {"days": days, "reason": clean(reason, "text", multiline=True)}

        def apply(case: CaseState, ctx: Context, now: datetime) -> tuple[Changes, Detail]:
            assert case.due is not None
            due = ctx.calendar.add_working_days(case.due, days)
            provisional = not ctx.calendar.is_confirmed(due.year)
            detail = {
                "days": days,
                "reason": params["reason"],
                "due": [case.due.isoformat(), due.isoformat()],
                "due_provisional": provisional,
                "visitor_told": True,
            }
            return (
                {
                    "due": due.isoformat(),
                    "due_provisional": int(provisional),
                    "extended_days": case.extended_days + days,
                },
                detail,
            )

        return self._act("extend", no, by, expect, params, apply)

    def resolve(self, no: str, by: str, result: str, *, expect: int | None = None) -> Case:
        params = {"result": clean(result, "text", multiline=True)}

        def apply(case: CaseState, ctx: Context, now: datetime) -> tuple[Changes, Detail]:
            on_time = case.due is None or now.date() <= case.due
            return (
                {"status": "resolved", "outcome": "resolved", "result": params["result"], "resolved_at": iso(now)},
                {"result": params["result"], "on_time": on_time},
            )

        return self._act("resolve", no, by, expect, params, apply)

    def rate(self, no: str, by: str, level: int, comment: str = "", *, expect: int | None = None) -> Case:
        """The callback's five-level rating (好差评): resolved -> closed."""
        said = clean(comment, "text", multiline=True)
        params = {"level": level, "comment": said}

        def apply(case: CaseState, ctx: Context, now: datetime) -> tuple[Changes, Detail]:
            bad = level in rules.BAD_RATINGS
            rating = self._callback_rating(case.no, case.owner, level, said, now)
            detail = {
                "level": level,
                "comment": params["comment"],
                "bad": bad,
                "owner": case.owner,
                "rating": rating,
                "channel": "callback",
            }
            return (
                {
                    "status": "closed",
                    "rating": level,
                    "rated_at": iso(now),
                    "closed_at": iso(now),
                    "remedied_at": None,
                },
                detail,
            )

        return self._act("rate", no, by, expect, params, apply)

    def remedy(self, no: str, by: str, text: str, *, expect: int | None = None) -> Case:
        """The callback and rectification after a bad rating (整改回访, RATE-2)."""
        params = {"text": clean(text, "text", multiline=True)}
        return self._act(
            "remedy",
            no,
            by,
            expect,
            params,
            lambda case, ctx, now: (
                {"remedied_at": iso(now)},
                {"text": params["text"], "ratings": self._remedy_ratings(case.no, now)},
            ),
        )

    def reopen(self, no: str, by: str, reason: str, *, expect: int | None = None) -> Case:
        """Supervisors: a resolved or closed case is worked again (重新办理)."""
        params = {"reason": clean(reason, "text", multiline=True)}

        def apply(case: CaseState, ctx: Context, now: datetime) -> tuple[Changes, Detail]:
            return (
                {
                    "status": "open",
                    "outcome": None,
                    "result": None,
                    "resolved_at": None,
                    "closed_at": None,
                    "due": None,
                    "due_provisional": 0,
                },
                {"reason": params["reason"]},
            )

        return self._act("reopen", no, by, expect, params, apply)

    def close_case(self, no: str, by: str, *, expect: int | None = None) -> Case:
        """Close without a callback: anonymous cases, or a supervisor after the callback window."""
        return self._act(
            "close_case",
            no,
            by,
            expect,
            {},
            lambda case, ctx, now: ({"status": "closed", "closed_at": iso(now)}, {"rated": False}),
        )

    # --- the action machinery ----------------------------------------------------------------------------------

    def _act(
        self,
        action: str,
        no: str,
        by: str,
        expect: int | None,
        params: Mapping[str, Any],
        apply: Callable[[CaseState, Context, datetime], tuple[Changes, Detail]],
        prepare: Callable[[CaseState], Mapping[str, Any]] | None = None,
    ) -> Case:
        now = self.now()
        self._new_links.clear()
        with self.store.write() as s:
            read = s.action_reads(str(no), sorted(rules.BAD_RATINGS))
            row = read.row
            if row is None:
                raise RuleError("INPUT", "input.unknown_case", no=str(no))
            if expect is not None and (not isinstance(expect, int) or isinstance(expect, bool)):
                raise RuleError("INPUT", "input.version", field="expect")
            if expect is not None and row["version"] != expect:
                self._check_version(row, expect)
            case = self._state(row, read)
            all_params = {**params, **(prepare(case) if prepare else {})}
            ctx = self._context(by, all_params, {r["code"]: staff_of_row(r) for r in read.staff})
            verdict = rules.check(action, case, ctx, now)
            verdict.raise_first_block()
            changes, detail = apply(case, ctx, now)
            seq = self._record(row, action, by, now, changes, detail, verdict)
            self._link_services(seq, action)
            if row["channel"] == "visit":  # a caller on the phone, a letter, a message: nobody stands at the pad
                self._ask_pad(row["no"], seq, action, by, now)
            # Read inside the transaction: the case as this action left it, never with another window's later
            # change (whose version a screen would then pass as `expect=` without a CONFLICT).
            done = self.case(no)
        return done
