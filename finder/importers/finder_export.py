"""finder's own JSON export (``finder export``): importing it restores everything.

``parse`` yields the exported records like any importer (so ``--dry-run``
previews them). ``restore`` (``finder.storage.restore``) is what ``finder import``
runs instead: in one store transaction it adds the records and every other table
(profiles, shortlist, contact log, answers, notes, verifications, merge decisions).

Restoring into a store that already holds data merges, never overwrites:
records are matched by their record id, therapist ids are kept when free and
renumbered when taken, and a document already present (the same shortlist
entry, the same answer to the same question) keeps the current value.
Importing the same export twice changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from finder.errors import ImportRefused
from finder.importers.base import MAX_JSON_DEPTH, ParseContext, check_size, nested_too_deep
from finder.records.models import FIELDS, TEXT_KEPT, Kind, Record, RowError, SourceKind
from finder.storage.export import EXPORT_FORMAT, EXPORT_VERSION, MARKDOWN_MARKER
from finder.storage.restore import Restored, restore_export
from finder.storage.store import SCHEMA_VERSION, Store

NAME = "finder-export"
DESCRIPTION = "finder's own export (finder export --format json): restores everything"

MAX_BYTES = 1024 * 1024 * 1024

_SOURCE_KEYS = ("path", "format", "locator", "imported_at")


def sniff(path: Path, head: bytes) -> float:
    text = head.lstrip()
    if text.startswith(MARKDOWN_MARKER.encode()):
        return 1.0  # refused in parse with a pointer to the JSON form
    if not text.startswith(b"{"):
        return 0.0
    squeezed = b"".join(text[:4096].split())
    return 1.0 if f'"format":"{EXPORT_FORMAT}"'.encode() in squeezed else 0.0


def load(path: Path) -> dict[str, Any]:
    """Read and check the export's outer shape; refuse anything else with a clear reason."""
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
    # A record's data is nested at most MAX_JSON_DEPTH deep; the export adds a few levels.
    if nested_too_deep(data, MAX_JSON_DEPTH + 8):
        raise ImportRefused(
            path, f"nested over {MAX_JSON_DEPTH + 8} levels deep; not a finder export"
        )
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


def restore(store: Store, path: Path, ctx: ParseContext) -> Restored:
    """What ``finder import`` runs for an export: everything in it, added to ``store``."""
    data = load(path)
    valid: list[dict[str, Any]] = []
    skipped: list[RowError] = []
    for index, doc in enumerate(data["tables"].get("records", []), 1):
        problem = _check_record(doc)
        if problem:
            skipped.append(RowError(f"records[{index}]", problem))
        else:
            valid.append(doc)
    return restore_export(store, data, valid, skipped)
