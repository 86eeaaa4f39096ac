"""Reading a checklist's TOML: every problem collected, and a ``Checklist`` when there is none.

Besides the questions and their rules, a question may carry optional fields that
older copies of a checklist simply lack: ``ask_when`` (a condition on earlier
answers, in the rules' language, each test naming its ``question``), ``unit``,
``minutes`` and the selection hints of the call plan (``confirms``, ``decides``,
``stage``, ``settled_by``, ``weighs``). Conditions are checked here: unknown
question ids, tests that do not fit, and questions that depend on each other in
a cycle.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, Final

from finder.patterns import later
from finder.pursue.checklist_model import (
    CONFIRMS,
    DECIDES,
    NUMERIC,
    RULE_KINDS,
    STAGES,
    AnswerType,
    Checklist,
    Condition,
    Question,
    Rule,
)

#: Words the walk-through reads as commands, so no choice may be named like them.
COMMAND_WORDS: Final[frozenset[str]] = frozenset(
    {"?", "s", "skip", "b", "back", "q", "quit", "-", "clear"}
)

#: The tests of the condition language (besides all, any and not).
TESTS: Final[tuple[str, ...]] = (
    "equals",
    "not_equals",
    "in",
    "not_in",
    "less_than",
    "at_most",
    "greater_than",
    "at_least",
    "less_than_answer",
    "greater_than_answer",
    "contains",
    "not_contains",
    "missing",
)

_ID = later(r"^[a-z][a-z0-9_]*$")

ALLOWED_KEYS: Final[set[str]] = {
    "id", "category", "text", "help", "type", "choices", "rules", "key",
    "ask_when", "unit", "minutes", "confirms", "decides", "stage", "settled_by", "weighs",
}  # fmt: skip
#: The profile weights a question may be ordered by (``finder profile`` sets them).
WEIGHTS: Final[tuple[str, ...]] = (
    "ipt_evidence", "cost", "insurance", "distance", "availability", "fit", "comfort", "licence",
)  # fmt: skip
IPT_CLASSES: Final[tuple[str, ...]] = (
    "none",
    "related_not_ipt",
    "listed",
    "described",
    "credential",
)


class Reader:
    """Builds a Checklist from parsed TOML, collecting every problem instead of stopping."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[str] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{self.path}: {where}: {message}")

    def unknown_keys(self, where: str, table: Mapping[str, Any], allowed: set[str]) -> None:
        for key in table:
            if key not in allowed:
                self.problem(where, f"unknown key '{key}' (expected {', '.join(sorted(allowed))})")

    def text(self, where: str, table: Mapping[str, Any], key: str, required: bool = True) -> str:
        value = table.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
        if value is not None or required:
            self.problem(where, f"missing '{key}' (a non-empty string)")
        return ""

    def checklist(self, data: dict[str, Any]) -> tuple[Checklist | None, list[str]]:
        self.unknown_keys("file", data, {"checklist", "category", "question"})
        head = data.get("checklist")
        if not isinstance(head, dict):
            self.problem("file", "missing the [checklist] table (title, description)")
            head = {}
        self.unknown_keys("checklist", head, {"title", "description", "context"})
        title = self.text("checklist", head, "title")
        description = self.text("checklist", head, "description", required=False)
        context = head.get("context", [])
        if not (isinstance(context, list) and all(isinstance(c, str) for c in context)):
            self.problem("checklist", "'context' must be a list of names")
            context = []
        categories = self.categories(data.get("category"))
        raw_questions = data.get("question")
        if not isinstance(raw_questions, list) or not raw_questions:
            self.problem("file", "no [[question]] tables")
            raw_questions = []
        seen: dict[str, int] = {}
        drafts: list[tuple[dict[str, Any], Question]] = []
        for number, raw in enumerate(raw_questions, 1):
            draft = self.question(number, raw, categories, seen)
            if draft is not None:
                drafts.append((raw, draft))
        by_id = {q.id: q for _, q in drafts}
        questions = []
        for raw, draft in drafts:
            rules = self.rules(raw.get("rules", []), draft, by_id, set(context))
            ask_when = self.ask_when(raw.get("ask_when"), draft, by_id)
            questions.append(replace(draft, rules=rules, ask_when=ask_when))
        self.cycles(questions)
        order = {cid: i for i, (cid, _) in enumerate(categories)}
        questions.sort(key=lambda q: order.get(q.category, len(order)))
        if self.problems:
            return None, self.problems
        return Checklist(
            name=self.path.stem,
            title=title,
            description=description,
            categories=tuple(categories),
            questions=tuple(questions),
            path=self.path,
            context=tuple(context),
        ), []

    def categories(self, raw: Any) -> list[tuple[str, str]]:
        if not isinstance(raw, list) or not raw:
            self.problem("file", "no [[category]] tables")
            return []
        result: list[tuple[str, str]] = []
        for number, table in enumerate(raw, 1):
            where = f"category #{number}"
            if not isinstance(table, dict):
                self.problem(where, "must be a table")
                continue
            cid = self.text(where, table, "id")
            where = f"category {cid}" if cid else where
            self.unknown_keys(where, table, {"id", "title"})
            title = self.text(where, table, "title")
            if cid and cid in dict(result):
                self.problem(where, "duplicate category id")
            elif cid:
                result.append((cid, title))
        return result

    def question(
        self,
        number: int,
        raw: Any,
        categories: list[tuple[str, str]],
        seen: dict[str, int],
    ) -> Question | None:
        where = f"question #{number}"
        if not isinstance(raw, dict):
            self.problem(where, "must be a table")
            return None
        qid = self.text(where, raw, "id")
        if not qid:
            return None
        where = f"question {qid}"
        if not _ID.match(qid):
            self.problem(
                where, "id must be lower-case letters, digits and _, starting with a letter"
            )
        if qid in seen:
            self.problem(where, f"duplicate id (question #{seen[qid]} has it too)")
            return None
        seen[qid] = number
        self.unknown_keys(where, raw, ALLOWED_KEYS)
        category = self.text(where, raw, "category")
        if category and category not in dict(categories):
            self.problem(where, f"unknown category '{category}'")
        text = self.text(where, raw, "text")
        help_text = self.text(where, raw, "help")
        type_name = raw.get("type")
        try:
            answer_type = AnswerType(str(type_name))
        except ValueError:
            expected = ", ".join(t.value for t in AnswerType)
            if type_name is None:
                self.problem(where, f"missing 'type' (one of {expected})")
            else:
                self.problem(where, f"unknown type '{type_name}' (expected one of {expected})")
            return None
        choices = self.choices(where, raw.get("choices"), answer_type)
        key = raw.get("key", False)
        if not isinstance(key, bool):
            self.problem(where, "'key' must be true or false")
        question = Question(qid, category, text, help_text, answer_type, choices, (), key is True)
        return self.plan_fields(where, raw, question)

    def plan_fields(self, where: str, raw: Mapping[str, Any], question: Question) -> Question:
        """The optional fields: unit, minutes and the call plan's selection hints."""
        unit = self.text(where, raw, "unit", required=False) or None
        if unit and question.type is not AnswerType.NUMBER:
            self.problem(where, f"'unit' given for a {question.type} question (number only)")
        minutes = raw.get("minutes")
        if minutes is not None and (
            isinstance(minutes, bool)
            or not isinstance(minutes, int | float)
            or not 0 <= minutes <= 15
        ):
            self.problem(where, "'minutes' must be a number from 0 to 15")
            minutes = None
        hints: dict[str, str | None] = {}
        for key, allowed in (("confirms", CONFIRMS), ("decides", DECIDES), ("stage", STAGES)):
            value = raw.get(key)
            if value is not None and value not in allowed:
                self.problem(where, f"'{key}' must be one of {', '.join(allowed)}, not {value!r}")
                value = None
            hints[key] = value
        weighs = raw.get("weighs")
        if weighs is not None and weighs not in WEIGHTS:
            self.problem(where, f"'weighs' must be one of {', '.join(WEIGHTS)}, not {weighs!r}")
            weighs = None
        settled = raw.get("settled_by", [])
        if not (isinstance(settled, list) and all(s in IPT_CLASSES for s in settled)):
            self.problem(where, f"'settled_by' must be a list of: {', '.join(IPT_CLASSES)}")
            settled = []
        return replace(
            question,
            unit=unit,
            minutes=None if minutes is None else float(minutes),
            confirms=hints["confirms"],
            decides=hints["decides"],
            stage=hints["stage"] or "call",
            settled_by=tuple(settled),
            weighs=weighs,
        )

    def ask_when(self, raw: Any, own: Question, by_id: dict[str, Question]) -> Condition | None:
        """A question's ``ask_when``: a condition whose every test names an earlier question."""
        if raw is None:
            return None
        where = f"question {own.id}: ask_when"
        cond = self.condition(where, raw, own, by_id, set())
        if cond is None:
            return None
        if _tests_own(cond):
            self.problem(where, "every test needs 'question', the question it depends on")
            return None
        if own.id in own_ids(cond):
            self.problem(where, "a question cannot depend on its own answer")
            return None
        return cond

    def cycles(self, questions: list[Question]) -> None:
        """A problem for each set of questions whose ``ask_when`` depend on each other."""
        needs = {q.id: set(q.depends_on) if q.ask_when else set() for q in questions}
        reported: set[str] = set()
        for start in needs:
            path = _cycle_from(start, needs)
            if path and not reported & set(path):
                reported |= set(path)
                loop = " -> ".join([*path, path[0]])
                self.problem(
                    f"question {start}: ask_when", f"questions depend on each other: {loop}"
                )

    def choices(self, where: str, raw: Any, answer_type: AnswerType) -> tuple[str, ...]:
        if answer_type not in (AnswerType.CHOICE, AnswerType.MULTI_CHOICE):
            if raw is not None:
                self.problem(where, f"'choices' given for a {answer_type} question")
            return ()
        if not (isinstance(raw, list) and len(raw) >= 2 and all(isinstance(c, str) for c in raw)):
            self.problem(where, "a choice question needs 'choices', a list of at least 2 names")
            return ()
        result = tuple(c.strip() for c in raw)
        folded = [c.casefold() for c in result]
        for name in result:
            lowered = name.casefold()
            if not name or folded.count(lowered) > 1:
                self.problem(where, f"choice '{name}' is empty or repeated")
            elif lowered in COMMAND_WORDS or name.isdigit() or "," in name:
                self.problem(
                    where, f"choice '{name}' cannot be a number, a command or hold a comma"
                )
        return result

    def rules(
        self, raw: Any, own: Question, by_id: dict[str, Question], context: set[str]
    ) -> tuple[Rule, ...]:
        where = f"question {own.id}"
        if not isinstance(raw, list):
            self.problem(where, "'rules' must be a list of tables")
            return ()
        result = []
        for number, table in enumerate(raw, 1):
            here = f"{where}: rule #{number}"
            if not isinstance(table, dict):
                self.problem(here, "must be a table")
                continue
            self.unknown_keys(here, table, {"when", "kind", "message"})
            kind = table.get("kind")
            if kind not in RULE_KINDS:
                self.problem(here, f"kind must be one of {', '.join(RULE_KINDS)}, not '{kind}'")
            message = self.text(here, table, "message")
            if "when" not in table:
                self.problem(here, "missing 'when' (the condition)")
                continue
            cond = self.condition(here, table["when"], own, by_id, context)
            if cond is not None and kind in RULE_KINDS and message:
                result.append(Rule(cond, kind, message))
        return tuple(result)

    def condition(
        self, where: str, raw: Any, own: Question, by_id: dict[str, Question], context: set[str]
    ) -> Condition | None:
        if not isinstance(raw, dict):
            self.problem(where, f"a condition must be a table, not {raw!r}")
            return None
        tests = [k for k in raw if k != "question"]
        if len(tests) != 1:
            found = ", ".join(tests) or "none"
            self.problem(where, f"a condition needs exactly one test (found: {found})")
            return None
        op, value = tests[0], raw[tests[0]]
        if op in ("all", "any", "not"):
            if "question" in raw:
                self.problem(where, f"'question' goes inside the conditions of '{op}'")
            items = [value] if op == "not" else value
            if not isinstance(items, list) or not items:
                self.problem(where, f"'{op}' needs a non-empty list of conditions")
                return None
            parts = [self.condition(where, item, own, by_id, context) for item in items]
            if any(p is None for p in parts):
                return None
            return Condition(op, parts=tuple(p for p in parts if p is not None))
        if op not in TESTS:
            self.problem(where, f"unknown test '{op}' (expected one of {', '.join(TESTS)})")
            return None
        target = own
        qref = raw.get("question")
        if qref is not None:
            if qref not in by_id:
                self.problem(where, f"condition refers to unknown question '{qref}'")
                return None
            target = by_id[qref]
        try:
            canonical = _operand(op, value, target, by_id, context)
        except ValueError as err:
            self.problem(where, f"'{op}' on question {target.id}: {err}")
            return None
        return Condition(op, canonical, None if target is own else target.id)


def _operand(
    op: str, value: Any, target: Question, by_id: Mapping[str, Question], context: set[str]
) -> Any:
    """The canonical operand of a test, or ValueError saying why it does not fit."""
    kind = target.type
    if op == "missing":
        if not isinstance(value, bool):
            raise ValueError("must be true or false")
        return value
    if kind is AnswerType.TEXT:
        raise ValueError("text answers can only be tested with 'missing'")
    if op in ("equals", "not_equals", "in", "not_in"):
        if kind is AnswerType.MULTI_CHOICE:
            raise ValueError("use 'contains' or 'not_contains' on a multi-choice answer")
        many = op in ("in", "not_in")
        if many and (not isinstance(value, list) or not value):
            raise ValueError("needs a non-empty list")
        items = value if many else [value]
        canon = [_operand_value(item, target) for item in items]
        return tuple(canon) if many else canon[0]
    if op in ("less_than", "at_most", "greater_than", "at_least"):
        if kind not in NUMERIC:
            raise ValueError(f"cannot compare a {kind} answer with a number")
        return _operand_value(value, target)
    if op in ("less_than_answer", "greater_than_answer"):
        if kind not in NUMERIC:
            raise ValueError(f"cannot compare a {kind} answer with a number")
        if not isinstance(value, str):
            raise ValueError("needs a question id or a context name")
        if value in by_id:
            if by_id[value].type not in NUMERIC:
                raise ValueError(f"question {value} is not numeric")
        elif value not in context:
            raise ValueError(f"'{value}' is neither a question id nor a declared context name")
        return value
    if op in ("contains", "not_contains"):
        if kind is not AnswerType.MULTI_CHOICE:
            raise ValueError("'contains' works on multi-choice answers only")
        return _operand_value(value, target)
    raise ValueError("unknown test")


def _operand_value(value: Any, target: Question) -> Any:
    kind = target.type
    if kind is AnswerType.YES_NO:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("yes", "no"):
            return value.strip().lower() == "yes"
        raise ValueError(f"expected yes or no, not {value!r}")
    if kind in (AnswerType.CHOICE, AnswerType.MULTI_CHOICE):
        for choice in target.choices:
            if isinstance(value, str) and value.strip().casefold() == choice.casefold():
                return choice
        raise ValueError(f"{value!r} is not one of its choices ({', '.join(target.choices)})")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number, not {value!r}")
    if kind is AnswerType.RATING and not 1 <= value <= 5:
        raise ValueError(f"rating {value} is outside 1-5")
    return value


def _tests_own(cond: Condition) -> bool:
    if cond.op in ("all", "any", "not"):
        return any(_tests_own(part) for part in cond.parts)
    return cond.question is None


def own_ids(cond: Condition) -> set[str]:
    found = {cond.question} if cond.question else set()
    for part in cond.parts:
        found |= own_ids(part)
    return found


def _cycle_from(start: str, needs: Mapping[str, set[str]]) -> list[str]:
    """The questions of a dependency cycle through ``start``, or [] when there is none."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        for nxt in sorted(needs.get(node, ())):
            if nxt == start:
                return path
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return []
