"""The consultation walk-through: one question at a time, every answer saved at once.

The caller injects ``ask`` (read one line), ``echo`` (show one line) and
``save`` (persist one answer; ``None`` removes it), so the same walk runs in
a terminal, under a scripted test, or behind any other front end. Because
``save`` is called the moment an answer is valid, an interrupted walk loses
nothing, and the next walk resumes at the first unanswered question.

Commands at the prompt: ``?`` help, Enter or ``s``/``skip`` skip (keeps any
answer), ``b``/``back`` the previous question, ``-``/``clear`` remove the
answer, ``q``/``quit`` stop.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from finder.crisis import CRISIS_SHORT
from finder.errors import UsageError
from finder.pursue.checklists import (
    AnswerType,
    Checklist,
    ChecklistError,
    Question,
    applies,
    coerce_answer,
    format_answer,
    hint,
    parse_answer,
)

COMMANDS_HELP = "Commands: ? help, Enter skip, b back, - clear the answer, q quit."

Save = Callable[[str, Any | None], None]


@dataclass(frozen=True)
class WalkResult:
    """How a walk ended, and where the next one resumes."""

    answered: tuple[str, ...]  # ids answered or changed in this walk, in order
    cleared: tuple[str, ...]  # ids whose answer was removed
    stopped: Literal["finished", "quit", "interrupted"]
    next_question: str | None  # first unanswered question in scope; None when all are answered
    remaining: int  # unanswered questions left in scope
    answers: Mapping[str, Any]  # all answers after the walk (the caller's dict is not changed)


def walk(
    checklist: Checklist,
    answers: dict[str, Any],
    save: Save,
    ask: Callable[[str], str],
    echo: Callable[[str], None],
    only: str | None = None,
    start_at: str | None = None,
    questions: Sequence[Question] | None = None,
    *,
    crisis: str = CRISIS_SHORT,
    mark: str = "$",
) -> WalkResult:
    """Ask the unanswered questions in order (or of category ``only``), saving each answer.

    ``questions`` walks exactly those (a call plan, worded for one clinician) instead.
    ``crisis`` is the crisis line shown first (``finder.crisis.short_line`` of the
    person's country), ``mark`` that of an amount of money (``money.home_mark``).
    Questions that earlier answers rule out (their ``ask_when`` is false) are skipped.
    """
    if questions is not None:
        scope = tuple(questions)
    else:
        scope = checklist.in_category(only) if only else checklist.questions
    state = _Walk(checklist, scope, dict(answers))
    if start_at is not None:
        ids = [q.id for q in scope]
        if start_at not in ids:
            where = f"category {only}" if only else f"checklist {checklist.name}"
            raise UsageError(f"{where} has no question '{start_at}'")
        state.index = ids.index(start_at)
    else:
        state.index = state.open_from(0)

    echo(crisis)
    if state.index >= len(scope):
        echo(f"All {len(scope)} questions are answered.")
        return state.result("finished")
    echo(COMMANDS_HELP)
    stopped: Literal["finished", "quit", "interrupted"] = "finished"
    while state.index < len(scope):
        question = scope[state.index]
        echo("")
        echo(_heading(checklist, question, state.index, len(scope)))
        for line in _choice_lines(question):
            echo(line)
        if state.current.get(question.id) is not None:
            shown = format_answer(question, state.current[question.id], mark)
            echo(f"  now: {shown} (Enter keeps it)")
        try:
            reply = ask(hint(question, mark)).strip()
        except (EOFError, KeyboardInterrupt):
            stopped = "interrupted"
            break
        if reply.lower() in ("q", "quit"):
            stopped = "quit"
            break
        state.reply(question, reply, save, echo)

    result = state.result(stopped)
    if stopped != "finished":
        echo("")
        echo("Stopped. Your answers so far are saved.")
    if result.next_question is not None:
        left = "1 question is" if result.remaining == 1 else f"{result.remaining} questions are"
        echo(f"{left} still unanswered; the next walk starts at the first of them.")
    return result


class _Walk:
    """Where a walk is, and what each reply does to it."""

    def __init__(self, checklist: Checklist, scope: tuple[Question, ...], current: dict[str, Any]):
        self.checklist = checklist
        self.scope = scope
        self.current = current
        self.index = 0
        self.answered: list[str] = []
        self.cleared: list[str] = []

    def is_open(self, question: Question) -> bool:
        """Unanswered and not ruled out by the answers so far."""
        return self.current.get(question.id) is None and self.applies(question)

    def applies(self, question: Question) -> bool:
        return applies(self.checklist, question, self.current)

    def open_from(self, index: int) -> int:
        while index < len(self.scope) and not self.is_open(self.scope[index]):
            index += 1
        return index

    def reply(
        self, question: Question, reply: str, save: Save, echo: Callable[[str], None]
    ) -> None:
        command = reply.lower()
        if command == "?":
            echo(f"  {question.help}")
            echo(f"  {COMMANDS_HELP}")
        elif command in ("b", "back"):
            before = self.index - 1
            while before >= 0 and not self.applies(self.scope[before]):
                before -= 1
            if before < 0:
                echo("  This is the first question.")
            else:
                self.index = before
        elif command in ("", "s", "skip"):
            self.index = self.open_from(self.index + 1)
        elif command in ("-", "clear"):
            if self.current.pop(question.id, None) is not None:
                save(question.id, None)
                self.cleared.append(question.id)
            self.index = self.open_from(self.index + 1)
        else:
            try:
                value = parse_answer(question, reply)
            except ValueError as err:
                echo(f"  {err}")
                return
            save(question.id, value)
            self.current[question.id] = value
            self.answered.append(question.id)
            self.index = self.open_from(self.index + 1)

    def result(self, stopped: Literal["finished", "quit", "interrupted"]) -> WalkResult:
        open_ids = [q.id for q in self.scope if self.is_open(q)]
        return WalkResult(
            answered=tuple(self.answered),
            cleared=tuple(self.cleared),
            stopped=stopped,
            next_question=open_ids[0] if open_ids else None,
            remaining=len(open_ids),
            answers=self.current,
        )


def _heading(checklist: Checklist, question: Question, index: int, total: int) -> str:
    category = checklist.category_title(question.category)
    return f"[{index + 1}/{total}] {category}: {question.text}"


def _choice_lines(question: Question) -> list[str]:
    if question.type not in (AnswerType.CHOICE, AnswerType.MULTI_CHOICE):
        return []
    return [f"  {number}) {choice}" for number, choice in enumerate(question.choices, 1)]


def answers_from_file(checklist: Checklist, path: str | Path) -> dict[str, Any]:
    """Answers from a TOML or JSON file mapping question id -> answer, each one validated.

    Values may be text as typed at the prompt ("$150", "1 hour", "2") or already
    typed (true, 150, ["individual", "group"]); a table named after a category may
    group its questions. Empty values and JSON nulls mean "no answer".
    """
    path = Path(path)
    data = _read_mapping(path)
    problems: list[str] = []
    result: dict[str, Any] = {}
    categories = {cid for cid, _ in checklist.categories}
    known = {q.id: q for q in checklist.questions}
    flat: list[tuple[str, Any]] = []
    for key, value in data.items():
        if key in categories and isinstance(value, dict) and key not in known:
            flat.extend(value.items())
        else:
            flat.append((key, value))
    for qid, value in flat:
        if qid not in known:
            problems.append(f"{path}: question {qid}: not in checklist {checklist.name}")
            continue
        if value is None or value == "":
            continue
        try:
            result[qid] = coerce_answer(known[qid], value)
        except ValueError as err:
            problems.append(f"{path}: question {qid}: {err}")
    if problems:
        raise ChecklistError(problems)
    if not result:
        # An empty file would otherwise mark the consultation done with nothing recorded.
        raise ChecklistError([f"{path}: no answers in it (write lines like comfort = 4)"])
    return result


def _read_mapping(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text("utf-8-sig")
    except OSError as err:
        raise ChecklistError([f"{path}: cannot be read ({err.strerror or err})"]) from None
    except UnicodeDecodeError:
        raise ChecklistError([f"{path}: not UTF-8 text"]) from None
    as_json = path.suffix.lower() == ".json" or (
        path.suffix.lower() != ".toml" and text.lstrip().startswith("{")
    )
    try:
        data = json.loads(text) if as_json else tomllib.loads(text)
    except json.JSONDecodeError as err:
        raise ChecklistError([f"{path}: not valid JSON (line {err.lineno}: {err.msg})"]) from None
    except tomllib.TOMLDecodeError as err:
        raise ChecklistError([f"{path}: not valid TOML ({err})"]) from None
    if not isinstance(data, dict):
        raise ChecklistError([f"{path}: expected a mapping of question id to answer"])
    return data
