"""Page furniture: what is printed on every page and is never an entry.

Running headers and footers, page numbers, document codes and the legend of
codes at the foot of each page. A line in the top or bottom margin band is
furniture when it is a page number or a code, or when the same text (digits
aside) stands at the same height on several pages. The legend (``W =Wheelchair
PT =...``) is kept apart: its codes are decoded in the entries.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from finder.importers.printed.layout import Line

_TOP_BAND = 0.095
_BOTTOM_BAND = 0.85
_PAGE_NUMBER = re.compile(
    r"^(?:page|seite|página|pagina|p\.)?\s*[-–]?\s*\d{1,4}\s*[-–]?"
    r"(?:\s*(?:of|von|de|/)\s*\d{1,4})?$",
    re.I,
)
_CODE = re.compile(r"^(?=\S*\d)(?=\S*[A-Za-z])[A-Za-z0-9._\-/]{8,}$")
_LEGEND_ITEM = re.compile(r"(?:^|\s)([A-Z]{1,3})\s?=\s?(?=[A-Z(])")
_DIGITS = re.compile(r"\d+")


def _in_band(line: Line, height: float) -> str | None:
    if line.bottom <= height * _TOP_BAND:
        return "top"
    if line.top >= height * _BOTTOM_BAND:
        return "bottom"
    return None


def _signature(line: Line) -> tuple[str, int]:
    return _DIGITS.sub("#", line.text.lower()), round(line.top / 4)


def is_legend(text: str) -> bool:
    return len(_LEGEND_ITEM.findall(text)) >= 2


class Furniture:
    """Learns the furniture of a document from the pages read, then strips it."""

    def __init__(self) -> None:
        self.seen: Counter[tuple[str, int]] = Counter()
        self.pages = 0
        self.legend: dict[str, str] = {}

    def learn(self, lines: Iterable[Line], height: float) -> None:
        self.pages += 1
        for sig in {_signature(line) for line in lines if _in_band(line, height)}:
            self.seen[sig] += 1

    def strip(self, lines: list[Line], height: float, foot: str = "") -> list[Line]:
        """The page's lines without furniture; the legend in its ``foot`` is remembered."""
        repeated = 3 if self.pages >= 4 else 2
        has_legend = is_legend(foot)
        if has_legend and not self.legend:
            self.legend = parse_legend(foot)
        body: list[Line] = []
        for line in lines:
            band = _in_band(line, height)
            if band is None:
                body.append(line)
            elif band == "bottom" and has_legend and line.text in foot:
                continue
            elif not (
                _PAGE_NUMBER.match(line.text)
                or _CODE.match(line.text)
                or self.seen[_signature(line)] >= repeated
            ):
                body.append(line)
        return body


def parse_legend(text: str) -> dict[str, str]:
    """``"W =Wheelchair PT =Near transit. Unless noted..."`` -> ``{"W": "Wheelchair", ...}``."""
    out: dict[str, str] = {}
    marks = list(_LEGEND_ITEM.finditer(text))
    for mark, after in zip(marks, [*marks[1:], None], strict=False):
        end = after.start() if after is not None else len(text)
        meaning = text[mark.end() : end].strip()
        meaning = re.split(r"\.\s", meaning, maxsplit=1)[0].strip(" .")
        if meaning:
            out[mark.group(1)] = meaning
    return out
