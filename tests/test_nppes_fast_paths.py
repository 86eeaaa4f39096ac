"""The NPPES bulk reader's fast paths read exactly what the slow ones read (issue 17).

A plain row (every field quoted, no quote inside one) is split at ``","`` instead of
being read by the ``csv`` module; rows are ruled out unread as far as the filter's
columns reach; phones, ZIPs, taxonomy codes and NPIs are remembered between rows.
"""

from __future__ import annotations

import csv
import functools
import importlib
import io
from pathlib import Path
from typing import Any

import pytest
from test_nppes_bulk import header, person
from test_nppes_prefilter import OPTIONS, outcome

from finder.importers import nppes_scan
from finder.records import taxonomy
from finder.records.models import Record
from finder.records.normalize import identifiers, places, text

# The module (the package's ``phones`` is the function of that name).
phones = importlib.import_module("finder.records.normalize.phones")


def varied(cols: list[str]) -> list[list[str]]:
    """Rows with every kind of value a registry row holds, and some odd ones."""
    col = cols.index
    out: list[list[str]] = []
    values: list[dict[str, str]] = [
        {},
        {"Provider First Name": 'DANA "DEE"'},  # a quote inside a field
        {"Provider First Line Business Practice Location Address": "1 MAIN ST, UNIT 2"},
        {"Provider Second Line Business Practice Location Address": "SUITE 2\nREAR"},
        {"Provider Last Name (Legal Name)": "MÜLLER", "Provider Name Suffix Text": "JR."},
        {"Provider Middle Name": "ANN MARIE", "Provider Credential Text": "PH.D., LP"},
        {"Healthcare Provider Taxonomy Code_1": " 103t00000x "},
        {"Provider License Number_1": "--", "Provider Gender Code": "U"},
        {"NPI Deactivation Date": "05/01/2019", "NPI Reactivation Date": "06/01/2020"},
        {"Other Provider Identifier_1": "A" * 2000, "Is Sole Proprietor": "Y"},
        {
            "Provider Business Mailing Address Telephone Number": "617-555-0101 x12",
            "Provider Business Mailing Address Postal Code": "021394307",
        },
        {
            "Entity Type Code": "2",
            "Provider Organization Name (Legal Business Name)": "HOPE CENTER, LLC",
        },
        {"Provider Business Practice Location Address Country Code (If outside U.S.)": "CA"},
    ]
    for n, changes in enumerate(values):
        row = person(cols, f"{1003000100 + n}", f"LAST{n}", ("MA", "IL", "ME")[n % 3])
        row[col("Healthcare Provider Taxonomy Code_2")] = "101YP2500X"
        row[col("Provider License Number_2")] = f"LPC {n}"
        row[col("Healthcare Provider Primary Taxonomy Switch_2")] = "N" if n % 2 else "Y"
        row[col("Healthcare Provider Primary Taxonomy Switch_1")] = "Y" if n % 2 else "N"
        row[col("Provider Business Practice Location Address Telephone Number")] = "6175550100"
        row[col("Provider Business Mailing Address Telephone Number")] = "6175550100"
        for column, value in changes.items():
            row[col(column)] = value
        out.append(row)
    return out


def written(path: Path, cols: list[str], rows: list[list[str]], quoting: int) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=quoting, lineterminator="\n")
    writer.writerow(cols)
    writer.writerows(rows)
    body = buffer.getvalue()
    path.write_text(body + body.splitlines(keepends=True)[2][:30], encoding="utf-8")  # cut off
    return path


def _what_a_user_sees(path: Path, result: tuple[list[Any], list[str], object, str | None]) -> Any:
    items, warnings, progress, refused = result
    shown = [(i.locator, i.key, i.fields, i.extra) if isinstance(i, Record) else i for i in items]
    said = [w.replace(str(path), "FILE") for w in [*warnings, refused or ""]]
    return shown, said, progress


@pytest.mark.parametrize("options", OPTIONS)
def test_a_plain_row_reads_as_the_csv_module_reads_it(
    tmp_path: Path, fixtures: Path, options: dict[str, Any]
) -> None:
    cols = header(fixtures)
    rows = varied(cols) * 3
    quoted = written(tmp_path / "quoted.csv", cols, rows, csv.QUOTE_ALL)
    # Saved without quotes, no row is plain: each is read by the csv module.
    unquoted = written(tmp_path / "unquoted.csv", cols, rows, csv.QUOTE_MINIMAL)
    fast, slow = outcome(quoted, **options), outcome(unquoted, **options)
    assert _what_a_user_sees(quoted, fast) == _what_a_user_sees(unquoted, slow)
    assert any(isinstance(i, Record) for i in fast[0]) or fast[3] is not None


def test_rows_ruled_out_as_far_as_the_filters_columns_reach(
    tmp_path: Path, fixtures: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cols = header(fixtures)
    col = cols.index
    rows = [person(cols, f"{1003000200 + n}", f"LAST{n}", "ME", "207Q00000X") for n in range(40)]
    # A code past every filter column: not a reason to read the row.
    rows[5][col("Other Provider Identifier_1")] = "1041C0700X"
    # Long values before the filter's columns, and after them.
    rows[9][col("Provider Other Organization Name")] = "B" * 1500
    rows[11][col("Other Provider Identifier_2")] = "C" * 1500
    rows[13] = person(cols, "1003000299", "KEPT", "MA")
    rows[13][col("Other Provider Identifier_3")] = "D" * 800
    # As many quotes as a full row, in a line shorter than the filter's columns need.
    rows[20] = ["1003000300", "1", "", "", '"' * (len(cols) - 5)]
    path = written(tmp_path / "npidata_pfile.csv", cols, rows, csv.QUOTE_ALL)
    monkeypatch.setattr(nppes_scan, "_BLOCK", 4096)
    unread: list[int] = []
    skipped = nppes_scan.Skipper.__iter__

    def counted(self: nppes_scan.Skipper) -> Any:
        for item in skipped(self):
            unread.append(item if isinstance(item, int) else 0)
            yield item

    monkeypatch.setattr(nppes_scan.Skipper, "__iter__", counted)
    for options in OPTIONS:
        fast = outcome(path, **options)
        with monkeypatch.context() as patched:
            patched.setattr(
                nppes_scan, "RowFilter", functools.partial(nppes_scan.RowFilter, prefilter=False)
            )
            slow = outcome(path, **options)
        assert fast == slow, options
    assert sum(unread) >= 20  # most rows were ruled out unread


def test_remembered_answers_are_the_answers() -> None:
    asked = ["6175550100", "(617) 555-0101 x3", "", "123", "+44 20 7946 0958", "6175550100"]
    for number in asked * 2:
        assert phones.phone(number) == phones._phone(number, None)
        assert phones.phone(number, "GB") == phones._phone(number, "GB")
    for zip_code in ["021394307", "2139", "02139-4307", "", "abc", "3110.0", "021394307"]:
        assert places.zip_code(zip_code) == places._zip_code(zip_code)
    assert places.zip_code(2139) == "02139"
    for code in [" 1041c0700x ", "1041C0700X", "XYZ", "", "103T00000X", " 1041c0700x "]:
        assert taxonomy.normalize_code(code) == taxonomy._normalized(code)
        assert taxonomy.license_type(code) == taxonomy._license_type(code)
    assert taxonomy.normalize_code(None) is None and taxonomy.normalize_code(7) is None


def test_the_npi_just_checked_is_not_mistaken_for_another() -> None:
    good, bad = "1234567893", "1234567890"
    answers = [identifiers.npi(v) for v in (good, good, bad, bad, good, "", good, 1234567893)]
    assert answers == [good, good, None, None, good, None, good, good]
    assert identifiers.unverified_npi(bad) == bad and identifiers.unverified_npi(good) is None


def test_a_memo_with_its_own_limit_clears_there() -> None:
    made: list[str] = []
    memo: text.Memo[str, str] = text.Memo(lambda key: made.append(key) or key.upper(), 2)
    assert [memo[k] for k in ("a", "b", "a")] == ["A", "B", "A"] and made == ["a", "b"]
    assert memo["c"] == "C" and len(memo) == 1  # full at 2: cleared, then "c"
    assert text.Memo(str.upper).limit == text.MEMO_LIMIT
