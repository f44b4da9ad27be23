"""Key bindings in the desk's language.

Textual reads a binding's description once, when it loads the class, so bindings name catalogue keys (`app.key.…`,
`dialog.key.…`, `follow.key.…`, `summary.key.…`, `setup.key.…`) and each screen (or widget) translates its own copy
when it is made: `localise(node)`.
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding
from textual.dom import DOMNode

from firstask.i18n import t
from firstask.widgets.textual_private import rebind

CATALOGUE_PREFIXES = (
    "app.key.",
    "dialog.key.",
    "follow.key.",
    "summary.key.",
    "setup.key.",
    "setup.windows.key.",
    "ranking.key.",
    "appeals.key.",
    "district.key.",
    "guide.",
)


def localise(node: DOMNode, confirm: str | None = None) -> None:
    """Translate the node's bindings; the confirming binding (id "confirm") takes the words of the catalogue key
    `confirm` (and its tooltip `…_tip`) when one is given. Translating again changes nothing."""
    rebind(node, lambda binding: _localised(binding, confirm))


def _localised(binding: Binding, confirm: str | None) -> Binding:
    if binding.id == "confirm" and confirm:
        return replace(binding, description=t(confirm), tooltip=t(f"{confirm}_tip"))
    if not binding.description.startswith(CATALOGUE_PREFIXES):
        return binding
    return replace(binding, description=t(binding.description), tooltip=t(binding.tooltip) if binding.tooltip else "")
