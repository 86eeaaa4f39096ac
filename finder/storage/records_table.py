"""``store.records``: one table over two places.

Records imported from directories live in SQLite (``records_db``); the records the
user made (a therapist entered by hand, an edit of a field: ``pinned`` or from a
``user`` source) live in the TinyDB file with the rest of the user's work, so a
re-import, a damaged index or a wipe of imported data never touches them. Both
share one sequence of document ids, and every read returns them in id order, so
callers see one table, as before.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator, Mapping, Sized
from typing import Any

from tinydb.table import Document

from finder.storage.docs import Doc, Lookups, Tables, strip_id
from finder.storage.records_db import RecordDB


def is_own(doc: Mapping[str, Any]) -> bool:
    """Whether a record is the user's own work (kept in the TinyDB file)."""
    source = doc.get("source")
    return bool(doc.get("pinned")) or (isinstance(source, dict) and source.get("kind") == "user")


class RecordsTable(Lookups):
    """The records table: the same face as ``Table``, over SQLite and TinyDB."""

    name = "records"

    def __init__(self, store: Tables, own: Any, sql: RecordDB) -> None:
        self._store = store
        self._own = own
        self._sql = sql

    # -- reading --------------------------------------------------------------

    def _own_raw(self) -> list[tuple[int, Doc]]:
        return sorted(self._own.raw_docs(), key=lambda pair: pair[0])

    def raw_docs(self, written: Mapping[int, Doc] | None = None) -> Iterator[tuple[int, Doc]]:
        """(doc id, document) in id order; the documents are fresh (SQLite) or the
        store's own (TinyDB): never modify them. ``written``: documents inserted in this
        transaction (``insert_many``'s ids) and not changed since, used as they are."""
        imported = self._sql.rows_knowing(written) if written else self._sql.rows()
        own = self._own_raw()
        if not own:
            return imported
        return heapq.merge(own, imported, key=lambda pair: pair[0])

    def all(self) -> list[Doc]:
        return [_with_id(doc_id, doc) for doc_id, doc in self.raw_docs()]

    def __iter__(self) -> Iterator[Doc]:
        return iter(self.all())

    def __len__(self) -> int:
        return len(self._own) + self._sql.count()

    def count_imported(self) -> int:
        return self._sql.count()

    def get(self, doc_id: int) -> Doc | None:
        doc = self._own.get(doc_id)
        if doc is not None:
            return doc
        found = self._sql.get(doc_id)
        return _with_id(doc_id, found) if found is not None else None

    def find(self, predicate: Callable[[Doc], bool] | None = None, **equals: Any) -> list[Doc]:
        if equals and set(equals) <= {"rid", "tid"}:
            # The indexed columns: SQLite reads only the matching rows.
            sql_rows: Iterable[tuple[int, Doc]] = self._sql.find(equals)
            own = [(d["_id"], d) for d in self._own.find(**equals)]
            rows = heapq.merge(own, sql_rows, key=lambda pair: pair[0])
            return [_with_id(doc_id, d) for doc_id, d in rows if predicate is None or predicate(d)]
        out = []
        for doc_id, d in self.raw_docs():
            if all(d.get(k) == v for k, v in equals.items()) and (
                predicate is None or predicate(d)
            ):
                out.append(_with_id(doc_id, d))
        return out

    def by_ids(self, ids: Iterable[int]) -> list[Doc]:
        """The records with these document ids, in id order."""
        wanted = sorted(set(ids))
        own = {d["_id"]: d for d in self._own.all() if d["_id"] in set(wanted)}
        out: list[Doc] = [own[i] for i in wanted if i in own]
        rest = [i for i in wanted if i not in own]
        for start in range(0, len(rest), 500):
            chunk = rest[start : start + 500]
            marks = ",".join("?" * len(chunk))
            out.extend(_with_id(i, d) for i, d in self._sql.rows(f"WHERE id IN ({marks})", chunk))
        return sorted(out, key=lambda d: d["_id"])

    def therapist_ids(self) -> list[int]:
        """Every therapist id, in order (read from the index, no record is decoded)."""
        return sorted(self.own_tids() | self._sql.tids())

    def therapist_page(self, limit: int | None) -> tuple[list[int], int]:
        """The first ``limit`` therapist ids in order (all with None) and how many there
        are, counted in the index: a first page of 100,000 reads 50 ids, not 100,000."""
        if limit is None:
            every = self.therapist_ids()
            return every, len(every)
        own = {int(d["tid"]) for d in self._own.all() if d.get("tid") is not None}
        first = sorted(own.union(self._sql.first_tids(limit)))[:limit]
        return first, self._sql.count_tids() + len(own - self._sql.tids_among(own))

    def tids_with_ipt(self, levels: Iterable[str]) -> list[int]:
        """Therapists with a record of one of these IPT evidence levels (the index)."""
        wanted = set(levels)
        own = {
            int(d["tid"])
            for d in self._own.all()
            if d.get("tid") is not None and (d.get("ipt") or {}).get("level") in wanted
        }
        found = self._sql.tids_where("ipt", wanted)
        return sorted(own | found)

    def own_tids(self) -> set[int]:
        """Therapists with a record of the user's own (a search reads them whole)."""
        return {int(d["tid"]) for d in self._own.all() if d.get("tid") is not None}

    def of_therapists(self, tids: Iterable[int]) -> list[Doc]:
        """The records of these therapists, in id order."""
        wanted = sorted(set(tids))
        out = [d for d in self._own.all() if d.get("tid") in set(wanted)]
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._sql.rows(f"WHERE tid IN ({marks})", chunk)
            out.extend(_with_id(i, d) for i, d in rows)
        return sorted(out, key=lambda d: d["_id"])

    # -- writing --------------------------------------------------------------

    def next_id(self) -> int:
        """The document id the next inserted record gets (those after it follow)."""
        own = [doc_id for doc_id, _ in self._own.raw_docs()]
        return max([self._sql.max_id(), *own]) + 1

    def insert(self, doc: Mapping[str, Any]) -> int:
        return self.insert_many([doc])[0]

    def insert_many(
        self, docs: Iterable[Mapping[str, Any]], *, hand_over: bool = False, keyed: bool = False
    ) -> list[int]:
        """Insert documents (their ``tid`` as they hold it); ``hand_over``: the dicts are
        stored as they are, not copied; ``keyed``: ``set_keys`` writes their merge keys
        in this transaction (``RecordDB.insert``)."""
        self._store._require_tx()
        next_id = self.next_id()
        ids: list[int] = []
        imported: list[tuple[int, Doc]] = []
        with self._sql.bulk(len(docs) if isinstance(docs, Sized) else 0):
            for doc in docs:
                clean = (
                    doc if hand_over and "_id" not in doc and type(doc) is dict else strip_id(doc)
                )
                if is_own(clean):
                    self._own_put(next_id, clean)
                else:
                    imported.append((next_id, dict(clean)))
                ids.append(next_id)
                next_id += 1
                if len(imported) >= 2000:
                    self._sql.insert(imported, keyed=keyed)
                    imported = []
            if imported:
                self._sql.insert(imported, keyed=keyed)
        return ids

    def _own_put(self, doc_id: int, doc: Mapping[str, Any]) -> None:
        self._own._t.upsert(Document(dict(doc), doc_id=doc_id))

    def replace(self, doc_id: int, doc: Mapping[str, Any]) -> None:
        self._store._require_tx()
        clean = strip_id(doc)
        if is_own(clean):
            self._sql.remove([doc_id])
            self._own_put(doc_id, clean)
        else:
            if self._own.get(doc_id) is not None:
                self._own.remove([doc_id])
            self._sql.insert([(doc_id, clean)])

    def update(self, doc_id: int, changes: Mapping[str, Any]) -> None:
        self.update_many({doc_id: changes})

    def update_many(self, changes: Mapping[int, Mapping[str, Any]]) -> None:
        """Per-document updates; a change of therapist id alone rewrites one column."""
        if not changes:
            return
        self._store._require_tx()
        changes = {int(i): c for i, c in changes.items()}
        own_ids = {doc_id for doc_id, _ in self._own.raw_docs()}
        own = {i: c for i, c in changes.items() if i in own_ids}
        if own:
            self._own.update_many(own)
        rest = {i: c for i, c in changes.items() if i not in own_ids}
        tids = [(c["tid"], i) for i, c in rest.items() if c.keys() == {"tid"}]
        if tids:
            self._sql.set_tids(tids)
        whole = [i for i, c in rest.items() if c.keys() != {"tid"}]
        for start in range(0, len(whole), 500):
            chunk = whole[start : start + 500]
            marks = ",".join("?" * len(chunk))
            updated = []
            for doc_id, doc in self._sql.rows(f"WHERE id IN ({marks})", chunk):
                doc.update(rest[doc_id])
                doc.pop("_id", None)
                updated.append((doc_id, doc))
            for doc_id, doc in updated:
                if is_own(doc):
                    self._sql.remove([doc_id])
                    self._own_put(doc_id, doc)
            self._sql.insert([(i, d) for i, d in updated if not is_own(d)])

    def remove(self, doc_ids: Iterable[int]) -> None:
        ids = list(doc_ids)
        if not ids:
            return
        self._store._require_tx()
        own_ids = {doc_id for doc_id, _ in self._own.raw_docs()}
        self._own.remove([i for i in ids if i in own_ids])
        self._sql.remove([i for i in ids if i not in own_ids])

    def truncate(self) -> None:
        self._store._require_tx()
        self._own.truncate()
        self._sql.truncate()

    # -- the merge's keys -----------------------------------------------------

    def set_keys(self, keys: dict[int, Iterable[str]], *, everything: bool = False) -> None:
        self._store._require_tx()
        self._sql.set_keys(keys, everything=everything)

    @property
    def index(self) -> RecordDB:
        """The imported records' indexes, for lookups (``ids_with_keys``, ``unkeyed`` ...)."""
        return self._sql

    def own_docs(self) -> list[Doc]:
        """The user's own records (few: a person typed them), in id order."""
        return sorted(self._own.all(), key=lambda d: d["_id"])


def _with_id(doc_id: int, doc: Mapping[str, Any]) -> Doc:
    out = dict(doc)
    out["_id"] = doc_id
    return out
