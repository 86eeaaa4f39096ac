"""Amounts the user gives (a budget, the fee a clinician told them on the call) are in
the person's own money: dollars in the US, the bare number elsewhere (finder does not
guess a currency nobody named), while a listing's fee keeps its source's mark."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from finder.cli import cli
from finder.pursue import checklists
from finder.pursue.consult import walk

DEMO = Path(__file__).parents[1] / "data" / "demo"


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout + result.stderr


@pytest.fixture
def told(finder_home: Path, tmp_path: Path) -> Path:
    """Maya Okonkwo (therapist 1; her listing says $140-$170) told the user 80 a
    session; Daniel Reyes (therapist 2) lists $200."""
    run("import", str(DEMO / "therapists.csv"))
    answers = tmp_path / "fee.toml"
    answers.write_text("fee_session = 80\n")
    run("consult", "1", "--answers", str(answers))
    run("shortlist", "add", "1", "2")
    return answers


@pytest.mark.parametrize(
    ("country", "said", "budget"),
    [("ES", "80", "90"), ("US", "$80", "$90")],
)
def test_the_users_own_amounts_are_in_their_money(
    told: Path, country: str, said: str, budget: str
) -> None:
    place = ["--city", "Madrid"] if country == "ES" else ["--zip", "02139"]
    assert f"Budget            {budget} per session" in run(
        "profile", "set", "--country", country, *place, "--budget", "90"
    )
    assert f"What is your fee per session? {said}\n" in run("answers", "1")
    assert f"Fee: {said} per session (they said); another source says $140-$170" in run("show", "1")
    compare = " ".join(run("compare", "--format", "md").split())
    assert f"{said} per session (they said)" in compare
    assert f"Listed fee $200 is above your budget {budget}." in compare
    sheet = run("callsheet", "2", "--format", "md")
    assert "Your listing says $200: what is your fee per session?" in sheet
    blank = sheet.split("what is your fee per session?")[1].splitlines()[1].strip()
    assert blank == ("________" if country == "ES" else "$________")


@pytest.mark.parametrize(
    ("mark", "prompt", "shown"),
    [("", "an amount, e.g. 150", "now: 150"), ("$", "dollars, e.g. 150", "now: $150")],
)
def test_the_walk_asks_for_an_amount_in_the_persons_money(
    fixtures: Path, mark: str, prompt: str, shown: str
) -> None:
    mini = checklists.load(fixtures / "checklists" / "mini.toml")
    prompts: list[str] = []
    lines: list[str] = []

    def ask(text: str) -> str:
        prompts.append(text)
        return "q"

    walk(mini, {"fee": 150.0}, lambda q, v: None, ask, lines.append, start_at="fee", mark=mark)
    assert prompts == [prompt]
    assert f"  {shown} (Enter keeps it)" in lines
