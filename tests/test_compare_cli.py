"""`finder compare` from the command line: formats, files, profiles and mistakes."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_report_store import FIXTURES, pin_time

from finder.cli import cli


def run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def shortlisted(monkeypatch: pytest.MonkeyPatch) -> None:
    pin_time(monkeypatch)
    assert run("import", str(FIXTURES / "candidates.csv")).exit_code == 0  # type: ignore[attr-defined]
    for tid in ("1", "3"):
        assert run("shortlist", "add", tid).exit_code == 0  # type: ignore[attr-defined]


def test_terminal_table_of_the_shortlist(shortlisted: None) -> None:
    result = run("compare")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    out = result.stdout  # type: ignore[attr-defined]
    assert "Dana Reyes (id 1)" in out and "Lee Park (id 3)" in out and "Sam Okafor" not in out
    assert "SCORE" in out and "RED FLAGS AND" in out
    assert "\x1b[" not in out  # not a terminal: no colour codes


def test_ids_override_the_shortlist_and_json_flag(shortlisted: None) -> None:
    result = run("compare", "2", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)  # type: ignore[attr-defined]
    assert [c["name"] for c in data["candidates"]] == ["Sam Okafor"]
    assert data["candidates"][0]["status"] is None


@pytest.mark.parametrize(
    ("name", "first"),
    [("r.html", "<!DOCTYPE html>"), ("r.md", "# Comparison of candidates"),
     ("r.csv", "section,row,"), ("r.json", "{")],
)  # fmt: skip
def test_output_file_format_from_its_name(
    shortlisted: None, tmp_path: Path, name: str, first: str
) -> None:
    target = tmp_path / name
    result = run("compare", "-o", str(target))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert target.read_text(encoding="utf-8").startswith(first)
    assert result.stdout == ""  # type: ignore[attr-defined]
    assert f"Wrote the comparison of 2 candidates to {target}" in result.stderr  # type: ignore[attr-defined]
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_format_option_wins_and_goes_to_stdout(shortlisted: None) -> None:
    result = run("compare", "--format", "md")
    assert result.stdout.startswith("# Comparison of candidates\n")  # type: ignore[attr-defined]


def test_mistakes_are_one_line_errors(shortlisted: None, tmp_path: Path) -> None:
    cases = [
        (["compare", "99"], 3, "Error: no therapist 99; `finder list` shows the ids"),
        (["compare", "--for", "nobody"], 3, "Error: no profile 'nobody'; `finder profile list` shows them"),
        (["compare", "--json", "--csv"], 2, "Error: choose one output format: --format, --json or --csv"),
        (["compare", "--format", "md", "--json"], 2, "Error: choose one output format: --format, --json or --csv"),
        (["compare", "-o", str(tmp_path / "r.pdf")], 2,
         "Error: cannot tell the format from 'r.pdf'; add --format md, html, csv or json"),
        (["compare", "-o", str(tmp_path / "missing" / "r.md")], 2,
         f"Error: cannot write {tmp_path / 'missing' / 'r.md'}: No such file or directory"),
    ]  # fmt: skip
    for args, code, message in cases:
        result = run(*args)
        assert (result.exit_code, result.stderr.strip()) == (code, message), args  # type: ignore[attr-defined]


def test_empty_shortlist_says_what_to_do() -> None:
    result = run("compare")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert result.stderr.strip() == (  # type: ignore[attr-defined]
        "Error: the shortlist of profile 'me' is empty: add candidates with "
        "`finder shortlist add ID`, or name them: finder compare 3 7"
    )


def test_help_has_an_example() -> None:
    result = run("compare", "--help")
    assert result.exit_code == 0  # type: ignore[attr-defined]
    assert "finder compare --format html -o report.html" in result.output  # type: ignore[attr-defined]
