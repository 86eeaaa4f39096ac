"""JSON therapist lists: an array of objects, an object holding such an array, or JSON Lines."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from finder.errors import ImportRefused
from finder.importers import tabular as _tabular
from finder.importers.base import (
    MAX_JSON_DEPTH,
    BrokenCharacters,
    ParseContext,
    decode,
    nested_too_deep,
    read_text,
)
from finder.importers.tabular import columns as _columns
from finder.importers.tabular import lookup as _lookup
from finder.importers.tabular.recover import recover
from finder.records.models import Record, RowError

NAME = "json"
DESCRIPTION = (
    "JSON list of therapists: an array, an object holding an array, JSON Lines, or objects "
    "one after another"
)

_LIST_KEYS = ("therapists", "providers", "results", "data", "items", "records", "entries",
              "clinicians", "practitioners", "rows")  # fmt: skip


def sniff(path: Path, head: bytes) -> float:
    text = decode(head).lstrip("\ufeff").lstrip()
    if not text or text[0] not in "[{":
        return 0.0
    return 0.5


_KEY_VALUE = re.compile(r"\s*([^:\n]{1,40}?)\s*:\s*(\S.*)", re.S)


def _unwrapped(value: list[Any], flat: dict[str, Any]) -> Any:
    """``["Ana García"]`` -> ``"Ana García"``; ``["Teléfono: 633708957", ...]``: each item whose
    key names a field becomes that field (in ``flat``); what is left stays the list."""
    rest: list[Any] = []
    for item in value:
        pair = _KEY_VALUE.fullmatch(item) if isinstance(item, str) else None
        if pair is not None and _columns.guess_field(pair.group(1)):
            flat.setdefault(pair.group(1), pair.group(2).strip())
        else:
            rest.append(item)
    if len(rest) == 1 and not isinstance(rest[0], dict | list):
        return rest[0]
    return rest if rest or not value else None


# The key that names an item of a list of objects: [{"name": "Aetna", "id": 7}] is "Aetna".
_ITEM_NAMES = ("name", "label", "title", "display", "displayName", "text", "value", "description")


def _named_items(value: list[Any]) -> list[str] | None:
    """``[{"name": "Aetna"}, {"name": "BCBS PPO"}]`` -> ``["Aetna", "BCBS PPO"]``."""
    out: list[str] = []
    for item in value:
        if not isinstance(item, dict):
            return None
        named = next((item[k] for k in _ITEM_NAMES if isinstance(item.get(k), str)), None)
        if named is None:
            return None
        out.append(named)
    return out


def _objects(key: str, value: list[Any], flat: dict[str, Any]) -> Any:  # None: kept aside
    """A list of objects: the names they hold, or (offices, addresses) the first object
    read as nested fields, the others kept as extra data under "KEY (more)"."""
    first = value[0]
    fields = [k for k in first if k not in _ITEM_NAMES and _columns.guess_field(k)]
    if not fields:
        named = _named_items(value)
        if named is None:  # objects naming nothing: kept as data, never shown as a value
            flat[f"{key} (data)"] = value
        return named
    if len(value) > 1:
        flat[f"{key} (more)"] = value[1:]
    for k in first:  # an office's own name is not the therapist's
        if k in _ITEM_NAMES:
            flat[f"{key} {k}"] = first[k]
    return {k: v for k, v in first.items() if k not in _ITEM_NAMES}


def _flatten(obj: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects become columns: {"address": {"city": "X"}} -> {"city": "X"} (or "address city")."""
    flat: dict[str, Any] = {}
    for key, value in obj.items():
        if isinstance(value, list) and value and all(not isinstance(v, dict) for v in value):
            value = _unwrapped(value, flat)
            if value is None:
                continue
        elif isinstance(value, list) and value:
            value = _objects(key, value, flat)
            if value is None:
                continue
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
    broken = BrokenCharacters.watch(text, path, ctx.warn)
    try:
        data = _loads(text)
    except orjson.JSONDecodeError as err:
        recovered = recover(text)
        if recovered is None:
            if str(err).startswith("depth limit"):  # orjson stops past 1,024 levels
                raise ImportRefused(
                    path, f"JSON nested too deeply to read ({err}); nothing imported"
                ) from None
            raise ImportRefused(path, f"not valid JSON ({err}); nothing imported") from None
        if recovered.problems:
            ctx.warn(f"{path}: {recovered.warning()}")
        yield from recovered.broken
        if len(recovered.items) > 1:
            yield from _records(
                recovered.items, "line", ctx, path, [f"line {n}" for n in recovered.lines], broken
            )
            return
        data = recovered.items[0]
    found = _find_list(data)
    if found is None:
        keyed = _keyed_people(data)
        if isinstance(data, dict) and _looks_like_person(data):
            found = ([data], "object")
        elif keyed is not None:
            yield from _records(
                [v for _, v in keyed], "key", ctx, path, [f"key {k!r}" for k, _ in keyed], broken
            )
            return
        else:
            raise ImportRefused(path, "JSON with no list of therapists in it; nothing imported")
    items, label = found
    dicts = [x for x in items if isinstance(x, dict)]
    if not dicts:
        raise ImportRefused(path, "the JSON list holds no objects; nothing imported")
    yield from _records(items, label, ctx, path, broken=broken)


def _looks_like_person(obj: dict[str, Any]) -> bool:
    return any(_columns.guess_field(k) in ("name", "last_name") for k in obj)


def describe_mapping(path: Path, ctx: ParseContext) -> dict[str, str | None] | None:
    text = read_text(path).lstrip("\ufeff")
    try:
        data = _loads(text)
    except orjson.JSONDecodeError:
        recovered = recover(text)
        if recovered is None:
            return None
        data = recovered.items if len(recovered.items) > 1 else recovered.items[0]
    found = _find_list(data)
    if found is None:
        keyed = _keyed_people(data)
        if keyed is None:
            return None
        found = ([v for _, v in keyed], "key")
    flat = [_flatten(x) if isinstance(x, dict) else None for x in found[0]]
    return _columns.build_mapping(_headers(flat), ctx.column_map)


def _headers(flat_items: list[dict[str, Any] | None]) -> list[str]:
    headers: list[str] = []
    seen: set[str] = set()
    for item in flat_items:
        for key in item or {}:
            if key not in seen:
                seen.add(key)
                headers.append(key)
    return headers


def _records(
    items: list[Any],
    label: str,
    ctx: ParseContext,
    path: Path,
    locators: list[str] | None = None,
    broken: BrokenCharacters | None = None,
) -> Iterator[Record | RowError]:
    # An object nested past any real record is skipped before a recursive reader meets it.
    deep = [isinstance(x, dict) and nested_too_deep(x) for x in items]
    flat_items = [
        _flatten(x) if isinstance(x, dict) and not too_deep else None
        for x, too_deep in zip(items, deep, strict=True)
    ]
    if any(deep) and not any(flat_items):
        raise ImportRefused(
            path, f"JSON nested over {MAX_JSON_DEPTH} levels deep; nothing imported"
        )
    headers = _headers(flat_items)
    mapping = _columns.build_mapping(headers, ctx.column_map)
    sample = [f for f in flat_items[:_SAMPLE] if f is not None]
    kind = _lookup.what_table(headers, mapping, sample)
    if kind is not None:
        raise ImportRefused(path, _lookup.refusal(kind, len(flat_items)))
    if not any(f in ("name", "first_name", "last_name") for f in mapping.values()):
        raise ImportRefused(
            path,
            f"no key holds therapist names (keys: {', '.join(h[:30] for h in headers[:8])}); "
            "use --map KEY=name",
        )
    reader = _tabular.reader_for(mapping, headers, ctx, path)
    # A table's first row is its header: its people start on row 2, as a spreadsheet shows.
    first = 2 if label.endswith("row") else 1
    out: list[Record | RowError] = []
    for index, flat in enumerate(flat_items, start=first):
        if locators is not None:
            locator = locators[index - first]
        else:
            locator = f"{label} {index}" if label != "object" else "object"
        if deep[index - first]:
            out.append(RowError(locator, f"nested over {MAX_JSON_DEPTH} levels deep; skipped"))
            continue
        if flat is None:
            out.append(RowError(locator, "not an object; skipped"))
            continue
        if broken is not None:
            flat = broken.dropped(flat, locator)
        out.append(reader(flat, locator))
    if broken is not None:
        broken.report()
    yield from _tabular.screened(out, ctx, path)


_SAMPLE = 60
