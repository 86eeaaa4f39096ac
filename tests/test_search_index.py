"""`finder search --ipt` reads only the therapists the index names at that class, and says
exactly what a scan of every record would (results, left-out lines, counts)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from finder.cli import cli
from finder.storage.records_table import RecordsTable

STATEMENTS = [
    "Trained in Interpersonal Psychotherapy (IPT); certified IPT therapist.",
    "I use interpersonal psychotherapy for depression, 12-16 sessions.",
    "Approaches: Interpersonal, CBT",
    "I help adults with anxiety.",
]


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("level", ["listed", "described", "credential"])
def test_ipt_filter_through_the_index_changes_no_output(
    tmp_path: Path, level: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    listing = tmp_path / "list.csv"
    rows = [
        f"Ann{i} Lastname{i},617-555-{i:04d},Boston,MA,{'02115' if i % 3 else '10001'},"
        f'{"Aetna" if i % 2 else "Cigna"},{100 + i},"{STATEMENTS[i % 4]}"'
        for i in range(1, 41)
    ]
    listing.write_text("name,phone,city,state,zip,insurance,fee,statement\n" + "\n".join(rows)
                       + "\n", encoding="utf-8")  # fmt: skip
    assert invoke("import", str(listing))[0] == 0
    assert invoke("add", "--name", "Dana Reyes", "--statement", STATEMENTS[1], "--yes")[0] == 0
    invoke("profile", "set", "--zip", "02139", "--radius", "10", "--insurance", "Aetna")
    args = ["search", "--ipt", level, "--why"]
    indexed = invoke(*args)
    # The same search reading every therapist, as before the index.
    monkeypatch.setattr(RecordsTable, "tids_with_ipt", lambda self, levels: self.therapist_ids())
    scanned = invoke(*args)
    assert indexed == scanned
    assert indexed[0] == 0
    if level == "listed":  # results, and therapists left out by one filter, are both there
        assert "Dana Reyes" in indexed[1] and "do not list your plan" in indexed[2]
