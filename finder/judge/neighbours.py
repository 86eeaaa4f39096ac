"""Which records a new or changed record can touch: its neighbourhood by blocking keys.

Planning (``finder.judge.merge``) compares only records that share a blocking key
(an NPI, a profile URL, a licence, a phone with a family name, a name block in a
ZIP or city, a name in a state, a repeated row). Every such key of a record is
kept in the SQLite index (``keys``). A record can only join, split from or take
an id from records connected to it through those keys, through a shared
therapist id, or through the user's "same" decisions; planning that connected
part alone gives the same therapists as planning the whole store (a test checks
this on random stores), so ``finder add`` on 100,000 records reads a handful.

A relink starts from the changed records, the records sharing a key with them,
and the whole therapists those belong to; it plans them, and while a therapist
changed (gained or lost a record), adds the records sharing a key with it and
plans again. Therapists outside share keys only with therapists that did not
change, so the whole store's plan would leave them as they are (a test compares
with whole-store plans on random stores).

The keys here are a superset of the planner's blocks: a city key stands for the
city with and without its state, which only makes a neighbourhood larger.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol, TypeVar

from finder.judge.linkage import Rec
from finder.storage.store import Doc, Store


class _Planned(Protocol):
    @property
    def tids(self) -> dict[str, int]: ...


P = TypeVar("P", bound=_Planned)

#: Past this many records a neighbourhood is most of the store: plan it whole.
LIMIT_SHARE = 0.3


def record_keys(rec: Rec) -> list[str]:
    """Every blocking key planning may use for this record, as strings."""
    keys: list[str] = []
    if rec.npi:
        keys.append(f"n:{rec.npi}")
    if rec.url:
        keys.append(f"u:{rec.url}")
    if rec.lic:
        keys.append(f"l:{rec.lic[0]}|{rec.lic[1]}")
    if rec.dup:
        keys.append(f"d:{rec.dup}")
    if not rec.org and rec.family:
        keys += [f"p:{phone}|{rec.family}" for phone in rec.phones]
    names = rec.name_keys()
    if rec.zip:
        keys += [f"z:{rec.zip}|{name}" for name in names]
    if rec.city:
        keys += [f"c:{rec.city}|{name}" for name in names]
    if not rec.org and rec.given and rec.family:
        keys += [f"s:{state}|{rec.given}|{rec.family}" for state in rec.states]
    return keys


def keys_by_id(
    docs: Iterable[tuple[int, Doc]], read: dict[int, Rec] | None = None
) -> dict[int, list[str]]:
    """Each record's keys; ``read``: records planning made already, by document id, let go
    of as their keys are made (a big store holds one or the other, not both)."""
    made = read if read is not None else {}
    out: dict[int, list[str]] = {}
    for doc_id, doc in docs:
        rec = made.pop(doc_id) if doc_id in made else Rec(doc, doc_id)
        out[doc_id] = record_keys(rec)
    return out


def _same_partners(decisions: Iterable[Doc]) -> dict[str, set[str]]:
    partners: dict[str, set[str]] = {}
    for doc in decisions:
        rids = doc.get("rids") or []
        if doc.get("decision") == "same" and len(rids) == 2:
            a, b = map(str, rids)
            partners.setdefault(a, set()).add(b)
            partners.setdefault(b, set()).add(a)
    return partners


class Neighbourhood:
    """Records a relink plans: whole therapists, grown until planning them changes no
    therapist that shares a key with one outside."""

    def __init__(self, store: Store, decisions: Iterable[Doc], limit: int) -> None:
        self.table = store.records
        self.index = self.table.index
        self.partners = _same_partners(decisions)
        self.limit = limit
        self.docs: dict[int, Doc] = {}

    def add_around(self, ids: Iterable[int]) -> bool:
        """Add the records sharing a key with ``ids``, with their therapists' records;
        whether any was new. Raises ``TooBig`` past the limit."""
        keys: set[str] = set()
        rids: set[str] = set()
        for doc_id in ids:
            doc = self.docs[doc_id]
            keys.update(record_keys(Rec(doc, doc_id)))
            rids.update(self.partners.get(str(doc.get("rid")), ()))
        more = self.index.ids_with_keys(keys) | self.index.ids_of_rids(rids)
        return self.add(more - self.docs.keys())

    def add(self, ids: Iterable[int]) -> bool:
        """Add these records and every record of their therapists."""
        frontier = set(ids) - self.docs.keys()
        grew = bool(frontier)
        while frontier:
            if len(self.docs) + len(frontier) > self.limit:
                raise TooBig
            tids: set[int] = set()
            for doc in self.table.by_ids(frontier):
                self.docs[doc["_id"]] = doc
                if doc.get("tid") is not None:
                    tids.add(int(doc["tid"]))
            frontier = self.index.ids_of_therapists(tids) - self.docs.keys()
        return grew

    def changed(self, tids: Mapping[str, int]) -> set[int]:
        """Records whose therapist (the set of records it holds) a plan changes."""
        old: dict[Any, set[str]] = {}
        new: dict[int, set[str]] = {}
        for doc_id, doc in self.docs.items():
            rid = str(doc.get("rid") or f"doc-{doc_id}")
            old.setdefault(doc.get("tid") if doc.get("tid") is not None else rid, set()).add(rid)
            if rid in tids:
                new.setdefault(tids[rid], set()).add(rid)
        out: set[int] = set()
        for doc_id, doc in self.docs.items():
            rid = str(doc.get("rid") or f"doc-{doc_id}")
            before = old[doc.get("tid") if doc.get("tid") is not None else rid]
            if rid in tids and new[tids[rid]] != before:
                out.add(doc_id)
        return out


class TooBig(Exception):
    """The neighbourhood passed its limit: plan the whole store."""


def changed_ids(store: Store, rids: Iterable[str]) -> set[int]:
    """Document ids of the changed records, and of any whose keys are not indexed yet
    (every record written since the last relink: a write clears its keys' mark)."""
    index = store.records.index
    return index.ids_of_rids(set(rids)) | index.unkeyed()


def tid_updates(docs: Iterable[tuple[int, Doc]], tids: Mapping[str, int]) -> dict[int, Any]:
    """{doc id: {"tid": new}} for the records whose therapist changed."""
    updates: dict[int, Any] = {}
    for doc_id, doc in docs:
        tid = tids.get(str(doc.get("rid") or f"doc-{doc_id}"))
        if tid is not None and doc.get("tid") != tid:
            updates[doc_id] = {"tid": tid}
    return updates


class Ahead:
    """The documents a relink inserts (``merge.relink``'s ``new``). When the whole store is
    planned anyway (a big import), they are planned before they are written, with the
    ids they will get, and written once, with their therapist ids and their keys' mark;
    otherwise they are written first and a neighbourhood is planned as for any change."""

    def __init__(self, table: Any, rids: set[str], new: Sequence[Doc]) -> None:
        self.table = table
        self.new = new
        self.first = table.next_id()
        self.ahead = bool(new) and whole_store(len(rids), len(table) + len(new))
        self.written: dict[int, Doc] = {}
        if new and not self.ahead:
            # The new documents as written: planning does not read them back.
            ids = table.insert_many(new, hand_over=True)
            self.written = dict(zip(ids, new, strict=True))

    def __bool__(self) -> bool:
        return self.ahead

    def docs(self) -> list[tuple[int, Doc]]:
        """Every record of the store (the stored dicts themselves: planning only reads
        them), with the new ones."""
        if not self.ahead:
            return list(self.table.raw_docs(self.written))
        return [*self.table.raw_docs(), *enumerate(self.new, self.first)]

    def write(self, updates: dict[int, Any]) -> None:
        """Write the therapist ids a plan changed (``tid_updates``), and the new records."""
        if self.ahead:
            for doc_id, doc in enumerate(self.new, self.first):
                doc["tid"] = updates.pop(doc_id, {"tid": doc.get("tid")})["tid"]
        self.table.update_many(updates)
        if self.ahead and self.table.insert_many(self.new, hand_over=True, keyed=True) != list(
            range(self.first, self.first + len(self.new))
        ):
            raise RuntimeError("the new records' ids changed while they were planned")


def whole_store(changed: int, records: int) -> bool:
    """Whether a relink of ``changed`` records among ``records`` plans the whole store:
    none named, or more than the limit (a big import)."""
    return not changed or changed > int(records * LIMIT_SHARE)


def plan_area(
    store: Store,
    changed_rids: Iterable[str],
    decisions: list[Doc],
    plan: Callable[[list[tuple[int, Doc]]], P],
) -> tuple[list[tuple[int, Doc]], P] | None:
    """``plan`` of the records a relink of ``changed_rids`` can change, with them; or
    ``None``: plan the whole store."""
    rids = set(changed_rids)
    records = len(store.records)
    if whole_store(len(rids), records):
        return None
    limit = int(records * LIMIT_SHARE)
    area = Neighbourhood(store, decisions, limit)
    start = changed_ids(store, rids)
    try:
        area.add(start | {d["_id"] for d in store.records.own_docs()})
        area.add_around(list(area.docs))
        while True:
            docs = sorted(area.docs.items())
            planned = plan(docs)
            if not area.add_around(area.changed(planned.tids)):
                return docs, planned
    except TooBig:
        return None
