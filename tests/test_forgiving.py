"""Input as a tired person types it: near-miss commands, money and distances, plain-word errors."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from finder.cli import cli
from finder.cli.types import DISTANCE, MONEY


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("args", "suggestion"),
    [
        (["serach"], "Error: No such command 'serach'. Did you mean search?"),
        (["comapre"], "Error: No such command 'comapre'. Did you mean compare?"),
        (["shortlist", "lst"], "Error: No such command 'lst'. Did you mean list?"),
        (["profile", "st"], "Error: No such command 'st'. Did you mean set or list?"),
        (["checklists", "valdate"], "Error: No such command 'valdate'. Did you mean validate?"),
    ],
)
def test_a_mistyped_command_suggests_the_nearest(args: list[str], suggestion: str) -> None:
    code, out, err = run(*args)
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == suggestion


def test_a_word_nothing_like_a_command_gets_no_guess() -> None:
    code, _, err = run("xyzzy")
    assert (code, err.splitlines()[-1]) == (2, "Error: No such command 'xyzzy'.")


@pytest.mark.parametrize(
    ("typed", "dollars"),
    [("150", 150.0), ("$150", 150.0), ("150.00", 150.0), ("$ 1,200", 1200.0), ("99.5", 99.5),
     ("0", 0.0)],
)  # fmt: skip
def test_money_as_people_write_it(typed: str, dollars: float) -> None:
    assert MONEY.convert(typed, None, None) == dollars


@pytest.mark.parametrize(
    ("typed", "miles"),
    [("10", 10.0), ("10mi", 10.0), ("10 miles", 10.0), ("1 mile", 1.0), ("2.5 mi.", 2.5),
     ("16 km", 16 / 1.609344), ("16KM", 16 / 1.609344), ("5 kilometers", 5 / 1.609344)],
)  # fmt: skip
def test_distances_as_people_write_them(typed: str, miles: float) -> None:
    assert DISTANCE.convert(typed, None, None).miles("US") == pytest.approx(miles)
    if any(c.isalpha() for c in typed):  # a unit written wins over the country's own
        assert DISTANCE.convert(typed, None, None).miles("ES") == pytest.approx(miles)
    else:  # a bare number is in the country's unit: kilometres in Spain
        assert DISTANCE.convert(typed, None, None).miles("ES") == pytest.approx(miles / 1.609344)


def test_search_takes_dollars_and_miles_as_typed() -> None:
    code, _, err = run("search", "--max-fee", "$150", "--near", "02139", "--radius", "10 miles")
    assert code == 0 and "No therapist fits" in err
    code, _, err = run("profile", "set", "--budget", "$120.00", "--radius", "16 km")
    assert code == 0, err
    code, out, _ = run("profile")
    assert "  Radius            9.94 mi" in out and "  Budget            $120 per session" in out


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["show", "abc"], "Error: Invalid value for 'ID': 'abc' is not a therapist id: ids are "
         "whole numbers like 12 (`finder list` shows them)"),
        (["show", "0"], "Error: Invalid value for 'ID': 0 is not a therapist id: ids start at 1"),
        (["compare", "3", "x"], "Error: Invalid value for '[ID]...': 'x' is not a therapist id: "
         "ids are whole numbers like 12 (`finder list` shows them)"),
        (["search", "--max-fee", "cheap"], "Error: Invalid value for '--max-fee': 'cheap' is not "
         "an amount of dollars; write it like 150 or $150"),
        (["search", "--max-fee", "100-150"], "Error: Invalid value for '--max-fee': '100-150' is "
         "a range: give one amount, like 150"),
        (["search", "--max-fee", "-20"], "Error: Invalid value for '--max-fee': '-20': an amount "
         "of money is 0 or more"),
        (["search", "--radius", "far"], "Error: Invalid value for '--radius': 'far' is not a "
         "distance; write it like 10, 10 miles or 16 km"),
        (["list", "--limit", "ten"], "Error: Invalid value for '--limit': 'ten' is not a whole "
         "number of therapists"),
        (["followups", "--days", "0"], "Error: Invalid value for '--days': the number of days "
         "must be 1 or more"),
        (["profile", "set", "--sessions", "200"], "Error: Invalid value for '--sessions': the "
         "number of sessions must be 100 or less"),
    ],
)  # fmt: skip
def test_errors_for_ids_and_numbers_in_plain_words(args: list[str], error: str) -> None:
    code, out, err = run(*args)
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == error
    assert "integer" not in err and "float" not in err and "range" not in err.replace("a range", "")


def test_show_groups_fields_by_source_and_keeps_urls_whole(tmp_path: object) -> None:
    url = "https://www.example.org/therapists/dana-reyes-lcsw-boston-massachusetts/1234567890"
    code, _, err = run("add", "--yes", "--name", "Dana Reyes, LCSW", "--website", url,
                       "--phone", "617-555-0100", "--referred-on", "2025-01-02")  # fmt: skip
    assert code == 0, err
    result = CliRunner().invoke(cli, ["show", "1"], env={"COLUMNS": "60"})
    lines = result.stdout.splitlines()
    start = lines.index(next(line for line in lines if line.startswith("From ")))
    assert lines[start + 1 : start + 7] == [
        "  name          Dana Reyes",
        "  credentials   LCSW",
        "  license_type  LCSW",
        "  phones        617-555-0100",
        f"  website       {url}",
        "  referred_on   2025-01-02",
    ]
    assert sum(1 for line in lines if line.startswith("From ")) == 1
