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

Optional fields of a question (a copy made before they existed still works):
``ask_when`` (asked only when a condition on earlier answers holds, e.g.
``{ question = "certified", equals = "yes" }``), ``unit`` (what a number
counts), ``minutes`` (time on the call) and the call plan's selection hints
``confirms``, ``decides``, ``stage``, ``settled_by`` and ``weighs`` (see
``finder.pursue.callplan``).

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
from pathlib import Path

from finder.errors import NotFound
from finder.pursue.checklist_model import (
    DEFAULT_MINUTES,
    HINTS,
    RULE_KINDS,
    AnswerType,
    Checklist,
    ChecklistError,
    Condition,
    Finding,
    Question,
    Rule,
    RuleKind,
    applies,
    coerce_answer,
    evaluate,
    format_answer,
    hint,
    parse_answer,
    ruled_out,
    why_ruled_out,
)
from finder.pursue.checklist_reader import COMMAND_WORDS, TESTS, Reader
from finder.records.reference import shipped
from finder.storage.paths import data_dir

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


# --- loading -------------------------------------------------------------------------------


def _shipped_folder() -> Path:
    try:
        return shipped("finder.checklist_files")
    except ModuleNotFoundError:
        # A source checkout run without installing: the folder beside the package.
        return Path(__file__).resolve().parents[2] / "checklists"


def _shipped() -> dict[str, Path]:
    return {path.stem: path for path in sorted(_shipped_folder().glob("*.toml"))}


def _user_folder(user_dir: Path | None) -> Path:
    if user_dir is None:
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
    return Reader(path).checklist(data)


__all__ = [
    "COMMAND_WORDS",
    "DEFAULT_MINUTES",
    "HINTS",
    "RULE_KINDS",
    "TESTS",
    "AnswerType",
    "Checklist",
    "ChecklistError",
    "Condition",
    "Finding",
    "Question",
    "Rule",
    "RuleKind",
    "applies",
    "available",
    "coerce_answer",
    "evaluate",
    "format_answer",
    "hint",
    "load",
    "parse_answer",
    "ruled_out",
    "validate_file",
    "why_ruled_out",
]
