"""The contact log, the shortlist status it moves, follow-ups, the calendar file and drafts."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from finder.errors import NotFound, UsageError
from finder.ingest import editing
from finder.judge import therapists
from finder.pursue import answers, contacts, drafts, followups, ics, profiles, shortlist
from finder.pursue.profiles import Profile
from finder.pursue.shortlist import Status
from finder.storage.store import Store

TODAY = date(2025, 3, 10)
STAMP = datetime(2025, 3, 10, 8, 30, tzinfo=UTC)


@pytest.fixture
def store() -> Store:
    return Store(None)


def add(store: Store, name: str, phone: str | None = None) -> int:
    return editing.add_therapist(store, {"name": name, "phones": phone})


def log(store: Store, tid: int, via: str, outcome: str, on: str, **kw: object) -> contacts.Logged:
    return contacts.log_contact(
        store, "me", tid, via, outcome, on=date.fromisoformat(on), today=TODAY, **kw
    )


def test_logging_a_contact_adds_to_the_shortlist_and_sets_the_status(store: Store) -> None:
    tid = add(store, "Dana Reyes")
    logged = log(store, tid, "phone", "left-message", "2025-03-01", note=" front\n desk ",
                 now="2025-03-01T12:00:00+00:00")  # fmt: skip
    assert (logged.previous, logged.status) == (None, Status.AWAITING_REPLY)
    assert shortlist.get(store, "me", tid).status is Status.AWAITING_REPLY  # type: ignore[union-attr]
    doc = store.contacts.first(tid=tid)
    assert doc is not None
    assert {k: v for k, v in doc.items() if k != "_id"} == {
        "profile": "me", "tid": tid, "via": "phone", "outcome": "left-message",
        "on": "2025-03-01", "note": "front desk", "logged_at": "2025-03-01T12:00:00+00:00",
    }  # fmt: skip
    booked = log(store, tid, "email", "booked", "2025-03-02", at=datetime(2025, 3, 12, 14, 30))
    assert booked.status is Status.CONSULTATION_BOOKED
    assert booked.contact.at == "2025-03-12T14:30"


def test_a_contact_never_moves_a_therapist_back(store: Store) -> None:
    tid = add(store, "Dana Reyes")
    shortlist.set_status(store, "me", tid, Status.CONSULTED)
    logged = log(store, tid, "email", "emailed", "2025-03-05")
    assert (logged.previous, logged.proposed, logged.status) == (
        Status.CONSULTED, Status.AWAITING_REPLY, Status.CONSULTED,
    )  # fmt: skip
    # Being declined is not "back": it always applies, and a later reply moves on from it.
    assert log(store, tid, "phone", "declined", "2025-03-06").status is Status.DECLINED
    assert log(store, tid, "phone", "replied", "2025-03-07").status is Status.CONTACTED
    assert [c.outcome for c in contacts.contacts_for(store, "me", tid)] == [
        "emailed", "declined", "replied",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("fax", "emailed", {}), "unknown way of contact 'fax'; one of: phone, email, form, portal"),
        (("phone", "ghosted", {}), "unknown outcome 'ghosted'; one of: left-message, emailed, "
         "replied, no-openings, waitlist, booked, declined"),
        (("phone", "replied", {"at": datetime(2025, 3, 12, 9, 0)}),
         "a consultation time (--at) goes with --outcome booked"),
        (("phone", "replied", {"on": date(2025, 3, 11)}),
         "contact date 2025-03-11 is in the future: log it once it happened"),
    ],
)  # fmt: skip
def test_bad_contacts_are_refused_and_nothing_is_stored(
    store: Store, args: tuple[str, str, dict[str, object]], message: str
) -> None:
    tid = add(store, "Dana Reyes")
    via, outcome, extra = args
    with pytest.raises(UsageError) as err:
        contacts.log_contact(store, "me", tid, via, outcome, today=TODAY, **extra)  # type: ignore[arg-type]
    assert str(err.value) == message
    assert store.contacts.all() == [] and store.shortlist.all() == []


def test_contact_with_an_unknown_therapist(store: Store) -> None:
    with pytest.raises(NotFound, match="no therapist 42"):
        contacts.log_contact(store, "me", 42, "phone", "replied", today=TODAY)
    assert store.contacts.all() == []


def test_parse_day_and_time_explain_the_format() -> None:
    assert contacts.parse_time("2025-03-12T14:30") == datetime(2025, 3, 12, 14, 30)
    with pytest.raises(UsageError, match=r"use \"YYYY-MM-DD HH:MM\""):
        contacts.parse_time("tomorrow 3pm")
    with pytest.raises(UsageError, match="--on '3/12': use YYYY-MM-DD"):
        contacts.parse_day("3/12", "--on")


@pytest.fixture
def pipeline(store: Store) -> dict[str, int]:
    """Seven candidates at every stage, as of TODAY (Monday 2025-03-10)."""
    ids = {
        "dana": add(store, "Dana Reyes", "617-555-0100"),
        "ann": add(store, "Ann Lee"),
        "bo": add(store, "Bo Chen", "617-555-0102"),
        "cy": add(store, "Reyes, Cy", "617-555-0103"),
        "eve": add(store, "Eve Fox"),
        "gil": add(store, "Gil Ortiz"),
        "hal": add(store, "Hal Kim"),
    }
    log(store, ids["dana"], "phone", "left-message", "2025-03-01")
    log(store, ids["ann"], "email", "emailed", "2025-03-08")
    log(store, ids["bo"], "phone", "waitlist", "2025-02-20")
    log(store, ids["cy"], "phone", "booked", "2025-03-05", at=datetime(2025, 3, 12, 14, 30))
    log(store, ids["eve"], "portal", "booked", "2025-03-01", at=datetime(2025, 3, 4, 10, 0))
    log(store, ids["gil"], "phone", "booked", "2025-03-01", at=datetime(2025, 3, 3, 9, 0))
    answers.save_answer(store, "me", ids["gil"], "consultation", "comfort", 4)
    log(store, ids["hal"], "email", "declined", "2025-03-02")
    return ids


def test_followups_know_what_is_due(store: Store, pipeline: dict[str, int]) -> None:
    items = followups.followups(store, "me", today=TODAY, days=5)
    assert [(f.kind, f.name, f.due.isoformat()) for f in items] == [
        ("record", "Eve Fox", "2025-03-04"),
        ("chase", "Dana Reyes", "2025-03-06"),
        ("waitlist", "Bo Chen", "2025-03-06"),
        ("consultation", "Reyes, Cy", "2025-03-12"),
        ("chase", "Ann Lee", "2025-03-13"),
    ]


def test_agenda_lines(store: Store, pipeline: dict[str, int]) -> None:
    todo = followups.agenda(store, "me", today=TODAY, days=5, ahead=7)
    assert todo.lines() == [
        "Chase (no reply after 5 days):",
        "  #1 Dana Reyes, 617-555-0100: left a message by phone on 2025-03-01, 9 days ago",
        "",
        "Waitlists to re-check:",
        "  #3 Bo Chen, 617-555-0102: waitlisted on 2025-02-20; re-check now",
        "",
        "Consultations in the next 7 days:",
        "  #4 Reyes, Cy, 617-555-0103: Wed 2025-03-12 14:30",
        "",
        "Consultations to record:",
        "  #5 Eve Fox: consultation was on 2025-03-04; record what you learned: finder consult 5",
    ]
    assert [f.name for f in todo.waiting] == ["Ann Lee"]
    # Two days later the email to Ann is due too, and a shorter horizon hides Cy's call.
    later = followups.agenda(store, "me", today=date(2025, 3, 13), days=5, ahead=0)
    assert [f.name for f in later.shown if f.kind == "chase"] == ["Dana Reyes", "Ann Lee"]
    assert not [f for f in later.shown if f.kind == "consultation"]


def test_followup_days_default_is_stored_in_meta(store: Store) -> None:
    assert followups.followup_days(store) == 5
    followups.set_followup_days(store, 8)
    assert followups.followup_days(store) == 8
    with pytest.raises(UsageError, match="1 or more"):
        followups.set_followup_days(store, 0)


def test_ics_file_is_rfc5545(store: Store, pipeline: dict[str, int]) -> None:
    items = followups.followups(store, "me", today=TODAY, days=5)
    text = ics.to_ics(items, today=TODAY, stamp=STAMP, profile="me")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")[:-1]
    uids = [line for line in lines if line.startswith("UID:")]
    assert all(re.fullmatch(r"UID:[0-9a-f]{24}@finder\.local", uid) for uid in uids)
    assert len(set(uids)) == 4
    # Stable across exports, so a calendar updates the events instead of doubling them.
    assert ics.to_ics(items, today=TODAY, stamp=STAMP, profile="me") == text
    assert [line for line in lines if not line.startswith("UID:")] == [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//finder//follow-ups//EN",
        "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
        "BEGIN:VEVENT", "DTSTAMP:20250310T083000Z",
        "DTSTART;VALUE=DATE:20250310", "DTEND;VALUE=DATE:20250311", "TRANSP:TRANSPARENT",
        "SUMMARY:Follow up: Dana Reyes", "DESCRIPTION:Phone: 617-555-0100", "END:VEVENT",
        "BEGIN:VEVENT", "DTSTAMP:20250310T083000Z",
        "DTSTART;VALUE=DATE:20250310", "DTEND;VALUE=DATE:20250311", "TRANSP:TRANSPARENT",
        "SUMMARY:Re-check waitlist: Bo Chen", "DESCRIPTION:Phone: 617-555-0102", "END:VEVENT",
        "BEGIN:VEVENT", "DTSTAMP:20250310T083000Z",
        "DTSTART:20250312T143000", "DURATION:PT30M",
        "SUMMARY:Consultation: Reyes\\, Cy", "DESCRIPTION:Phone: 617-555-0103", "END:VEVENT",
        "BEGIN:VEVENT", "DTSTAMP:20250310T083000Z",
        "DTSTART;VALUE=DATE:20250313", "DTEND;VALUE=DATE:20250314", "TRANSP:TRANSPARENT",
        "SUMMARY:Follow up: Ann Lee", "END:VEVENT",
        "END:VCALENDAR",
    ]  # fmt: skip


def test_ics_never_carries_notes_or_the_profile(store: Store) -> None:
    tid = add(store, "Dana Reyes", "617-555-0100")
    contacts.log_contact(store, "client-7", tid, "phone", "left-message", on=TODAY, today=TODAY,
                         note="talked about my panic attacks")  # fmt: skip
    items = followups.followups(store, "client-7", today=TODAY, days=5)
    text = ics.to_ics(items, today=TODAY, stamp=STAMP, profile="client-7")
    assert "panic" not in text and "client-7" not in text
    assert "SUMMARY:Follow up: Dana Reyes\r\n" in text


def test_escape_and_fold() -> None:
    assert ics.ics_escape("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf"
    line = "SUMMARY:" + "x" * 200
    parts = ics.fold(line)
    assert [len(p) for p in parts] == [75, 75, 60]
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line
    # Multi-byte characters are never split, and no physical line passes 75 octets.
    accented = "SUMMARY:" + "é" * 80
    folded = ics.fold(accented)
    assert all(len(p.encode()) <= 75 for p in folded)
    assert [len(p.encode()) for p in folded] == [74, 75, 21]
    assert "".join(p[1:] if i else p for i, p in enumerate(folded)) == accented
    assert ics.fold("SHORT:x") == ["SHORT:x"]


def test_email_draft_asks_the_profiles_questions(store: Store) -> None:
    tid = add(store, "Dana Reyes")
    person = Profile(insurance=["Aetna", "Cigna", "BCBS"], telehealth="required", state="MA",
                     sliding_scale_needed=True)  # fmt: skip
    assert drafts.draft(therapists.get(store, tid), person) == (
        "Subject: New client inquiry: Interpersonal Psychotherapy (IPT)\n"
        "\n"
        "Hello Dana Reyes,\n"
        "\n"
        "I am looking for a therapist trained in Interpersonal Psychotherapy (IPT) and found your "
        "details. Could you tell me:\n"
        "\n"
        "- Are you taking new clients, and how soon could we start?\n"
        "- Do you practice Interpersonal Psychotherapy (IPT) itself, the Klerman and Weissman "
        "model? Who trained you in it, and are you certified?\n"
        "- Are you in network with Aetna, Cigna or BCBS?\n"
        "- What is your fee per session, and do you offer a sliding scale?\n"
        "- I need sessions by telehealth: are you licensed in MA?\n"
        "- Which days and times do you have open, including evenings or weekends?\n"
        "- Do you offer a short free consultation call before we start?\n"
        "\n"
        "You can reach me by replying to this email or at [your phone number].\n"
        "\n"
        "Thank you,\n"
        "[your name]\n"
    )


def test_voicemail_draft_and_an_organisation(store: Store) -> None:
    tid = editing.add_therapist(store, {"name": "Harbor Counseling", "is_organization": "yes"})
    person = Profile(insurance=["Aetna"], telehealth="no")
    assert drafts.draft(therapists.get(store, tid), person, voicemail=True) == (
        "Hello. My name is [your name], and I am looking for a therapist trained in "
        "Interpersonal Psychotherapy, IPT. I would like to know whether you are taking new "
        "clients and when you have openings, whether you are trained in IPT itself, and whether "
        "you are in network with Aetna. Please call me back at [your phone number]. Again, that "
        "is [your name], at [your phone number]. Thank you.\n"
    )
    email = drafts.draft(therapists.get(store, tid), profiles.Profile(telehealth="no"))
    assert "Hello,\n" in email
    assert "- I would like to meet in person: where is your office?\n" in email
    assert "in network" not in email


def test_a_waitlist_is_its_own_status_with_a_day_to_recheck(store: Store) -> None:
    tid = add(store, "Bo Chen", "617-555-0102")
    assert log(store, tid, "phone", "waitlist", "2025-03-01").status is Status.WAITLISTED
    items = followups.followups(store, "me", today=TODAY, days=5)
    assert [(f.kind, f.due.isoformat()) for f in items] == [("waitlist", "2025-03-15")]
    entry = shortlist.set_status(store, "me", tid, Status.WAITLISTED, recheck_on="2025-04-01")
    assert entry.recheck_on == "2025-04-01"
    todo = followups.agenda(store, "me", today=TODAY, days=5)
    assert todo.lines() == [
        "Waitlists to re-check:",
        "  #1 Bo Chen, 617-555-0102: waitlisted on 2025-03-01; re-check on 2025-04-01",
    ]
    with pytest.raises(UsageError, match="a date to re-check goes with the status waitlisted"):
        shortlist.set_status(store, "me", tid, Status.CONTACTED, recheck_on="2025-04-01")
    # Leaving the waitlist forgets the date.
    assert shortlist.set_status(store, "me", tid, Status.CONTACTED).recheck_on is None


def test_follow_ups_in_plain_words(store: Store) -> None:
    ids = [add(store, name) for name in ("Ann Lee", "Cy Ray", "Di Fox")]
    log(store, ids[0], "email", "emailed", "2025-03-01")
    log(store, ids[1], "form", "emailed", "2025-03-01")
    log(store, ids[2], "portal", "left-message", "2025-03-01")
    assert followups.agenda(store, "me", today=TODAY, days=5).lines() == [
        "Chase (no reply after 5 days):",
        "  #1 Ann Lee: sent an email on 2025-03-01, 9 days ago",
        "  #2 Cy Ray: sent a message through their contact form on 2025-03-01, 9 days ago",
        "  #3 Di Fox: left a message through the portal on 2025-03-01, 9 days ago",
    ]


def test_a_past_consultation_asks_to_be_recorded_despite_earlier_answers(store: Store) -> None:
    tid = add(store, "Eve Fox")
    # An answer saved before the call (from the first message) is not the call's record.
    answers.save_answer(store, "me", tid, "consultation", "comfort", 4,
                        now="2025-03-01T09:00:00+00:00")  # fmt: skip
    log(store, tid, "phone", "booked", "2025-03-01", at=datetime(2025, 3, 4, 10, 0))
    lines = followups.agenda(store, "me", today=TODAY, days=5).lines()
    assert lines == [
        "Consultations to record:",
        "  #1 Eve Fox: consultation was on 2025-03-04; record what you learned: finder consult 1",
    ]
    answers.save_answer(store, "me", tid, "consultation", "comfort", 5,
                        now="2025-03-04T18:00:00+00:00")  # fmt: skip
    assert followups.agenda(store, "me", today=TODAY, days=5).lines() == []
