"""PESEL facts beyond the checksum (which django-localflavor checks)."""

from __future__ import annotations

from datetime import date

from localflavor.pl.forms import PLPESELField


def birth_date_from_pesel(pesel: str) -> date | None:
    """The birth date encoded in a PESEL, or None when the PESEL is malformed."""
    field = PLPESELField()
    if len(pesel) != 11 or not pesel.isdigit() or not field.has_valid_checksum(pesel):
        return None
    if not field.has_valid_birth_date(pesel):
        return None
    return field.birth_date  # type: ignore[no-any-return]


def sex_from_pesel(pesel: str) -> str:
    """ "F" or "M": the 10th digit is even for women and odd for men."""
    return "F" if int(pesel[9]) % 2 == 0 else "M"
