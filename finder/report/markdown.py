"""The comparison as Markdown that renders on common viewers (GitHub, GitLab, editors).

One pipe table per section with a column per candidate; more than
``PER_TABLE`` candidates are split into groups so tables stay readable. All
imported text goes through ``markdown_text``, which escapes Markdown and
inline HTML; the only HTML written here is ``<br>`` between lines of a cell.
"""

from __future__ import annotations

from finder.report.model import LEGEND, SCORE_NOTE, Cell, Comparison, marked
from finder.report.safe import markdown_text

PER_TABLE = 4


def _cell(cell: Cell) -> str:
    lines = []
    for kind, text in cell.lines():
        shown = markdown_text(marked(kind, text))
        lines.append(f"*{shown}*" if kind == "empty" else shown)
    return "<br>".join(lines)


def render(comparison: Comparison, width: int | None = None) -> str:
    esc = markdown_text
    out = [
        "# Comparison of candidates",
        "",
        f"Profile: {esc(comparison.profile)}. Date: {comparison.today.isoformat()}.",
        "",
        SCORE_NOTE,
        "",
        esc(LEGEND),
    ]
    candidates = comparison.candidates
    groups = [
        range(i, min(i + PER_TABLE, len(candidates))) for i in range(0, len(candidates), PER_TABLE)
    ]
    for group in groups:
        if len(groups) > 1:
            out += ["", f"## Candidates {group[0] + 1} to {group[-1] + 1} of {len(candidates)}"]
        level = "###" if len(groups) > 1 else "##"
        for section in comparison.sections:
            out += ["", f"{level} {esc(section.title)}", ""]
            heads = [esc(candidates[i].heading) for i in group]
            out.append("| | " + " | ".join(heads) + " |")
            out.append("|---|" + "---|" * len(group))
            for row in section.rows:
                cells = [_cell(row.cells[i]) for i in group]
                out.append(f"| **{esc(row.label)}** | " + " | ".join(cells) + " |")
    out += ["", "---", "", f"Report date: {comparison.today.isoformat()}.", "", "Built from:", ""]
    out += [f"- {esc(source)}" for source in comparison.sources]
    if comparison.notes:
        out += ["", *(f"Note: {esc(note)}" for note in comparison.notes)]
    out += ["", "## Please note", ""]
    # Our own fixed wording (finder.crisis) is trusted text: left unescaped so it reads cleanly.
    out += [f"- {line}" for line in comparison.disclaimers]
    out += ["", "## If you are in crisis", ""]
    out += [f"- {line}" for line in comparison.crisis]
    return "\n".join(out) + "\n"
