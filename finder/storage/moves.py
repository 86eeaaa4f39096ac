"""The user's work follows a therapist whose records joined another's."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from finder.storage.docs import Doc, Tables

#: Tables whose documents belong to a therapist id and move with it on a merge.
PER_THERAPIST_TABLES = ("shortlist", "contacts", "answers", "notes", "verifications")


def move_therapist_data(store: Tables, absorbed: Mapping[int, int]) -> None:
    """Point shortlist, contacts, answers, notes and verifications at the surviving ids."""
    for name in PER_THERAPIST_TABLES:
        table = store.table(name)
        docs = table.find(lambda d: d.get("tid") in absorbed)
        table.update_many({d["_id"]: {"tid": absorbed[d["tid"]]} for d in docs})
    survivors = set(absorbed.values())
    # One shortlist entry per profile and therapist, one answer per question: the newest wins.
    for name, key, stamp in (
        ("shortlist", ("profile", "tid"), "updated_at"),
        ("answers", ("profile", "tid", "checklist", "qid", "plan"), "answered_at"),
    ):
        table = store.table(name)
        groups: dict[tuple[Any, ...], list[Doc]] = defaultdict(list)
        for doc in table.find(lambda d: d.get("tid") in survivors):
            groups[tuple(doc.get(k) for k in key)].append(doc)
        stale: list[int] = []
        for docs in groups.values():
            docs.sort(key=lambda d: (str(d.get(stamp) or ""), d["_id"]), reverse=True)
            stale.extend(d["_id"] for d in docs[1:])
        table.remove(stale)
