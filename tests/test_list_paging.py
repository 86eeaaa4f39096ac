"""`finder list` on many therapists: the first 50 with the total and how to see more; JSON
and CSV give every one, streamed in the same bytes as one array."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import orjson
from click.testing import CliRunner

from finder.cli import cli


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_list_pages_a_table_and_streams_every_row(tmp_path: Path) -> None:
    listing = tmp_path / "list.csv"
    rows = [f"Ann{i} Lastname{i},617-555-{i:04d},Boston,MA" for i in range(1, 61)]
    listing.write_text("name,phone,city,state\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert invoke("import", str(listing))[0] == 0

    code, out, err = invoke("list")
    assert code == 0, err
    shown = [line.split()[0] for line in out.splitlines()[1:] if line.strip()]
    assert shown == [str(n) for n in range(1, 51)]
    assert err.splitlines() == [
        "Showing 50 of 60 therapists. IPT classes show evidence, not verification.",
        "--limit N shows more, --all shows every one.",
    ]
    code, out, err = invoke("list", "--all")
    assert len([line for line in out.splitlines()[1:] if line.strip()]) == 60
    assert err.splitlines() == ["60 therapists. IPT classes show evidence, not verification."]
    code, out, err = invoke("list", "--limit", "55")
    assert err.splitlines() == [
        "Showing 55 of 60 therapists. IPT classes show evidence, not verification."
    ]

    code, out, _ = invoke("list", "--json")
    data = orjson.loads(out)
    assert [row["id"] for row in data] == list(range(1, 61))
    assert (
        out == orjson.dumps(data, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2).decode() + "\n"
    )
    code, out, _ = invoke("list", "--format", "csv", "--limit", "3")
    assert [r["id"] for r in csv.DictReader(io.StringIO(out))] == ["1", "2", "3"]


def test_empty_json_listing_is_an_empty_array() -> None:
    code, out, _ = invoke("list", "--json")
    assert (code, out) == (0, "[]\n")


def test_a_hand_entered_therapist_is_on_the_page_and_in_the_count(tmp_path: Path) -> None:
    # A hand entry is the user's own work (kept apart from the imported records): the
    # first page and the total read both parts, and an edited imported record is one
    # therapist, not two.
    listing = tmp_path / "list.csv"
    rows = [f"Ann{i} Lastname{i},617-555-{i:04d},Boston,MA" for i in range(1, 61)]
    listing.write_text("name,phone,city,state\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert invoke("import", str(listing))[0] == 0
    assert invoke("add", "--name", "Dana Reyes, LCSW", "--phone", "413-555-0100")[0] == 0
    assert invoke("edit", "2", "phone", "617-555-9999")[0] == 0

    code, out, err = invoke("list", "--limit", "3")
    assert code == 0, err
    assert [line.split()[0] for line in out.splitlines()[1:] if line.strip()] == ["1", "2", "3"]
    assert err.splitlines()[0] == (
        "Showing 3 of 61 therapists. IPT classes show evidence, not verification."
    )
    code, out, err = invoke("list", "--all")
    names = [line.split()[1:3] for line in out.splitlines()[1:] if line.strip()]
    assert ["Dana", "Reyes"] in names
    assert err.splitlines() == ["61 therapists. IPT classes show evidence, not verification."]


def test_the_total_counts_a_therapist_with_several_records_once(tmp_path: Path) -> None:
    """The total is read from the index counts: one therapist found in two lists (and one
    found three times) is one therapist."""
    first = tmp_path / "first.csv"
    rows = [f"Ann{i} Lastname{i},617-555-{i:04d},Boston,MA" for i in range(1, 61)]
    first.write_text("name,phone,city,state\n" + "\n".join(rows) + "\n", encoding="utf-8")
    again = tmp_path / "again.csv"
    again.write_text("name,phone,city,state\n" + "\n".join(rows[:5]) + "\n", encoding="utf-8")
    third = tmp_path / "third.csv"
    third.write_text("name,phone,city,state\n" + rows[0] + "\n", encoding="utf-8")
    for path in (first, again, third):
        assert invoke("import", str(path))[0] == 0
    code, out, err = invoke("list")
    assert code == 0, err
    assert err.splitlines()[0] == (
        "Showing 50 of 60 therapists. IPT classes show evidence, not verification."
    )
    code, out, _ = invoke("show", "1")
    assert "third.csv" in out and "again.csv" in out
    assert invoke("split", "1", "--yes")[0] == 0
    _, _, err = invoke("list")
    assert err.splitlines()[0].startswith("Showing 50 of 62 therapists.")
