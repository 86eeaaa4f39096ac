"""The NPPES bulk reader rules most rows out unread; it must read exactly what it read
before (issue 17): the same records, errors, deactivations, counts and progress."""

from __future__ import annotations

import csv
import functools
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from test_nppes_bulk import header, person

from finder.errors import ImportRefused
from finder.importers import nppes_csv, nppes_scan
from finder.importers.base import ParseContext, Region
from finder.records import geo


def row(
    cols: list[str], n: int, state: str, code: str, values: dict[str, str] | None = None
) -> list[str]:
    out = person(cols, f"{1000000000 + n}", f"LAST{n}", state, code)
    for column, value in (values or {}).items():
        out[cols.index(column)] = value
    return out


def tricky(cols: list[str]) -> list[list[str]]:
    """Plain rows with, among them, every kind of row the prefilter must not misjudge."""
    col = cols.index
    rows = [row(cols, n, "ME", "207Q00000X") for n in range(60)]
    special: list[list[str]] = [
        row(cols, 100, "MA", "1041C0700X"),  # kept
        row(cols, 101, "IL", "1041c0700x"),  # lower case: still behavioural
        row(cols, 116, "ME", "101yp2500X"),
        # The code in the second half of its line.
        row(cols, 118, "ME", "1041C0700X", {"Provider Other Organization Name": "A" * 3000}),
        row(cols, 102, "MA", " 103T00000X "),  # spaces around the code
        row(cols, 103, "MA", "207Q00000X", {"Other Provider Identifier_1": "1041C0700X"}),
        row(cols, 104, "ME", "208600000X", {"Provider Credential Text": "MA"}),
        row(cols, 105, "MA", "208600000X"),  # in the state asked for, not behavioural
        row(cols, 106, "MA", "2084P0800X", {"Provider First Name": 'DANA "DEE"'}),  # a quote
        row(cols, 107, "IL", "101YM0800X"),
    ]
    gone = row(cols, 108, "MA", "")
    gone[col("Entity Type Code")] = ""
    gone[col("NPI Deactivation Date")] = "05/01/2019"
    spaced = row(cols, 109, "MA", "")
    spaced[col("Entity Type Code")] = " "
    two_lines = row(cols, 110, "MA", "106H00000X")
    two_lines[col("Provider Second Line Business Practice Location Address")] = "SUITE 2\nREAR"
    two_lines_out = row(cols, 111, "ME", "207Q00000X")
    two_lines_out[col("Provider First Line Business Mailing Address")] = 'PO BOX 1\n"B", 2'
    short = row(cols, 112, "MA", "1041C0700X")[:50]
    # As many quotes as a full row, in far fewer columns.
    padded = row(cols, 115, "ME", "207Q00000X")[:50]
    padded[col("Provider Other Organization Name")] = '"' * (len(cols) - 50)
    spaced_state = row(cols, 117, "MA", "207Q00000X")
    spaced_state[col("Provider Business Practice Location Address State Name")] = " MA "
    special += [gone, spaced, two_lines, two_lines_out, short, padded, spaced_state]
    for at, item in zip(range(3, 200, 4), special, strict=False):
        rows.insert(at, item)
    return rows


def write(path: Path, cols: list[str], rows: list[list[str]], *, crlf: bool = False) -> Path:
    buffer = io.StringIO()
    end = "\r\n" if crlf else "\n"
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator=end)
    writer.writerow(cols)
    writer.writerows(rows)
    lines = buffer.getvalue().split(end)
    # A behavioural code left unquoted in a quoted row.
    lines[19] = lines[19].replace('"207Q00000X"', "1041C0700X")
    # A quoted field left open over lines that each look like a whole row.
    lines[30] = lines[30][:-1]
    lines[33] = lines[33] + end + '"'
    text = end.join(lines)
    # One row written without quotes, as a spreadsheet would save it.
    plain = io.StringIO()
    csv.writer(plain, lineterminator=end).writerow(row(cols, 113, "IL", "1041C0700X"))
    text += plain.getvalue() + end  # and a blank line
    tail = io.StringIO()
    csv.writer(tail, quoting=csv.QUOTE_ALL, lineterminator=end).writerow(
        row(cols, 114, "IL", "1041C0700X")
    )
    path.write_bytes((text + tail.getvalue()[:300]).encode())  # cut off mid-row
    return path


def outcome(path: Path, **options: Any) -> tuple[list[Any], list[str], object, str | None]:
    warnings: list[str] = []
    seen: list[object] = []
    ctx = ParseContext(
        warn=warnings.append, progress=lambda done, rows=None: seen.append(rows), **options
    )
    items: list[Any] = []
    try:
        items.extend(nppes_csv.parse(path, ctx))
    except ImportRefused as err:
        return items, warnings, seen[-1:], str(err)
    return items, warnings, seen[-1:], None


OPTIONS: list[dict[str, Any]] = [
    {},
    {"region": Region(states=frozenset({"MA"}))},
    {"region": Region(near=geo.zip_point("02139"), radius_miles=25)},
    {"all_taxonomies": True, "region": Region(states=frozenset({"MA", "IL"}))},
    {"all_taxonomies": True, "region": Region(states=frozenset({"TX"}))},
    {"all_taxonomies": True},
]


@pytest.mark.parametrize("options", OPTIONS)
@pytest.mark.parametrize("block", [1500, 4096, 1 << 20])
@pytest.mark.parametrize("crlf", [False, True])
def test_rows_ruled_out_unread_change_nothing(
    tmp_path: Path,
    fixtures: Path,
    monkeypatch: pytest.MonkeyPatch,
    options: dict[str, Any],
    block: int,
    crlf: bool,
) -> None:
    cols = header(fixtures)
    path = write(tmp_path / "npidata_pfile.csv", cols, tricky(cols), crlf=crlf)
    archive = tmp_path / "NPPES_Data_Dissemination.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(path, path.name)
    monkeypatch.setattr(nppes_scan, "_BLOCK", block)
    unread: list[int] = []
    skipped = nppes_scan.Skipper.__iter__

    def counted(self: nppes_scan.Skipper) -> Any:
        for item in skipped(self):
            if isinstance(item, int):
                unread.append(item)
            yield item

    monkeypatch.setattr(nppes_scan.Skipper, "__iter__", counted)
    fast = [outcome(path, **options), outcome(archive, **options)]
    monkeypatch.undo()
    monkeypatch.setattr(
        nppes_scan, "RowFilter", functools.partial(nppes_scan.RowFilter, prefilter=False)
    )
    slow = [outcome(path, **options), outcome(archive, **options)]
    assert fast == slow
    if options.get("all_taxonomies") and not options.get("region", Region()).states:
        assert not unread  # every row may be kept: none is ruled out unread
    elif block < 1 << 20:  # in one block, the odd rows leave no block of plain rows
        assert sum(unread) >= 40
    kinds = {type(item).__name__ for item in slow[0][0]}
    assert "RowError" in kinds and "Deactivation" in kinds
