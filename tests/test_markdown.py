"""Markdown output read by a Markdown renderer: it shows the text as written, no stray backslashes.

markdown-it-py (a CommonMark renderer, with GitHub's tables and strikethrough) stands in for
the viewers people open our .md files with.
"""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from test_report_store import full_store

from finder.report.compare import build
from finder.report.formats import ReportFormat, render
from finder.report.safe import markdown_text
from finder.storage.export import ExportFormat, write

MD = MarkdownIt("commonmark").enable("table").enable("strikethrough")


def shown_text(markdown: str) -> str:
    """What a reader sees: the rendered HTML without its tags, entities decoded."""
    rendered = MD.render(markdown)
    return html.unescape(re.sub(r"<[^>]+>", " ", rendered))


def flat(text: str) -> str:
    return " ".join(text.split())


TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn")), max_size=40)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_escaped_text_renders_as_written_anywhere(text: str) -> None:
    escaped = markdown_text(text)
    expected = flat(text)
    assert flat(shown_text(escaped)) == expected  # a paragraph
    assert flat(shown_text(f"- {escaped}")) == expected  # a list item
    assert flat(shown_text(f"| a |\n|---|\n| {escaped} |")) == flat(f"a {text}")  # a table cell
    in_cell = markdown_text(text, line_start=False)
    assert flat(shown_text(f"| a |\n|---|\n| {in_cell} |")) == flat(f"a {text}")


@pytest.mark.parametrize(
    ("text", "escaped"),
    [("(id 5)", "(id 5)"), ("1.4 mi", "1.4 mi"), ("2026-12-05", "2026-12-05"),
     ("first_name", "first_name"), ("$120-$160", "$120-$160"), ("- a list?", "\\- a list?"),
     ("1. first", "1\\. first"), ("a | b", "a \\| b"), ("*bold*", "\\*bold\\*"),
     ("<b>x</b>", "&lt;b&gt;x&lt;/b&gt;")],
)  # fmt: skip
def test_only_what_would_change_the_markdown_is_escaped(text: str, escaped: str) -> None:
    assert markdown_text(text) == escaped


def test_the_markdown_report_reads_like_the_terminal_report(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = full_store(monkeypatch)
    comparison = build(store, None, None, today=date(2025, 1, 15))
    markdown = render(comparison, ReportFormat.MARKDOWN, width=100)
    terminal = render(comparison, ReportFormat.TERMINAL, width=100)
    seen = flat(shown_text(markdown))
    assert "\\" not in seen
    assert "\\(" not in markdown and "\\." not in markdown and "\\-" not in markdown
    # Every cell the terminal shows reads the same in the rendered Markdown.
    for section in comparison.sections:
        for row in section.rows:
            for cell in row.cells:
                text = flat(str(getattr(cell, "text", "") or ""))
                if text and text in flat(terminal):
                    assert text in seen, text


def test_the_markdown_export_renders_without_backslashes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = full_store(monkeypatch)
    payload, _ = write(store, ExportFormat("md"), None)
    markdown = payload.decode("utf-8")
    seen = shown_text(markdown)
    assert "\\" not in seen
    assert re.search(r"\d{4}-\d{2}-\d{2}", markdown)
