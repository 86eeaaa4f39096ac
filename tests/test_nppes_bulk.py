"""NPPES bulk file: --state, --near, ZIP archives, cut-off files, renamed columns (issue 17)."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from finder.cli import cli
from finder.errors import ImportRefused
from finder.importers import detect, nppes_csv
from finder.importers.base import ParseContext, Region
from finder.records import geo
from finder.records.models import Record, RowError

PLACES = {"MA": ("CAMBRIDGE", "021394307"), "IL": ("CHICAGO", "60601"), "ME": ("PORTLAND", "04101")}


def header(fixtures: Path) -> list[str]:
    with open(fixtures / "nppes" / "npidata_sample.csv", newline="", encoding="utf-8") as fh:
        return next(csv.reader(fh))


def person(cols: list[str], npi: str, last: str, state: str, code: str = "1041C0700X") -> list[str]:
    values = dict.fromkeys(cols, "")
    city, postal = PLACES[state]
    values.update({
        "NPI": npi, "Entity Type Code": "1", "Provider Last Name (Legal Name)": last,
        "Provider First Name": "DANA", "Provider Credential Text": "LCSW",
        "Provider Business Practice Location Address City Name": city,
        "Provider Business Practice Location Address State Name": state,
        "Provider Business Practice Location Address Postal Code": postal,
        "Healthcare Provider Taxonomy Code_1": code,
        "Healthcare Provider Primary Taxonomy Switch_1": "Y",
    })  # fmt: skip
    return [values[c] for c in cols]


def write(path: Path, cols: list[str], rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(cols)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def parse(path: Path, **options: object) -> tuple[list[Record], list[RowError], list[str]]:
    warnings: list[str] = []
    items = list(nppes_csv.parse(path, ParseContext(warn=warnings.append, **options)))  # type: ignore[arg-type]
    records = [i for i in items if isinstance(i, Record)]
    return records, [i for i in items if isinstance(i, RowError)], warnings


@pytest.fixture
def bulk(tmp_path: Path, fixtures: Path) -> Path:
    cols = header(fixtures)
    rows = [
        person(cols, "1234567893", "REYES", "MA"),
        person(cols, "1245319599", "CHEN", "IL"),
        person(cols, "1003000126", "OKAFOR", "ME"),
        person(cols, "1003000134", "SURGEON", "MA", code="208600000X"),
    ]
    return write(tmp_path / "npidata_pfile_20240101-20240107.csv", cols, rows)


def names(records: list[Record]) -> list[str]:
    return [r.fields["last_name"] for r in records]


def test_state_filter_keeps_the_states_asked_for(bulk: Path) -> None:
    records, _, warnings = parse(bulk, region=Region(states=frozenset({"MA", "ME"})))
    assert names(records) == ["Reyes", "Okafor"]
    assert f"{bulk}: skipped 1 provider(s) outside the --state/--near area" in warnings


def test_near_filter_keeps_who_practises_within_the_radius(bulk: Path) -> None:
    records, _, _ = parse(bulk, region=Region(near=geo.zip_point("02139"), radius_miles=25))
    assert names(records) == ["Reyes"]
    records, _, _ = parse(bulk, region=Region(near=geo.zip_point("02139"), radius_miles=150))
    assert names(records) == ["Reyes", "Okafor"]  # Portland, Maine is about 100 miles away


def test_no_match_in_the_area_is_refused_saying_why(bulk: Path) -> None:
    with pytest.raises(ImportRefused, match="--state/--near area"):
        parse(bulk, region=Region(states=frozenset({"TX"})))


def test_the_monthly_zip_archive_is_read_from_inside(bulk: Path, tmp_path: Path) -> None:
    archive = tmp_path / "NPPES_Data_Dissemination_January_2024.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(bulk, bulk.name)
        zf.writestr(
            "npidata_pfile_20240101-20240107_fileheader.csv", bulk.read_text().split("\n")[0]
        )
        zf.writestr("NPPES_Data_Dissemination_Readme.pdf", b"%PDF-1.4")
    assert detect(archive).name == "nppes-csv"
    records, errors, _ = parse(archive)
    assert names(records) == ["Reyes", "Chen", "Okafor"] and not errors


def test_a_file_cut_off_mid_row_says_what_was_read_before_the_cut(bulk: Path) -> None:
    data = bulk.read_bytes()
    cut = data.rindex(b"\n", 0, len(data) - 1) + 200  # 200 bytes into the last row
    bulk.write_bytes(data[:cut])
    records, errors, _ = parse(bulk, all_taxonomies=True)
    assert names(records) == ["Reyes", "Chen", "Okafor"]
    assert [str(e) for e in errors] == [
        "line 5: the file ends in the middle of this row (an interrupted download?): the 3 "
        "provider(s) before it were read; download the file again for the rest"
    ]


def test_a_renamed_column_is_named(tmp_path: Path, fixtures: Path) -> None:
    cols = header(fixtures)
    rows = [person(cols, "1234567893", "REYES", "MA")]
    renamed = [
        "Practice City" if c == "Provider Business Practice Location Address City Name" else c
        for c in cols
    ]
    path = write(tmp_path / "npidata.csv", renamed, rows)
    records, _, warnings = parse(path)
    assert names(records) == ["Reyes"] and "city" not in records[0].fields
    assert warnings == [
        f"{path}: columns not found (renamed?), left empty: "
        "provider business practice location address city name"
    ]
    gone = [c for c in cols if c != "Provider Business Practice Location Address State Name"]
    path = write(tmp_path / "npidata2.csv", gone, [r[: len(gone)] for r in rows])
    with pytest.raises(ImportRefused, match="--state needs the column"):
        parse(path, region=Region(states=frozenset({"MA"})))


def test_a_field_with_quotes_and_line_breaks_is_read_in_full(
    tmp_path: Path, fixtures: Path
) -> None:
    cols = header(fixtures)
    odd = person(cols, "1234567893", 'REYES "DR", JR', "MA")
    odd[cols.index("Provider Second Line Business Practice Location Address")] = "SUITE 2\nREAR"
    path = write(tmp_path / "npidata.csv", cols, [odd, person(cols, "1245319599", "CHEN", "IL")])
    records, errors, _ = parse(path, region=Region(states=frozenset({"IL", "MA"})))
    assert not errors
    assert [r.locator for r in records] == ["line 2", "line 4"]
    assert records[1].fields["last_name"] == "Chen"


def test_cli_state_and_near_options(bulk: Path, finder_home: Path) -> None:
    result = CliRunner().invoke(cli, ["import", "--state", "ma", str(bulk)])
    assert result.exit_code == 0, result.output
    assert "1 imported" in result.output
    result = CliRunner().invoke(cli, ["import", "--near", "99999", str(bulk)])
    assert result.exit_code != 0
    assert "--near 99999: not a US ZIP code finder knows" in result.output
    result = CliRunner().invoke(cli, ["import", "--state", "Narnia", str(bulk)])
    assert "--state Narnia: not a US state" in result.output


def test_progress_reports_rows_read_and_kept(bulk: Path) -> None:
    seen: list[tuple[int, object]] = []
    ctx = ParseContext(progress=lambda done, rows=None: seen.append((done, rows)))
    list(nppes_csv.parse(bulk, ctx))
    assert seen[-1] == (bulk.stat().st_size, (4, 3))


def test_importing_the_same_file_again_changes_nothing(bulk: Path, finder_home: Path) -> None:
    first = CliRunner().invoke(cli, ["import", str(bulk)])
    again = CliRunner().invoke(cli, ["import", str(bulk)])
    assert first.exit_code == again.exit_code == 0
    assert "3 imported" in first.output
    assert "0 imported" in again.output and "3 unchanged" in again.output
