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
]
# A fee is shown in the currency its source names, never turned into dollars.
LISTED = [
    *AMOUNTS,
    ("€95 per session", "€95"),
    ("95 € por sesión", "€95"),
    ("£65", "£65"),
    ("CA$120", "CA$120"),
    ("90 CHF", "90 CHF"),
    ("USD 150", "$150"),
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


@pytest.mark.parametrize(("typed", "shown"), LISTED)
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


def test_a_fee_without_a_currency_outside_the_us_has_no_dollar_sign(tmp_path: Path) -> None:
    listed = tmp_path / "lista.csv"
    listed.write_text(
        "Nombre,Teléfono,Precio\nLucía García,+34 633 708 957,60\nAna Ruiz,+34 612 345 678,70 €\n",
        encoding="utf-8",
    )
    assert run("import", str(listed))[0] == 0
    code, out, _ = run("show", "1")
    assert code == 0 and "Fee: 60 per session (listed)\n" in out
    code, out, _ = run("compare", "1", "2")
    assert code == 0 and "60 per session (listed)" in out and "€70 per session" in out
    assert "$60" not in out and "$70" not in out


def test_search_names_a_fee_over_budget_in_its_own_currency(tmp_path: Path) -> None:
    # Search reads most records from the store's columns; a fee in euros is read whole,
    # so the line naming who the budget left out keeps the source's currency.
    listed = tmp_path / "lista.csv"
    listed.write_text(
        "Nombre,Teléfono,Precio,Enfoque\n"
        "Lucía García,+34 633 708 957,80 €,Psicoterapia interpersonal (IPT)\n",
        encoding="utf-8",
    )
    assert run("import", str(listed))[0] == 0
    code, _, err = run("search", "--no-profile", "--max-fee", "50")
    assert code == 0
    assert "1 more is over your $50 budget: Lucía García €80; --max-fee 80 shows them" in err
    assert "$80" not in err
