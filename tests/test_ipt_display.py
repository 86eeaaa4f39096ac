"""IPT evidence as a user sees it in list, search, show, compare and the call sheet: the
words that justify the class are always in what is shown, and the bare word
"interpersonal" among approaches is marked as possibly not IPT."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from finder.cli import cli
from finder.judge.ipt import IptClass, assess

NOTE = "lists 'interpersonal' among approaches: may not mean IPT \u2014 ask"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def imported(fixtures: Path) -> None:
    result = run("import", str(fixtures / "ipt" / "long_bios.csv"))
    assert result.exit_code == 0, result.output


def _long(words: str, at: int) -> str:
    """One long sentence with ``words`` about ``at`` characters in."""
    filler = "we work together on what matters to you in your life and your relationships, "
    lead = (filler * (at // len(filler) + 1))[:at].rsplit(" ", 1)[0]
    return f"In our work {lead} and I use {words} when it fits, for as long as it helps you."


@pytest.mark.parametrize("at", [150, 400, 900, 2000])
@pytest.mark.parametrize(
    ("words", "level"),
    [
        ("interpersonal therapy", IptClass.DESCRIBED),
        ("Interpersonal Psychotherapy (IPT)", IptClass.DESCRIBED),
        ("CBT, interpersonal and psychodynamic approaches", IptClass.LISTED),
    ],
)
def test_the_justifying_words_are_never_cut_off(words: str, level: IptClass, at: int) -> None:
    evidence = assess({"statement": _long(words, at)})
    assert evidence.level is level
    assert evidence.text is not None and len(evidence.text) <= 200
    justifying = "interpersonal" if level is IptClass.LISTED else words
    assert justifying in evidence.text
    for limit in (30, 60, 90):
        short = evidence.excerpt(limit)
        assert len(short) <= limit
        # The words whole, or (longer than the room) the text starting with them.
        if len(justifying) <= limit - 6:
            assert justifying in short, (limit, short)
        else:
            assert short.startswith(justifying[: limit - 6].rstrip()), (limit, short)


def test_list_shows_the_words_that_justify_the_class(imported: None) -> None:
    result = run("list")
    assert result.exit_code == 0, result.output
    lines = {line.split()[1]: line for line in result.stdout.splitlines()[1:]}
    # Rosa's words come 300 characters into her statement: the cut keeps them.
    assert "described" in lines["Rosa"] and "interpersonal therapy" in lines["Rosa"]
    assert "listed?" in lines["Tom"]
    assert "lists 'interpersonal' among approaches: may not" in result.stdout
    assert "none" in lines["Uma"]  # interpersonal relationships and skills: not IPT
    rows = {r["name"]: r for r in json.loads(run("list", "--json").stdout)}
    assert rows["Tom Varga"]["ipt_note"] == NOTE
    assert rows["Rosa Quinn"]["ipt_note"] is None
    assert "interpersonal therapy for depression" in rows["Rosa Quinn"]["ipt_evidence"]


def test_search_marks_the_ambiguous_class_and_says_why(imported: None) -> None:
    result = run("search", "--no-profile", "--why")
    assert result.exit_code == 0, result.output
    (tom,) = [line for line in result.stdout.splitlines() if "Tom Varga" in line]
    assert tom.split()[3:5] == ["Varga", "listed?"]
    assert f"why: IPT listed (statement): {NOTE}" in result.stdout
    assert "listed?: lists 'Interpersonal' among approaches" in result.stderr
    rows = {r["name"]: r for r in json.loads(run("search", "--no-profile", "--json").stdout)}
    assert rows["Tom Varga"]["ipt_class"] == "listed"
    assert rows["Tom Varga"]["ipt_note"] == NOTE
    assert "CBT, interpersonal and psychodynamic approaches." in rows["Tom Varga"]["ipt_evidence"]


def test_show_compare_and_call_sheet_carry_the_note(imported: None, tmp_path: Path) -> None:
    shown = run("show", "2")
    assert shown.exit_code == 0, shown.output
    assert "IPT evidence: listed from statement:" in shown.stdout
    assert NOTE in shown.stdout
    report = tmp_path / "r.md"
    assert run("compare", "1", "2", "-o", str(report)).exit_code == 0
    text = report.read_text(encoding="utf-8")
    assert NOTE in text
    assert "interpersonal therapy for depression" in text
    sheet = run("callsheet", "1")
    assert sheet.exit_code == 0, sheet.output
    (line,) = [line for line in sheet.stdout.splitlines() if "IPT evidence" in line]
    assert line.startswith('- IPT evidence: described: "...')
    assert "interpersonal therapy for depression" in line
    other = run("callsheet", "2")
    assert f"({NOTE})" in other.stdout
