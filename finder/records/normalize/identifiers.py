"""Identifiers: the National Provider Identifier."""

from __future__ import annotations

import re
from typing import Any

from finder.records.normalize.text import clean_text


def npi(raw: Any) -> str | None:
    """A 10-digit NPI whose Luhn check digit (with the 80840 prefix) is right, else ``None``."""
    if isinstance(raw, int):
        raw = str(raw)
    text = clean_text(raw)
    if text is None:
        return None
    digits = re.sub(r"\D", "", text)
    if len(digits) != 10 or not npi_checksum_ok(digits):
        return None
    return digits


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
    if isinstance(raw, int):
        raw = str(raw)
    text = clean_text(raw)
    if text is None:
        return None
    digits = re.sub(r"\D", "", text)
    if len(digits) == 10 and not npi_checksum_ok(digits):
        return digits
    return None
