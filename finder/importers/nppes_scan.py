"""Reading the NPPES bulk file at the speed of reading: raw lines, the filter's columns first.

The file has about 330 columns and 9 million rows, and a user wants the few
hundred thousand behavioural-health clinicians, or those of one state or near
one ZIP. Every field of the real file is quoted, so a row whose line holds
exactly two quotes per column has no quote, comma or line break inside a field:
splitting it at ``","`` gives the fields exactly, and only as far as the last
column the filter needs. Only the rows that pass are decoded and read in full
by the ``csv`` module. Any other line (a quote inside a field, a field over two
lines, a file saved without quotes) is read by the ``csv`` module, then filtered.
"""

from __future__ import annotations

import csv
import operator
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from finder.importers.base import Region
from finder.records import geo, taxonomy


@dataclass
class Columns:
    """The columns the filter looks at (indexes into a row)."""

    width: int
    entity: int
    slots: list[int]  # the taxonomy code columns
    state: int | None  # the practice location's state
    postal: int | None  # the practice location's postal code
    npi: int = 0
    deactivated: int | None = None  # "NPI Deactivation Date"


@dataclass(frozen=True)
class Deactivated:
    """A row that holds only an NPI and the date NPPES deactivated it."""

    npi: str
    date: str


class RowFilter:
    """Whether a row can be kept, from the few fields the filter needs (as bytes)."""

    def __init__(self, cols: Columns, region: Region, *, all_taxonomies: bool) -> None:
        self.cols = cols
        self.region = region
        self.all_taxonomies = all_taxonomies
        self.states = frozenset(s.encode() for s in region.states)
        self._seen: set[bytes] = {b""}  # taxonomy codes met so far
        self._yes: set[bytes] = set()  # those of them that are behavioural health
        self._codes = operator.itemgetter(*cols.slots) if len(cols.slots) > 1 else None
        self._near: dict[bytes, bool] = {}
        needed = [cols.entity, cols.npi, *cols.slots]
        needed += [i for i in (cols.state, cols.postal, cols.deactivated) if i is not None]
        self.upto = max(needed) + 1  # split no further than this

    def behavioral(self, fields: list[bytes]) -> bool:
        """Whether any taxonomy slot holds a behavioural-health code (set operations in C,
        the classification once per distinct code)."""
        codes = self._codes(fields) if self._codes is not None else [fields[self.cols.slots[0]]]
        if not self._seen.issuperset(codes):
            for code in set(codes) - self._seen:
                self._seen.add(code)
                if taxonomy.is_behavioral(code.decode("ascii", "replace").strip().upper()):
                    self._yes.add(code)
        return not self._yes.isdisjoint(codes)

    def near(self, postal: bytes) -> bool:
        key = postal[:5]
        found = self._near.get(key)
        if found is None:
            assert self.region.near is not None
            point = geo.zip_point(key.decode("ascii", "replace"))
            found = point is not None and (
                geo.miles(self.region.near, point) <= self.region.radius_miles
            )
            self._near[key] = found
        return found

    def deactivated(self, fields: list[bytes]) -> Deactivated:
        at = self.cols.deactivated
        date = fields[at] if at is not None else b""
        return Deactivated(
            fields[self.cols.npi].decode("ascii", "replace").strip(),
            date.decode("ascii", "replace").strip(),
        )

    def verdict(self, fields: list[bytes]) -> str:
        """``"keep"``, ``"inactive"`` (a deactivated NPI), ``"taxonomy"`` or ``"region"``."""
        cols = self.cols
        if not fields[cols.entity].strip():
            return "inactive"
        if not self.all_taxonomies and not self.behavioral(fields):
            return "taxonomy"
        if self.states and (cols.state is None or fields[cols.state].strip() not in self.states):
            return "region"
        if self.region.near is not None and (
            cols.postal is None or not self.near(fields[cols.postal])
        ):
            return "region"
        return "keep"


@dataclass
class Line:
    """One row as read: its first line's number, its bytes, whether it ended."""

    number: int
    data: bytes
    complete: bool
    quotes: int  # how many '"' it holds


def _joined(first: bytes, count: int, lines: Iterator[bytes]) -> tuple[bytes, int, int]:
    """A row whose quoted field holds line breaks: its lines joined, its quotes, and how
    many lines it took."""
    parts, taken = [first], 1
    for line in lines:
        parts.append(line)
        taken += 1
        count += line.count(b'"')
        if not count & 1:
            break
    return b"".join(parts), count, taken


def scan(
    raw: Iterable[bytes],
    rule: RowFilter,
    decode: Callable[[bytes], str],
    counts: dict[str, int],
    tick: Callable[[int], None] = lambda number: None,
    first_number: int = 1,
) -> Iterator[tuple[Line, list[str] | csv.Error | Deactivated]]:
    """The rows of ``raw`` (lines after the header) that ``rule`` keeps, read in full,
    and the deactivated NPIs (rows with no details); ``counts`` tallies every verdict;
    ``tick(line number)`` is called every 8,192 lines."""
    quotes = 2 * rule.cols.width
    upto = rule.upto
    verdict = rule.verdict
    number = first_number
    lines = iter(raw)
    for data in lines:
        number += 1
        if not number & 8191:
            tick(number)
        count = data.count(b'"')
        if count == quotes and data[:1] == b'"':
            fields = data[1:].split(b'","', upto)
            if len(fields) > upto:
                result = verdict(fields)
                counts[result] += 1
                if result != "keep":
                    if result == "inactive":
                        yield Line(number, b"", True, count), rule.deactivated(fields)
                    continue
                # No quote inside a field: the fields are the line split at '","'.
                text = decode(data).rstrip("\r\n")
                line = Line(number, data, data.endswith(b"\n"), count)
                yield line, text[1:-1].split('","')
                continue
        if count & 1:
            data, count, taken = _joined(data, count, lines)
            line = Line(number, data, not count & 1 and data.endswith(b"\n"), count)
            number += taken - 1
        elif not data.strip():
            continue
        else:
            line = Line(number, data, data.endswith(b"\n"), count)
        read = _read(line, decode)
        row = read[1]
        if isinstance(row, list) and len(row) >= upto:
            fields = [value.encode("utf-8", "replace") for value in row[:upto]]
            result = verdict(fields)
            counts[result] += 1
            if result != "keep":
                if result == "inactive":
                    yield line, rule.deactivated(fields)
                continue
        yield read


def _read(line: Line, decode: Callable[[bytes], str]) -> tuple[Line, list[str] | csv.Error]:
    try:
        return line, next(csv.reader([decode(line.data)]))
    except csv.Error as err:
        return line, err
