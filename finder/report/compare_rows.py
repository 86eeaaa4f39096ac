"""The rows of the comparison: one function per row, each giving one candidate's ``Cell``.

A row that has nothing to show says so ("unknown", "not checked", "no
consultation yet") rather than showing a blank that could read as "no".
Directory claims are labelled as claims; what the user heard on a call or
from the insurer is labelled as such, side by side, so the two can differ.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from typing import Any

from finder.judge import claims
from finder.pursue.checklists import format_answer
from finder.records import geo
from finder.records.normalize.money import dollars as money
from finder.records.normalize.money import home_mark
from finder.report.cost import cost_cell, fee_cell, insurance_cell, number_or_none, sliding_cell
from finder.report.model import (
    CATEGORY_SECTION,
    CONSULTATION,
    INSURER,
    QUESTION_SECTION,
    SECTIONS,
    SERIOUS,
    SHORT_LABELS,
    Candidate,
    Cell,
    Facts,
    Item,
    Row,
    Section,
    yes_no,
)

RowFn = Callable[[Facts], Cell]

# Answers shown in their own rows even though their questions are not marked key.
_OWN_WORDS = {"my_pros": "pro", "my_cons": "con", "notes": "note"}


# ---------------------------------------------------------------- who they are


def _credentials(f: Facts) -> Cell:
    creds = f.therapist.all_list("credentials")
    return Cell(", ".join(creds) if creds else None)


def _licence(f: Facts) -> Cell:
    t = f.therapist
    kind, number, state = t.best("license_type"), t.best("license_number"), t.best("license_state")
    if not (kind or number):
        return Cell(None, empty="license not stated")
    parts = [str(kind or "license (type not stated)")]
    if number:
        parts.append(f"no. {number}")
    if state:
        parts.append(f"({state})")
    stated = t.values("license_type")
    note = claims.licence_claim_note(t, stated[0]) if stated else claims.licence_note(kind)
    return Cell(" ".join(parts) + ", as listed" + note)


def _npi(f: Facts) -> Cell:
    npi = f.therapist.best("npi")
    check = f.verification
    if check is None:
        unverified = f.therapist.best("npi_unverified")
        if not npi and unverified:
            return Cell(f"{unverified}: unverified NPI (fails the check digit)", flag="caution")
        if not npi:
            return Cell(None, empty="no NPI on record; not checked")
        return Cell(f"{npi}; not checked")
    status = str(check.get("status", "?")).replace("_", " ")
    when = str(check.get("checked_at") or "")[:10]
    number = check.get("npi") or npi
    text = f"NPI registry: {status}" + (f" ({when})" if when else "")
    if number:
        text = f"{number}; {text}"
    items = tuple(Item("caution", f"registry differs: {_mismatch(m)}") for m in _mismatches(f))
    flag = "caution" if status in ("not found", "ambiguous") else None
    return Cell(text, items, flag=flag)


def _mismatches(f: Facts) -> list[Any]:
    found = (f.verification or {}).get("mismatches") or []
    return list(found) if isinstance(found, list) else []


def _mismatch(value: Any) -> str:
    if isinstance(value, Mapping):
        # finder.judge.verify stores {field, claimed, registry, note} (see its docstring).
        name = value.get("field", "?")
        ours, theirs = value.get("claimed"), value.get("registry")
        if ours is not None or theirs is not None:
            text = f"{name}: {_plain(ours)} here, {_plain(theirs)} in the registry"
            note = value.get("note")
            return f"{text} ({note})" if note else text
        return str(value.get("note") or name)
    return str(value)


def _plain(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return "unknown" if value is None else str(value)


def _years(f: Facts) -> Cell:
    years = f.therapist.best("years_in_practice")
    return Cell(None if years is None else f"{years:g}" if isinstance(years, float) else str(years))


def _location(f: Facts) -> Cell:
    t = f.therapist
    if len(offices := t.offices()) > 1:  # a directory lists each office: one a line
        return Cell(items=tuple(Item("info", o) for o in offices))
    place = ", ".join(str(p) for p in (t.best("city"), t.best("state")) if p)
    zip_code = t.best("zip")
    text = " ".join(p for p in (place, str(zip_code) if zip_code else "") if p)
    return Cell(text or None)


# ---------------------------------------------------------------- IPT evidence


def _ipt_class(f: Facts) -> Cell:
    evidence = f.therapist.ipt
    where = f" (in {evidence.field})" if evidence.field else ""
    flag = "caution" if evidence.level <= 1 or evidence.ambiguous else None
    items = (Item("caution", evidence.note),) if evidence.note else ()
    return Cell(f"{evidence.level.label}{where}", items, flag=flag)


def _ipt_text(f: Facts) -> Cell:
    evidence = f.therapist.ipt
    if not evidence.text:
        return Cell(None, empty="no IPT mention in the records")
    items: tuple[Item, ...] = ()
    if evidence.supports:
        items = (Item("info", "supporting terms: " + ", ".join(evidence.supports)),)
    return Cell(f"\u201c{evidence.text}\u201d", items)


# ---------------------------------------------------------------- fit


def _match(wanted: Sequence[str], offered: Sequence[str], what: str) -> Cell:
    if not offered:
        return Cell(None, empty="none listed")
    if not wanted:
        shown = ", ".join(offered[:5]) + (
            f" (+{len(offered) - 5} more)" if len(offered) > 5 else ""
        )
        return Cell(shown)
    folded = [o.casefold() for o in offered]
    hits = [w for w in wanted if any(w.casefold() in o for o in folded)]
    misses = [w for w in wanted if w not in hits]
    text = f"{len(hits)} of {len(wanted)} {what}"
    items = tuple(Item("pro", f"lists {h}") for h in hits) + tuple(
        Item("unknown", f"does not list {m}") for m in misses
    )
    return Cell(text, items)


def _issues(f: Facts) -> Cell:
    offered = f.therapist.all_list("issues") + f.therapist.all_list("specialties")
    return _match(f.profile.issues, list(dict.fromkeys(offered)), "of your issues")


def _ages(f: Facts) -> Cell:
    wanted = [f.profile.age_group] if f.profile.age_group else []
    return _match(wanted, f.therapist.all_list("ages"), "of your age group")


def _languages(f: Facts) -> Cell:
    return _match(f.profile.languages, f.therapist.all_list("languages"), "of your languages")


def _formats(f: Facts) -> Cell:
    return _match(f.profile.formats, f.therapist.all_list("formats"), "of your formats")


def _sessions(f: Facts) -> Cell:
    t = f.therapist
    tele, in_person = t.best("telehealth"), t.best("in_person")
    if tele is None and in_person is None:
        return Cell(None)
    text = f"telehealth {yes_no(tele) or 'unknown'}; in person {yes_no(in_person) or 'unknown'}"
    flag = "caution" if f.profile.telehealth == "required" and tele is False else None
    return Cell(text + " (listed)", flag=flag)


def _distance(f: Facts) -> Cell:
    if f.miles is None:
        return Cell(None, empty=f"unknown ({f.why_no_distance})")
    radius, country = f.profile.radius_miles, f.profile.country
    flag = "caution" if radius and f.miles > radius else None
    within = f" (your radius {geo.radius_text(radius, country)})" if radius else ""
    return Cell(geo.distance_text(f.miles, country, approx=f.approx) + within, flag=flag)


# ---------------------------------------------------------------- availability


def _accepting_listed(f: Facts) -> Cell:
    claim = f.therapist.best("accepting")
    if claim is None and f.therapist.best("waitlist") is True:
        return Cell("waitlist (directory claim)")
    return Cell(None if claim is None else f"{yes_no(claim)} (directory claim)")


def _earliest(f: Facts) -> Cell:
    weeks = number_or_none(f.answer("wait_weeks"))
    if f.answer("accepting") is False:
        return Cell("not accepting (they said)", flag="con")
    outcome = f.contacts[-1].get("outcome") if f.contacts else None
    if weeks is not None:
        when = (f.today + timedelta(weeks=weeks)).isoformat()
        return Cell(f"about {when}: in {weeks:g} week(s) (they said)")
    if outcome in ("waitlist", "no-openings"):
        return Cell(f"{str(outcome).replace('-', ' ')} ({f.contacts[-1].get('on')})", flag="con")
    return Cell(None)


def _last_contact(f: Facts) -> Cell:
    if not f.contacts:
        return Cell(None, empty="none logged")
    last = f.contacts[-1]
    outcome = str(last.get("outcome") or "").replace("-", " ")
    return Cell(f"{last.get('on')} by {last.get('via')}: {outcome} ({len(f.contacts)} logged)")


def _status(f: Facts) -> Cell:
    return Cell(f.status, empty="not on the shortlist")


# ---------------------------------------------------------------- consultation


def _answered(f: Facts, checklists: Mapping[str, Any]) -> Cell:
    if CONSULTATION not in checklists:
        return Cell(None)
    questions = checklists[CONSULTATION].questions
    done = sum(1 for q in questions if f.consult.get(q.id) not in (None, ""))
    if not done:
        return Cell(None, empty="no consultation answers yet")
    return Cell(f"{done} of {len(questions)} questions answered")


# ---------------------------------------------------------------- flags, pros, cons


def derived_flags(f: Facts) -> list[Item]:
    """Red flags and cautions: the checklist rules' and those finder can see by itself."""
    out = [Item(x.kind, x.message) for _, x in f.findings if x.kind in ("red_flag", "caution")]
    t, p = f.therapist, f.profile
    level = t.ipt.level
    if level == 1:
        out.append(Item("caution", "Only a related therapy (DIT, MIT or IRT) is named, not IPT."))
    elif level == 0:
        out.append(Item("caution", "No IPT mention in the records: ask about IPT training."))
    state = t.best("license_state")
    elsewhere = claims.licence_elsewhere(t, p.state)
    if f.answer("licensed_in_my_state") is True:
        pass  # they told you they are licensed where you live
    elif elsewhere:  # online only: the license must be where the client is
        out.append(Item("caution", elsewhere[0].upper() + elsewhere[1:] + "."))
    elif state and p.state and state != p.state:
        out.append(Item("caution", f"License listed for {state}; you live in {p.state}."))
    if f.verification and f.verification.get("status") == "not_found":
        out.append(Item("caution", "Not found in the NPI registry."))
    for mismatch in _mismatches(f):
        out.append(Item("caution", f"NPI registry differs: {_mismatch(mismatch)}."))
    if f.miles is not None and p.radius_miles and f.miles > p.radius_miles:
        out.append(Item("caution", geo.beyond_radius(f.miles, p.radius_miles, p.country) + "."))
    if p.telehealth == "required" and t.best("telehealth") is False:
        out.append(Item("caution", "No telehealth listed; you need telehealth."))
    if p.budget and claims.said_fee(f.consult) is None and claims.fee_fit(t, p.budget)[0] is False:
        listed, budget = claims.fees(t)[0].text, money(p.budget, home_mark(p.country))
        out.append(Item("caution", f"Listed fee {listed} is above your budget {budget}."))
    out.sort(key=lambda item: SERIOUS[item.kind])
    return out


def _flags(kind: str) -> RowFn:
    def row(f: Facts) -> Cell:
        items = tuple(i for i in derived_flags(f) if i.kind == kind)
        if items:
            return Cell(None, items)
        return Cell("none yet (no consultation answers)" if not f.has_consultation else "none")

    return row


def _own(f: Facts, kind: str) -> tuple[Item, ...]:
    texts = [str(n.get("text")) for n in f.notes if n.get("kind") == kind and n.get("text")]
    qid = {"pro": "my_pros", "con": "my_cons", "note": "notes"}[kind]
    answer = f.answer(qid)
    if isinstance(answer, str) and answer.strip():
        texts.append(answer.strip())
    return tuple(Item("info" if kind == "note" else kind, f"{text} (yours)") for text in texts)


def _pros_cons(kind: str) -> RowFn:
    def row(f: Facts) -> Cell:
        derived = tuple(Item(x.kind, x.message) for _, x in f.findings if x.kind == kind)
        items = derived + _own(f, kind)
        return Cell(None, items, empty="none recorded")

    return row


def _notes(f: Facts) -> Cell:
    return Cell(None, _own(f, "note"), empty="none")


# ---------------------------------------------------------------- sources and claims


def _conflicts(f: Facts) -> Cell:
    items = []
    for name, stated in f.therapist.conflicts().items():
        seen: dict[str, None] = {}
        for claim in stated:
            where = claim.source.path.rsplit("/", 1)[-1]
            value = (
                claims.fee_text(f.therapist, claim) if name == "fee" else _value(name, claim.value)
            )
            seen.setdefault(f"{value} ({where})", None)
        items.append(Item("caution", f"{name}: " + " vs ".join(seen)))
    return Cell(None, tuple(items), empty="none")


def _value(name: str, value: Any) -> str:
    if name in ("fee", "fee_max") and isinstance(value, int | float):
        return money(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return _plain(value)


_CONFIRMED_BY = {
    "accepting": ("accepting",),
    "insurance": ("in_network", "clinician_in_network"),
    "accepts_insurance": ("in_network", "clinician_in_network"),
    "networks": ("in_network", "clinician_in_network"),
}


def _unconfirmed(f: Facts) -> Cell:
    answered = {**f.consult, **f.insurer}
    items = tuple(
        Item("unknown", f"{name}: {_value(name, value)} (directory claim; confirm)")
        for name, value in f.therapist.unconfirmed().items()
        if not any(answered.get(q) not in (None, "") for q in _CONFIRMED_BY.get(name, ()))
    )
    return Cell(None, items, empty="none")


def _record_count(f: Facts) -> Cell:
    n = len(f.therapist.records)
    return Cell(f"{n} record(s)")


# ---------------------------------------------------------------- assembly

FIXED: dict[str, list[tuple[str, str, RowFn]]] = {
    "who": [
        ("credentials", "Credentials", _credentials),
        ("licence", "License", _licence),
        ("npi", "NPI", _npi),
        ("years", "Years in practice", _years),
        ("location", "Location", _location),
    ],
    "ipt": [
        ("ipt_class", "Evidence class", _ipt_class),
        ("ipt_text", "Evidence text", _ipt_text),
    ],
    "fit": [
        ("issues", "Issues", _issues),
        ("ages", "Ages", _ages),
        ("languages", "Languages", _languages),
        ("formats", "Formats", _formats),
        ("sessions", "Telehealth / in person", _sessions),
        ("distance", "Distance", _distance),
    ],
    "money": [
        ("fee", "Fee", fee_cell),
        ("sliding_scale", "Sliding scale", sliding_cell),
        ("insurance_claim", "Insurance (listed)", insurance_cell),
    ],
    "availability": [
        ("accepting_listed", "Accepting (listed)", _accepting_listed),
        ("earliest", "Earliest start", _earliest),
        ("last_contact", "Last contact", _last_contact),
        ("status", "Shortlist status", _status),
    ],
    "consultation": [],
    "flags": [
        ("red_flags", "! Red flags", _flags("red_flag")),
        ("cautions", "Cautions", _flags("caution")),
    ],
    "pros_cons": [
        ("pros", "Pros", _pros_cons("pro")),
        ("cons", "Cons", _pros_cons("con")),
        ("notes", "Your notes", _notes),
    ],
    "sources": [
        ("conflicts", "Sources disagree", _conflicts),
        ("unconfirmed", "Claims to confirm", _unconfirmed),
        ("records", "Records", _record_count),
    ],
}


def _answer_rows(checklists: Mapping[str, Any]) -> dict[str, list[tuple[str, str, str, Any]]]:
    """Key questions by section: (section, row key, label, (checklist, question))."""
    out: dict[str, list[tuple[str, str, str, Any]]] = {}
    for name in (CONSULTATION, INSURER):
        checklist = checklists.get(name)
        if checklist is None:
            continue
        for q in checklist.questions:
            if not q.key or q.id in _OWN_WORDS:
                continue
            if name == INSURER:
                section = "money"
            else:
                section = QUESTION_SECTION.get(q.id) or CATEGORY_SECTION.get(q.category, "")
                section = section or "consultation"
            label = SHORT_LABELS.get(q.id) or (q.text if len(q.text) <= 40 else q.text[:39] + "…")
            out.setdefault(section, []).append((section, f"{name}.{q.id}", label, (name, q)))
    return out


def _answer_cell(f: Facts, checklist: str, question: Any) -> Cell:
    answers = f.consult if checklist == CONSULTATION else f.insurer
    value = answers.get(question.id)
    kinds = [x.kind for c, x in f.findings if c == checklist and x.question_id == question.id]
    flag = min(kinds, key=lambda k: SERIOUS.get(k, 99)) if kinds else None
    if value in (None, ""):
        return Cell(None, empty="not asked yet" if checklist == CONSULTATION else "not confirmed")
    return Cell(format_answer(question, value, home_mark(f.profile.country)), flag=flag)


def _score_rows(candidates: Sequence[Candidate]) -> tuple[Row, ...]:
    headline = []
    why = []
    for c in candidates:
        items: tuple[Item, ...] = ()
        if c.red_flags:
            count = len(c.red_flags)
            plural = "s" if count > 1 else ""
            items = (Item("red_flag", f"{count} red flag{plural}: see below"),)
        headline.append(Cell(c.score.summary(), items))
        why.append(Cell(None, tuple(_part_item(p) for p in c.score.parts), empty="no criteria"))
    return (
        Row("score", "Score", tuple(headline)),
        Row("score_why", "What moved it", tuple(why)),
    )


def _part_item(part: Any) -> Item:
    head = f"{part.label} (weight {part.weight})"
    if not part.applies:
        return Item("info", f"{head}: not counted, {part.reason}")
    if part.value is None:
        return Item("unknown", f"{head}: unknown, {part.reason}")
    kind = "pro" if part.value >= 0.67 else "con" if part.value < 0.34 else "info"
    return Item(kind, f"{head}: {round(part.value * 100)}%, {part.reason}")


def sections(
    facts: Sequence[Facts], candidates: Sequence[Candidate], checklists: Mapping[str, Any]
) -> tuple[Section, ...]:
    answer_rows = _answer_rows(checklists)
    out: list[Section] = []
    for key, title in SECTIONS:
        if key == "score":
            out.append(Section(key, title, _score_rows(candidates)))
            continue
        rows: list[Row] = [
            Row(row_key, label, tuple(fn(f) for f in facts)) for row_key, label, fn in FIXED[key]
        ]
        answers = [
            Row(row_key, label, tuple(_answer_cell(f, *which) for f in facts))
            for _, row_key, label, which in answer_rows.get(key, [])
        ]
        if key == "consultation":
            rows.append(Row("answered", "Answers", tuple(_answered(f, checklists) for f in facts)))
        if key == "money":
            answers.append(
                Row("expected_cost", "Expected cost", tuple(cost_cell(f) for f in facts))
            )
        out.append(Section(key, title, tuple(rows + answers)))
    return tuple(out)
