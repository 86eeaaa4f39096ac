"""Writes to the records file beyond one row at a time (``records_db`` uses them).

- Bulk writes: from ``BULK_ROWS`` rows on, a write of at least as many rows as a table
  holds drops the table's indexes and builds them once afterwards (CREATE INDEX sorts
  the rows once) instead of updating every index row by row: a fresh import of 20,000
  records writes in half the time. It all stays inside the one transaction, so a
  crash or a rollback leaves the old indexes.
- The mates count: the therapists with more than one imported record (a search folds
  theirs), counted again at commit for those a transaction touched.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

#: A fresh import of 500 rows writes its records in 15 ms instead of 40 with the indexes
#: built once after them; only a write of a handful of rows updates them row by row.
BULK_ROWS = 20
#: The page cache of a connection that writes in bulk (KiB; SQLite's own is 2 MiB): a list
#: of a few thousand rows (10 MB of file for 5,000) is written without its pages spilling
#: and being read back mid-transaction (its SQL CPU 0.30 -> 0.20 s). A file far bigger than
#: the cache gains nothing (100,000 rows: the same SQL CPU with 2, 16 or 64 MiB), and the
#: peak memory grows by up to the cache's size.
BULK_CACHE_KIB = 16384
#: Writes of more rows than this keep SQLite's own cache: the larger one would not hold
#: them anyway, and its memory would add to a big import's peak.
ROOMY_ROWS = 20_000
#: The page size of a new records file (SQLite's default is 4 KiB): a record's row is
#: about 1 KiB, and with 16 KiB pages a fresh import of 100,000 writes its rows, builds its
#: indexes and commits in about three quarters of the CPU (3.0 -> 2.2 s), and the file
#: is a little smaller. Set before the file's first write; a file keeps the size it has.
PAGE_BYTES = 16384
#: Past this many therapists touched in one transaction, every one's mates are counted.
RECOUNT_ALL = 5000


def is_bulk(conn: sqlite3.Connection | None, rows: int, table: str = "records") -> bool:
    """Whether writing ``rows`` rows is a bulk write: as many as the table holds."""
    if rows < BULK_ROWS:
        return False
    if conn is None:
        return True
    return rows >= int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def roomy(conn: sqlite3.Connection) -> None:
    """Give a connection about to write ``BULK_ROWS`` rows or more a larger page cache
    (only the pages it touches take memory)."""
    conn.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")


class SetAside:
    """Indexes dropped for a bulk write, to build again before anything reads or
    commits: name -> the CREATE statement SQLite kept for it."""

    def __init__(self) -> None:
        self.statements: dict[str, str] = {}

    def __bool__(self) -> bool:
        return bool(self.statements)

    def drop(self, conn: sqlite3.Connection, table: str, names: Iterable[str] = ()) -> None:
        """Drop the table's indexes (or those named) until ``restore``."""
        wanted = set(names)
        found = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL",
            (table,),
        ).fetchall()
        for name, sql in found:
            if not wanted or name in wanted:
                conn.execute(f"DROP INDEX {name}")
                self.statements[name] = sql

    def restore(self, conn: sqlite3.Connection | None) -> None:
        if not self.statements or conn is None:
            return
        statements, self.statements = self.statements, {}
        for sql in statements.values():
            conn.execute(sql)

    def forget(self) -> None:
        """After a rollback, which brings them back."""
        self.statements.clear()


def count_mates(conn: sqlite3.Connection, touched: set[int] | None) -> None:
    """Count again the mates of the ``touched`` therapists (``None``: of everyone)."""
    count = (
        "INSERT INTO mates (tid) SELECT tid FROM records INDEXED BY records_search "
        "WHERE tid {} GROUP BY tid HAVING count(*) > 1"
    )
    if touched is None:
        conn.execute("DELETE FROM mates")
        conn.execute(count.format("IS NOT NULL"))
        return
    wanted = sorted(touched)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        conn.execute(f"DELETE FROM mates WHERE tid IN ({marks})", chunk)
        conn.execute(count.format(f"IN ({marks})"), chunk)
