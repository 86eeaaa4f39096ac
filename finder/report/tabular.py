"""The comparison for machines: JSON (stable, documented) and CSV (safe in a spreadsheet).

JSON (``finder compare --format json``), keys sorted, version 1::

    {
      "format": "finder-compare", "version": 1,
      "profile": "me", "date": "YYYY-MM-DD", "score_note": "...",
      "candidates": [                      # in the order compared
        {"id": 3, "name": "...", "status": "contacted" | null,
         "red_flags": ["..."], "cautions": ["..."],
         "score": {"value": 0-100 | null, "summary": "72/100 from 6 of 8 criteria",
                   "parts": [{"criterion": "comfort", "label": "Comfort", "weight": 5,
                              "value": 0.0-1.0 | null (unknown), "counted": true,
                              "reason": "..."}]}}
      ],
      "sections": [                        # rows as the report shows them
        {"key": "money", "title": "Money",
         "rows": [{"key": "fee", "label": "Fee",
                   "cells": [               # one per candidate, same order
                     {"text": "..." | null (unknown), "flag": kind | null,
                      "items": [{"kind": kind, "text": "..."}], "empty": "unknown"}]}]}
      ],
      "sources": ["..."], "notes": ["..."], "disclaimers": ["..."], "crisis": ["..."]
    }

``kind`` is one of red_flag, caution, con, pro, unknown, info.

CSV: a header ``section,row,<name (id N)>...``, one line per report row, the
lines of a cell joined by newlines with their kind in words ("red flag:
..."), then ``report`` lines for the profile, date, sources, disclaimers and
crisis lines. Every cell goes through ``spreadsheet_safe``.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import orjson

from finder.report.model import KIND_WORDS, SCORE_NOTE, Cell, Comparison
from finder.report.safe import spreadsheet_safe

JSON_VERSION = 1


def _cell_json(cell: Cell) -> dict[str, Any]:
    return {
        "text": cell.text,
        "flag": cell.flag,
        "items": [{"kind": item.kind, "text": item.text} for item in cell.items],
        "empty": cell.empty,
    }


def as_data(comparison: Comparison) -> dict[str, Any]:
    """The documented JSON document (see the module docstring)."""
    return {
        "format": "finder-compare",
        "version": JSON_VERSION,
        "profile": comparison.profile,
        "date": comparison.today.isoformat(),
        "score_note": SCORE_NOTE,
        "candidates": [
            {
                "id": c.tid,
                "name": c.name,
                "status": c.status,
                "red_flags": list(c.red_flags),
                "cautions": list(c.cautions),
                "score": {
                    "value": c.score.value,
                    "summary": c.score.summary(),
                    "parts": [
                        {
                            "criterion": p.criterion,
                            "label": p.label,
                            "weight": p.weight,
                            "value": None if p.value is None else round(p.value, 2),
                            "counted": p.applies,
                            "reason": p.reason,
                        }
                        for p in c.score.parts
                    ],
                },
            }
            for c in comparison.candidates
        ],
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "rows": [
                    {"key": r.key, "label": r.label, "cells": [_cell_json(x) for x in r.cells]}
                    for r in s.rows
                ],
            }
            for s in comparison.sections
        ],
        "sources": list(comparison.sources),
        "notes": list(comparison.notes),
        "disclaimers": list(comparison.disclaimers),
        "crisis": list(comparison.crisis),
    }


def render_json(comparison: Comparison, width: int | None = None) -> str:
    data = as_data(comparison)
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2).decode() + "\n"


def _cell_text(cell: Cell) -> str:
    lines = []
    if cell.text is not None:
        word = KIND_WORDS.get(cell.flag or "")
        lines.append(f"{cell.text} ({word})" if word else cell.text)
    for item in cell.items:
        word = KIND_WORDS.get(item.kind)
        lines.append(f"{word}: {item.text}" if word else item.text)
    return "\n".join(lines) or cell.empty


def render_csv(comparison: Comparison, width: int | None = None) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")

    def write(cells: list[str]) -> None:
        writer.writerow([spreadsheet_safe(cell) for cell in cells])

    write(["section", "row", *(c.heading for c in comparison.candidates)])
    for section in comparison.sections:
        for row in section.rows:
            write([section.title, row.label, *(_cell_text(cell) for cell in row.cells)])
    write(["report", "profile", comparison.profile])
    write(["report", "date", comparison.today.isoformat()])
    write(["report", "score", SCORE_NOTE])
    for source in comparison.sources:
        write(["report", "source", source])
    for note in comparison.notes:
        write(["report", "note", note])
    for line in comparison.disclaimers:
        write(["report", "disclaimer", line])
    for line in comparison.crisis:
        write(["report", "crisis", line])
    return out.getvalue()
