"""JSON therapist lists: an array of objects, an object holding such an array, or JSON Lines."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from finder.errors import ImportRefused
from finder.importers.base import ParseContext, decode, read_text
from finder.importers.tabular import columns as _columns
from finder.records.models import Record, RowError

NAME = "json"
DESCRIPTION = "JSON list of therapists: an array, an object holding an array, or JSON Lines"

_LIST_KEYS = ("therapists", "providers", "results", "data", "items", "records", "entries",
              "clinicians", "practitioners", "rows")  # fmt: skip


def sniff(path: Path, head: bytes) -> float:
    text = decode(head).lstrip("\ufeff").lstrip()
    if not text or text[0] not in "[{":
        return 0.0
    return 0.5


def _flatten(obj: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects become columns: {"address": {"city": "X"}} -> {"city": "X"} (or "address city")."""
    flat: dict[str, Any] = {}
    for key, value in obj.items():
        if isinstance(value, dict) and prefix.count(" ") < 3:
            for sub_key, sub_value in _flatten(value, f"{prefix}{key} ").items():
                leaf = sub_key.rsplit(" ", 1)[-1]
                flat.setdefault(leaf if _columns.guess_field(leaf) else sub_key, sub_value)
        else:
            flat[f"{prefix}{key}" if prefix and not _columns.guess_field(key) else key] = value
    return flat


def _loads(text: str) -> Any:
    """The parsed JSON. Python's ``json.dump`` writes ``NaN`` for a missing number (what a
    pandas frame holds for an empty cell), which strict JSON parsers refuse: read it as null."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as err:
        if "NaN" not in text and "Infinity" not in text:
            raise
        import json

        try:
            return json.loads(text, parse_constant=lambda _constant: None)
        except (ValueError, RecursionError):
            raise err from None


def _table(rows: list[Any], columns: Any = None) -> list[Any] | None:
    """Rows as lists under a header (a spreadsheet's ``values``, pandas ``orient="split"``):
    objects keyed by the header's names; ``None`` unless it is such a table."""
    lists = [r for r in rows if isinstance(r, list)]
    if not lists or len(lists) < len(rows) / 2:
        return None
    if columns is None:
        if len(rows) < 2 or not isinstance(rows[0], list):
            return None
        columns, rows = rows[0], rows[1:]
    if not columns or not all(isinstance(c, str) for c in columns):
        return None
    names = _columns.unique_headers([c.strip() or f"column {i + 1}" for i, c in enumerate(columns)])
    if not any(_columns.guess_field(c) in ("name", "first_name", "last_name") for c in names):
        return None
    return [dict(zip(names, r, strict=False)) if isinstance(r, list) else r for r in rows]


def _find_list(data: Any, depth: int = 0) -> tuple[list[Any], str] | None:
    if isinstance(data, list):
        table = _table(data)
        return (table, "row") if table is not None else (data, "element")
    if not isinstance(data, dict):
        return None
    if isinstance(data.get("columns"), list) and isinstance(data.get("data"), list):
        table = _table(data["data"], data["columns"])
        if table is not None:
            return table, "data[]"
    candidates = [
        (k, v)
        for k, v in data.items()
        if isinstance(v, list) and any(isinstance(x, dict) for x in v)
    ]
    if not candidates:
        tables = [(k, t) for k, v in data.items() if isinstance(v, list) and (t := _table(v))]
        if tables:
            return tables[0][1], f"{tables[0][0]}[] row"
    if candidates:
        candidates.sort(key=lambda kv: (kv[0].lower() not in _LIST_KEYS, -len(kv[1])))
        key, items = candidates[0]
        return items, f"{key}[]"
    if depth < 2:
        # {"status": "ok", "data": {"providers": [...]}}: the list one level further in.
        inner = [(k, v) for k, v in data.items() if isinstance(v, dict)]
        inner.sort(key=lambda kv: kv[0].lower() not in _LIST_KEYS)
        for key, value in inner:
            found = _find_list(value, depth + 1)
            if found is not None:
                return found[0], f"{key}.{found[1]}"
    return None


def _keyed_people(data: Any) -> list[tuple[str, dict[str, Any]]] | None:
    """``{"p1": {"name": ...}, "p2": {...}}``: people keyed by an id instead of listed."""
    if not isinstance(data, dict) or len(data) < 2:
        return None
    values = list(data.values())
    if not all(isinstance(v, dict) for v in values):
        return None
    if sum(1 for v in values if _looks_like_person(_flatten(v))) * 2 < len(values):
        return None
    return [(str(k), v) for k, v in data.items()]


def parse(path: Path, ctx: ParseContext) -> Iterator[Record | RowError]:
    text = read_text(path).lstrip("\ufeff")
    if not text.strip():
        raise ImportRefused(path, "file is empty; nothing imported")
    try:
        data = _loads(text)
    except orjson.JSONDecodeError as err:
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) > 1 and lines[0].lstrip().startswith("{"):
            yield from _json_lines(text, ctx)
            return
        raise ImportRefused(path, f"not valid JSON ({err})") from None
    found = _find_list(data)
    if found is None:
        keyed = _keyed_people(data)
        if isinstance(data, dict) and _looks_like_person(data):
            found = ([data], "object")
        elif keyed is not None:
            yield from _records(
                [v for _, v in keyed], "key", ctx, locators=[f"key {k!r}" for k, _ in keyed]
            )
            return
        else:
            raise ImportRefused(path, "JSON with no list of therapists in it; nothing imported")
    items, label = found
    dicts = [x for x in items if isinstance(x, dict)]
    if not dicts:
        raise ImportRefused(path, "the JSON list holds no objects; nothing imported")
    yield from _records(items, label, ctx)


def _looks_like_person(obj: dict[str, Any]) -> bool:
    return any(_columns.guess_field(k) in ("name", "last_name") for k in obj)


def describe_mapping(path: Path, ctx: ParseContext) -> dict[str, str | None] | None:
    try:
        data = _loads(read_text(path).lstrip("\ufeff"))
    except orjson.JSONDecodeError:
        return None
    found = _find_list(data)
    if found is None:
        keyed = _keyed_people(data)
        if keyed is None:
            return None
        found = ([v for _, v in keyed], "key")
    return _columns.build_mapping(_headers(found[0]), ctx.column_map)


def _headers(items: list[Any]) -> list[str]:
    headers: list[str] = []
    seen: set[str] = set()
    for item in items:
        for key in _flatten(item) if isinstance(item, dict) else {}:
            if key not in seen:
                seen.add(key)
                headers.append(key)
    return headers


def _records(
    items: list[Any], label: str, ctx: ParseContext, locators: list[str] | None = None
) -> Iterator[Record | RowError]:
    flat_items = [_flatten(x) if isinstance(x, dict) else None for x in items]
    mapping = _columns.build_mapping(_headers(items), ctx.column_map)
    # A table's first row is its header: its people start on row 2, as a spreadsheet shows.
    first = 2 if label.endswith("row") else 1
    for index, flat in enumerate(flat_items, start=first):
        if locators is not None:
            locator = locators[index - first]
        else:
            locator = f"{label} {index}" if label != "object" else "object"
        if flat is None:
            yield RowError(locator, "not an object; skipped")
            continue
        yield _columns.row_to_record(flat, mapping, locator)


def _json_lines(text: str, ctx: ParseContext) -> Iterator[Record | RowError]:
    items: list[Any] = []
    errors: list[RowError] = []
    line_numbers: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = _loads(line)
        except orjson.JSONDecodeError as err:
            errors.append(RowError(f"line {number}", f"not valid JSON ({err})"))
            continue
        items.append(value)
        line_numbers.append(number)
    yield from errors
    for (_, record), number in zip(
        enumerate(_records(items, "line", ctx)), line_numbers, strict=True
    ):
        if isinstance(record, Record):
            record.locator = f"line {number}"
            yield record
        else:
            yield RowError(f"line {number}", record.reason)
