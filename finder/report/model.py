"""The comparison report's model: candidates side by side, row by row, and a score.

``finder.report.compare.build`` gathers everything finder holds about each candidate (records,
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

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from finder.judge.therapists import Therapist
from finder.pursue.profiles import Profile
from finder.storage.store import Doc

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
    approx: bool = False  # a town's centre at one end: shown "~"

    @property
    def why_no_distance(self) -> str:
        """Why no distance is shown: the profile names no place, or the clinician's is unknown."""
        placed = self.profile.zip or self.profile.city
        return "location unknown" if placed else "no ZIP or town in your profile"

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
