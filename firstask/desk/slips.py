"""Printing: the slips each action hands the visitor (notice, receipt, rejection, referral), rendered from the
case and the policy's centre, saved beside the desk file and sent to the printer when one is set.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

from firstask import i18n, printing, rules
from firstask.desk.cases import Event, iso, matter_of_row
from firstask.desk.fields import clean, clean_list
from firstask.desk.lists import Lists
from firstask.rules import CaseState, Context, Matter, Policy, RuleError

PRINT_RULES = {"notice": "NOT-3", "receipt": "TIME-1", "rejection": "REJ-1", "referral": "REF-1"}

TOKEN_BYTES = 32  # a slip's rating link: 43 URL-safe characters, guessed by nobody in its days
SLIP_SUMMARY_CHARS = 40  # a case with no matter is named on its slips by its kind and its summary, cut to this


def originals_only(matter: Matter | None) -> frozenset[str]:
    """The documents the catalogue asks to see as originals only (an ID card): checked and handed back, so a
    receipt does not list them as kept."""
    if matter is None:
        return frozenset()
    return frozenset(d.name for d in matter.documents if (d.form or "").strip() == printing.ORIGINALS_ONLY)


def forms_place(matter: Matter | None, policy: Policy) -> str:
    """Where the visitor gets the forms: the matter's own place, else the centre's (policy)."""
    return (matter.forms_at if matter and matter.forms_at else "") or policy.forms_place


def what_about(kind: str, summary: str | None) -> str:
    """A case with no catalogue matter, as a slip names it: its kind and its summary (slips are Chinese)."""

    text = " ".join((summary or "").split())
    if len(text) > SLIP_SUMMARY_CHARS:
        text = text[: SLIP_SUMMARY_CHARS - 1] + "…"
    kind_name = i18n.t(f"kind.{kind}", "zh")
    return i18n.t("common.label_value", "zh", label=kind_name, value=text) if text else kind_name


def centre_of(policy: Policy) -> printing.Centre:
    return printing.Centre(
        name=policy.centre_name, address=policy.centre_address, phone=policy.centre_phone, hours=policy.centre_hours
    )


def digest(secret: str) -> str:
    """What the file keeps of a secret (a code, a token, a slip's link): its hash."""
    return hashlib.sha256(secret.encode()).hexdigest()


class Slips(Lists):
    """The documents of a case."""

    def _slip(self, case: CaseState, ctx: Context, now: datetime, *, link: bool = False) -> printing.Slip:
        """What a slip names; `link`: it is printed for the visitor, with a new QR link to rate the service."""
        row = self.store.slip_names(case.no)
        # The slip names whoever hands it over: the clerk acting at this window (the owner's backup, say).
        return printing.Slip(
            case_no=case.no,
            visitor=row.get("name") or "",
            matter=case.matter.name if case.matter else what_about(case.kind, row.get("summary")),
            clerk=ctx.actor.name,
            window=self.window,
            day=now.date(),
            centre=centre_of(ctx.policy),
            rating_url=self._rating_link(case.no, ctx.actor.code, now) if link else "",
        )

    def _notice_text(
        self,
        case: CaseState,
        ctx: Context,
        now: datetime,
        items: Sequence[str],
        presented: Sequence[str],
        *,
        link: bool = False,
    ) -> str:
        forms = {d.name: d.form for d in case.matter.documents} if case.matter else {}
        first = self.store.first_event_at(case.no, "notify")
        return printing.notice(
            self._slip(case, ctx, now, link=link),
            [(i, forms.get(i)) for i in items],
            forms=forms_place(case.matter, ctx.policy),
            presented=presented,
            earlier=datetime.fromisoformat(first).date() if first else None,
        )

    def preview_notice(
        self, no: str, by: str, *, presented: Iterable[str] = (), extra: Iterable[str] = (), applies: Iterable[str] = ()
    ) -> tuple[list[str], str]:
        """What a notice given now would ask for, and its text as it would print (the notice dialog's preview)."""
        case = self._state_of(no)
        shown = clean_list(presented, "presented")
        missing = rules.required_missing(case.matter, shown, clean_list(applies, "applies"))
        items = missing + [e for e in clean_list(extra, "extra") if e not in missing]
        return items, self._notice_text(case, self._context(by, {}), self.now(), items, shown)

    def _print(self, case: CaseState, kind: str, text: str, *, required: bool) -> str | None:
        """Save a printable document; where the rules require one (NOT-3, TIME-1, REJ-1), failing to is refusing."""
        try:
            # Named by case and the version this action makes, so a re-print finds it and nothing is overwritten.
            # The text inside the action (a required document that cannot be written refuses the action); its PDF
            # is rendered when first asked for (documents(), printing): reportlab is most of an accept's time.
            path = printing.save(self.documents_dir, case.no, f"{case.version + 1:02d}-{kind}", text, with_pdf=False)
        except OSError as e:
            if required:
                from firstask import i18n

                raise RuleError(
                    PRINT_RULES[kind],
                    "print.failed",
                    document=i18n.Lazy(f"document.{kind}"),
                    reason=e.strerror or str(e),
                ) from e
            return None
        return path.name

    def _case_guide(self, no: str) -> rules.Guide:
        """The guide a case was checked in with (its matter's, as it was then)."""
        row = self.store.case_row(no)
        matter = self._kept_matter(self.store, row["matter"]) if row else None
        return matter.guide if matter else rules.Guide()

    def _guide_text(self, matter: Matter, guide: rules.Guide) -> printing.GuideText:
        return printing.GuideText(
            dept=matter.dept or "",
            limit=printing.guide_limit(matter.kind, matter.limit_days),
            conditions=guide.conditions,
            documents=[(d.name, d.form, d.when) for d in matter.documents],
            procedure=guide.procedure,
            fees=guide.fees,
            place=guide.place,
            hours=guide.hours,
            phone=guide.phone,
            online=guide.online,
        )

    def guide_slip(self, code: str, by: str) -> Path:
        """The 办事指南 of a catalogue matter as it stands, printed without a visitor (a phone enquiry, the rack of
        guides): saved beside the case documents, its PDF returned. It names no visitor, so nothing is recorded."""
        clerk = self._context(by, {}).actor
        row = self.store.matter_row(clean(code, "code"))
        if row is None:
            raise RuleError("INPUT", "input.unknown_matter", field="matter", code=str(code))
        matter = matter_of_row(row)
        if matter.guide.empty:
            raise RuleError("INPUT", "guide.none", matter=matter.name)
        now = self.now()
        # No case, no visitor: the slip names the matter, the clerk, the window and the day.
        slip = printing.Slip("", "", matter.name, clerk.name, self.window, now.date(), centre_of(self.policy))
        text = printing.guide(self._guide_text(matter, matter.guide), slip)
        return printing.pdf_of(printing.save(self.documents_dir, f"guide-{matter.code}", f"{now:%Y%m%d-%H%M%S}", text))

    def documents(self, no: str) -> list[tuple[Event, Path]]:
        """The documents printed for a case, oldest first: each with the event that produced it (its PDF)."""
        return [(e, self.document_pdf(e.detail["document"])) for e in self.case(no).history if e.detail.get("document")]

    def document_pdf(self, name: str) -> Path:
        """A saved document's PDF (rendered now if it has not been yet)."""
        return printing.pdf_of(self.documents_dir / Path(name).name)

    def print_document(self, path: Path) -> bool:
        """Send a saved document to the policy's printer; False when no printer is configured (it stays saved)."""
        printer = self.policy.printer
        if not printer:
            return False
        try:
            path = printing.pdf_of(path)
            printing.send_to_printer(path, printer)
        except OSError as e:
            raise RuleError("PRINT", "print.lp_failed", printer=printer, reason=str(e)) from e
        return True

    # --- the slips' rating links (RATE-5) --------------------------------------------------------------------------

    def hall_url(self) -> str:
        """Where visitors' phones reach the hall (the slips' QR): the policy's, else the one `serve` last used (kept
        while the settings stand, as the policy is: `serve` writes it once as it starts)."""
        if self.policy.hall_url:
            return self.policy.hall_url.rstrip("/")
        mark = self.store.settings_mark()
        if self._hall_kept is None or self._hall_kept[0] != mark:
            self._hall_kept = (mark, (self.store.meta("hall_url") or "").rstrip("/"))
        return self._hall_kept[1]

    def _rating_link(self, no: str, by: str, now: datetime) -> str:
        """A new single-use link for rating the service a slip is printed for (its service is filled in when the
        action's event is written: see `_link_services`). "" where the hall's address is not known."""
        base = self.hall_url()
        if not base:
            return ""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        link_id = self.store.insert(
            "ratings",
            {
                "case_no": no,
                "channel": "qr",
                "window": self.window,
                "staff": by,
                "token_hash": digest(token),
                "asked_at": iso(now),
                "expires_at": iso(now + timedelta(days=self.policy.rating_link_days)),
            },
        )
        self._new_links.append(link_id)
        return f"{base}/rate/{token}"

    def _link_services(self, seq: int, action: str) -> None:
        for link_id in self._new_links:
            self.store.update("ratings", "id", link_id, {"service_seq": seq, "service": action})
        self._new_links.clear()
