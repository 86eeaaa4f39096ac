"""Make untrusted text safe for the place it goes: spreadsheets, HTML, Markdown."""

from __future__ import annotations

import re

from markupsafe import escape

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """Neutralise a cell a spreadsheet would run as a formula (CSV injection)."""
    if value and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def html_text(value: object) -> str:
    """Text for an HTML page: every character that could start markup is escaped."""
    return str(escape("" if value is None else str(value)))


# Inline, anywhere: code, emphasis, links and images, table cells, strikethrough.
_MD_INLINE = re.compile(r"([\\`*\[\]|~])")
# "_" makes emphasis only at a word's edge: "first_name" stays as it is.
_MD_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
# At the start of a line (a cell or list item can be one): lists, headings, rules.
_MD_BLOCK_START = re.compile(r"^(?:(\d{1,9})([.)])(?=\s|$)|([-+#=])(?=[\s#=-]|$))")


def markdown_text(value: object, *, line_start: bool = True) -> str:
    """Escape only what would change the Markdown, so imported text renders as written.

    "(id 5)", "1.4 mi" and "2026-12-05" stay as they are; "*", "`", "[", "|", a "_" at a
    word's edge, and (``line_start``: where the text may begin a line, as a list item or
    paragraph does, but a table cell does not) a list or heading marker at the start are
    escaped; "&", "<" and ">" become entities, so no inline HTML gets through.
    """
    text = "" if value is None else str(value)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = " ".join(text.split())
    text = _MD_INLINE.sub(r"\\\1", text)
    text = _MD_UNDERSCORE.sub(r"\\_", text)
    if not line_start:
        return text
    return _MD_BLOCK_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", text)
