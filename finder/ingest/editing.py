"""What the user enters by hand: new therapists and corrections.

Both are records of their own with a ``user`` source ("entered by you"). They
sit beside imported records, win over them when a value is shown, and are
never touched by a later import. A correction is pinned to its therapist so a
re-merge cannot move it.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from finder.errors import UsageError
from finder.judge import rejudge, therapists
from finder.judge.enrich import enrich
from finder.records import normalize
from finder.records.models import FIELDS, Kind, Source, SourceKind, now_iso
from finder.storage.store import Store

ALIASES = {
    "phone": "phones",
    "licence_type": "license_type",
    "licence_number": "license_number",
    "licence_state": "license_state",
    "licence": "license_type",
    "license": "license_type",
    "bio": "statement",
    "orientation": "orientations",
    "language": "languages",
    "specialty": "specialties",
    "fee_per_session": "fee",
    "accepting_new_clients": "accepting",
    "zipcode": "zip",
}


def resolve_field(name: str) -> str:
    key = name.strip().lower().replace("-", "_")
    key = ALIASES.get(key, key)
    if key not in FIELDS:
        raise UsageError(f"unknown field {name!r}; fields: {', '.join(sorted(FIELDS))}")
    return key


def _user_source(what: str) -> Source:
    return Source(path=what, format="manual", locator="entered by you", imported_at=now_iso(),
                  kind=SourceKind.USER)  # fmt: skip


def add_therapist(store: Store, values: dict[str, Any]) -> int:
    """Store a hand-entered therapist; returns its id (an existing one if NPI matches)."""
    # kept here: only `finder add` links a new record to others (merge, rapidfuzz)
    from finder.judge import merge

    raw = {resolve_field(k): v for k, v in values.items() if v not in (None, "")}
    fields = normalize.build_fields(raw)
    if not fields.get("name"):
        raise UsageError("a name is needed")
    rid = f"user-add-{uuid.uuid4().hex[:12]}"
    doc = {
        "rid": rid,
        "source": _user_source("finder add").to_dict(),
        "key": rid,
        "fields": fields,
        "extra": {},
        "warnings": [],
        "tid": None,
        **enrich(fields),
    }
    with store.transaction():
        had_records = bool(len(store.records))
        store.records.insert(doc)
        merge.relink(store, {rid})
        rejudge.stamp_if_first(store, had_records)
        saved = store.records.first(rid=rid)
        assert saved is not None
        return int(saved["tid"])


@dataclass(frozen=True)
class EditResult:
    field: str
    value: Any
    display: str


#: Numbers finder's readers would take only part of ("1e5" read as 1): refused instead.
_UNREAD_NUMBER = re.compile(
    r"\d[eE][-+]?\d|\d_\d|\b0[xXbBoO][0-9a-fA-F]|\d\.\d+\.\d|\b(?:nan|inf(?:inity)?)\b", re.I
)


def edit_field(store: Store, tid: int, name: str, value: str | None) -> EditResult:
    """Set (or with ``value=None`` clear) the user's own value of one field."""
    field = resolve_field(name)
    normalised: Any = None
    if value is not None:
        if field == "name":
            normalised, _ = normalize.split_name(value)
        elif FIELDS[field][0] in (Kind.MONEY, Kind.NUMBER) and _UNREAD_NUMBER.search(value):
            raise UsageError(
                f"cannot read {value!r} as {field}: write the number in digits "
                "(e.g. 150 or 150.50), as it should be stored"
            )
        else:
            normalised = normalize.field_value(field, value)
        if normalised is None and FIELDS[field][0] is Kind.BOOL:
            raise UsageError(f"{field} takes yes or no (got {value!r})")
        if normalised is None:
            raise UsageError(f"cannot read {value!r} as {field} ({FIELDS[field][1]})")
    with store.transaction():
        therapists.get(store, tid)
        rid = f"user-edit-{tid}"
        existing = store.records.first(rid=rid)
        fields = dict(existing["fields"]) if existing else {}
        if value is None:
            fields.pop(field, None)
            if field == "fee":
                fields.pop("fee_text", None)
        else:
            fields[field] = normalised
            if field == "fee":
                fields["fee_text"] = value
        doc = {
            "rid": rid,
            "source": _user_source("finder edit").to_dict(),
            "key": rid,
            "fields": fields,
            "extra": {},
            "warnings": [],
            "tid": tid,
            "pinned": True,
            **enrich(fields),
        }
        if existing:
            store.records.replace(existing["_id"], doc)
        else:
            store.records.insert(doc)
    shown = ", ".join(map(str, normalised)) if isinstance(normalised, list) else str(normalised)
    return EditResult(field, normalised, shown)
