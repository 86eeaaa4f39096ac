"""Identical rows repeated across saved result pages (the same name, phone and statement)
are one therapist, whatever else the rows lack; different people are never joined."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from finder.cli import cli
from finder.ingest import files


def test_rows_repeated_across_result_pages_are_one_therapist_each(fixtures: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["import", str(fixtures / "repeated" / "results_pages.csv")])
    assert result.exit_code == 0, result.output
    rows = json.loads(runner.invoke(cli, ["list", "--json"]).stdout)
    found = sorted((r["name"], r["license_type"] or "", r["sources"]) for r in rows)
    assert found == [
        # Two Ann Lees, different phones and words: two people.
        ("Ann Lee", "LCSW", 1),
        ("Ann Lee", "LPC", 1),
        # An organization with only a phone, no statement and no place: 3 rows, one group.
        ("Hill Country Counseling Group", "", 3),
        # No phone, but the same words of her own: 3 rows, one clinician.
        ("Rosa Diaz", "LPC", 3),
        ("Sam Lee", "LCSW", 2),
        ("Tia Park", "LMFT", 2),
        # A stock line and no phone identifies nobody: kept apart, for the user to join.
        ("Uma Roy", "LPC", 1),
        ("Uma Roy", "LPC", 1),
    ]


def test_one_profile_repeated_thousands_of_times_is_numbered_once_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fuzz case: 2,000 copies of one object on one line. Each copy is its own record, and
    each gets its number once (counting up from 1 for every copy took 20 s)."""
    copies = 2000
    listed = tmp_path / "copies.jsonl"
    listed.write_text('{"name": "Ann One"}' * copies + '\n{"name": "Ben Two"}\n')
    calls = []
    numbered = files.record_id

    def counted(source_path: str, identity: str) -> str:
        calls.append(identity)
        return numbered(source_path, identity)

    monkeypatch.setattr(files, "record_id", counted)
    runner = CliRunner()
    result = runner.invoke(cli, ["import", str(listed)])
    assert result.exit_code == 0, result.output
    assert f"{listed} [json]: {copies + 1} imported" in result.stderr
    assert len(calls) <= 2 * (copies + 1)
    again = runner.invoke(cli, ["import", str(listed)])  # the same numbers: all unchanged
    assert f"{listed} [json]: 0 imported, {copies + 1} unchanged" in again.stderr
