"""Imported directory records: an indexed SQLite file beside the user's own work.

Records imported from directories are bulky, come from files the user still has,
and are read far more than written; they live in ``finder.sqlite`` (Python's own
``sqlite3``, WAL mode, full sync), one row per record: the document as an orjson
blob, its therapist id in a column of its own (a relink rewrites only that), and
the keys that lookups use in indexed columns; the merge's blocking keys in ``keys`` (record
id, key), so a new record finds the records it may join without reading the others.

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
from finder.records import facts
from finder.storage import records_bulk, records_search
from finder.storage.records_schema import (
    FACT_TYPES,
    INDEXED,
    INSERT,
    PLANS,
    SCHEMA,
    SEARCH_PARTS,
    SET_FACTS,
    TERMS,
    Doc,
    blob,
    columns,
    decode,
    term_ids,
)


class RecordDB:
    """One SQLite connection, opened when first needed.

    A store that never held an imported record has no file: reads see nothing and
    nothing is created until a record is written. ``path=None`` keeps it in memory.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self.in_tx = False
        # Therapists whose records came, went or moved in this transaction (their mates are
        # counted again at commit); ``None``: so many that all are counted.
        self._touched: set[int] | None = set()
        self._aside = records_bulk.SetAside()

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
            # A new file's pages (an existing file keeps its own): see ``records_bulk``.
            conn.execute(f"PRAGMA page_size = {records_bulk.PAGE_BYTES}")
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
            self._aside.restore(self._conn)
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
                self._aside.restore(conn)
                touched, self._touched = self._touched, set()
                records_bulk.count_mates(conn, touched)
                conn.execute("COMMIT")
            except sqlite3.Error as err:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise self._store_error(err) from err

    def rollback(self) -> None:
        self.in_tx = False
        self._touched = set()
        self._aside.forget()
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

    def first_tids(self, limit: int) -> list[int]:
        """The ``limit`` lowest therapist ids, from the index (no record is read)."""
        sql = "SELECT DISTINCT tid FROM records WHERE tid IS NOT NULL ORDER BY tid LIMIT {}"
        return sorted(self._ids(sql.format(int(limit)), ()))

    def count_tids(self) -> int:
        """How many therapists have an imported record. Outside a transaction, from the
        counts of narrow indexes and of ``mates`` (kept at every commit): records with a
        therapist, less one for each further record of a therapist with several."""
        if self.in_tx:
            return self._number("SELECT count(DISTINCT tid) FROM records WHERE tid IS NOT NULL")
        return self._number(
            "SELECT (SELECT count(*) FROM records) - (SELECT count(*) FROM records WHERE tid "
            "IS NULL) - (SELECT count(*) FROM records WHERE tid IN (SELECT tid FROM mates)) "
            "+ (SELECT count(*) FROM mates)"
        )

    def tids_among(self, tids: Iterable[int]) -> set[int]:  # those with an imported record
        return self._ids("SELECT DISTINCT tid FROM records WHERE tid IN ({})", tids)

    def tids_where(self, column: str, values: Iterable[str]) -> set[int]:
        """Therapists with a record whose indexed ``column`` holds one of ``values``."""
        assert column in INDEXED
        return self._ids(
            f"SELECT DISTINCT tid FROM records WHERE tid IS NOT NULL AND {column} IN ({{}})",
            values,
        )

    def sieve(self, sieve: records_search.Sieve) -> tuple[list[Any], list[Any], set[int], int]:
        """A search's first pass (``records_search``): the ``solo`` rows, the ``mates``
        rows, the therapists with several records (whose solo rows do not count), and how
        many therapists (not ``own``) have a record at the levels asked."""
        conn = self.reader()
        if conn is None:
            return [], [], set(), 0
        with self._errors():
            several = {row[0] for row in conn.execute("SELECT tid FROM mates")}
            records_search.fit(conn, sieve)
            solo = list(records_search.solo(conn, sieve))
            folded = list(records_search.mates(conn, sieve)) if several else []
            counted = records_search.at_levels(conn, sieve)
        return solo, folded, several, counted

    def plan_lists(self) -> list[str]:
        """Every list of plans a record states (``facts``: JSON text), and perhaps some
        no record states any more."""
        conn = self.reader()
        if conn is None:
            return []
        with self._errors():
            return [row[0] for row in conn.execute("SELECT plans FROM plan_lists")]

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

    @contextlib.contextmanager
    def bulk(self, rows: int) -> Iterator[None]:
        """Around the insert of ``rows`` records: with as many as the store holds, the
        records' indexes are built once after them (before anything reads or commits)."""
        if records_bulk.BULK_ROWS <= rows <= records_bulk.ROOMY_ROWS:
            records_bulk.roomy(self.writer())
        if not records_bulk.is_bulk(self._conn, rows):
            yield
            return
        conn = self.writer()
        with self._errors():
            self._aside.drop(conn, "records")
        yield
        with self._errors():
            self._aside.restore(conn)

    # -- writing --------------------------------------------------------------

    def insert(self, rows: Iterable[tuple[int, Doc]], *, keyed: bool = False) -> None:
        """Write these records whole; ``keyed``: their merge keys are written in this
        transaction too (``set_keys``), so they are not marked as waiting for them."""
        rows = list(rows)
        if not rows:
            return
        conn = self.writer()
        mark = 1 if keyed else None
        with self._errors():
            made = [(i, *columns(d), d.get("tid"), mark, blob(d)) for i, d in rows]
            made = term_ids(conn, made, TERMS)
            self._touch((row[-3] for row in made), (row[0] for row in made))
            conn.executemany(INSERT, made)
            plans = {row[PLANS] for row in made if row[PLANS] is not None}
            conn.executemany(
                "INSERT OR IGNORE INTO plan_lists (plans) VALUES (?)", ((p,) for p in plans)
            )

    def _touch(self, tids: Iterable[Any], ids: Iterable[int] = ()) -> None:
        """These therapists' records change, and those of the records ``ids`` (before)."""
        if self._touched is None:
            return
        if self._aside:  # a bulk write: as many records as the store held
            self._touched = None
            return
        self._touched.update(t for t in tids if t is not None)
        if len(self._touched) <= records_bulk.RECOUNT_ALL:
            self._touched |= self._ids(
                "SELECT tid FROM records WHERE id IN ({}) AND tid IS NOT NULL", ids
            )
        if len(self._touched) > records_bulk.RECOUNT_ALL:
            self._touched = None

    def add_facts(self) -> None:
        """Schemas 2 and 3 to 4: the columns search reads (``facts.COLUMNS``) and their
        index, filled from each stored record, in this transaction."""
        conn = self.reader()
        if conn is None:
            return  # no imported record yet: the file is made with every column
        with self._errors():
            have = {row[1] for row in conn.execute("PRAGMA table_info(records)")}
        missing = [name for name in FACT_TYPES if name not in have]
        conn = self.writer()
        with self._errors():
            for name in missing:
                conn.execute(f"ALTER TABLE records ADD COLUMN {name} {FACT_TYPES[name]}")
            conn.execute("DROP INDEX IF EXISTS records_tid")
            conn.execute("DROP INDEX IF EXISTS records_search")  # schema 3's, without TERMS
            for statement in SEARCH_PARTS:
                if "INDEX" not in statement:  # the tables now, the index once filled
                    conn.execute(statement)
            last = 0
            while missing:  # a store split from schema 1 was written with them
                found = conn.execute(
                    "SELECT id, doc FROM records WHERE id > ? ORDER BY id LIMIT 2000", (last,)
                ).fetchall()
                if not found:
                    break
                last = found[-1][0]
                made = [(*facts.facts(orjson.loads(d)), i) for i, d in found]
                conn.executemany(SET_FACTS, term_ids(conn, made, tuple(t - 6 for t in TERMS)))
            for statement in SEARCH_PARTS:
                conn.execute(statement)
            conn.execute(
                "INSERT OR IGNORE INTO plan_lists (plans) "
                "SELECT DISTINCT plans FROM records WHERE plans IS NOT NULL"
            )
        self._touched = None

    def set_tids(self, tids: Iterable[tuple[int | None, int]]) -> None:
        """(therapist id, doc id) pairs."""
        tids = list(tids)
        if not tids:
            return
        conn = self.writer()
        with self._errors():
            self._touch((t for t, _ in tids), (i for _, i in tids))
            if records_bulk.is_bulk(conn, len(tids)):
                self._aside.drop(conn, "records", ["records_search"])
            conn.executemany("UPDATE records SET tid = ? WHERE id = ?", tids)
            self._aside.restore(conn)

    def remove(self, ids: Iterable[int]) -> None:
        chosen = [(i,) for i in ids]
        if not chosen or self.reader() is None:
            return
        conn = self.writer()
        with self._errors():
            self._touch((), (i for (i,) in chosen))
            conn.executemany("DELETE FROM records WHERE id = ?", chosen)
            conn.executemany("DELETE FROM keys WHERE id = ?", chosen)

    def truncate(self) -> None:
        if self.reader() is None:
            return
        conn = self.writer()
        with self._errors():
            conn.execute("DELETE FROM records")
            conn.execute("DELETE FROM keys")
            conn.execute("DELETE FROM plan_lists")
            conn.execute("DELETE FROM term_lists")
        self._touched = None

    def set_keys(self, keys: dict[int, Iterable[str]], *, everything: bool = False) -> None:
        """Replace the merge keys of these records (``everything``: of all records)."""
        # Nothing to write creates no file (a store of the user's own records only).
        if not keys and (not everything or self.reader() is None):
            return
        conn = self.writer()
        with self._errors():
            if everything:
                conn.execute("DELETE FROM keys")
                if len(keys) >= records_bulk.BULK_ROWS:
                    self._aside.drop(conn, "keys")
            else:
                conn.executemany("DELETE FROM keys WHERE id = ?", ((i,) for i in keys))
            # One statement per record, its keys as one JSON list (a statement per key costs
            # half as much again at 700,000 keys).
            conn.executemany(
                "INSERT INTO keys (id, key) SELECT ?, value FROM json_each(?)",
                ((i, orjson.dumps(list(set(ks))).decode()) for i, ks in keys.items()),
            )
            self._aside.restore(conn)
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
