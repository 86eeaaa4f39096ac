"""How `finder list` shows many therapists: a first page on screen, every row for machines.

A table shows the first ``PAGE`` therapists with the total and how to see more,
through the pager when the output is a terminal. JSON and CSV stream every row,
a few hundred therapists at a time, so a listing of 100,000 never holds them all.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable
from typing import Any

import click
import orjson

from finder.cli.options import OutputFormat

#: Therapists a table shows unless --limit or --all says otherwise.
PAGE = 50


def stream_rows(rows: Iterable[dict[str, Any]], output: OutputFormat, columns: list[str]) -> None:
    """Write rows as JSON (the same bytes as one sorted, indented array) or CSV, one by one."""
    out = sys.stdout
    if output is OutputFormat.JSON:
        first = True
        for row in rows:
            item = orjson.dumps(row, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2).decode()
            out.write(("[\n" if first else ",\n") + "  " + item.replace("\n", "\n  "))
            first = False
        out.write("[]\n" if first else "\n]\n")
        return
    # kept here: only listings write rows (markupsafe)
    from finder.report.safe import spreadsheet_safe

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([spreadsheet_safe(cell(row.get(c))) for c in columns])


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def page_size(limit: int | None, show_all: bool) -> int | None:
    """How many rows a table shows at most (None: every one)."""
    return None if show_all else limit or PAGE


def shown_count(limit: int | None, show_all: bool, total: int) -> int:
    """How many of ``total`` rows a table shows."""
    size = page_size(limit, show_all)
    return total if size is None else min(total, size)


def print_paged(console: Any, renderable: Any, rows: int) -> None:
    """Print, through the pager when a person reads a long table in a terminal."""
    if rows > 20 and sys.stdout.isatty():
        with console.capture() as captured:
            console.print(renderable)
        click.echo_via_pager(captured.get())
    else:
        console.print(renderable)
