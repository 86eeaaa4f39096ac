"""A newer NPPES monthly file over an older one: added, changed, deactivated, unchanged (issue 17)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from click.testing import CliRunner
from test_nppes_bulk import header, person, write

from finder.cli import cli


def deactivated_row(cols: list[str], npi: str, date: str) -> list[str]:
    """What the real file holds for a deactivated NPI: the number and the date, nothing else."""
    values = dict.fromkeys(cols, "")
    values.update({"NPI": npi, "NPI Deactivation Date": date})
    return [values[c] for c in cols]


def records() -> list[dict[str, object]]:
    out = CliRunner().invoke(cli, ["export"])
    assert out.exit_code == 0, out.output
    return list(json.loads(out.stdout)["tables"]["records"])


def by_npi(rows: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    return {str(r["key"]): r for r in rows}


def test_a_newer_monthly_file_says_what_was_added_changed_deactivated_and_unchanged(
    tmp_path: Path, fixtures: Path, finder_home: Path
) -> None:
    cols = header(fixtures)
    january = write(
        tmp_path / "npidata_pfile_20240101-20240107.csv",
        cols,
        [
            person(cols, "1234567893", "REYES", "MA"),
            person(cols, "1245319599", "CHEN", "IL"),
            person(cols, "1003000126", "OKAFOR", "ME"),
        ],
    )
    february = write(
        tmp_path / "npidata_pfile_20240201-20240207.csv",
        cols,
        [
            person(cols, "1234567893", "REYES", "MA"),  # unchanged
            person(cols, "1245319599", "CHEN-PARK", "IL"),  # changed her name
            deactivated_row(cols, "1003000126", "02/03/2024"),  # deactivated
            deactivated_row(cols, "1003000134", "01/01/2020"),  # never imported: skipped
            person(cols, "1003000142", "ALVAREZ", "MA"),  # new
        ],
    )
    first = CliRunner().invoke(cli, ["import", str(january)])
    assert first.exit_code == 0, first.output
    assert "3 imported" in first.output
    second = CliRunner().invoke(cli, ["import", str(february)])
    assert second.exit_code == 0, second.output
    assert "1 imported, 1 updated, 1 deactivated, 1 unchanged" in second.output

    stored = by_npi(records())
    assert sorted(stored) == ["1003000126", "1003000142", "1234567893", "1245319599"]
    assert "Chen-Park" in str(stored["1245319599"]["fields"])
    gone = stored["1003000126"]
    assert isinstance(gone["extra"], dict)
    assert gone["extra"]["status"] == "deactivated"
    assert gone["extra"]["deactivation_date"] == "02/03/2024"
    assert "Okafor" in str(gone["fields"])  # kept, and shown as NPPES states it

    again = CliRunner().invoke(cli, ["import", str(february)])
    assert again.exit_code == 0, again.output
    assert "0 imported" in again.output and "4 unchanged" in again.output
    assert len(records()) == 4


def test_a_full_row_with_a_deactivation_date_counts_as_deactivated(
    tmp_path: Path, fixtures: Path, finder_home: Path
) -> None:
    cols = header(fixtures)
    active = person(cols, "1234567893", "REYES", "MA")
    before = write(tmp_path / "npidata_pfile_a.csv", cols, [active])
    ended = list(active)
    ended[cols.index("NPI Deactivation Date")] = "03/04/2024"
    after = write(tmp_path / "npidata_pfile_b.csv", cols, [ended])
    assert CliRunner().invoke(cli, ["import", str(before)]).exit_code == 0
    result = CliRunner().invoke(cli, ["import", str(after)])
    assert result.exit_code == 0, result.output
    assert "0 imported, 1 deactivated" in result.output
    (only,) = records()
    assert isinstance(only["extra"], dict) and only["extra"]["status"] == "deactivated"


def test_the_monthly_archive_is_read_whatever_file_comes_first_in_it(
    tmp_path: Path, fixtures: Path, finder_home: Path
) -> None:
    """The real archive holds the endpoint, other-name and location files beside the main
    one, each a large CSV: the main file's name is then nowhere near the archive's start."""
    cols = header(fixtures)
    main = write(tmp_path / "npidata_pfile_20240101-20240107.csv", cols, [person(cols, "1234567893", "REYES", "MA")])  # fmt: skip
    archive = tmp_path / "NPPES_Data_Dissemination_January_2024.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        endpoint = "".join(f'"{n}","Direct","x{n}@example.org"\n' for n in range(40_000))
        zf.writestr("endpoint_pfile_20240101-20240107.csv", endpoint)
        zf.writestr("othername_pfile_20240101-20240107.csv", endpoint * 3)
        zf.write(main, main.name)
    result = CliRunner().invoke(cli, ["import", str(archive)])
    assert result.exit_code == 0, result.output
    assert "[nppes-csv]: 1 imported" in result.output
