"""One call to the insurer: the plan's benefits, every shortlisted clinician's network status,
and the reference number to note at the end.

Insurer directories are often wrong, so network status is asked clinician by
clinician (by name and NPI). The plan's answers are kept per plan, the network
answers per clinician and plan (see ``finder.pursue.answers``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Final

from finder.judge.therapists import Therapist
from finder.pursue.answers import INSURER, PER_CLINICIAN_CATEGORIES, answers_for
from finder.pursue.checklist_model import Checklist, applies
from finder.pursue.shortlist import Status, entries
from finder.storage.store import Store

#: Categories of the insurer checklist asked last, once the rest is done (the reference number).
CLOSING_CATEGORIES: Final[frozenset[str]] = frozenset({"call"})

#: Shortlist statuses whose clinicians are no longer pursued, so not asked about.
DONE_WITH: Final[frozenset[Status]] = frozenset({Status.DECLINED, Status.NO_OPENINGS})


@dataclass(frozen=True)
class Step:
    """One part of the call: a heading, the questions, and whose answers they are."""

    heading: str
    checklist: Checklist
    tid: int | None  # None: the plan's own answers


@dataclass(frozen=True)
class InsurerPlan:
    plan: str
    steps: tuple[Step, ...]
    clinicians: tuple[Therapist, ...]

    def overview(self, store: Store, label: str) -> list[str]:
        """What the call covers, in a few lines, with how many questions are still open."""
        out = [f"One call to your insurer about {self.plan}:"]
        for step in self.steps:
            given = answers_for(store, label, step.tid, INSURER, plan=self.plan)
            open_count = sum(
                1
                for q in step.checklist.questions
                if q.id not in given and applies(step.checklist, q, given)
            )
            out.append(f"  - {step.heading}: {open_count} of {len(step.checklist.questions)} open")
        return out


def shortlisted(store: Store, label: str) -> list[int]:
    """The clinicians still pursued on the shortlist, oldest first."""
    return [e.tid for e in entries(store, label) if e.status not in DONE_WITH]


def build(
    checklist: Checklist, plan: str, clinicians: Sequence[Therapist], only: str | None = None
) -> InsurerPlan:
    """The steps of one call: benefits, each clinician's network status, then the closing."""
    parts = {
        "benefits": _part(
            checklist, lambda c: c not in PER_CLINICIAN_CATEGORIES | CLOSING_CATEGORIES
        ),
        "network": _part(checklist, lambda c: c in PER_CLINICIAN_CATEGORIES),
        "closing": _part(checklist, lambda c: c in CLOSING_CATEGORIES),
    }
    if only:
        wanted = checklist.category_id(only)
        parts = {name: _part(part, lambda c: c == wanted) for name, part in parts.items()}
    steps: list[Step] = []
    if parts["benefits"].questions:
        steps.append(Step(f"Your plan's benefits ({plan})", parts["benefits"], None))
    if parts["network"].questions:
        for t in clinicians:
            npi = f", NPI {t.best('npi')}" if t.best("npi") else ""
            steps.append(
                Step(f"Network status: {t.name} (therapist {t.tid}){npi}", parts["network"], t.tid)
            )
    if parts["closing"].questions:
        steps.append(Step("Before you hang up", parts["closing"], None))
    return InsurerPlan(plan, tuple(steps), tuple(clinicians))


def _part(checklist: Checklist, keep: Callable[[str], bool]) -> Checklist:
    """The questions of the categories ``keep`` accepts, as a checklist of their own."""
    questions = tuple(q for q in checklist.questions if keep(q.category))
    used = {q.category for q in questions}
    categories = tuple(c for c in checklist.categories if c[0] in used)
    return replace(checklist, questions=questions, categories=categories)
