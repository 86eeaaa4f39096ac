"""Printed provider directories and lists (text PDFs) -> one record per listing.

Insurers print their networks as PDFs of hundreds of pages, three columns a
page, every specialty; associations print search results as one-column lists.
Both are read from the words on the page and where they stand (pypdfium2):
columns in reading order, page furniture (running headers, page numbers,
legends, document codes) left out, entries followed across columns and pages.

Only the behavioural-health sections are read, found by their headings (see
``printed.sections``); ``--pages`` and ``--all-specialties`` override. The plan
the directory is for becomes each record's listed insurance: a claim to confirm,
like the directory's "Accepting New Patients". A clinician printed once per
office gives one record per office, which the merge joins into one therapist.
A scan without a text layer, an encrypted or cut-off PDF, and a PDF that lists
no one are refused in one line each.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from finder.errors import ImportRefused
from finder.importers.base import ParseContext, is_pdf
from finder.importers.printed import document
from finder.importers.printed.records import make_records
from finder.records.models import Record, RowError

NAME = "pdf"
DESCRIPTION = "Printed provider directories and lists (text PDFs; behavioural-health sections)"


def sniff(path: Path, head: bytes) -> float:
    return 0.95 if is_pdf(head) else 0.0


def parse(path: Path, ctx: ParseContext) -> Iterator[Record | RowError]:
    size = path.stat().st_size

    def tick(share: float) -> None:
        ctx.progress(int(size * share))

    read = document.read(path, pages=ctx.pages, all_pages=ctx.all_taxonomies, tick=tick)
    if read.skipped and ctx.pages:
        ctx.warn(f"{path.name}: read pages {ctx.pages} ({read.pages_read} of {read.page_count})")
    elif read.skipped:
        ctx.warn(
            f"{path.name}: read {read.pages_read} of {read.page_count} pages "
            f"(behavioural-health sections); skipped {read.skipped} pages; "
            "--pages or --all-specialties read others"
        )
    records = make_records(read, str(path))
    if not records or sum(1 for e, _ in read.entries if e.identified()) < 2:
        raise ImportRefused(path, _nothing_found(read))
    yield from records


def _nothing_found(read: Any) -> str:
    listed = sum(1 for entry, _ in read.entries if entry.identified())
    if listed >= 2:
        return (
            f"{listed} listings found, none in a behavioural-health section; "
            "nothing imported (--all-specialties reads every section)"
        )
    return "no provider listings found: this PDF does not look like a directory; nothing imported"
