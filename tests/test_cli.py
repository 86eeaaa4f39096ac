"""Guards on the CLI itself, and the record commands a person uses first."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from finder import __version__
from finder.cli import COMMANDS, cli

FIX = Path(__file__).parent / "fixtures" / "tabular"


def invoke(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help(name: str) -> None:
    code, out, _ = invoke(name, "--help")
    if code == 2 and "No such command" in _:
        pytest.fail(f"command {name} is registered but its module is missing")
    assert code == 0
    assert "Usage: " in out and name in out
    assert len(out.splitlines()) > 3


def test_version_matches_entry_point() -> None:
    module = subprocess.run(
        [sys.executable, "-m", "finder", "--version"], capture_output=True, text=True, check=True
    )
    assert module.stdout.strip() == f"finder {__version__}"
    assert invoke("--version")[1].strip() == f"finder {__version__}"


def test_no_arguments_shows_the_journey_and_crisis_line() -> None:
    code, out, _ = invoke()
    assert code == 0
    for step in ("import", "search", "shortlist", "contact", "consult", "compare"):
        assert f". {step}" in out
    assert "Next: finder import FILE_OR_FOLDER" in out
    assert "988" in out


def test_first_run_shows_crisis_resources_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FINDER_NO_FIRST_RUN")
    _, _, err = invoke("path")
    assert "988" in err and "116 123" in err
    _, _, again = invoke("path")
    assert "988" not in again


def test_path_honours_env_and_home(finder_home: Path, tmp_path: Path) -> None:
    assert invoke("path")[1].strip() == str(finder_home)
    other = tmp_path / "elsewhere"
    assert invoke("--home", str(other), "path")[1].strip() == str(other.resolve())


def test_add_show_edit_keep_user_values_over_imports(tmp_path: Path) -> None:
    code, out, err = invoke(
        "add", "--name", "Dana Reyes, LCSW", "--phone", "(617) 555-0101", "--city", "Cambridge",
        "--referred-by", "Dr. Kim", "--referred-on", "2026-11-01", "--yes",
    )  # fmt: skip
    assert code == 0, err
    tid = out.strip()
    assert "Added therapist 1: Dana Reyes, LCSW (entered by you)." in err
    code, _, err = invoke("edit", tid, "phone", "617-555-0199")
    assert code == 0 and "phones = 617-555-0199 (entered by you)" in err
    code, out, _ = invoke("show", tid, "--json")
    data = json.loads(out)
    assert data["name"] == "Dana Reyes"
    assert [c["value"] for c in data["fields"]["phones"]] == [["617-555-0199"], ["617-555-0101"]]
    assert data["fields"]["referred_by"][0] == {
        "value": "Dr. Kim", "source": "finder add", "locator": "entered by you", "kind": "user",
        "date": data["fields"]["referred_by"][0]["date"],
    }  # fmt: skip
    code, out, _ = invoke("show", tid)
    assert "referred_by" in out and "entered by you" in out


def test_add_prompts_when_interactive() -> None:
    code, out, err = invoke("add", input="Ann Lee, LMFT\n\n\n\nSalem\nMA\n\nmy GP\n")
    assert code == 0, err
    code, out, _ = invoke("show", out.strip(), "--json")
    fields = json.loads(out)["fields"]
    assert fields["license_type"][0]["value"] == "LMFT"
    assert fields["referred_by"][0]["value"] == "my GP"


def test_edit_rejects_unknown_fields_and_bad_values() -> None:
    invoke("add", "--name", "Ann Lee", "--yes")
    code, _, err = invoke("edit", "1", "favourite_colour", "blue")
    assert code == 2 and "unknown field 'favourite_colour'" in err
    code, _, err = invoke("edit", "1", "telehealth", "perhaps")
    assert code == 2 and "telehealth takes yes or no" in err
    code, _, err = invoke("edit", "99", "city", "Boston")
    assert code == 3 and "Error: no therapist 99" in err


def test_list_json_and_csv_are_stable() -> None:
    invoke("import", str(FIX / "basic.csv"))
    code, out, _ = invoke("list", "--json")
    assert code == 0
    rows = json.loads(out)
    assert list(rows[0]) == sorted(rows[0])
    assert rows[0]["name"] == "Dana Reyes" and rows[0]["phone"] == "617-555-0101"
    _, out, _ = invoke("list", "--csv")
    header, first, *_ = out.splitlines()
    assert header.startswith("id,name,credentials,license_type,location")
    assert first.startswith('1,Dana Reyes,LCSW,LCSW,"Cambridge, MA",02139,617-555-0101')
    # --format is the one choice; --json and --csv are its short forms.
    assert invoke("list", "--format", "csv")[1] == out
    assert json.loads(invoke("list", "--format", "json")[1]) == rows
    code, out, err = invoke("show", "1", "--format", "csv")
    assert code == 2 and "'csv' is not one of 'table', 'json'" in err


def test_user_errors_are_one_line_not_tracebacks() -> None:
    code, _, err = invoke("show", "7")
    assert code == 3
    assert err.strip() == "Error: no therapist 7; `finder list` shows the ids"
    code, _, err = invoke("import", "/nonexistent/file.csv")
    assert code == 4 and "no such file or folder" in err and "Traceback" not in err


def test_show_names_disagreeing_sources_by_file(tmp_path: Path) -> None:
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text("name,npi,fee\nDana Reyes,1234567893,$150\n")
    second.write_text("name,npi,fee\nDana Reyes,1234567893,$130\n")
    assert invoke("import", str(first), str(second))[0] == 0
    code, out, _ = invoke("show", "1")
    assert code == 0
    assert "  fee: $150 (first.csv); $130 (second.csv)" in out
