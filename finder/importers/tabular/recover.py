"""JSON that a person can still read but a parser refuses: every object that can be had.

Scrapers write objects one after another (with or without commas between them, with a
trailing comma), stop before the closing ``]``, or leave a broken line in JSON Lines.
``recover`` reads what is there, object by object, and says in one phrase what was wrong.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from finder.records.models import RowError

_DECODER = json.JSONDecoder(parse_constant=lambda _constant: None)
_NEXT_OBJECT = re.compile(r"\n\s*[{\[]")
# A value that starts a line at its first column: the next of values written one after
# another (JSON Lines, or pretty-printed objects in a row); nested values are indented.
_LINE_START = re.compile(r"\n[{\[]")
_SKIP = " \t\r\n,"


@dataclass
class Recovered:
    """The values read, what was wrong (for the one warning; none for clean JSON Lines)
    and the pieces skipped."""

    items: list[Any] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # the line each item starts on
    problems: list[str] = field(default_factory=list)
    broken: list[RowError] = field(default_factory=list)

    def warning(self) -> str:
        total = len(self.items) + len(self.broken)
        if not self.broken:
            got = f"all {len(self.items):,} recovered"
        else:
            got = f"{len(self.items):,} of {total:,} recovered, {len(self.broken):,} skipped"
        return f"not valid JSON: {'; '.join(self.problems)}; {got}"


def recover(text: str) -> Recovered | None:
    """The objects in ``text`` read one by one; ``None`` when not even one can be read."""
    found = Recovered()
    counted = [0, 1]  # lines are counted once, up to the furthest position asked about

    def lines_to(at: int) -> int:
        counted[1] += text.count("\n", counted[0], at)
        counted[0] = at
        return counted[1]

    decode = _Decoder(text)
    pos = _skip(text, 0)
    bracketed = text.startswith("[", pos)
    if bracketed:
        pos += 1
    closed = False
    trailing_comma = False
    lines = True  # one value per line, nothing between them: JSON Lines
    resumed = False  # at the next line after a broken piece
    while True:
        before = pos
        pos = _skip(text, pos)
        gap = text[before:pos]
        if pos >= len(text) or (bracketed and text[pos] == "]"):
            closed = pos < len(text)
            trailing_comma = "," in gap and bool(found.items)
            break
        if found.items and ("," in gap or "\n" not in gap) and not resumed:
            lines = False
        resumed = False
        start = pos
        try:
            value, pos = decode(pos)
        except (ValueError, RecursionError):
            found.broken.append(RowError(f"line {lines_to(pos)}", "not valid JSON; skipped"))
            nxt = _NEXT_OBJECT.search(text, pos + 1)
            if nxt is None:
                break
            pos = nxt.start() + 1
            resumed = True
            continue
        found.items.append(value)
        found.lines.append(lines_to(start))
    if not found.items:
        return None
    _describe(found, bracketed, closed, trailing_comma, lines)
    return found


class _Decoder:
    """``raw_decode`` that stops where the next value starts a line. A broken line of JSON
    Lines (``{"city": ``) is then read alone, not with every line after it nested in it as
    its value: thousands of broken lines cost their own length, not seconds."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.cut = 0  # the next line-starting value after the position read (or the end)

    def __call__(self, pos: int) -> tuple[Any, int]:
        text = self.text
        if self.cut <= pos:
            found = _LINE_START.search(text, pos + 1)
            self.cut = found.start() if found else len(text)
        if self.cut == len(text):
            return _DECODER.raw_decode(text, pos)
        value, used = _DECODER.raw_decode(text[pos : self.cut])
        return value, pos + used


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _SKIP:
        pos += 1
    return pos


def _describe(
    found: Recovered, bracketed: bool, closed: bool, trailing_comma: bool, lines: bool
) -> None:
    if bracketed and not closed:
        found.problems.append("the closing ] is missing")
    elif not bracketed and len(found.items) > 1 and not (lines and not trailing_comma):
        found.problems.append(f"{len(found.items):,} objects without an enclosing [ ]")
    if trailing_comma and (closed or not bracketed):
        found.problems.append("a trailing comma" + (" before the ]" if bracketed else ""))
    if found.broken:
        where = ", ".join(e.locator for e in found.broken[:3])
        found.problems.append(f"{len(found.broken):,} broken piece(s) ({where})")
