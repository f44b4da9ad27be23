"""How the screens name what the desk holds, in the desk's language: a colleague by name (`staff_name`) or by name and
code (`who`, through `i18n.name_and_code`), and a day of the week (`weekday`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from firstask import i18n
from firstask.i18n import t
from firstask.rules import Staff

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # catalogue keys app.weekday.*


def weekday(day: date) -> str:
    """The day's name in the week ("星期一", "Mon")."""
    return t(f"app.weekday.{WEEKDAYS[day.weekday()]}")


def staff_name(code: str | None, staff: Mapping[str, Staff]) -> str:
    """A colleague by name (their code when the roster does not know it)."""
    person = staff.get(code or "")
    return person.name if person else (code or t("follow.none"))


def who(code: str | None, staff: Mapping[str, Staff]) -> str:
    """A staff member as a supervisor reads them: name and code (the code alone when the roster does not know it)."""
    if not code:
        return t("setup.none")
    person = staff.get(code)
    return i18n.name_and_code(person.name if person else None, code)
