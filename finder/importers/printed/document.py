"""Open a printed directory, choose its pages, and read them into entries.

A first pass takes each page's plain text (fast) to find the pages with a
behavioural-health heading; a run of such pages is read with word positions,
with the page after it (a section can end partway down a page). A PDF that
cannot be read is refused here with the reason in one line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from finder.errors import ImportRefused
from finder.importers.printed import layout
from finder.importers.printed.entries import Entry, Heading, last_heading, split_entries
from finder.importers.printed.furniture import Furniture
from finder.importers.printed.plan import plan_name
from finder.importers.printed.sections import is_behavioural, parse_page_range, scan_page

#: Pages of plain text read for the plan's name (the cover and the welcome pages).
_FRONT_PAGES = 14
_SAMPLE_PAGES = 8
#: Called with the share of the work done (0..1), for the progress bar.
Tick = Callable[[float], None]


@dataclass
class Read:
    """What was read: entries with the section each stands in, and the counts."""

    entries: list[tuple[Entry, bool]] = field(default_factory=list)  # (entry, section says BH)
    headings: list[Heading] = field(default_factory=list)
    legend: dict[str, str] = field(default_factory=dict)
    plan: str | None = None
    page_count: int = 0
    pages_read: int = 0
    read_all: bool = False
    entries_seen: int = 0

    @property
    def skipped(self) -> int:
        return self.page_count - self.pages_read


def _check_file(path: Path) -> None:
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - 4096))
        tail = fh.read()
    if b"%%EOF" not in tail:
        raise ImportRefused(path, "this PDF is cut off (an unfinished download?); nothing imported")


def _open(path: Path) -> Any:
    _check_file(path)
    try:
        return layout.open_document(str(path))
    except layout.PdfError as err:
        if "password" in str(err).lower():
            raise ImportRefused(
                path, "this PDF is encrypted (password-protected); nothing imported"
            ) from None
        raise ImportRefused(
            path, f"this PDF cannot be read ({str(err).split(':')[0].lower()}); nothing imported"
        ) from None


def _plain_text(doc: Any, index: int) -> str:
    page = doc[index]
    textpage = page.get_textpage()
    try:
        return str(textpage.get_text_range())
    finally:
        textpage.close()
        page.close()


def _choose(
    doc: Any, count: int, all_pages: bool, pages: str | None, tick: Tick
) -> tuple[list[int], str]:
    """The 0-based pages to read, and the plain text of the front pages."""
    front = "\n\f".join(_plain_text(doc, i) for i in range(min(count, _FRONT_PAGES)))
    if pages:
        try:
            first, last = parse_page_range(pages)
        except ValueError as err:
            raise ValueError(str(err)) from None
        return list(range(first - 1, min(last, count))), front
    if all_pages:
        return list(range(count)), front
    marked = []
    for i in range(count):
        if scan_page(_plain_text(doc, i)):
            marked.append(i)
        tick(0.5 * (i + 1) / count)
    return marked or list(range(count)), front


def _runs(indices: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for i in indices:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _page(doc: Any, index: int) -> tuple[list[layout.Line], float, str]:
    """A page's lines in reading order, its height, and the text of its foot."""
    page = doc[index]
    textpage = page.get_textpage()
    try:
        runs = layout.page_runs(page, textpage)
        width, height = page.get_width(), page.get_height()
        return (
            layout.page_lines(runs, index + 1, width, height),
            height,
            layout.foot_text(runs, height),
        )
    finally:
        textpage.close()
        page.close()


def _no_text(doc: Any, count: int) -> bool:
    step = max(1, count // _SAMPLE_PAGES)
    return not any(_plain_text(doc, i).strip() for i in range(0, count, step))


def read(path: Path, *, pages: str | None, all_pages: bool, tick: Tick) -> Read:
    """Read the directory at ``path``: its plan, legend and behavioural-health entries."""
    doc = _open(path)
    try:
        return _read(path, doc, pages, all_pages, tick)
    except layout.PdfError:
        raise ImportRefused(
            path, "this PDF is damaged: a page cannot be read; nothing imported"
        ) from None
    finally:
        doc.close()


def _read(path: Path, doc: Any, pages: str | None, all_pages: bool, tick: Tick) -> Read:
    """The work of ``read`` on an open document."""
    count = len(doc)
    if count == 0 or _no_text(doc, count):
        raise ImportRefused(
            path,
            "this PDF has no text layer (a scan?); finder does not read images of text "
            "(no OCR); nothing imported",
        )
    try:
        indices, front = _choose(doc, count, all_pages, pages, tick)
    except ValueError as err:
        raise ImportRefused(path, f"{err}; nothing imported") from None
    result = Read(plan=plan_name(front), page_count=count, pages_read=len(indices))
    result.read_all = bool(pages) or all_pages or len(indices) == count
    _read_pages(doc, indices, result, tick, extend=not (pages or all_pages))
    return result


def _read_pages(doc: Any, indices: list[int], result: Read, tick: Tick, extend: bool) -> None:
    """Read the chosen pages run by run; with ``extend``, each section on to its end.

    The furniture is learnt from a sample of the pages first, then from each page as it
    is read, so that only one run of pages is held at a time.
    """
    furniture = Furniture()
    sample = set(indices[:: max(1, len(indices) // _SAMPLE_PAGES)][:_SAMPLE_PAGES])
    for i in sorted(sample):
        furniture.learn(*_page(doc, i)[:2])
    queue = sorted(indices)
    run: list[tuple[int, list[layout.Line], float, str]] = []
    n = 0
    while n < len(queue):
        i = queue[n]
        n += 1
        page_lines, height, foot = _page(doc, i)
        if i not in sample:
            furniture.learn(page_lines, height)
        tick(0.5 + 0.5 * n / len(queue))
        goes_on = extend and i + 1 < len(doc) and i + 1 not in queue
        if goes_on and _section_goes_on(page_lines, height, furniture):
            queue.insert(n, i + 1)
        if run and run[-1][0] != i - 1:
            _split_run(run, furniture, result)
            run = []
        run.append((i, page_lines, height, foot))
    if run:
        _split_run(run, furniture, result)
    result.pages_read = len(queue)
    result.legend = furniture.legend
    result.entries_seen = len(result.entries)


def _split_run(
    run: list[tuple[int, list[layout.Line], float, str]], furniture: Furniture, result: Read
) -> None:
    """The entries and headings of consecutive pages, each entry with its page's section."""
    lines: list[layout.Line] = []
    section: dict[int, bool] = {}
    for i, page_lines, height, foot in run:
        body = furniture.strip(page_lines, height, foot)
        kept = {id(line) for line in body}
        margin = [line for line in page_lines if id(line) not in kept]
        section[i + 1] = any(is_behavioural(line.text) for line in margin)
        lines.extend(body)
    if not lines:
        return
    layout.mark_breaks(lines)
    entries, headings = split_entries(lines)
    result.headings.extend(headings)
    result.entries.extend((e, section.get(e.first_page, False)) for e in entries)


def _section_goes_on(lines: list[layout.Line], height: float, furniture: Furniture) -> bool:
    """Whether a behavioural-health section runs on past this page.

    It does when the last heading in the page's body is one, or the page has none; a
    running header (furniture) marks each page of its section by itself instead.
    """
    body = furniture.strip(lines, height)
    kept = {id(line) for line in body}
    if any(is_behavioural(line.text) for line in lines if id(line) not in kept):
        return False
    layout.mark_breaks(body)
    heading = last_heading(body)
    return heading is None or is_behavioural(heading)
