"""Printed directories (PDF): what a user sees after `finder import directory.pdf`."""

from __future__ import annotations

import json
from pathlib import Path

import printed_fixtures as printed
import pytest
from click.testing import CliRunner

from finder.cli import cli
from finder.importers import detect, pdf
from finder.importers.base import ParseContext
from finder.importers.printed.furniture import parse_legend
from finder.importers.printed.sections import is_behavioural

REAL = "pdf_directories/uhc_ny_essentialplan_bronx_2025.pdf"


def _records(path: Path, **options: object) -> list:
    return list(pdf.parse(path, ParseContext(**options)))  # type: ignore[arg-type]


def _run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _list(capsys: pytest.CaptureFixture[str] | None = None) -> list[dict]:
    result = CliRunner().invoke(cli, ["list", "--json"])
    return json.loads(result.stdout)


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    return printed.three_columns(tmp_path / "acme_directory.pdf")


def test_pdf_is_detected_not_refused(directory: Path) -> None:
    assert detect(directory).name == "pdf"


def test_three_columns_read_behavioural_section_only(directory: Path) -> None:
    warnings: list[str] = []
    records = _records(directory, warn=warnings.append)
    names = [r.fields["name"] for r in records]
    # Dentists ("Molar0".."Molar9") are in another section: not read.
    assert not any("Molar" in n for n in names)
    assert sorted(set(names)) == [
        "Adaeze N Okafor", "Erik J Lindqvist", "Maria Elena Vasquez-Ortiz", "Thomas Brennan",
    ]  # fmt: skip
    assert len(records) == 5  # Okafor at two offices, three more listed (repeats folded)
    assert warnings and "skipped" in warnings[0] and "of 6 pages" in warnings[0]


def test_entry_fields_come_from_their_own_entry(directory: Path) -> None:
    okafor = next(
        r for r in _records(directory)
        if r.fields["name"] == "Adaeze N Okafor" and r.fields["phones"] == ["217-555-0199"]
    )  # fmt: skip
    f = okafor.fields
    assert (f["first_name"], f["last_name"], f["credentials"]) == ("Adaeze", "Okafor", ["LCSW"])
    assert f["npi"] == "1234567893"
    assert f["address"] == "400 Lake Shore Dr"
    assert (f["city"], f["state"], f["zip"]) == ("Springfield", "IL", "62704")
    assert f["organization"] == "Riverbend Counseling Pllc"
    assert f["specialties"] == ["Licensed Clinical Social Worker"]  # wrapped heading joined
    assert f["languages"] == ["Igbo", "French"]  # the clinician's own, not the staff's
    assert okafor.extra["languages_staff"] == ["Spanish"]
    assert f["gender"] == "F"
    assert f["accepting"] is True
    assert f["insurance"] == ["Acme Health Plan, IL Medicaid Managed Care Program"]
    # Codes after the phone wrap onto the next line; the legend decodes them.
    assert okafor.extra["accessibility"] == [
        "Wheelchair", "Parking", "Restroom", "Near public transit",
    ]  # fmt: skip
    assert okafor.extra["provider_id"] == "001234567001"
    assert okafor.extra["hours"] == ["Mo-Fr - 9:00 AM - 5:00 PM"]
    assert okafor.extra["hospital_affiliations"] == ["Springfield General Hospital"]


def test_name_codes_gender_and_not_accepting(directory: Path) -> None:
    brennan = next(r for r in _records(directory) if r.fields["name"] == "Thomas Brennan")
    assert brennan.fields["credentials"] == ["PhD"]
    assert brennan.fields["gender"] == "M"
    assert brennan.extra["name_codes"] == ["Board Certified"]
    assert brennan.fields["accepting"] is False
    assert brennan.fields["specialties"] == ["Psychology"]


def test_furniture_never_becomes_data(directory: Path) -> None:
    text = json.dumps([(r.fields, r.extra) for r in _records(directory)])
    for furniture in ("ACME.22.777", "Springfield County", "Proveedores", "Unless noted"):
        assert furniture not in text


def test_entry_split_across_columns_and_pages_stays_whole(directory: Path) -> None:
    # Every listing has all its parts, wherever a column or page broke it.
    for record in _records(directory):
        assert record.fields.get("npi") and record.fields.get("zip"), record.fields
        assert record.extra.get("hospital_affiliations") == ["Springfield General Hospital"]
        assert record.fields.get("ages") == ["18-99"]


def test_section_read_to_its_end_without_running_headers(tmp_path: Path) -> None:
    records = _records(printed.headings_only(tmp_path / "plain.pdf"))
    names = sorted(r.fields["name"] for r in records)
    assert names == sorted(f"Ann Psyche{k}" for k in range(24))
    assert {r.fields["specialties"][0] for r in records} == {"Psychology"}
    assert len({r.locator for r in records}) >= 3  # the section spans pages


def test_pages_and_all_specialties_override(directory: Path) -> None:
    everything = _records(directory, all_taxonomies=True)
    assert any("Molar" in r.fields["name"] for r in everything)
    only_dental = _records(directory, pages="3-4")
    assert only_dental and all("Molar" in r.fields["name"] for r in only_dental)


def test_cli_import_one_therapist_per_clinician_with_offices(directory: Path) -> None:
    result = _run("import", str(directory))
    assert result.exit_code == 0, result.output
    assert "5 imported" in result.output
    rows = _list()
    assert len(rows) == 4  # Okafor's two offices are one therapist
    okafor = next(r for r in rows if r["name"] == "Adaeze N Okafor")
    shown = _run("show", str(okafor["id"]))
    assert "12 Elm St Ste 4" in shown.output and "400 Lake Shore Dr" in shown.output
    report = _run("compare", str(okafor["id"]), "--format", "md")
    assert "12 Elm St Ste 4, Springfield, IL 62701" in report.output
    assert "400 Lake Shore Dr, Springfield, IL 62704" in report.output


def test_cli_pages_option(directory: Path) -> None:
    result = _run("import", str(directory), "--pages", "3-4")
    assert result.exit_code == 0, result.output
    assert all("Molar" in r["name"] for r in _list())
    bad = _run("import", str(directory), "--pages", "nine")
    assert bad.exit_code != 0 and "FIRST-LAST" in bad.output
    assert _list() and all("Molar" in r["name"] for r in _list())


@pytest.mark.parametrize("numbered", [False, True])
def test_one_column_titles_before_names(tmp_path: Path, numbered: bool) -> None:
    path = printed.one_column(tmp_path / "liste.pdf", numbered=numbered)
    records = _records(path)
    by_name = {r.fields["name"]: r for r in records}
    assert sorted(by_name) == ["Gabriele Scholz", "Jan Berg", "Ute Krämer"]
    scholz = by_name["Gabriele Scholz"]
    assert scholz.fields["credentials"] == ["Dipl.-Psych."]
    assert scholz.fields["title"] == "Psychologische Psychotherapeutin"
    assert scholz.fields["address"] == "Musterstraße 5"
    assert scholz.fields["city"] == "Berlin"
    assert scholz.extra["postal_code"] == "10115"
    assert scholz.fields["phones"] == ["+49 30 1234567"]  # "Tel." and a German postcode
    assert scholz.extra["phones_as_printed"] == ["030 1234567"]


def test_numbered_list_with_labels(tmp_path: Path) -> None:
    records = _records(printed.numbered_list(tmp_path / "results.pdf"))
    assert len(records) == 12
    lopez = next(r for r in records if r.fields["name"] == "Maria Lopez")
    f = lopez.fields
    assert f["credentials"] == ["PhD"] and f["title"] == "Licensed Psychologist"
    assert (f["address"], f["city"], f["state"], f["zip"]) == (
        "12 Elm St, Ste 4", "Springfield", "IL", "62701",
    )  # fmt: skip
    assert f["phones"] == ["217-555-0142"] and f["accepting"] is True
    osei = next(r for r in records if r.fields["name"] == "Samuel Osei")
    assert osei.fields["credentials"] == ["LCSW"] and osei.fields["accepting"] is False


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (printed.brochure, "does not look like a directory"),
        (printed.no_text, "no text layer"),
        (printed.encrypted, "encrypted"),
        (printed.article, "does not look like a directory"),
    ],
)
def test_unreadable_pdfs_refused_in_one_line(tmp_path: Path, make: object, said: str) -> None:
    path = make(tmp_path / "x.pdf")  # type: ignore[operator]
    result = _run("import", str(path))
    assert result.exit_code != 0
    assert said in result.output and "Traceback" not in result.output
    assert _list() == []


def test_truncated_download_refused(tmp_path: Path, directory: Path) -> None:
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(directory.read_bytes()[: directory.stat().st_size // 2])
    result = _run("import", str(cut))
    assert result.exit_code != 0 and "cut off" in result.output
    assert _list() == []


def test_headings_and_legend() -> None:
    assert is_behavioural("Psychology / Psicología")
    assert is_behavioural("Adv Practice Reg Psych Np / Práctica De Adv Reg Psych Np")
    assert is_behavioural("Psychologische Psychotherapeutinnen und Psychotherapeuten")
    assert not is_behavioural("Behavioral Health Facilities / Servicios De Salud Mental")
    assert not is_behavioural("Dental Providers / Proveedores Dentales")
    assert parse_legend("W =Wheelchair PT =Near transit B =Board Certified. Unless noted") == {
        "W": "Wheelchair", "PT": "Near transit", "B": "Board Certified",
    }  # fmt: skip


@pytest.mark.realdata
@pytest.mark.slow
def test_real_insurer_directory(realdata: Path) -> None:
    path = realdata / REAL
    warnings: list[str] = []
    records = _records(path, warn=warnings.append)
    npis = {r.fields.get("npi") for r in records} - {None}
    assert len(npis) == 221
    assert "skipped" in warnings[0]
    assert all(r.fields["insurance"] == ["UnitedHealthcare Community Plan, NY Essential Plan"]
               for r in records)  # fmt: skip
    by_npi: dict[str, list] = {}
    for r in records:
        by_npi.setdefault(r.fields.get("npi", ""), []).append(r)
    # One clinician at several offices: one record per office, all with the same name.
    several = [rs for rs in by_npi.values() if len({r.fields.get("address") for r in rs}) > 2]
    assert several
    for rs in several:
        assert len({r.fields["name"] for r in rs}) == 1
    # Every listing read whole: a name, a phone and a place.
    complete = [r for r in records if r.fields.get("phones") and r.fields.get("zip")]
    assert len(complete) >= 0.98 * len(records)
    assert not any("Facilit" in " ".join(r.fields.get("specialties", [])) for r in records)
