"""Checklists as data: loading, validation, typed answers and the rules that judge them.

A checklist is a TOML file (the shipped ones are installed as ``finder.checklist_files``; a
user may copy one to ``<data folder>/checklists/<name>.toml`` and edit it)::

    [checklist]
    title = "..."
    description = "..."
    context = ["planned_sessions"]   # values evaluate() may get from outside

    [[category]]
    id = "money"
    title = "Money"

    [[question]]
    id = "superbill"                 # stable: answers are stored under it
    category = "money"
    text = "If you are out of network, do you give superbills?"
    help = "why ask, in a sentence or two"
    type = "yes_no"                  # see AnswerType
    choices = ["..."]                # choice and multi_choice only
    key = true                       # shown in the comparison report

      [[question.rules]]
      kind = "con"                   # red_flag | caution | pro | con
      message = "Out of network and no superbill: no reimbursement."
      when = { all = [{ question = "in_network", equals = "no" }, { equals = "no" }] }

The condition language (one test per table; ``question`` names whose answer
is tested, the rule's own question by default):

- ``equals`` / ``not_equals``: a value (yes/no, a choice name, a number);
- ``in`` / ``not_in``: a list of such values;
- ``less_than`` / ``at_most`` / ``greater_than`` / ``at_least``: a number;
- ``less_than_answer`` / ``greater_than_answer``: the id of another numeric
  question, or a name declared in ``context``;
- ``contains`` / ``not_contains``: a choice of a multi-choice answer;
- ``missing``: true when there is no answer (false when there is);
- ``all`` / ``any``: a list of conditions; ``not``: one condition.

A test on an answer that was not given is *unknown*, and a rule fires only
when its condition is true, so rules never fire on questions not yet asked
(use ``missing`` for that). ``all``/``any``/``not`` follow three-valued logic.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import replace
from importlib.resources import files
from pathlib import Path
from typing import Any, Final

from finder.errors import NotFound
from finder.pursue.checklist_model import (
    HINTS,
    NUMERIC,
    RULE_KINDS,
    AnswerType,
    Checklist,
    ChecklistError,
    Condition,
    Finding,
    Question,
    Rule,
    RuleKind,
    coerce_answer,
    evaluate,
    format_answer,
    parse_answer,
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

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


# --- loading -------------------------------------------------------------------------------


def _shipped_folder() -> Path:
    try:
        return Path(str(files("finder.checklist_files")))
    except ModuleNotFoundError:
        # A source checkout run without installing: the folder beside the package.
        return Path(__file__).resolve().parents[2] / "checklists"


def _shipped() -> dict[str, Path]:
    return {path.stem: path for path in sorted(_shipped_folder().glob("*.toml"))}


def _user_folder(user_dir: Path | None) -> Path:
    if user_dir is None:
        from finder.storage.paths import data_dir

        user_dir = data_dir()
    return user_dir / "checklists"


def available(user_dir: Path | None = None) -> list[tuple[str, str, Path]]:
    """``(name, title, path)`` of every checklist; a user's copy hides the shipped one."""
    found = _shipped()
    folder = _user_folder(user_dir)
    if folder.is_dir():
        found.update({p.stem: p for p in folder.glob("*.toml") if _NAME.match(p.stem)})
    result = []
    for name, path in sorted(found.items()):
        try:
            title = str(tomllib.loads(path.read_text("utf-8"))["checklist"]["title"])
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError):
            title = "(cannot be read: run its validation)"
        result.append((name, title, path))
    return result


def load(name_or_path: str | Path, user_dir: Path | None = None) -> Checklist:
    """A checklist by name (the user's copy first, then the shipped one) or by file path."""
    text = str(name_or_path)
    if isinstance(name_or_path, Path) or text.endswith(".toml") or "/" in text or "\\" in text:
        path = Path(name_or_path)
        if not path.is_file():
            raise NotFound(f"{path}: no such checklist file")
    else:
        path = _user_folder(user_dir) / f"{text}.toml"
        if not (_NAME.match(text) and path.is_file()):
            shipped = _shipped()
            if text not in shipped:
                names = ", ".join(name for name, _, _ in available(user_dir))
                raise NotFound(f"no checklist named '{text}' (available: {names})")
            path = shipped[text]
    checklist, problems = _read(path)
    if problems or checklist is None:
        raise ChecklistError(problems)
    return checklist


def validate_file(path: str | Path) -> list[str]:
    """Every problem of a checklist file, each as ``FILE: question ID: problem``."""
    return _read(Path(path))[1]


def _read(path: Path) -> tuple[Checklist | None, list[str]]:
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except OSError as err:
        return None, [f"{path}: cannot be read ({err.strerror or err})"]
    except UnicodeDecodeError:
        return None, [f"{path}: not UTF-8 text"]
    except tomllib.TOMLDecodeError as err:
        return None, [f"{path}: not valid TOML ({err})"]
    return _Validator(path).checklist(data)


class _Validator:
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
            questions.append(replace(draft, rules=rules))
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
        allowed = {"id", "category", "text", "help", "type", "choices", "rules", "key"}
        self.unknown_keys(where, raw, allowed)
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
        return Question(qid, category, text, help_text, answer_type, choices, (), key is True)

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


__all__ = [
    "HINTS",
    "RULE_KINDS",
    "AnswerType",
    "Checklist",
    "ChecklistError",
    "Condition",
    "Finding",
    "Question",
    "Rule",
    "RuleKind",
    "available",
    "coerce_answer",
    "evaluate",
    "format_answer",
    "load",
    "parse_answer",
    "validate_file",
]
