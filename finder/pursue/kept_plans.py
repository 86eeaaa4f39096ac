"""Call plans kept for the next walk, and which questions ``finder consult ID`` walks.

Documents in the ``callplans`` table: ``{profile, tid, made_at, minutes, items: [{qid, text,
section}]}``, the newest per profile and clinician. A printed call sheet keeps its plan, so
the walk after the call asks exactly the sheet's questions, in its order and wording.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from finder.pursue import answers as recorded
from finder.pursue.callplan import DEFAULT_MINUTES, CallPlan, make
from finder.pursue.checklist_model import Checklist, Question, applies
from finder.storage.store import Store


def keep(store: Store, label: str, plan: CallPlan, now: str) -> None:
    """Remember ``plan`` as the one to walk next for this clinician."""
    doc = {
        "profile": label,
        "tid": plan.tid,
        "made_at": now,
        "minutes": plan.minutes,
        "items": [
            {"qid": i.question.id, "text": i.question.text, "section": i.section}
            for i in (*plan.items, *plan.after)
        ],
    }
    with store.transaction():
        store.callplans.remove_where(profile=label, tid=plan.tid)
        store.callplans.insert(doc)


@dataclass(frozen=True)
class KeptPlan:
    made_at: str
    questions: tuple[Question, ...]  # as worded on the sheet; gone questions left out


def kept(store: Store, label: str, tid: int, checklist: Checklist) -> KeptPlan | None:
    """The plan last kept for this clinician, with the checklist's questions as then worded."""
    doc = store.callplans.first(profile=label, tid=tid)
    if doc is None:
        return None
    known = {q.id: q for q in checklist.questions}
    questions = tuple(
        replace(known[item["qid"]], text=str(item.get("text") or known[item["qid"]].text))
        for item in doc.get("items") or []
        if isinstance(item, dict) and item.get("qid") in known
    )
    return KeptPlan(str(doc.get("made_at") or ""), questions)


def forget(store: Store, label: str, tid: int) -> None:
    with store.transaction():
        store.callplans.remove_where(profile=label, tid=tid)


@dataclass(frozen=True)
class WalkChoice:
    """What ``finder consult ID`` walks: a plan's questions, or (``questions`` None) the checklist."""

    questions: tuple[Question, ...] | None
    intro: str  # one line saying what is walked and why
    plan: CallPlan | None = None  # a new plan (kept, so an interrupted walk resumes it)


def choose_walk(
    store: Store, label: str, tid: int, checklist: Checklist, minutes: float | None, now: str
) -> WalkChoice:
    """The questions of the next walk with one clinician.

    With ``minutes``, a new plan of that length. Without: the plan last kept (a printed
    call sheet, or a walk not finished) while any of its questions is open; else a new
    15-minute plan the first time a clinician is consulted; else the whole checklist.
    """
    given = recorded.answers_for(store, label, tid, recorded.CONSULTATION)
    if minutes is None:
        last = kept(store, label, tid, checklist)
        if last is not None:
            still = [
                q for q in last.questions if q.id not in given and applies(checklist, q, given)
            ]
            if still:
                return WalkChoice(
                    last.questions,
                    f"The call sheet of {last.made_at[:10]}: {len(last.questions)} questions "
                    "in its order (--all for the whole checklist).",
                )
        if given:
            return WalkChoice(None, "The whole checklist, from the first open question.")
    plan = make(store, label, tid, minutes or DEFAULT_MINUTES)
    keep(store, label, plan, now)
    count = len(plan.items)
    what = "1 question" if count == 1 else f"{count} questions"
    first = ", claims to confirm first" if plan.claims else ""
    return WalkChoice(
        plan.questions,
        f"A {plan.minutes:g}-minute call: {what}{first} (--all for the whole checklist).",
        plan,
    )
