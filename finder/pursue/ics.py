"""The follow-ups as an iCalendar file (RFC 5545) for the user's own calendar."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Final

from finder.pursue.followups import Followup

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
