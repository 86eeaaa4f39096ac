"""Identifiers: the National Provider Identifier."""

from __future__ import annotations

from typing import Any

from finder.patterns import later
from finder.records.normalize.text import clean_text


def _ten_digits(raw: Any) -> str | None:
    """The digits of a value given as an NPI, when there are exactly ten of them."""
    if type(raw) is str and len(raw) == 10 and raw.isascii() and raw.isdigit():
        return raw  # as NPPES writes it (and as clean_text would leave it)
    text = clean_text(str(raw) if isinstance(raw, int) else raw)
    if text is not None and len(text) == 10 and text.isascii() and text.isdigit():
        return text  # as NPPES writes it
    digits = _NOT_DIGIT.sub("", text) if text is not None else ""
    return digits if len(digits) == 10 else None


_NOT_DIGIT = later(r"\D")
#: A check digit's contribution when it is doubled (Luhn).
_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


def npi(raw: Any) -> str | None:
    """A 10-digit NPI whose Luhn check digit (with the 80840 prefix) is right, else ``None``."""
    if type(raw) is str and raw == _LAST[0]:
        return _LAST[1]  # the NPI just checked (a record's importer, then its fields)
    digits = _ten_digits(raw)
    found = digits if digits is not None and npi_checksum_ok(digits) else None
    if type(raw) is str:
        _LAST[:] = raw, found
    return found


_LAST: list[Any] = ["", None]  # the last text checked as an NPI, and its answer


_DOUBLED_DIGIT = {str(d): doubled for d, doubled in enumerate(_DOUBLED)}


def npi_checksum_ok(digits: str) -> bool:
    body = digits[-2::-1]  # right to left, the check digit left out
    if digits.isascii():
        doubled = sum(map(_DOUBLED_DIGIT.__getitem__, body[::2]))
    else:
        doubled = sum(_DOUBLED[int(ch)] for ch in body[::2])
    # 24: the constant contribution of the 80840 prefix.
    total = 24 + doubled + sum(map(int, body[1::2]))
    return (10 - total % 10) % 10 == int(digits[-1])


def unverified_npi(raw: Any) -> str | None:
    """Ten digits given as an NPI whose check digit is wrong: kept, marked, never used to link."""
    digits = _ten_digits(raw)
    return digits if digits is not None and not npi_checksum_ok(digits) else None
