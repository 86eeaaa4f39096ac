"""NPPES importers: API v2.1 JSON responses and the bulk data file, plus the taxonomy table."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from finder.cli import cli
from finder.errors import ImportRefused, NothingToImport
from finder.importers import detect, nppes_csv, nppes_json
from finder.importers.base import ParseContext
from finder.records import taxonomy
from finder.records.models import Record, RowError


def run(module, path: Path, **options) -> tuple[list[Record], list[RowError], list[str]]:
    warnings: list[str] = []
    items = list(module.parse(path, ParseContext(warn=warnings.append, **options)))
    return (
        [i for i in items if isinstance(i, Record)],
        [i for i in items if isinstance(i, RowError)],
        warnings,
    )


# --- taxonomy --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        # The taxonomy's own words: no letters it does not state, and the generic
        # counselor code states no licence at all.
        ("1041C0700X", "Clinical Social Worker"),
        ("106H00000X", "Marriage & Family Therapist"),
        ("101YP2500X", "Professional Counselor"),
        ("101YM0800X", "Mental Health Counselor"),
        ("101Y00000X", None),
        ("103T00000X", "Psychologist"),
        ("103TC0700X", "Psychologist"),
        ("2084P0800X", "Psychiatrist"),
        ("2084P0804X", "Psychiatrist"),
        ("363LP0808X", "Psychiatric Nurse Practitioner"),
        ("364SP0808X", "Psychiatric Clinical Nurse Specialist"),
        ("102L00000X", "Psychoanalyst"),
        ("101YA0400X", None),
        ("207Q00000X", None),
        ("not a code", None),
    ],
)
def test_license_type_from_taxonomy(code: str, kind: str | None) -> None:
    assert taxonomy.license_type(code) == kind


def test_taxonomy_names_and_behavioural_families() -> None:
    assert taxonomy.name("1041c0700x") == "Clinical Social Worker"
    assert taxonomy.name("106H00000X") == "Marriage and Family Therapist"
    assert taxonomy.name("207Q00000X") is None
    assert taxonomy.is_behavioral("2084P0804X")
    assert taxonomy.is_behavioral("106S00000X")
    assert taxonomy.is_behavioral("103TZ9999X")  # a future psychologist subspecialty
    assert not taxonomy.is_behavioral("2084N0400X")  # neurology shares the 2084 family
    assert not taxonomy.is_behavioral("207Q00000X")
    assert not taxonomy.is_behavioral("")


def test_settle_license_type_does_not_call_an_md_a_psychiatrist() -> None:
    fields: dict[str, object] = {"license_type": "Psychiatrist"}
    taxonomy.settle_license_type(fields, ["207Q00000X"])
    assert "license_type" not in fields
    fields = {"license_type": "LCSW"}
    taxonomy.settle_license_type(fields, ["101YA0400X"])
    assert fields["license_type"] == "LCSW"


# --- API responses ---------------------------------------------------------------------------


def test_concatenated_responses(fixtures: Path) -> None:
    path = fixtures / "nppes" / "api_two_responses.json"
    assert detect(path).name == "nppes-json"
    records, errors, _ = run(nppes_json, path)
    assert errors == []
    person, org = records
    assert person.locator == "response 1 result 1"
    assert person.key == "1000000012"
    assert person.fields["name"] == "Adaeze Okafor"
    assert person.fields["credentials"] == ["LCSW"]
    assert person.fields["npi"] == "1000000012"
    assert person.fields["taxonomies"] == ["1041C0700X", "104100000X"]
    assert person.fields["license_type"] == "LCSW"
    assert person.fields["license_number"] == "LC12345"
    assert person.fields["license_state"] == "ME"
    assert person.fields["address"] == "12 HARBOR ST, STE 4"
    assert person.fields["city"] == "Portland"
    assert person.fields["zip"] == "04101"
    assert person.fields["phones"] == ["207-555-0142"]
    assert person.fields["gender"] == "Female"
    assert person.fields["title"] == "Social Worker, Clinical"
    assert person.extra["status"] == "active"
    assert person.extra["last_updated"] == "2023-06-30"
    assert person.extra["taxonomy_names"] == ["Social Worker, Clinical", "Social Worker"]
    assert person.extra["other_licenses"] == [
        {"code": "1041C0700X", "license": "NH-998", "state": "NH"}
    ]
    assert person.extra["mailing_address"] == "PO BOX 77, Portland, ME, 04112"
    assert person.extra["mailing_phone"] == "207-555-0100"
    assert person.extra["fax"] == "207-555-0143"
    assert "name_prefix" not in person.extra  # "--" means nothing
    assert org.locator == "response 2 result 1"
    assert org.fields["is_organization"] is True
    assert org.fields["name"] == "CASCO BAY COUNSELING CENTER"
    assert org.fields["npi"] == "1000000046"
    assert org.extra["authorized_official_last_name"] == "REYES"


def test_array_of_responses_keeps_non_behavioural_and_reports_errors(fixtures: Path) -> None:
    records, errors, _ = run(nppes_json, fixtures / "nppes" / "api_array.json")
    assert [r.fields["name"] for r in records] == ["Marie Dubois", "Klaus Brandt"]
    assert records[0].fields["license_type"] == "Psychologist"
    assert records[0].fields["credentials"] == ["PhD"]
    # A family doctor's MD must not read as a psychiatrist.
    assert "license_type" not in records[1].fields
    assert [str(e) for e in errors] == [
        "response 2: NPPES returned an error: Field state requires additional search criteria "
        "(field state)",
        "response 3 result 2: not an NPPES result object; skipped",
    ]


def test_errors_body_is_refused_with_the_servers_words(fixtures: Path) -> None:
    path = fixtures / "nppes" / "api_errors.json"
    assert detect(path).name == "nppes-json"
    with pytest.raises(ImportRefused) as err:
        run(nppes_json, path)
    assert err.value.reason == (
        "NPPES returned an error: Field first_name requires at least two characters "
        "(field first_name); No valid search criteria provided"
    )


def test_zero_results_is_a_notice_not_an_error(fixtures: Path) -> None:
    with pytest.raises(NothingToImport) as err:
        run(nppes_json, fixtures / "nppes" / "api_zero.json")
    assert err.value.reason == "the NPPES search found no one (result_count 0); nothing to import"
    result = CliRunner().invoke(cli, ["import", str(fixtures / "nppes" / "api_zero.json")])
    assert result.exit_code == 0, result.stderr
    assert "api_zero.json [nppes-json]: the NPPES search found no one" in result.stderr


def test_partial_page_says_it_is_partial(tmp_path: Path) -> None:
    page = tmp_path / "page.json"
    person = {"number": 1234567893, "enumeration_type": "NPI-1",
              "basic": {"first_name": "ANA", "last_name": "LOPEZ", "credential": "LCSW"},
              "addresses": [{"address_purpose": "LOCATION", "city": "BOSTON", "state": "MA",
                             "postal_code": "021391234", "country_code": "US"}],
              "taxonomies": [{"code": "1041C0700X", "primary": True, "license": "1", "state": "MA"}]}  # fmt: skip
    page.write_text(json.dumps({"result_count": 200, "results": [person, person]}))
    warnings: list[str] = []
    records = list(nppes_json.parse(page, ParseContext(warn=warnings.append)))
    assert len(records) == 2
    assert records[0].fields["country"] == "US"  # type: ignore[union-attr]
    assert warnings == [
        f"{page}: partial: NPPES found 200 but this page holds 2; the rest are on other pages"
    ]


def test_truncated_json_refused_with_position(fixtures: Path) -> None:
    with pytest.raises(ImportRefused) as err:
        run(nppes_json, fixtures / "nppes" / "api_truncated.json")
    assert err.value.reason.startswith("not valid JSON (")
    assert "line 1 column" in err.value.reason


def test_sniff_ignores_other_json(tmp_path: Path) -> None:
    other = tmp_path / "list.json"
    other.write_text('[{"name": "Jane Doe", "phone": "555"}]')
    assert nppes_json.sniff(other, other.read_bytes()) == 0.0
    assert nppes_csv.sniff(other, other.read_bytes()) == 0.0


# --- bulk CSV --------------------------------------------------------------------------------


def test_bulk_csv_keeps_behavioural_rows(fixtures: Path) -> None:
    path = fixtures / "nppes" / "npidata_sample.csv"
    assert detect(path).name == "nppes-csv"
    records, errors, warnings = run(nppes_csv, path)
    assert [r.locator for r in records] == ["line 2", "line 5", "line 7"]
    okafor, clinic, dubois = records
    assert okafor.fields["name"] == "Adaeze N Okafor"
    assert okafor.fields["credentials"] == ["LCSW"]
    # Slot 2 carries the primary switch, so it comes first and gives the licence.
    assert okafor.fields["taxonomies"] == ["1041C0700X", "104100000X"]
    assert okafor.fields["license_type"] == "LCSW"
    assert okafor.fields["license_number"] == "LC12345"
    assert okafor.fields["license_state"] == "ME"
    assert okafor.fields["address"] == "12 HARBOR ST, STE 4"
    assert okafor.fields["zip"] == "04101"
    assert okafor.fields["phones"] == ["207-555-0142"]
    assert okafor.extra["Other Provider Identifier_1"] == "998877"
    assert okafor.extra["last_updated"] == "06/30/2023"
    assert okafor.extra["mailing_address"] == "PO BOX 77, Portland, ME, 04112"
    assert clinic.fields["is_organization"] is True
    assert clinic.fields["name"] == "CASCO BAY COUNSELING CENTER"
    assert dubois.fields["city"] == "South Portland"
    assert dubois.fields["zip"] == "04106"
    assert dubois.fields["license_type"] == "Psychologist"
    assert [str(e) for e in errors] == ["line 6: has 3 columns, the header has 329; skipped"]
    assert warnings == [
        f"{path}: skipped 1 provider(s) with no behavioural-health taxonomy "
        "(import with --all-taxonomies to keep them)",
        f"{path}: skipped 1 deactivated NPI(s) with no details",
    ]


def test_bulk_csv_all_taxonomies(fixtures: Path) -> None:
    records, _, warnings = run(
        nppes_csv, fixtures / "nppes" / "npidata_sample.csv", all_taxonomies=True
    )
    assert [r.fields["last_name"] for r in records if "last_name" in r.fields] == [
        "Okafor",
        "Brandt",
        "Dubois",
    ]
    assert len(records) == 4
    assert all("no behavioural-health" not in w for w in warnings)


def test_bulk_csv_by_column_name_in_any_order(tmp_path: Path) -> None:
    """A trimmed extract with reordered columns and the newer "Provider Sex Code"."""
    path = tmp_path / "extract.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "Healthcare Provider Taxonomy Code_1",
                "Provider Sex Code",
                "NPI",
                "Entity Type Code",
                "Provider First Name",
                "Provider Last Name (Legal Name)",
                "Healthcare Provider Primary Taxonomy Switch_1",
            ]
        )
        w.writerow(["106H00000X", "M", "1000000012", "1", "TOMAS", "ORTIZ", "Y"])
    records, errors, _ = run(nppes_csv, path)
    assert errors == []
    assert records[0].fields["name"] == "Tomas Ortiz"
    assert records[0].fields["gender"] == "Male"
    assert records[0].fields["license_type"] == "Marriage & Family Therapist"


def test_bulk_csv_refusals(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("NPI,Name\n1000000012,Jane\n")
    with pytest.raises(ImportRefused) as err:
        run(nppes_csv, wrong)
    assert err.value.reason == (
        "not an NPPES data file: no column 'entity type code', "
        "'healthcare provider taxonomy code_1'; nothing imported"
    )
    only_doctors = tmp_path / "doctors.csv"
    only_doctors.write_text(
        "NPI,Entity Type Code,Healthcare Provider Taxonomy Code_1\n1000000012,1,207Q00000X\n"
    )
    with pytest.raises(ImportRefused) as err:
        run(nppes_csv, only_doctors)
    assert err.value.reason == (
        "no behavioural-health providers among 1 NPPES rows; nothing imported "
        "(use --all-taxonomies to keep every provider)"
    )


def test_bulk_csv_streams(fixtures: Path) -> None:
    """parse() is lazy: the first record arrives before the file is read to the end."""
    gen = nppes_csv.parse(fixtures / "nppes" / "npidata_sample.csv", ParseContext())
    first = next(gen)
    assert isinstance(first, Record)
    assert first.fields["npi"] == "1000000012"
    gen.close()
