"""Crisis lines follow the country of the person the search is for (DOMAIN.md s.9).

The profile's ``--country`` picks the lines every report, walk, call sheet and
``finder crisis`` shows first; no country means the US (988 always named), and a
country DOMAIN.md lists no line for gets the "local emergency number" fallback first.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from finder.cli import cli
from finder.crisis import lines_for, short_line

SAMARITANS = "United Kingdom and Ireland: Samaritans, call 116 123."
ELSEWHERE = "Elsewhere: call your local emergency number."
LIFELINE_988 = (
    "United States: call or text 988 (Suicide and Crisis Lifeline), or chat at 988lifeline.org."
)


def invoke(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def shortlisted() -> int:
    code, out, err = invoke("add", "--name", "Ana Ruiz", "--phone", "617-555-0101", "--yes")
    assert code == 0, err
    tid = int(out.strip())
    assert invoke("shortlist", "add", str(tid))[0] == 0
    return tid


def _set_country(country: str) -> None:
    code, _, err = invoke("profile", "set", "--country", country)
    assert code == 0, err


def test_no_country_is_the_us_and_988_is_always_there() -> None:
    assert lines_for(None)[0] == LIFELINE_988
    assert lines_for("us")[0] == LIFELINE_988
    assert "988" in short_line(None)
    for country in ("GB", "ES", "AU", "CA", None):
        assert LIFELINE_988 in lines_for(country)  # reports list every line, own first


@pytest.mark.parametrize(
    ("country", "first"),
    [("GB", SAMARITANS), ("IE", SAMARITANS), ("ES", ELSEWHERE), ("AU", "Australia: Lifeline, call 13 11 14.")],
)  # fmt: skip
def test_every_report_format_starts_its_crisis_lines_with_the_profiles_country(
    shortlisted: int, country: str, first: str
) -> None:
    _set_country(country)
    code, out, err = invoke("compare", "--format", "md")
    assert code == 0, err
    assert out.split("## If you are in crisis\n\n", 1)[1].splitlines()[0] == f"- {first}"
    code, out, err = invoke("compare", "--format", "terminal")
    assert code == 0, err
    assert out.split("If you are in crisis:\n", 1)[1].splitlines()[0] == f"  {first}"
    code, out, err = invoke("compare", "--format", "html")
    assert code == 0, err
    assert out.split("<p><strong>If you are in crisis:</strong></p>\n<ul><li>", 1)[1].startswith(
        first
    )
    code, out, err = invoke("compare", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["crisis"][0] == first
    code, out, err = invoke("compare", "--format", "csv")
    assert code == 0, err
    crisis_rows = [row for row in csv.reader(io.StringIO(out)) if row[:2] == ["report", "crisis"]]
    assert crisis_rows[0] == ["report", "crisis", first]


def test_a_walk_and_a_call_sheet_show_the_profiles_line(shortlisted: int) -> None:
    _set_country("GB")
    code, out, err = invoke("consult", str(shortlisted), "--all", input="q\n")
    assert code == 0, err
    assert out.splitlines()[1] == (
        "In crisis? In the UK and Ireland call Samaritans on 116 123; "
        "other countries: `finder crisis --country XX`."
    )
    code, out, err = invoke("callsheet", str(shortlisted))
    assert code == 0, err
    assert out.rstrip().splitlines()[-1] == (
        "*In crisis? In the UK and Ireland call Samaritans on 116 123. US 988; Canada 9-8-8; "
        "Australia 13 11 14; elsewhere your local emergency number.*"
    )
    _set_country("ES")
    code, out, err = invoke("consult", str(shortlisted), "--all", input="q\n")
    assert out.splitlines()[1] == (
        "In crisis? Call your local emergency number; `finder crisis` lists the lines finder knows."
    )


def test_finder_crisis_takes_a_country_and_never_fails_for_a_wrong_one() -> None:
    code, out, _ = invoke("crisis", "--country", "GB")
    assert code == 0 and out.splitlines()[0] == SAMARITANS
    code, out, _ = invoke("crisis", "--country", "Spain")
    assert code == 0 and out.splitlines()[0] == ELSEWHERE
    code, out, err = invoke("crisis", "--country", "Atlantis")
    assert code == 0 and out.splitlines()[0] == LIFELINE_988
    assert err == "Warning: --country 'Atlantis' is not a country finder knows (try GB or ES)\n"


def test_the_first_run_notice_follows_a_profile_already_there(
    monkeypatch: pytest.MonkeyPatch, finder_home: Path
) -> None:
    _set_country("AU")  # a folder restored from a backup: a profile, no welcome yet
    (finder_home / ".welcomed").unlink(missing_ok=True)
    monkeypatch.delenv("FINDER_NO_FIRST_RUN", raising=False)
    code, _, err = invoke("path")
    assert code == 0
    assert err.splitlines()[:3] == [
        "Welcome to finder. If you are in crisis, please reach out now:",
        "  Australia: Lifeline, call 13 11 14.",
        "  " + LIFELINE_988,
    ]


def test_help_names_the_us_line_and_how_to_see_the_others() -> None:
    for command in ("consult", "checklists", "callsheet", "insurer-call"):
        code, out, _ = invoke(command, "--help")
        text = " ".join(out.split())
        assert code == 0 and "988" in text and "`finder crisis --country XX`" in text, command
