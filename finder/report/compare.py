"""Build the comparison: gather what finder holds about each candidate into the report's model.

The rows are made in ``compare_rows`` and the score in ``scoring``; the renderers
(``formats``) only lay the model out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from finder.crisis import DISCLAIMERS, lines_for
from finder.errors import FinderError, UsageError
from finder.judge import therapists
from finder.judge.therapists import Therapist
from finder.pursue import checklists as cl
from finder.pursue import profiles, shortlist
from finder.pursue.profiles import Profile
from finder.records import geo
from finder.report import compare_rows
from finder.report.compare_rows import derived_flags
from finder.report.model import CONSULTATION, INSURER, Candidate, Comparison, Facts
from finder.report.scoring import score
from finder.storage.store import Doc, Store


def build(
    store: Store,
    tids: list[int] | None,
    profile_label: str | None,
    today: date | None = None,
) -> Comparison:
    """The comparison of ``tids`` (default: the profile's shortlist) for one profile."""

    profile = profiles.get(store, profile_label, create=False)
    label = profile.label
    statuses = {e.tid: e.status.label for e in shortlist.entries(store, label)}
    if tids is None:
        tids = list(statuses)
        if not tids:
            raise UsageError(
                f"the shortlist of profile '{label}' is empty: add candidates with "
                "`finder shortlist add ID`, or name them: finder compare 3 7"
            )
    tids = list(dict.fromkeys(tids))
    found = [therapists.get(store, tid) for tid in tids]
    notes_out: list[str] = []
    checklists = _checklists(notes_out)
    today = today or date.today()
    facts = [_facts(store, t, profile, statuses.get(t.tid), checklists, today) for t in found]
    candidates = tuple(_candidate(f) for f in facts)
    sections = compare_rows.sections(facts, candidates, checklists)
    return Comparison(
        profile=label,
        today=today,
        candidates=candidates,
        sections=sections,
        sources=_sources(found),
        notes=tuple(notes_out),
        disclaimers=tuple(DISCLAIMERS),
        crisis=lines_for(profile.country),
    )


def _checklists(notes: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in (CONSULTATION, INSURER):
        try:
            out[name] = cl.load(name)
        except FinderError as err:
            # A broken edited checklist should not hide the rest of the comparison.
            notes.append(f"checklist {name} could not be read, its answers are left out: {err}")
    return out


def _answers(docs: list[Doc], checklist: str) -> dict[str, Any]:
    chosen = [d for d in docs if d.get("checklist") == checklist]
    chosen.sort(key=lambda d: str(d.get("answered_at") or ""))
    return {str(d["qid"]): d.get("value") for d in chosen if d.get("value") is not None}


def _facts(
    store: Store,
    therapist: Therapist,
    profile: Profile,
    status: str | None,
    checklists: Mapping[str, Any],
    today: date,
) -> Facts:

    label = profile.label
    tid = therapist.tid
    own = store.answers.find(profile=label, tid=tid)
    plan_level = store.answers.find(profile=label, tid=None, checklist=INSURER)
    if profile.insurance:
        # Plan-level answers about the user's own plan first; other plans' only as a fallback.
        wanted = {p.casefold() for p in profile.insurance}
        plan_level.sort(key=lambda d: str(d.get("plan") or "").casefold() in wanted)
    consult = _answers(own, CONSULTATION)
    insurer = {**_answers(plan_level, INSURER), **_answers(own, INSURER)}
    facts = Facts(
        therapist=therapist,
        profile=profile,
        consult=consult,
        insurer=insurer,
        findings=[],
        notes=sorted(store.notes.find(profile=label, tid=tid), key=lambda d: str(d.get("at"))),
        contacts=sorted(
            store.contacts.find(profile=label, tid=tid),
            key=lambda d: (str(d.get("on")), str(d.get("logged_at"))),
        ),
        verification=max(
            store.verifications.find(tid=tid),
            key=lambda d: str(d.get("checked_at")),
            default=None,
        ),
        status=status,
        today=today,
    )
    if CONSULTATION in checklists:
        context = {"budget_per_session": profile.budget} if profile.budget else {}
        found = cl.evaluate(checklists[CONSULTATION], consult, context)
        facts.findings.extend((CONSULTATION, finding) for finding in found)
    if INSURER in checklists:
        context = {"planned_sessions": facts.planned_sessions}
        found = cl.evaluate(checklists[INSURER], insurer, context)
        facts.findings.extend((INSURER, finding) for finding in found)
    home = geo.home_point(profile.zip, profile.city, profile.country, profile.state)
    if home is not None and therapist.point is not None:
        facts.miles = geo.miles(home[0], therapist.point)
        # From a town's centre, or to one (no street address on record): approximate.
        facts.approx = home[1] or therapist.point_is_town
    return facts


def _sources(found: Sequence[Therapist]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for therapist in found:
        for source in therapist.sources:
            if source.kind.value == "user":
                seen.setdefault("entered by you", None)
                continue
            name = source.path if "://" in source.path else source.path.rsplit("/", 1)[-1]
            seen.setdefault(f"{name} ({source.format}, imported {source.imported_at[:10]})", None)
    seen.setdefault("your consultation and insurer answers, notes and contact log", None)
    return tuple(seen)


def _candidate(facts: Facts) -> Candidate:

    flags = derived_flags(facts)
    return Candidate(
        tid=facts.therapist.tid,
        name=facts.therapist.name,
        status=facts.status,
        score=score(facts),
        red_flags=tuple(i.text for i in flags if i.kind == "red_flag"),
        cautions=tuple(i.text for i in flags if i.kind == "caution"),
    )
