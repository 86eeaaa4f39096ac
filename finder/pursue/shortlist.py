"""The shortlist: the candidates one profile is pursuing, each with a status.

Documents in the ``shortlist`` table: ``{profile, tid, status, added_at,
updated_at, recheck_on}`` (``recheck_on``: YYYY-MM-DD, the day to ask a waitlist
again; only while waitlisted). Contact outcomes move the status forward (see
``STATUS_FOR_OUTCOME``); the user can set any status by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from finder.errors import NotFound, UsageError
from finder.storage.store import Store


class Status(StrEnum):
    TO_CONTACT = "to-contact"
    CONTACTED = "contacted"
    AWAITING_REPLY = "awaiting-reply"
    CONSULTATION_BOOKED = "consultation-booked"
    CONSULTED = "consulted"
    CHOSEN = "chosen"
    DECLINED = "declined"
    NO_OPENINGS = "no-openings"
    WAITLISTED = "waitlisted"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ")


#: What a logged contact outcome does to the shortlist status.
STATUS_FOR_OUTCOME: dict[str, Status] = {
    "left-message": Status.AWAITING_REPLY,
    "emailed": Status.AWAITING_REPLY,
    "replied": Status.CONTACTED,
    "no-openings": Status.NO_OPENINGS,
    "waitlist": Status.WAITLISTED,
    "booked": Status.CONSULTATION_BOOKED,
    "declined": Status.DECLINED,
}


@dataclass(frozen=True)
class Entry:
    tid: int
    status: Status
    added_at: str
    updated_at: str
    recheck_on: str | None = None  # YYYY-MM-DD: when to ask a waitlist again


def _entry(doc: dict[str, object]) -> Entry:
    recheck = doc.get("recheck_on")
    return Entry(int(str(doc["tid"])), Status(str(doc["status"])), str(doc["added_at"]),
                 str(doc["updated_at"]), str(recheck) if recheck else None)  # fmt: skip


def _now() -> str:
    # kept here: `finder contact --help` loads this module for its choices and no store's records
    from finder.records.models import now_iso

    return now_iso()


def entries(store: Store, profile: str) -> list[Entry]:
    docs = sorted(store.shortlist.find(profile=profile), key=lambda d: (d["added_at"], d["tid"]))
    return [_entry(d) for d in docs]


def get(store: Store, profile: str, tid: int) -> Entry | None:
    doc = store.shortlist.first(profile=profile, tid=tid)
    if doc is None:
        return None
    return _entry(doc)


def add(store: Store, profile: str, tid: int, status: Status = Status.TO_CONTACT) -> bool:
    """Add ``tid``; ``False`` when it was already on the shortlist."""
    # kept here: `finder contact --help` loads this module for its choices and no store's records
    from finder.judge import therapists

    with store.transaction():
        therapists.get(store, tid)
        if store.shortlist.first(profile=profile, tid=tid) is not None:
            return False
        now = _now()
        store.shortlist.insert(
            {
                "profile": profile,
                "tid": tid,
                "status": status.value,
                "added_at": now,
                "updated_at": now,
            }
        )
    return True


def remove(store: Store, profile: str, tid: int) -> None:
    with store.transaction():
        if not store.shortlist.remove_where(profile=profile, tid=tid):
            raise NotFound(f"therapist {tid} is not on the shortlist")


def set_status(
    store: Store, profile: str, tid: int, status: Status | str, recheck_on: str | None = None
) -> Entry:
    """Set the status, adding the therapist to the shortlist if needed.

    ``recheck_on`` (YYYY-MM-DD) goes with ``waitlisted``: the day to ask again.
    """
    try:
        status = Status(status)
    except ValueError:
        raise UsageError(
            f"unknown status {status!r}; one of: {', '.join(s.value for s in Status)}"
        ) from None
    if recheck_on is not None and status is not Status.WAITLISTED:
        raise UsageError("a date to re-check goes with the status waitlisted")
    with store.transaction():
        doc = store.shortlist.first(profile=profile, tid=tid)
        changes: dict[str, object] = {"status": status.value, "updated_at": _now()}
        if doc is None:
            add(store, profile, tid, status)
            doc = store.shortlist.first(profile=profile, tid=tid)
            assert doc is not None
            changes = {}
        if recheck_on or doc.get("recheck_on"):
            changes["recheck_on"] = recheck_on
        if changes:
            store.shortlist.update(doc["_id"], changes)
    entry = get(store, profile, tid)
    assert entry is not None
    return entry
