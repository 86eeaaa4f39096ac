"""One reader per fact: the same raw text gives one answer through every path that reads it.

Each test writes the text where each format carries it (a CSV, TSV, JSON or XLSX cell, a
vCard property, a FHIR resource, an NPPES API answer or bulk row, a saved profile or results
page), reads
it with that format's importer and expects the one answer its fact's reader gives. The
readers themselves are tested in test_normalize.py and test_truth.py; here the point is
that no path reads a fact its own way.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from printed_fixtures import PEOPLE, _Directory, _entry, _Flow

from finder.cli import cli
from finder.importers import (
    delimited,
    fhir,
    goodtherapy,
    jsonlist,
    nppes_csv,
    nppes_json,
    pdf,
    psychology_today,
    schema_org,
    vcard,
    xlsx,
)
from finder.importers.base import ParseContext
from finder.records.models import Record
from finder.records.normalize.plans import matching_plan

Fields = dict[str, Any]


def _read(module: Any, path: Path) -> list[Fields]:
    items = list(module.parse(path, ParseContext()))
    records = [item for item in items if isinstance(item, Record)]
    assert records, f"{module.NAME} read nothing from {path.name}: {items}"
    return [r.fields for r in records]


def _only(module: Any, path: Path) -> Fields:
    (fields,) = _read(module, path)
    return fields


# --- writers: one small file per format, the raw text where that format carries it -------


def tabular(tmp: Path, row: dict[str, str]) -> dict[str, Fields]:
    """The same row as CSV, TSV, JSON and XLSX."""
    row = {**row, "Notes": "adults"}  # two columns at least, as every real list has
    out: dict[str, Fields] = {}
    for name, delimiter in (("rows.csv", ","), ("rows.tsv", "\t")):
        path = tmp / name
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, delimiter=delimiter)
            writer.writerow(row)
            writer.writerow(row.values())
        out[name] = _only(delimited, path)
    path = tmp / "rows.json"
    path.write_text(json.dumps([row]), encoding="utf-8")
    out["rows.json"] = _only(jsonlist, path)
    path = tmp / "rows.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(row))
    sheet.append(list(row.values()))
    book.save(path)
    out["rows.xlsx"] = _only(xlsx, path)
    return out


def card(tmp: Path, *lines: str) -> Fields:
    path = tmp / "card.vcf"
    body = "\r\n".join(["BEGIN:VCARD", "VERSION:3.0", *lines, "END:VCARD", ""])
    path.write_text(body, encoding="utf-8")
    return _only(vcard, path)


def fhir_practitioner(tmp: Path, **resource: Any) -> Fields:
    path = tmp / "practitioner.json"
    path.write_text(
        json.dumps({"resourceType": "Practitioner", "id": "p1", **resource}), encoding="utf-8"
    )
    return _only(fhir, path)


def fhir_bundle(tmp: Path, *resources: dict[str, Any]) -> list[Fields]:
    path = tmp / "bundle.json"
    entries = [{"resource": r} for r in resources]
    bundle = {"resourceType": "Bundle", "type": "searchset", "entry": entries}
    path.write_text(json.dumps(bundle), encoding="utf-8")
    return _read(fhir, path)


def nppes_answer(tmp: Path, result: dict[str, Any]) -> Fields:
    path = tmp / "nppes.json"
    social_worker = {"code": "1041C0700X", "primary": True, "state": "", "license": ""}
    base = {"enumeration_type": "NPI-1", "number": "1234567893", "taxonomies": [social_worker],
            "addresses": [], "identifiers": [], "other_names": []}  # fmt: skip
    path.write_text(
        json.dumps({"result_count": 1, "results": [{**base, **result}]}), encoding="utf-8"
    )
    return _only(nppes_json, path)


NPPES_COLUMNS = (
    "NPI", "Entity Type Code", "Provider Organization Name (Legal Business Name)",
    "Provider Last Name (Legal Name)", "Provider First Name", "Provider Name Prefix Text",
    "Provider Name Suffix Text", "Provider Credential Text",
    "Provider First Line Business Practice Location Address",
    "Provider Business Practice Location Address City Name",
    "Provider Business Practice Location Address State Name",
    "Provider Business Practice Location Address Postal Code",
    "Provider Business Practice Location Address Telephone Number",
    "Healthcare Provider Taxonomy Code_1", "Provider License Number_1",
    "Provider License Number State Code_1", "Healthcare Provider Primary Taxonomy Switch_1",
)  # fmt: skip


def nppes_row(tmp: Path, **cells: str) -> Fields:
    path = tmp / "npidata_pfile.csv"
    row = {"NPI": "1234567893", "Entity Type Code": "1",
           "Healthcare Provider Taxonomy Code_1": "1041C0700X",
           "Healthcare Provider Primary Taxonomy Switch_1": "Y", **cells}  # fmt: skip
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
        writer.writerow(NPPES_COLUMNS)
        writer.writerow([row.get(c, "") for c in NPPES_COLUMNS])
    return _only(nppes_csv, path)


_BULK_PLACE = {
    "address_1": "Provider First Line Business Practice Location Address",
    "city": "Provider Business Practice Location Address City Name",
    "state": "Provider Business Practice Location Address State Name",
    "postal_code": "Provider Business Practice Location Address Postal Code",
    "telephone_number": "Provider Business Practice Location Address Telephone Number",
}


def nppes_at(tmp: Path, **location: str) -> tuple[Fields, Fields]:
    """Ann Bell at one practice location: the NPPES API's answer and the bulk file's row."""
    place = {"address_1": "1 MAIN ST", "city": "WHEELING", "state": "WV",
             "postal_code": "26003", **location}  # fmt: skip
    api = nppes_answer(tmp, {"basic": {"first_name": "ANN", "last_name": "BELL"},
                             "addresses": [{"address_purpose": "LOCATION", **place}]})  # fmt: skip
    cells = {_BULK_PLACE[k]: v for k, v in place.items()}
    bulk = nppes_row(tmp, **{"Provider Last Name (Legal Name)": "BELL",
                             "Provider First Name": "ANN", **cells})  # fmt: skip
    return api, bulk


def schema_page(tmp: Path, thing: dict[str, Any]) -> list[Fields]:
    path = tmp / "page.html"
    data = json.dumps({"@context": "https://schema.org", **thing})
    path.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f'<script type="application/ld+json">{data}</script></head><body><h1>Profile</h1></body></html>',
        encoding="utf-8",
    )
    return _read(schema_org, path)


def pt_page(tmp: Path, *, name: str = "John Smith", title: str = "Clinical Social Worker, LCSW",
            phone: str = "(617) 555-0100", region: str = "Massachusetts",
            licence: str = "", fee: str = "", plans: tuple[str, ...] = (),
            url: str = "https://www.psychologytoday.com/us/therapists/john-smith-boston-ma/123456",
            ) -> Fields:  # fmt: skip
    """A saved Psychology Today profile page (the 2017 layout our fixtures know)."""
    path = tmp / "profile.html"
    items = "".join(f"<li>{p}</li>" for p in plans)
    path.write_text(
        f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>{name}, Boston, MA 02110 | Psychology Today</title>
<link rel="canonical" href="{url}"></head><body>
<div id="profileContainer" itemscope itemtype="http://schema.org/Person">
<h1 itemprop="name">{name}</h1>
<div class="profile-title"><h2>{title}</h2></div>
<span itemprop="telephone">{phone}</span>
<div itemprop="address" itemscope itemtype="http://schema.org/PostalAddress">
<span itemprop="streetAddress">1 Main St</span><span itemprop="addressLocality">Boston</span>,
<span itemprop="addressRegion">{region}</span> <span itemprop="postalcode">02110</span></div>
<div class="profile-statement"><div class="statementPara">I see adults.</div></div>
<div class="profile-qualifications"><h2>Qualifications</h2>
<ul><li><strong>License No. and State:</strong> {licence}</li></ul></div>
<div class="profile-finances"><h2>Finances</h2>
<ul><li><strong>Avg Cost (per session):</strong> {fee}</li></ul>
<br><strong>Accepted Insurance Plans</strong><div><ul>{items}</ul></div></div>
</div></body></html>""",
        encoding="utf-8",
    )
    return _only(psychology_today, path)


def pt_results(tmp: Path, *, name: str = "John Smith", subtitle: str = "Clinical Social Work/Therapist, LCSW",
               phone: str = "(617) 555-0100", place: str = "Boston, MA 02110",
               url: str = "https://www.psychologytoday.com/us/therapists/john-smith-boston-ma/123456",
               ) -> Fields:  # fmt: skip
    """A saved Psychology Today results page (the 2025 layout of ``pt_results_2025_style``):
    the clinician's row first, then one more; the first row's record."""

    def row(name: str, subtitle: str, phone: str, place: str, url: str) -> str:
        spans = " ".join(f"<span>{part}</span>" for part in name.split())
        return f"""<div class="results-row">
<a href="{url}" class="results-row-image"><img alt="Photo of {name}, {subtitle}"></a>
<div class="results-row-info"><a href="{url}" class="profile-title"><!--[-->{spans}<!--]--></a>
 <div class="profile-subtitle"><div class="profile-subtitle-credentials">{subtitle}</div></div>
 <div class="profile-location"><span class="address">{place}</span></div>
 <div class="profile-statement"><span>I see adults.</span></div></div>
<div class="results-row-contact"><span class="results-row-phone">{phone}</span>
 <a href="{url}" class="results-row-cta-view">View</a></div></div>"""

    other = "https://www.psychologytoday.com/us/therapists/bo-chen-boston-ma/900003"
    path = tmp / "results.html"
    path.write_text(
        f"""<!DOCTYPE html><html lang="en-us"><head><meta charset="utf-8">
<title>Find Therapists and Psychologists in Boston, MA - Psychology Today</title>
<link rel="canonical" href="https://www.psychologytoday.com/us/therapists/ma/boston"></head>
<body><div id="__nuxt"><div class="results">
{row(name, subtitle, phone, place, url)}
{row("Bo Chen", "Psychologist, PsyD", "(617) 555-0199", "Boston, MA 02115", other)}
</div></div></body></html>""",
        encoding="utf-8",
    )
    return _read(psychology_today, path)[0]


def gt_page(tmp: Path, *, name: str = "John Smith", creds: str = "LCSW",
            phone: str = "617-555-0100", region: str = "Massachusetts",
            licence: str = "Licensed Clinical Social Worker", fee: str = "$100") -> Fields:  # fmt: skip
    """A saved GoodTherapy profile page."""
    path = tmp / "goodtherapy.html"
    path.write_text(
        f"""<!DOCTYPE html>
<!-- saved from url=(0070)https://www.goodtherapy.org/therapists/profile/john-smith-20150101 -->
<html><head><meta charset="UTF-8"><title>{name} - GoodTherapy</title></head><body>
<div itemscope itemtype="https://schema.org/LocalBusiness">
<h1><span itemprop="name">{name}</span></h1><h2 class="profileCred">{creds}</h2>
<div><strong>Primary Credential:</strong> <span>{licence}</span></div>
<div class="profileInsurances"><strong>Fees:</strong> <span>Individual Sessions Fee: {fee}</span></div>
<span itemprop="telephone"><span>{phone}</span></span>
<div itemprop="address" itemscope itemtype="https://schema.org/PostalAddress">
<span itemprop="streetAddress">1 Main St</span><br><span><span itemprop="addressLocality">Boston</span>,
<span itemprop="addressRegion">{region}</span> <span itemprop="postalCode">02110</span></span></div>
<div class="text"><h2>My Approach to Helping</h2><p>I see adults.</p></div>
</div></body></html>""",
        encoding="utf-8",
    )
    return _only(goodtherapy, path)


def printed(tmp: Path, city_line: str = "Boston, MA 02110", phone: str = "(617) 555-0100",
            name: str | None = None) -> Fields:  # fmt: skip
    """A printed directory (PDF): behavioural-health entries at one office; the first
    entry's name is ``name`` when given."""
    path = tmp / "directory.pdf"
    doc = _Directory("Behavioral Health Providers / Proveedores De Salud Mental")
    flow = _Flow(doc)
    flow.line("Licensed Clinical Social", bold=True, centre=True)
    flow.line("Worker / Trabajador Social", bold=True, centre=True)
    flow.gap()
    people = [dict(PEOPLE[0], name=name), *PEOPLE[1:]] if name else PEOPLE
    for person in people:
        _entry(flow, person, ("1 Main St", city_line, phone))
    doc.output(str(path))
    return _read(pdf, path)[0]


def _agree(answers: dict[str, Any], expected: Any) -> None:
    """Every path's answer, named, against the one expected: a disagreement names its path."""
    assert answers == dict.fromkeys(answers, expected)


def _pick(*names: str) -> Callable[[Fields], tuple[Any, ...]]:
    return lambda fields: tuple(fields.get(n) for n in names)


# --- licence: number and state ----------------------------------------------------------


@pytest.mark.parametrize(
    ("stated", "state"), [("12345 West Virginia", "WV"), ("12345 Virginia", "VA"),
                          ("12345 (WV)", "WV")],
)  # fmt: skip
def test_licence_number_and_state_read_the_same_everywhere(
    tmp_path: Path, stated: str, state: str
) -> None:
    licence = _pick("license_number", "license_state", "license_type")
    answers = {
        name: licence(fields)
        for name, fields in tabular(tmp_path, {"Name": "Ann Bell, LPC", "License": stated}).items()
    }
    page = pt_page(tmp_path, name="Ann Bell, LPC", title="Counselor", licence=stated)
    answers["goodtherapy page"] = licence(
        gt_page(tmp_path, name="Ann Bell", creds="LPC", licence=stated)
    )
    answers["psychology today page"] = licence(page)
    qualification = {
        "identifier": [{"value": "12345"}],
        "extension": [{"url": "http://hl7.org/fhir/uv/vhdir/StructureDefinition/practitioner-qualification",
                       "extension": [{"url": "whereValid",
                                      "valueCodeableConcept": {"coding": [{"code": state}]}}]}],
    }  # fmt: skip
    answers["fhir"] = licence(
        fhir_practitioner(tmp_path, name=[{"text": "Ann Bell, LPC"}], qualification=[qualification])
    )
    answers["nppes api"] = licence(
        nppes_answer(tmp_path, {
            "basic": {"first_name": "ANN", "last_name": "BELL", "credential": "LPC"},
            "taxonomies": [{"code": "101YP2500X", "license": "12345", "state": state,
                            "primary": True}],
        })
    )  # fmt: skip
    answers["nppes bulk"] = licence(
        nppes_row(tmp_path, **{
            "Provider Last Name (Legal Name)": "BELL", "Provider First Name": "ANN",
            "Provider Credential Text": "LPC",
            "Healthcare Provider Taxonomy Code_1": "101YP2500X",
            "Provider License Number_1": "12345", "Provider License Number State Code_1": state,
            "Healthcare Provider Primary Taxonomy Switch_1": "Y",
        })
    )  # fmt: skip
    _agree(answers, ("12345", state, "LPC"))


# --- person names and credentials ----------------------------------------------------------

NAME = _pick("name", "first_name", "last_name", "credentials", "license_type")


def test_person_name_suffix_and_credential_read_the_same_everywhere(tmp_path: Path) -> None:
    stated = "John Smith Jr., LCSW"
    answers = {name: NAME(fields) for name, fields in tabular(tmp_path, {"Name": stated}).items()}
    answers["vcard"] = NAME(card(tmp_path, f"FN:{stated.replace(',', chr(92) + ',')}",
                                 "N:Smith;John;;;Jr.\\, LCSW"))  # fmt: skip
    answers["fhir name text"] = NAME(fhir_practitioner(tmp_path, name=[{"text": stated}]))
    answers["fhir name parts"] = NAME(
        fhir_practitioner(
            tmp_path, name=[{"family": "Smith", "given": ["John"], "suffix": ["Jr.", "LCSW"]}]
        )
    )
    answers["nppes api"] = NAME(
        nppes_answer(tmp_path, {"basic": {"first_name": "JOHN", "last_name": "SMITH",
                                          "name_suffix": "Jr.", "credential": "LCSW"}})
    )  # fmt: skip
    answers["nppes bulk"] = NAME(
        nppes_row(tmp_path, **{
            "Provider Last Name (Legal Name)": "SMITH", "Provider First Name": "JOHN",
            "Provider Name Suffix Text": "JR.", "Provider Credential Text": "LCSW",
        })
    )  # fmt: skip
    (person,) = schema_page(tmp_path, {"@type": "Person", "name": stated})
    answers["schema.org page"] = NAME(person)
    answers["psychology today page"] = NAME(pt_page(tmp_path, name=stated))
    answers["psychology today results"] = NAME(pt_results(tmp_path, name="John Smith Jr."))
    answers["goodtherapy page"] = NAME(
        gt_page(tmp_path, name="John Smith Jr.", creds="LCSW", licence="")
    )
    answers["printed directory"] = NAME(printed(tmp_path, name=f"{stated}, (M)"))
    answers["printed directory, family first"] = NAME(
        printed(tmp_path, name="Smith, John, Jr., LCSW, (M)")
    )
    _agree(answers, ("John Smith Jr.", "John", "Smith", ["LCSW"], "LCSW"))


@pytest.mark.parametrize("stated", ["LMHC", "LMHC, PhD", "L.M.H.C."])
def test_credentials_given_apart_read_the_same_everywhere(tmp_path: Path, stated: str) -> None:
    creds = _pick("credentials", "license_type")
    rows = tabular(tmp_path, {"Name": "Ann Bell", "Credentials": stated})
    answers = {name: creds(fields) for name, fields in rows.items()}
    answers["nppes api"] = creds(
        nppes_answer(tmp_path, {"basic": {"first_name": "ANN", "last_name": "BELL",
                                          "credential": stated},
                                "taxonomies": [{"code": "101YM0800X", "primary": True}]})
    )  # fmt: skip
    answers["nppes bulk"] = creds(
        nppes_row(tmp_path, **{"Provider Last Name (Legal Name)": "BELL",
                               "Provider First Name": "ANN", "Provider Credential Text": stated,
                               "Healthcare Provider Taxonomy Code_1": "101YM0800X"})
    )  # fmt: skip
    answers["goodtherapy page"] = creds(
        gt_page(tmp_path, name="Ann Bell", creds=stated, licence="")
    )
    answers["psychology today results"] = creds(
        pt_results(tmp_path, name="Ann Bell", subtitle=f"Counselor, {stated}")
    )
    escaped = stated.replace(",", "\\,")
    answers["vcard"] = creds(card(tmp_path, f"FN:Ann Bell\\, {escaped}"))
    answers["fhir"] = creds(fhir_practitioner(tmp_path, name=[{"text": f"Ann Bell, {stated}"}]))
    expected = (["LMHC", "PhD"] if "PhD" in stated else ["LMHC"], "LMHC")
    _agree(answers, expected)


# --- organisation names --------------------------------------------------------------------


def test_organisation_name_reads_the_same_everywhere(tmp_path: Path) -> None:
    stated = "Age Wise, LLC"
    org = _pick("name", "is_organization", "last_name")
    answers = {name: org(fields) for name, fields in tabular(tmp_path, {"Name": stated}).items()}
    escaped = stated.replace(",", "\\,")
    answers["vcard"] = org(card(tmp_path, f"FN:{escaped}", f"ORG:{escaped}", "X-ABSHOWAS:COMPANY"))
    service = {
        "resourceType": "HealthcareService",
        "id": "s1",
        "providedBy": {"reference": "Organization/o1"},
        "category": [{"coding": [{"code": "behav"}]}],
    }
    (answers["fhir"],) = map(org, fhir_bundle(
        tmp_path, {"resourceType": "Organization", "id": "o1", "name": stated}, service
    ))  # fmt: skip
    answers["nppes api"] = org(
        nppes_answer(tmp_path, {"enumeration_type": "NPI-2",
                                "basic": {"organization_name": stated}})
    )  # fmt: skip
    answers["nppes bulk"] = org(
        nppes_row(tmp_path, **{"Entity Type Code": "2",
                               "Provider Organization Name (Legal Business Name)": stated})
    )  # fmt: skip
    (clinic,) = schema_page(tmp_path, {"@type": "MedicalClinic", "name": stated})
    answers["schema.org page"] = org(clinic)
    answers["printed directory"] = org(printed(tmp_path, name=stated))
    _agree(answers, (stated, True, None))


# --- states ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stated", "code"),
    [("West Virginia", "WV"), ("WV", "WV"), ("west virginia", "WV"), ("Virginia", "VA")],
)
def test_state_reads_the_same_everywhere(tmp_path: Path, stated: str, code: str) -> None:
    place = _pick("state")
    rows = tabular(tmp_path, {"Name": "Ann Bell", "State": stated})
    answers = {name: place(fields) for name, fields in rows.items()}
    answers["vcard"] = place(
        card(tmp_path, "FN:Ann Bell", f"ADR;TYPE=WORK:;;1 Main St;Wheeling;{stated};26003;")
    )
    answers["fhir"] = place(fhir_practitioner(
        tmp_path, name=[{"text": "Ann Bell"}],
        address=[{"line": ["1 Main St"], "city": "Wheeling", "state": stated, "postalCode": "26003"}],
    ))  # fmt: skip
    answers["nppes api"], answers["nppes bulk"] = map(place, nppes_at(tmp_path, state=stated))
    (person,) = schema_page(
        tmp_path,
        {
            "@type": "Person",
            "name": "Ann Bell",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": "Wheeling",
                "addressRegion": stated,
            },
        },
    )
    answers["schema.org page"] = place(person)
    answers["psychology today page"] = place(pt_page(tmp_path, region=stated))
    answers["goodtherapy page"] = place(gt_page(tmp_path, region=stated))
    answers["psychology today results"] = place(
        pt_results(tmp_path, place=f"Wheeling, {stated} 26003")
    )
    _agree(answers, (code,))


@pytest.mark.parametrize(
    ("stated", "place"),
    [("Wheeling, WV 26003", ("Wheeling", "WV", "26003")),
     ("Wheeling, West Virginia 26003", ("Wheeling", "WV", "26003")),
     ("Richmond, Virginia 23219", ("Richmond", "VA", "23219")),
     ("Boston, Massachusetts 02139", ("Boston", "MA", "02139")),
     ("Springfield, Illinois", ("Springfield", "IL", None)),
     ("Springfield, Illinois 62701", ("Springfield", "IL", "62701"))],
)  # fmt: skip
def test_a_city_line_reads_the_same_everywhere(
    tmp_path: Path, stated: str, place: tuple[str, ...]
) -> None:
    """ "City, State ZIP" in a cell, at the end of an address or on a printed line: one reader
    (normalize.place_line)."""
    where = _pick("city", "state", "zip")
    rows = tabular(tmp_path, {"Name": "Ann Bell", "Location": stated})
    answers = {name: where(fields) for name, fields in rows.items()}
    street = tabular(tmp_path, {"Name": "Ann Bell", "Address": f"1 Main St, {stated}"})
    answers |= {f"{name} address": where(fields) for name, fields in street.items()}
    alone = tabular(tmp_path, {"Name": "Ann Bell", "Address": stated})
    answers |= {f"{name} address alone": where(fields) for name, fields in alone.items()}
    answers["printed directory"] = where(printed(tmp_path, stated))
    answers["psychology today results"] = where(pt_results(tmp_path, place=stated))
    answers["printed directory, one line"] = where(printed(tmp_path, f"1 Main St, {stated}"))
    _agree(answers, place)


# --- phones ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stated", "shown"),
    [("(617) 555-0100 ext. 2", "617-555-0100 x2"), ("+1 617.555.0100", "617-555-0100"),
     ("617-555-0100 x 2", "617-555-0100 x2")],
)  # fmt: skip
def test_phone_reads_the_same_everywhere(tmp_path: Path, stated: str, shown: str) -> None:
    tel = _pick("phones")
    rows = tabular(tmp_path, {"Name": "Ann Bell", "Phone": stated})
    answers = {name: tel(fields) for name, fields in rows.items()}
    answers["vcard"] = tel(card(tmp_path, "FN:Ann Bell", f"TEL;TYPE=WORK,VOICE:{stated}"))
    answers["fhir"] = tel(fhir_practitioner(
        tmp_path, name=[{"text": "Ann Bell"}], telecom=[{"system": "phone", "value": stated}]
    ))  # fmt: skip
    answers["nppes api"], answers["nppes bulk"] = map(
        tel, nppes_at(tmp_path, telephone_number=stated)
    )
    (person,) = schema_page(tmp_path, {"@type": "Person", "name": "Ann Bell", "telephone": stated})
    answers["schema.org page"] = tel(person)
    answers["psychology today page"] = tel(pt_page(tmp_path, phone=stated))
    answers["psychology today results"] = tel(pt_results(tmp_path, phone=stated))
    answers["goodtherapy page"] = tel(gt_page(tmp_path, phone=stated))
    answers["printed directory"] = tel(printed(tmp_path, phone=stated))
    _agree(answers, ([shown],))


# --- money -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stated", "fee"), [("$80-$140", (80.0, 140.0)), ("$80 - $140", (80.0, 140.0)), ("$120", (120.0, None))]
)  # fmt: skip
def test_fee_reads_the_same_everywhere(tmp_path: Path, stated: str, fee: tuple[Any, ...]) -> None:
    rows = tabular(tmp_path, {"Name": "Ann Bell", "Fee": stated})
    read = dict(rows)
    read["psychology today page"] = pt_page(tmp_path, fee=stated)
    read["goodtherapy page"] = gt_page(tmp_path, fee=stated)
    _agree({name: _pick("fee", "fee_max")(fields) for name, fields in read.items()}, fee)
    # The fee's own words are kept as the source wrote them (GoodTherapy writes a label
    # into the value: "Individual Sessions Fee: $80-$140").
    assert all(fields["fee_text"].endswith(stated) for fields in read.values())


# --- payer plans -----------------------------------------------------------------------------


def test_plan_reads_and_matches_the_same_everywhere(tmp_path: Path) -> None:
    def plan(fields: Fields) -> tuple[Any, ...]:
        listed = fields.get("insurance") or []
        return listed, matching_plan(["Blue Cross Blue Shield"], listed)

    rows = tabular(tmp_path, {"Name": "Ann Bell", "Insurance": "BC BS PPO; Aetna"})
    answers = {name: plan(fields) for name, fields in rows.items()}
    answers["psychology today page"] = plan(pt_page(tmp_path, plans=("BC BS PPO", "Aetna")))
    network = "http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/network-reference"
    role = {
        "resourceType": "PractitionerRole",
        "id": "r1",
        "practitioner": {"reference": "Practitioner/p1"},
        "extension": [{"url": network, "valueReference": {"reference": "Organization/n1"}}],
    }
    plans = [{"resourceType": "InsurancePlan", "id": f"i{n}", "name": name,
              "network": [{"reference": "Organization/n1"}]}
             for n, name in enumerate(("BC BS PPO", "Aetna"))]  # fmt: skip
    (answers["fhir"],) = map(plan, fhir_bundle(
        tmp_path, {"resourceType": "Practitioner", "id": "p1", "name": [{"text": "Ann Bell"}]},
        role, {"resourceType": "Organization", "id": "n1", "name": "Bay Network"}, *plans,
    ))  # fmt: skip
    _agree(answers, (["BC BS PPO", "Aetna"], ("Blue Cross Blue Shield", "BC BS PPO")))


# --- profile addresses -------------------------------------------------------------------------

PT = "https://www.psychologytoday.com/us/therapists/123456"


@pytest.mark.parametrize(
    "stated",
    [
        "https://www.psychologytoday.com/us/therapists/john-smith-boston-ma/123456",
        "http://psychologytoday.com/us/therapists/john-smith-boston-ma/123456?sid=abc&ref=2",
        "https://www.psychologytoday.com/us/therapists/123456/",
        "https://therapists.psychologytoday.com/rms/prof_detail.php?profid=123456&sid=1",
        "https://therapists.psychologytoday.com/rms/name/John_Smith_LCSW_Boston_Massachusetts_123456",
    ],
)
def test_profile_url_reads_the_same_everywhere(tmp_path: Path, stated: str) -> None:
    link = _pick("profile_url")
    rows = tabular(tmp_path, {"Name": "John Smith", "Profile URL": stated})
    answers = {name: link(fields) for name, fields in rows.items()}
    answers["vcard"] = link(card(tmp_path, "FN:John Smith", f"URL:{stated}"))
    (person,) = schema_page(tmp_path, {"@type": "Person", "name": "John Smith", "url": stated})
    answers["schema.org page"] = link(person)
    answers["psychology today page"] = link(pt_page(tmp_path, url=stated))
    answers["psychology today results"] = link(pt_results(tmp_path, url=stated))
    _agree(answers, (PT,))


# --- what the commands show ----------------------------------------------------------------


def _cli(*args: str) -> Any:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if "--json" in args or "json" in args else result


def test_list_search_show_and_compare_show_one_reading(tmp_path: Path) -> None:
    """One clinician in a list, a contact card and a saved page, each spelling the profile
    address its own way: one therapist, and every command shows the same reading."""
    sheet = tmp_path / "list.csv"
    sheet.write_text(
        "Name,License,Phone,Fee,Insurance,Profile URL,City,State,Zip\n"
        '"John Smith Jr., LCSW",12345 West Virginia,(617) 555-0100 ext. 2,$80-$140,'
        "BC BS PPO,https://www.psychologytoday.com/us/therapists/john-smith-wheeling-wv/123456,"
        "Wheeling,West Virginia,26003\n",
        encoding="utf-8",
    )
    contact = tmp_path / "contact.vcf"
    contact.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:John Smith Jr.\\, LCSW\r\nTEL:617-555-0100 x2\r\n"
        "URL:https://therapists.psychologytoday.com/rms/prof_detail.php?profid=123456\r\n"
        "END:VCARD\r\n",
        encoding="utf-8",
    )
    _cli("import", str(sheet), str(contact))
    (listed,) = _cli("list", "--json")
    (found,) = _cli("search", "--no-profile", "--insurance", "Blue Cross Blue Shield", "--json")
    shown = _cli("show", str(listed["id"]), "--json")
    compared = _cli("compare", str(listed["id"]), "--format", "json")
    claims = {name: [c["value"] for c in values] for name, values in shown["fields"].items()}
    rows = {r["key"]: r["cells"][0]["text"] for s in compared["sections"] for r in s["rows"]}

    assert listed["sources"] == 2  # one profile address, however spelt: one clinician
    assert claims["profile_url"] == ["https://www.psychologytoday.com/us/therapists/123456"] * 2
    names = {listed["name"], found["name"], compared["candidates"][0]["name"], *claims["name"]}
    assert names == {"John Smith Jr."}
    assert listed["license_type"] == found["license_type"] == claims["license_type"][0] == "LCSW"
    assert (claims["license_number"], claims["license_state"]) == (["12345"], ["WV"])
    assert rows["licence"] == "LCSW no. 12345 (WV), as listed"
    assert listed["phone"] == found["phone"] == "617-555-0100 x2"
    assert claims["phones"] == [["617-555-0100 x2"]] * 2
    assert (claims["fee"], claims["fee_max"], claims["fee_text"]) == ([80.0], [140.0], ["$80-$140"])
    assert found["fee"] == 80.0 and rows["fee"] == "$80-$140 per session (listed)"
    assert "'BC BS PPO'" in found["why"] and rows["insurance_claim"] == "lists BC BS PPO"
