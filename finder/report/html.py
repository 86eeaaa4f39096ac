"""The comparison as one self-contained HTML file: no external assets, no scripts.

On screen: an at-a-glance table and the full side-by-side table (one column
per candidate). On paper: the at-a-glance table, then one block per
candidate that is never split across pages when it fits on one; table
headers repeat on every page; page size and orientation are the printer's
(Letter or A4, portrait or landscape). Markers ("!", "~", "+", "-", "?")
carry every meaning colour carries, so a black-and-white print loses nothing.

Every piece of text goes through ``html_text``; a Content-Security-Policy
forbids scripts and remote loads as a second line of defence.
"""

from __future__ import annotations

from finder.report.model import (
    LEGEND,
    SCORE_NOTE,
    Candidate,
    Cell,
    Comparison,
    Row,
    marked,
)
from finder.report.safe import html_text as esc

PER_GLANCE = 4
#: Rows of the at-a-glance table: (section key, row key).
GLANCE = (
    ("score", "score"),
    ("flags", "red_flags"),
    ("ipt", "ipt_class"),
    ("money", "expected_cost"),
    ("availability", "earliest"),
    ("consultation", "consultation.comfort"),
)

CSS = """
:root { --ink: #111; --muted: #555; --line: #999; --red: #a00000; --amber: #7a4b00;
        --green: #0b5a1e; --con: #6a1b6a; }
* { box-sizing: border-box; }
body { font: 15px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
       color: var(--ink); margin: 1.5rem; max-width: none; }
h1 { font-size: 1.5rem; margin: 0 0 .3rem; }
h2 { font-size: 1.2rem; margin: 1.2rem 0 .4rem; }
p { margin: .2rem 0; }
.note { color: var(--muted); }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; }
th, td { border: 1px solid var(--line); padding: .3rem .45rem; vertical-align: top;
         text-align: left; overflow-wrap: anywhere; }
thead th { background: #eee; }
th.rowhead { width: 11rem; font-weight: 600; }
tr.section th { background: #f4f4f4; text-transform: uppercase; letter-spacing: .04em;
                font-size: .85rem; }
.side th:not(.rowhead), .side td { min-width: 13rem; }
.line { display: block; }
.empty { color: var(--muted); font-style: italic; }
.red_flag { color: var(--red); font-weight: 700; }
.caution { color: var(--amber); font-weight: 600; }
.con { color: var(--con); }
.pro { color: var(--green); }
.unknown { color: var(--muted); }
.flags { color: var(--red); font-weight: 700; display: block; }
.cards { display: none; }
.card { border: 2px solid var(--ink); margin: 0 0 1rem; padding: .3rem .5rem; }
.cardhead { margin: 0 0 .3rem; font-size: 1.05rem; }
/* A column width, not a count: two columns on portrait paper, three on landscape. */
.cols { columns: 22em; column-gap: 1.2rem; }
.block { break-inside: avoid; page-break-inside: avoid; margin: 0 0 .4rem; }
.block h4 { margin: .2rem 0; font-size: .8rem; text-transform: uppercase; letter-spacing: .04em;
            border-bottom: 1px solid var(--line); }
.kv { margin: 0 0 .15rem; }
.kv .line { display: inline; }
.kv .line + .line::before { content: " "; display: block; }
footer { border-top: 2px solid var(--ink); margin-top: 1.5rem; padding-top: .5rem; }
@page { margin: 10mm; }
@media print {
  body { font-size: 8pt; line-height: 1.25; margin: 0; color: #000; }
  :root { --ink: #000; --muted: #333; --line: #000; --red: #000; --amber: #000;
          --green: #000; --con: #000; }
  thead th, tr.section th { background: none; }
  .side { display: none; }
  .cards { display: block; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  .glance, .card, footer { break-inside: avoid; page-break-inside: avoid; }
  h1, h2 { break-after: avoid; page-break-after: avoid; }
  th.rowhead { width: 9rem; }
}
"""


def _cell(cell: Cell) -> str:
    parts = []
    for kind, text in cell.lines():
        cls = f' class="line {kind}"' if kind else ' class="line"'
        parts.append(f"<span{cls}>{esc(marked(kind, text))}</span>")
    return "".join(parts)


def _head(candidate: Candidate) -> str:
    out = esc(candidate.heading)
    if candidate.status:
        out += f'<span class="line note">{esc(candidate.status)}</span>'
    if candidate.red_flags:
        count = len(candidate.red_flags)
        out += f'<span class="flags">! {count} red flag{"s" if count > 1 else ""}</span>'
    return out


def _rows(rows: list[Row], columns: range) -> list[str]:
    return [
        f'<tr><th class="rowhead" scope="row">{esc(row.label)}</th>'
        + "".join(f"<td>{_cell(row.cells[i])}</td>" for i in columns)
        + "</tr>"
        for row in rows
    ]


def _table(comparison: Comparison, columns: range, bodies: list[tuple[str, list[Row]]]) -> str:
    heads = "".join(f'<th scope="col">{_head(comparison.candidates[i])}</th>' for i in columns)
    out = [f'<table><thead><tr><th class="rowhead"></th>{heads}</tr></thead>']
    for title, rows in bodies:
        out.append("<tbody>")
        if title:
            out.append(
                f'<tr class="section"><th colspan="{len(columns) + 1}">{esc(title)}</th></tr>'
            )
        out.extend(_rows(rows, columns))
        out.append("</tbody>")
    out.append("</table>")
    return "\n".join(out)


def _glance_rows(comparison: Comparison) -> list[Row]:
    rows: list[Row] = []
    for section_key, row_key in GLANCE:
        try:
            section = comparison.section(section_key)
        except KeyError:
            continue
        rows.extend(row for row in section.rows if row.key == row_key)
    return rows


def _card(comparison: Comparison, index: int) -> str:
    """One candidate as a compact block for paper: sections in two columns, and the rows
    nothing is known about yet named on one line, so a candidate fits on one page."""
    candidate = comparison.candidates[index]
    out = [
        '<section class="card">',
        f'<h3 class="cardhead">{_head(candidate)}</h3>',
        '<div class="cols">',
    ]
    for section in comparison.sections:
        out.append(f'<div class="block"><h4>{esc(section.title)}</h4>')
        pending = []
        for row in section.rows:
            cell = row.cells[index]
            if not cell.known:
                pending.append(row.label)
                continue
            out.append(f'<div class="kv"><b>{esc(row.label)}:</b> {_cell(cell)}</div>')
        if pending:
            names = ", ".join(pending)
            out.append(f'<div class="kv empty">Not known yet: {esc(names)}</div>')
        out.append("</div>")
    out += ["</div>", "</section>"]
    return "\n".join(out)


def render(comparison: Comparison, width: int | None = None) -> str:
    count = len(comparison.candidates)
    title = (
        f"Comparison of candidates: profile {comparison.profile}, {comparison.today.isoformat()}"
    )
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{esc(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        "<h1>Comparison of candidates</h1>",
        f"<p>Profile {esc(comparison.profile)}. Date {comparison.today.isoformat()}. "
        f"{count} candidate{'s' if count != 1 else ''}.</p>",
        f'<p class="note">{esc(SCORE_NOTE)}</p>',
        f'<p class="note">{esc(LEGEND)}</p>',
        "</header>",
        "<h2>At a glance</h2>",
    ]
    glance = _glance_rows(comparison)
    for start in range(0, count, PER_GLANCE):
        columns = range(start, min(start + PER_GLANCE, count))
        out.append(f'<div class="glance">{_table(comparison, columns, [("", glance)])}</div>')
    out.append('<div class="side"><h2>Side by side</h2><div class="scroll">')
    bodies = [(s.title, list(s.rows)) for s in comparison.sections]
    out.append(_table(comparison, range(count), bodies))
    out.append("</div></div>")
    out.append('<div class="cards"><h2>Candidate by candidate</h2>')
    out.extend(_card(comparison, index) for index in range(count))
    out.append("</div>")
    out.append(_footer(comparison))
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def _footer(comparison: Comparison) -> str:
    out = ["<footer>", f"<p>Report date: {comparison.today.isoformat()}.</p>", "<p>Built from:</p>"]
    out.append("<ul>" + "".join(f"<li>{esc(s)}</li>" for s in comparison.sources) + "</ul>")
    out.extend(f'<p class="note">Note: {esc(n)}</p>' for n in comparison.notes)
    out.append("<ul>" + "".join(f"<li>{esc(d)}</li>" for d in comparison.disclaimers) + "</ul>")
    out.append("<p><strong>If you are in crisis:</strong></p>")
    out.append("<ul>" + "".join(f"<li>{esc(c)}</li>" for c in comparison.crisis) + "</ul>")
    out.append("</footer>")
    return "\n".join(out)
