"""Restore a ``finder export`` into the store: records and every table of the user's work.

Restoring into a store that already holds data merges, never overwrites:
records are matched by their record id, therapist ids are kept when free and
renumbered when taken, and a document already present (the same shortlist
entry, the same answer to the same question) keeps the current value.
Importing the same export twice changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from finder.judge import merge
from finder.judge.enrich import enrich
from finder.records.models import RowError
from finder.storage import backup
from finder.storage.export import RULES_KEY, TABLES
from finder.storage.store import Doc, Store

#: What makes two documents "the same" in each table (others: the whole document).
UNIQUE_KEYS: dict[str, tuple[str, ...]] = {
    "profiles": ("label",),
    "shortlist": ("profile", "tid"),
    "answers": ("profile", "tid", "checklist", "qid", "plan"),
    "sources": ("path",),
    "merge_decisions": ("rids",),
}


@dataclass
class Restored:
    """What a restore did, for the import summary."""

    imported: int = 0
    unchanged: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # table -> documents added
    skipped: list[RowError] = field(default_factory=list)


def _key(table: str, doc: Doc) -> Any:
    names = UNIQUE_KEYS.get(table)
    if names is None:
        return orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)
    return tuple(orjson.dumps(doc.get(n), option=orjson.OPT_SORT_KEYS) for n in names)


def restore_export(
    store: Store, data: dict[str, Any], records: list[Doc], skipped: list[RowError]
) -> Restored:
    """Add the export's checked ``records`` and every other table of ``data`` (as
    ``finder_export.load`` read it) to ``store`` in one transaction, with a backup first.

    ``skipped`` are the exported records that failed their check, reported as rejected.
    """
    tables: dict[str, list[Any]] = data["tables"]
    result = Restored(skipped=list(skipped))
    with store.transaction():
        had_data = any(len(store.table(t)) for t in store.table_names() if t != "meta")
        existing = {d["rid"]: d for d in store.records.all() if "rid" in d}
        meta, had_records = store.meta(), bool(existing)
        tid_map, next_tid = _therapist_ids(records, existing, int(meta.get("next_tid", 1)))
        unlinked = _restore_records(store, records, existing, tid_map, result)
        others = [t for t in TABLES if t != "records"]
        others += sorted(t for t in tables if t not in TABLES)
        for name in others:
            added = _restore_table(store, name, tables.get(name, []), tid_map, result)
            if added:
                result.counts[name] = added
        changes: dict[str, Any] = {}
        if next_tid != meta.get("next_tid"):
            changes["next_tid"] = next_tid
        active = data.get("meta", {}).get("active_profile")
        if isinstance(active, str) and not meta.get("active_profile"):
            changes["active_profile"] = active
        rules = data.get("meta", {}).get(RULES_KEY)
        if records and rules != meta.get(RULES_KEY):
            # Evidence judged by the export's rules (or by unknown ones): judged again
            # with this finder's on the next read unless they are the same.
            changes[RULES_KEY] = rules if not had_records and isinstance(rules, str) else "unknown"
        if changes:
            store.set_meta(**changes)
        if unlinked:
            merge.relink(store, unlinked)
        if had_data and store.path is not None and (result.imported or result.counts):
            # The file on disk is still the old one: changes are written when the block ends.
            backup.make(store.path, reason="before importing a finder export")
    return result


def _therapist_ids(
    records: list[Doc], existing: dict[str, Doc], next_tid: int
) -> tuple[dict[int, int], int]:
    """Exported therapist id -> the id it gets here, and the next free id after them."""
    used = {d["tid"] for d in existing.values() if isinstance(d.get("tid"), int)}
    next_tid = max([next_tid, *(t + 1 for t in used)])
    # An exported therapist whose records are already here keeps that therapist's id.
    tid_map: dict[int, int] = {}
    for doc in records:
        here = existing.get(doc["rid"])
        if doc.get("tid") is not None and here is not None and here.get("tid") is not None:
            tid_map.setdefault(doc["tid"], here["tid"])
    # Then ids that are free here stay as they were; the rest get new ones.
    exported = [d["tid"] for d in records if d.get("tid") is not None]
    for old in exported:
        if old not in tid_map and old not in used:
            tid_map[old] = old
    used |= set(tid_map.values())
    next_tid = max([next_tid, *(t + 1 for t in used)])
    for old in exported:
        if old not in tid_map:
            tid_map[old] = next_tid
            next_tid += 1
    return tid_map, next_tid


def _restore_records(
    store: Store,
    records: list[Doc],
    existing: dict[str, Doc],
    tid_map: dict[int, int],
    result: Restored,
) -> set[str]:
    """Insert the records not here yet; the ids of those that belong to no therapist."""
    new_docs: list[Doc] = []
    unlinked: set[str] = set()
    for doc in records:
        if doc["rid"] in existing:
            result.unchanged += 1
            continue
        fields = {k: v for k, v in doc["fields"].items() if v is not None}
        restored = {k: v for k, v in doc.items() if k not in ("_id", "ipt", "geo")}
        restored["fields"] = fields
        restored["tid"] = tid_map.get(doc["tid"]) if doc.get("tid") is not None else None
        restored.update(enrich(fields))  # judged again by this finder's rules
        if restored["tid"] is None:
            unlinked.add(doc["rid"])
        new_docs.append(restored)
        existing[doc["rid"]] = restored
    if new_docs:
        store.records.insert_many(new_docs)
    result.imported = len(new_docs)
    return unlinked


def _restore_table(
    store: Store, name: str, docs: list[Any], tid_map: dict[int, int], result: Restored
) -> int:
    table = store.table(name)
    seen = {_key(name, {k: v for k, v in d.items() if k != "_id"}) for d in table.all()}
    fresh: list[Doc] = []
    for index, doc in enumerate(docs, 1):
        where = f"{name}[{index}]"
        if not isinstance(doc, dict):
            result.skipped.append(RowError(where, "not an object"))
            continue
        doc = {k: v for k, v in doc.items() if k != "_id"}
        tid = doc.get("tid")
        if tid is not None:
            if not isinstance(tid, int) or isinstance(tid, bool) or tid not in tid_map:
                result.skipped.append(
                    RowError(where, f"refers to therapist {tid!r}, who is not in the export")
                )
                continue
            doc["tid"] = tid_map[tid]
        key = _key(name, doc)
        if key in seen:
            continue
        seen.add(key)
        fresh.append(doc)
    if fresh:
        table.insert_many(fresh)
    return len(fresh)
