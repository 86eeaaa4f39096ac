"""A printed page as lines of text in reading order, read with pypdfium2.

PDFium reports a page's text as runs ("rects"), each with its box. A run is kept
whole; runs on one baseline in one column become a line. Columns are found from
the page itself: an upright strip that (almost) no run crosses is a gutter. A
run that does cross a gutter (a heading over the whole page) splits the page into
bands, read top to bottom, each band's columns left to right. Nothing here knows
what a directory is; ``Line`` only carries what the page shows.
"""

from __future__ import annotations

import ctypes
import itertools
import re
from dataclasses import dataclass
from typing import Any

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped]

#: A strip this wide (points) with no run in it separates two columns.
_MIN_GUTTER = 3.0
#: Runs lower than this (points) are invisible text some printers add for search.
_MIN_HEIGHT = 2.0
#: Shares of the page height above and below which headers, footers and legends run.
_TOP_MARGIN = 0.095
_BOTTOM_MARGIN = 0.85
#: Runs on one row further apart than this (points) are separate lines.
_WORD_GAP = 24.0
_BOLD_NAME = re.compile(r"bold|black|heavy|demi|semibold", re.I)


@dataclass
class Line:
    """One line of one column: its text and where it stands on the page."""

    text: str
    x0: float
    x1: float
    top: float  # distance from the top of the page, in points
    bottom: float
    bold: bool
    page: int  # 1-based
    column: int = 0
    col_x0: float = 0.0
    col_x1: float = 0.0
    gap: bool = False  # blank space above it (a new block starts)
    brk: bool = False  # first line of a column or a page

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass
class _Run:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    bold: bool


def _boxes(textpage: Any) -> list[tuple[float, float, float, float, str]]:
    """PDFium's text rects, those side by side on one line merged into words and phrases.

    Some printers (browsers) place every glyph on its own; a gap narrower than about a
    third of the line's height is inside a phrase (a quarter of it makes a space), a
    wider one separates columns.
    """
    boxes: list[list[Any]] = []
    for i in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(i)
        text = textpage.get_text_bounded(left, bottom, right, top)
        if len(text) == 2 and right - left < 0.9 * (top - bottom):
            # One glyph's box took in the neighbour a kerned pair ("Te") overlaps it with.
            inset = 0.3 * (right - left)
            text = textpage.get_text_bounded(left + inset, bottom, right - inset, top)
        if boxes:
            last = boxes[-1]
            height = last[3] - last[1]
            on_line = last[1] - 1 <= (top + bottom) / 2 <= last[3] + 1
            gap = left - last[2]
            if on_line and left >= last[0] and gap < 0.35 * height:
                space = " " if gap > 0.25 * height and not last[4].endswith(" ") else ""
                last[2], last[4] = max(right, last[2]), f"{last[4]}{space}{text}"
                continue
        boxes.append([left, bottom, right, top, text])
    return [
        (box[0], box[1], box[2], box[3], box[4]) for box in boxes if box[3] - box[1] >= _MIN_HEIGHT
    ]


def page_runs(page: Any, textpage: Any) -> list[_Run]:
    """The visible text runs of one page, with top-down coordinates."""
    height = page.get_height()
    runs = []
    font = ctypes.create_string_buffer(96)
    flags = ctypes.c_int()
    for left, bottom, right, top, text in _boxes(textpage):
        if not text.strip():
            continue
        bold = False
        index = textpage.get_index(left + 0.5, (top + bottom) / 2, 2, 2)
        if index is not None and index >= 0:
            pdfium_c.FPDFText_GetFontInfo(textpage, index, font, 96, ctypes.byref(flags))
            weight = pdfium_c.FPDFText_GetFontWeight(textpage, index)
            bold = bool(_BOLD_NAME.search(font.value.decode("latin-1"))) or weight >= 600
        runs.append(_Run(text, left, right, height - top, height - bottom, bold))
    return runs


def _gutters(runs: list[_Run], width: float, height: float) -> list[tuple[float, float]]:
    """Upright strips at most a few runs cross: the spaces between columns.

    The margins (where headers, footers and legends run across the page) do not count.
    """
    runs = [r for r in runs if height * _TOP_MARGIN < r.top and r.bottom < height * _BOTTOM_MARGIN]
    if not runs:
        return []
    size = max(0, int(width)) + 2
    steps = [0] * (size + 1)
    for run in runs:
        steps[min(size, max(0, int(run.x0)))] += 1
        steps[min(size, max(0, int(run.x1) + 1))] -= 1
    cover = list(itertools.accumulate(steps))
    allowed = max(1, len(runs) // 40)
    left = min(size, max(0, min(int(r.x0) for r in runs)))
    right = min(size, max(0, max(int(r.x1) for r in runs)))
    gutters: list[tuple[float, float]] = []
    start = None
    for x in range(left, right + 1):
        if cover[x] <= allowed:
            start = x if start is None else start
            continue
        if start is not None and x - start >= _MIN_GUTTER and start > left:
            if gutters and start - gutters[-1][1] <= 3:  # one gutter that a stray comma splits
                start = int(gutters.pop()[0])
            gutters.append((float(start), float(x)))
        start = None
    return gutters


def _column_of(run: _Run, gutters: list[tuple[float, float]]) -> int | None:
    """The column a run lies in, or None when it runs across a gutter."""
    centre = (run.x0 + run.x1) / 2
    col = 0
    for g0, g1 in gutters:
        if run.x0 < g0 - 1 and run.x1 > g1 + 1:
            return None
        if centre > (g0 + g1) / 2:
            col += 1
    return col


def _lines_of(runs: list[_Run], page: int) -> list[Line]:
    """Runs of one column (or one margin) joined into lines, top to bottom."""
    rows: list[list[_Run]] = []
    for run in sorted(runs, key=lambda r: (r.top, r.x0)):
        mid = (run.top + run.bottom) / 2
        for row in reversed(rows[-3:]):
            top, bottom = min(r.top for r in row), max(r.bottom for r in row)
            if top <= mid <= bottom or abs(top - run.top) < 2:
                row.append(run)
                break
        else:
            rows.append([run])
    lines: list[Line] = []
    for row in rows:
        row.sort(key=lambda r: r.x0)
        first = row[0]
        line = Line(first.text, first.x0, first.x1, first.top, first.bottom, first.bold, page)
        lines.append(line)
        for run in row[1:]:
            if run.x0 - line.x1 > _WORD_GAP:  # far apart: two pieces of a margin
                line = Line(run.text, run.x0, run.x1, run.top, run.bottom, run.bold, page)
                lines.append(line)
            else:
                _join(line, run)
    for line in lines:
        line.text = " ".join(line.text.split())
        if line.text.startswith(", "):  # a stray comma printed left of the line
            line.text = line.text[2:]
    return [line for line in lines if line.text]


def _join(line: Line, run: _Run) -> None:
    left, right = line.text, run.text
    spaced = run.x0 - line.x1 >= 1.5 or left.endswith(" ") or right.startswith(" ")
    right = right.lstrip()
    space = " " if spaced and not right.startswith((",", ".", ";", ":", ")")) else ""
    line.text = f"{left.rstrip()}{space}{right}"
    line.x0, line.x1 = min(line.x0, run.x0), max(line.x1, run.x1)
    line.top, line.bottom = min(line.top, run.top), max(line.bottom, run.bottom)
    line.bold = line.bold and run.bold


def page_lines(runs: list[_Run], page: int, width: float, height: float) -> list[Line]:
    """A page's lines in reading order: bands split by spanning lines, columns in each."""
    gutters = _gutters(runs, width, height)
    spanning = [r for r in runs if _column_of(r, gutters) is None]
    cuts = sorted({round(r.top, 1) for r in spanning})
    bands: list[list[_Run]] = [[] for _ in range(len(cuts) + 1)]
    for run in runs:
        bands[sum(1 for c in cuts if run.top >= c - 0.5)].append(run)
    edges = [0.0, *(g[1] for g in gutters)]
    ends = [*(g[0] for g in gutters), width]
    for index in range(len(edges)):
        own = [r for r in runs if _column_of(r, gutters) == index]
        if own:  # the column's own text edges, for telling centred headings
            edges[index] = min(r.x0 for r in own)
            ends[index] = max(r.x1 for r in own)
    out: list[Line] = []
    for band in bands:
        cross = [r for r in band if _column_of(r, gutters) is None]
        out.extend(_lines_of(cross, page))
        for col in range(len(gutters) + 1):
            mine = [r for r in band if _column_of(r, gutters) == col]
            for line in _lines_of(mine, page):
                line.column, line.col_x0, line.col_x1 = col, edges[col], ends[col]
                out.append(line)
    return out


def foot_text(runs: list[_Run], height: float) -> str:
    """The text of the page's foot, row by row across the whole width (where legends stand)."""
    rows: list[list[_Run]] = []
    for run in sorted((r for r in runs if r.top >= height * _BOTTOM_MARGIN), key=lambda r: r.top):
        first = rows[-1][0] if rows else None
        if first and first.top - 1 <= (run.top + run.bottom) / 2 <= first.bottom + 1:
            rows[-1].append(run)
        else:
            rows.append([run])
    return " ".join(
        " ".join(r.text.strip() for r in sorted(row, key=lambda r: r.x0)) for row in rows
    )


def mark_breaks(lines: list[Line]) -> None:
    """Flag the first line of each column and each line with blank space above it."""
    pitches = sorted(
        b.top - a.top
        for a, b in itertools.pairwise(lines)
        if a.page == b.page and a.column == b.column and 0 < b.top - a.top < 40
    )
    pitch = pitches[len(pitches) // 3] if pitches else 14.0
    prev: Line | None = None
    for line in lines:
        if prev is None or prev.page != line.page or prev.column != line.column:
            line.brk = True
        elif line.top - prev.top > pitch * 1.3 or line.top < prev.top:
            line.gap = True
        prev = line


def open_document(path: str) -> Any:
    """The document, or the ``PdfiumError`` that says why it cannot be opened."""
    return pdfium.PdfDocument(path)


PdfError = pdfium.PdfiumError
