"""The supervisor of a supervised license, where the source names one, read in one place
(``normalize.licences.supervisor``) and shown with the license in `show` and `compare`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from finder.cli import cli
from finder.records import normalize
from finder.records.normalize.licences import supervisor


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Supervised by Jane Doe, LCSW", "Jane Doe, LCSW"),
        ("an Associate MFT under the supervision of Dr. Jane Doe, LMFT.", "Dr. Jane Doe, LMFT"),
        ("under the clinical supervision of Ann Lee, LPC-S, in Austin", "Ann Lee, LPC-S"),
        ("Supervisor: Ann Lee, LCSW-C (#1234)", "Ann Lee, LCSW-C"),
        ("Supervised by Jane Doe (Bright Path Counseling | LCSW 1234)", "Jane Doe"),
        ("supervised by a licensed clinician", None),
        ("I offer clinical supervision to associates.", None),
        (None, None),
    ],
)
def test_the_supervisor_a_source_names(text: str | None, named: str | None) -> None:
    assert supervisor(text) == named


def test_only_a_supervised_license_takes_a_supervisor_from_the_text() -> None:
    associate = normalize.build_fields(
        {"name": "Lena Ortiz, AMFT", "statement": "Under the supervision of Jane Doe, LMFT."}
    )
    assert (associate["license_type"], associate["supervisor"]) == ("AMFT", "Jane Doe, LMFT")
    # A fully licensed clinician writing about their training has no supervisor now.
    licensed = normalize.build_fields(
        {"name": "Owen Hart, LCSW", "statement": "I was supervised by Paul Marsh, LCSW."}
    )
    assert "supervisor" not in licensed


@pytest.fixture
def imported(fixtures: Path) -> dict[str, int]:
    result = run("import", str(fixtures / "supervised" / "associates.csv"))
    assert result.exit_code == 0, result.output
    return {r["name"]: r["id"] for r in json.loads(run("list", "--json").stdout)}


def test_show_and_compare_give_the_supervisor_with_the_license(
    imported: dict[str, int], tmp_path: Path
) -> None:
    lena = run("show", str(imported["Lena Ortiz"])).stdout
    assert (
        "AMFT (a supervised license: associate, pre-licensed, intern or resident; "
        "supervised by Dr. Jane Doe, LMFT)" in " ".join(lena.split())
    )
    mark = run("show", str(imported["Mark Stone"])).stdout  # a "Supervisor" column
    assert "supervised by Ann Lee, LPC-S)" in " ".join(mark.split())
    nora = run("show", str(imported["Nora Pike"])).stdout  # names nobody
    assert "LMSW (a supervised license: associate, pre-licensed, intern or resident; " in nora
    assert "supervisor not stated)" in " ".join(nora.split())
    owen = run("show", str(imported["Owen Hart"])).stdout
    assert "supervis" not in owen.split("From ")[1].split("statement")[0]
    target = tmp_path / "r.json"
    ids = [str(imported[n]) for n in ("Lena Ortiz", "Mark Stone", "Owen Hart")]
    assert run("compare", *ids, "-o", str(target)).exit_code == 0
    text = json.loads(target.read_text("utf-8"))
    cells = [
        cell["text"]
        for section in text["sections"]
        for row in section["rows"]
        if row["key"] == "licence"
        for cell in row["cells"]
    ]
    assert cells == [
        "AMFT, as listed (a supervised license: associate, pre-licensed, intern or "
        "resident; supervised by Dr. Jane Doe, LMFT)",
        "LPC Associate, as listed (a supervised license: associate, pre-licensed, intern "
        "or resident; supervised by Ann Lee, LPC-S)",
        "LCSW, as listed",
    ]


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ({"name": "Mark Stone", "credentials": "LPC Associate"}, "LPC Associate"),
        ({"name": "Mark Stone, LPC-Associate, NCC"}, "LPC-Associate"),
        ({"name": "Mark Stone", "credentials": "MA, LMFT Associate"}, "LMFT Associate"),
        ({"name": "Mark Stone", "credentials": "Associate MFT"}, "Associate MFT"),
        ({"name": "Mark Stone", "license_type": "LPC Associate"}, "LPC Associate"),
        ({"name": "Mark Stone", "title": "MFT Intern"}, "MFT Intern"),
    ],
)
def test_an_associate_is_never_shown_as_the_bare_letters(raw: dict[str, str], shown: str) -> None:
    from finder.records.normalize.licences import SUPERVISED, licence_level

    fields = normalize.build_fields(raw)
    assert fields["license_type"] == shown  # not "LPC" or "LMFT": they are not independent
    assert licence_level(fields["license_type"]) == SUPERVISED
    assert fields["name"] == "Mark Stone"
