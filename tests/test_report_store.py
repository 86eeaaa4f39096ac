"""A small fixed store for the report tests, built through the core APIs (no tests here).

Three therapists imported from a CSV written for these tests, a second source that
disagrees about one of them, a profile, a shortlist, consultation and insurer
answers and the user's own notes. Import and shortlist times are pinned so
every rendering is byte-for-byte stable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from finder.ingest.pipeline import run_import
from finder.pursue import profiles, shortlist
from finder.storage.store import Store

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "report"
STAMP = "2025-01-02T09:00:00+00:00"


def pin_time(monkeypatch: pytest.MonkeyPatch) -> None:
    import finder.ingest.editing
    import finder.ingest.pipeline

    monkeypatch.setattr(finder.ingest.pipeline, "now_iso", lambda: STAMP)
    monkeypatch.setattr(finder.ingest.editing, "now_iso", lambda: STAMP)


def answer(
    store: Store, tid: int | None, checklist: str, values: dict[str, Any], **extra: Any
) -> None:
    with store.transaction():
        store.answers.insert_many(
            {
                "profile": "me",
                "tid": tid,
                "checklist": checklist,
                "qid": qid,
                "value": value,
                "answered_at": STAMP,
                **extra,
            }
            for qid, value in values.items()
        )


def note(store: Store, tid: int, kind: str, text: str) -> None:
    with store.transaction():
        store.notes.insert({"profile": "me", "tid": tid, "kind": kind, "text": text, "at": STAMP})


def import_fixture(store: Store, name: str) -> None:
    report = run_import(store, [FIXTURES / name], source_label=name)
    assert not report.refused, [f.refused for f in report.files]


def base_profile() -> profiles.Profile:
    return profiles.Profile(
        label="me", zip="02139", radius_miles=5, insurance=["Aetna"], budget=140,
        issues=["depression", "grief"], languages=["Spanish"], age_group="adult", state="MA",
    )  # fmt: skip


def full_store(monkeypatch: pytest.MonkeyPatch) -> Store:
    """Candidates 1 (answers, insurer, notes, two sources), 2 (a note), 3 (nothing)."""
    pin_time(monkeypatch)
    store = Store(None)
    import_fixture(store, "candidates.csv")
    import_fixture(store, "second_source.csv")
    profiles.save(store, base_profile())
    for tid in (1, 2, 3):
        shortlist.add(store, "me", tid)
    answer(store, 1, "consultation", {
        "ipt_specifically": "IPT itself", "supervised_cases": 3, "certifying_body": "ISIPT",
        "fee_session": 150.0, "in_network": "yes", "comfort": 4, "felt_heard": True,
        "wait_weeks": 2, "client_contacts": "offered", "planned_sessions": 16,
    })  # fmt: skip
    answer(store, 1, "insurer", {"clinician_in_network": True}, plan="Aetna")
    answer(store, None, "insurer", {"copay": 30.0, "deductible": 500.0, "deductible_met": 200.0},
           plan="Aetna")  # fmt: skip
    note(store, 1, "pro", "Warm, explained the phases")
    note(store, 2, "con", "Office up three flights of stairs")
    return store
