"""JSON therapist lists: an array of objects, an object holding such an array, or JSON Lines."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from finder.errors import ImportRefused
from finder.importers import _columns
from finder.importers.base import ParseContext, decode, read_text
from finder.models import Record, RowError

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


def _find_list(data: Any) -> tuple[list[Any], str] | None:
    if isinstance(data, list):
        return data, "element"
    if not isinstance(data, dict):
        return None
    candidates = [
        (k, v)
        for k, v in data.items()
        if isinstance(v, list) and any(isinstance(x, dict) for x in v)
    ]
    if not candidates:
        return None
    candidates.sort(key=lambda kv: (kv[0].lower() not in _LIST_KEYS, -len(kv[1])))
    key, items = candidates[0]
    return items, f"{key}[]"


def parse(path: Path, ctx: ParseContext) -> Iterator[Record | RowError]:
    text = read_text(path).lstrip("\ufeff")
    if not text.strip():
        raise ImportRefused(path, "file is empty; nothing imported")
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as err:
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) > 1 and lines[0].lstrip().startswith("{"):
            yield from _json_lines(text, ctx)
            return
        raise ImportRefused(path, f"not valid JSON ({err})") from None
    found = _find_list(data)
    if found is None:
        if isinstance(data, dict) and _looks_like_person(data):
            found = ([data], "object")
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
        found = _find_list(orjson.loads(read_text(path).lstrip("\ufeff")))
    except orjson.JSONDecodeError:
        return None
    if found is None:
        return None
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


def _records(items: list[Any], label: str, ctx: ParseContext) -> Iterator[Record | RowError]:
    flat_items = [_flatten(x) if isinstance(x, dict) else None for x in items]
    mapping = _columns.build_mapping(_headers(items), ctx.column_map)
    for index, flat in enumerate(flat_items, start=1):
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
            value = orjson.loads(line)
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
