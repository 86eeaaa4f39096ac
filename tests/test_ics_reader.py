"""The follow-up calendar as a well-kept iCalendar reader sees it (not as our own lines)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from icalendar import Calendar
from test_contacts import STAMP, TODAY, add

from finder.pursue import contacts
from finder.storage.store import Store


def test_a_calendar_reader_reads_every_follow_up_with_its_day_and_words() -> None:
    store = Store(None)
    tid = add(store, "Reyes, Cy", "617-555-0103")
    contacts.log_contact(store, "me", tid, "phone", "left-message", on=TODAY - timedelta(days=3), today=TODAY,
                         note="asked about evenings")  # fmt: skip
    text = contacts.to_ics(
        contacts.followups(store, "me", today=TODAY, days=1), today=TODAY, stamp=STAMP,
        profile="me",
    )  # fmt: skip
    calendar = Calendar.from_ical(text)
    events = [c for c in calendar.walk("VEVENT")]
    assert [str(e["SUMMARY"]) for e in events] == ["Follow up: Reyes, Cy"]
    start = events[0].decoded("DTSTART")
    assert isinstance(start, date) and not isinstance(start, datetime)
    assert str(events[0]["DESCRIPTION"]) == "Phone: 617-555-0103"
    assert "evenings" not in text
