"""The comparison as a terminal table: one column per candidate, sections of rows.

Candidates that do not fit the width go to the next table ("Candidates 4-6
of 12"), so nothing is squeezed to unreadable columns. Colour only repeats
what the markers already say ("!" red flag, "~" caution, ...), so the table
reads the same without colour (NO_COLOR is honoured by rich) and on paper.
Imported text is passed to rich as ``Text``, never as markup, so a name like
"[bold]..." is shown as written.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from finder.report.model import LEGEND, SCORE_NOTE, Candidate, Cell, Comparison, marked

if TYPE_CHECKING:
    from rich.console import RenderableType

LABEL_WIDTH = 18
MIN_COLUMN = 24
DEFAULT_WIDTH = 100

STYLES = {
    "red_flag": "bold red",
    "caution": "yellow",
    "con": "magenta",
    "pro": "green",
    "unknown": "dim",
    "empty": "dim italic",
}


def per_page(width: int, count: int) -> int:
    """How many candidate columns fit beside the row labels at ``width``."""
    usable = width - LABEL_WIDTH - 4  # the label column's borders and padding
    return max(1, min(count, usable // (MIN_COLUMN + 3)))


def _cell(cell: Cell) -> Text:
    text = Text()
    for index, (kind, line) in enumerate(cell.lines()):
        if index:
            text.append("\n")
        text.append(marked(kind, line), style=STYLES.get(kind or "", ""))
    return text


def _header(candidate: Candidate) -> Text:
    text = Text(candidate.heading, style="bold")
    if candidate.status:
        text.append(f"\n{candidate.status}", style="")
    if candidate.red_flags:
        count = len(candidate.red_flags)
        text.append(f"\n! {count} red flag{'s' if count > 1 else ''}", style="bold red")
    return text


def renderables(comparison: Comparison, width: int | None = None) -> list[RenderableType]:
    """The report as rich renderables, for a console that may have colour."""
    width = width or DEFAULT_WIDTH
    day = comparison.today.isoformat()
    out: list[RenderableType] = [
        Text(f"Comparison for profile {comparison.profile}, {day}", style="bold"),
        Text(SCORE_NOTE),
        Text(LEGEND),
    ]
    candidates = comparison.candidates
    size = per_page(width, len(candidates))
    chunks = [range(i, min(i + size, len(candidates))) for i in range(0, len(candidates), size)]
    for chunk in chunks:
        if len(chunks) > 1:
            out.append(Text(""))
            first, last = chunk[0] + 1, chunk[-1] + 1
            span = f"Candidate{'s' if last > first else ''} {first}" + (
                f"-{last}" if last > first else ""
            )
            span += f" of {len(candidates)}"
            out.append(Text(span, style="bold"))
        table = Table(box=box.SQUARE, expand=True, width=width, show_header=True)
        table.add_column("", width=LABEL_WIDTH, overflow="fold")
        for index in chunk:
            table.add_column(_header(candidates[index]), overflow="fold", ratio=1)
        for number, section in enumerate(comparison.sections):
            if number:
                table.add_section()
            table.add_row(Text(section.title.upper(), style="bold"), *("" for _ in chunk))
            for row in section.rows:
                table.add_row(Text(row.label), *(_cell(row.cells[i]) for i in chunk))
        out.append(table)
    out.extend(_footer(comparison))
    return out


def _footer(comparison: Comparison) -> list[RenderableType]:
    lines = [f"Report date: {comparison.today.isoformat()}", "Built from:"]
    lines += [f"  - {source}" for source in comparison.sources]
    lines += [f"Note: {note}" for note in comparison.notes]
    lines += ["", *comparison.disclaimers, "", "If you are in crisis:"]
    lines += [f"  {line}" for line in comparison.crisis]
    return [Text(""), Text("\n".join(lines))]


def render(comparison: Comparison, width: int | None = None) -> str:
    """Plain text without colour (for files, tests and pipes)."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width or DEFAULT_WIDTH,
        color_system=None,
        no_color=True,
        force_terminal=False,
        highlight=False,
        emoji=False,
        legacy_windows=False,
    )
    for renderable in renderables(comparison, width):
        console.print(renderable)
    return buffer.getvalue()
