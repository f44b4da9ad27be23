"""Referring out (转介): the agency the matter belongs to and how the visitor reaches it (REF-1). The case is
resolved as referred and the referral slip (转介告知单) is printed.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input

from firstask.desk import LIMITS, Case
from firstask.i18n import t
from firstask.screens.dialog import ActionDialog, label, reason_line


class ReferDialog(ActionDialog):
    CSS_PATH = ["dialog.tcss", "refer.tcss"]
    AUTO_FOCUS = "#agency"
    TITLE = "dialog.refer.title"
    CONFIRM = "dialog.key.refer"
    FIELDS: ClassVar[dict[str, str]] = {"agency": "agency", "contact": "contact", "bring": "bring"}

    def compose_body(self) -> ComposeResult:
        yield label("dialog.refer.agency")
        yield Input(placeholder=t("dialog.refer.agency_placeholder"), max_length=LIMITS["agency"], id="agency")
        yield reason_line("agency")
        yield label("dialog.refer.contact")
        yield Input(placeholder=t("dialog.refer.contact_placeholder"), max_length=LIMITS["contact"], id="contact")
        yield reason_line("contact")
        yield label("dialog.refer.bring")
        yield Input(placeholder=t("dialog.refer.bring_placeholder"), max_length=LIMITS["item"] * 2, id="bring")
        yield reason_line("bring")
        yield label("dialog.refer.note").add_class("note")

    @on(Input.Submitted, "#agency")
    def agency_given(self) -> None:
        self.query_one("#contact", Input).focus()

    @on(Input.Submitted, "#contact")
    def contact_given(self) -> None:
        self.query_one("#bring", Input).focus()

    @on(Input.Submitted, "#bring")
    def bring_given(self) -> None:
        self.action_confirm()

    def act(self, expect: int) -> Case:
        return self.desk.refer(
            self.case.no,
            self.clerk.code,
            agency=self.query_one("#agency", Input).value,
            contact=self.query_one("#contact", Input).value,
            bring=self.query_one("#bring", Input).value,
            expect=expect,
        )
