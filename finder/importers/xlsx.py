"""Excel workbooks (.xlsx): the first sheet with a header row naming therapists."""

from __future__ import annotations

import itertools
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from finder.errors import ImportRefused
from finder.importers import tabular as _tabular
from finder.importers.base import ParseContext, check_size, is_zip
from finder.importers.tabular import columns as _columns
from finder.importers.tabular import lookup as _lookup
from finder.records.models import Record, RowError

NAME = "xlsx"
DESCRIPTION = "Excel workbook (.xlsx), first sheet with a header row"

MAX_BYTES = 100 * 1024 * 1024
MAX_UNPACKED = 500 * 1024 * 1024
MAX_RATIO = 200


def sniff(path: Path, head: bytes) -> float:
    if not is_zip(head):
        return 0.0
    return 0.9 if b"xl/" in head or b"[Content_Types].xml" in head else 0.3


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError) as err:
        # A damaged directory can also name a zip version or a feature Python cannot read.
        raise ImportRefused(path, f"not a readable .xlsx workbook ({err})") from None
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > MAX_UNPACKED or total / packed > MAX_RATIO:
        raise ImportRefused(
            path, f"workbook unpacks to {total // (1024 * 1024)} MB; refused as unsafe"
        )
    if not any(i.filename.startswith("xl/") for i in infos):
        raise ImportRefused(path, "a zip archive, but not an Excel workbook")


def parse(path: Path, ctx: ParseContext) -> Iterator[Record | RowError]:
    check_size(path, MAX_BYTES)
    _check_zip(path)
    # kept here: openpyxl (100 ms) loads only for a workbook
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds for broken files
        raise ImportRefused(path, f"not a readable .xlsx workbook ({type(err).__name__})") from None
    try:
        for sheet in book.worksheets:
            rows = sheet.iter_rows(values_only=True)
            head = list(itertools.islice(rows, _LOOKUP_ROWS))
            kind, sampled = _lookup_table(head, ctx)
            if kind is not None:
                raise ImportRefused(path, _lookup.refusal(kind, sampled + _data_rows(rows)))
            rows = itertools.chain(head, rows)
            found = _find_header(rows, ctx)
            if found is None:
                continue
            yield from _sheet_records(path, ctx, sheet.title, rows, found)
            return
    finally:
        book.close()
    raise ImportRefused(path, "no sheet has a header row with a name column; use --map COLUMN=name")


_LOOKUP_ROWS = 61  # a header and the sample ``lookup.what_table`` reads


def _filled(values: tuple[Any, ...] | None) -> bool:
    return values is not None and any(v not in (None, "") for v in values)


def _data_rows(rows: Any) -> int:
    return sum(1 for values in rows if _filled(values))


def _lookup_table(head: list[tuple[Any, ...]], ctx: ParseContext) -> tuple[str | None, int]:
    """What a sheet is when its first row heads a lookup table (a taxonomy code set, a list
    of networks), with or without a column a name could be read from, and how many rows
    of ``head`` follow that header; ``None`` for anything else."""
    head = [values for values in head if _filled(values)]
    if not head:
        return None, 0
    cells = [str(v).strip() if v is not None else "" for v in head[0]]
    headers = _columns.unique_headers([c or f"column {i + 1}" for i, c in enumerate(cells)])
    mapping = _columns.build_mapping(headers, ctx.column_map)
    sample = [{h: _cell(v) for h, v in zip(headers, values, strict=False)} for values in head[1:]]
    return _lookup.what_table(headers, mapping, sample), len(sample)


def _sheet_records(
    path: Path,
    ctx: ParseContext,
    title: str,
    rows: Iterator[tuple[Any, ...]],
    found: tuple[int, list[str], dict[str, str | None]],
) -> Iterator[Record | RowError]:
    header_row, headers, mapping = found
    numbered = [
        (number, {h: _cell(v) for h, v in zip(headers, values, strict=False)})
        for number, values in enumerate(rows, start=header_row + 1)
        if values is not None and any(v not in (None, "") for v in values)
    ]
    kind = _lookup.what_table(headers, mapping, [row for _, row in numbered[:60]])
    if kind is not None:
        raise ImportRefused(path, _lookup.refusal(kind, len(numbered)))
    reader = _tabular.reader_for(mapping, headers, ctx, path)
    out = [reader(row, f"sheet {title!r} row {number}") for number, row in numbered]
    yield from _tabular.screened(out, ctx, path)


def describe_mapping(path: Path, ctx: ParseContext) -> dict[str, str | None] | None:
    # kept here: openpyxl (100 ms) loads only for a workbook
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for sheet in book.worksheets:
            found = _find_header(sheet.iter_rows(values_only=True), ctx)
            if found is not None:
                return found[2]
    finally:
        book.close()
    return None


def _find_header(
    rows: Iterator[tuple[Any, ...]], ctx: ParseContext
) -> tuple[int, list[str], dict[str, str | None]] | None:
    for number, values in enumerate(rows, start=1):
        if number > 20:
            return None
        cells = [str(v).strip() if v is not None else "" for v in values]
        if not any(cells):
            continue
        headers = _columns.unique_headers([c or f"column {i + 1}" for i, c in enumerate(cells)])
        mapping = _columns.build_mapping(headers, ctx.column_map)
        if any(f in ("name", "first_name", "last_name") for f in mapping.values()):
            return number, headers, mapping
    return None


def _cell(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
