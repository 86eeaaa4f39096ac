"""What the user recorded about a therapist: checklist answers and their own notes.

Documents in the ``answers`` table: ``{profile, tid, checklist, qid, value,
answered_at, plan}``. There is one document per profile, therapist, checklist,
question (and, for the insurer checklist, plan); saving again replaces it and
saving ``None`` removes it. Answers are kept under question ids, so an edited
checklist never scrambles them: an answer whose question is gone is kept and
shown as it was.

The insurer checklist is asked once per plan (``tid`` null, ``plan`` set), except
its ``network`` questions, which are about one clinician (in-network status is
per clinician and plan).

Documents in the ``notes`` table: ``{profile, tid, kind: pro|con|note, text, at}``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Any, Final

from finder.errors import UsageError
from finder.judge import therapists
from finder.pursue import profiles
from finder.records.models import now_iso
from finder.records.normalize.money import home_mark
from finder.storage.store import Doc, Store

if TYPE_CHECKING:
    from finder.pursue.checklist_model import Checklist, Finding

CONSULTATION: Final[str] = "consultation"
INSURER: Final[str] = "insurer"

#: Categories of the insurer checklist asked about each clinician rather than the plan.
PER_CLINICIAN_CATEGORIES: Final[frozenset[str]] = frozenset({"network"})

NOTE_KINDS: Final[tuple[str, ...]] = ("pro", "con", "note")


def _now() -> str:
    return now_iso()


def _key(
    profile: str, tid: int | None, checklist: str, qid: str, plan: str | None
) -> dict[str, Any]:
    if tid is None and not plan:
        raise UsageError("a plan-level answer needs the plan's name")
    return {
        "profile": profile,
        "tid": tid,
        "checklist": checklist,
        "qid": qid,
        "plan": plan or None,
    }


def save_answer(
    store: Store,
    profile: str,
    tid: int | None,
    checklist: str,
    qid: str,
    value: Any,
    *,
    plan: str | None = None,
    now: str | None = None,
) -> None:
    """Store one answer in its own transaction (``None`` removes it): a crash loses nothing."""
    save_answers(store, profile, tid, checklist, {qid: value}, plan=plan, now=now)


def save_answers(
    store: Store,
    profile: str,
    tid: int | None,
    checklist: str,
    values: Mapping[str, Any],
    *,
    plan: str | None = None,
    now: str | None = None,
) -> int:
    """Store many answers in one transaction; returns how many were set (not removed)."""
    stamp = now or _now()
    wanted = {qid: _key(profile, tid, checklist, qid, plan) for qid in values}
    with store.transaction():
        same = store.answers.find(profile=profile, tid=tid, checklist=checklist)
        existing: dict[str, list[Doc]] = {}
        for doc in same:
            if (doc.get("plan") or None) == (plan or None):
                existing.setdefault(str(doc["qid"]), []).append(doc)
        stale: list[int] = []
        changes: dict[int, dict[str, Any]] = {}
        new: list[dict[str, Any]] = []
        for qid, value in values.items():
            docs = existing.get(qid, [])
            if value is None:
                stale.extend(d["_id"] for d in docs)
                continue
            if docs:
                changes[docs[0]["_id"]] = {"value": value, "answered_at": stamp}
                stale.extend(d["_id"] for d in docs[1:])
            else:
                new.append({**wanted[qid], "value": value, "answered_at": stamp})
        store.answers.update_many(changes)
        store.answers.insert_many(new)
        store.answers.remove(stale)
    return sum(1 for value in values.values() if value is not None)


def _latest(docs: Iterable[Doc]) -> dict[str, Any]:
    ordered = sorted(docs, key=lambda d: str(d.get("answered_at") or ""))
    return {str(d["qid"]): d["value"] for d in ordered if d.get("value") not in (None, "")}


def answers_for(
    store: Store, profile: str, tid: int | None, checklist: str, plan: str | None = None
) -> dict[str, Any]:
    """``{qid: value}`` recorded for one therapist (``tid=None``: the plan's own answers).

    With ``plan``, only that plan's answers (matched without regard to case); without
    it, the newest answer to each question whatever the plan.
    """
    docs = store.answers.find(profile=profile, tid=tid, checklist=checklist)
    if plan is not None:
        wanted = plan.strip().casefold()
        docs = [d for d in docs if str(d.get("plan") or "").strip().casefold() == wanted]
    return _latest(docs)


def answered_at(store: Store, profile: str, tid: int | None, checklist: str) -> dict[str, str]:
    """``{qid: when}`` of the answers ``answers_for`` returns without a plan."""
    docs = sorted(
        store.answers.find(profile=profile, tid=tid, checklist=checklist),
        key=lambda d: str(d.get("answered_at") or ""),
    )
    return {str(d["qid"]): str(d.get("answered_at") or "") for d in docs}


def plans(store: Store, profile: str) -> list[str]:
    """The plans with plan-level insurer answers, as first written."""
    seen: dict[str, str] = {}
    for doc in store.answers.find(profile=profile, tid=None, checklist=INSURER):
        name = str(doc.get("plan") or "").strip()
        if name:
            seen.setdefault(name.casefold(), name)
    return sorted(seen.values(), key=str.casefold)


def insurer_answers(
    store: Store, profile: str, tid: int, own_plans: Iterable[str] = ()
) -> dict[str, Any]:
    """The insurer answers that apply to a therapist: the plan's, then the clinician's.

    Plan-level answers about one of ``own_plans`` (the profile's insurance) win over
    answers recorded for other plans.
    """
    wanted = {p.strip().casefold() for p in own_plans}
    plan_docs = store.answers.find(profile=profile, tid=None, checklist=INSURER)
    plan_docs.sort(
        key=lambda d: (
            str(d.get("plan") or "").strip().casefold() in wanted,
            str(d.get("answered_at") or ""),
        )
    )
    merged = {str(d["qid"]): d["value"] for d in plan_docs if d.get("value") not in (None, "")}
    merged.update(answers_for(store, profile, tid, INSURER))
    return merged


def context_for(
    store: Store, profile: str, tid: int, consultation: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The values from outside a checklist its rules may compare with (see ``context``)."""
    person = profiles.get(store, profile)
    if consultation is None:
        consultation = answers_for(store, profile, tid, CONSULTATION)
    planned = consultation.get("planned_sessions")
    if isinstance(planned, bool) or not isinstance(planned, int | float) or planned <= 0:
        planned = person.planned_sessions
    context: dict[str, Any] = {"planned_sessions": planned}
    if person.budget:
        context["budget_per_session"] = person.budget
    if person.state:
        context["client_state"] = person.state
    return context


@dataclass(frozen=True)
class Recorded:
    """Everything recorded for one therapist and profile, judged by the checklists."""

    consultation: dict[str, Any]
    insurer: dict[str, Any]
    findings: tuple[tuple[str, Finding], ...]  # (checklist name, finding)


def recorded(
    store: Store,
    profile: str,
    tid: int,
    consultation: Checklist | None = None,
    insurer: Checklist | None = None,
) -> Recorded:
    """The answers to both checklists and what they imply, for one therapist.

    The checklists are loaded (a user's edited copy first) unless given.
    """
    # kept here: `finder note` reads no checklist (tomllib), `finder show` no model (5 ms)
    from finder.pursue import checklists
    from finder.pursue.checklist_model import evaluate

    consultation = consultation or checklists.load(CONSULTATION)
    insurer = insurer or checklists.load(INSURER)
    person = profiles.get(store, profile)
    consult_answers = answers_for(store, profile, tid, CONSULTATION)
    insurer_given = insurer_answers(store, profile, tid, person.insurance)
    context = context_for(store, profile, tid, consult_answers)
    findings = [(CONSULTATION, f) for f in evaluate(consultation, consult_answers, context)]
    findings += [(INSURER, f) for f in evaluate(insurer, insurer_given, context)]
    return Recorded(consult_answers, insurer_given, tuple(findings))


def findings_for(store: Store, profile: str, tid: int) -> list[Finding]:
    """Red flags, cautions, cons and pros from the consultation and insurer answers."""
    return [finding for _, finding in recorded(store, profile, tid).findings]


def insurer_parts(checklist: Checklist) -> tuple[Checklist, Checklist]:
    """The insurer checklist as two: the plan's questions, and those about a clinician."""

    def part(clinician: bool) -> Checklist:
        questions = tuple(
            q for q in checklist.questions if (q.category in PER_CLINICIAN_CATEGORIES) is clinician
        )
        used = {q.category for q in questions}
        categories = tuple(c for c in checklist.categories if c[0] in used)
        return replace(checklist, questions=questions, categories=categories)

    return part(False), part(True)


def save_insurer_answers(
    store: Store, profile: str, plan: str, tids: Iterable[int], checklist: Checklist,
    given: Mapping[str, Any],
) -> tuple[int, int]:  # fmt: skip
    """Answers from a file: the plan's under the plan, the clinician ones under each of ``tids``.

    Returns how many plan answers and how many per-clinician answers (each) were saved.
    """
    tids = list(tids)
    about_clinician = {q.id for q in insurer_parts(checklist)[1].questions}
    mine = {k: v for k, v in given.items() if k in about_clinician}
    if mine and not tids:
        raise UsageError(f"answers about a clinician ({', '.join(sorted(mine))}) need an ID")
    plan_given = {k: v for k, v in given.items() if k not in about_clinician}
    with store.transaction():
        count = save_answers(store, profile, None, INSURER, plan_given, plan=plan)
        for tid in tids:
            save_answers(store, profile, tid, INSURER, mine, plan=plan)
    return count, len(mine)


# --- notes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Note:
    kind: str  # pro | con | note
    text: str
    at: str


def add_note(
    store: Store, profile: str, tid: int, kind: str, text: str, *, now: str | None = None
) -> Note:
    """Keep one of the user's own pros, cons or notes about a therapist."""
    if kind not in NOTE_KINDS:
        raise UsageError(f"unknown note kind {kind!r}; one of: {', '.join(NOTE_KINDS)}")
    clean = " ".join(text.split())
    if not clean:
        raise UsageError(f"the {kind} is empty: give a few words")
    note = Note(kind, clean, now or _now())
    with store.transaction():
        therapists.get(store, tid)
        store.notes.insert({"profile": profile, "tid": tid, "kind": kind, "text": clean,
                            "at": note.at})  # fmt: skip
    return note


def notes_for(store: Store, profile: str, tid: int) -> list[Note]:
    """The user's own notes about a therapist, oldest first."""
    docs = sorted(store.notes.find(profile=profile, tid=tid), key=lambda d: str(d.get("at")))
    return [
        Note(str(d.get("kind") or "note"), str(d.get("text") or ""), str(d.get("at"))) for d in docs
    ]


# --- what `finder answers` shows -----------------------------------------------------------

KIND_TITLES: Final[dict[str, str]] = {
    "red_flag": "Red flags",
    "caution": "Cautions",
    "con": "Cons",
    "pro": "Pros",
}


@dataclass(frozen=True)
class AnswerRow:
    checklist: str
    id: str
    category: str | None  # None: the question is no longer in the (edited) checklist
    question: str | None
    value: Any  # as stored
    answer: str  # as the user reads it


@dataclass(frozen=True)
class Summary:
    """Everything recorded for one therapist and profile, ready to show."""

    tid: int
    name: str
    profile: str
    titles: dict[str, str]  # checklist name -> title; category id -> title
    rows: tuple[AnswerRow, ...]
    findings: tuple[tuple[str, Finding], ...]
    notes: tuple[Note, ...]
    plans: tuple[str, ...]
    unanswered: int  # consultation questions without an answer (and not ruled out)
    ruled_out: tuple[
        tuple[str, str, str], ...
    ] = ()  # (id, question, the answers that ruled it out)

    @property
    def empty(self) -> bool:
        return not (self.rows or self.notes)

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON of `finder answers --json`."""
        return {
            "tid": self.tid,
            "name": self.name,
            "profile": self.profile,
            "answers": [asdict(row) for row in self.rows],
            "findings": [
                {"checklist": c, "kind": f.kind, "message": f.message, "question": f.question_id}
                for c, f in self.findings
            ],
            "notes": [asdict(note) for note in self.notes],
            "plans": list(self.plans),
            "ruled_out": [
                {"id": qid, "question": text, "because": why} for qid, text, why in self.ruled_out
            ],
            "unanswered": self.unanswered,
        }

    def lines(self) -> list[str]:
        """The text view: answers by checklist and category, then findings, then notes."""
        out = [f"{self.name} (therapist {self.tid}), profile {self.profile}"]
        current: tuple[str, str | None] | None = None
        for row in self.rows:
            if current is None or current[0] != row.checklist:
                out += ["", self.titles.get(row.checklist, row.checklist)]
                current = None
            if current is None or current[1] != row.category:
                title = self.titles.get(f"{row.checklist}:{row.category}", row.category)
                out.append(f"  {title or 'No longer in the checklist'}")
                current = (row.checklist, row.category)
            text = row.question or row.id
            sep = " " if text.endswith(("?", ":")) else ": "
            out.append(f"    {text}{sep}{row.answer}")
        if self.ruled_out:
            out += ["", "Not asked: earlier answers ruled them out"]
            out += [f"  {text} ({why})" for _, text, why in self.ruled_out]
        for kind, title in KIND_TITLES.items():
            found = [(c, f) for c, f in self.findings if f.kind == kind]
            if found:
                out += ["", title]
                out += [
                    f"  - {f.message}" + (" (insurer)" if c == INSURER else "") for c, f in found
                ]
        if self.notes:
            out += ["", "Your notes"]
            out += [f"  {note.kind}: {note.text}" for note in self.notes]
        return out


def _rows(name: str, checklist: Checklist, given: Mapping[str, Any], mark: str) -> list[AnswerRow]:
    # kept here: `finder show` reads answers without the checklists' model (5 ms)
    from finder.pursue.checklist_model import format_answer

    rows = [
        AnswerRow(name, q.id, q.category, q.text, given[q.id], format_answer(q, given[q.id], mark))
        for q in checklist.questions
        if q.id in given
    ]
    known = {q.id for q in checklist.questions}
    # An answer whose question was removed from an edited checklist is kept, as it was.
    rows += [
        AnswerRow(name, qid, None, None, given[qid], _as_stored(given[qid]))
        for qid in sorted(set(given) - known)
    ]
    return rows


def _as_stored(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def summary(store: Store, profile: str, tid: int) -> Summary:
    """What was recorded about one therapist for one profile, judged by the checklists."""
    # kept here: `finder note` reads no checklist (tomllib), `finder show` no model (5 ms)
    from finder.pursue import checklists
    from finder.pursue.checklist_model import ruled_out, why_ruled_out

    therapist = therapists.get(store, tid)
    lists = {name: checklists.load(name) for name in (CONSULTATION, INSURER)}
    rec = recorded(store, profile, tid, lists[CONSULTATION], lists[INSURER])
    titles: dict[str, str] = {}
    for name, checklist in lists.items():
        titles[name] = checklist.title
        titles.update({f"{name}:{cid}": title for cid, title in checklist.categories})
    mark = home_mark(profiles.get(store, profile).country)
    rows = _rows(CONSULTATION, lists[CONSULTATION], rec.consultation, mark)
    rows += _rows(INSURER, lists[INSURER], rec.insurer, mark)
    consultation = lists[CONSULTATION]
    skipped = [q for q in ruled_out(consultation, rec.consultation) if q.id not in rec.consultation]
    open_count = sum(
        1 for q in consultation.questions if q.id not in rec.consultation and q not in skipped
    )
    return Summary(
        tid=tid,
        name=therapist.name,
        profile=profile,
        titles=titles,
        rows=tuple(rows),
        findings=rec.findings,
        notes=tuple(notes_for(store, profile, tid)),
        plans=tuple(plans(store, profile)),
        unanswered=open_count,
        ruled_out=tuple(
            (q.id, q.text, why_ruled_out(consultation, q, rec.consultation, mark)) for q in skipped
        ),
    )
