"""A newer NPPES bulk file over an older one: each clinician's record is updated in place.

NPPES publishes the whole file again every month under a new name. A record read from
it is the stored record of the same NPI from an earlier NPPES file, updated (or left
alone when nothing changed), not a second record beside it. A row that holds only an
NPI and its deactivation date marks that NPI's stored record deactivated, as NPPES
states it: the record stays, with ``status`` and ``deactivation_date`` in its extra
data. How many were added, changed, deactivated and left unchanged is counted by the
import (``FileResult``).
"""

from __future__ import annotations

from typing import Any

from finder.importers.base import Deactivation
from finder.records.models import Record

#: Formats whose records are one NPI each, from the one national file.
BULK_NPI_FORMATS = frozenset({"nppes-csv"})

Doc = dict[str, Any]


def _format(doc: Doc) -> Any:
    source = doc.get("source")
    return source.get("format") if isinstance(source, dict) else None


class StoredNpis:
    """The stored records of NPPES bulk files, by NPI."""

    def __init__(self, existing: dict[str, tuple[int, Doc]]) -> None:
        self.by_npi: dict[str, tuple[int, Doc]] = {
            doc["key"]: (doc_id, doc)
            for doc_id, doc in existing.values()
            if doc.get("key") and _format(doc) in BULK_NPI_FORMATS
        }

    def same(self, file_format: str | None, record: Record) -> tuple[int, Doc] | None:
        """The stored record an incoming one updates, when no record of its own file is."""
        if file_format not in BULK_NPI_FORMATS or not self.by_npi:
            return None
        return self.by_npi.get(record.identity)

    def deactivate(self, marks: list[Deactivation]) -> tuple[dict[int, Doc], int]:
        """The stored records these rows deactivate (as updated documents), and how many
        of the marks found a record already deactivated (unchanged)."""
        updates: dict[int, Doc] = {}
        unchanged = 0
        for mark in marks:
            found = self.by_npi.get(mark.npi)
            if found is None:
                continue  # never imported: nothing to mark (the importer counts them)
            doc_id, doc = found
            extra = doc.get("extra") or {}
            if extra.get("status") == "deactivated":
                unchanged += 1
                continue
            updated = dict(doc)
            updated["extra"] = {**extra, "status": "deactivated", "deactivation_date": mark.date}
            updates[doc_id] = updated
        return updates, unchanged


def deactivates(old: Doc, new: Doc) -> bool:
    """Whether an update turns an active record into a deactivated one."""
    was = (old.get("extra") or {}).get("status")
    now = (new.get("extra") or {}).get("status")
    return now == "deactivated" and was != "deactivated"
