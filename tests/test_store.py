"""The store, against both backends: memory and the atomic JSON file."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from finder.errors import StoreBusy, StoreError
from finder.storage.store import SCHEMA_VERSION, Store, open_store


@pytest.fixture(params=["memory", "file"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    s = Store(None) if request.param == "memory" else open_store(tmp_path / "db" / "finder.json")
    yield s
    s.close()


def test_insert_find_update_remove(store: Store) -> None:
    with store.transaction():
        ids = store.records.insert_many([{"rid": "a", "n": 1}, {"rid": "b", "n": 2}])
        store.records.update(ids[0], {"n": 10})
        store.records.update_many({ids[1]: {"n": 20}})
    assert sorted(d["n"] for d in store.records.all()) == [10, 20]
    assert store.records.first(rid="b")["n"] == 20
    with store.transaction():
        assert store.records.remove_where(rid="a") == 1
    assert [d["rid"] for d in store.records.all()] == ["b"]


def test_bulk_changes_keep_ids_and_reach_the_file(store: Store) -> None:
    with store.transaction():
        store.records.insert({"rid": "first"})
        handed = [{"rid": "a", "n": 1}, {"rid": "b", "n": 2}]
        copied = {"rid": "c", "n": 3}
        ids = store.records.insert_many(handed, hand_over=True)
        ids += store.records.insert_many([copied])
        copied["n"] = 99  # the caller's dict was copied: the store keeps 3
        store.records.update_many({ids[0]: {"n": 10, "_id": 555}, str(ids[1]): {"n": 20}})
        store.records.insert({"rid": "d"})
    assert ids == [2, 3, 4]
    docs = {d["rid"]: d for d in store.records.all()}
    assert [docs[r]["_id"] for r in "abcd"] == [2, 3, 4, 5]
    assert [docs[r].get("n") for r in "abcd"] == [10, 20, 3, None]
    assert store.records.first(n=20)["rid"] == "b"  # the query cache saw the change
    if store.path is not None:  # and so does the next process
        other = open_store(store.path)
        assert sorted(d.get("n", 0) for d in other.records.all()) == [0, 0, 3, 10, 20]
        other.close()


def test_failed_transaction_changes_nothing(store: Store) -> None:
    with store.transaction():
        store.records.insert({"rid": "kept"})
    with pytest.raises(RuntimeError), store.transaction():
        store.records.insert({"rid": "lost"})
        raise RuntimeError("boom")
    assert [d["rid"] for d in store.records.all()] == ["kept"]


def test_schema_version_recorded(store: Store) -> None:
    with store.transaction():
        store.records.insert({"rid": "x"})
    assert store.meta()["schema"] == SCHEMA_VERSION


def test_file_is_private_and_one_write_per_transaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "home" / "finder.json"
    store = open_store(path)
    from finder.storage import tinyfile as store_module

    writes = []
    real = store_module.stage_bytes
    monkeypatch.setattr(store_module, "stage_bytes", lambda p, d: (writes.append(p), real(p, d))[1])
    with store.transaction():
        for i in range(50):
            store.records.insert({"rid": str(i)})  # imported: SQLite
            store.records.insert({"rid": f"own{i}", "pinned": True, "tid": 1})  # the user's
    assert len(writes) == 1
    sqlite_path = path.with_name("finder.sqlite")
    for item in (path, sqlite_path, *path.parent.glob("finder.sqlite-*")):
        assert stat.S_IMODE(item.stat().st_mode) == 0o600, item
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    own = orjson.loads(path.read_bytes())["records"]
    assert sorted(d["rid"] for d in own.values()) == sorted(f"own{i}" for i in range(50))
    with sqlite3.connect(sqlite_path) as db:
        assert db.execute("SELECT count(*) FROM records").fetchone()[0] == 50


def test_second_writer_waits_then_fails_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FINDER_LOCK_TIMEOUT", "0.2")
    path = tmp_path / "finder.json"
    first, second = open_store(path), open_store(path)
    with (
        first.transaction(),
        pytest.raises(StoreBusy, match="another finder is writing"),
        second.transaction(),
    ):
        pass
    with second.transaction():  # free again once the first is done
        second.records.insert({"rid": "ok"})


def test_writers_see_each_others_work(tmp_path: Path) -> None:
    path = tmp_path / "finder.json"
    a, b = open_store(path), open_store(path)
    with a.transaction():
        a.answers.insert({"qid": "fee"})
    with b.transaction():  # b re-reads under the lock, so a's answer survives b's write
        b.answers.insert({"qid": "licence"})
    assert sorted(d["qid"] for d in open_store(path).answers.all()) == ["fee", "licence"]


def test_damaged_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "finder.json"
    path.write_bytes(b'{"records": {"1": ')
    with pytest.raises(StoreError, match=r"damaged.*finder restore"):
        open_store(path).records.all()


def test_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "finder.json"
    data = orjson.dumps({"meta": {"1": {"schema": SCHEMA_VERSION + 1}}, "records": {}})
    path.write_bytes(data)
    with pytest.raises(StoreError, match="newer finder"):
        open_store(path).records.all()
    assert path.read_bytes() == data


def test_disk_full_leaves_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    path = tmp_path / "finder.json"
    store = open_store(path)
    with store.transaction():
        store.records.insert({"rid": "old"})
        store.records.insert({"rid": "old-own", "pinned": True, "tid": 1})
    before = path.read_bytes()

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(StoreError, match="disk full"), store.transaction():
        store.records.insert({"rid": "new"})
        store.records.insert({"rid": "new-own", "pinned": True, "tid": 2})
    monkeypatch.undo()
    assert path.read_bytes() == before
    # Neither part changed: the imported record was not committed either.
    assert sorted(d["rid"] for d in open_store(path).records.all()) == ["old", "old-own"]
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


def test_memory_store_refuses_what_a_file_store_would(store: Store) -> None:
    """Tests on the memory store cannot pass by accident: a write outside a transaction and
    a misspelt table are refused there too."""
    with pytest.raises(RuntimeError, match=r"inside Store\.transaction"):
        store.notes.insert({"text": "outside"})
    with pytest.raises(RuntimeError, match=r"inside Store\.transaction"):
        store.records.insert({"rid": "outside"})
    with pytest.raises(AttributeError):
        _ = store.shortlsit
    if store.path is None:
        with pytest.raises(AttributeError):
            store.table("anwsers")


def test_own_records_stay_in_the_users_file_and_move_between_parts(tmp_path: Path) -> None:
    path = tmp_path / "finder.json"
    store = open_store(path)
    with store.transaction():
        imported = store.records.insert({"rid": "imp", "fields": {"state": "MA"}, "tid": 1})
        own = store.records.insert({"rid": "mine", "source": {"kind": "user"}, "tid": 2})
    assert (imported, own) == (1, 2)
    assert [d["rid"] for d in orjson.loads(path.read_bytes())["records"].values()] == ["mine"]
    with store.transaction():  # a correction pins an imported record: it becomes the user's
        store.records.update(imported, {"pinned": True})
        store.records.update_many({own: {"tid": 5}})
    kept = orjson.loads(path.read_bytes())["records"]
    assert sorted((d["rid"], d["tid"]) for d in kept.values()) == [("imp", 1), ("mine", 5)]
    again = open_store(path)
    assert [(d["_id"], d["rid"]) for d in again.records.all()] == [(1, "imp"), (2, "mine")]
    assert again.records.first(rid="imp")["pinned"] is True
    assert [d["rid"] for d in again.records.find(tid=5)] == ["mine"]


def _indexes(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        return sorted(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'"))


def test_a_bulk_write_keeps_every_index_and_a_failed_one_changes_nothing(tmp_path: Path) -> None:
    """Many records at once are indexed after they are written (one sort per index): the
    store ends with the same indexes, reads inside the transaction use them, and a failure
    leaves the old records and the old indexes."""
    path = tmp_path / "finder.json"
    store = open_store(path)
    with store.transaction():
        store.records.insert({"rid": "first", "fields": {"state": "MA"}, "tid": 1})
    indexes = _indexes(path.with_name("finder.sqlite"))
    many = [{"rid": f"r{i}", "fields": {"state": "NY" if i % 2 else "MA"}} for i in range(2500)]
    with store.transaction():
        ids = store.records.insert_many(many)
        assert len(store.records.find(rid="r7")) == 1  # read before the commit
        store.records.update_many({i: {"tid": 100 + i} for i in ids})
        store.records.set_keys({i: [f"k{i % 7}"] for i in [1, *ids]}, everything=True)
    assert _indexes(path.with_name("finder.sqlite")) == indexes
    assert store.records.index.ids_with_keys(["k3"]) == {i for i in [1, *ids] if i % 7 == 3}
    assert store.records.index.tids_where("state", ["MA"]) == {1} | {
        100 + i for i, doc in zip(ids, many, strict=True) if doc["fields"]["state"] == "MA"
    }
    assert store.records.index.unkeyed() == set()
    with pytest.raises(RuntimeError), store.transaction():
        store.records.insert_many([{"rid": f"lost{i}"} for i in range(3000)])
        raise RuntimeError("boom")
    assert _indexes(path.with_name("finder.sqlite")) == indexes
    assert len(store.records) == 2501
    assert store.records.first(rid="lost5") is None
    store.close()


def test_the_records_just_written_are_read_as_written(store: Store) -> None:
    """A fresh import's documents are planned without reading them back: the same rows,
    in the same order, as reading everything."""
    with store.transaction():
        store.records.insert({"rid": "old", "fields": {"state": "MA"}})
        docs = [{"rid": f"n{i}", "fields": {"n": i}, "tid": None} for i in range(5)]
        docs.insert(2, {"rid": "mine", "source": {"kind": "user"}, "tid": 7})
        written = dict(zip(store.records.insert_many(docs, hand_over=True), docs, strict=True))
        read = [(i, dict(d)) for i, d in store.records.raw_docs()]
        assert [(i, dict(d)) for i, d in store.records.raw_docs(written)] == read
        kept = list(store.records.raw_docs(written))
        assert sum(1 for i, d in kept if d is written.get(i)) == 5  # not decoded again
        gap = {i: d for i, d in written.items() if i != 3}  # not one run of ids: read them all
        assert [(i, dict(d)) for i, d in store.records.raw_docs(gap)] == read
