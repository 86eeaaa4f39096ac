"""A call plan: the consultation questions that fit the time, chosen and ordered for one clinician.

A free consultation lasts 10 to 20 minutes. The plan asks, in this order:

1. ``confirm``: what the records claim and the call must confirm (a listed plan, an
   "accepting new clients" flag, fees that disagree, a named IPT credential), worded
   from the records so the caller can read the question out;
2. ``profile``: what the user's profile makes decisive (budget, telehealth, language,
   the issue they came for, their plan);
3. ``training``: the key IPT training questions the evidence has not settled;
4. ``red_flag``: the remaining questions whose answer can be a red flag;
5. ``more``: the rest, ordered by the profile's weights.

Questions already answered, or ruled out by earlier answers, are left out. Each
question costs its estimate in minutes (``Question.estimate``); the plan takes
questions in that order while they fit and says what was left for a second call.
The ``after`` questions (the user's own impressions) follow the call, untimed.

The checklist says which question does what through optional selection hints
(``confirms``, ``decides``, ``settled_by``, ``weighs``, ``stage``), so a user's
edited copy plans too; a copy without hints still gets the training, red-flag
and weighted parts. This module reads facts, never prints.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

from finder.judge import claims, therapists
from finder.judge.therapists import Claim, Therapist
from finder.pursue import answers, checklists, profiles
from finder.pursue.checklist_model import Checklist, Question, applies
from finder.pursue.profiles import Profile
from finder.records.models import Source, SourceKind
from finder.records.normalize.money import dollars, home_mark
from finder.storage.store import Store

SECTIONS: Final[dict[str, str]] = {
    "confirm": "Claims to confirm",
    "profile": "What matters for you",
    "training": "IPT training",
    "red_flag": "Red-flag checks",
    "more": "If there is time",
    "after": "After the call",
}

#: The profile weight that orders a question of each shipped category (``weighs`` overrides).
CATEGORY_WEIGHTS: Final[dict[str, str]] = {
    "licence": "licence",
    "training": "ipt_evidence",
    "how_ipt_runs": "ipt_evidence",
    "references": "ipt_evidence",
    "fit": "fit",
    "policies": "fit",
    "medication": "fit",
    "format": "availability",
    "money": "cost",
}

DEFAULT_MINUTES: Final[float] = 15.0


@dataclass(frozen=True)
class PlanItem:
    """One question of the plan, worded for this clinician, and why it is there."""

    question: Question
    section: str  # a key of SECTIONS
    reason: str = ""  # what the records or the profile say that puts it here


@dataclass(frozen=True)
class CallPlan:
    tid: int
    name: str
    minutes: float | None  # the time planned for; None: the whole checklist
    items: tuple[PlanItem, ...]  # asked on the call, in order
    after: tuple[PlanItem, ...]  # filled in after the call
    left: tuple[Question, ...]  # open questions that did not fit: a second call

    @property
    def used(self) -> float:
        return sum(item.question.estimate for item in self.items)

    @property
    def questions(self) -> tuple[Question, ...]:
        """Every question of the plan in walk order, worded as planned."""
        return tuple(item.question for item in (*self.items, *self.after))

    @property
    def claims(self) -> tuple[PlanItem, ...]:
        return tuple(item for item in self.items if item.section == "confirm")

    def left_note(self) -> str:
        """What was left for a second call, in one sentence; empty when nothing was."""
        if not self.left:
            return ""
        count = len(self.left)
        minutes = sum(q.estimate for q in self.left)
        what = "1 question" if count == 1 else f"{count} questions"
        return f"Left for a second call: {what} (about {minutes:.0f} minutes)."


def plan_for(
    checklist: Checklist,
    therapist: Therapist,
    profile: Profile,
    answers: Mapping[str, Any],
    minutes: float = DEFAULT_MINUTES,
) -> CallPlan:
    """The questions for a call of ``minutes`` with ``therapist``, in the order to ask them."""
    facts = _Facts(therapist, profile)
    chooser = _Chooser(checklist, answers, minutes, facts.ipt_level)
    for section, candidates in (
        ("confirm", facts.confirm(checklist)),
        ("profile", facts.decisive(checklist)),
        ("training", _training(checklist)),
        ("red_flag", _red_flags(checklist)),
        ("more", _by_weight(checklist, profile)),
    ):
        for question, reason in candidates:
            chooser.offer(question, section, reason)
    after = tuple(
        PlanItem(q, "after")
        for q in checklist.questions
        if q.stage == "after" and q.key and answers.get(q.id) is None
    )
    left = tuple(q for q in chooser.open_questions() if q.id not in chooser.chosen)
    return CallPlan(therapist.tid, therapist.name, minutes, tuple(chooser.items), after, left)


class _Chooser:
    """Takes questions in the order offered while they fit the time; parents come first."""

    def __init__(
        self, checklist: Checklist, answers: Mapping[str, Any], minutes: float, ipt_level: str
    ) -> None:
        self.checklist = checklist
        self.ipt_level = ipt_level
        self.answers = answers
        self.minutes = minutes
        self.items: list[PlanItem] = []
        self.chosen: set[str] = set()
        self.used = 0.0

    def is_open(self, question: Question) -> bool:
        return (
            question.stage == "call"
            and self.answers.get(question.id) in (None, "")
            and applies(self.checklist, question, self.answers)
        )

    def open_questions(self) -> list[Question]:
        return [q for q in self.checklist.questions if self.is_open(q) and not self.settled(q)]

    def settled(self, question: Question) -> bool:
        """Already answered by the IPT evidence of the records (``settled_by``)."""
        return self.ipt_level in question.settled_by

    def offer(self, question: Question, section: str, reason: str) -> None:
        if question.id in self.chosen or not self.is_open(question):
            return
        if self.settled(question):
            return
        parents = [self.checklist.question(qid) for qid in question.depends_on]
        if reason:
            # A claim worded from the records is its own lead-in ("Your profile says
            # 'ISIPT certified': which body ...?"): the question it depends on is covered.
            self.chosen.update(p.id for p in parents)
            parents = []
        parents = [p for p in parents if p.id not in self.chosen and self.is_open(p)]
        cost = question.estimate + sum(p.estimate for p in parents)
        if self.used + cost > self.minutes + 1e-9:
            return
        for parent in parents:
            self.items.append(PlanItem(parent, section))
            self.chosen.add(parent.id)
        self.items.append(PlanItem(question, section, reason))
        self.chosen.add(question.id)
        self.used += cost


Candidates = list[tuple[Question, str]]


def _training(checklist: Checklist) -> Candidates:
    return [(q, "") for q in checklist.questions if q.category == "training" and q.key]


def _red_flags(checklist: Checklist) -> Candidates:
    return [(q, "") for q in checklist.questions if any(r.kind == "red_flag" for r in q.rules)]


def _by_weight(checklist: Checklist, profile: Profile) -> Candidates:
    def weight(question: Question) -> int:
        name = question.weighs or CATEGORY_WEIGHTS.get(question.category, "fit")
        return int(profile.weights.get(name, 0))

    ranked = sorted(checklist.questions, key=lambda q: (-weight(q), not q.key))
    return [(q, "") for q in ranked if weight(q) > 0]


def _with_hint(checklist: Checklist, hint: str, key: str) -> list[Question]:
    return [q for q in checklist.questions if getattr(q, key) == hint]


class _Facts:
    """What the records claim about one clinician and what the profile needs, as plan wording."""

    def __init__(self, therapist: Therapist, profile: Profile) -> None:
        self.t = therapist
        self.p = profile
        self.ipt_level = therapist.ipt.level.label if therapist.ipt else "none"

    def confirm(self, checklist: Checklist) -> Candidates:
        out: Candidates = []
        for fact in ("insurance", "accepting", "fee", "telehealth", "licence", "language",
                     "ipt_credential"):  # fmt: skip
            worded = getattr(self, f"_claim_{fact}")()
            if worded is None:
                continue
            text, reason = worded
            for question in _with_hint(checklist, fact, "confirms"):
                out.append((replace(question, text=text), reason))
                break
        return out

    def decisive(self, checklist: Checklist) -> Candidates:
        out: Candidates = []
        for need in ("insurance", "budget", "sliding_scale", "telehealth", "language", "issues",
                     "age_group", "formats", "state"):  # fmt: skip
            worded = getattr(self, f"_need_{need}")()
            if worded is None:
                continue
            text, reason = worded
            for question in _with_hint(checklist, need, "decides"):
                out.append((replace(question, text=text or question.text), reason))
                break
        return out

    # --- claims of the records (each read in one place: swap here when a reader lands) ----

    def _imported(self, name: str) -> list[Claim]:
        return [c for c in self.t.values(name) if c.source.kind is SourceKind.IMPORT]

    def _claim_insurance(self) -> tuple[str, str] | None:
        mine = [p for p in self.p.insurance if p.strip()]
        listed = self._imported("insurance") and self.t.all_list("insurance")
        if not mine or not listed:
            return None
        for plan in mine:
            match = next((name for name in listed if plan_matches(name, plan)), None)
            if match is not None:
                named = shown(match)
                ask = "my plan?" if named.casefold() == plan.casefold() else f"my plan, {plan}?"
                return (
                    f"Your profile lists {named}: are you in network with {ask}",
                    f"A listing names {named} among the plans taken (to confirm).",
                )
        return None

    def _claim_accepting(self) -> tuple[str, str] | None:
        said = {bool(c.value) for c in self._imported("accepting")}
        if not said:
            return None
        if said == {True, False}:
            claim = "One listing says you are accepting new clients and another says you are not"
        elif said == {True}:
            claim = "Your listing says you are accepting new clients"
        else:
            claim = "Your listing says you are not taking new clients"
        return f"{claim}: are you taking new clients now?", f"{claim} (to confirm)."

    def _claim_fee(self) -> tuple[str, str] | None:
        fees = fee_claims(self.t)
        if len(fees) < 2:
            return None
        said = (
            f"One listing says {fees[0]} and another {fees[1]}"
            if len(fees) == 2
            else ("Listings say " + ", ".join(fees[:-1]) + f" and {fees[-1]}")
        )
        return f"{said}: what is your fee per session?", f"{said} (to confirm)."

    def _claim_telehealth(self) -> tuple[str, str] | None:
        said = {bool(c.value) for c in self._imported("telehealth")}
        if said == {True, False}:
            claim = "One listing says you offer telehealth and another says you do not"
        elif said == {True} and self.p.telehealth == "required":
            claim = "Your listing says you offer telehealth"
        else:
            return None
        return f"{claim}: do you see clients in person, by telehealth, or both?", claim + "."

    def _claim_licence(self) -> tuple[str, str] | None:
        types = list(dict.fromkeys(shown(str(c.value)) for c in self._imported("license_type")))
        if len(types) < 2:
            return None
        said = f"One listing says {types[0]} and another {types[1]}"
        return f"{said}: what type of licence do you hold, and what is the number?", said + "."

    def _claim_language(self) -> tuple[str, str] | None:
        spoken = [lang.casefold() for lang in self.t.all_list("languages")]
        wanted = next((lang for lang in self._languages() if lang.casefold() in spoken), None)
        if wanted is None:
            return None
        return (
            f"Your listing says you speak {wanted}: can we work in {wanted}?",
            f"A listing says they speak {wanted} (to confirm).",
        )

    def _claim_ipt_credential(self) -> tuple[str, str] | None:
        ipt = self.t.ipt
        if ipt is None or ipt.level.label != "credential" or not ipt.text:
            return None
        quoted = shown(ipt.text, 60).rstrip(".;, ")
        return (
            f'Your profile says "{quoted}": which body certified you, at what level, and when?',
            f'A listing says "{quoted}" (to confirm with the certifying body).',
        )

    # --- needs of the profile -------------------------------------------------------------

    def _need_insurance(self) -> tuple[str, str] | None:
        mine = next((p for p in self.p.insurance if p.strip()), None)
        if mine is None:
            return None
        return f"Are you in network with my plan, {mine}?", f"You would use {mine}."

    def _need_budget(self) -> tuple[str, str] | None:
        budget = self.p.budget
        if not budget:
            return None
        fee, mark = self.t.best("fee"), home_mark(self.p.country)
        if not isinstance(fee, int | float) or isinstance(fee, bool):
            return "", f"No fee is listed; your budget is {dollars(budget, mark)} a session."
        if fee <= budget:
            return None
        listed = fee_claims(self.t)[0] if fee_claims(self.t) else dollars(fee)
        return (
            f"Your listing says {listed}: what is your fee per session?",
            f"The listed fee is above your budget of {dollars(budget, mark)}.",
        )

    def _need_sliding_scale(self) -> tuple[str, str] | None:
        if not self.p.sliding_scale_needed:
            return None
        return "", "You need a sliding scale or payment plan."

    def _need_telehealth(self) -> tuple[str, str] | None:
        wanted = self.p.telehealth
        field = "telehealth" if wanted == "required" else "in_person"
        if wanted not in ("required", "no") or self.t.best(field) is not None:
            return None
        how = "by telehealth" if wanted == "required" else "in person"
        return "", f"You need sessions {how}; the records do not say."

    def _need_language(self) -> tuple[str, str] | None:
        wanted = self._languages()
        spoken = {lang.casefold() for lang in self.t.all_list("languages")}
        missing = [lang for lang in wanted if lang.casefold() not in spoken]
        if not missing:
            return None
        return f"Can we work in {missing[0]}?", f"You prefer {missing[0]}."

    def _need_issues(self) -> tuple[str, str] | None:
        issues = [i for i in self.p.issues if i.strip()]
        if not issues:
            return None
        what = _joined(issues)
        return f"Have you treated people with {what}, using IPT?", f"You came for {what}."

    def _need_age_group(self) -> tuple[str, str] | None:
        age = self.p.age_group
        if not age or any(age.casefold() in a.casefold() for a in self.t.all_list("ages")):
            return None
        return f"Do you work with people of my age group ({age})?", f"You are in the {age} group."

    def _need_formats(self) -> tuple[str, str] | None:
        offered = {f.casefold() for f in self.t.all_list("formats")}
        missing = [f for f in self.p.formats if f.casefold() not in offered]
        if not missing:
            return None
        return "", f"You want {_joined(missing)} sessions; the records do not say."

    def _need_state(self) -> tuple[str, str] | None:
        state = self.p.state
        licensed = {str(v).upper() for v in self.t.all_list("license_state")}
        if not state or state.upper() in licensed:
            return None
        return f"Is your licence active in {state}, where I live?", f"You live in {state}."

    def _languages(self) -> list[str]:
        return [lang for lang in self.p.languages if lang.strip() and lang.casefold() != "english"]


def fee_claims(therapist: Therapist) -> list[str]:
    """The distinct fees the sources state, each as written by one source ("$80-$140")."""
    seen: dict[str, None] = {}
    for doc in therapist.records:
        if doc.get("source", {}).get("kind", "import") != "import":
            continue
        fee = claims.stated_fee(doc.get("fields") or {}, Source.from_dict(doc["source"]))
        if fee is not None:
            seen.setdefault(fee.text)
    return list(seen)


def plan_matches(listed: str, mine: str) -> bool:
    """Whether a plan a listing names is the user's plan (one name holds the other).

    A stand-in until ``finder.records.normalize`` reads plan names: then swap this out.
    """
    a, b = _plan_key(listed), _plan_key(mine)
    return bool(a and b) and (a in b or b in a)


def _plan_key(name: str) -> str:
    return " ".join("".join(ch if ch.isalnum() else " " for ch in name.casefold()).split())


def _joined(items: Sequence[str]) -> str:
    items = [i.strip() for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" and {items[-1]}"


def shown(text: str, limit: int = 80) -> str:
    """Imported text as one printable line, cut short: it is read out on a call."""
    flat = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    return flat if len(flat) <= limit else flat[: limit - 3].rstrip() + "..."


def ids(items: Iterable[PlanItem]) -> list[str]:
    return [item.question.id for item in items]


def make(store: Store, label: str, tid: int, minutes: float = DEFAULT_MINUTES) -> CallPlan:
    """The plan for a call with therapist ``tid`` for profile ``label`` (nothing is stored)."""
    checklist = checklists.load(answers.CONSULTATION)
    given = answers.answers_for(store, label, tid, answers.CONSULTATION)
    person = profiles.get(store, label)
    return plan_for(checklist, therapists.get(store, tid), person, given, minutes)
