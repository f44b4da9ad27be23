"""Masking personal data for anyone who may not see it whole (SPEC §10): 138****5678, 110105********1234.

Phones and ID numbers are shown whole only to a case's owner, its first-asker and supervisors (`sees_whole`); to
anyone else they are masked, in the case's own fields (`mask_phone`, `mask_id_number`) and wherever they were typed
into the case's free text — a summary, a note, a result, a reason (`mask_text`).
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from firstask.rules import Staff

# An 18-character ID number standing alone (not the middle of a longer run of digits or letters): its check digit
# is asked before it is masked, so that an order number or an amount of 18 digits stays as it is.
_ID_NUMBER = re.compile(
    r"(?<![0-9\uff10-\uff19])[0-9\uff10-\uff19]{17}[0-9Xx\uff10-\uff19\uff38\uff58]"
    r"(?![0-9\uff10-\uff19])"
)
# The shortest phone number PhoneNumberMatcher finds has seven digits; text with fewer is not searched.
_DIGIT = re.compile(r"[0-9\uff10-\uff19]")
PHONE_DIGITS_AT_LEAST = 7
_LETTERS = re.compile(r"[A-Za-z]")


def sees_whole(viewer: Staff | None, owner: str | None, first_asker: str | None) -> bool:
    """Whether `viewer` may see a case's phone, ID number and the numbers in its text whole: its owner, its
    first-asker and supervisors may (SPEC §10); nobody else, and nobody when no one is logged in."""
    if viewer is None:
        return False
    return viewer.is_supervisor or viewer.code in (owner, first_asker)


def mask_phone(phone: str | None) -> str | None:
    """Keep what identifies the line to a colleague (prefix or area code, last four digits), hide the rest."""
    if not phone:
        return phone
    area, sep, local = phone.partition("-")
    if sep:
        return f"{area}-{'*' * max(0, len(local) - 4)}{local[-4:]}"
    keep = 4 if phone.startswith("+") else 3
    if len(phone) <= keep + 4:
        return "*" * len(phone)
    return phone[:keep] + "*" * (len(phone) - keep - 4) + phone[-4:]


def mask_id_number(number: str | None) -> str | None:
    """The region code and the last four characters of an 18-character ID number; the birth date is hidden."""
    if not number:
        return number
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_text(text: str | None) -> str | None:
    """Free text with the phone numbers and ID numbers typed into it masked as the case's own fields are: each
    phone (found by phonenumbers' PhoneNumberMatcher for China, however it was written: `138 1234 5678`,
    `(0571)87654321`, full-width digits) becomes its stored form masked (`138****5678`, `0571-****4321`); each
    18-character ID number whose check digit (ISO 7064 MOD 11-2) is right becomes `110105********002X`. All the
    rest of the text is kept as typed. A bare local landline number (`87654321`) is not told from other numbers
    and stays as it is."""
    if not text:
        return text
    text = _ID_NUMBER.sub(_masked_id_number, text)
    if len(_DIGIT.findall(text)) < PHONE_DIGITS_AT_LEAST:
        return text
    import phonenumbers  # imported here: its metadata is slow to load and most text holds no number

    from firstask.rules import normalise_phone

    out: list[str] = []
    end = 0
    # The matcher takes no number that touches a Latin letter (`tel13812345678`); it searches a copy with the letters
    # made spaces, which keeps every position.
    for match in phonenumbers.PhoneNumberMatcher(_LETTERS.sub(" ", text), "CN"):
        stored = normalise_phone(unicodedata.normalize("NFKC", match.raw_string))
        out += [text[end : match.start], mask_phone(stored) or "*" * len(match.raw_string)]
        end = match.end
    return "".join(out) + text[end:] if out else text


def _masked_id_number(found: re.Match[str]) -> str:
    raw = found.group()
    if not _id_check_digit_right(unicodedata.normalize("NFKC", raw).upper()):
        return raw
    return mask_id_number(raw) or raw


def _id_check_digit_right(number: str) -> bool:
    from stdnum.cn import ric  # imported here: only text holding 18 digits asks it

    return number[-1] == ric.calc_check_digit(number)
