"""FHIR Plan-Net importer: Bundles, NDJSON, folders joined with parse_many, refusals."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from finder.errors import ImportRefused
from finder.importers import detect, fhir
from finder.importers.base import ParseContext
from finder.records.models import Record, RowError


def run_many(paths: list[Path]) -> tuple[list[Record], list[RowError], list[str]]:
    warnings: list[str] = []
    items = list(fhir.parse_many(paths, ParseContext(warn=warnings.append)))
    return (
        [i for i in items if isinstance(i, Record)],
        [i for i in items if isinstance(i, RowError)],
        warnings,
    )


def test_searchset_bundle_joins_roles_networks_plans(fixtures: Path) -> None:
    path = fixtures / "fhir" / "searchset_bundle.json"
    assert detect(path).name == "fhir"
    records, errors, warnings = run_many([path])
    assert errors == []
    dana, lee, practice = records
    assert dana.key == "Practitioner/p1"
    assert dana.locator == "Practitioner/p1"
    f = dana.fields
    assert f["name"] == "Dana Whitfield"
    assert f["credentials"] == ["LICSW"]
    assert f["npi"] == "1000000012"
    assert f["gender"] == "Female"
    assert f["license_type"] == "LICSW"
    assert f["license_state"] == "MA"
    assert f["languages"] == ["Spanish", "English"]
    assert f["taxonomies"] == ["1041C0700X", "104100000X"]
    assert f["title"] == "Clinical Social Worker"
    assert f["phones"] == ["617-555-0110", "617-555-0111"]
    assert f["email"] == "dana@harborview.example"
    assert f["website"] == "https://harborview.example"
    assert f["address"] == "88 Atlantic Ave, Suite 5"
    assert (f["city"], f["state"], f["zip"]) == ("Boston", "MA", "02110")
    assert (f["lat"], f["lon"]) == (42.3601, -71.0512)
    assert f["networks"] == ["Bay State Behavioral PPO", "Commonwealth HMO Network"]
    assert f["insurance"] == ["Bay State Silver", "Commonwealth Gold"]
    assert f["accepting"] is True  # newpt in one network is enough
    assert f["telehealth"] is True
    assert f["in_person"] is True
    assert dana.extra["accepting_by_network"] == {
        "Bay State Behavioral PPO": "accepting new patients",
        "Commonwealth HMO Network": "not accepting patients",
    }
    assert dana.extra["locations"] == [
        "88 Atlantic Ave, Suite 5, Boston, MA 02110-2201",
        "9 Elm St, Quincy, MA 02169",
    ]
    assert dana.extra["roles"][0] == {
        "role": "PractitionerRole/r1",
        "code": ["Counselor"],
        "organization": "Harborview Counseling",
        "networks": ["Bay State Behavioral PPO"],
    }
    # A practitioner with no role still yields a record.
    assert lee.fields["name"] == "Lee Park"
    assert lee.fields["credentials"] == ["PsyD"]
    assert lee.fields["phones"] == ["413-555-0123"]
    assert "roles" not in lee.extra
    # A practice with a behavioural-health service is kept as an organisation; networks are not.
    assert practice.fields["is_organization"] is True
    assert practice.fields["name"] == "Harborview Counseling"
    assert practice.fields["telehealth"] is True
    assert warnings == [
        "searchset_bundle.json: a search page; the next page was not saved",
        "searchset_bundle.json: PractitionerRole/r3 refers to Practitioner/gone, which is not "
        "in the imported files",
    ]


def test_ndjson(fixtures: Path) -> None:
    path = fixtures / "fhir" / "directory.ndjson"
    assert detect(path).name == "fhir"
    records, errors, warnings = run_many([path])
    assert errors == [] and warnings == []
    (marie,) = records
    assert marie.fields["name"] == "Marie Dubois"
    assert marie.fields["license_type"] == "Psychologist"
    assert marie.fields["phones"] == ["207-555-0177"]
    assert marie.fields["city"] == "South Portland"


def test_folder_joined_with_parse_many(fixtures: Path) -> None:
    paths = sorted((fixtures / "fhir" / "folder").glob("*.json"))
    records, errors, warnings = run_many(paths)
    assert [str(e) for e in errors] == [
        "Practitioner-broken.json: not valid JSON (Expecting value at line 1 column 59)"
    ]
    (ana,) = records
    assert ana.locator == "Practitioner-ana.json Practitioner/ana"
    assert ana.fields["name"] == "Ana Lima"
    assert ana.fields["credentials"] == ["LMFT"]
    assert ana.fields["license_type"] == "LMFT"
    assert ana.fields["languages"] == ["Portuguese"]
    assert ana.fields["city"] == "Northampton"
    # The network resource is missing: its display names it, and a warning says so.
    assert ana.fields["networks"] == ["Valley Care Network"]
    assert ana.fields["accepting"] is False
    assert ana.extra["accepting_by_network"] == {
        "Valley Care Network": "existing patients and their families"
    }
    assert warnings == [
        "PractitionerRole-ana1.json: PractitionerRole/ana1 refers to Organization/valley-net, "
        "which is not in the imported files"
    ]


def test_one_file_of_a_folder_alone_has_no_practitioner(fixtures: Path) -> None:
    path = fixtures / "fhir" / "folder" / "Location-valley-office.json"
    with pytest.raises(ImportRefused) as err:
        list(fhir.parse(path, ParseContext()))
    assert err.value.reason == "no practitioners found in these FHIR resources (it holds Location)"


def test_operation_outcome_refused(fixtures: Path) -> None:
    path = fixtures / "fhir" / "operation_outcome.json"
    assert detect(path).name == "fhir"
    with pytest.raises(ImportRefused) as err:
        list(fhir.parse(path, ParseContext()))
    assert err.value.reason == (
        "the FHIR server returned an error: Unknown search parameter 'specialtyy'"
    )


def test_broken_single_file_refused(fixtures: Path) -> None:
    with pytest.raises(ImportRefused) as err:
        list(fhir.parse(fixtures / "fhir" / "folder" / "Practitioner-broken.json", ParseContext()))
    assert err.value.reason == "not valid JSON (Expecting value at line 1 column 59)"


def test_sniff_scores(tmp_path: Path, fixtures: Path) -> None:
    plain = tmp_path / "plain.json"
    plain.write_text('{"results": [{"name": "x"}]}')
    assert fhir.sniff(plain, plain.read_bytes()) == 0.0
    bundle = fixtures / "fhir" / "searchset_bundle.json"
    assert fhir.sniff(bundle, bundle.read_bytes()) == 0.95
    vcf = tmp_path / "c.vcf"
    vcf.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:A B\nEND:VCARD\n")
    assert fhir.sniff(vcf, vcf.read_bytes()) == 0.0


# --- garbage never crashes any of the structured importers -----------------------------------

_SEEDS = [
    b'{"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "PractitionerRole"',
    b'{"resourceType": "Practitioner", "id": 5, "name": "x", "telecom": [1, {"value": {}}]}',
    b'{"result_count": 1, "results": [{"number": [], "basic": 3, "taxonomies": [null]}]}',
    b'{"Errors": 7}',
    b'NPI,Entity Type Code,Healthcare Provider Taxonomy Code_1\n1,1,\n"2',
    b"BEGIN:VCARD\nN:;;;\nTEL;VALUE=uri:tel:\nADR:;;\nGEO:x\nEND:VCARD",
]


@given(seed=st.sampled_from(_SEEDS), noise=st.binary(max_size=200), cut=st.integers(0, 120))
@settings(max_examples=150, deadline=None)
def test_structured_importers_never_crash(seed: bytes, noise: bytes, cut: int) -> None:
    from finder.importers import nppes_csv, nppes_json, vcard

    data = seed[: len(seed) - cut] + noise if cut < len(seed) else seed + noise
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "input"
        path.write_bytes(data)
        for module in (fhir, nppes_json, nppes_csv, vcard):
            try:
                items = list(module.parse(path, ParseContext()))
            except ImportRefused as err:
                assert str(path) in str(err) and err.reason
            else:
                assert all(isinstance(i, Record | RowError) for i in items)


def test_same_practitioner_on_two_pages_is_one_record(tmp_path: Path) -> None:
    page = (
        '{"resourceType": "Bundle", "type": "searchset", "entry": [{"fullUrl": '
        '"https://x.example/fhir/Practitioner/7", "resource": {"resourceType": "Practitioner", '
        '"id": "7", "name": [{"text": "Rae Ito, LCSW"}]}}]}'
    )
    (tmp_path / "page1.json").write_text(page)
    (tmp_path / "page2.json").write_text(page.replace("Rae Ito", "Rae Ito-Lund"))
    records, errors, _ = run_many(sorted(tmp_path.glob("*.json")))
    assert errors == []
    assert [(r.key, r.fields["name"]) for r in records] == [("Practitioner/7", "Rae Ito-Lund")]


# --- shapes seen in real payer directories (files written here, mimicking them) -----------


def test_contained_practitioner_and_location_are_joined(tmp_path: Path) -> None:
    path = tmp_path / "role.json"
    path.write_text(
        '{"resourceType": "PractitionerRole", "id": "pr1", "contained": ['
        '{"resourceType": "Practitioner", "id": "p", "name": [{"family": "Quist", '
        '"given": ["Nora"], "suffix": ["LMHC"]}]},'
        '{"resourceType": "Location", "id": "loc", "address": {"line": ["5 Pine St"], '
        '"city": "Salem", "state": "MA", "postalCode": "01970"}}],'
        '"practitioner": {"reference": "#p"}, "location": [{"reference": "#loc"}],'
        '"specialty": [{"coding": [{"system": "http://nucc.org/provider-taxonomy", '
        '"code": "101YM0800X"}]}], "telecom": [{"system": "phone", "value": "978-555-0100"}]}'
    )
    records, errors, warnings = run_many([path])
    assert errors == [] and warnings == []
    (nora,) = records
    assert nora.key == "PractitionerRole/pr1#p"
    assert nora.fields["name"] == "Nora Quist"
    assert nora.fields["license_type"] == "LMHC"
    assert nora.fields["phones"] == ["978-555-0100"]
    assert (nora.fields["address"], nora.fields["city"]) == ("5 Pine St", "Salem")


def test_older_plan_net_names_capitals_own_address_and_licence(tmp_path: Path) -> None:
    """STU1 extension URLs, "FAMILY, GIVEN" in capitals, the licence in qualification."""
    base = "http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/"
    prac = (
        '{"resourceType": "Practitioner", "id": "d1", "name": [{"text": "DYKE, MARA L", '
        '"family": "DYKE", "given": ["MARA", "L"]}], "address": [{"use": "work", '
        '"line": ["610 OAK ST"], "city": "OREGON CITY", "state": "OR", "postalCode": '
        '"97045-2329"}], "qualification": [{"extension": [{"url": '
        '"http://hl7.org/fhir/uv/vhdir/StructureDefinition/practitioner-qualification", '
        '"extension": [{"url": "whereValid", "valueCodeableConcept": {"coding": '
        '[{"code": "OR"}]}}]}], "identifier": [{"value": "PSY-1234"}], "code": {"coding": '
        '[{"system": "http://nucc.org/provider-taxonomy", "code": "103T00000X"}]}}]}'
    )
    role = (
        '{"resourceType": "PractitionerRole", "id": "r1", "practitioner": {"reference": '
        '"Practitioner/d1"}, "extension": [{"url": "' + base + "plannet-Network-reference-"
        'extension", "valueReference": {"reference": "Organization/n1", "display": '
        '"Cascade PPO"}}, {"url": "' + base + 'plannet-NewPatients-extension", "extension": '
        '[{"url": "acceptingPatients", "valueCodeableConcept": {"coding": [{"code": '
        '"newpt"}]}}]}], "specialty": [{"coding": [{"system": '
        '"http://nucc.org/provider-taxonomy", "code": "103T00000X", "display": '
        '"Psychologist"}]}], "availableTime": [{"daysOfWeek": ["mon", "tue"], '
        '"availableStartTime": "09:00:00", "availableEndTime": "12:00:00"}]}'
    )
    path = tmp_path / "directory.ndjson"
    path.write_text(prac + "\n" + role + "\n")
    records, errors, warnings = run_many([path])
    assert errors == []
    assert warnings == [
        "directory.ndjson: PractitionerRole/r1 refers to Organization/n1, which is not in "
        "the imported files"
    ]
    (mara,) = records
    f = mara.fields
    assert f["name"] == "Mara L Dyke"
    assert (f["first_name"], f["last_name"]) == ("Mara", "Dyke")
    assert f["license_type"] == "Psychologist"
    assert (f["license_number"], f["license_state"]) == ("PSY-1234", "OR")
    assert f["title"] == "Psychologist"
    assert (f["address"], f["city"], f["state"], f["zip"]) == (
        "610 OAK ST",
        "Oregon City",
        "OR",
        "97045",
    )
    assert f["networks"] == ["Cascade PPO"]
    assert f["accepting"] is True
    assert mara.extra["roles"][0]["hours"] == ["mon, tue 09:00-12:00"]


def test_entries_without_ids_keep_their_own_identity(tmp_path: Path) -> None:
    path = tmp_path / "transaction.json"
    path.write_text(
        '{"resourceType": "Bundle", "type": "transaction", "entry": ['
        '{"fullUrl": "urn:uuid:1", "resource": {"resourceType": "Practitioner", '
        '"name": [{"family": "Vance", "given": ["Iris"]}]}},'
        '{"fullUrl": "urn:uuid:2", "resource": {"resourceType": "Location", '
        '"address": {"city": "Lowell", "state": "MA"}}},'
        '{"resource": {"resourceType": "PractitionerRole", "practitioner": '
        '{"reference": "urn:uuid:1"}, "location": [{"reference": "urn:uuid:2"}]}},'
        '{"resource": {"resourceType": "Practitioner", "name": [{"family": "Lind"}]}},'
        '{"resource": {"resourceType": "Practitioner", "name": [{"family": "Moss"}]}}]}'
    )
    records, errors, warnings = run_many([path])
    assert errors == [] and warnings == []
    assert [r.fields["name"] for r in records] == ["Iris Vance", "Lind", "Moss"]
    assert records[0].fields["city"] == "Lowell"
    keys = [r.key for r in records]
    assert keys[0] == "urn:uuid:1"
    assert len(set(keys)) == 3
    assert records[1].locator == "Practitioner (no id)"


def test_roles_without_their_practitioners_warn_briefly_and_say_why(tmp_path: Path) -> None:
    path = tmp_path / "PractitionerRole.ndjson"
    path.write_text(
        "".join(
            f'{{"resourceType": "PractitionerRole", "id": "r{i}", '
            f'"practitioner": {{"reference": "Practitioner/p{i}"}}}}\n'
            for i in range(30)
        )
    )
    warnings: list[str] = []
    with pytest.raises(ImportRefused) as err:
        list(fhir.parse(path, ParseContext(warn=warnings.append)))
    assert len(warnings) == 21
    assert warnings[-1] == (
        "PractitionerRole.ndjson: 10 more reference(s) to resources that are not in the "
        "imported files"
    )
    assert err.value.reason == (
        "no practitioners found in these FHIR resources (it holds PractitionerRole); the "
        "practitioners its roles name are not among the files: import them together, or "
        "save the search with _include=PractitionerRole:practitioner"
    )


def test_roles_contained_in_a_practitioner_and_a_bundle_without_resource_type(
    tmp_path: Path,
) -> None:
    """A $graph-style export: the role sits inside the practitioner, "Practitioner/#id"."""
    path = tmp_path / "graph.json"
    path.write_text(
        '{"entry": [{"resource": {"resourceType": "Practitioner", "id": "77", '
        '"name": [{"family": "Adair", "given": ["June"]}], "contained": [{"resourceType": '
        '"PractitionerRole", "id": "r", "practitioner": {"reference": "Practitioner/#77"}, '
        '"extension": [{"url": "http://hl7.org/fhir/us/davinci-pdex-plan-net/'
        'StructureDefinition/newpatients", "extension": [{"url": "acceptingPatients", '
        '"valueCodeableConcept": {"coding": [{"code": "newpt"}]}}]}], "telecom": '
        '[{"system": "phone", "value": "410-555-0199"}]}]}}]}'
    )
    records, errors, warnings = run_many([path])
    assert errors == [] and warnings == []
    (june,) = records
    assert june.key == "Practitioner/77"
    assert june.fields["name"] == "June Adair"
    assert june.fields["phones"] == ["410-555-0199"]
    assert june.fields["accepting"] is True
