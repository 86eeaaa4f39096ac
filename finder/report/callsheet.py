"""The call sheet: a call plan on one page per clinician, to hold during the call.

Who they are, what the sources claim (each marked "to confirm"), the planned
questions with boxes to tick or room to write, what was left for a second call,
the questions for after the call, and the crisis line at the foot. Markdown for
any viewer or printer; HTML that prints one page per clinician on Letter and A4.
Imported text goes through ``markdown_text`` or ``html_text``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import assert_never

from finder.crisis import foot_line
from finder.judge.therapists import Therapist
from finder.pursue.callplan import SECTIONS, CallPlan, PlanItem, fee_claims, shown
from finder.pursue.checklist_model import AnswerType, Question
from finder.records.models import SourceKind
from finder.records.normalize.money import dollars, home_mark
from finder.report.safe import html_text, markdown_text

LIST_LIMIT = 5  # plans or languages named per claim before "and N more"


class SheetFormat(StrEnum):
    MARKDOWN = "md"
    HTML = "html"


@dataclass(frozen=True)
class Sheet:
    """One clinician's page."""

    plan: CallPlan
    about: tuple[str, ...]  # who they are, from the records
    claims: tuple[str, ...]  # what the sources claim, each "... (to confirm)"
    foot: str = foot_line(None)  # the crisis lines, the person's country's first
    mark: str = "$"  # of an amount of money to write down (``money.home_mark``)


def sheet(therapist: Therapist, plan: CallPlan, country: str | None = None) -> Sheet:
    """The page for ``therapist`` and the ``plan`` made for them, for a person in
    ``country`` (the profile's; ``None``: the US)."""
    t = therapist
    about = [f"Therapist {t.tid} in finder."]
    phones = t.all_list("phones")
    if phones:
        about.append("Phone: " + ", ".join(shown(p) for p in phones[:2]))
    place = ", ".join(shown(str(v)) for v in (t.best("city"), t.best("state")) if v)
    if place:
        about.append(f"Practice: {place}")
    if t.ipt is not None:
        said = f': "{shown(t.ipt.excerpt(90), 96)}"' if t.ipt.text else ""
        note = f" ({t.ipt.note})" if t.ipt.note else ""
        about.append(f"IPT evidence: {t.ipt.level.label}{said}{note}")
    return Sheet(plan, tuple(about), tuple(_claims(t)), foot_line(country), home_mark(country))


def _claims(t: Therapist) -> list[str]:
    out: list[str] = []
    licence = " ".join(
        shown(str(t.best(name))) for name in ("license_type", "license_number") if t.best(name)
    )
    if licence:
        state = f" ({shown(str(t.best('license_state')))})" if t.best("license_state") else ""
        out.append(f"Licence: {licence}{state}")
    fees = fee_claims(t)
    if fees:
        out.append("Fee per session: " + "; ".join(fees))
    for name, title in (("insurance", "Plans taken"), ("languages", "Languages")):
        values = [shown(v) for v in t.all_list(name)]
        if values:
            more = f" and {len(values) - LIST_LIMIT} more" if len(values) > LIST_LIMIT else ""
            out.append(f"{title}: {', '.join(values[:LIST_LIMIT])}{more}")
    for name, title in (("accepting", "Accepting new clients"), ("telehealth", "Telehealth")):
        said = [c.value for c in t.values(name) if c.source.kind is SourceKind.IMPORT]
        if said:
            out.append(f"{title}: " + " / ".join(dict.fromkeys("yes" if v else "no" for v in said)))
    return [f"{line} (to confirm)" for line in out]


def render(sheets: Sequence[Sheet], fmt: SheetFormat) -> str:
    match fmt:
        case SheetFormat.MARKDOWN:
            return "\n\n---\n\n".join(_markdown(s) for s in sheets) + "\n"
        case SheetFormat.HTML:
            return _html(sheets)
        case _:
            assert_never(fmt)


# --- answer space ---------------------------------------------------------------------------


def _boxes(question: Question) -> list[str]:
    """The choices to tick, or an empty list when the answer is written."""
    if question.type is AnswerType.YES_NO:
        return ["yes", "no"]
    if question.type in (AnswerType.CHOICE, AnswerType.MULTI_CHOICE):
        return list(question.choices)
    if question.type is AnswerType.RATING:
        return ["1", "2", "3", "4", "5"]
    return []


def _blank(question: Question, mark: str) -> str:
    """The line to write on, with its unit."""
    match question.type:
        case AnswerType.MONEY:
            return dollars(0, mark).replace("0", "________")
        case AnswerType.MINUTES:
            return "________ minutes"
        case AnswerType.NUMBER:
            return f"________ {question.unit or ''}".rstrip()
    return "_" * 40


def _sections(plan: CallPlan) -> list[tuple[str, list[PlanItem]]]:
    grouped: dict[str, list[PlanItem]] = {}
    for item in (*plan.items, *plan.after):
        grouped.setdefault(item.section, []).append(item)
    return [(SECTIONS[key], grouped[key]) for key in SECTIONS if key in grouped]


def _heading(plan: CallPlan) -> str:
    count = len(plan.items)
    what = "1 question" if count == 1 else f"{count} questions"
    return f"{what}, about {plan.used:g} of {plan.minutes:g} minutes"


# --- Markdown -------------------------------------------------------------------------------


def _markdown(page: Sheet) -> str:
    esc = markdown_text
    plan = page.plan
    # Our own words (the heading, the first line, the note of what is left) are not escaped.
    out = [f"# Call sheet: {esc(plan.name)}", "", f"{_heading(plan)}. {page.about[0]}", ""]
    out += [f"- {esc(line)}" for line in page.about[1:]]
    if page.claims:
        out += ["", "## What the sources claim", ""]
        out += [f"- {esc(line)}" for line in page.claims]
    number = 0
    for title, items in _sections(plan):
        out += ["", f"## {title}", ""]
        for item in items:
            number += 1
            q = item.question
            # The blanks are our own text: left unescaped so they stay lines to write on.
            space = "   ".join(f"[ ] {esc(b)}" for b in _boxes(q)) or _blank(q, page.mark)
            out.append(f"{number}. {esc(q.text)}")
            out.append(f"   {space}")
    if plan.left:
        out += ["", plan.left_note()]
    out += ["", f"Afterwards: finder consult {plan.tid} asks these questions in this order.", ""]
    out.append(f"*{page.foot}*")
    return "\n".join(out)


# --- HTML -----------------------------------------------------------------------------------

CSS = """
* { box-sizing: border-box; }
body { font: 10pt/1.25 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
       color: #111; margin: 0; }
.sheet { max-width: 48rem; margin: 1.5rem auto; padding: 0 1rem; }
h1 { font-size: 15pt; margin: 0 0 .2rem; }
h2 { font-size: 10.5pt; margin: .55rem 0 .2rem; text-transform: uppercase;
     letter-spacing: .04em; border-bottom: 1px solid #999; }
p { margin: .1rem 0; }
ul.claims { margin: .1rem 0; padding-left: 1.1rem; }
ol { margin: 0; padding-left: 1.6rem; }
li { margin: .12rem 0; break-inside: avoid; }
.space { margin-left: .8rem; display: inline-block; }
.box { display: inline-block; margin-right: .9rem; white-space: nowrap; }
.box::before { content: ""; display: inline-block; width: .8em; height: .8em;
               border: 1px solid #111; margin-right: .3em; vertical-align: -.05em; }
.write { display: block; border-bottom: 1px solid #777; height: 1.2em; max-width: 30rem; }
.note, .foot { color: #444; }
.foot { margin-top: .5rem; border-top: 1px solid #999; padding-top: .2rem; font-size: 9pt; }
@page { margin: 11mm 12mm; }
@media print {
  .sheet { margin: 0; padding: 0; max-width: none; break-after: page; }
  .sheet:last-child { break-after: auto; }
}
"""


def _html(sheets: Sequence[Sheet]) -> str:
    names = ", ".join(s.plan.name for s in sheets)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>Call sheet: {html_text(names)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
    ]
    out += [_html_sheet(page) for page in sheets]
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def _html_sheet(page: Sheet) -> str:
    esc = html_text
    plan = page.plan
    out = ['<section class="sheet">', f"<h1>Call sheet: {esc(plan.name)}</h1>"]
    out.append(f"<p>{esc(_heading(plan))}. {esc(page.about[0])}</p>")
    out += [f"<p>{esc(line)}</p>" for line in page.about[1:]]
    if page.claims:
        out.append("<h2>What the sources claim</h2>")
        out.append('<ul class="claims">' + "".join(f"<li>{esc(c)}</li>" for c in page.claims))
        out.append("</ul>")
    number = 0
    for title, items in _sections(plan):
        out.append(f"<h2>{esc(title)}</h2>")
        out.append(f'<ol start="{number + 1}">')
        for item in items:
            number += 1
            q = item.question
            boxes = _boxes(q)
            if boxes:
                space = "".join(f'<span class="box">{esc(b)}</span>' for b in boxes)
            elif q.type is AnswerType.TEXT:
                space = '<span class="write"></span>'
            else:
                space = esc(_blank(q, page.mark))
            out.append(f'<li>{esc(q.text)}<span class="space">{space}</span></li>')
        out.append("</ol>")
    if plan.left:
        out.append(f'<p class="note">{esc(plan.left_note())}</p>')
    out.append(
        f'<p class="note">Afterwards: <code>finder consult {plan.tid}</code> asks these '
        "questions in this order.</p>"
    )
    out.append(f'<p class="foot">{esc(page.foot)}</p>')
    out.append("</section>")
    return "\n".join(out)
