"""Places: US states and ZIP codes."""

from __future__ import annotations

import re
from typing import Any

from finder.records.normalize.text import clean_text
from finder.records.reference import mapping

#: Two-letter US state and territory codes -> their names (data/reference/us_states.csv).
_STATE_TABLE = mapping("us_states.csv", "code", "name")
STATES: frozenset[str] = frozenset(_STATE_TABLE)
STATE_NAMES: dict[str, str] = {name.upper(): code for code, name in _STATE_TABLE.items()}


_ZIP = re.compile(r"\b(\d{5})(?:-?\d{4})?\b")


def zip_code(raw: Any) -> str | None:
    """``"02139-1234"``, ``"021391234"``, ``2139`` (a number that lost its zero) -> ``"02139"``."""
    if isinstance(raw, int):
        raw = f"{raw:05d}" if raw < 100000 else str(raw)
    text = clean_text(raw)
    if text is None:
        return None
    if re.fullmatch(r"\d{9}", text):
        return text[:5]
    if re.fullmatch(r"\d{4}", text):
        return "0" + text
    m = _ZIP.search(text)
    return m.group(1) if m else None


def state(raw: Any) -> str | None:
    text = clean_text(raw)
    if text is None:
        return None
    up = text.upper().strip(". ")
    if up in STATES:
        return up
    return STATE_NAMES.get(up)
