"""Files without a header row: columns named from what their cells hold, and section headings.

A scraper's output often starts with data: "12 Main St, Boston, MA 02139", "Levin- Helene
J.- LMHC", "(617) 555-0101", "https://...". ``first_row_is_data`` notices that (phones,
web and email addresses, ZIPs, street addresses, prices where a header has words), and
``infer`` names each column by the kind of value most of its cells hold. A row with one
cell between data rows ("GoodTherapy") is a section heading: the rows after it come from
that directory, and their columns are inferred anew when the section is long enough.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from finder.importers.tabular.people import reordered_name
from finder.importers.tabular.synonyms import header_key, lookup
from finder.records import normalize

#: Rows a column's kind is judged on.
SAMPLE_ROWS = 200
#: A section with fewer data rows than this is read with the whole file's columns.
MIN_SECTION_ROWS = 5

_ZIP = re.compile(r"\d{5}(?:-\d{4})?")
_STREET = re.compile(r"^\d+[A-Za-z]?(?:-\d+)?\s+[A-Za-z0-9]|,\s*[A-Z]{2}\.?\s+\d{5}(?:-\d{4})?$")
_MONEY = re.compile(r"^(?:\$|USD|£|€)\s?\d|^\d+(?:\.\d\d)?\s?(?:\$|€|£)$")
_PHONE_CHARS = re.compile(r"[\d\s().+/-]+(?:\s*(?:x|ext\.?)\s*\d+)?", re.I)
_DIRECTORIES = re.compile(
    r"psychologytoday|goodtherapy|theravive|networktherapy|allaboutcounseling|therapyden|"
    r"zocdoc|headway|growtherapy|alma|betterhelp|talkspace|openpathcollective|inclusive|"
    r"therapytribe|counsellingdirectory|psychologies|doctoralia|topdoctors|healthgrades",
    re.I,
)
_NAME_WORD = re.compile(r"[^\W\d_][^\W\d_'.\u2019-]*[.]?", re.U)

# A column's kind -> the field it feeds.
_FIELD = {
    "name": "name", "phone": "phones", "email": "email", "profile": "profile_url",
    "url": "website", "zip": "zip", "state": "state", "address": "address", "money": "fee",
    "text": "statement",
}  # fmt: skip


def kind_of(cell: str) -> str | None:
    """What one cell holds: "phone", "url", "profile", "email", "zip", "state", "address",
    "money", "text" (prose), "name" (a person's name), or ``None`` (something else)."""
    text = cell.strip()
    if not text:
        return None
    if " " not in text and normalize.url(text) is not None and "." in text:
        return "profile" if _DIRECTORIES.search(text) else "url"
    if "@" in text and normalize.email(text):
        return "email"
    if _ZIP.fullmatch(text):
        return "zip"
    if text in normalize.STATES:
        return "state"
    if _PHONE_CHARS.fullmatch(text) and sum(c.isdigit() for c in text) >= 7:
        return "phone"
    if _MONEY.search(text):
        return "money"
    if _STREET.search(text):
        return "address"
    if len(text) > 80 and text.count(" ") > 10:
        return "text"
    return "name" if _looks_like_name(text) else None


def _looks_like_name(text: str) -> bool:
    if reordered_name(text) is not None:
        return True
    name, _creds = normalize.split_name(text)
    if not name:
        return False
    words = name.split()
    return 2 <= len(words) <= 5 and all(_NAME_WORD.fullmatch(w) for w in words)


def is_heading(cells: Sequence[str]) -> bool:
    """A row with a single short cell that is not itself a value (a section's title)."""
    filled = [c.strip() for c in cells if c.strip()]
    if len(filled) != 1 or len(filled[0]) > 60:
        return False
    return kind_of(filled[0]) in (None, "name") and len(filled[0].split()) <= 5


def first_row_is_data(first: Sequence[str], following: Sequence[Sequence[str]]) -> bool:
    """A header row has words where the rows below it have phones, links and ZIPs."""
    table = lookup()
    filled = [c for c in first if c.strip()]
    if not filled:
        return False
    wide = [r for r in following if sum(1 for c in r if c.strip()) >= 2]
    if len(filled) == 1 and wide and is_heading(first):
        return True
    if any(table.get(header_key(c)) for c in filled):
        return False
    return any(kind_of(c) not in (None, "name", "text") for c in filled)


def infer(rows: Iterable[Sequence[str]]) -> list[str | None]:
    """The field of each column, by the kind most of its filled cells hold."""
    votes: list[Counter[str]] = []
    filled: list[int] = []
    for index, cells in enumerate(rows):
        if index >= SAMPLE_ROWS:
            break
        for column, cell in enumerate(cells):
            while len(votes) <= column:
                votes.append(Counter())
                filled.append(0)
            kind = kind_of(cell)
            if cell.strip():
                filled[column] += 1
            if kind is not None:
                votes[column][kind] += 1
    fields: list[str | None] = [None] * len(votes)
    taken: set[str] = set()
    # The most convincing columns choose first: a name column with 95% names beats one with 60%.
    ranked = sorted(
        (
            (count / filled[c], c, kind)
            for c in range(len(votes))
            for kind, count in votes[c].items()
        ),
        reverse=True,
    )
    for share, column, kind in ranked:
        field = _FIELD[kind]
        if share < 0.5 or fields[column] is not None or (field in taken and field != "phones"):
            continue
        fields[column] = field
        taken.add(field)
    return fields


@dataclass
class Section:
    """Rows under one heading (``None`` before the first heading)."""

    heading: str | None
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


def sections(rows: Iterable[tuple[int, list[str]]]) -> Iterator[Section]:
    """Split numbered rows at their headings; a heading's own row is not data."""
    current = Section(None)
    for number, cells in rows:
        if is_heading(cells):
            if current.rows or current.heading is not None:
                yield current
            current = Section(next(c.strip() for c in cells if c.strip()))
            continue
        current.rows.append((number, cells))
    if current.rows or current.heading is not None:
        yield current


def describe(fields: Sequence[str | None]) -> str:
    """``"column 1 = address, column 2 = name, ..."`` for the one line the user is shown."""
    return ", ".join(f"column {i + 1} = {f or 'extra'}" for i, f in enumerate(fields))
