"""Masking personal data for anyone who may not see it whole (SPEC §10): 138****5678, 110105********1234."""

from __future__ import annotations


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
