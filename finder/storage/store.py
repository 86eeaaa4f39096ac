"""Where everything is kept: one TinyDB database in the data folder.

This is the only module that imports tinydb. The database file is written by
``AtomicOrjsonStorage``: orjson to a temporary file in the same folder, fsync,
then an atomic rename, so a crash or a full disk leaves either the old file or
the new one, never half of one.

Writes happen inside ``Store.transaction()``: it takes an exclusive lock (a
second writer waits a few seconds, then fails with a clear message), re-reads
the file so it works on what other processes wrote, buffers every change in
memory, and writes once at the end. An exception inside the block discards the
buffered changes. Reads outside a transaction see the last committed file.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document

from finder.errors import StoreBusy, StoreError
from finder.storage import backup, paths
from finder.storage.atomic import atomic_write_bytes
from finder.storage.locking import wait_for_lock

SCHEMA_VERSION = 1
LOCK_TIMEOUT_ENV = "FINDER_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 10.0

#: Migrations from version N to N+1, applied in order to the raw database dict.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}

Doc = dict[str, Any]


class AtomicOrjsonStorage(Storage):
    """A TinyDB storage: orjson, private file, atomic replace, fsync.

    Reads are cached: TinyDB asks the storage for the whole database on every
    query, and parsing a large file each time would make every command slow.
    While ``buffering`` is set, writes only update the cache; ``flush`` writes.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._cache: dict[str, Any] | None = None
        self._mtime: tuple[int, int] | None = None
        self.buffering = False
        self.dirty = False

    def _stat_key(self) -> tuple[int, int] | None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def reload(self) -> None:
        self._cache = None
        self._mtime = None
        self.dirty = False

    def read(self) -> dict[str, Any] | None:
        if self._cache is not None:
            return self._cache
        key = self._stat_key()
        if key is None:
            return None
        try:
            raw = self.path.read_bytes()
        except PermissionError as err:
            raise StoreError(f"cannot read {self.path}: permission denied") from err
        except OSError as err:
            raise StoreError(f"cannot read {self.path}: {err.strerror}") from err
        if not raw.strip():
            return None
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as err:
            raise StoreError(
                f"{self.path} is damaged ({err}); `finder restore` lists backups to restore"
            ) from err
        if not isinstance(data, dict):
            raise StoreError(f"{self.path} is not a finder database")
        self._cache = data
        self._mtime = key
        return data

    def write(self, data: dict[str, Any]) -> None:
        self._cache = data
        if self.buffering:
            self.dirty = True
            return
        self.flush()

    def flush(self) -> None:
        if self._cache is None:
            return
        atomic_write_bytes(self.path, orjson.dumps(self._cache))
        self._mtime = self._stat_key()
        self.dirty = False

    def close(self) -> None:
        pass


class SnapshotMemoryStorage(Storage):
    """In-memory storage with the file storage's commit/discard semantics (for tests)."""

    def __init__(self) -> None:
        self._committed: bytes | None = None
        self._cache: dict[str, Any] | None = None
        self.buffering = False
        self.dirty = False

    def reload(self) -> None:
        self._cache = orjson.loads(self._committed) if self._committed else None
        self.dirty = False

    def read(self) -> dict[str, Any] | None:
        return self._cache

    def write(self, data: dict[str, Any]) -> None:
        self._cache = data
        if self.buffering:
            self.dirty = True
        else:
            self.flush()

    def flush(self) -> None:
        self._committed = orjson.dumps(self._cache) if self._cache is not None else None
        self.dirty = False

    def close(self) -> None:
        pass


class Table:
    """A thin view of one TinyDB table that speaks plain dicts and predicates.

    Callers never see tinydb: they filter with Python callables or field
    equality, which keeps the rest of finder free to change the database.
    """

    def __init__(self, store: Store, name: str) -> None:
        self._store = store
        self.name = name

    @property
    def _t(self) -> Any:
        return self._store._db.table(self.name)

    def all(self) -> list[Doc]:
        return [_with_id(d) for d in self._t.all()]

    def raw_docs(self) -> Iterator[tuple[int, Doc]]:
        """(doc id, stored dict) without copying, for read-only scans of big tables
        (`finder search`). The dicts are the store's own: never modify them."""
        return ((int(k), v) for k, v in self._t._read_table().items())

    def __len__(self) -> int:
        return len(self._t)

    def __iter__(self) -> Iterator[Doc]:
        return iter(self.all())

    def get(self, doc_id: int) -> Doc | None:
        doc = self._t.get(doc_id=doc_id)
        return _with_id(doc) if doc is not None else None

    def find(self, predicate: Callable[[Doc], bool] | None = None, **equals: Any) -> list[Doc]:
        out = []
        for d in self._t.all():
            if all(d.get(k) == v for k, v in equals.items()) and (
                predicate is None or predicate(d)
            ):
                out.append(_with_id(d))
        return out

    def first(self, **equals: Any) -> Doc | None:
        found = self.find(**equals)
        return found[0] if found else None

    def insert(self, doc: Mapping[str, Any]) -> int:
        self._store._require_tx()
        return int(self._t.insert(_strip_id(doc)))

    def insert_many(
        self, docs: Iterable[Mapping[str, Any]], *, hand_over: bool = False
    ) -> list[int]:
        """Insert documents; ``hand_over=True`` stores the given dicts themselves (the
        caller made them for this and never touches them again) instead of copies."""
        self._store._require_tx()
        table = self._t
        ids: list[int] = []

        def insert(stored: dict[str, Any]) -> None:
            for doc in docs:
                doc_id = table._get_next_id()
                stored[str(doc_id)] = (
                    doc if hand_over and "_id" not in doc and type(doc) is dict else _strip_id(doc)
                )
                ids.append(doc_id)

        self._change_raw(insert)
        return ids

    def update(self, doc_id: int, changes: Mapping[str, Any]) -> None:
        self._store._require_tx()
        self._t.update(_strip_id(changes), doc_ids=[doc_id])

    def replace(self, doc_id: int, doc: Mapping[str, Any]) -> None:
        self._store._require_tx()
        self._t.upsert(Document(_strip_id(doc), doc_id=doc_id))

    def update_many(self, changes: Mapping[int, Mapping[str, Any]]) -> None:
        """Apply many per-document updates in one pass over the table."""
        if not changes:
            return
        self._store._require_tx()

        def update(stored: dict[str, Any]) -> None:
            for doc_id, change in changes.items():
                doc = stored.get(str(doc_id))
                if doc is not None:
                    doc.update(change)
                    doc.pop("_id", None)

        self._change_raw(update)

    def _change_raw(self, change: Callable[[dict[str, Any]], None]) -> None:
        """TinyDB's ``_update_table`` on the stored table itself (keys are strings).

        TinyDB copies a whole table twice per change (to integer keys and back); for
        bulk changes to a big table inside a transaction that is most of the cost.
        """
        storage = self._store._storage
        tables = storage.read()
        if tables is None:
            tables = {}
        change(tables.setdefault(self.name, {}))
        storage.write(tables)
        self._t.clear_cache()

    def remove(self, doc_ids: Iterable[int]) -> None:
        ids = list(doc_ids)
        if ids:
            self._store._require_tx()
            self._t.remove(doc_ids=ids)

    def remove_where(self, predicate: Callable[[Doc], bool] | None = None, **equals: Any) -> int:
        ids = [d["_id"] for d in self.find(predicate, **equals)]
        self.remove(ids)
        return len(ids)

    def truncate(self) -> None:
        self._store._require_tx()
        self._t.truncate()


def _with_id(doc: Document) -> Doc:
    out = dict(doc)
    out["_id"] = doc.doc_id
    return out


def _strip_id(doc: Mapping[str, Any]) -> dict[str, Any]:
    # Every document a command writes passes here: what a person typed (a note, an
    # kept here: the text readers (finder.records.normalize, 35 ms) load only when a document is written
    from finder.records.normalize.text import strip_controls_deep

    return {k: strip_controls_deep(v) for k, v in doc.items() if k != "_id"}


class Store:
    """The database. ``Store(None)`` keeps everything in memory (for tests)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._depth = 0
        self._lock_fd: int | None = None
        if path is None:
            self._db = TinyDB(storage=SnapshotMemoryStorage)
        else:
            self._db = TinyDB(path, storage=AtomicOrjsonStorage)
        storage = self._db.storage
        assert isinstance(storage, AtomicOrjsonStorage | SnapshotMemoryStorage)
        self._storage = storage
        self._checked_version = False
        self._migrating = False

    # -- tables ---------------------------------------------------------------

    def table(self, name: str) -> Table:
        self._check_version()
        return Table(self, name)

    def table_names(self) -> list[str]:
        """Every table in the database (an export walks them all)."""
        self._check_version()
        return sorted(self._db.tables())

    def __getattr__(self, name: str) -> Table:
        # store.records, store.profiles ...: readable call sites.
        if name.startswith("_"):
            raise AttributeError(name)
        return self.table(name)

    # -- meta -----------------------------------------------------------------

    def meta(self) -> dict[str, Any]:
        docs = self._db.table("meta").all()
        return dict(docs[0]) if docs else {}

    def set_meta(self, **values: Any) -> None:
        self._require_tx()
        meta = self._db.table("meta")
        if len(meta):
            meta.update(values)
        else:
            meta.insert({"schema": SCHEMA_VERSION, **values})

    def _check_version(self) -> None:
        if self._checked_version or self._migrating:
            return
        version = self.meta().get("schema")
        if version is not None and version > SCHEMA_VERSION:
            # Not marked as checked: every later access must be refused too.
            raise StoreError(
                f"this data was written by a newer finder (schema {version}, this finder knows "
                f"{SCHEMA_VERSION}); upgrade finder, nothing was changed"
            )
        if version is not None and version < SCHEMA_VERSION:
            self._migrate()
        self._checked_version = True

    def _migrate(self) -> None:
        """Bring an older store up to date, once, under the lock, after a backup."""
        self._migrating = True  # the transaction below checks the version again
        try:
            with self.transaction():
                data = self._db.storage.read() or {}
                metas = list((data.get("meta") or {}).values())
                version = metas[0].get("schema") if metas else None
                if version is None or version >= SCHEMA_VERSION:
                    return  # another finder migrated it while we waited for the lock
                if self.path is not None:
                    backup.make(self.path, reason=f"before migrating from schema {version}")
                try:
                    for step in range(version, SCHEMA_VERSION):
                        data = MIGRATIONS[step](data)
                except Exception as err:
                    raise StoreError(
                        f"could not update the data from schema {version} "
                        f"({type(err).__name__}); nothing was changed"
                    ) from err
                data.setdefault("meta", {"1": {}})
                for doc in data["meta"].values():
                    doc["schema"] = SCHEMA_VERSION
                self._db.storage.write(data)
                self._db.clear_cache()
        finally:
            self._migrating = False

    # -- transactions ---------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Store]:
        """Lock, re-read, buffer every change, write once; discard on error."""
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        self._acquire_lock()
        storage = self._storage
        try:
            if self.path is not None:
                storage.reload()  # see what other processes committed
            self._db.clear_cache()
            storage.buffering = True
            self._depth = 1
            self._checked_version = False
            self._check_version()
            if not self.meta():
                self.set_meta()
            yield self
            if storage.dirty:
                storage.flush()
        except BaseException:
            storage.reload()
            self._db.clear_cache()
            raise
        finally:
            self._depth = 0
            storage.buffering = False
            self._release_lock()

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the write lock without reading the file: restore and wipe work on a damaged one."""
        if self._depth:
            yield
            return
        self._acquire_lock()
        try:
            yield
        finally:
            self._storage.reload()
            self._db.clear_cache()
            self._checked_version = False
            self._release_lock()

    def _require_tx(self) -> None:
        if self._depth == 0 and self.path is not None:
            raise RuntimeError("store writes must happen inside Store.transaction()")

    def _acquire_lock(self) -> None:
        if self.path is None:
            return
        lock_path = self.path.with_name(self.path.name + ".lock")
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as err:
            raise StoreError(f"cannot write {self.path.parent}: {err.strerror}") from err
        timeout = float(os.environ.get(LOCK_TIMEOUT_ENV, DEFAULT_LOCK_TIMEOUT))
        if not wait_for_lock(fd, timeout):
            os.close(fd)
            raise StoreBusy(
                f"another finder is writing to {self.path.parent} (waited {timeout:.0f}s); "
                "try again when it has finished"
            )
        self._lock_fd = fd
        self._remove_stale_temp_files()

    def _remove_stale_temp_files(self) -> None:
        # Every write happens under this lock, so a temporary file seen now was left by a
        # writer that was killed mid-write: the store itself is intact, the leftover is junk.
        assert self.path is not None
        for leftover in self.path.parent.glob(f".{self.path.name}.*.tmp"):
            with contextlib.suppress(OSError):
                leftover.unlink()

    def _release_lock(self) -> None:
        if self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None

    def close(self) -> None:
        self._release_lock()
        self._db.close()


def open_store(path: Path | None = None) -> Store:
    """Open the store in the data folder (created private on first use)."""
    if path is None:
        path = paths.store_file()
    try:
        paths.ensure_private_dir(path.parent)
    except OSError as err:
        # A folder that exists but cannot be changed (read-only disk) can still be read.
        if not path.parent.is_dir():
            raise StoreError(
                f"cannot create the data folder {path.parent}: {err.strerror}"
            ) from err
    return Store(path)
