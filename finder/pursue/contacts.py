"""The contact log: every call, email and message to a therapist, and what to chase next.

Documents in the ``contacts`` table: ``{profile, tid, via, outcome, on
(YYYY-MM-DD), note, logged_at, at (YYYY-MM-DDTHH:MM, a booked consultation's
time, optional)}``. Logging a contact moves the therapist's shortlist status
(``shortlist.STATUS_FOR_OUTCOME``), adding the therapist to the shortlist if
needed, but never moves a therapist back down the pipeline: emailing a
therapist already consulted keeps them consulted.

``followups`` turns the log into things to do (chase a silence, re-check a
waitlist, keep a booked consultation); ``to_ics`` writes them as an iCalendar
file for the user's own calendar, and ``draft`` a first message to copy.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

from finder.errors import UsageError
from finder.pursue.shortlist import STATUS_FOR_OUTCOME, Status
from finder.storage.store import Doc, Store

VIAS: Final[tuple[str, ...]] = ("phone", "email", "form", "portal")
OUTCOMES: Final[tuple[str, ...]] = tuple(STATUS_FOR_OUTCOME)

DEFAULT_FOLLOWUP_DAYS: Final[int] = 5
#: How long a waitlist is left alone before asking again.
WAITLIST_RECHECK_DAYS: Final[int] = 14
#: The meta key of the user's own default for ``followups``.
META_DAYS: Final[str] = "followup_days"

#: Pipeline order: a contact may move a therapist forward, never back.
_PROGRESS: Final[dict[Status, int]] = {
    Status.TO_CONTACT: 0,
    Status.CONTACTED: 1,
    Status.AWAITING_REPLY: 1,
    Status.CONSULTATION_BOOKED: 2,
    Status.CONSULTED: 3,
    Status.CHOSEN: 4,
}

_AWAITING_OUTCOMES: Final[frozenset[str]] = frozenset({"left-message", "emailed"})


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


def advance(store: Store, profile: str, tid: int, proposed: Status) -> tuple[Status | None, Status]:
    """Move a therapist's shortlist status to ``proposed`` unless that would move it back.

    Returns the status before (None: was not on the shortlist) and after.
    """
    from finder.pursue import shortlist

    with store.transaction():
        entry = shortlist.get(store, profile, tid)
        previous = entry.status if entry else None
        status = _next_status(previous, proposed)
        if status != previous:
            shortlist.set_status(store, profile, tid, status)
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
) -> Logged:
    """Record one attempt to reach a therapist and move the shortlist status with it."""
    from finder.ingest.pipeline import now_iso
    from finder.judge import therapists

    if via not in VIAS:
        raise UsageError(f"unknown way of contact {via!r}; one of: {', '.join(VIAS)}")
    if outcome not in STATUS_FOR_OUTCOME:
        raise UsageError(f"unknown outcome {outcome!r}; one of: {', '.join(OUTCOMES)}")
    if at is not None and outcome != "booked":
        raise UsageError("a consultation time (--at) goes with --outcome booked")
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
        previous, status = advance(store, profile, tid, proposed)
    return Logged(Contact.from_doc({**doc}), status, previous, proposed)


def contacts_for(store: Store, profile: str, tid: int | None = None) -> list[Contact]:
    """The contact log of a profile (or of one therapist), oldest first."""
    equals: dict[str, Any] = {"profile": profile}
    if tid is not None:
        equals["tid"] = tid
    docs = store.contacts.find(**equals)
    docs.sort(key=lambda d: (str(d.get("on")), str(d.get("logged_at"))))
    return [Contact.from_doc(d) for d in docs]


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


# --- what to do next -----------------------------------------------------------------------


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
    - ``waitlist``: on a waitlist; due ``WAITLIST_RECHECK_DAYS`` after it was given.
    - ``consultation``: a booked consultation (due on its day; its time when known).
    - ``record``: a booked consultation whose day has passed and has no answers yet.
    """
    from finder.judge import therapists
    from finder.pursue import shortlist

    today = today or date.today()
    days = days if days is not None else followup_days(store)
    if days < 1:
        raise UsageError("the number of days must be 1 or more")
    log: dict[int, list[Contact]] = {}
    for contact in contacts_for(store, profile):
        log.setdefault(contact.tid, []).append(contact)
    answered = {d.get("tid") for d in store.answers.find(profile=profile, checklist="consultation")}
    items: list[Followup] = []
    for entry in shortlist.entries(store, profile):
        contacts = log.get(entry.tid, [])
        last = contacts[-1] if contacts else None
        since = _day(last.on) if last else _day(entry.updated_at[:10])
        kind, due, at = _pending(entry.status, last, since, days, today, contacts)
        if kind is None:
            continue
        if kind == "record" and entry.tid in answered:
            continue
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
    if status is Status.NO_OPENINGS and last is not None and last.outcome == "waitlist":
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
        return f"{(f.outcome or 'contacted').replace('-', ' ')} by {f.via} on {f.since}, {ago}"

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
        return f"consultation was on {f.due}; record it: finder consult {f.tid}"


def agenda(
    store: Store, profile: str, *, today: date | None = None, days: int | None = None,
    ahead: int = 7,
) -> Agenda:  # fmt: skip
    """The follow-ups of a profile as `finder followups` shows them."""
    today = today or date.today()
    days = days if days is not None else followup_days(store)
    items = followups(store, profile, today=today, days=days)
    return Agenda(today, days, ahead, tuple(items))


# --- iCalendar (RFC 5545) ------------------------------------------------------------------

#: A consultation call usually takes 15 minutes; the event leaves room on either side.
CONSULTATION_MINUTES: Final[int] = 30


def to_ics(items: Iterable[Followup], *, today: date, stamp: datetime, profile: str) -> str:
    """The follow-ups still ahead as an iCalendar file for the user's own calendar.

    Booked consultations with a known time become timed events (local time);
    chases and waitlist re-checks become all-day events on their due day (today
    when overdue). Privacy: an event names the therapist and their phone, nothing else.
    """
    stamp_text = stamp.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//finder//follow-ups//EN",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]  # fmt: skip
    for item in items:
        if item.kind == "consultation" and item.at is not None and item.at.date() >= today:
            title = "Consultation"
            when = [
                f"DTSTART:{item.at.strftime('%Y%m%dT%H%M%S')}",
                f"DURATION:PT{CONSULTATION_MINUTES}M",
            ]
        elif item.kind in ("chase", "waitlist"):
            title = "Follow up" if item.kind == "chase" else "Re-check waitlist"
            day = max(item.due, today)
            when = [
                f"DTSTART;VALUE=DATE:{day.strftime('%Y%m%d')}",
                f"DTEND;VALUE=DATE:{(day + timedelta(days=1)).strftime('%Y%m%d')}",
                "TRANSP:TRANSPARENT",
            ]
        else:
            continue
        lines += ["BEGIN:VEVENT", f"UID:{_uid(profile, item)}", f"DTSTAMP:{stamp_text}", *when]
        lines.append(f"SUMMARY:{ics_escape(f'{title}: {item.name}')}")
        if item.phone:
            lines.append(f"DESCRIPTION:{ics_escape(f'Phone: {item.phone}')}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(folded + "\r\n" for line in lines for folded in fold(line))


def _uid(profile: str, item: Followup) -> str:
    # Stable across exports, so a calendar importing the file again updates the event
    # instead of doubling it; hashed, so the file does not carry the profile label.
    basis = f"{profile}|{item.kind}|{item.tid}|{item.since.isoformat()}|{item.at}"
    return hashlib.sha256(basis.encode()).hexdigest()[:24] + "@finder.local"


def ics_escape(text: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, line breaks as ``\\n``."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str, limit: int = 75) -> list[str]:
    """One content line as physical lines of at most ``limit`` octets (UTF-8).

    Continuation lines start with a space that counts toward their length, and a
    multi-byte character is never split.
    """
    parts: list[str] = []
    current, size, room = "", 0, limit
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > room:
            parts.append(current)
            current, size, room = "", 0, limit - 1
        current += char
        size += width
    parts.append(current)
    return [parts[0], *(" " + part for part in parts[1:])]


# --- a first message -----------------------------------------------------------------------

YOUR_NAME: Final[str] = "[your name]"
YOUR_PHONE: Final[str] = "[your phone number]"


def _plans(plans: list[str]) -> str:
    if len(plans) <= 2:
        return " or ".join(plans)
    return ", ".join(plans[:-1]) + f" or {plans[-1]}"


def draft(therapist: Any, profile: Any, *, voicemail: bool = False) -> str:
    """A short first-contact message (email, or a voicemail script) to copy; nothing is sent.

    The questions come from the profile: insurance plan or fee, telehealth, the
    times on offer, and IPT training. The client's name is never filled in.
    """
    name = None if therapist.is_organization else therapist.name
    plans = [p for p in profile.insurance if p.strip()]
    state = profile.state
    if voicemail:
        return _voicemail(name, plans, profile.telehealth, state, profile.sliding_scale_needed)
    questions = ["Are you taking new clients, and how soon could we start?"]
    questions.append(
        "Do you practise Interpersonal Psychotherapy (IPT) itself, the Klerman and Weissman "
        "model? Who trained you in it, and are you certified?"
    )
    if plans:
        questions.append(f"Are you in network with {_plans(plans)}?")
    fee = "What is your fee per session"
    if profile.sliding_scale_needed:
        fee += ", and do you offer a sliding scale"
    questions.append(fee + "?")
    if profile.telehealth == "required":
        where = f" in {state}" if state else " in my state"
        questions.append(f"I need sessions by telehealth: are you licensed{where}?")
    elif profile.telehealth == "no":
        questions.append("I would like to meet in person: where is your office?")
    else:
        questions.append("Do you offer sessions in person, by telehealth, or both?")
    questions.append("Which days and times do you have open, including evenings or weekends?")
    questions.append("Do you offer a short free consultation call before we start?")
    lines = [
        "Subject: New client enquiry: Interpersonal Psychotherapy (IPT)",
        "",
        f"Hello {name}," if name else "Hello,",
        "",
        "I am looking for a therapist trained in Interpersonal Psychotherapy (IPT) and found "
        "your details. Could you tell me:",
        "",
        *(f"- {q}" for q in questions),
        "",
        f"You can reach me by replying to this email or at {YOUR_PHONE}.",
        "",
        "Thank you,",
        YOUR_NAME,
    ]
    return "\n".join(lines) + "\n"


def _voicemail(
    name: str | None, plans: list[str], telehealth: str, state: str | None, sliding: bool
) -> str:
    asks = ["whether you are taking new clients and when you have openings",
            "whether you are trained in IPT itself"]  # fmt: skip
    if plans:
        asks.append(f"whether you are in network with {_plans(plans)}")
    elif sliding:
        asks.append("what you charge and whether you offer a sliding scale")
    else:
        asks.append("what you charge per session")
    if telehealth == "required":
        asks.append(f"whether you offer telehealth in {state}" if state else
                    "whether you offer telehealth")  # fmt: skip
    elif telehealth == "ok":
        asks.append("whether you offer telehealth")
    listed = ", ".join(asks[:-1]) + f", and {asks[-1]}"
    hello = f"Hello, this message is for {name}." if name else "Hello."
    return (
        f"{hello} My name is {YOUR_NAME}, and I am looking for a therapist trained in "
        f"Interpersonal Psychotherapy, IPT. I would like to know {listed}. "
        f"Please call me back at {YOUR_PHONE}. Again, that is {YOUR_NAME}, at {YOUR_PHONE}. "
        "Thank you.\n"
    )
