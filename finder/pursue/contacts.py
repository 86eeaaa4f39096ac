"""The contact log: every call, email and message to a therapist.

Documents in the ``contacts`` table: ``{profile, tid, via, outcome, on
(YYYY-MM-DD), note, logged_at, at (YYYY-MM-DDTHH:MM, a booked consultation's
time, optional)}``. Logging a contact moves the therapist's shortlist status
(``shortlist.STATUS_FOR_OUTCOME``), adding the therapist to the shortlist if
needed, but never moves a therapist back down the pipeline: emailing a
therapist already consulted keeps them consulted.

What the log asks the user to do next is ``finder.pursue.followups``; the
calendar file is ``finder.pursue.ics`` and a first message ``finder.pursue.drafts``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from finder.errors import UsageError
from finder.pursue import shortlist
from finder.pursue.shortlist import STATUS_FOR_OUTCOME, Status
from finder.storage.store import Doc, Store

VIAS: Final[tuple[str, ...]] = ("phone", "email", "form", "portal")
OUTCOMES: Final[tuple[str, ...]] = tuple(STATUS_FOR_OUTCOME)

#: Pipeline order: a contact may move a therapist forward, never back.
_PROGRESS: Final[dict[Status, int]] = {
    Status.TO_CONTACT: 0,
    Status.CONTACTED: 1,
    Status.AWAITING_REPLY: 1,
    Status.CONSULTATION_BOOKED: 2,
    Status.CONSULTED: 3,
    Status.CHOSEN: 4,
}


@dataclass(frozen=True)
class Contact:
    tid: int
    via: str
    outcome: str
    on: str  # YYYY-MM-DD
    note: str | None
    logged_at: str
    at: str | None = None  # YYYY-MM-DDTHH:MM of a booked consultation

    @classmethod
    def from_doc(cls, doc: Doc) -> Contact:
        return cls(
            tid=int(doc["tid"]),
            via=str(doc.get("via") or ""),
            outcome=str(doc.get("outcome") or ""),
            on=str(doc.get("on") or ""),
            note=doc.get("note"),
            logged_at=str(doc.get("logged_at") or ""),
            at=doc.get("at"),
        )


@dataclass(frozen=True)
class Logged:
    """A logged contact and what it did to the shortlist status."""

    contact: Contact
    status: Status  # the status now
    previous: Status | None  # before; None when the therapist was not on the shortlist
    proposed: Status  # what the outcome alone would have set


def parse_day(text: str, what: str = "date") -> date:
    """A YYYY-MM-DD date, or UsageError naming what was wrong."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{what} {text!r}: use YYYY-MM-DD, e.g. 2025-03-14") from None


def parse_time(text: str) -> datetime:
    """A 'YYYY-MM-DD HH:MM' local time (a 'T' between them is fine too)."""
    raw = " ".join(text.strip().replace("T", " ").split())
    try:
        moment = datetime.strptime(raw, "%Y-%m-%d %H:%M")
    except ValueError:
        raise UsageError(
            f'consultation time {text!r}: use "YYYY-MM-DD HH:MM", e.g. "2025-03-14 15:30"'
        ) from None
    return moment


def _next_status(current: Status | None, proposed: Status) -> Status:
    if current is None or current not in _PROGRESS or proposed not in _PROGRESS:
        return proposed
    return current if _PROGRESS[proposed] < _PROGRESS[current] else proposed


def advance(
    store: Store, profile: str, tid: int, proposed: Status, recheck_on: str | None = None
) -> tuple[Status | None, Status]:
    """Move a therapist's shortlist status to ``proposed`` unless that would move it back.

    ``recheck_on`` goes with ``waitlisted`` (the day to ask again). Returns the status
    before (None: was not on the shortlist) and after.
    """
    with store.transaction():
        entry = shortlist.get(store, profile, tid)
        previous = entry.status if entry else None
        status = _next_status(previous, proposed)
        if status != previous or recheck_on is not None:
            shortlist.set_status(store, profile, tid, status, recheck_on=recheck_on)
    return previous, status


def log_contact(
    store: Store,
    profile: str,
    tid: int,
    via: str,
    outcome: str,
    *,
    on: date | None = None,
    note: str | None = None,
    at: datetime | None = None,
    today: date | None = None,
    now: str | None = None,
    recheck_on: str | None = None,
) -> Logged:
    """Record one attempt to reach a therapist and move the shortlist status with it.

    ``recheck_on`` (YYYY-MM-DD) goes with the outcome ``waitlist``: the day to ask again.
    """
    # kept here: `finder contact --help` loads this module for its choices and no store's records
    from finder.judge import therapists
    from finder.records.models import now_iso

    if via not in VIAS:
        raise UsageError(f"unknown way of contact {via!r}; one of: {', '.join(VIAS)}")
    if outcome not in STATUS_FOR_OUTCOME:
        raise UsageError(f"unknown outcome {outcome!r}; one of: {', '.join(OUTCOMES)}")
    if at is not None and outcome != "booked":
        raise UsageError("a consultation time (--at) goes with --outcome booked")
    if recheck_on is not None and outcome != "waitlist":
        raise UsageError("a date to re-check (--recheck) goes with --outcome waitlist")
    today = today or date.today()
    day = on or today
    if day > today:
        raise UsageError(
            f"contact date {day.isoformat()} is in the future: log it once it happened"
        )
    clean_note = " ".join(note.split()) if note else None
    doc: dict[str, Any] = {
        "profile": profile,
        "tid": tid,
        "via": via,
        "outcome": outcome,
        "on": day.isoformat(),
        "note": clean_note or None,
        "logged_at": now or now_iso(),
    }
    if at is not None:
        doc["at"] = at.strftime("%Y-%m-%dT%H:%M")
    proposed = STATUS_FOR_OUTCOME[outcome]
    with store.transaction():
        therapists.get(store, tid)
        store.contacts.insert(doc)
        previous, status = advance(store, profile, tid, proposed, recheck_on=recheck_on)
    return Logged(Contact.from_doc({**doc}), status, previous, proposed)


def contacts_for(store: Store, profile: str, tid: int | None = None) -> list[Contact]:
    """The contact log of a profile (or of one therapist), oldest first."""
    equals: dict[str, Any] = {"profile": profile}
    if tid is not None:
        equals["tid"] = tid
    docs = store.contacts.find(**equals)
    docs.sort(key=lambda d: (str(d.get("on")), str(d.get("logged_at"))))
    return [Contact.from_doc(d) for d in docs]
