"""What a checklist is, the typed answers to its questions, and the rules that judge them.

``finder.pursue.checklists`` loads and validates the TOML files into these values and
re-exports everything here; import from there. Answers are stored under
question ids as plain JSON values (``True``, ``150.0``, ``"ISIPT"``,
``["individual", "group"]``), and every function here accepts an answer that
no longer fits an edited question without failing: such an answer is kept,
shown as it was, and simply never makes a rule fire.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Final, Literal

from finder.errors import FinderError, NotFound, UsageError
from finder.patterns import later
from finder.records.normalize.money import dollars
from finder.records.normalize.money import money as read_money

RuleKind = Literal["red_flag", "caution", "pro", "con"]
#: Rule kinds, most serious first (the order reports list them in).
RULE_KINDS: Final[tuple[str, ...]] = ("red_flag", "caution", "con", "pro")


class ChecklistError(FinderError):
    """A checklist or an answers file that cannot be used; ``problems`` lists every problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(problems[0] + more)


class AnswerType(StrEnum):
    YES_NO = "yes_no"
    MONEY = "money"
    NUMBER = "number"
    MINUTES = "minutes"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    TEXT = "text"
    RATING = "rating"


NUMERIC: Final[frozenset[AnswerType]] = frozenset(
    {AnswerType.MONEY, AnswerType.NUMBER, AnswerType.MINUTES, AnswerType.RATING}
)

#: What to type, shown in the walk-through's prompt.
HINTS: Final[dict[AnswerType, str]] = {
    AnswerType.YES_NO: "y/n",
    AnswerType.MONEY: "dollars, e.g. 150",
    AnswerType.NUMBER: "a number",
    AnswerType.MINUTES: "minutes, e.g. 50",
    AnswerType.CHOICE: "number or name",
    AnswerType.MULTI_CHOICE: "numbers or names, separated by commas",
    AnswerType.TEXT: "text",
    AnswerType.RATING: "1 to 5",
}


#: Minutes a question takes on the call when its checklist gives no ``minutes``.
DEFAULT_MINUTES: Final[dict[AnswerType, float]] = {
    AnswerType.YES_NO: 1.0,
    AnswerType.MONEY: 1.0,
    AnswerType.NUMBER: 1.0,
    AnswerType.MINUTES: 1.0,
    AnswerType.CHOICE: 1.0,
    AnswerType.MULTI_CHOICE: 1.0,
    AnswerType.TEXT: 1.5,
    AnswerType.RATING: 0.5,
}

#: Selection hints: the record facts a question can confirm on the call ...
CONFIRMS: Final[tuple[str, ...]] = (
    "insurance", "accepting", "fee", "telehealth", "licence", "language", "ipt_credential",
)  # fmt: skip
#: ... and the parts of the user's profile that can make a question decisive.
DECIDES: Final[tuple[str, ...]] = (
    "budget", "sliding_scale", "telehealth", "language", "issues", "insurance", "age_group",
    "formats", "state",
)  # fmt: skip
#: When a question is answered: on the call, by the user right after it (their own
#: impressions, on the call sheet), or later, away from the call (a licence lookup).
STAGES: Final[tuple[str, ...]] = ("call", "after", "later")


@dataclass(frozen=True)
class Condition:
    """One node of a rule's condition: a test (``op`` and ``value``) or all/any/not of ``parts``."""

    op: str
    value: Any = None
    question: str | None = None  # whose answer is tested; None: the rule's own question
    parts: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class Rule:
    when: Condition
    kind: RuleKind
    message: str


@dataclass(frozen=True)
class Question:
    id: str
    category: str
    text: str
    help: str
    type: AnswerType
    choices: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = ()
    key: bool = False  # shown in the comparison report
    # Optional fields (a user's older copy of a checklist works without them):
    ask_when: Condition | None = None  # asked only when this holds (or is still unknown)
    unit: str | None = None  # what a number counts: percent, weeks, sessions
    minutes: float | None = None  # time it takes on the call; None: DEFAULT_MINUTES
    confirms: str | None = None  # the record fact it confirms (see CONFIRMS)
    decides: str | None = None  # the profile need that makes it decisive (see DECIDES)
    stage: str = "call"  # call | after | later
    settled_by: tuple[str, ...] = ()  # IPT evidence classes that already answer it
    weighs: str | None = None  # the profile weight that orders it (default: by category)

    @property
    def estimate(self) -> float:
        """Minutes this question takes on the call."""
        return self.minutes if self.minutes is not None else DEFAULT_MINUTES[self.type]

    @property
    def depends_on(self) -> tuple[str, ...]:
        """The ids of the questions ``ask_when`` looks at, in order."""
        return tuple(dict.fromkeys(_questions_in(self.ask_when))) if self.ask_when else ()


@dataclass(frozen=True)
class Checklist:
    name: str
    title: str
    description: str
    categories: tuple[tuple[str, str], ...]  # (id, title), in walk order
    questions: tuple[Question, ...]  # in walk order: by category, then as written
    path: Path
    context: tuple[str, ...] = field(default=())  # names evaluate() may get from outside

    def question(self, qid: str) -> Question:
        for question in self.questions:
            if question.id == qid:
                return question
        raise NotFound(f"checklist {self.name} has no question '{qid}'")

    def category_id(self, cat: str) -> str:
        """The id of a category given by its id or its title (case-insensitive)."""
        wanted = cat.strip().casefold()
        for cid, title in self.categories:
            if wanted in (cid.casefold(), title.casefold()):
                return cid
        known = ", ".join(cid for cid, _ in self.categories)
        raise UsageError(f"checklist {self.name} has no category '{cat}' (categories: {known})")

    def in_category(self, cat: str) -> tuple[Question, ...]:
        cid = self.category_id(cat)
        return tuple(q for q in self.questions if q.category == cid)

    def category_title(self, cid: str) -> str:
        return dict(self.categories).get(cid, cid)


def _questions_in(cond: Condition) -> list[str]:
    found = [cond.question] if cond.question else []
    for part in cond.parts:
        found += _questions_in(part)
    return found


def hint(question: Question, mark: str = "$") -> str:
    """What to type, as the walk-through's prompt says it; a number says its unit, an
    amount of money says dollars only to a person who pays in them (``mark``)."""
    if question.type is AnswerType.NUMBER and question.unit:
        return f"number, in {question.unit}"
    if question.type is AnswerType.MONEY and mark != "$":
        return "an amount, e.g. 150"
    return HINTS[question.type]


@dataclass(frozen=True)
class Finding:
    kind: str
    message: str
    question_id: str


# --- typed answers -------------------------------------------------------------------------

_NUMBER = later(r"^(?:about|around|~)?\s*(?P<n>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*%?$", re.I)
_MINUTES = later(
    r"^(?:(?P<h>\d+(?:\.\d+)?|an?|one)\s*-?\s*(?:h|hrs?|hours?)\b)?\s*(?:and\s*)?"
    r"(?:(?P<m>\d+)\s*-?\s*(?:m|mins?|minutes?)?)?$",
    re.IGNORECASE,
)
_RATING = later(r"^(?P<n>\d+)\s*(?:/\s*5|out of 5)?$", re.IGNORECASE)
_YES = frozenset({"y", "yes", "true"})
_NO = frozenset({"n", "no", "false"})


def _cut(text: str) -> str:
    """What the user typed, cut short: a misplaced note must not end up whole in a message."""
    return text if len(text) <= 24 else f"{text[:20]}..."


def _quote(text: str) -> str:
    return f"'{_cut(text)}'"


def parse_answer(question: Question, text: str) -> Any:
    """The typed value of what the user typed, or ValueError with a message for the user."""
    raw = text.strip()
    kind = question.type
    if not raw:
        raise ValueError("empty answer")
    if kind is AnswerType.YES_NO:
        if raw.lower() in _YES | _NO:
            return raw.lower() in _YES
        raise ValueError(f"answer yes or no (y/n), not {_quote(raw)}")
    if kind is AnswerType.MONEY:
        return _money(raw)
    if kind is AnswerType.NUMBER:
        match = _NUMBER.match(raw)
        if not match:
            raise ValueError(f"not a number: {_quote(raw)} (give one number, e.g. 16)")
        number = float(match["n"].replace(",", ""))
        return int(number) if number.is_integer() else number
    if kind is AnswerType.MINUTES:
        return _minutes(raw)
    if kind is AnswerType.RATING:
        match = _RATING.match(raw)
        if not match or not 1 <= int(match["n"]) <= 5:
            raise ValueError(f"give a rating from 1 to 5, not {_quote(raw)}")
        return int(match["n"])
    if kind is AnswerType.CHOICE:
        return _choice(question, raw)
    if kind is AnswerType.MULTI_CHOICE:
        parts = raw.split() if raw.replace(" ", "").isdigit() else raw.split(",")
        picked = {_choice(question, part) for part in parts if part.strip()}
        return [choice for choice in question.choices if choice in picked]
    return raw


def _money(raw: str) -> float:
    if raw.lower() in ("free", "none", "nothing", "no charge"):
        return 0.0
    # The one money reader: "120,50" and "1,200" are read here as an importer reads them.
    low, high = read_money(raw)
    if low is None or raw.startswith("-"):
        raise ValueError(f"not an amount of money: {_quote(raw)} (type e.g. 150 or $150)")
    if high != low:
        raise ValueError(
            f"give one amount, not a range: {_quote(raw)} (note the range in your notes)"
        )
    return low


def _minutes(raw: str) -> int:
    match = _MINUTES.match(raw)
    if match and (match["h"] or match["m"]):
        hours = match["h"] or "0"
        hour_count = 1.0 if hours.lower() in ("a", "an", "one") else float(hours)
        total = round(hour_count * 60 + int(match["m"] or 0))
        if 1 <= total <= 480:
            return total
        raise ValueError(f"{total} minutes is not a session length")
    raise ValueError(f"not a length of time: {_quote(raw)} (type e.g. 50, 50 min or 1 hour)")


def _choice(question: Question, raw: str) -> str:
    choices = question.choices
    text = raw.strip()
    listing = "; ".join(f"{i}) {c}" for i, c in enumerate(choices, 1))
    if text.isdigit():
        if 1 <= int(text) <= len(choices):
            return choices[int(text) - 1]
        raise ValueError(f"choose a number from 1 to {len(choices)}: {listing}")
    folded = text.casefold()
    for choice in choices:
        if choice.casefold() == folded:
            return choice
    starting = [c for c in choices if c.casefold().startswith(folded)]
    if len(starting) == 1:
        return starting[0]
    if starting:
        raise ValueError(f"{_quote(text)} could be {' or '.join(starting)}: type more of it")
    raise ValueError(f"{_quote(text)} is not one of the choices: {listing}")


def coerce_answer(question: Question, value: Any) -> Any:
    """A stored or file-given value (text, or already typed) as the question's typed value."""
    if isinstance(value, str):
        return parse_answer(question, value)
    kind = question.type
    if kind is AnswerType.YES_NO and isinstance(value, bool):
        return value
    plain_number = isinstance(value, int | float) and not isinstance(value, bool)
    if kind in (AnswerType.CHOICE, AnswerType.TEXT) and plain_number:
        # A choice by its number, or a number as text, as if typed at the prompt.
        return parse_answer(question, str(value))
    if kind is AnswerType.MULTI_CHOICE and isinstance(value, list | tuple):
        if not value or not all(isinstance(v, str) for v in value):
            raise ValueError("give a list of choice names")
        return parse_answer(question, ",".join(value))
    if kind in NUMERIC and isinstance(value, int | float) and not isinstance(value, bool):
        if kind is AnswerType.RATING:
            return parse_answer(question, str(value))
        if value < 0:
            raise ValueError(f"{value} is negative")
        if kind is AnswerType.MINUTES:
            return _minutes(str(value))
        if kind is AnswerType.MONEY:
            return float(value)
        return value
    raise ValueError(f"{_cut(repr(value))} is not a valid {kind.replace('_', '/')} answer")


def format_answer(question: Question, value: Any, mark: str = "$") -> str:
    """An answer as the user reads it; a value that no longer fits is shown as it was.
    ``mark``: of an amount of money (``money.home_mark`` of the person's country)."""
    if value is None:
        return ""
    try:
        typed = coerce_answer(question, value)
    except ValueError:
        return str(value)
    kind = question.type
    if kind is AnswerType.YES_NO:
        return "yes" if typed else "no"
    if kind is AnswerType.MONEY:
        return dollars(typed, mark)
    if kind is AnswerType.MINUTES:
        return f"{typed} min"
    if kind is AnswerType.RATING:
        return f"{typed}/5"
    if kind is AnswerType.MULTI_CHOICE:
        return ", ".join(typed)
    return str(typed)


# --- rules ---------------------------------------------------------------------------------


def evaluate(
    checklist: Checklist, answers: Mapping[str, Any], context: Mapping[str, Any] | None = None
) -> list[Finding]:
    """The red flags, cautions, cons and pros the answers give, in question order.

    ``context`` supplies values from outside the checklist (e.g. ``planned_sessions``
    from the consultation for the insurer checklist). Answers whose id is not in the
    checklist are ignored here, and left untouched.
    """
    judge = _Judge(checklist, answers, context or {})
    return [
        Finding(rule.kind, rule.message, question.id)
        for question in checklist.questions
        for rule in question.rules
        if judge.test(rule.when, question) is True
    ]


def applies(checklist: Checklist, question: Question, answers: Mapping[str, Any]) -> bool:
    """False when earlier answers rule the question out (its ``ask_when`` is false).

    A condition still unknown (the answer it depends on was skipped) does not
    rule a question out: it is asked.
    """
    if question.ask_when is None:
        return True
    return _Judge(checklist, answers, {}).test(question.ask_when, question) is not False


def ruled_out(checklist: Checklist, answers: Mapping[str, Any]) -> list[Question]:
    """The questions earlier answers rule out, in checklist order."""
    return [q for q in checklist.questions if not applies(checklist, q, answers)]


def why_ruled_out(
    checklist: Checklist, question: Question, answers: Mapping[str, Any], mark: str = "$"
) -> str:
    """The answers a ruled-out question depends on, as ``certified: no``."""
    parts = []
    for qid in question.depends_on:
        other = checklist.question(qid)
        if answers.get(qid) is not None:
            parts.append(f"{qid}: {format_answer(other, answers[qid], mark)}")
    return ", ".join(parts)


class _Judge:
    """Evaluates conditions in three-valued logic: None means 'unknown' (no answer to test)."""

    def __init__(
        self, checklist: Checklist, answers: Mapping[str, Any], context: Mapping[str, Any]
    ) -> None:
        self.by_id = {q.id: q for q in checklist.questions}
        self.answers = answers
        self.context = context

    def value(self, question: Question) -> Any:
        raw = self.answers.get(question.id)
        if raw is None or raw == "":
            return None
        try:
            return coerce_answer(question, raw)
        except ValueError:
            return None

    def reference(self, name: str) -> float | None:
        value = self.value(self.by_id[name]) if name in self.by_id else self.context.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return float(value)

    def test(self, cond: Condition, own: Question) -> bool | None:
        if cond.op in ("all", "any"):
            results = [self.test(part, own) for part in cond.parts]
            decisive = cond.op == "any"  # any: one True decides; all: one False decides
            if decisive in results:
                return decisive
            return None if None in results else not decisive
        if cond.op == "not":
            inner = self.test(cond.parts[0], own)
            return None if inner is None else not inner
        target = self.by_id[cond.question] if cond.question else own
        value = self.value(target)
        if cond.op == "missing":
            return (self.answers.get(target.id) in (None, "")) is cond.value
        if value is None:
            return None
        return _compare(cond.op, value, cond.value, self.reference)


def _compare(op: str, value: Any, operand: Any, reference: Any) -> bool | None:
    if op == "equals":
        return bool(value == operand)
    if op == "not_equals":
        return bool(value != operand)
    if op == "in":
        return value in operand
    if op == "not_in":
        return value not in operand
    if op == "contains":
        return operand in value
    if op == "not_contains":
        return operand not in value
    if op.endswith("_answer"):
        other = reference(operand)
        if other is None:
            return None
        return bool(value < other if op == "less_than_answer" else value > other)
    checks = {
        "less_than": value < operand,
        "at_most": value <= operand,
        "greater_than": value > operand,
        "at_least": value >= operand,
    }
    return bool(checks[op])
