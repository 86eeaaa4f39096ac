"""Real therapist lists written by others, read in place (FINDER_REALDATA)."""

from __future__ import annotations

from pathlib import Path

import pytest

from finder.ingest.pipeline import run_import
from finder.judge import therapists
from finder.storage.store import Store

pytestmark = pytest.mark.realdata


def _import(path: Path) -> tuple[Store, object]:
    store = Store(None)
    warnings: list[str] = []
    report = run_import(store, [path], warn=warnings.append)
    return store, (report, warnings)


def test_psychology_today_2017_tsv(realdata: Path) -> None:
    store, (report, _) = _import(realdata / "therapist_lists" / "pt2017_stevenfelix_export.tsv")
    (result,) = report.files  # type: ignore[attr-defined]
    assert result.format == "csv"
    assert result.imported == 1261
    assert [str(e) for e in result.rejected] == [
        "line 297: no therapist name (the cell holds '[]'); row skipped",
        "line 533: no therapist name (the cell holds '[]'); row skipped",
    ]
    records = store.records.all()
    assert len(records) == 1261
    assert all(r["fields"].get("name") for r in records)
    assert sum(1 for r in records if r["fields"].get("city")) > 1200
    assert sum(1 for r in records if r["fields"].get("orientations")) > 1000
    first = next(r for r in records if r["source"]["locator"] == "line 2")
    assert first["fields"]["name"] == "Kevin Ketchum"
    assert first["fields"]["city"] == "Brookline"
    assert first["fields"]["orientations"] == [
        "Family / Marital",
        "Psychoanalytic",
        "Psychodynamic",
    ]
    assert first["fields"]["credentials"] == ["MS", "MA"]
    assert first["fields"]["fee"] == 60.0
    life = next(r for r in records if r["fields"]["name"] == "Life Changes Group")
    assert life["fields"]["is_organization"] is True
    assert (life["fields"]["license_number"], life["fields"]["license_state"]) == ("8500", "MA")


def test_california_2019_list_literals(realdata: Path) -> None:
    store, (report, _) = _import(realdata / "therapist_lists" / "dchu101_pt_ca_therapists_2019.csv")
    assert report.files[0].imported == 1651  # type: ignore[attr-defined]
    edna = next(r for r in store.records.all() if r["fields"]["name"] == "Edna F Wallace")
    fields = edna["fields"]
    assert fields["specialties"] == ["Anxiety", "Depression", "Grief"]
    assert "Interpersonal" in fields["orientations"]
    assert fields["issues"][0] == "Alzheimer's"
    assert fields["phones"] == ["650-273-9927 x3"]
    assert (fields["lat"], fields["lon"]) == (37.355604, -122.090905)


def test_grow_therapy_json_has_npis(realdata: Path) -> None:
    store, (report, _) = _import(
        realdata / "therapist_lists" / "abeselom_growtherapy_complete_data_2025.json"
    )
    assert report.files[0].imported == 5  # type: ignore[attr-defined]
    found = therapists.load_all(store)
    assert len(found) == 5
    with_npi = sorted(t.best("npi") for t in found if t.best("npi"))
    assert with_npi == ["1053043505", "1619627031", "1700343811", "1710412200"]  # one has none
    latricia = next(t for t in found if t.name == "LATRICIA HICKENBOTTOM")
    assert latricia.best("license_type") == "PMHNP"
    assert latricia.best("fee") == 180.0
    assert latricia.best("telehealth") is True


def test_malformed_scraper_csv_is_recovered_with_an_account(realdata: Path) -> None:
    store, (report, warnings) = _import(
        realdata / "therapist_lists" / "shahnewaztameem_pt_tx_info_2020_malformed.csv"
    )
    (result,) = report.files  # type: ignore[attr-defined]
    assert result.imported == 60
    assert result.rejected == []
    assert any("header row is repeated 59 times" in w for w in warnings)  # type: ignore[union-attr]
    john = next(r for r in store.records.all() if r["fields"]["name"] == "John A Cooper")
    assert john["fields"]["email"] == "johncooperlpc@gmail.com"  # not the sentry or package junk
    assert john["fields"]["website"] == "https://www.johncooperlpc.com/"
    assert john["fields"]["phones"] == ["512-843-8658"]


def test_nucc_code_set_is_refused_as_what_it_is(realdata: Path) -> None:
    store, (report, _) = _import(realdata / "nucc_taxonomy" / "nucc_taxonomy_251.csv")
    (result,) = report.files  # type: ignore[attr-defined]
    assert result.refused == (
        "this is a list of 883 provider taxonomy codes, not therapists; nothing imported"
    )
    assert store.records.all() == []


def test_a_website_every_row_shares_is_not_used(realdata: Path) -> None:
    store, (report, warnings) = _import(
        realdata / "therapist_lists" / "dchu101_pt_ca_therapists_2019.csv"
    )
    (result,) = report.files  # type: ignore[attr-defined]
    assert result.imported == 1651
    assert [w for w in warnings if "same" in w] == [  # type: ignore[attr-defined]
        f"{result.path}: every one of its 1,651 rows has the same website (a scraper bug?); "
        "it is not used as anyone's contact"
    ]
    records = store.records.all()
    assert not any(r["fields"].get("website") for r in records)
    assert all(r["fields"].get("country") == "US" for r in records if r["fields"].get("phones"))
