"""Identifiers: the National Provider Identifier."""

from __future__ import annotations

import re
from typing import Any

from finder.records.normalize.text import clean_text


def _ten_digits(raw: Any) -> str | None:
    """The digits of a value given as an NPI, when there are exactly ten of them."""
    text = clean_text(str(raw) if isinstance(raw, int) else raw)
    digits = re.sub(r"\D", "", text) if text is not None else ""
    return digits if len(digits) == 10 else None


def npi(raw: Any) -> str | None:
    """A 10-digit NPI whose Luhn check digit (with the 80840 prefix) is right, else ``None``."""
    digits = _ten_digits(raw)
    return digits if digits is not None and npi_checksum_ok(digits) else None


def npi_checksum_ok(digits: str) -> bool:
    total = 24  # the constant contribution of the 80840 prefix
    for i, ch in enumerate(reversed(digits[:-1])):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10 == int(digits[-1])


def unverified_npi(raw: Any) -> str | None:
    """Ten digits given as an NPI whose check digit is wrong: kept, marked, never used to link."""
    digits = _ten_digits(raw)
    return digits if digits is not None and not npi_checksum_ok(digits) else None
