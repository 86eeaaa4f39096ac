"""The layout of the records file (``records_db``): its tables and indexes, the
columns each record fills, and the bytes it is stored as."""

from __future__ import annotations

from typing import Any

import orjson

from finder.records import facts

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
    odd INTEGER, lat REAL, lon REAL, town INTEGER, fee REAL, fee_high REAL, plans TEXT,
    takes INTEGER, sliding INTEGER, tele INTEGER, in_person INTEGER, accepting INTEGER,
    name TEXT, formats INTEGER, issues INTEGER, languages INTEGER, ages INTEGER,
    doc BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS records_unkeyed ON records(keyed) WHERE keyed IS NULL;
CREATE INDEX IF NOT EXISTS records_rid ON records(rid);
CREATE INDEX IF NOT EXISTS records_search ON records(tid, ipt, country, odd, lat, lon, town,
    fee, fee_high, plans, takes, sliding, tele, in_person, accepting, name, formats, issues,
    languages, ages);
CREATE INDEX IF NOT EXISTS records_npi ON records(npi);
CREATE INDEX IF NOT EXISTS records_state ON records(state);
CREATE INDEX IF NOT EXISTS records_country ON records(country);
CREATE INDEX IF NOT EXISTS records_ipt ON records(ipt);
CREATE TABLE IF NOT EXISTS keys (id INTEGER NOT NULL, key TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS keys_key ON keys(key);
CREATE INDEX IF NOT EXISTS keys_id ON keys(id);
CREATE TABLE IF NOT EXISTS moves (seq INTEGER PRIMARY KEY, absorbed BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS mates (tid INTEGER PRIMARY KEY);
CREATE TABLE IF NOT EXISTS plan_lists (plans TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS term_lists (id INTEGER PRIMARY KEY, kind TEXT NOT NULL,
    items TEXT NOT NULL, UNIQUE (kind, items));
"""

#: The columns of ``facts.COLUMNS`` (what search reads of a record), with their types.
FACT_TYPES = dict(zip(facts.COLUMNS, ("INTEGER", "REAL", "REAL", "INTEGER", "REAL", "REAL",
                  "TEXT", "INTEGER", "INTEGER", "INTEGER", "INTEGER", "INTEGER", "TEXT",
                  "INTEGER", "INTEGER", "INTEGER", "INTEGER"), strict=True))  # fmt: skip
INSERT = (
    f"INSERT OR REPLACE INTO records (id, rid, npi, state, country, ipt, {', '.join(FACT_TYPES)}, "
    f"tid, keyed, doc) VALUES ({', '.join('?' * (len(FACT_TYPES) + 9))})"
)
PLANS = 6 + list(FACT_TYPES).index("plans")  # in an INSERT row
#: Where the ``facts.TERMS`` texts are in an INSERT row (each becomes its ``term_lists`` id).
TERMS = tuple(6 + list(FACT_TYPES).index(name) for name in facts.TERMS)
SET_FACTS = f"UPDATE records SET {', '.join(f'{n} = ?' for n in FACT_TYPES)} WHERE id = ?"
#: What schemas 3 and 4 added to schema 2's file (``add_facts``).
SEARCH_PARTS = [
    s.strip()
    for s in SCHEMA.split(";")
    if any(n in s for n in ("records_search", "mates", "plan_lists", "term_lists"))
]

#: Columns a ``find(**equals)`` can ask SQLite for instead of reading every record.
INDEXED = ("rid", "tid", "npi", "state", "country", "ipt")


def columns(doc: Doc) -> tuple[Any, ...]:
    """(rid, npi, state, country, ipt class, *facts.COLUMNS) of a record: what the indexes
    hold. ``records_search`` covers what search reads of every record (``records_search``
    module), in therapist order, and serves every look-up by therapist id."""
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
        *facts.facts(doc),
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def blob(doc: Doc) -> bytes:
    """The stored bytes: the document without its database id and therapist id."""
    kept = dict(doc)
    kept.pop("_id", None)
    kept.pop("tid", None)
    return orjson.dumps(kept)


def decode(doc_id: int, tid: int | None, data: bytes) -> Doc:
    doc: Doc = orjson.loads(data)
    doc["tid"] = tid
    return doc


def term_ids(conn: Any, rows: list[tuple[Any, ...]], at: tuple[int, ...]) -> list[tuple[Any, ...]]:
    """``rows`` with the ``facts.TERMS`` texts at the positions ``at`` replaced by their
    ``term_lists`` id: each text is stored once, under its column's name (a search
    matches the few distinct texts of one column, not every record)."""
    ids: dict[tuple[str, str], int] = {}
    for kind, i in zip(facts.TERMS, at, strict=True):
        texts = list({row[i] for row in rows} - {None})
        if not texts:
            continue
        conn.executemany("INSERT OR IGNORE INTO term_lists (kind, items) VALUES (?, ?)",
                         ((kind, t) for t in texts))  # fmt: skip
        for start in range(0, len(texts), 500):
            chunk = texts[start : start + 500]
            sql = ("SELECT items, id FROM term_lists WHERE kind = ? AND items IN "
                   f"({','.join('?' * len(chunk))})")  # fmt: skip
            ids.update(((kind, t), n) for t, n in conn.execute(sql, (kind, *chunk)))
    if not ids:
        return rows
    out = []
    for row in rows:
        made = list(row)
        for kind, i in zip(facts.TERMS, at, strict=True):
            if made[i] is not None:
                made[i] = ids[kind, made[i]]
        out.append(tuple(made))
    return out
