"""The comparison report's model: candidates side by side, row by row, and a score.

``build`` gathers everything finder holds about each candidate (records,
the user's consultation and insurer answers, notes, contacts, NPI checks)
into a ``Comparison``: sections of rows as a person thinks about a choice,
one ``Cell`` per candidate in every row. The renderers (terminal, Markdown,
HTML, CSV, JSON) only lay this model out; none of them decides anything.

The rows are made in ``compare_rows`` and the score in ``scoring``: it
uses the user's own weights; a criterion with nothing to judge it by is
*unknown*, shown as such and left out of the average, never counted as
zero. Red flags are listed beside every score. Nothing here calls a
therapist good: a score is "from your weights and answers".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Final

from finder.errors import FinderError, UsageError
from finder.judge.therapists import Therapist
from finder.pursue.profiles import Profile
from finder.storage.store import Doc, Store

if TYPE_CHECKING:
    from finder.report.formats import ReportFormat

#: Item kinds, most serious first; renderers give each a marker that reads without colour.
KINDS: Final[tuple[str, ...]] = ("red_flag", "caution", "con", "pro", "unknown", "info")
SERIOUS: Final[dict[str, int]] = {kind: rank for rank, kind in enumerate(KINDS)}

SCORE_NOTE: Final = "Score from your weights and answers, not a judgement of the therapist."

#: Markers that carry the meaning where colour is absent (NO_COLOR, print, screen readers).
MARKS: Final[dict[str, str]] = {
    "red_flag": "!",
    "caution": "~",
    "con": "-",
    "pro": "+",
    "unknown": "?",
    "info": "\u00b7",
}
#: The same kinds in words, for CSV (where a leading "-" or "+" would need neutralising).
KIND_WORDS: Final[dict[str, str]] = {
    "red_flag": "red flag",
    "caution": "caution",
    "con": "con",
    "pro": "pro",
    "unknown": "unknown",
}
LEGEND: Final = "Marks: ! red flag, ~ caution, - con, + pro, ? unknown or to confirm."


@dataclass(frozen=True)
class Item:
    """One line of a list cell (a red flag, a pro, a reason) and its kind."""

    kind: str
    text: str


@dataclass(frozen=True)
class Cell:
    """One candidate's value in one row. ``text`` None means unknown (shown as "unknown")."""

    text: str | None = None
    items: tuple[Item, ...] = ()
    flag: str | None = None  # the most serious finding attached to this value
    empty: str = "unknown"  # what to show when there is neither text nor items

    @property
    def known(self) -> bool:
        return self.text is not None or bool(self.items)

    def lines(self) -> list[tuple[str | None, str]]:
        """(kind, text) lines to show; kind "empty" for the placeholder, None for a plain value."""
        out: list[tuple[str | None, str]] = []
        if self.text is not None:
            out.append((self.flag, self.text))
        out.extend((item.kind, item.text) for item in self.items)
        return out or [("empty", self.empty)]


def marked(kind: str | None, text: str) -> str:
    """``text`` with the marker of ``kind`` in front (plain values and placeholders as they are)."""
    mark = MARKS.get(kind or "")
    return f"{mark} {text}" if mark else text


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class ScorePart:
    criterion: str
    label: str
    weight: int
    value: float | None  # 0..1; None: unknown
    reason: str
    applies: bool = True  # False: nothing in the profile makes this criterion matter


@dataclass(frozen=True)
class Score:
    value: int | None  # 0..100 over the known criteria; None when none is known
    parts: tuple[ScorePart, ...]

    @property
    def known(self) -> tuple[ScorePart, ...]:
        return tuple(p for p in self.parts if p.applies and p.value is not None)

    @property
    def unknown(self) -> tuple[ScorePart, ...]:
        return tuple(p for p in self.parts if p.applies and p.value is None)

    def summary(self) -> str:
        counted = f"{len(self.known)} of {len(self.known) + len(self.unknown)} criteria"
        if self.value is None:
            return f"not enough known ({counted} known)"
        return f"{self.value}/100 from {counted}"


@dataclass(frozen=True)
class Candidate:
    tid: int
    name: str
    status: str | None  # shortlist status label, None when not on the shortlist
    score: Score
    red_flags: tuple[str, ...]
    cautions: tuple[str, ...]

    @property
    def heading(self) -> str:
        return f"{self.name} (id {self.tid})"


@dataclass(frozen=True)
class Comparison:
    profile: str
    today: date
    candidates: tuple[Candidate, ...]
    sections: tuple[Section, ...]
    sources: tuple[str, ...]
    notes: tuple[str, ...] = ()
    disclaimers: tuple[str, ...] = field(default=())
    crisis: tuple[str, ...] = field(default=())

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)


SECTIONS: Final[tuple[tuple[str, str], ...]] = (
    ("score", "Score"),
    ("who", "Who they are"),
    ("ipt", "IPT evidence"),
    ("fit", "Fit"),
    ("money", "Money"),
    ("availability", "Availability"),
    ("consultation", "The consultation"),
    ("flags", "Red flags and cautions"),
    ("pros_cons", "Pros and cons"),
    ("sources", "Sources and claims"),
)

#: Where a key checklist answer goes: by question id first, then by category.
QUESTION_SECTION: Final[dict[str, str]] = {
    "accepting": "availability",
    "wait_weeks": "availability",
    "evening_weekend": "availability",
    "board_lookup": "who",
}
CATEGORY_SECTION: Final[dict[str, str]] = {
    "licence": "who",
    "training": "ipt",
    "how_ipt_runs": "ipt",
    "fit": "fit",
    "format": "fit",
    "money": "money",
}

#: Short row labels for the shipped checklists' key questions (others use the question text).
SHORT_LABELS: Final[dict[str, str]] = {
    "licensed": "Licensed (they said)",
    "licensed_in_my_state": "Licensed in your state",
    "board_lookup": "State board lookup",
    "ipt_specifically": "IPT itself?",
    "supervised_cases": "Supervised IPT cases",
    "certifying_body": "Certifying body",
    "proof_of_training": "Proof of training",
    "describes_ipt": "Described IPT",
    "planned_sessions": "Planned sessions",
    "session_minutes": "Session length",
    "condition_experience": "Experience with your condition",
    "delivery": "Delivery (they said)",
    "accepting": "Accepting (they said)",
    "wait_weeks": "Wait in weeks (they said)",
    "fee_session": "Fee (they said)",
    "in_network": "In network (they said)",
    "comfort": "Comfort",
    "felt_heard": "Felt heard",
    "clinician_in_network": "In network (insurer)",
    "copay": "Copay (insurer)",
    "session_limit": "Sessions a year (insurer)",
}

CONSULTATION: Final = "consultation"
INSURER: Final = "insurer"


def money(value: float) -> str:
    return f"${value:,.0f}" if float(value).is_integer() else f"${value:,.2f}"


def yes_no(value: Any) -> str | None:
    return None if value is None else ("yes" if value else "no")


# ---------------------------------------------------------------- gathering


@dataclass
class Facts:
    """Everything known about one candidate for one profile; the input of rows and score."""

    therapist: Therapist
    profile: Profile
    consult: dict[str, Any]
    insurer: dict[str, Any]
    findings: list[tuple[str, Any]]  # (checklist name, Finding)
    notes: list[Doc]
    contacts: list[Doc]
    verification: Doc | None
    status: str | None
    today: date
    miles: float | None = None

    def answer(self, qid: str) -> Any:
        value = self.consult.get(qid)
        return None if value == "" else value

    @property
    def planned_sessions(self) -> int:
        planned = self.answer("planned_sessions")
        if isinstance(planned, int | float) and not isinstance(planned, bool) and planned > 0:
            return int(planned)
        return self.profile.planned_sessions

    @property
    def has_consultation(self) -> bool:
        return any(v not in (None, "") for v in self.consult.values())


def build(
    store: Store,
    tids: list[int] | None,
    profile_label: str | None,
    today: date | None = None,
) -> Comparison:
    """The comparison of ``tids`` (default: the profile's shortlist) for one profile."""
    from finder.crisis import CRISIS_LINES, DISCLAIMERS
    from finder.judge import therapists
    from finder.pursue import profiles, shortlist
    from finder.report import compare_rows

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
        crisis=tuple(CRISIS_LINES),
    )


def _checklists(notes: list[str]) -> dict[str, Any]:
    from finder.pursue import checklists

    out: dict[str, Any] = {}
    for name in (CONSULTATION, INSURER):
        try:
            out[name] = checklists.load(name)
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
    from finder.pursue import checklists as cl
    from finder.records import geo

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
    home = geo.zip_point(profile.zip) if profile.zip else None
    if home is not None and therapist.point is not None:
        facts.miles = geo.miles(home, therapist.point)
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
    from finder.report.compare_rows import derived_flags
    from finder.report.scoring import score

    flags = derived_flags(facts)
    return Candidate(
        tid=facts.therapist.tid,
        name=facts.therapist.name,
        status=facts.status,
        score=score(facts),
        red_flags=tuple(i.text for i in flags if i.kind == "red_flag"),
        cautions=tuple(i.text for i in flags if i.kind == "caution"),
    )


def render(comparison: Comparison, fmt: ReportFormat, width: int | None = None) -> str:
    """The comparison as text in ``fmt`` (see ``finder.report.formats``)."""
    from finder.report.formats import render as render_format

    return render_format(comparison, fmt, width)
