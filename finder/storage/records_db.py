"""Imported directory records: an indexed SQLite file beside the user's own work.

Records imported from directories are bulky, come from files the user still has,
and are read far more than written; they live in ``finder.sqlite`` (Python's own
``sqlite3``, WAL mode, full sync), one row per record: the document as an orjson
blob, its therapist id in a column of its own (a relink rewrites only that), and
the keys that lookups use in indexed columns. The merge keeps its blocking keys in
``keys`` (record id, key), so a new record finds the records it may join without
reading the others.

``moves`` logs the therapist ids a merge absorbed: the user's work (the TinyDB file,
committed after this one) must follow them, and a crash between the two commits
is repaired on the next transaction from this log.

Only ``finder.storage.store`` uses this module: the rest of finder sees tables.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson

from finder.errors import StoreError

Doc = dict[str, Any]

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    id INTEGER PRIMARY KEY,
    rid TEXT,
    tid INTEGER,
    npi TEXT,
    state TEXT,
    country TEXT,
    ipt TEXT,
    keyed INTEGER,
    doc BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS records_unkeyed ON records(keyed) WHERE keyed IS NULL;
CREATE INDEX IF NOT EXISTS records_rid ON records(rid);
CREATE INDEX IF NOT EXISTS records_tid ON records(tid);
CREATE INDEX IF NOT EXISTS records_npi ON records(npi);
CREATE INDEX IF NOT EXISTS records_state ON records(state);
CREATE INDEX IF NOT EXISTS records_country ON records(country);
CREATE INDEX IF NOT EXISTS records_ipt ON records(ipt);
CREATE TABLE IF NOT EXISTS keys (id INTEGER NOT NULL, key TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS keys_key ON keys(key);
CREATE INDEX IF NOT EXISTS keys_id ON keys(id);
CREATE TABLE IF NOT EXISTS moves (seq INTEGER PRIMARY KEY, absorbed BLOB NOT NULL);
"""

#: Columns a ``find(**equals)`` can ask SQLite for instead of reading every record.
INDEXED = ("rid", "tid", "npi", "state", "country", "ipt")

#: From this many rows on, a write of at least as many rows as a table holds builds
#: the table's indexes once afterwards (CREATE INDEX sorts the rows once) instead of
#: updating every index row by row: a fresh import of 20,000 records writes in half
#: the time. It all stays inside the one transaction, so a crash leaves the old state.
BULK_ROWS = 1000


def columns(doc: Doc) -> tuple[Any, ...]:
    """(rid, npi, state, country, ipt class) of a record: what the indexes hold."""
    fields = doc.get("fields") or {}
    ipt = doc.get("ipt")
    level = ipt.get("level") if isinstance(ipt, dict) else None
    rid = doc.get("rid")
    return (
        str(rid) if rid is not None else None,
        _text(fields.get("npi")),
        _text(fields.get("state")),
        _text(fields.get("country")),
        _text(level),
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def blob(doc: Doc) -> bytes:
    """The stored bytes: the document without its database id and therapist id."""
    return orjson.dumps({k: v for k, v in doc.items() if k not in ("_id", "tid")})


def decode(doc_id: int, tid: int | None, data: bytes) -> Doc:
    doc: Doc = orjson.loads(data)
    doc["tid"] = tid
    return doc


class RecordDB:
    """One SQLite connection, opened when first needed.

    A store that never held an imported record has no file: reads see nothing and
    nothing is created until a record is written. ``path=None`` keeps it in memory.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self.in_tx = False
        # Indexes dropped for a bulk write, to build again before anything reads or
        # commits: name -> the CREATE statement SQLite kept for it.
        self._set_aside: dict[str, str] = {}

    # -- connection -----------------------------------------------------------

    def _connect(self, create: bool) -> sqlite3.Connection | None:
        if self._conn is not None:
            return self._conn
        if self.path is None:
            conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
            conn.executescript(SCHEMA)
            self._conn = conn
            return conn
        if not self.path.exists():
            if not create:
                return None
            with self._errors():
                os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        conn = self._open()
        self._conn = conn
        return conn

    def _open(self) -> sqlite3.Connection:
        assert self.path is not None
        try:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout = 30000")
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            # FULL: a commit is on disk before the user's work (committed after it) is.
            conn.execute("PRAGMA synchronous = FULL")
            if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
                conn.executescript(SCHEMA)
            return conn
        except sqlite3.DatabaseError as err:
            if "readonly" in str(err) or "unable to open" in str(err):
                # A read-only folder: read what is there without the WAL's shared memory.
                uri = f"file:{self.path}?immutable=1"
                return sqlite3.connect(uri, uri=True, isolation_level=None)
            raise StoreError(
                f"{self.path} is damaged ({err}); re-import your files or `finder restore`"
            ) from err

    def reader(self) -> sqlite3.Connection | None:
        with self._errors():
            if self._set_aside:
                self._restore_indexes()
            return self._connect(create=False)

    def writer(self) -> sqlite3.Connection:
        if not self.in_tx:
            raise RuntimeError("store writes must happen inside Store.transaction()")
        with self._errors():
            conn = self._connect(create=True)
        assert conn is not None
        if not conn.in_transaction:
            with self._errors():
                conn.execute("BEGIN IMMEDIATE")
        return conn

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.OperationalError as err:
            raise self._store_error(err) from err
        except OSError as err:
            folder = self.path.parent if self.path else "memory"
            if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
                raise StoreError(
                    f"cannot write {folder}: {err.strerror}; nothing was changed"
                ) from err
            raise StoreError(f"could not save {self.path}: {err.strerror}") from err

    def _store_error(self, err: sqlite3.Error) -> StoreError:
        text = str(err)
        if "full" in text:
            return StoreError(f"disk full: could not save {self.path}; nothing was changed")
        if "readonly" in text or "read-only" in text:
            folder = self.path.parent if self.path else "memory"
            return StoreError(f"cannot write {folder}: Read-only file system")
        return StoreError(f"could not use {self.path} ({text}); nothing was changed")

    # -- transactions ---------------------------------------------------------

    def begin(self) -> None:
        self.in_tx = True

    def commit(self) -> None:
        self.in_tx = False
        conn = self._conn
        if conn is not None and conn.in_transaction:
            try:
                self._restore_indexes()
                conn.execute("COMMIT")
            except sqlite3.Error as err:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise self._store_error(err) from err

    def rollback(self) -> None:
        self.in_tx = False
        self._set_aside.clear()  # the rollback brings them back
        conn = self._conn
        if conn is not None and conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None

    # -- reading --------------------------------------------------------------

    def rows(self, where: str = "", args: Iterable[Any] = ()) -> Iterator[tuple[int, Doc]]:
        conn = self.reader()
        if conn is None:
            return
        sql = f"SELECT id, tid, doc FROM records {where} ORDER BY id"
        with self._errors():
            cursor = conn.execute(sql, tuple(args))
        for doc_id, tid, data in cursor:
            yield doc_id, decode(doc_id, tid, data)

    def rows_knowing(self, written: Mapping[int, Doc]) -> Iterator[tuple[int, Doc]]:
        """``rows()``, but the documents of ``written`` are not read back: ids in one
        run, written in this transaction and not changed since (a fresh import's)."""
        low, high = (min(written), max(written)) if written else (0, -1)
        if high - low + 1 != len(written):
            yield from self.rows()
            return
        conn = self.reader()
        if conn is None:
            return
        sql = (
            "SELECT id, tid, CASE WHEN id BETWEEN ? AND ? THEN NULL ELSE doc END "
            "FROM records ORDER BY id"
        )
        with self._errors():
            cursor = conn.execute(sql, (low, high))
        for doc_id, tid, data in cursor:
            if data is not None:
                yield doc_id, decode(doc_id, tid, data)
                continue
            doc = written[doc_id]
            yield doc_id, doc if doc.get("tid") == tid else {**doc, "tid": tid}

    def find(self, equals: dict[str, Any]) -> Iterator[tuple[int, Doc]]:
        """Rows whose indexed columns equal the given values (``None`` matches NULL)."""
        where = " AND ".join(f"{k} IS ?" for k in equals)
        return self.rows(f"WHERE {where}" if where else "", equals.values())

    def get(self, doc_id: int) -> Doc | None:
        found = next(self.rows("WHERE id = ?", (doc_id,)), None)
        return found[1] if found is not None else None

    def count(self, where: str = "", args: Iterable[Any] = ()) -> int:
        conn = self.reader()
        if conn is None:
            return 0
        with self._errors():
            found = conn.execute(f"SELECT count(*) FROM records {where}", tuple(args)).fetchone()
        return int(found[0])

    def _number(self, sql: str) -> int:
        conn = self.reader()
        if conn is None:
            return 0
        with self._errors():
            return int(conn.execute(sql).fetchone()[0])

    def max_id(self) -> int:
        return self._number("SELECT coalesce(max(id), 0) FROM records")

    def tids(self) -> set[int]:
        return self._ids("SELECT DISTINCT tid FROM records WHERE tid IS NOT NULL", ())

    def tids_where(self, column: str, values: Iterable[str]) -> set[int]:
        """Therapists with a record whose indexed ``column`` holds one of ``values``."""
        assert column in INDEXED
        return self._ids(
            f"SELECT DISTINCT tid FROM records WHERE tid IS NOT NULL AND {column} IN ({{}})",
            values,
        )

    def max_tid(self) -> int:
        return self._number("SELECT coalesce(max(tid), 0) FROM records")

    def ids_with_keys(self, keys: Iterable[str]) -> set[int]:
        """Records that share any of these merge keys."""
        return self._ids("SELECT DISTINCT id FROM keys WHERE key IN ({})", keys)

    def ids_of_therapists(self, tids: Iterable[int]) -> set[int]:
        return self._ids("SELECT id FROM records WHERE tid IN ({})", tids)

    def ids_of_rids(self, rids: Iterable[str]) -> set[int]:
        return self._ids("SELECT id FROM records WHERE rid IN ({})", rids)

    def unkeyed(self) -> set[int]:
        """Records written since the merge last set their keys."""
        return self._ids("SELECT id FROM records WHERE keyed IS NULL", ())

    def _ids(self, sql: str, values: Iterable[Any]) -> set[int]:
        conn = self.reader()
        wanted = list(set(values))
        if conn is None:
            return set()
        found: set[int] = set()
        with self._errors():
            if "{}" not in sql:
                return {row[0] for row in conn.execute(sql)}
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                found.update(row[0] for row in conn.execute(sql.format(marks), chunk))
        return found

    def moves_since(self, seq: int) -> list[tuple[int, dict[int, int]]]:
        conn = self.reader()
        if conn is None:
            return []
        with self._errors():
            found = conn.execute(
                "SELECT seq, absorbed FROM moves WHERE seq > ? ORDER BY seq", (seq,)
            ).fetchall()
        return [(s, {int(k): int(v) for k, v in orjson.loads(a).items()}) for s, a in found]

    # -- bulk writes ----------------------------------------------------------

    def _is_bulk(self, rows: int, table: str = "records") -> bool:
        """Whether writing ``rows`` rows is a bulk write: as many as the table holds."""
        if rows < BULK_ROWS:
            return False
        conn = self._conn
        if conn is None:
            return True
        return rows >= int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    def _drop_indexes(
        self, conn: sqlite3.Connection, table: str, names: Iterable[str] = ()
    ) -> None:
        """Drop the table's indexes (or those named) until ``_restore_indexes``."""
        wanted = set(names)
        found = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL",
            (table,),
        ).fetchall()
        for name, sql in found:
            if not wanted or name in wanted:
                conn.execute(f"DROP INDEX {name}")
                self._set_aside[name] = sql

    def _restore_indexes(self) -> None:
        conn = self._conn
        if not self._set_aside or conn is None:
            return
        set_aside, self._set_aside = self._set_aside, {}
        for sql in set_aside.values():
            conn.execute(sql)

    @contextlib.contextmanager
    def bulk(self, rows: int) -> Iterator[None]:
        """Around the insert of ``rows`` records: with as many as the store holds, the
        records' indexes are built once after them (before anything reads or commits)."""
        if not self._is_bulk(rows):
            yield
            return
        conn = self.writer()
        with self._errors():
            self._drop_indexes(conn, "records")
        yield
        with self._errors():
            self._restore_indexes()

    # -- writing --------------------------------------------------------------

    def insert(self, rows: Iterable[tuple[int, Doc]]) -> None:
        rows = list(rows)
        if not rows:
            return
        conn = self.writer()
        with self._errors():
            conn.executemany(
                "INSERT OR REPLACE INTO records (id, rid, npi, state, country, ipt, tid, doc) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                ((i, *columns(d), d.get("tid"), blob(d)) for i, d in rows),
            )

    def set_tids(self, tids: Iterable[tuple[int | None, int]]) -> None:
        """(therapist id, doc id) pairs."""
        tids = list(tids)
        if not tids:
            return
        conn = self.writer()
        with self._errors():
            if self._is_bulk(len(tids)):
                self._drop_indexes(conn, "records", ["records_tid"])
            conn.executemany("UPDATE records SET tid = ? WHERE id = ?", tids)
            self._restore_indexes()

    def remove(self, ids: Iterable[int]) -> None:
        chosen = [(i,) for i in ids]
        if not chosen or self.reader() is None:
            return
        conn = self.writer()
        with self._errors():
            conn.executemany("DELETE FROM records WHERE id = ?", chosen)
            conn.executemany("DELETE FROM keys WHERE id = ?", chosen)

    def truncate(self) -> None:
        if self.reader() is None:
            return
        conn = self.writer()
        with self._errors():
            conn.execute("DELETE FROM records")
            conn.execute("DELETE FROM keys")

    def set_keys(self, keys: dict[int, Iterable[str]], *, everything: bool = False) -> None:
        """Replace the merge keys of these records (``everything``: of all records)."""
        # Nothing to write creates no file (a store of the user's own records only).
        if not keys and (not everything or self.reader() is None):
            return
        conn = self.writer()
        with self._errors():
            if everything:
                conn.execute("DELETE FROM keys")
                if len(keys) >= BULK_ROWS:
                    self._drop_indexes(conn, "keys")
            else:
                conn.executemany("DELETE FROM keys WHERE id = ?", ((i,) for i in keys))
            conn.executemany(
                "INSERT INTO keys (id, key) VALUES (?, ?)",
                ((i, k) for i, ks in keys.items() for k in set(ks)),
            )
            self._restore_indexes()
            if everything:
                # Every imported record is among ``keys``.
                conn.execute("UPDATE records SET keyed = 1 WHERE keyed IS NULL")
            else:
                conn.executemany("UPDATE records SET keyed = 1 WHERE id = ?", ((i,) for i in keys))

    def log_move(self, absorbed: dict[int, int]) -> int:
        conn = self.writer()
        data = orjson.dumps({str(k): v for k, v in absorbed.items()})
        with self._errors():
            cursor = conn.execute("INSERT INTO moves (absorbed) VALUES (?)", (data,))
        return int(cursor.lastrowid or 0)
