"""The saved-web-page importers on real pages written by others, read in place.

Expected values are what a person reading each page would confirm.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from finder.errors import ImportRefused
from finder.importers import detect
from finder.importers.base import ParseContext
from finder.records.models import Record, RowError
from finder.records.normalize import canonical_profile_url

pytestmark = pytest.mark.realdata

PT = "psychology_today_html"
GT = "goodtherapy_html"


def records(path: Path) -> list[Record]:
    out = list(detect(path).module.parse(path, ParseContext()))
    assert not [r for r in out if isinstance(r, RowError)]
    return [r for r in out if isinstance(r, Record)]


@pytest.mark.parametrize(
    ("name", "importer", "count"),
    [
        (f"{PT}/pt2017_profile_Cambridge_299404.html", "psychology-today", 1),
        (f"{PT}/pt2017_profile_Sommervile_232780.html", "psychology-today", 1),
        (f"{PT}/pt2017_profile_Allston_121657.html", "psychology-today", 1),
        (f"{PT}/pt2025_results_il_chicago_page_1.html", "psychology-today", 20),
        (f"{GT}/goodtherapy2020_profile_jennifer-harned-adams_denver.html", "goodtherapy", 1),
        (f"{GT}/goodtherapy2020_results_denver_page1.html", "goodtherapy", 12),
    ],
)
def test_record_counts(realdata: Path, name: str, importer: str, count: int) -> None:
    path = realdata / name
    assert detect(path).name == importer
    assert len(records(path)) == count


def test_every_saved_page_is_covered(realdata: Path) -> None:
    # A new file in these folders must get its own expectations above.
    names = sorted(p.name for folder in (PT, GT) for p in (realdata / folder).iterdir())
    assert names == [
        "goodtherapy2020_profile_jennifer-harned-adams_denver.html",
        "goodtherapy2020_results_denver_page1.html",
        "pt2017_profile_Allston_121657.html",
        "pt2017_profile_Boston_211146.html",
        "pt2017_profile_Cambridge_299404.html",
        "pt2017_profile_Sommervile_232780.html",
        "pt2025_results_il_chicago_page_1.html",
    ]


def test_404_file_is_refused(realdata: Path) -> None:
    path = realdata / PT / "pt2017_profile_Boston_211146.html"
    with pytest.raises(ImportRefused) as err:
        detect(path)
    assert str(err.value) == (
        f"{path}: this is a saved error page ('404 File Not Found'), not a therapist page; "
        "nothing imported"
    )
    from finder.importers import psychology_today

    with pytest.raises(ImportRefused, match="saved error page"):
        list(psychology_today.parse(path, ParseContext()))


def test_cambridge_profile_is_one_clinician(realdata: Path) -> None:
    (rec,) = records(realdata / PT / "pt2017_profile_Cambridge_299404.html")
    f = rec.fields
    assert rec.key == "https://www.psychologytoday.com/us/therapists/299404"
    assert f["name"] == "Gayle Clark"
    assert f["credentials"] == ["LICSW"]
    assert f["title"] == "Clinical Social Work/Therapist"
    assert f["license_type"] == "LICSW"  # as stated: an LICSW is not shown as LCSW
    assert (f["license_number"], f["license_state"]) == ("118148", "MA")
    assert f["phones"] == ["617-892-4837"]
    assert (f["address"], f["city"], f["state"], f["zip"]) == (
        "10 Concord Avenue",
        "Cambridge",
        "MA",
        "02138",
    )
    assert (f["fee"], f["fee_max"], f["sliding_scale"]) == (80.0, 140.0, True)
    assert f["insurance"][:2] == ["Aetna PPO", "All PPO Insurances"]
    assert len(f["insurance"]) == 7
    assert f["specialties"] == ["Depression", "Chronic Illness", "Mood Disorders"]
    assert f["ages"] == ["Adults", "Elders (65+)"]
    assert "Interpersonal" in f["orientations"]
    assert "Interpersonal Psychotherapy" in f["orientations"]
    assert len(f["orientations"]) == 26
    assert f["formats"] == ["individual", "couples", "family"]
    assert f["years_in_practice"] == 15
    assert f["accepting"] is True
    assert f["telehealth"] is True  # the profile offers "Set Up Video Call"
    assert f["statement"].startswith("Have you been thinking about making life changes")
    assert f["statement"].endswith("I am honored to be part of it.")
    assert "Interpersonal Psychotherapy" in f["statement"]
    # Other clinicians linked from the page (prev/next) are not part of the record.
    everything = repr(f) + repr(rec.extra)
    assert "Nina Friedman" not in everything
    assert "Sara Noone" not in everything
    assert "Interpersonal Therapists in" not in everything
    assert "Verified by" not in everything


def test_tsv_url_and_cambridge_profile_name_the_same_profile(realdata: Path) -> None:
    (rec,) = records(realdata / PT / "pt2017_profile_Cambridge_299404.html")
    tsv = (realdata / "therapist_lists" / "pt2017_stevenfelix_export.tsv").read_bytes()
    line = next(row for row in tsv.replace(b"\r", b"\n").split(b"\n") if b"Gayle Clark" in row)
    url = next(cell for cell in line.decode("cp1252").split("\t") if cell.startswith("http"))
    assert canonical_profile_url(url) == rec.fields["profile_url"]


def test_sommervile_statement_is_own_text(realdata: Path) -> None:
    (rec,) = records(realdata / PT / "pt2017_profile_Sommervile_232780.html")
    f = rec.fields
    assert f["name"] == "Adam H Wannie"
    assert f["credentials"] == ["MA", "LMHC"]
    assert f["license_type"] == "LMHC"  # as stated: an LMHC is not shown as LPC
    assert (f["license_number"], f["license_state"]) == ("5032", "MA")
    assert f["phones"] == ["508-283-4322"]
    assert (f["city"], f["zip"]) == ("Centerville", "02632")
    assert "Interpersonal Effectiveness" in f["statement"]
    assert "Interpersonal Psychotherapy" not in f["statement"]
    assert f["statement"].startswith("Welcome and thank you for taking time to read my profile.")
    assert f["statement"].endswith("I look forward to hearing from you.")
    assert "I've been described as being empathetic" in f["statement"]  # &#039; decoded
    assert f["orientations"] == [
        "Cognitive Behavioral (CBT)",
        "Dialectical (DBT)",
        "Family / Marital",
    ]


def test_allston_profile(realdata: Path) -> None:
    (rec,) = records(realdata / PT / "pt2017_profile_Allston_121657.html")
    f = rec.fields
    assert f["name"] == "Kevin Ketchum"
    assert f["credentials"] == ["MS", "MA"]
    assert (f["city"], f["state"], f["zip"]) == ("Brookline", "MA", "02446")
    assert "address" not in f
    assert f["phones"] == ["617-299-7245"]
    assert f["fee"] == 60.0
    assert f["orientations"] == ["Family / Marital", "Psychoanalytic", "Psychodynamic"]
    assert "interpersonal" not in repr(f).lower()


def test_chicago_results(realdata: Path) -> None:
    recs = records(realdata / PT / "pt2025_results_il_chicago_page_1.html")
    names = [r.fields["name"] for r in recs]
    assert names[:3] == ["Cel Knapp", "Sophia Odeh", "Rachel Marie Countryman"]
    assert names[-1] == "Cori Braun"
    assert len(set(r.key for r in recs)) == 20
    cel, sophia = recs[0], recs[1]
    assert cel.key == "https://www.psychologytoday.com/us/therapists/1514579"
    assert cel.fields["credentials"] == ["MSW", "LSW"]
    assert cel.fields["title"] == "Licensed Social Worker"
    assert cel.fields["phones"] == ["773-825-3697"]
    assert (cel.fields["telehealth"], cel.fields["in_person"]) == (True, False)  # "Online Only"
    assert cel.fields["statement"].startswith("The stories we\u2019re told")
    assert sophia.fields["credentials"] == ["PsyD"]
    assert (sophia.fields["city"], sophia.fields["state"], sophia.fields["zip"]) == (
        "Chicago",
        "IL",
        "60611",
    )
    assert sophia.fields["phones"] == ["872-278-4552"]
    by_name = {r.fields["name"]: r for r in recs}
    # "Waitlist for new clients" is a waitlist, not "not accepting".
    assert by_name["Sam Payne"].fields["waitlist"] is True
    assert "accepting" not in by_name["Sam Payne"].fields
    assert by_name["EMDR Therapy with Payton Larsen"].fields["is_organization"] is True
    assert sum(1 for r in recs if r.fields.get("is_organization")) == 1
    assert by_name["Ashley Repinski"].fields["credentials"] == ["LCPC", "CADC"]
    # The filter sidebar lists "Interpersonal"; it is no therapist's orientation.
    assert not any(r.fields.get("orientations") for r in recs)


def test_goodtherapy_profile(realdata: Path) -> None:
    (rec,) = records(realdata / GT / "goodtherapy2020_profile_jennifer-harned-adams_denver.html")
    f = rec.fields
    assert (
        rec.key == "https://www.goodtherapy.org/therapists/profile/jennifer-harned-adams-20090819"
    )
    assert f["name"] == "Jennifer Harned Adams"
    assert f["credentials"] == ["PhD"]
    assert f["title"] == "Psychologist, Counselor, Life Coach"
    assert (f["license_type"], f["license_number"]) == ("Psychologist", "3123")
    assert f["phones"] == ["303-325-1633"]
    assert f["address"] == "950 South Cherry Street, Suite 1240"
    assert (f["city"], f["state"], f["zip"]) == ("Denver", "CO", "80206")
    assert f["accepting"] is False  # "Not Accepting New Clients"
    assert f["ages"] == ["Adults"]
    assert f["languages"] == ["English"]
    assert f["orientations"][0] == "Acceptance and Commitment Therapy (ACT)"
    assert len(f["orientations"]) == 10
    assert f["website"] == "http://www.bloomhealthdenver.com/"
    assert f["statement"].startswith("~Are you hoping to become a mother")
    assert f["statement"].endswith("treatments that are proven to help.")
    assert "is_organization" not in f


def test_goodtherapy_results(realdata: Path) -> None:
    recs = records(realdata / GT / "goodtherapy2020_results_denver_page1.html")
    assert [r.fields["name"] for r in recs][:3] == [
        "Lori Johnson",
        "Molly Jenkins",
        "Alecia Zunker",
    ]
    lori = recs[0]
    assert lori.key == "https://www.goodtherapy.org/therapists/profile/lori-johnson-20140627"
    assert lori.fields["phones"] == ["720-295-9522"]
    assert (lori.fields["city"], lori.fields["zip"]) == ("Lakewood", "80214")
    assert lori.fields["telehealth"] is True
    assert lori.fields["title"] == "Counselor, Mental Health Counselor, Psychotherapist"
    julie = next(r for r in recs if r.fields["name"] == "Julie Reichenberger")
    assert julie.fields["phones"] == ["303-809-3341 x1"]
    jason = next(r for r in recs if r.fields.get("last_name") == "Wells")
    assert (jason.fields["name"], jason.fields["credentials"]) == ("Jason Wells", ["PhD"])
    # "Interpersonal Psychotherapy (IPT)" is only a filter option on this page.
    assert not any("Interpersonal" in repr(r.fields) for r in recs)
    assert not any(r.fields.get("is_organization") for r in recs)
