"""What to do next about each shortlisted therapist, from the contact log.

``followups`` turns the log into things to do (chase a silence, re-check a
waitlist, keep or record a booked consultation); ``agenda`` is what
`finder followups` shows of them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any, Final

from finder.errors import UsageError
from finder.judge import therapists
from finder.pursue import shortlist
from finder.pursue.contacts import Contact, contacts_for
from finder.pursue.shortlist import Status
from finder.storage.store import Store

DEFAULT_FOLLOWUP_DAYS: Final[int] = 5
#: How long a waitlist is left alone before asking again.
WAITLIST_RECHECK_DAYS: Final[int] = 14
#: The meta key of the user's own default for ``followups``.
META_DAYS: Final[str] = "followup_days"


def followup_days(store: Store) -> int:
    """The user's default for 'no reply after N days' (``finder followups --set-days``)."""
    value = store.meta().get(META_DAYS)
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return DEFAULT_FOLLOWUP_DAYS


def set_followup_days(store: Store, days: int) -> None:
    if days < 1:
        raise UsageError("the number of days must be 1 or more")
    with store.transaction():
        store.set_meta(**{META_DAYS: days})


@dataclass(frozen=True)
class Followup:
    """One thing to do about one therapist."""

    kind: str  # chase | waitlist | consultation | record
    tid: int
    name: str
    phone: str | None
    since: date  # the contact (or status change) this follows from
    due: date  # when to act: chase or re-check on, or the consultation's day
    via: str | None = None
    outcome: str | None = None
    at: datetime | None = None  # a booked consultation's time, when known

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["since"] = self.since.isoformat()
        out["due"] = self.due.isoformat()
        out["at"] = self.at.strftime("%Y-%m-%d %H:%M") if self.at else None
        return out


def followups(
    store: Store,
    profile: str,
    *,
    today: date | None = None,
    days: int | None = None,
) -> list[Followup]:
    """Everything pending on the profile's shortlist, with the date to act, soonest first.

    - ``chase``: awaiting a reply; due ``days`` after the last message.
    - ``waitlist``: on a waitlist; due on the day the user chose to re-check, else
      ``WAITLIST_RECHECK_DAYS`` after it was given.
    - ``consultation``: a booked consultation (due on its day; its time when known).
    - ``record``: a booked consultation whose day has passed, with no answer saved since.
    """
    today = today or date.today()
    days = days if days is not None else followup_days(store)
    if days < 1:
        raise UsageError("the number of days must be 1 or more")
    log: dict[int, list[Contact]] = {}
    for contact in contacts_for(store, profile):
        log.setdefault(contact.tid, []).append(contact)
    answered: dict[int, str] = {}  # tid -> the day of its latest consultation answer
    for doc in store.answers.find(profile=profile, checklist="consultation"):
        tid, day = doc.get("tid"), str(doc.get("answered_at") or "")[:10]
        if isinstance(tid, int):
            answered[tid] = max(day, answered.get(tid, ""))
    items: list[Followup] = []
    for entry in shortlist.entries(store, profile):
        contacts = log.get(entry.tid, [])
        last = contacts[-1] if contacts else None
        since = _day(last.on) if last else _day(entry.updated_at[:10])
        kind, due, at = _pending(entry.status, last, since, days, today, contacts)
        if kind is None:
            continue
        if kind == "record" and answered.get(entry.tid, "") >= due.isoformat():
            continue  # answers saved on or after the consultation's day: recorded
        if kind == "waitlist" and entry.recheck_on:
            due = _day(entry.recheck_on)
        therapist = therapists.get(store, entry.tid)
        phones = therapist.best("phones") or []
        items.append(
            Followup(
                kind=kind,
                tid=entry.tid,
                name=therapist.name,
                phone=str(phones[0]) if phones else None,
                since=since,
                due=due,
                via=last.via if last else None,
                outcome=last.outcome if last else None,
                at=at,
            )
        )
    items.sort(key=lambda f: (f.due, f.at or datetime.min, f.tid))
    return items


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return date.min


def _pending(
    status: Status,
    last: Contact | None,
    since: date,
    days: int,
    today: date,
    contacts: list[Contact],
) -> tuple[str | None, date, datetime | None]:
    if status is Status.AWAITING_REPLY:
        return "chase", since + timedelta(days=days), None
    waitlist = last is not None and last.outcome == "waitlist"
    if status is Status.WAITLISTED or (status is Status.NO_OPENINGS and waitlist):
        return "waitlist", since + timedelta(days=WAITLIST_RECHECK_DAYS), None
    if status is Status.CONSULTATION_BOOKED:
        booked = [c for c in contacts if c.outcome == "booked"]
        at = _moment(booked[-1].at) if booked else None
        if at is None:
            return "consultation", since, None
        kind = "record" if at.date() < today else "consultation"
        return kind, at.date(), at
    return None, since, None


def _moment(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M")
    except ValueError:
        return None


@dataclass(frozen=True)
class Agenda:
    """What `finder followups` shows: what is due by ``today``, and what waits."""

    today: date
    days: int
    ahead: int
    items: tuple[Followup, ...]  # everything pending (what the calendar file gets)

    @property
    def shown(self) -> list[Followup]:
        horizon = self.today + timedelta(days=self.ahead)
        return [
            f
            for f in self.items
            if (f.kind == "chase" and f.due <= self.today)
            or f.kind in ("waitlist", "record")
            or (f.kind == "consultation" and (f.at is None or f.due <= horizon))
        ]

    @property
    def waiting(self) -> list[Followup]:
        """Messages still within their ``days``: not chased yet."""
        return [f for f in self.items if f.kind == "chase" and f.due > self.today]

    def lines(self) -> list[str]:
        """The text view, grouped by what to do."""
        shown = self.shown
        sections = [
            (f"Chase (no reply after {self.days} days):", "chase", self._chase),
            ("Waitlists to re-check:", "waitlist", self._waitlist),
            (f"Consultations in the next {self.ahead} days:", "consultation", self._booked),
            ("Consultations to record:", "record", self._record),
        ]
        out: list[str] = []
        for title, kind, line in sections:
            rows = [f"  #{f.tid} {f.name}{', ' + f.phone if f.phone else ''}: {line(f)}"
                    for f in shown if f.kind == kind]  # fmt: skip
            if rows:
                out += ([""] if out else []) + [title, *rows]
        return out

    def _chase(self, f: Followup) -> str:
        if not f.via:
            return f"awaiting a reply since {f.since}"
        n = (self.today - f.since).days
        ago = "today" if n == 0 else ("1 day ago" if n == 1 else f"{n} days ago")
        return f"{_what_you_did(f.outcome, f.via)} on {f.since}, {ago}"

    def _waitlist(self, f: Followup) -> str:
        when = "re-check now" if f.due <= self.today else f"re-check on {f.due}"
        return f"waitlisted on {f.since}; {when}"

    def _booked(self, f: Followup) -> str:
        if f.at is not None:
            return f"{f.at:%a %Y-%m-%d %H:%M}"
        return (
            f"booked on {f.since}, time not logged (finder contact {f.tid} --via phone "
            '--outcome booked --at "YYYY-MM-DD HH:MM")'
        )

    def _record(self, f: Followup) -> str:
        return f"consultation was on {f.due}; record what you learned: finder consult {f.tid}"


_BY = {"phone": "by phone", "email": "by email", "form": "through their contact form",
       "portal": "through the portal"}  # fmt: skip


def _what_you_did(outcome: str | None, via: str) -> str:
    """A logged contact in plain words: "sent an email", "left a message by phone"."""
    if outcome == "emailed":
        return "sent an email" if via == "email" else f"sent a message {_BY.get(via, via)}"
    if outcome == "left-message":
        return f"left a message {_BY.get(via, via)}"
    done = (outcome or "contacted").replace("-", " ")
    return f"{done} ({_BY.get(via, via)})"


def agenda(
    store: Store, profile: str, *, today: date | None = None, days: int | None = None,
    ahead: int = 7,
) -> Agenda:  # fmt: skip
    """The follow-ups of a profile as `finder followups` shows them."""
    today = today or date.today()
    days = days if days is not None else followup_days(store)
    items = followups(store, profile, today=today, days=days)
    return Agenda(today, days, ahead, tuple(items))
