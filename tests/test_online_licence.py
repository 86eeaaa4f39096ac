"""An online-only clinician licensed in another state than the client's is named in search
and compare ("licensed in TX: ask whether they can see a client in MA"); nothing is said
when the license state is not stated, when it is the client's, or when they also see
clients in person."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from finder.cli import cli

NOTE = "licensed in TX: ask whether they can see a client in MA"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def imported(fixtures: Path) -> dict[str, int]:
    result = run("import", str(fixtures / "online" / "telehealth.csv"))
    assert result.exit_code == 0, result.output
    assert run("profile", "set", "--state", "MA").exit_code == 0
    return {r["name"]: r["id"] for r in json.loads(run("list", "--json").stdout)}


def test_search_names_an_online_only_license_in_another_state(imported: dict[str, int]) -> None:
    result = run("search", "--why")
    assert result.exit_code == 0, result.output
    whys = {
        line.split()[2]: next_line
        for line, next_line in pairwise(result.stdout.splitlines())
        if line[:1].isdigit()
    }
    assert whys["Tess"].endswith(f"; {NOTE}")
    for other in ("Omar", "Rita", "Vera"):  # licensed in MA; in person too; state not stated
        assert "licensed in" not in whys[other]
    assert f"Tess Ruiz ({imported['Tess Ruiz']}), online only: {NOTE}.\n" in result.stderr
    assert result.stderr.count("online only:") == 1
    rows = {r["name"]: r for r in json.loads(run("search", "--json").stdout)}
    assert rows["Tess Ruiz"]["license_note"] == NOTE
    assert [rows[n]["license_note"] for n in ("Omar Haddad", "Rita Boyle", "Vera Long")] == [
        None,
        None,
        None,
    ]


def test_compare_names_it_once_among_the_cautions(imported: dict[str, int], tmp_path: Path) -> None:
    ids = [str(imported[n]) for n in ("Tess Ruiz", "Omar Haddad", "Rita Boyle", "Vera Long")]
    target = tmp_path / "r.json"
    assert run("compare", *ids, "-o", str(target)).exit_code == 0
    cautions = {
        c["name"]: c["cautions"] for c in json.loads(target.read_text("utf-8"))["candidates"]
    }
    assert "Licensed in TX: ask whether they can see a client in MA." in cautions["Tess Ruiz"]
    assert not any("License listed" in c for c in cautions["Tess Ruiz"])  # said once
    # Rita also sees clients in person: the plain license caution, not the online one.
    assert "License listed for TX; you live in MA." in cautions["Rita Boyle"]
    for name in ("Omar Haddad", "Vera Long"):
        assert not any("icense" in c for c in cautions[name]), name
