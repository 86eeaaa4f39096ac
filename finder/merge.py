"""Link records to therapists (placeholder linking by exact identifiers; replaced by the
full merge of issue 4)."""

from __future__ import annotations

from finder.store import Store


def relink(store: Store, changed: set[str]) -> None:
    """Give every record a therapist id: same NPI or profile URL -> same therapist."""
    table = store.records
    docs = table.all()
    meta = store.meta()
    next_tid = int(meta.get("next_tid", 1))
    by_key: dict[tuple[str, str], int] = {}
    for doc in docs:
        if doc.get("tid") is None:
            continue
        for key in ("npi", "profile_url"):
            value = doc["fields"].get(key)
            if value:
                by_key.setdefault((key, value), doc["tid"])
    updates = {}
    for doc in docs:
        if doc.get("tid") is not None:
            continue
        tid = None
        for key in ("npi", "profile_url"):
            value = doc["fields"].get(key)
            if value and (key, value) in by_key:
                tid = by_key[(key, value)]
                break
        if tid is None:
            tid = next_tid
            next_tid += 1
        for key in ("npi", "profile_url"):
            value = doc["fields"].get(key)
            if value:
                by_key.setdefault((key, value), tid)
        updates[doc["_id"]] = {"tid": tid}
    table.update_many(updates)
    store.set_meta(next_tid=next_tid)
