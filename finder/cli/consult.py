"""Commands for reaching therapists: contact, followups and draft (the contact log).

The calls themselves (consult, insurer-call, answers, note, callsheet) live in
``finder.cli.walks`` and ``finder.cli.callsheet``; the checklists group in
``finder.cli.checklists``.
"""

from __future__ import annotations

import os
from dataclasses import asdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from finder.cli.app import CRISIS_LINE, App, echo_json, pass_app
from finder.cli.options import for_profile_option, recheck_option, with_id_arg
from finder.cli.types import WholeNumber
from finder.errors import UsageError
from finder.pursue.contacts import OUTCOMES, VIAS
from finder.words import plural

if TYPE_CHECKING:
    pass


def _label(app: App, label: str | None) -> str:
    # kept here: the help of contact, followups and draft loads no store
    from finder.pursue import profiles

    return profiles.get(app.store, label, create=False).label


def _day_option(_ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    # kept here: the help of contact, followups and draft loads no store
    from finder.pursue.contacts import parse_day

    return None if value is None else parse_day(value, f"--{param.name}".replace("_", "-"))


# --- the contact log -----------------------------------------------------------------------


@click.command("contact", epilog=CRISIS_LINE)
@with_id_arg
@click.option("--via", type=click.Choice(VIAS), help="How you reached out.")
@click.option("--outcome", type=click.Choice(OUTCOMES), help="What came of it.")
@click.option(
    "--on", callback=_day_option, metavar="DATE", help="When (YYYY-MM-DD); default today."
)
@click.option("--at", "at", metavar='"DATE HH:MM"', help="With booked: the consultation's time.")
@click.option("--note", metavar="TEXT", help="A short note (kept on this computer only).")
@recheck_option("With waitlist: the day to ask again (YYYY-MM-DD).")
@for_profile_option
@click.option("--json", "as_json", is_flag=True, help="Without --outcome: the log as JSON.")
@pass_app
def contact_cmd(
    app: App, tid: int, via: str | None, outcome: str | None, on: date | None, at: str | None,
    note: str | None, recheck: str | None, label: str | None, as_json: bool,
) -> None:  # fmt: skip
    """Log a call, email or message; the shortlist status follows.

    Without --via and --outcome, shows the log of this therapist.

    \b
      finder contact 12 --via phone --outcome left-message
      finder contact 12 --via email --outcome booked --at "2025-03-14 15:30"
      finder contact 12 --via phone --outcome waitlist --recheck 2026-01-15
    """
    # kept here: the help of contact, followups and draft loads no store
    from finder.judge import therapists
    from finder.pursue import contacts

    store = app.store
    profile = _label(app, label)
    if via is None and outcome is None:
        if on or at or note or recheck:
            raise UsageError("give --via and --outcome to log a contact")
        therapist = therapists.get(store, tid)
        log = contacts.contacts_for(store, profile, tid)
        if as_json:
            echo_json([asdict(c) for c in log])
            return
        for c in log:
            when = f"  consultation {c.at.replace('T', ' ')}" if c.at else ""
            note_text = f"  ({c.note})" if c.note else ""
            click.echo(f"{c.on}  {c.via:<6}  {c.outcome.replace('-', ' '):<12}{when}{note_text}")
        if not log:
            app.say(f"No contact with {therapist.name} (therapist {tid}) logged yet.")
        return
    if via is None or outcome is None:
        raise UsageError("give both --via and --outcome, e.g. --via phone --outcome left-message")
    if as_json:
        raise UsageError("--json shows the log: drop --via and --outcome")
    moment = contacts.parse_time(at) if at else None
    logged = contacts.log_contact(
        store, profile, tid, via, outcome, on=on, note=note, at=moment, recheck_on=recheck
    )
    name = therapists.get(store, tid).name
    what = logged.contact.outcome.replace("-", " ")
    app.say(f"Logged for {name} (therapist {tid}): {via}, {what}, {logged.contact.on}.")
    if logged.status != logged.proposed:
        app.say(f"Shortlist status stays {logged.status.label}.")
    else:
        again = f", re-check on {recheck}" if recheck else ""
        app.say(f"Shortlist status: {logged.status.label}{again}.")
    if moment is not None:
        app.say("`finder followups --ics FILE` puts the consultation in your calendar.")
    elif outcome == "booked":
        app.say('Add its time with --at "YYYY-MM-DD HH:MM" to see it in `finder followups`.')


@click.command("followups", epilog=CRISIS_LINE)
@click.option(
    "--days", type=WholeNumber("days"), help="Chase after this many days without a reply."
)
@click.option("--set-days", type=WholeNumber("days"), help="Make --days N the default.")
@click.option("--ahead", type=WholeNumber("days", low=0), default=7, show_default=True,
              help="Show consultations booked this many days ahead.")  # fmt: skip
@click.option("--as-of", callback=_day_option, metavar="DATE",
              help="Plan ahead: what is due on DATE (default today).")  # fmt: skip
@click.option("--ics", "ics_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the dates as an iCalendar file for your calendar.")  # fmt: skip
@for_profile_option
@click.option("--json", "as_json", is_flag=True, help="JSON on stdout (sorted keys).")
@pass_app
def followups_cmd(
    app: App, days: int | None, set_days: int | None, ahead: int, as_of: date | None,
    ics_path: Path | None, label: str | None, as_json: bool,
) -> None:  # fmt: skip
    """Who to chase (no reply after N days), waitlists to re-check, consultations coming up.

    The calendar file holds names and phone numbers only.

    \b
      finder followups --days 7 --ics ~/followups.ics
    """
    # kept here: only `finder followups` reads follow-ups and writes calendars
    from finder.pursue import followups, ics

    store = app.store
    profile = _label(app, label)
    if set_days is not None:
        followups.set_followup_days(store, set_days)
        app.say(f"Follow-ups now chase after {set_days} days without a reply.")
    todo = followups.agenda(store, profile, today=as_of, days=days, ahead=ahead)
    if ics_path is not None:
        text = ics.to_ics(todo.items, today=todo.today, stamp=datetime.now(UTC), profile=profile)
        _write_private(ics_path, text.encode("utf-8"))
        count = text.count("BEGIN:VEVENT")
        app.say(f"Wrote {plural(count, 'event')} to {ics_path} (names and phone numbers only).")
    if as_json:
        echo_json([f.to_dict() for f in todo.shown])
        return
    for line in todo.lines():
        click.echo(line)
    if todo.waiting:
        first = todo.waiting[0].due
        app.say(f"{len(todo.waiting)} more awaiting a reply, not due yet (next on {first}).")
    if not todo.shown:
        app.say("Nothing to follow up.")


def _write_private(path: Path, data: bytes) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)  # an existing file may have been readable by others
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    except OSError as err:
        raise UsageError(f"{path}: cannot be written ({err.strerror or err})") from None


@click.command("draft", epilog=CRISIS_LINE)
@with_id_arg
@click.option("--voicemail", is_flag=True, help="A voicemail script instead of an email.")
@for_profile_option
@pass_app
def draft_cmd(app: App, tid: int, voicemail: bool, label: str | None) -> None:
    """Print a first-contact message to copy, with your key questions; nothing is sent.

    The message never carries your name: fill in [your name] yourself.

    \b
      finder draft 12            finder draft 12 --voicemail
    """
    # kept here: the help of contact, followups and draft loads no store
    from finder.judge import therapists
    from finder.pursue import drafts, profiles

    store = app.store
    profile = profiles.get(store, label, create=False)
    therapist = therapists.get(store, tid)
    click.echo(drafts.draft(therapist, profile, voicemail=voicemail), nl=False)
    where, via = drafts.send_to(therapist, voicemail=voicemail)
    outcome = "left-message" if via == "phone" else "emailed"
    app.say(where)
    app.say(f"Nothing was sent. Once sent: finder contact {tid} --via {via} --outcome {outcome}")


__all__ = ["contact_cmd", "draft_cmd", "followups_cmd"]
