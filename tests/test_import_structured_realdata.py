"""NPPES, FHIR Plan-Net and vCard importers against real files written by others.

The files are read in place through the ``realdata`` fixture (skipped when absent).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from finder.errors import ImportRefused, NothingToImport
from finder.importers import detect, fhir, nppes_json, vcard
from finder.importers.base import ParseContext
from finder.records import taxonomy
from finder.records.models import Record, RowError

pytestmark = pytest.mark.realdata


def records_of(module, path: Path) -> list[Record]:
    items = list(module.parse(path, ParseContext()))
    assert all(isinstance(i, Record) for i in items), [str(i) for i in items]
    return items


def by_name(records: list[Record]) -> dict[str, Record]:
    return {r.fields["name"]: r for r in records}


# --- NPPES API responses ---------------------------------------------------------------------


def test_every_nppes_file_is_recognised(realdata: Path) -> None:
    for path in sorted((realdata / "nppes_api_json").glob("*.json")):
        assert detect(path).name == "nppes-json", path.name


def test_nppes_2026_two_hundred_individuals(realdata: Path) -> None:
    path = realdata / "nppes_api_json" / "provider_2026_nppes_200_individuals_pretty.json"
    records = records_of(nppes_json, path)
    # An API response is what the user looked up: every result is kept, therapists or not.
    assert len(records) == 200
    assert all(r.fields["is_organization"] is False for r in records)
    first = records[0]
    assert first.locator == "result 1"
    assert first.key == "1851713903"
    assert first.fields["name"] == "Josefina Danwing"
    assert first.fields["credentials"] == ["MSW"]
    assert first.fields["npi"] == "1851713903"
    assert (first.fields["city"], first.fields["state"], first.fields["zip"]) == (
        "Hesperia",
        "CA",
        "92345",
    )
    assert first.fields["phones"] == ["909-437-0675"]
    assert first.fields["taxonomies"] == ["225400000X"]
    assert first.extra["status"] == "active"
    assert first.extra["last_updated"] == "2014-01-16"
    davidson = records[10]
    assert davidson.fields["name"] == "Jo Davidson"
    assert davidson.fields["credentials"] == ["LCMHC"]
    assert davidson.fields["license_type"] == "LCMHC"
    assert davidson.fields["license_number"] == "1021"
    assert davidson.fields["license_state"] == "NH"
    assert davidson.fields["city"] == "Manchester"
    behavioural = [
        r for r in records if any(taxonomy.is_behavioral(c) for c in r.fields["taxonomies"])
    ]
    assert len(behavioural) == 70
    # A null licence in the primary taxonomy leaves the field empty, not "None".
    assert all(r.fields.get("license_number") != "None" for r in records)


def test_nppes_2019_organisations_with_integer_numbers(realdata: Path) -> None:
    records = records_of(
        nppes_json, realdata / "nppes_api_json" / "ropensci_npi_2019_api-1f9cef.json"
    )
    assert len(records) == 10
    first = records[0]
    assert first.fields["is_organization"] is True
    assert first.fields["name"] == "CSP ANESTHESIA LLC"
    assert first.fields["npi"] == "1568946812"
    assert first.fields["address"] == "403 PERMIAN WAY STE D"  # LOCATION, not the PO box
    assert (first.fields["city"], first.fields["zip"]) == ("Villa Rica", "30180")
    assert first.extra["mailing_address"] == "PO BOX 1186, Mableton, GA, 30126"


def test_nppes_2019_single_individual(realdata: Path) -> None:
    (jex,) = records_of(
        nppes_json, realdata / "nppes_api_json" / "ropensci_npi_2019_api-6d6b1d.json"
    )
    assert jex.fields["name"] == "Justin Cooper Jex"
    assert jex.fields["npi"] == "1437187390"
    assert jex.fields["city"] == "Nashville"
    assert jex.fields["phones"] == ["615-712-7366"]
    assert (jex.fields["license_number"], jex.fields["license_state"]) == ("828", "TN")
    assert jex.extra["credential_text"] == "D.P.M."
    assert jex.fields["title"] == "Podiatrist"


def test_nppes_errors_refused_and_zero_results_a_notice(realdata: Path) -> None:
    with pytest.raises(ImportRefused) as err:
        path = realdata / "nppes_api_json" / "ropensci_npi_2019_api-8d2d52.json"
        list(nppes_json.parse(path, ParseContext()))
    assert err.value.reason == "NPPES returned an error: No valid search criteria provided"
    with pytest.raises(NothingToImport) as none:
        path = realdata / "nppes_api_json" / "ropensci_npi_2019_api-a2f836.json"
        list(nppes_json.parse(path, ParseContext()))
    assert none.value.exit_code == 0
    assert none.value.reason == "the NPPES search found no one (result_count 0); nothing to import"


# --- taxonomy table against the NUCC code set --------------------------------------------------


def test_taxonomy_table_matches_nucc(realdata: Path) -> None:
    with open(realdata / "nucc_taxonomy" / "nucc_taxonomy_251.csv", encoding="utf-8") as fh:
        nucc = {row["Code"].strip(): row for row in csv.DictReader(fh)}
    table = taxonomy.table()
    assert len(table) >= 60
    for code, entry in table.items():
        assert code in nucc, code
        assert entry.classification == nucc[code]["Classification"].strip(), code
        assert entry.specialization == nucc[code]["Specialization"].strip(), code


# --- FHIR Plan-Net ---------------------------------------------------------------------------


def test_every_fhir_file_is_recognised(realdata: Path) -> None:
    paths = sorted((realdata / "fhir_plannet").glob("*.json"))
    assert len(paths) == 17
    for path in paths:
        assert detect(path).name == "fhir", path.name


def test_fhir_folder_joins_into_practitioners(realdata: Path) -> None:
    warnings: list[str] = []
    paths = sorted((realdata / "fhir_plannet").glob("*.json"))
    items = list(fhir.parse_many(paths, ParseContext(warn=warnings.append)))
    errors = [str(i) for i in items if isinstance(i, RowError)]
    assert errors == ["PractitionerRole/AnonRole: names no practitioner; skipped"]
    people = by_name([i for i in items if isinstance(i, Record)])
    assert sorted(people) == ["Hans Solo", "Joe Smith", "Susie Smith"]

    susie = people["Susie Smith"]
    assert susie.key == "Practitioner/Counselor"
    assert susie.fields["credentials"] == ["LPC"]
    assert susie.fields["license_type"] == "LPC"
    assert susie.fields["taxonomies"] == ["101YP2500X"]
    assert susie.fields["languages"] == ["Russian"]
    assert susie.fields["telehealth"] is True  # VirtualCounselService
    assert susie.fields["networks"] == ["AcmeofCTStdNet"]
    assert susie.fields["insurance"] == ["Acme of CT QHP Bronze", "Acme of CT QHP Gold"]

    hans = people["Hans Solo"]
    assert hans.fields["credentials"] == ["MD"]
    assert "license_type" not in hans.fields  # internal medicine, not psychiatry
    assert hans.fields["address"] == "123 Main Street"
    assert (hans.fields["city"], hans.fields["state"], hans.fields["zip"]) == (
        "Anytown",
        "CT",
        "00014",
    )
    assert hans.fields["phones"] == ["111-222-3333"]
    assert hans.fields["languages"] == ["Japanese"]
    assert hans.fields["accepting"] is False
    assert hans.extra["accepting_by_network"] == {"AcmeofCTStdNet": "existing patients only"}

    assert people["Joe Smith"].fields["npi"] == "9941339100"
    # The standard network is referenced everywhere but not among the files.
    assert (
        "plannetri_igexample_PractitionerRole-CounselorRole1.json: PractitionerRole/"
        "CounselorRole1 refers to Organization/AcmeofCTStdNet, which is not in the imported files"
    ) in warnings


def test_fhir_practitioner_file_alone(realdata: Path) -> None:
    path = realdata / "fhir_plannet" / "plannetri_igexample_Practitioner-Counselor.json"
    (susie,) = records_of(fhir, path)
    assert susie.fields["name"] == "Susie Smith"
    assert susie.fields["license_state"] == "IL"
    assert "networks" not in susie.fields


def test_fhir_location_file_alone_refused(realdata: Path) -> None:
    with pytest.raises(ImportRefused) as err:
        path = realdata / "fhir_plannet" / "plannetri_igexample_Location-HansSoloClinic.json"
        list(fhir.parse(path, ParseContext()))
    assert err.value.reason == "no practitioners found in these FHIR resources (it holds Location)"


# --- vCards ----------------------------------------------------------------------------------


def test_every_vcard_file_is_recognised(realdata: Path) -> None:
    for path in sorted((realdata / "vcard").glob("*.vcf")):
        assert detect(path).name == "vcard", path.name


def test_vcard_iphone(realdata: Path) -> None:
    (john,) = records_of(vcard, realdata / "vcard" / "ezvcard_John_Doe_IPHONE.vcf")
    assert john.fields["name"] == "John Richter James Doe Sr."
    assert (john.fields["first_name"], john.fields["last_name"]) == ("John", "Doe")
    assert john.fields["organization"] == "IBM"
    assert john.fields["title"] == "Money Counter"
    assert john.fields["email"] == "john.doe@ibm.com"
    assert john.fields["phones"] == [
        "905-555-1234",
        "905-666-1234",
        "905-777-1234",
        "905-222-1234",
    ]
    assert john.extra["fax"] == ["905-888-1234", "905-999-1234"]
    assert john.fields["website"] == "http://www.ibm.com"
    assert john.fields["address"] == "Street4, Building 6, Floor 8"  # the WORK address
    assert john.fields["city"] == "New York"
    assert "photo" not in john.extra
    assert not any("/9j/" in str(v) for v in john.extra.values())


def test_vcard_gmail_list(realdata: Path) -> None:
    cards = records_of(vcard, realdata / "vcard" / "ezvcard_gmail-list.vcf")
    assert [(c.locator, c.fields["name"], c.fields["email"]) for c in cards] == [
        ("card 1", "Arnold Smith", "asmithk@gmail.com"),
        ("card 2", "Chris Beatle", "chrisy55d@yahoo.com"),
        ("card 3", "Doug White", "dwhite@gmail.com"),
    ]


def test_vcard_rfc6350(realdata: Path) -> None:
    (simon,) = records_of(vcard, realdata / "vcard" / "ezvcard_rfc6350-example.vcf")
    assert simon.fields["name"] == "Simon Perreault"
    assert simon.fields["organization"] == "Viagenie"
    assert simon.fields["phones"] == ["418-656-9254 x102", "418-262-6501"]
    assert simon.fields["email"] == "simon.perreault@viagenie.ca"
    assert simon.fields["languages"] == ["French", "English"]
    assert simon.fields["address"] == "Suite D2-630, 2875 Laurier"
    assert simon.fields["city"] == "Quebec"
    assert simon.extra["region"] == "QC"
    assert simon.extra["country"] == "Canada"
    assert simon.fields["website"] == "http://nomis80.org"
