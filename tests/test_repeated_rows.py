"""Identical rows repeated across saved result pages (the same name, phone and statement)
are one therapist, whatever else the rows lack; different people are never joined."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from finder.cli import cli


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
