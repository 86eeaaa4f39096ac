"""The fast paths of a big import give exactly what the plain paths give (issue 2)."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from finder.importers import delimited
from finder.importers.base import ParseContext
from finder.ingest import parallel
from finder.ingest.pipeline import run_import
from finder.judge import merge
from finder.records import geo
from finder.records.models import Record, RowError
from finder.storage.store import Store

HEADER = ["Name", "Phone", "City", "State", "Zip", "Fee", "Types of Therapy", "Bio"]


def write_list(path: Path, rows: int) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for i in range(rows):
            if i == 7:
                writer.writerow(["", "(617) 555-0100", "Boston", "MA", "02115", "", "", ""])
                continue
            if i == 11:
                writer.writerow([*HEADER, "extra", "cells"])
                continue
            writer.writerow([
                f"Dana Reyes{i % 5}, LCSW", f"(617) 555-{1000 + i % 7:04d}",
                "Cambridge" if i % 2 else "Boston", "MA", "02139" if i % 2 else "02115",
                f"${100 + i % 3 * 25}", "CBT, Interpersonal Psychotherapy (IPT)" if i % 3 else "DBT",
                "I use interpersonal psychotherapy for depression." if i % 4 == 0 else "Warm care.",
            ])  # fmt: skip
    return path


def shown(values: list[Record | RowError]) -> list[object]:
    return [
        (v.fields, v.extra, v.locator, v.key) if isinstance(v, Record) else str(v) for v in values
    ]


def test_rows_read_in_two_processes_equal_rows_read_in_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not parallel._second_core():
        pytest.skip("this machine gives finder one core: there is no second process to test")
    path = write_list(tmp_path / "list.csv", 60)
    serial = list(delimited.parse(path, ParseContext()))
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ITEMS", 4)
    monkeypatch.setattr(delimited, "BATCH_ROWS", 25)
    # Values rebuilt from what the child sent: none when the parent fell back to doing it all.
    from_child: list[object] = []
    real_from_plain = delimited._from_plain

    def counted(value: tuple[object, ...]) -> object:
        from_child.append(value)
        return real_from_plain(value)  # type: ignore[arg-type]

    monkeypatch.setattr(delimited, "_from_plain", counted)
    in_two = list(delimited.parse(path, ParseContext()))
    assert shown(in_two) == shown(serial)
    assert len(from_child) >= 25  # the second half of each batch came from the child
    assert str(serial[7]) == "line 9: no therapist name; row skipped"
    assert str(serial[11]) == "line 13: 10 cells where the header has 8; row skipped"
    assert len(serial) == 60


def test_a_failing_second_process_leaves_the_result_unchanged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ITEMS", 2)
    parent = os.getpid()

    def work(items: list[int]) -> list[int]:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return [i * i for i in items]

    assert parallel.map_in_halves(work, list(range(10))) == [i * i for i in range(10)]


def test_an_error_in_the_work_is_raised_as_without_a_second_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ITEMS", 2)

    def work(items: list[int]) -> list[int]:
        if 8 in items:
            raise ValueError("row 8")
        return list(items)

    with pytest.raises(ValueError, match="row 8"):
        parallel.map_in_halves(work, list(range(10)))


def test_big_import_stores_what_a_small_one_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_list(tmp_path / "list.csv", 40)

    def stored() -> list[object]:
        store = Store(None)
        report = run_import(store, [path], source_label="list.csv")
        docs = sorted(store.records.all(), key=lambda d: d["_id"])
        for doc in docs:
            doc["source"]["imported_at"] = "-"
        return [report.total("imported"), report.total("rejected"), docs]

    plain = stored()
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ITEMS", 4)
    assert stored() == plain
    assert plain[:2] == [38, 2]
    first = plain[2][0]  # type: ignore[index]
    assert first["fields"]["name"] == "Dana Reyes0"
    assert first["ipt"]["level"] == "described"
    assert first["geo"] == [42.3427, -71.0922, "zip"]


def test_zip_points_from_the_whole_table() -> None:
    assert geo.zip_point("02139") == (42.3647, -71.1042)
    assert geo.zip_point("02139-4307") == (42.3647, -71.1042)
    assert geo.zip_point("99999") is None
    # Digits of other scripts are digits to str.isdigit but no ZIP (and no crash).
    assert geo.zip_point("\u0660\u0662\u0661\u0663\u0669") is None
    assert geo.zip_point("１２３４５") is None


def test_relink_reads_the_stored_records_without_copying_and_plans_the_same() -> None:
    docs = [
        {"rid": "a", "tid": None, "fields": {"name": "Dana Reyes", "first_name": "Dana",
                                             "last_name": "Reyes", "zip": "02139"}},
        {"rid": "b", "tid": None, "fields": {"name": "Dana Reyes", "first_name": "Dana",
                                             "last_name": "Reyes", "zip": "02139"}},
        {"rid": "c", "tid": None, "fields": {"name": "Ana Chen", "first_name": "Ana",
                                             "last_name": "Chen", "zip": "02139"}},
    ]  # fmt: skip
    store = Store(None)
    with store.transaction():
        store.records.insert_many(docs)
        plan = merge.relink(store)
    assert plan.tids == {"a": 1, "b": 1, "c": 2}
    assert {d["rid"]: d["tid"] for d in store.records.all()} == {"a": 1, "b": 1, "c": 2}
    assert docs[0]["tid"] is None  # the caller's dicts were copied on insert
