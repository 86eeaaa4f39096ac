"""The output formats of the comparison report, chosen by one enum.

``to_format`` maps a ``ReportFormat`` to its renderer; the ``assert_never``
makes mypy fail when a member is added without one, and a test renders a
report in every member. Each renderer module is imported only when used.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Protocol, assert_never

from finder.records.normalize.text import json_visible, visible

if TYPE_CHECKING:
    from finder.report.model import Comparison


class ReportFormat(StrEnum):
    TERMINAL = "terminal"
    MARKDOWN = "md"
    HTML = "html"
    CSV = "csv"
    JSON = "json"

    @property
    def suffix(self) -> str:
        return {"terminal": ".txt", "md": ".md"}.get(self.value, f".{self.value}")

    @classmethod
    def from_suffix(cls, suffix: str) -> ReportFormat | None:
        """The format a file name asks for (``.md``, ``.markdown``, ``.htm``...), if any."""
        wanted = suffix.lower().lstrip(".")
        aliases = {"markdown": "md", "htm": "html", "txt": "terminal"}
        try:
            return cls(aliases.get(wanted, wanted))
        except ValueError:
            return None


class Renderer(Protocol):
    def __call__(self, comparison: Comparison, width: int | None = None) -> str: ...


def to_format(fmt: ReportFormat) -> Renderer:
    """The renderer of ``fmt``."""
    match fmt:
        case ReportFormat.TERMINAL:
            # kept here: each format's renderer loads only when it is chosen
            from finder.report import terminal

            return terminal.render
        case ReportFormat.MARKDOWN:
            # kept here: each format's renderer loads only when it is chosen
            from finder.report import markdown

            return markdown.render
        case ReportFormat.HTML:
            # kept here: each format's renderer loads only when it is chosen
            from finder.report import html

            return html.render
        case ReportFormat.CSV:
            # kept here: each format's renderer loads only when it is chosen
            from finder.report import tabular

            return tabular.render_csv
        case ReportFormat.JSON:
            # kept here: each format's renderer loads only when it is chosen
            from finder.report import tabular

            return tabular.render_json
        case _:
            assert_never(fmt)


def render(comparison: Comparison, fmt: ReportFormat, width: int | None = None) -> str:
    """The report as text in ``fmt``; ``width`` only matters for the terminal layout.

    Whatever the format, no control character from the data is left raw in it: shown as
    ``\\x1b`` in text, written as a ``\\u001b`` escape in JSON.
    """
    text = to_format(fmt)(comparison, width)
    return json_visible(text) if fmt is ReportFormat.JSON else visible(text)
