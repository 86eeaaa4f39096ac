"""Counted words as a person writes them: "1 profile", "2 profiles", never "1 profiles"."""

from __future__ import annotations

#: Nouns whose plural is not the singular plus "s".
_IRREGULAR = {"entry": "entries", "therapy": "therapies", "category": "categories"}

#: The store's tables as counted things (`finder export`, restoring an export).
TABLE_NOUNS = {
    "records": "record", "answers": "answer", "notes": "note", "contacts": "contact",
    "profiles": "profile", "shortlist": "shortlist entry", "merge_decisions": "merge decision",
    "verifications": "verification", "sources": "source", "callplans": "call plan",
}  # fmt: skip


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``count`` and the noun in the form it needs: ``plural(1, "file")`` is "1 file"."""
    if count == 1:
        return f"{count:,} {noun}"
    if many is None:
        head, _, last = noun.rpartition(" ")
        last = _IRREGULAR.get(last, last + "s")
        many = f"{head} {last}" if head else last
    return f"{count:,} {many}"


def table_count(table: str, count: int) -> str:
    """A count of one table's documents: "1 profile", "3 shortlist entries"."""
    return plural(count, TABLE_NOUNS.get(table, table.replace("_", " ")))
