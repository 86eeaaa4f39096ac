"""The words around an IPT mention: is a bare "interpersonal" one approach in a list of
approaches, and which stretch of text shows the user why a class was given.

``finder.judge.ipt`` finds the mentions; this module reads their surroundings. Both work
on normalised text (``ipt.normalise``), the list check on its case-folded form.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Final

from finder.patterns import later

__all__ = ["ApproachWords", "approach_in_list", "cut", "snippet"]


@dataclass(frozen=True)
class ApproachWords:
    """The ``[approach_lists]`` table of ``ipt_rules.toml``."""

    heads: frozenset[str]
    not_heads: frozenset[str]
    names: frozenset[str]

    @classmethod
    def read(cls, table: dict[str, Collection[str]]) -> ApproachWords:
        return cls(
            heads=frozenset(table.get("heads", ())),
            not_heads=frozenset(table.get("not_heads", ())),
            names=frozenset(table.get("names", ())),
        )


# A clause ends at sentence punctuation, a bracket or a list item's newline.
_CLAUSE_END: Final = later(r"[.;:!?()\[\]\n]")
# List separators: ", and", ",", "and/or", "and", "or", "&", "/".
_SEPARATOR: Final = later(
    r"\s*,\s*(?:and/or|and|or|&)\s+|\s*,\s*|\s+and/or\s+|\s+and\s+|\s+or\s+|\s*&\s*|\s*/\s*"
)
_AFTER_SEPARATOR: Final = later(r"(?:,|&|/|\band|\bor)\s*$")
_WORDS: Final = later(r"[a-z][a-z-]*")
# Items before and after the mention that are read for an approach's name.
_NEAR_ITEMS: Final = 4
# Words of an item that are read: a long item is the text the list runs into.
_ITEM_WORDS: Final = 3


def approach_in_list(low: str, start: int, end: int, words: ApproachWords) -> bool:
    """Whether the bare word at ``low[start:end]`` stands as one approach in a list of
    approaches ("CBT, interpersonal and psychodynamic therapies"), not as a kind of
    problem ("emotional, interpersonal and family issues") or a word in a sentence."""
    lo = max((m.end() for m in _CLAUSE_END.finditer(low, 0, start)), default=0)
    m = _CLAUSE_END.search(low, end)
    hi = m.start() if m else len(low)
    before, after = low[lo:start], low[end:hi]
    lead = _SEPARATOR.match(after)
    headed = False
    if lead is None and after.strip():
        # Only "interpersonal approach", "interpersonal methods": a head of its own.
        first = _WORDS.match(after.lstrip())
        if first is None or first.group() not in words.heads:
            return False
        headed = True
    if _AFTER_SEPARATOR.search(before) is None and (lead is None or headed):
        return False  # no list around it
    before_items = [i for i in _SEPARATOR.split(before) if i.strip()]
    after_items = [] if headed or lead is None else [
        i for i in _SEPARATOR.split(after[lead.end() :]) if i.strip()
    ]  # fmt: skip
    for item in after_items[:_NEAR_ITEMS]:
        for word in _WORDS.findall(item)[:_ITEM_WORDS]:
            if word in words.not_heads:
                return False
            if word in words.heads:
                return True
    if headed:
        return _names_one(before_items[-_NEAR_ITEMS:], words, last=True)
    return _names_one(before_items[-_NEAR_ITEMS:], words, last=True) or _names_one(
        after_items[:_NEAR_ITEMS], words, last=False
    )


def _names_one(items: list[str], words: ApproachWords, *, last: bool) -> bool:
    """Whether an item names an approach; an item before the mention may hold the lead-in
    ("I draw on narrative therapy"), so only its last words are read."""
    for item in items:
        found = _WORDS.findall(item)
        found = found[-_ITEM_WORDS:] if last else found[:_ITEM_WORDS]
        if any(word in words.names for word in found):
            return True
    return False


_SENTENCE_END: Final = later(r"[.!?](?= )")


def snippet(display: str, start: int, end: int, limit: int) -> tuple[str, int]:
    """The match ``display[start:end]`` in its sentence (or list item), cut to about
    ``limit`` characters, and where the match starts in what is returned."""
    # Stay inside the list item.
    lo = display.rfind("\n", 0, start) + 1
    hi = display.find("\n", end)
    hi = len(display) if hi == -1 else hi
    # Stay inside the sentence.
    ends_before = [m.end() for m in _SENTENCE_END.finditer(display, lo, start)]
    if ends_before:
        lo = ends_before[-1] + 1
    m = _SENTENCE_END.search(display, end, hi)
    if m:
        hi = m.end()
    return _window(display, lo, hi, start, end, limit)


def cut(text: str, at: int, length: int, limit: int) -> str:
    """``text`` cut to about ``limit`` characters around ``text[at:at + length]``, the
    words that justify a class: never cut before them."""
    if len(text) <= limit:
        return text
    return _window(text, 0, len(text), at, at + length, limit)[0]


def _window(display: str, lo: int, hi: int, start: int, end: int, limit: int) -> tuple[str, int]:
    """``display[lo:hi]`` around ``[start, end)``: as much context either side as fits in
    ``limit`` characters, cut at spaces, with "..." (counted in the limit) where text was
    left out; and where ``start`` landed in the result."""
    if hi - lo <= limit:
        piece = display[lo:hi]
        stripped = piece.lstrip()
        return stripped.rstrip(), start - lo - (len(piece) - len(stripped))
    limit -= 6
    if end - start >= limit:
        return display[start : start + limit].rstrip() + "...", 0
    room = limit - (end - start)
    left = max(lo, start - room // 2)
    right = min(hi, end + room - (start - left))
    left = max(lo, start - (room - (right - end)))
    prefix = suffix = ""
    if left > lo:
        space = display.find(" ", left, start)
        left = space + 1 if space != -1 else left
        prefix = "..."
    if right < hi:
        space = display.rfind(" ", end, right)
        right = space if space != -1 else right
        suffix = "..."
    piece = display[left:right]
    stripped = piece.lstrip()
    return prefix + stripped.rstrip() + suffix, len(prefix) + start - left - (
        len(piece) - len(stripped)
    )


def top_alternatives(pattern: str) -> list[str]:
    """``pattern`` split at its top-level ``|`` (outside groups and character sets)."""
    parts: list[str] = []
    depth, start, i, in_set = 0, 0, 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 1
        elif in_set:
            in_set = char != "]"
        elif char == "[":
            in_set = True
            if pattern[i + 1 : i + 2] == "^":
                i += 1
            if pattern[i + 1 : i + 2] == "]":
                i += 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts
