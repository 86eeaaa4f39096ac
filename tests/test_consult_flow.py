"""The walk-through with scripted input, and answers read from a file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from finder.crisis import CRISIS_SHORT
from finder.errors import UsageError
from finder.pursue import checklists
from finder.pursue.checklists import Checklist, ChecklistError
from finder.pursue.consult import COMMANDS_HELP, answers_from_file, walk


class Session:
    """Scripted ask/echo/save: replies are given in order; an exception is raised, not returned."""

    def __init__(self, replies: list[str | BaseException], saved: dict[str, Any] | None = None):
        self.replies = list(replies)
        self.prompts: list[str] = []
        self.lines: list[str] = []
        self.saved: dict[str, Any] = dict(saved or {})
        self.saves: list[tuple[str, Any]] = []

    def ask(self, prompt: str) -> str:
        self.prompts.append(prompt)
        if not self.replies:
            raise AssertionError(f"asked once too often: {prompt}")
        reply = self.replies.pop(0)
        if isinstance(reply, BaseException):
            raise reply
        return reply

    def save(self, qid: str, value: Any) -> None:
        self.saves.append((qid, value))
        if value is None:
            self.saved.pop(qid, None)
        else:
            self.saved[qid] = value

    def run(self, checklist: Checklist, **kwargs: Any) -> Any:
        return walk(checklist, dict(self.saved), self.save, self.ask, self.lines.append, **kwargs)

    def headings(self) -> list[str]:
        return [line for line in self.lines if line.startswith("[")]


@pytest.fixture
def mini(fixtures: Path) -> Checklist:
    return checklists.load(fixtures / "checklists" / "mini.toml")


def test_a_full_walk_shows_crisis_line_first_and_saves_each_answer(mini: Checklist) -> None:
    session = Session(["y", "2", "50 min", "$150"])
    result = session.run(mini)
    assert session.lines[0] == CRISIS_SHORT
    assert session.lines[1] == COMMANDS_HELP
    assert session.headings() == [
        "[1/4] Basics: Are you licensed?",
        "[2/4] Basics: Which body certified you?",
        "[3/4] Basics: How long is a session?",
        "[4/4] Money: What is your fee?",
    ]
    assert "  2) IPT Institute" in session.lines
    assert session.prompts == ["y/n", "number or name", "minutes, e.g. 50", "dollars, e.g. 150"]
    assert session.saves == [
        ("licensed", True),
        ("body", "IPT Institute"),
        ("length", 50),
        ("fee", 150.0),
    ]
    assert (result.stopped, result.next_question, result.remaining) == ("finished", None, 0)
    assert result.answered == ("licensed", "body", "length", "fee")


def test_help_invalid_input_skip_and_back(mini: Checklist) -> None:
    session = Session(["?", "maybe", "n", "", "b", "isipt", "1 hour", "q"])
    result = session.run(mini)
    assert "  Only licensed clinicians may practise." in session.lines
    assert "  answer yes or no (y/n), not 'maybe'" in session.lines
    assert session.headings() == [
        "[1/4] Basics: Are you licensed?",  # ?
        "[1/4] Basics: Are you licensed?",  # maybe: re-asked with the reason
        "[1/4] Basics: Are you licensed?",  # n
        "[2/4] Basics: Which body certified you?",  # skipped
        "[3/4] Basics: How long is a session?",  # back
        "[2/4] Basics: Which body certified you?",  # isipt
        "[3/4] Basics: How long is a session?",  # 1 hour
        "[4/4] Money: What is your fee?",  # quit
    ]
    assert session.saves == [("licensed", False), ("body", "ISIPT"), ("length", 60)]
    assert (result.stopped, result.next_question, result.remaining) == ("quit", "fee", 1)
    assert session.lines[-2:] == [
        "Stopped. Your answers so far are saved.",
        "1 question is still unanswered; the next walk starts at the first of them.",
    ]


def test_back_on_an_answered_question_shows_it_and_enter_keeps_it(mini: Checklist) -> None:
    session = Session(["yes", "b", "", "q"])
    session.run(mini)
    assert "  now: yes (Enter keeps it)" in session.lines
    assert session.headings()[-1] == "[2/4] Basics: Which body certified you?"
    assert session.saves == [("licensed", True)]
    session2 = Session(["b", "q"], saved={"licensed": True})
    session2.run(mini)
    assert "  This is the first question." not in session2.lines
    assert session2.headings() == [
        "[2/4] Basics: Which body certified you?",
        "[1/4] Basics: Are you licensed?",
    ]


def test_back_at_the_first_question(mini: Checklist) -> None:
    session = Session(["b", "q"])
    session.run(mini)
    assert "  This is the first question." in session.lines


def test_quit_then_resume_at_the_first_unanswered(mini: Checklist) -> None:
    first = Session(["yes", "s", "45", "quit"])
    result = first.run(mini)
    assert result.next_question == "body"
    second = Session(["3", "q"], saved=first.saved)
    result2 = second.run(mini)
    assert second.headings() == [
        "[2/4] Basics: Which body certified you?",
        "[4/4] Money: What is your fee?",
    ]
    assert second.saved == {"licensed": True, "length": 45, "body": "IPTUK"}
    assert (result2.next_question, result2.remaining) == ("fee", 1)


@pytest.mark.parametrize("stop", [KeyboardInterrupt(), EOFError()])
def test_interrupt_mid_walk_keeps_saved_answers(mini: Checklist, stop: BaseException) -> None:
    session = Session(["y", "1", stop])
    result = session.run(mini)
    assert session.saved == {"licensed": True, "body": "ISIPT"}
    assert (result.stopped, result.next_question) == ("interrupted", "length")
    assert "Stopped. Your answers so far are saved." in session.lines


def test_clear_removes_an_answer(mini: Checklist) -> None:
    session = Session(["b", "-", "q"], saved={"licensed": True, "body": "ISIPT", "length": 50})
    result = session.run(mini)
    assert session.saves == [("length", None)]
    assert result.cleared == ("length",)
    assert session.saved == {"licensed": True, "body": "ISIPT"}
    assert result.next_question == "length"


def test_only_one_category(mini: Checklist) -> None:
    session = Session(["$95"])
    result = session.run(mini, only="money")
    assert session.headings() == ["[1/1] Money: What is your fee?"]
    assert (result.stopped, result.remaining, session.saved) == ("finished", 0, {"fee": 95.0})
    with pytest.raises(UsageError) as err:
        Session([]).run(mini, only="licence")
    assert str(err.value) == "checklist mini has no category 'licence' (categories: basics, money)"


def test_only_a_category_of_the_shipped_consultation() -> None:
    consultation = checklists.load("consultation")
    session = Session(["1", "y", "3", "q"])
    result = session.run(consultation, only="references")
    reference = (
        "[1/2] References: Could you give me a professional reference, such as your IPT "
        "supervisor or trainer?"
    )
    contacts = (
        "[2/2] References: Did they offer, or agree, to put you in touch with current or past "
        "clients?"
    )
    assert session.headings() == [reference, reference, contacts]
    assert "  answer yes or no (y/n), not '1'" in session.lines
    assert session.saves == [("professional_references", True), ("client_contacts", "offered")]
    assert (result.stopped, result.remaining) == ("finished", 0)
    assert session.replies == ["q"]


def test_start_at_and_all_answered(mini: Checklist) -> None:
    done = {"licensed": True, "body": "ISIPT", "length": 50, "fee": 120.0}
    session = Session([], saved=done)
    result = session.run(mini)
    assert session.lines == [CRISIS_SHORT, "All 4 questions are answered."]
    assert result.stopped == "finished"
    again = Session(["$140"], saved=done)
    again.run(mini, start_at="fee")
    assert again.saves == [("fee", 140.0)]
    with pytest.raises(UsageError) as err:
        again.run(mini, only="money", start_at="licensed")
    assert str(err.value) == "category money has no question 'licensed'"


def test_multi_choice_and_rating_in_the_walk() -> None:
    consultation = checklists.load("consultation")
    session = Session(["1,2", "telehealth", "q"])
    session.run(consultation, start_at="formats")
    assert session.saves == [("formats", ["individual", "group"]), ("delivery", ["telehealth"])]


# --- answers from a file ---------------------------------------------------------------------


def test_answers_from_toml_with_category_tables(mini: Checklist, tmp_path: Path) -> None:
    path = tmp_path / "answers.toml"
    path.write_text(
        'licensed = "yes"\nfee = "$150/session"\n[basics]\nbody = 2\nlength = "1 hour"\n'
    )
    assert answers_from_file(mini, path) == {
        "licensed": True,
        "fee": 150.0,
        "body": "IPT Institute",
        "length": 60,
    }


def test_answers_from_json_typed_values(tmp_path: Path) -> None:
    consultation = checklists.load("consultation")
    path = tmp_path / "answers.json"
    path.write_text(
        json.dumps(
            {
                "licensed": True,
                "formats": ["individual"],
                "comfort": 4,
                "fee_session": 175,
                "notes": "",
                "ipt_manual": None,
            }
        )
    )
    assert answers_from_file(consultation, path) == {
        "licensed": True,
        "formats": ["individual"],
        "comfort": 4,
        "fee_session": 175.0,
    }


def test_bad_answers_file_names_file_and_question(mini: Checklist, tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"licensed": "maybe", "fees": 150, "length": True, "body": 9}))
    with pytest.raises(ChecklistError) as err:
        answers_from_file(mini, path)
    assert err.value.problems == [
        f"{path}: question licensed: answer yes or no (y/n), not 'maybe'",
        f"{path}: question fees: not in checklist mini",
        f"{path}: question length: True is not a valid minutes answer",
        f"{path}: question body: choose a number from 1 to 4: "
        "1) ISIPT; 2) IPT Institute; 3) IPTUK; 4) none",
    ]
    assert str(err.value) == f"{path}: question licensed: answer yes or no (y/n), not 'maybe'" + (
        " (and 3 more)"
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "a.json",
            "{",
            "not valid JSON (line 1: Expecting property name enclosed in double quotes)",
        ),
        ("a.json", "[1, 2]", "expected a mapping of question id to answer"),
        ("a.toml", "licensed = ", "not valid TOML (Invalid value (at end of document))"),
    ],
)
def test_unreadable_answers_file(
    mini: Checklist, tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(ChecklistError) as err:
        answers_from_file(mini, path)
    assert str(err.value) == f"{path}: {message}"
    with pytest.raises(ChecklistError) as err:
        answers_from_file(mini, tmp_path / "absent.toml")
    assert (
        str(err.value) == f"{tmp_path / 'absent.toml'}: cannot be read (No such file or directory)"
    )


def test_an_empty_answers_file_is_refused(mini: Checklist, tmp_path: Path) -> None:
    path = tmp_path / "answers.toml"
    path.write_text("# nothing answered yet\n")
    with pytest.raises(ChecklistError) as err:
        answers_from_file(mini, path)
    assert str(err.value) == f"{path}: no answers in it (write lines like comfort = 4)"
