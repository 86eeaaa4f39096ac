"""Every number given on the command line is read as written or refused."""

from __future__ import annotations

import orjson
import pytest
from click.testing import CliRunner

from finder.cli import cli


@pytest.fixture
def one() -> CliRunner:
    runner = CliRunner()
    assert runner.invoke(cli, ["add", "--name", "Jo Smith", "-y"]).exit_code == 0
    return runner


@pytest.mark.parametrize("value", ["1e5", "1E+5", "0x96", "1_000", "150.5.0", "nan", "inf"])
@pytest.mark.parametrize("field", ["fee", "fee_max", "years_in_practice"])
def test_edit_refuses_numbers_it_would_read_as_something_else(
    one: CliRunner, field: str, value: str
) -> None:
    result = one.invoke(cli, ["edit", "1", field, value])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: cannot read {value!r} as {field}: write the number")
    shown = orjson.loads(one.invoke(cli, ["show", "1", "--json"]).stdout)
    assert field not in str(shown.get("fields", {})) or shown["fields"].get(field) is None


@pytest.mark.parametrize(
    ("value", "stored"), [("150", 150.0), ("$150.50", 150.5), ("1,200", 1200.0)]
)
def test_edit_reads_plain_numbers_as_written(one: CliRunner, value: str, stored: float) -> None:
    result = one.invoke(cli, ["edit", "1", "fee", value])
    assert result.exit_code == 0, result.output
    assert f"fee = {stored}" in result.stderr + result.stdout


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
@pytest.mark.parametrize("option", ["--max-fee", "--radius"])
def test_amount_options_refuse_what_is_not_a_number(value: str, option: str) -> None:
    result = CliRunner().invoke(cli, ["list", option, value])
    assert result.exit_code == 2
    assert f"Invalid value for '{option}'" in result.stderr


def test_amount_options_read_exponents_as_written() -> None:
    result = CliRunner().invoke(cli, ["search", "--max-fee", "1e3", "--json"])
    assert result.exit_code == 0, result.output
