"""Text cells: clean strings, yes/no, lists, plain numbers, capitals."""

from __future__ import annotations

import ast
import re
import unicodedata
from functools import lru_cache
from typing import Any

_WS = re.compile(r"\s+")

_PLACEHOLDERS = frozenset({"N/A", "NA", "NONE", "NULL", "NAN", "-", "[]", "{}"})


def clean_text(value: Any) -> str | None:
    """NFKC, collapse whitespace, strip; ``None`` for empty and placeholder values."""
    if value is None:
        return None
    if not isinstance(value, str):
        value = str(value)
    if len(value) < 200:
        # Cities, states, plan names and list items repeat across thousands of rows.
        return _clean_short(value)
    return _clean(value)


@lru_cache(maxsize=16384)
def _clean_short(value: str) -> str | None:
    return _clean(value)


def _clean(value: str) -> str | None:
    if not value.isascii():
        value = unicodedata.normalize("NFKC", value)
    # str.split() collapses every Unicode space and is much faster than a regex here:
    # this function runs a couple of dozen times per imported row. Most ASCII text is
    # clean already (printable ASCII has no whitespace but " "): then it is kept as is.
    if (
        value.isascii()
        and value.isprintable()
        and "  " not in value
        and value[:1] != " "
        and value[-1:] != " "
    ):
        text = value
    else:
        text = " ".join(value.split())
    if not text or (len(text) <= 4 and text.upper() in _PLACEHOLDERS):
        return None
    return text


#: Memo tables stop growing here (they are cleared and start again).
MEMO_LIMIT = 1 << 16


def proper(value: str | None) -> str | None:
    """Names and cities a registry wrote in capitals, as people write them ("McDonald")."""
    if value is None or not value.isupper():
        return value
    return re.sub(r"\bMc([a-z])", lambda m: "Mc" + m.group(1).upper(), value.title())


_TRUE = {"yes", "y", "true", "t", "1", "x", "✓", "✔", "accepting", "available", "on"}
_FALSE = {"no", "n", "false", "f", "0", "not accepting", "unavailable", "off", "none"}


def yes_no(raw: Any) -> bool | None:
    """A yes/no cell -> True, False or ``None`` (unknown). Never guesses from other words."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float):
        return bool(raw) if raw in (0, 1) else None
    text = clean_text(raw)
    if text is None:
        return None
    low = text.lower().strip(" .!")
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    if re.match(r"^(yes|accepting new|currently accepting|offers? )", low):
        return True
    if re.match(r"^(no\b|not\b|currently not)", low):
        return False
    return None


_WAITLIST = re.compile(r"\bwait ?-?list(?:ed)?\b|\bwaiting list\b", re.I)


def is_waitlist(raw: Any) -> bool:
    """A short availability text that names a waitlist ("Waitlist for new clients").

    A waitlist is neither "accepting" nor "not accepting": it is its own answer.
    """
    text = clean_text(raw) if isinstance(raw, str) else None
    return bool(text and len(text) < 200 and _WAITLIST.search(text))


def split_list(raw: Any, separators: str = ";|\n,") -> list[str]:
    """A list cell -> list of clean strings.

    Handles real lists, JSON-ish and Python list literals (``"['CBT', 'Interpersonal']"``)
    and semicolon / pipe / newline / comma separated text (the first of these present wins,
    so a semicolon list keeps its commas). Duplicates are dropped, order kept.
    """
    if raw is None:
        return []
    if isinstance(raw, str):
        if len(raw) < 2000:
            return list(_split_text(raw, separators))
        return list(_split_text.__wrapped__(raw, separators))
    if isinstance(raw, list | tuple | set):
        return _clean_items(list(raw), separators)
    return list(_split_text(str(raw), separators))


@lru_cache(maxsize=8192)
def _split_text(raw: str, separators: str) -> tuple[str, ...]:
    text = clean_text(raw)
    if text is None:
        return ()
    items: list[Any] = []
    if text[0] in "[(" and text[-1] in "])":
        try:
            literal = ast.literal_eval(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError):
            literal = None
        if isinstance(literal, list | tuple):
            items = list(literal)
    if not items:
        for sep in separators:
            if sep in text:
                items = text.split(sep)
                break
        else:
            # Text a scraper took from a page's list: items apart by runs of spaces or tabs.
            items = _WIDE_GAP.split(raw.strip()) if _WIDE_GAP.search(raw.strip()) else [text]
    return tuple(_clean_items(items, separators))


_WIDE_GAP = re.compile(r"\s{3,}|\t")


def _clean_items(items: list[Any], separators: str) -> list[str]:
    out: list[str] = []
    for item in items:
        if isinstance(item, list | tuple):
            out.extend(s for s in split_list(list(item), separators) if s not in out)
            continue
        value = clean_text(item)
        if value is not None:
            value = value.strip(" '\"")
            if value and value not in out:
                out.append(value)
    return out


def number(raw: Any) -> float | int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return raw
    text = clean_text(raw)
    if text is None:
        return None
    m = re.search(r"-?\d+(?:\.\d+)?", text.replace(",", ""))
    if not m:
        return None
    value = float(m.group())
    return int(value) if value.is_integer() else value
