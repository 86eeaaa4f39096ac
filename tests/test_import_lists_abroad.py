"""More real-list shapes (issue 15): lookup tables saved as .xlsx, broken characters in
JSON, registration numbers outside the US, and a Plan-Net role's stated licence."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from finder.cli import cli
from finder.judge import therapists
from finder.storage.store import open_store

TAXONOMY = [
    ["Code", "Grouping", "Classification", "Specialization", "Definition"],
    ["101Y00000X", "Behavioral Health & Social Service Providers", "Counselor", "", "..."],
    ["101YM0800X", "Behavioral Health & Social Service Providers", "Counselor", "Mental Health",
     "..."],
    ["103T00000X", "Behavioral Health & Social Service Providers", "Psychologist", "", "..."],
    ["193200000X", "Group", "Multi-Specialty", "", "..."],
]  # fmt: skip
NETWORKS = [
    ["Network", "Plan type", "State"],
    ["Green Circle of Massachusetts HMO", "HMO", "MA"],
    ["Bay Harbor PPO Network", "PPO", "MA"],
    ["Coastal Care Plus", "EPO", "MA"],
]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stderr


def people() -> dict[str, therapists.Therapist]:
    return {t.name: t for t in therapists.load_all(open_store())}


def imported(tmp_path: Path, name: str, text: str) -> dict[str, therapists.Therapist]:
    """The therapists finder holds after importing ``text`` saved as ``name``."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    code, err = run("import", str(path))
    assert code == 0, err
    return people()


def _save(tmp_path: Path, name: str, rows: list[list[str]]) -> tuple[Path, Path]:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    workbook = tmp_path / f"{name}.xlsx"
    book.save(workbook)
    table = tmp_path / f"{name}.csv"
    with table.open("w", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return workbook, table


@pytest.mark.parametrize(
    ("rows", "what"),
    [
        (TAXONOMY, "this is a list of 4 provider taxonomy codes, not therapists; nothing imported"),
        (NETWORKS, "this is a list of 3 insurance networks or plans, not therapists; nothing imported"),
    ],
)  # fmt: skip
def test_a_lookup_table_without_a_name_column_is_refused_alike_as_xlsx_and_csv(
    tmp_path: Path, rows: list[list[str]], what: str
) -> None:
    for path in _save(tmp_path, "table", rows):
        code, err = run("import", str(path))
        assert (code, err) == (4, f"Error: {path}: {what}\n"), path
    assert people() == {}


def test_lone_surrogates_are_dropped_and_named_and_the_rows_imported(tmp_path: Path) -> None:
    listing = tmp_path / "list.json"
    listing.write_text(
        '[{"name": "Ana L\\ud800opez", "phone": "617-555-0101", "bio": "IPT \\udc80trained"},\n'
        ' {"name": "Bob Smith", "phone": "617-555-0102"}]'
    )
    lines = tmp_path / "lines.jsonl"
    lines.write_text('{"name": "Cy Dee"}\n{"name": "Eva Fox", "city": "Bos\\udfffton"}\n')
    fhir = tmp_path / "practitioner.json"
    fhir.write_text(
        '{"resourceType": "Practitioner", "id": "p1", '
        '"name": [{"family": "Doe\\ud800", "given": ["Jane"]}]}'
    )
    code, err = run("import", str(listing), str(lines), str(fhir))
    assert code == 0, err
    assert f"{listing} [json]: 2 imported" in err
    assert (
        f"Warning: {listing}: 2 value(s) held a broken character (an unpaired \\ud800-\\udfff "
        "escape), dropped from: line 1 'name', line 1 'bio'" in err
    )
    assert f"{lines}: 1 value(s) held a broken character" in err and "line 2 'city'" in err
    assert f"{fhir}: 1 value(s) held a broken character" in err
    assert "Practitioner/p1 'name[0].family'" in err
    found = people()
    assert found["Ana Lopez"].best("statement") == "IPT trained"
    assert found["Eva Fox"].best("city") == "Boston"
    assert "Jane Doe" in found and "Bob Smith" in found
    listed = CliRunner().invoke(cli, ["list", "--json"])
    assert listed.exit_code == 0 and "\\ud" not in listed.stdout


def test_registration_numbers_outside_the_us_are_kept_as_stated(tmp_path: Path) -> None:
    found = imported(
        tmp_path,
        "register.csv",
        "name,country,registration number,title\n"
        "Mia Lee,AU,AHPRA PSY0001234567 (WA),Clinical Psychologist\n"
        "Jane Smith,GB,HCPC PYL12345,HCPC registered Practitioner Psychologist\n"
        "Tom Brown,GB,BACP 123456,BACP accredited counsellor\n"
        "Ana Ruiz,ES,M-12345,Psicóloga General Sanitaria\n",
    )
    mia = found["Mia Lee"]
    assert (mia.best("license_type"), mia.best("license_number")) == ("AHPRA", "PSY0001234567")
    assert mia.best("license_state") is None  # "(WA)" is Western Australia, not Washington
    jane = found["Jane Smith"]
    # A UK register's number is the licence shown, its body named (not "not stated").
    assert (jane.best("license_type"), jane.best("license_number")) == (
        "HCPC registration",
        "PYL12345",
    )
    assert jane.best("title") == "HCPC registered Practitioner Psychologist"
    tom = found["Tom Brown"]
    assert (tom.best("license_type"), tom.best("license_number")) == ("BACP registration", "123456")
    ana = found["Ana Ruiz"]
    assert (ana.best("license_number"), ana.best("title")) == (
        "M-12345",
        "Psicóloga General Sanitaria",
    )
    assert ana.best("license_type") is None  # no US licence type is made up


def test_a_plannet_roles_qualification_states_the_licence(tmp_path: Path) -> None:
    role_url = "http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/"
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": "urn:uuid:p-1", "resource": {
            "resourceType": "Practitioner", "id": "p1", "name": [{"family": "Doe", "given": ["Jane"]}]}},
        {"fullUrl": "urn:uuid:r-1", "resource": {
            "resourceType": "PractitionerRole", "id": "r1",
            "practitioner": {"reference": "urn:uuid:p-1"},
            "specialty": [{"coding": [{"code": "1041C0700X"}]}],
            "extension": [{"url": role_url + "qualification", "extension": [
                {"url": "code", "valueCodeableConcept": {"coding": [
                    {"code": "LCSW", "display": "Licensed Clinical Social Worker"}]}},
                {"url": "status", "valueCode": "active"}]}]}},
    ]}  # fmt: skip
    path = tmp_path / "plannet.json"
    path.write_text(json.dumps(bundle))
    code, err = run("import", str(path))
    assert code == 0, err
    jane = people()["Jane Doe"]
    assert jane.best("license_type") == "LCSW"  # the role's code, not the taxonomy's words
    assert "Licensed Clinical Social Worker" in jane.records[0]["extra"]["qualifications"]


def test_a_british_or_canadian_postcode_says_the_country_when_nothing_else_does(
    tmp_path: Path,
) -> None:
    found = imported(
        tmp_path,
        "no_country.csv",
        "name,phone,city,postcode\n"
        "Tom Brown,0161 496 0000,Manchester,M1 1AE\n"
        "Lea Roy,613-555-0199,Ottawa,K1A 0B6\n"
        "Dana Reyes,617-555-0101,Cambridge,02139\n",
    )
    tom, lea, dana = found["Tom Brown"], found["Lea Roy"], found["Dana Reyes"]
    assert (tom.best("country"), tom.best("phones")) == ("GB", ["+44 161 496 0000"])
    assert (tom.best("postal_code"), tom.best("zip")) == ("M1 1AE", None)
    assert (lea.best("country"), lea.best("postal_code")) == ("CA", "K1A 0B6")
    assert (dana.best("country"), dana.best("zip")) == ("US", "02139")
