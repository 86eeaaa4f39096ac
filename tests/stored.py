"""Read a data folder's two parts directly (no finder code): the TinyDB file of the user's
work and the SQLite file of imported records, as one dict of tables like the old single file.

A half-written TinyDB file fails ``orjson.loads``; SQLite is read as committed (an
interrupted transaction in its write-ahead log is not part of it).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parent.parent


def env_for(home: Path) -> dict[str, str]:
    return {**os.environ, "FINDER_HOME": str(home), "FINDER_NO_FIRST_RUN": "1"}


def finder(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A real ``finder`` command in its own process, on this data folder."""
    return subprocess.run(
        [sys.executable, "-m", "finder", *args], capture_output=True, text=True,
        env=env_for(home), cwd=ROOT, timeout=120,
    )  # fmt: skip


def load(home: Path) -> dict[str, Any]:
    path = home / "finder.json"
    data = orjson.loads(path.read_bytes()) if path.exists() else {}
    assert isinstance(data, dict)
    records = dict(data.get("records") or {})
    for doc_id, doc in imported(home).items():
        assert str(doc_id) not in records, f"record {doc_id} is in both parts"
        records[str(doc_id)] = doc
    data["records"] = records
    return data


def imported(home: Path) -> dict[int, dict[str, Any]]:
    """The SQLite part: document id -> record (with its therapist id)."""
    path = home / "finder.sqlite"
    if not path.exists():
        return {}
    db = sqlite3.connect(path)
    try:
        rows = db.execute("SELECT id, tid, doc FROM records ORDER BY id").fetchall()
    finally:
        db.close()
    out = {}
    for doc_id, tid, blob in rows:
        doc = orjson.loads(blob)
        doc["tid"] = tid
        out[doc_id] = doc
    return out
