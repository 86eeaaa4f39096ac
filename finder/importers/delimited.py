"""CSV and TSV therapist lists (delimiter sniffed), streamed row by row.

Handles what real exports do: any of UTF-8 (with or without BOM), UTF-16 and
Windows-1252; CR, LF or CRLF line endings; quoted cells spanning lines; an
unnamed index column; and a header a broken scraper glued after every record.
Rows are reported with the physical line they start on, as an editor shows it.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from finder.errors import ImportRefused
from finder.importers import tabular as _tabular
from finder.importers.base import (
    DEFAULT_MAX_BYTES,
    ParseContext,
    check_size,
    decode,
    detect_encoding,
    read_head,
)
from finder.importers.tabular import columns as _columns
from finder.importers.tabular import headerless as _headerless
from finder.importers.tabular import lookup as _lookup
from finder.ingest import parallel
from finder.records.models import Record, RowError

NAME = "csv"
DESCRIPTION = "CSV or TSV therapist list (delimiter, encoding and line endings detected)"

MAX_BYTES = 2 * DEFAULT_MAX_BYTES
MAX_CELL = 1_000_000
_DELIMITERS = "\t,;|"

csv.field_size_limit(min(sys.maxsize, MAX_CELL))


def _utf8_or_cp1252(err: UnicodeError) -> tuple[str, int]:
    # A file that starts as UTF-8 but has a stray Windows-1252 byte further on: read that
    # byte as Windows-1252 instead of failing or losing it.
    assert isinstance(err, UnicodeDecodeError)
    chunk = err.object[err.start : err.end]
    return chunk.decode("cp1252", errors="finder-cp1252"), err.end


codecs.register_error("finder-utf8-cp1252", _utf8_or_cp1252)


def _first_line(text: str) -> str:
    for i, ch in enumerate(text):
        if ch in "\r\n":
            return text[:i]
    return text


def _excel_sep(text: str) -> tuple[str | None, str]:
    """Excel's ``sep=;`` first line: the delimiter it names, and the text after that line."""
    line = _first_line(text)
    named = _SEP_LINE.fullmatch(line)
    if named is None:
        return None, text
    rest = text[len(line) :]
    rest = rest[2:] if rest.startswith("\r\n") else rest[1:]
    return named.group(1), rest.lstrip("\ufeff")


_SEP_LINE = re.compile(r"\ufeff?sep=(.) *", re.I)


def sniff_delimiter(text: str) -> str:
    named, text = _excel_sep(text)
    if named is not None:
        return named
    header = _first_line(text)
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def sniff(path: Path, head: bytes) -> float:
    if not head.strip():
        return 0.0
    encoding = detect_encoding(head)
    if b"\x00" in head and not encoding.startswith("utf-16"):
        return 0.0
    text = decode(head, encoding).lstrip("\ufeff").lstrip()
    if not text or text[0] in "<{[" or text.startswith(("BEGIN:VCARD", "%PDF")):
        return 0.0
    delimiter = sniff_delimiter(text)
    header = _first_line(_excel_sep(text)[1])
    if header.count(delimiter) == 0:
        return 0.1
    known = sum(1 for cell in header.split(delimiter) if _columns.guess_field(cell.strip('"')))
    return 0.6 if known else 0.4


def parse(path: Path, ctx: ParseContext) -> Iterator[Record | RowError]:
    check_size(path, MAX_BYTES)
    head = read_head(path)
    encoding = detect_encoding(head)
    head_text = decode(head, encoding).lstrip("\ufeff")
    delimiter = sniff_delimiter(head_text)
    # Lines before the header (Excel's "sep=," line), for the line numbers reported.
    skipped = 1 if _excel_sep(head_text)[0] is not None else 0
    errors = "finder-utf8-cp1252" if encoding.startswith("utf-8") else "replace"
    if encoding == "cp1252":
        errors = "finder-cp1252"
    with open(path, "rb") as raw:
        stream = io.TextIOWrapper(raw, encoding=encoding, errors=errors, newline="")
        if skipped:
            stream.readline()
        rows = _Rows(stream, delimiter, skipped, raw)
        ahead = list(itertools.islice(rows, _LOOK_AHEAD))
        if not ahead:
            raise ImportRefused(path, "file is empty; nothing imported")
        first = ahead[0]
        following = [cells for _, cells in _good(ahead[1:])]
        if ctx.columns is not None or (
            not isinstance(first, RowError) and _headerless.first_row_is_data(first[1], following)
        ):
            yield from _read_headerless(path, ctx, itertools.chain(ahead, rows))
            return
        if isinstance(first, RowError):
            raise ImportRefused(path, f"{first.locator}: cannot read the header ({first.reason})")
        yield from _read_with_header(path, ctx, first[1], ahead[1:], rows)


_LOOK_AHEAD = 60


class _Rows:
    """The rows of a CSV stream as ``(first line, cells)``, a ``RowError`` for a broken one;
    blank rows are skipped. ``reader.line_num`` counts the physical lines it has taken.

    A quote opened and never closed would make the rest of the file one cell (a broken
    export: ``"Broken, 617-555-0100`` and every row after it): that line is reported and
    the lines it swallowed are read again as rows."""

    def __init__(self, stream: Any, delimiter: str, skipped: int, raw: Any) -> None:
        self.delimiter = delimiter
        self.taken: list[str] = []  # the physical lines of the row being read
        self.exhausted = False
        self.reader = csv.reader(self._lines(stream), delimiter=delimiter)
        self.base = skipped  # lines before the current reader's first
        self.last_line = skipped
        self.raw = raw

    def _lines(self, lines: Iterable[str]) -> Iterator[str]:
        self.exhausted = False
        for line in lines:
            self.taken.append(line)
            yield line
        self.exhausted = True  # the reader asked for a line past the last

    def __iter__(self) -> Iterator[tuple[int, list[str]] | RowError]:
        while True:
            start = self.last_line + 1
            self.taken = []
            try:
                cells = next(self.reader)
            except StopIteration:
                return
            except csv.Error as err:
                self.last_line = self.reader.line_num + self.base
                yield RowError(f"line {start}", f"cannot read this row ({err})")
                continue
            self.last_line = self.reader.line_num + self.base
            if len(self.taken) > 1 and self._never_closed():
                yield RowError(
                    f"line {start}",
                    f"a quote opened on this line is never closed (lines {start}-"
                    f"{self.last_line} would be one cell); the lines after it are read as rows",
                )
                swallowed = self.taken[1:]
                self.base, self.last_line = start, start
                self.reader = csv.reader(self._lines(swallowed), delimiter=self.delimiter)
                continue
            if "".join(cells).strip():
                yield start, cells

    def _never_closed(self) -> bool:
        # The reader asks for a line past the last only from inside a quoted cell; the
        # quotes of a row it read whole pair up.
        return self.exhausted and sum(line.count('"') for line in self.taken) % 2 == 1


def _good(rows: Iterable[tuple[int, list[str]] | RowError]) -> Iterator[tuple[int, list[str]]]:
    return (r for r in rows if not isinstance(r, RowError))


def _read_with_header(
    path: Path,
    ctx: ParseContext,
    header: list[str],
    ahead: list[tuple[int, list[str]] | RowError],
    rows: _Rows,
) -> Iterator[Record | RowError]:
    headers = _columns.unique_headers([_header_name(h, i) for i, h in enumerate(header)])
    mapping = _columns.build_mapping(headers, ctx.column_map)
    sample = [dict(zip(headers, cells, strict=False)) for _, cells in _good(ahead)]
    kind = _lookup.what_table(headers, mapping, sample)
    if kind is not None:
        total = len(sample) + sum(1 for _ in _good(rows))
        raise ImportRefused(path, _lookup.refusal(kind, total))
    if not any(f in ("name", "first_name", "last_name") for f in mapping.values()):
        raise ImportRefused(
            path,
            f"no column holds therapist names (columns: {', '.join(h[:30] for h in headers[:8])}); "
            "use --map COLUMN=name, or --columns if the file has no header row",
        )
    reader = _tabular.reader_for(mapping, headers, ctx, path)
    convert = _Converter(reader, headers, ctx)
    glued = 0
    width = len(headers)
    glued_width = 2 * len(header) - 1
    # Rows are read ahead in batches and turned into records a batch at a time, so a
    # big file can use a second core (``finder.ingest.parallel``).
    pending: list[tuple[int, list[str]] | RowError] = []
    batch_start = rows.raw.tell()
    for row in itertools.chain(ahead, rows):
        if isinstance(row, RowError):
            pending.append(row)
            continue
        start, cells = row
        if cells == header:
            glued += 1
            continue
        if len(cells) == glued_width:
            cells, was_glued = _unglue_header(cells, header)
            glued += was_glued
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            pending.append(
                RowError(
                    f"line {start}", f"{len(cells)} cells where the header has {width}; row skipped"
                )
            )
            continue
        pending.append((start, cells))
        if len(pending) >= BATCH_ROWS:
            yield from _tabular.screened(convert(pending, batch_start, rows.raw.tell()), ctx, path)
            pending = []
            batch_start = rows.raw.tell()
    yield from _tabular.screened(convert(pending, batch_start, rows.raw.tell()), ctx, path)
    ctx.progress(rows.raw.tell())
    if glued:
        ctx.warn(
            f"{path}: the header row is repeated {glued} times inside the data "
            "(a scraper bug); those copies were removed"
        )


def _read_headerless(
    path: Path, ctx: ParseContext, rows: Iterable[tuple[int, list[str]] | RowError]
) -> Iterator[Record | RowError]:
    """A file whose first row is data: columns inferred (or named by ``--columns``)."""
    errors: list[RowError] = []
    numbered: list[tuple[int, list[str]]] = []
    for row in rows:
        if isinstance(row, RowError):
            errors.append(row)
        else:
            numbered.append(row)
    yield from errors
    yield from _tabular.headerless_records(path, ctx, numbered)


#: Rows read ahead before they are turned into records.
BATCH_ROWS = 200_000
_PROGRESS_EVERY = 2000


class _Converter:
    """Turns a batch of read rows into records, in two processes when it is big."""

    def __init__(self, to_record: _columns.RowReader, headers: list[str], ctx: ParseContext):
        self.to_record = to_record
        self.headers = headers
        self.distinct = len(set(headers)) == len(headers)
        self.ctx = ctx

    def __call__(
        self, batch: list[tuple[int, list[str]] | RowError], first_byte: int, last_byte: int
    ) -> list[Record | RowError]:
        parent = os.getpid()
        # The parent reports progress for its share; with a second process at work on
        # the other half, each of its rows stands for two.
        share = 2 if len(batch) >= parallel.PARALLEL_MIN_ITEMS else 1
        span = last_byte - first_byte

        derive = self.ctx.derive

        def work(rows: Sequence[tuple[int, list[str]] | RowError]) -> list[Record | RowError]:
            report = os.getpid() == parent
            to_record = self.to_record
            headers = self.headers
            out: list[Record | RowError] = []
            for index, row in enumerate(rows):
                if report and index % _PROGRESS_EVERY == 0 and index:
                    done = min(1.0, share * index / len(batch))
                    self.ctx.progress(first_byte + int(span * done))
                if isinstance(row, RowError):
                    out.append(row)
                    continue
                start, cells = row
                if self.distinct:
                    made = to_record.from_cells(headers, cells, f"line {start}")
                else:
                    made = to_record(dict(zip(headers, cells, strict=False)), f"line {start}")
                if derive is not None and type(made) is Record:
                    made.derived = derive(made.fields)
                out.append(made)
            return out

        if derive is not None and len(batch) >= parallel.PARALLEL_MIN_ITEMS:
            self.ctx.prepare()
        return parallel.map_in_halves(work, batch, _plain, _from_plain)


def _plain(value: Record | RowError) -> tuple[Any, ...]:
    if isinstance(value, RowError):
        return (value.locator, value.reason)
    return (value.fields, value.locator, value.key, value.extra, value.warnings, value.derived)


def _from_plain(value: tuple[Any, ...]) -> Record | RowError:
    if len(value) == 2:
        return RowError(*value)
    fields, locator, key, extra, warnings, derived = value
    return Record(
        fields=fields, locator=locator, key=key, extra=extra, warnings=warnings, derived=derived
    )


def describe_mapping(path: Path, ctx: ParseContext) -> dict[str, str | None]:
    """Column -> field as `--dry-run` shows it."""
    text = decode(read_head(path)).lstrip("\ufeff")
    delimiter = sniff_delimiter(text)
    lines = _excel_sep(text)[1].splitlines()[:_LOOK_AHEAD]
    sample = [r for r in csv.reader(lines, delimiter=delimiter) if "".join(r).strip()]
    header = sample[0] if sample else []
    if ctx.columns is not None or _headerless.first_row_is_data(header, sample[1:]):
        fields = ctx.columns or _headerless.infer(
            r for r in sample if not _headerless.is_heading(r)
        )
        return {f"column {i + 1}": f for i, f in enumerate(fields)}
    headers = _columns.unique_headers([_header_name(h, i) for i, h in enumerate(header)])
    return _columns.build_mapping(headers, ctx.column_map)


def _header_name(header: str, index: int) -> str:
    name = header.strip().lstrip("\ufeff")
    return name or f"column {index + 1}"


def _unglue_header(cells: list[str], header: list[str]) -> tuple[list[str], int]:
    """``[a, b, 'c"name', 'telephone', 'webAddress']`` -> ``[a, b, c]`` when the header is glued on."""
    n = len(header)
    if len(cells) != 2 * n - 1 or cells[n:] != header[1:]:
        return cells, 0
    last = cells[n - 1]
    for suffix in (f'"{header[0]}', header[0]):
        if last.endswith(suffix):
            return [*cells[: n - 1], last[: -len(suffix)]], 1
    return cells, 0
