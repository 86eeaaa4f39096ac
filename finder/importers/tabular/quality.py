"""What a whole list says about its own values: a contact every row shares, organisations.

A scraper bug can put one website, email or phone on every row (a real 1,651-row list
has the same redirect as everyone's website): used, it would be everyone's contact and
would make every record look like the same therapist. ``screen`` reports such a column
once and takes the value out of every record; it also says when most of a list's "names"
are practices or facilities rather than people.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from finder.records.models import Record, RowError

#: Fewer records than this say nothing about a column's values.
MIN_RECORDS = 5
_CONTACTS = ("website", "email", "profile_url", "phones")
_WORDS = {"website": "website", "email": "email address", "profile_url": "profile link",
          "phones": "phone number"}  # fmt: skip


def screen(batch: Sequence[Record | RowError], warn: Callable[[str], None], where: str) -> None:
    """Take a contact every record shares out of them all (saying so), in place."""
    records = [r for r in batch if type(r) is Record]
    if len(records) < MIN_RECORDS:
        return
    for field in _CONTACTS:
        shared = _shared(records, field)
        if shared is None:
            continue
        for record in records:
            _remove(record, field, shared)
        warn(
            f"{where}: every one of its {len(records):,} rows has the same {_WORDS[field]} "
            "(a scraper bug?); it is not used as anyone's contact"
        )
    organisations = sum(1 for r in records if r.fields.get("is_organization"))
    if organisations * 10 >= len(records) * 6:
        warn(
            f"{where}: {organisations:,} of its {len(records):,} names are practices, clinics "
            "or other organisations rather than people; they are kept as organisations"
        )


def _shared(records: list[Record], field: str) -> str | None:
    first = records[0].fields.get(field)
    value = first[0] if field == "phones" and first else first
    if not value:
        return None
    for record in records:
        found = record.fields.get(field)
        if field == "phones":
            if not found or value not in found:
                return None
        elif found != value:
            return None
    return str(value)


def _remove(record: Record, field: str, value: str) -> None:
    if field == "phones":
        rest = [p for p in record.fields["phones"] if p != value]
        if rest:
            record.fields["phones"] = rest
        else:
            del record.fields["phones"]
        return
    del record.fields[field]
    if field == "profile_url" and record.key == value:
        record.key = record.fields.get("npi")
