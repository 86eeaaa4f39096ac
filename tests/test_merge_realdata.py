"""Merging real exports: one clinician across a TSV export and a saved profile page."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from finder.ingest.pipeline import run_import
from finder.judge import therapists
from finder.judge.linkage import canonical_url
from finder.storage.store import open_store

pytestmark = pytest.mark.realdata

TSV = "therapist_lists/pt2017_stevenfelix_export.tsv"
CAMBRIDGE = "psychology_today_html/pt2017_profile_Cambridge_299404.html"


def _names_by_tid(store: object) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    for doc in store.records.all():  # type: ignore[attr-defined]
        out[doc["tid"]].append(doc["fields"]["name"])
    return out


def test_tsv_profile_listed_twice_is_one_therapist(realdata: Path) -> None:
    store = open_store()
    run_import(store, [realdata / TSV])
    records = store.records.all()
    assert len(records) == 1261
    profile = "https://www.psychologytoday.com/us/therapists/108997"
    twice = [d for d in records if canonical_url(d["fields"].get("profile_url")) == profile]
    assert len(twice) == 2 and twice[0]["tid"] == twice[1]["tid"]
    groups = _names_by_tid(store)
    merged = sorted(sorted(names) for names in groups.values() if len(names) > 1)
    # Besides the repeated row, the export holds five clinicians with two profiles each
    # (same name, same licence number and type in MA, same city): one therapist each.
    assert merged == [
        ["Amelia Micheli", "Amelia Micheli"],
        ["Cynthia Mittelmeier", "Cynthia Mittelmeier"],
        ["Emily Wolff Newmann", "Emily Wolff Newmann"],
        ["Jeffrey Lynn Speller", "Jeffrey Lynn Speller"],
        ["Robert M Meier", "Robert Meier"],
        ["Whole Living Center", "Whole Living Center"],
    ]
    assert len(groups) == 1255


def test_tsv_and_profile_page_give_one_therapist_with_both_sources(realdata: Path) -> None:
    store = open_store()
    run_import(store, [realdata / TSV])
    before = {d["rid"]: d["tid"] for d in store.records.all()}
    run_import(store, [realdata / CAMBRIDGE])
    after = {d["rid"]: d["tid"] for d in store.records.all()}
    assert {rid: after[rid] for rid in before} == before  # existing ids are stable
    gayle = [t for t in therapists.load_all(store) if t.name == "Gayle Clark"]
    assert len(gayle) == 1
    therapist = gayle[0]
    assert sorted(s.format for s in therapist.sources) == ["csv", "psychology-today"]
    assert therapist.ipt.level.label == "described"
    # The export says $110, the page $80-$140: a disagreement to raise on the call.
    assert sorted(c.value for c in therapist.conflicts()["fee"]) == [80.0, 110.0]
    assert therapist.unconfirmed()["insurance"][0] == "Aetna PPO"
    # Importing both again changes nothing.
    run_import(store, [realdata / TSV, realdata / CAMBRIDGE])
    assert {d["rid"]: d["tid"] for d in store.records.all()} == after
