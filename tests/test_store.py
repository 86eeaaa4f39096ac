"""The store, against both backends: memory and the atomic JSON file."""

from __future__ import annotations

import os
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
    from finder.storage import store as store_module

    writes = []
    real = store_module.atomic_write_bytes
    monkeypatch.setattr(
        store_module, "atomic_write_bytes", lambda p, d: (writes.append(p), real(p, d))
    )
    with store.transaction():
        for i in range(50):
            store.records.insert({"rid": str(i)})
    assert len(writes) == 1
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert len(orjson.loads(path.read_bytes())["records"]) == 50


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
    before = path.read_bytes()

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(StoreError, match="disk full"), store.transaction():
        store.records.insert({"rid": "new"})
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []
