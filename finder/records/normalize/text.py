"""Text cells: clean strings, yes/no, lists, plain numbers, capitals."""

from __future__ import annotations

import ast
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

from finder.patterns import later

_WS = later(r"\s+")

# Cells that mean "nothing here" ("x" included: a placeholder, never a yes).
_PLACEHOLDERS = frozenset({"N/A", "NA", "NONE", "NULL", "NAN", "-", "--", "X", "[]", "{}"})


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
        text = " ".join(strip_controls(value).split())
    if not text or (len(text) <= 4 and text.upper() in _PLACEHOLDERS):
        return None
    return text


#: Memo tables stop growing here (they are cleared and start again).
MEMO_LIMIT = 1 << 16

K = TypeVar("K")
V = TypeVar("V")


class Memo(dict[K, V]):
    """``memo[key]`` is ``make(key)``, made once: a reader's answers for the values that
    recur across the rows of one export (a hit is a plain dict look-up). The table is
    cleared when it reaches ``limit`` (``MEMO_LIMIT``). ``make`` must return immutable
    values: every caller gets the same object."""

    __slots__ = ("limit", "make")

    def __init__(self, make: Callable[[K], V], limit: int | None = None) -> None:
        super().__init__()
        self.make = make
        self.limit = MEMO_LIMIT if limit is None else limit

    def __missing__(self, key: K) -> V:
        value = self.make(key)
        if len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value


def proper(value: str | None) -> str | None:
    """Names and cities a registry wrote in capitals, as people write them ("McDonald")."""
    if value is None or not value.isupper():
        return value
    return _proper(value)


@lru_cache(maxsize=16384)
def _proper(value: str) -> str:
    # Memoised: a bulk file repeats its cities and family names row after row.
    return _MC.sub(lambda m: "Mc" + m.group(1).upper(), value.title())


_MC = later(r"\bMc([a-z])")


_TRUE = {"yes", "y", "true", "t", "1", "✓", "✔", "accepting", "available", "on"}
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


_WAITLIST = later(r"\bwait ?-?list(?:ed)?\b|\bwaiting list\b", re.I)


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
    if text[0] == "[" and _STRING_LIST.fullmatch(text):
        # A list of plain quoted strings, as a scraper writes a Python list: what
        # ast.literal_eval would give (no escapes inside), without compiling it.
        items = [quoted[1:-1] for quoted in _QUOTED.findall(text)]
    elif text[0] in "[(" and text[-1] in "])":
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


_WIDE_GAP = later(r"\s{3,}|\t")
# A string literal without escapes, and a list of them ("['CBT', 'Interpersonal']"); the
# text is clean (its only space is " "), so the spaces between them are plain spaces.
_QUOTED = re.compile(r"'[^'\\\n]*'|\"[^\"\\\n]*\"")
_STRING_LIST = re.compile(
    rf"\[ ?\]|\[ ?(?:{_QUOTED.pattern})(?: ?, ?(?:{_QUOTED.pattern}))* ?,? ?\]"
)


def _clean_items(items: list[Any], separators: str) -> list[str]:
    out: list[str] = []
    memo = _ITEM_MEMO
    for item in items:
        if type(item) is str and len(item) < 200:
            # Plan names, orientations and languages recur across thousands of lists.
            value = memo[item]
        elif isinstance(item, list | tuple):
            out.extend(s for s in split_list(list(item), separators) if s not in out)
            continue
        else:
            value = _clean_item(item)
        if value and value not in out:
            out.append(value)
    return out


def _clean_item(item: Any) -> str:
    value = clean_text(item)
    return "" if value is None else value.strip(" '\"")


#: List item -> what it reads as ("" for nothing).
_ITEM_MEMO: Memo[str, str] = Memo(_clean_item)


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


# --- control characters -------------------------------------------------------------------
# Text from a file or a person can carry terminal escape sequences (ESC, the C1 control
# CSI ``\x9b``, OSC 8 hyperlinks with hidden targets), BEL, and the bidirectional
# overrides that make a line read differently from what it holds (U+202E). None of them
# is ever part of a name, a bio or a note. They are removed where text comes in
# (``strip_controls``) and, for anything that got in earlier, shown as ``\x1b`` where
# text goes out (``visible``). Tab and newline are kept: notes and reports have lines.

_UNSAFE_CLASS = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 but tab and newline, DEL, C1
    "\u061c\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidi marks, overrides, isolates
    "\ufff9-\ufffb\ud800-\udfff"  # interlinear annotation, lone surrogates
)
_UNSAFE = later(f"[{_UNSAFE_CLASS}]")
_ESCAPE_SEQUENCE = later(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, clear screen
    r"|(?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC, DCS
    r"|\x1b[ -/]*[0-~]"  # any other escape
)
#: Controls that stand between words: removing them must not glue the words together.
_SPACE_LIKE = frozenset("\x0b\x0c\r\x1c\x1d\x1e\x1f\x85")


def has_unsafe(text: str) -> bool:
    """Whether ``strip_controls`` would change ``text``."""
    return not text.isprintable() and _UNSAFE.search(text) is not None


def strip_controls(text: str) -> str:
    """``text`` without escape sequences and control characters (tab and newline kept).

    A whole sequence goes, not only its ESC: an OSC 8 link keeps its visible words
    and loses its hidden target, a colour code leaves no ``[31m`` behind.
    """
    if text.isprintable() or not _UNSAFE.search(text):
        return text
    text = _ESCAPE_SEQUENCE.sub("", text)
    return _UNSAFE.sub(lambda m: " " if m.group() in _SPACE_LIKE else "", text)


def visible(text: str) -> str:
    """``text`` with every control character shown as what it is (``\\x1b``, ``\\u202e``).

    The output boundary's net: whatever reached the store before import stripped it is
    printed harmlessly, and the person sees that the source held something odd.
    """
    if text.isprintable() or not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(_shown, text)


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def json_visible(text: str) -> str:
    """JSON text with any control character left in it written as a ``\\uXXXX`` escape.

    The same string for a JSON reader, harmless on a screen. Only strings can hold
    such characters, so escaping them keeps the document valid.
    """
    if text.isascii() and not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# A lone UTF-16 surrogate (JSON's "\ud800" with no partner) is no character at all: it
# cannot be written to a terminal or a UTF-8 file. Importers drop it and say where it was.
_LONE_SURROGATE = later("[\ud800-\udfff]")
#: The only way one gets into parsed JSON: an escape in the file's text (a cheap pre-check).
SURROGATE_ESCAPE = later(r"\\u[dD][89a-fA-F]")


def drop_surrogates(value: Any, where: str = "") -> tuple[Any, list[str]]:
    """``value`` without lone surrogates, and the keys they were under ("name", "bio[2]")."""
    if isinstance(value, str):
        if value.isprintable() or not _LONE_SURROGATE.search(value):
            return value, []
        return _LONE_SURROGATE.sub("", value), [where]
    found: list[str] = []
    if isinstance(value, dict):
        out: dict[Any, Any] = {}
        for key, item in value.items():
            clean_key, _ = drop_surrogates(key)
            out[clean_key], at = drop_surrogates(
                item, f"{where}.{clean_key}" if where else str(clean_key)
            )
            found += at
        return (out, found) if found else (value, [])
    if isinstance(value, list):
        items = []
        for i, item in enumerate(value):
            clean, at = drop_surrogates(item, f"{where}[{i}]")
            items.append(clean)
            found += at
        return (items, found) if found else (value, [])
    return value, []


def strip_controls_deep(value: Any) -> Any:
    """``strip_controls`` over every string in nested dicts and lists (keys too); the
    dicts, lists and tuples are always new ones."""
    if isinstance(value, str):
        return value if value.isprintable() else strip_controls(value)
    # Every imported record passes here: a plain string or number is taken as it is
    # without another call (most of a record's values are).
    leaf = _plain
    if isinstance(value, dict):
        return {
            k if leaf(k) else strip_controls_deep(k): v if leaf(v) else strip_controls_deep(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [v if leaf(v) else strip_controls_deep(v) for v in value]
    if isinstance(value, tuple):
        return tuple(v if leaf(v) else strip_controls_deep(v) for v in value)
    return value


def _plain(value: Any) -> bool:
    """A value ``strip_controls_deep`` returns unchanged, known without calling it."""
    kind = type(value)
    return (kind is str and value.isprintable()) or kind in _SCALARS


_SCALARS = frozenset({int, float, bool, type(None)})
