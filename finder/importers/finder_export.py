"""finder's own JSON export (``finder export``): importing it restores everything.

``parse`` yields the exported records like any importer (so ``--dry-run``
previews them). ``restore`` is what ``finder import`` runs instead: in one
store transaction it adds the records and every other table (profiles,
shortlist, contact log, answers, notes, verifications, merge decisions).

Restoring into a store that already holds data merges, never overwrites:
records are matched by their record id, therapist ids are kept when free and
renumbered when taken, and a document already present (the same shortlist
entry, the same answer to the same question) keeps the current value.
Importing the same export twice changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from finder.errors import ImportRefused
from finder.importers.base import ParseContext, check_size
from finder.records.models import FIELDS, TEXT_KEPT, Kind, Record, RowError, SourceKind
from finder.storage.store import Doc, Store

NAME = "finder-export"
DESCRIPTION = "finder's own export (finder export --format json): restores everything"

MAX_BYTES = 1024 * 1024 * 1024

#: What makes two documents "the same" in each table (others: the whole document).
UNIQUE_KEYS: dict[str, tuple[str, ...]] = {
    "profiles": ("label",),
    "shortlist": ("profile", "tid"),
    "answers": ("profile", "tid", "checklist", "qid", "plan"),
    "sources": ("path",),
    "merge_decisions": ("rids",),
}

_SOURCE_KEYS = ("path", "format", "locator", "imported_at")


def sniff(path: Path, head: bytes) -> float:
    from finder.storage.export import EXPORT_FORMAT, MARKDOWN_MARKER

    text = head.lstrip()
    if text.startswith(MARKDOWN_MARKER.encode()):
        return 1.0  # refused in parse with a pointer to the JSON form
    if not text.startswith(b"{"):
        return 0.0
    squeezed = b"".join(text[:4096].split())
    return 1.0 if f'"format":"{EXPORT_FORMAT}"'.encode() in squeezed else 0.0


@dataclass
class Restored:
    """What a restore did, for the import summary."""

    imported: int = 0
    unchanged: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # table -> documents added
    skipped: list[RowError] = field(default_factory=list)


def load(path: Path) -> dict[str, Any]:
    """Read and check the export's outer shape; refuse anything else with a clear reason."""
    from finder.storage.export import EXPORT_FORMAT, EXPORT_VERSION, MARKDOWN_MARKER
    from finder.storage.store import SCHEMA_VERSION

    check_size(path, MAX_BYTES)
    raw = path.read_bytes()
    if raw.lstrip().startswith(MARKDOWN_MARKER.encode()):
        raise ImportRefused(
            path,
            "this is finder's Markdown export, meant for reading; import the JSON export "
            "(finder export --format json) to restore",
        )
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as err:
        raise ImportRefused(path, f"not valid JSON ({err}); is the export complete?") from None
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise ImportRefused(path, 'not a finder export (no "format": "finder-export")')
    version = data.get("version")
    if not isinstance(version, int) or version > EXPORT_VERSION:
        raise ImportRefused(path, f"export version {version!r} is not one this finder reads")
    schema = data.get("schema")
    if isinstance(schema, int) and schema > SCHEMA_VERSION:
        raise ImportRefused(
            path, f"written by a newer finder (schema {schema}); upgrade finder, nothing imported"
        )
    tables = data.get("tables")
    if not isinstance(tables, dict) or not all(isinstance(v, list) for v in tables.values()):
        raise ImportRefused(path, '"tables" must map each table name to a list of documents')
    if not isinstance(data.get("meta", {}), dict):
        raise ImportRefused(path, '"meta" must be an object')
    return data


def _check_fields(fields: Any) -> str | None:
    """Why a record's fields cannot be restored, or ``None`` when they can."""
    if not isinstance(fields, dict):
        return "fields must be an object"
    for name, value in fields.items():
        if value is None:
            continue
        base = name[: -len("_text")] if name.endswith("_text") else None
        if base in TEXT_KEPT:
            if not isinstance(value, str):
                return f"field {name} must be text"
            continue
        if name not in FIELDS:
            return f"unknown field {name!r}"
        kind = FIELDS[name][0]
        ok = {
            Kind.TEXT: isinstance(value, str),
            Kind.LONGTEXT: isinstance(value, str),
            Kind.LIST: isinstance(value, list) and all(isinstance(v, str) for v in value),
            Kind.PHONES: isinstance(value, list) and all(isinstance(v, str) for v in value),
            Kind.BOOL: isinstance(value, bool),
            Kind.MONEY: isinstance(value, int | float) and not isinstance(value, bool),
            Kind.NUMBER: isinstance(value, int | float) and not isinstance(value, bool),
        }[kind]
        if not ok:
            return f"field {name} must be {kind.value}"
    return None


def _check_record(doc: Any) -> str | None:
    if not isinstance(doc, dict):
        return "not an object"
    if not isinstance(doc.get("rid"), str) or not doc["rid"]:
        return "no record id (rid)"
    source = doc.get("source")
    if not isinstance(source, dict) or not all(
        isinstance(source.get(k), str) for k in _SOURCE_KEYS
    ):
        return "source must have path, format, locator and imported_at"
    if source.get("kind", "import") not in {k.value for k in SourceKind}:
        return f"unknown source kind {source.get('kind')!r}"
    tid = doc.get("tid")
    if tid is not None and (not isinstance(tid, int) or isinstance(tid, bool) or tid < 1):
        return f"therapist id {tid!r} is not a positive whole number"
    if not isinstance(doc.get("extra", {}), dict) or not isinstance(doc.get("warnings", []), list):
        return "extra must be an object and warnings a list"
    return _check_fields(doc.get("fields"))


def parse(path: Path, ctx: ParseContext) -> Iterator[Record | RowError]:
    data = load(path)
    for index, doc in enumerate(data["tables"].get("records", []), 1):
        problem = _check_record(doc)
        if problem:
            yield RowError(f"records[{index}]", problem)
            continue
        yield Record(
            fields=dict(doc["fields"]),
            locator=str(doc["source"]["locator"]),
            key=doc["rid"],
            extra=dict(doc.get("extra") or {}),
            warnings=[str(w) for w in doc.get("warnings") or []],
        )


def _key(table: str, doc: Doc) -> Any:
    names = UNIQUE_KEYS.get(table)
    if names is None:
        return orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)
    return tuple(orjson.dumps(doc.get(n), option=orjson.OPT_SORT_KEYS) for n in names)


def restore(store: Store, path: Path, ctx: ParseContext) -> Restored:
    """Add everything in the export to ``store`` in one transaction (a backup first)."""
    from finder.ingest.pipeline import enrich
    from finder.judge import merge
    from finder.storage import backup
    from finder.storage.export import TABLES

    data = load(path)
    tables: dict[str, list[Any]] = data["tables"]
    result = Restored()
    with store.transaction():
        had_data = any(len(store.table(t)) for t in store.table_names() if t != "meta")
        records = store.records
        existing = {d["rid"]: d for d in records.all() if "rid" in d}
        used = {d["tid"] for d in existing.values() if isinstance(d.get("tid"), int)}
        meta = store.meta()
        next_tid = max([int(meta.get("next_tid", 1)), *(t + 1 for t in used)])

        valid: list[tuple[int, Doc]] = []
        for index, doc in enumerate(tables.get("records", []), 1):
            problem = _check_record(doc)
            if problem:
                result.skipped.append(RowError(f"records[{index}]", problem))
            else:
                valid.append((index, doc))
        # An exported therapist whose records are already here keeps that therapist's id.
        tid_map: dict[int, int] = {}
        for _, doc in valid:
            here = existing.get(doc["rid"])
            if doc.get("tid") is not None and here is not None and here.get("tid") is not None:
                tid_map.setdefault(doc["tid"], here["tid"])
        # Then ids that are free here stay as they were; the rest get new ones.
        exported = [d["tid"] for _, d in valid if d.get("tid") is not None]
        for old in exported:
            if old not in tid_map and old not in used:
                tid_map[old] = old
        used |= set(tid_map.values())
        next_tid = max([next_tid, *(t + 1 for t in used)])
        for old in exported:
            if old not in tid_map:
                tid_map[old] = next_tid
                next_tid += 1

        new_docs: list[Doc] = []
        unlinked: set[str] = set()
        for _, doc in valid:
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
            records.insert_many(new_docs)
        result.imported = len(new_docs)

        others = [t for t in TABLES if t != "records"]
        others += sorted(t for t in tables if t not in TABLES)
        for name in others:
            added = _restore_table(store, name, tables.get(name, []), tid_map, result)
            if added:
                result.counts[name] = added

        exported_meta = data.get("meta", {})
        changes: dict[str, Any] = {}
        if next_tid != meta.get("next_tid"):
            changes["next_tid"] = next_tid
        active = exported_meta.get("active_profile")
        if isinstance(active, str) and not meta.get("active_profile"):
            changes["active_profile"] = active
        if changes:
            store.set_meta(**changes)
        if unlinked:
            merge.relink(store, unlinked)
        if had_data and store.path is not None and (result.imported or result.counts):
            # The file on disk is still the old one: changes are written when the block ends.
            backup.make(store.path, reason="before importing a finder export")
    return result


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
