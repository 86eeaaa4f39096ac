"""What the tabular importers (CSV/TSV, JSON lists, XLSX) share, beyond one row's reading.

``reader_for`` makes the ``RowReader`` for a file (with the country its headers' language
suggests), ``screened`` passes a batch of records through the whole-list checks
(``quality``), and ``headerless_records`` reads a file whose first row is data.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from finder.errors import ImportRefused
from finder.importers.base import ParseContext
from finder.importers.tabular import headerless, lookup, quality, synonyms
from finder.importers.tabular.rows import RowReader
from finder.records.models import Record, RowError

_PERSON = ("name", "first_name", "last_name")


def reader_for(
    mapping: dict[str, str | None], headers: Sequence[str], ctx: ParseContext, path: Path
) -> RowReader:
    """The row reader for a file with these headers; says once where its headers point."""
    assumed: list[str] = []
    language = synonyms.header_language(list(headers))
    if language is not None and ctx.country is None:
        assumed = synonyms.language_countries(language)
        if assumed and "country" not in mapping.values():
            ctx.warn(
                f"{path}: the column names are {synonyms.LANGUAGE_NAMES.get(language, language)}; "
                f"rows that do not say their country are taken as {'/'.join(assumed[:3])} "
                "(by their phone numbers); use --country to say which"
            )
    return RowReader(mapping, country=ctx.country, assumed=assumed)


def screened(
    batch: list[Record | RowError], ctx: ParseContext, path: Path
) -> list[Record | RowError]:
    """``batch`` after the whole-list checks (a contact every row shares is taken out)."""
    quality.screen(batch, ctx.warn, str(path))
    return batch


def headerless_records(
    path: Path, ctx: ParseContext, numbered: list[tuple[int, list[str]]]
) -> Iterator[Record | RowError]:
    """A file whose first row is data: each section's columns inferred from its cells (or
    named by ``--columns``); a section's heading is its records' source directory."""
    parts = list(headerless.sections(numbered))
    rows = [cells for part in parts for _, cells in part.rows]
    fields = ctx.columns or headerless.infer(rows)
    headers = [f"column {i + 1}" for i in range(max(len(fields), *map(len, rows or [[]])))]
    mapping = dict(zip(headers, [*fields, *[None] * len(headers)], strict=False))
    sample = [dict(zip(headers, r, strict=False)) for r in rows[: headerless.SAMPLE_ROWS]]
    kind = lookup.what_table(headers, mapping, sample)
    if kind is not None:
        raise ImportRefused(path, lookup.refusal(kind, len(rows)))
    if not any(f in _PERSON for f in fields):
        raise ImportRefused(
            path,
            "the file has no header row and no column of it holds names "
            f"({headerless.describe(fields[:8])}); name its columns with --columns name,phone,...",
        )
    if ctx.columns is None:
        ctx.warn(
            f"{path}: no header row; columns inferred from their content: "
            f"{headerless.describe(fields)} (to name them yourself: --columns)"
        )
    headings = [p.heading for p in parts if p.heading]
    if headings:
        shown = ", ".join(h[:30] for h in headings[:6]) + (", ..." if len(headings) > 6 else "")
        ctx.warn(
            f"{path}: {len(headings)} section headings ({shown}); each is kept as its rows' "
            "source directory"
        )
    out: list[Record | RowError] = []
    for part in parts:
        out.extend(_section(part, fields, headers, ctx, path))
    yield from screened(out, ctx, path)


def _section(
    part: headerless.Section,
    fields: list[str | None],
    headers: list[str],
    ctx: ParseContext,
    path: Path,
) -> Iterator[Record | RowError]:
    own = fields
    if ctx.columns is None and len(part.rows) >= headerless.MIN_SECTION_ROWS:
        inferred = headerless.infer(cells for _, cells in part.rows)
        if any(f in _PERSON for f in inferred):
            own = inferred
    mapping = dict(zip(headers, [*own, *[None] * len(headers)], strict=False))
    reader = reader_for(mapping, [], ctx, path)
    name_at = own.index("name") if "name" in own and ctx.columns is None else None
    for number, cells in part.rows:
        cell = cells[name_at] if name_at is not None and name_at < len(cells) else ""
        if name_at is not None and cell.strip() and headerless.kind_of(cell) != "name":
            yield RowError(f"line {number}", f"column {name_at + 1} holds no name; row skipped")
            continue
        made = reader.from_cells(headers, cells, f"line {number}")
        if part.heading and type(made) is Record:
            made.extra["directory"] = part.heading
        if ctx.derive is not None and type(made) is Record:
            made.derived = ctx.derive(made.fields)
        yield made
