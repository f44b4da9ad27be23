"""The actions a clerk takes on one case, wherever the case is shown (the window, the follow-up lists): the dialog
each opens, the desk method behind it, and the hidden second binding of each key that says, in one line, why the
key cannot act now instead of opening a dialog that would refuse at the end.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import import_module
from typing import TYPE_CHECKING

from textual.binding import Binding

from firstask.desk import Case, Desk
from firstask.rules import Staff

if TYPE_CHECKING:  # the dialogs are imported when first opened: the window's start-up never pays for them
    from firstask.screens.dialog import ActionDialog

# The dialogs by module and class, imported when first opened: a screen that lists cases never pays for them.
DIALOGS: dict[str, tuple[str, str]] = {
    "answer": ("answer", "AnswerDialog"),
    "notice": ("notice", "NoticeDialog"),
    "accept": ("accept", "AcceptDialog"),
    "refer": ("refer", "ReferDialog"),
    "reject": ("reject", "RejectDialog"),
    "hand_off": ("hand_off", "HandOffDialog"),
    "decline": ("follow_actions", "DeclineDialog"),
    "feedback": ("follow_actions", "FeedbackDialog"),
    "extend": ("follow_actions", "ExtendDialog"),
    "resolve": ("follow_actions", "ResolveDialog"),
    "rate": ("follow_actions", "RateDialog"),
    "remedy": ("follow_actions", "RemedyDialog"),
    "reopen": ("follow_actions", "ReopenDialog"),
}
# Each key's action by the name of the Desk method that takes it (what the rules are asked about).
DESK_ACTION: dict[str, str] = {
    "answer": "answer",
    "notice": "notify",
    "accept": "accept",
    "refer": "refer",
    "reject": "reject",
    "hand_off": "hand_off",
    "take_handoff": "accept_handoff",
    "decline": "decline_handoff",
    "feedback": "feedback",
    "extend": "extend",
    "resolve": "resolve",
    "rate": "rate",
    "remedy": "remedy",
    "reopen": "reopen",
}


def dialog(name: str, desk: Desk, clerk: Staff, case: Case) -> ActionDialog:
    module, class_name = DIALOGS[name]
    made: ActionDialog = getattr(import_module(f"firstask.screens.{module}"), class_name)(desk, clerk, case)
    return made


def why_bindings(bindings: Iterable[Binding], action: str = "why") -> list[Binding]:
    """For each case action's binding, a hidden binding of the same key that runs `action(name)`: Textual tries
    it when the first one may not run now (its check_action is not True), so the key says why instead of nothing.
    """
    return [Binding(b.key, f"{action}('{b.id}')", show=False) for b in bindings if b.id in DESK_ACTION]
