"""Money is read in one place (``normalize.money``): an amount typed as an answer on the
call and a fee in an imported list read the same, the comma or point decided by the digits
after it ("1,200" is 1200, "120,50" is 120.50, "1.200,50" is 1200.50)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from finder.cli import cli

AMOUNTS = [
    ("120,50", "$120.50"),
    ("120,5", "$120.50"),
    ("1,200", "$1,200"),
    ("1.200", "$1,200"),
    ("1.200,50", "$1,200.50"),
    ("$1,200.50", "$1,200.50"),
    ("€95 per session", "$95"),
]


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(("typed", "shown"), AMOUNTS)
def test_a_fee_answered_on_the_call(typed: str, shown: str) -> None:
    assert run("add", "--name", "Anna Berg", "--yes")[0] == 0
    code, out, err = run("consult", "1", "--from", "fee_session", input=f"{typed}\nq\n")
    assert code == 0, err
    assert "not an amount of money" not in out
    code, out, _ = run("answers", "1")
    assert code == 0 and f"What is your fee per session? {shown}\n" in out


@pytest.mark.parametrize(("typed", "shown"), AMOUNTS)
def test_a_fee_in_an_imported_list(typed: str, shown: str, tmp_path: Path) -> None:
    listed = tmp_path / "list.csv"
    listed.write_text(f'name,fee\nAnna Berg,"{typed}"\n')
    assert run("import", str(listed))[0] == 0
    code, out, _ = run("show", "1")
    assert code == 0 and f"Fee: {shown} per session (listed)\n" in out


def test_a_range_and_a_negative_are_still_refused_on_the_call() -> None:
    assert run("add", "--name", "Anna Berg", "--yes")[0] == 0
    _, out, _ = run("consult", "1", "--from", "fee_session", input="120,50-150\n-5\nq\n")
    assert "give one amount, not a range: '120,50-150'" in out
    assert "not an amount of money: '-5' (type e.g. 150 or $150)" in out
