"""Where everything is kept: the user's work in TinyDB, imported records in SQLite.

Two files in the data folder: ``finder.json`` (TinyDB) holds the user's own work,
small and precious: profiles, shortlist, contacts, answers, notes, the records
the user entered or corrected, merge decisions. ``finder.sqlite`` holds the
records imported from directories, indexed (``records_db``). ``store.records``
reads both as one table (``records_table``).

The TinyDB file is written by ``AtomicOrjsonStorage``: orjson to a temporary file in the same folder, fsync,
then an atomic rename, so a crash or a full disk leaves either the old file or
the new one, never half of one.

Writes happen inside ``Store.transaction()``: it takes an exclusive lock (a
second writer waits a few seconds, then fails with a clear message), re-reads
the file so it works on what other processes wrote, buffers every change in
memory, and writes once at the end. An exception inside the block discards the
buffered changes. Reads outside a transaction see the last committed file.
The SQLite part commits first, then the TinyDB file; therapist ids a merge
absorbed are logged in SQLite and replayed on the TinyDB part at the next
transaction if a crash came between the two commits.

A store from before the split (schema 1: everything in ``finder.json``) is
migrated on first open, after a backup: its imported records move to SQLite. One of
schema 2 gains the columns search reads of each imported record (``facts``), filled
from the records in one SQLite transaction; one of schema 3 gains those of the session
formats, issues, languages and age groups the same way.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Document

from finder.errors import StoreBusy, StoreError
from finder.storage import backup, paths
from finder.storage.docs import Doc, Lookups, strip_id
from finder.storage.locking import wait_for_lock
from finder.storage.records_db import RecordDB
from finder.storage.records_table import RecordsTable, is_own
from finder.storage.tinyfile import AtomicOrjsonStorage, SnapshotMemoryStorage

SCHEMA_VERSION = 4
#: Every table finder keeps: a misspelt name is refused rather than read as empty.
TABLES = frozenset(
    {"records", "merge_decisions", "profiles", "shortlist", "contacts", "answers", "notes",
     "verifications", "sources", "callplans", "meta"}
)  # fmt: skip
LOCK_TIMEOUT_ENV = "FINDER_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 10.0

#: Migrations from version N to N+1, applied in order to the raw database dict.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


class Table(Lookups):
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

    def insert(self, doc: Mapping[str, Any]) -> int:
        self._store._require_tx()
        return int(self._t.insert(strip_id(doc)))

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
                    doc if hand_over and "_id" not in doc and type(doc) is dict else strip_id(doc)
                )
                ids.append(doc_id)

        self._change_raw(insert)
        return ids

    def update(self, doc_id: int, changes: Mapping[str, Any]) -> None:
        self._store._require_tx()
        self._t.update(strip_id(changes), doc_ids=[doc_id])

    def replace(self, doc_id: int, doc: Mapping[str, Any]) -> None:
        self._store._require_tx()
        self._t.upsert(Document(strip_id(doc), doc_id=doc_id))

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

    def truncate(self) -> None:
        self._store._require_tx()
        self._t.truncate()


def _with_id(doc: Document) -> Doc:
    out = dict(doc)
    out["_id"] = doc.doc_id
    return out


class Store:
    """The database. ``Store(None)`` keeps everything in memory (for tests)."""

    def __init__(self, path: Path | None, notice: Callable[[str], None] | None = None) -> None:
        self.path = path
        self._notice = notice
        self._sql = RecordDB(path.with_name("finder.sqlite") if path is not None else None)
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

    def table(self, name: str) -> Any:
        """A table by name (``Table``; ``RecordsTable`` for the records)."""
        if self.path is None and name not in TABLES:
            raise AttributeError(f"no table {name!r} in finder's store")
        self._check_version()
        if name == "records":
            return RecordsTable(self, Table(self, name), self._sql)
        return Table(self, name)

    def table_names(self) -> list[str]:
        """Every table in the database (an export walks them all)."""
        self._check_version()
        names = set(self._db.tables())
        if self._sql.count():
            names.add("records")
        return sorted(names)

    def __getattr__(self, name: str) -> Any:
        # store.records, store.profiles ...: readable call sites; a misspelt one fails.
        if name.startswith("_") or name not in TABLES:
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
        if self._depth == 0 and self._moves_pending():
            # A crash fell between the two commits: a reader too must see the user's work
            # follow its therapists, so the moves are replayed (under the lock) first.
            with contextlib.suppress(StoreError), self.transaction():
                pass

    def _moves_pending(self) -> bool:
        if self._sql.reader() is None:
            return False
        applied = int(self.meta().get("moves_applied") or 0)
        return bool(self._sql.moves_since(applied))

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
                        if step == 1:
                            data = self._split(data)
                        elif step in (2, 3):
                            if step == max(version, 2):  # once: every column search reads
                                self._sql.add_facts()
                        else:
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
            if self._notice is not None and version in (1, 2, 3) and self.path is not None:
                what = {1: "imported records now live in finder.sqlite",
                        2: "finder.sqlite now indexes what search filters on"}.get(
                    version, "finder.sqlite now indexes the formats, issues, languages and "
                    "age groups search filters on")  # fmt: skip
                self._notice(
                    f"Updated {self.path.parent} for this finder: {what} "
                    f"(a backup of the old file is in {backup.backup_dir(self.path)})."
                )
        finally:
            self._migrating = False

    def _split(self, data: dict[str, Any]) -> dict[str, Any]:
        """Schema 1 to 2: imported records move to SQLite; the user's own stay here.

        Done again from the start if a crash stops it: the SQLite part is emptied first,
        and the TinyDB file (committed last) still holds every record until then.
        """
        records: dict[str, Any] = data.get("records") or {}
        self._sql.truncate()
        imported = [(int(k), d) for k, d in records.items() if not is_own(d)]
        for start in range(0, len(imported), 5000):
            self._sql.insert(imported[start : start + 5000])
        data["records"] = {k: d for k, d in records.items() if is_own(d)}
        return data

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
            self._sql.begin()
            self._checked_version = False
            self._check_version()
            if not self.meta():
                self.set_meta()
            self._replay_moves()
            yield self
            # The user's work is written first but put in place last: a full disk fails
            # before anything is committed; a crash between leaves the TinyDB file old,
            # and the moves log repairs what it must follow.
            staged = storage.stage() if storage.dirty else None
            try:
                self._sql.commit()
            except BaseException:
                if staged is not None:
                    staged.drop()
                raise
            if staged is not None:
                staged.put()
        except BaseException:
            self._sql.rollback()
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
        if self._depth == 0:
            raise RuntimeError("store writes must happen inside Store.transaction()")

    def log_moves(self, absorbed: Mapping[int, int]) -> None:
        """Therapist ids a merge absorbed: the user's work follows them (``moves``)."""
        if absorbed:
            seq = self._sql.log_move(dict(absorbed))
            self.set_meta(moves_applied=seq)

    def _replay_moves(self) -> None:
        """Moves SQLite committed that the TinyDB file missed (a crash between commits)."""
        applied = int(self.meta().get("moves_applied") or 0)
        pending = self._sql.moves_since(applied) if self._sql.reader() is not None else []
        if not pending:
            return
        # kept here: moves imports this module
        from finder.storage.moves import move_therapist_data

        own = Table(self, "records")
        for seq, absorbed in pending:
            own.update_many(
                {d["_id"]: {"tid": absorbed[d["tid"]]} for d in own.all()
                 if d.get("tid") in absorbed}
            )  # fmt: skip
            move_therapist_data(self, absorbed)
            self.set_meta(moves_applied=seq)

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
        self._sql.close()
        self._db.close()


def open_store(path: Path | None = None, notice: Callable[[str], None] | None = None) -> Store:
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
    return Store(path, notice)
