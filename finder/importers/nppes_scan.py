"""Reading the NPPES bulk file at the speed of reading: raw lines, the filter's columns first.

The file has about 330 columns and 9 million rows, and a user wants the few
hundred thousand behavioural-health clinicians, or those of one state or near
one ZIP. Every field of the real file is quoted, so a row whose line holds
exactly two quotes per column has no quote, comma or line break inside a field:
splitting it at ``","`` gives the fields exactly, and only as far as the last
column the filter needs. Only the rows that pass are decoded and read in full
by the ``csv`` module. Any other line (a quote inside a field, a field over two
lines, a file saved without quotes) is read by the ``csv`` module, then filtered.

Most rows are not even split (``Skipper``): the file is read a megabyte at a time,
and where every line of it is one of those plain rows, one regular expression over
the whole block finds the few lines that can be kept (a field that may be a
behavioural-health code, or with ``--all-taxonomies`` one of the ``--state``
values) or that are deactivated NPIs. Only those lines are looked at one by one.
"""

from __future__ import annotations

import csv
import operator
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import compress, count, repeat
from typing import IO, Any

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

    def __init__(
        self, cols: Columns, region: Region, *, all_taxonomies: bool, prefilter: bool = True
    ) -> None:
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
        # Rows ruled out without a look at each (``Skipper``): what they are counted as.
        self.unread: str | None = None
        if prefilter and self.upto < cols.width:
            self.unread = "region" if all_taxonomies else "taxonomy"
            if all_taxonomies and not self.states:
                self.unread = None

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


_BLOCK = 1 << 20
_SPACE = rb"[ \t\r\x0b\x0c]*"  # what bytes.strip() takes off a field, but a line break


def _may_keep(rule: RowFilter) -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
    """Whether a plain row (see ``Skipper``) may be other than ``rule.unread``, as two
    patterns: one matches at the start of a deactivated NPI's row (a blank entity type),
    the other finds a field that may pass the filter: a behavioural-health code (its final
    X, looked back from, as ``taxonomy.is_behavioral`` reads it: in any case, with spaces
    around; a row with an "x" is upper-cased first), or with ``--all-taxonomies`` one of
    the ``--state`` values. That pattern starts with a literal, which the search skips to."""
    blank = rb'"(?:[^"]*","){%d}' % rule.cols.entity + _SPACE + b'"'
    if rule.all_taxonomies:
        wanted = [re.escape(s) for s in sorted(rule.states)]
        fits = b"|".join(s + rb'(?<=[" \t\r\x0b\x0c]%s)' % s + _SPACE + b'"' for s in wanted)
    else:
        codes = []
        for start in taxonomy.behavioral_beginnings():
            code = re.escape(start) + "[0-9A-Za-z]" * (9 - len(start)) + "[Xx]" * (len(start) < 10)
            codes.append(code.encode())
        # Every byte str.strip() takes off an ASCII-decoded code may follow it.
        fits = rb"X(?<=(?i:%s))[ \t\r\x0b\x0c\x1c-\x1f]*\"" % b"|".join(codes)
    return re.compile(blank), re.compile(fits)


class Skipper:
    """The lines of the file after the header, less the rows certain to be counted as
    ``rule.unread``: each run of those is given as its length (an ``int``) instead.

    The file is read a megabyte at a time. Rows are ruled out only in a block where every
    line is a plain row, one that ``scan`` would split at ``","`` (two quotes per column,
    the first at its start, the filter's columns before a separator) and no quoted field
    is open from an earlier line; any other block is given line by line, as read. Every
    step over a block's lines is a ``map`` of a C function: no Python runs per line.
    """

    def __init__(self, raw: IO[bytes], rule: RowFilter) -> None:
        self.raw = raw
        self.upto = rule.upto
        self.quotes = 2 * rule.cols.width
        self.tail = 2 - 3 * (rule.cols.width - rule.upto)
        self.blank, self.fits = _may_keep(rule)
        self.upper = not rule.all_taxonomies

    def __iter__(self) -> Iterator[bytes | int]:
        rest = b""
        odd = False  # inside a quoted field that goes on past the block
        while chunk := self.raw.read(_BLOCK):
            lower = b"x" in chunk or b"x" in rest
            lines = chunk.split(b"\n")
            lines[0] = rest + lines[0]
            rest = lines.pop()  # after the last line break
            if not lines:
                continue
            quotes = list(map(bytes.count, lines, repeat(b'"')))
            ends = None if odd else self._plain(lines, quotes)
            if ends is not None:
                texts = list(map(bytes.upper, lines)) if lower and self.upper else lines
                yield from self._candidates(lines, texts, ends)
                continue
            odd ^= bool(sum(quotes) & 1)
            for line in lines:
                yield line + b"\n"
        if rest:
            yield rest

    def _plain(self, lines: list[bytes], quotes: list[int]) -> list[int] | None:
        """Whether ``scan`` would split every one of these lines at ``","``: if so, how
        far into each line the filter's columns end (``None`` if not)."""
        if quotes.count(self.quotes) != len(lines):
            return None
        if not all(map(bytes.startswith, lines, repeat(b'"'))):
            return None
        # In a row of ``width`` quoted fields, at least 3 bytes per column after the
        # filter's follow its last separator: the filter's columns end before this bound.
        ends = list(map(operator.add, map(len, lines), repeat(self.tail)))
        if (
            min(ends) > 1
            and min(map(bytes.count, lines, repeat(b'","'), repeat(1), ends)) >= self.upto
        ):
            return ends
        if min(map(bytes.count, lines, repeat(b'","'), repeat(1))) >= self.upto:
            return list(map(len, lines))
        return None

    def _candidates(
        self, lines: list[bytes], texts: list[bytes], ends: list[int]
    ) -> Iterator[bytes | int]:
        """The lines that may not be ``rule.unread``, and the runs between them; a field
        the filter reads ends before ``ends`` (a separator follows it there)."""
        found = set(compress(count(), map(self.blank.match, lines)))
        found.update(compress(count(), map(self.fits.search, texts, repeat(0), ends)))
        done = 0
        for index in sorted(found):
            if index > done:
                yield index - done
            yield lines[index] + b"\n"
            done = index + 1
        if done < len(lines):
            yield len(lines) - done


@dataclass
class Line:
    """One row as read: its first line's number, its bytes, whether it ended."""

    number: int
    data: bytes
    complete: bool
    quotes: int  # how many '"' it holds


def _joined(first: bytes, count: int, lines: Iterator[Any]) -> tuple[bytes, int, int]:
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
    raw: IO[bytes],
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
    unread = rule.unread
    lines: Iterator[bytes | int] = iter(raw if unread is None else Skipper(raw, rule))
    for data in lines:
        if isinstance(data, int):  # rows ruled out unread
            counts[str(unread)] += data
            if (number + data) >> 13 != number >> 13:
                tick(number + data)
            number += data
            continue
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
