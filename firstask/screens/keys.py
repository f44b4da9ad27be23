"""Key bindings in the desk's language.

Textual reads a binding's description once, when it loads the class, so bindings name catalogue keys
(`app.key.…`, `dialog.key.…`) and each screen translates its own copy when it is made.
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding
from textual.dom import DOMNode

from firstask.i18n import t

CATALOGUE_PREFIXES = ("app.key.", "dialog.key.", "follow.key.")


def localise(node: DOMNode, confirm: str | None = None) -> None:
    """Translate the node's bindings; the shared confirm binding (id "confirm") takes the words `confirm`."""
    bindings = node._bindings.key_to_bindings
    for key, listed in bindings.items():
        bindings[key] = [_localised(binding, confirm) for binding in listed]


def _localised(binding: Binding, confirm: str | None) -> Binding:
    if binding.id == "confirm" and confirm:
        return replace(binding, description=t(confirm), tooltip=t(f"{confirm}_tip"))
    if not binding.description.startswith(CATALOGUE_PREFIXES):
        return binding
    return replace(binding, description=t(binding.description), tooltip=t(binding.tooltip) if binding.tooltip else "")
