"""Commands for reaching therapists and recording the calls.

contact, followups, draft (the contact log), consult, insurer-call, answers, note
(the consultation checklists) and `checklists` (list, show, copy, validate).
The walks print to stdout and read stdin one line at a time; every answer is
saved the moment it is given.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from finder.cli.app import CRISIS_LINE, App, echo_json, pass_app
from finder.cli.options import for_profile_option, with_id_arg
from finder.errors import FinderError, UsageError
from finder.pursue.contacts import OUTCOMES, VIAS

if TYPE_CHECKING:
    from finder.pursue.checklists import Checklist
    from finder.pursue.consult import WalkResult

F = TypeVar("F", bound=Callable[..., Any])


def _label(app: App, label: str | None) -> str:
    from finder.pursue import profiles

    return profiles.get(app.store, label, create=False).label


def _day_option(_ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
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
@for_profile_option
@click.option("--json", "as_json", is_flag=True, help="Without --outcome: the log as JSON.")
@pass_app
def contact_cmd(
    app: App, tid: int, via: str | None, outcome: str | None, on: date | None, at: str | None,
    note: str | None, label: str | None, as_json: bool,
) -> None:  # fmt: skip
    """Log a call, email or message; the shortlist status follows.

    Without --via and --outcome, shows the log of this therapist.

      finder contact 12 --via phone --outcome left-message
      finder contact 12 --via email --outcome booked --at "2025-03-14 15:30"
    """
    from finder.judge import therapists
    from finder.pursue import contacts

    store = app.store
    profile = _label(app, label)
    if via is None and outcome is None:
        if on or at or note:
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
    logged = contacts.log_contact(store, profile, tid, via, outcome, on=on, note=note, at=moment)
    name = therapists.get(store, tid).name
    what = logged.contact.outcome.replace("-", " ")
    app.say(f"Logged for {name} (therapist {tid}): {via}, {what}, {logged.contact.on}.")
    if logged.status != logged.proposed:
        app.say(f"Shortlist status stays {logged.status.label}.")
    else:
        app.say(f"Shortlist status: {logged.status.label}.")
    if moment is not None:
        app.say("`finder followups --ics FILE` puts the consultation in your calendar.")
    elif outcome == "booked":
        app.say('Add its time with --at "YYYY-MM-DD HH:MM" to see it in `finder followups`.')


@click.command("followups", epilog=CRISIS_LINE)
@click.option(
    "--days", type=click.IntRange(min=1), help="Chase after this many days without a reply."
)
@click.option("--set-days", type=click.IntRange(min=1), help="Make --days N the default.")
@click.option("--ahead", type=click.IntRange(min=0), default=7, show_default=True,
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

      finder followups --days 7 --ics ~/followups.ics
    """
    from finder.pursue import contacts

    store = app.store
    profile = _label(app, label)
    if set_days is not None:
        contacts.set_followup_days(store, set_days)
        app.say(f"Follow-ups now chase after {set_days} days without a reply.")
    todo = contacts.agenda(store, profile, today=as_of, days=days, ahead=ahead)
    if ics_path is not None:
        text = contacts.to_ics(
            todo.items, today=todo.today, stamp=datetime.now(UTC), profile=profile
        )
        _write_private(ics_path, text.encode("utf-8"))
        count = text.count("BEGIN:VEVENT")
        app.say(f"Wrote {count} event(s) to {ics_path} (names and phone numbers only).")
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
    import os

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

      finder draft 12            finder draft 12 --voicemail
    """
    from finder.judge import therapists
    from finder.pursue import contacts, profiles

    store = app.store
    profile = profiles.get(store, label, create=False)
    therapist = therapists.get(store, tid)
    click.echo(contacts.draft(therapist, profile, voicemail=voicemail), nl=False)
    via, outcome = ("phone", "left-message") if voicemail else ("email", "emailed")
    app.say(f"Nothing was sent. Once sent: finder contact {tid} --via {via} --outcome {outcome}")


# --- the walks -----------------------------------------------------------------------------


def _read_line(prompt: str) -> str:
    """One line typed by the user (with line editing in a terminal)."""
    return input(prompt)


class _Terminal:
    """The walk's ask and echo on stdin/stdout; remembers a Ctrl-C to exit with 130."""

    def __init__(self) -> None:
        self.interrupted = False
        self.crisis_shown = False
        if sys.stdin.isatty():
            with contextlib.suppress(ImportError):
                import readline  # noqa: F401  (line editing and history for input())

    def ask(self, hint: str) -> str:
        try:
            return _read_line(f"  ({hint}) > ")
        except KeyboardInterrupt:
            self.interrupted = True
            click.echo("")
            raise
        except EOFError:
            click.echo("")
            raise

    def echo(self, line: str) -> None:
        from finder.crisis import CRISIS_SHORT

        if line == CRISIS_SHORT:
            if self.crisis_shown:
                return  # once per command is enough, even over several walks
            self.crisis_shown = True
        click.echo(line)

    def run(self, walk: Callable[[], WalkResult]) -> WalkResult | None:
        try:
            return walk()
        except KeyboardInterrupt:
            # Between two answers (while saving or printing): what was saved stays saved.
            self.interrupted = True
            click.echo("\nStopped. Your answers so far are saved.")
            return None


def _summary(app: App, store: Any, profile: str, tid: int) -> None:
    from finder.pursue import answers

    found = [f.kind for _, f in answers.recorded(store, profile, tid).findings]
    words = {"red_flag": "red flag", "caution": "caution", "con": "con", "pro": "pro"}
    counts = [
        f"{found.count(k)} {w}{'s' * (found.count(k) > 1)}" for k, w in words.items() if k in found
    ]
    if counts:
        app.say(f"Findings: {', '.join(counts)}: finder answers {tid}")


@click.command("consult", epilog=CRISIS_LINE)
@with_id_arg
@click.option("--only", metavar="CATEGORY", help="Ask one part, e.g. money or training.")
@click.option("--from", "start_at", metavar="QUESTION_ID", help="Start at this question.")
@click.option("--answers", "answers_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Answers from a TOML or JSON file (id = answer); asks nothing.")  # fmt: skip
@for_profile_option
@pass_app
def consult_cmd(
    app: App, tid: int, only: str | None, start_at: str | None, answers_file: Path | None,
    label: str | None,
) -> None:  # fmt: skip
    """Walk the consultation checklist, saving each answer; run it again to resume.

    At the prompt: ? help, Enter skip, b back, - clear, q quit (Ctrl-C is safe too).

      finder consult 12          finder consult 12 --only money
    """
    from finder.judge import therapists
    from finder.pursue import answers, checklists
    from finder.pursue.consult import answers_from_file, walk
    from finder.pursue.contacts import advance
    from finder.pursue.shortlist import Status

    store = app.store
    profile = _label(app, label)
    therapist = therapists.get(store, tid)
    checklist = checklists.load(answers.CONSULTATION)
    if only:
        checklist.category_id(only)
    if answers_file is not None:
        if only or start_at:
            raise UsageError("--answers answers from the file alone: drop --only and --from")
        given = answers_from_file(checklist, answers_file)
        count = answers.save_answers(store, profile, tid, answers.CONSULTATION, given)
        app.say(f"Saved {count} answer(s) for {therapist.name} (therapist {tid}).")
        result_finished = True
    else:
        term = _Terminal()
        click.echo(f"Consultation with {therapist.name} (therapist {tid}), profile {profile}")

        def save(qid: str, value: Any) -> None:
            answers.save_answer(store, profile, tid, answers.CONSULTATION, qid, value)

        current = answers.answers_for(store, profile, tid, answers.CONSULTATION)
        result = term.run(
            lambda: walk(checklist, current, save, term.ask, term.echo, only, start_at)
        )
        result_finished = result is not None and result.stopped == "finished"
        if term.interrupted:
            raise SystemExit(130)
    if result_finished:
        _, status = advance(store, profile, tid, Status.CONSULTED)
        app.say(f"Shortlist status: {status.label}.")
    _summary(app, store, profile, tid)


@click.command("insurer-call", epilog=CRISIS_LINE)
@click.argument("tids", nargs=-1, metavar="[ID]...", type=click.IntRange(min=1))
@click.option("--plan", metavar="NAME", help="The plan (default: the profile's first insurance).")
@click.option("--only", metavar="CATEGORY", help="Ask one part, e.g. costs or network.")
@click.option("--answers", "answers_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Answers from a TOML or JSON file; no questions.")  # fmt: skip
@for_profile_option
@pass_app
def insurer_call_cmd(
    app: App, tids: tuple[int, ...], plan: str | None, only: str | None,
    answers_file: Path | None, label: str | None,
) -> None:  # fmt: skip
    """Walk the checklist for the call to your insurer: the plan, then each clinician named.

    Plan answers are kept per plan; network status per clinician and plan.

      finder insurer-call --plan "Aetna PPO" 12 15
    """
    from finder.judge import therapists
    from finder.pursue import answers, checklists, profiles
    from finder.pursue.consult import answers_from_file, walk

    store = app.store
    person = profiles.get(store, label, create=False)
    profile = person.label
    plan = (plan or "").strip() or next((p for p in person.insurance if p.strip()), None)
    if not plan:
        raise UsageError(
            'name the plan: finder insurer-call --plan "Aetna PPO" (or add it to the profile)'
        )
    found = [therapists.get(store, tid) for tid in dict.fromkeys(tids)]
    checklist = checklists.load(answers.INSURER)
    plan_part: Checklist | None
    clinician_part: Checklist | None
    plan_part, clinician_part = answers.insurer_parts(checklist)
    if only:
        if checklist.category_id(only) in answers.PER_CLINICIAN_CATEGORIES:
            if not found:
                raise UsageError(f"the {only} questions are about a clinician: give an ID")
            plan_part = None
        else:
            clinician_part = None
    if answers_file is not None:
        given = answers_from_file(checklist, answers_file)
        tids_found = [t.tid for t in found]
        n, each = answers.save_insurer_answers(store, profile, plan, tids_found, checklist, given)
        about = f" and {each} about each clinician named" if found else ""
        app.say(f"Saved {n} answer(s) about {plan}{about}.")
        return
    term = _Terminal()
    walks: list[tuple[str, Checklist, int | None]] = []
    if plan_part is not None:
        walks.append((f"Your plan: {plan}", plan_part, None))
    if clinician_part is not None:
        for t in found:
            npi = f", NPI {t.best('npi')}" if t.best("npi") else ""
            walks.append((f"Clinician: {t.name} (therapist {t.tid}){npi}", clinician_part, t.tid))
    for heading, part, tid in walks:
        click.echo(heading)

        def save(qid: str, value: Any, _tid: int | None = tid) -> None:
            answers.save_answer(store, profile, _tid, answers.INSURER, qid, value, plan=plan)

        current = answers.answers_for(store, profile, tid, answers.INSURER, plan=plan)
        result = term.run(lambda: walk(part, current, save, term.ask, term.echo))  # noqa: B023
        if term.interrupted:
            raise SystemExit(130)
        if result is None or result.stopped != "finished":
            return
        click.echo("")
    if not found:
        app.say("Ask about each clinician too: finder insurer-call --only network ID...")


# --- what was recorded ---------------------------------------------------------------------


@click.command("answers", epilog=CRISIS_LINE)
@with_id_arg
@for_profile_option
@click.option("--json", "as_json", is_flag=True, help="JSON on stdout (sorted keys).")
@pass_app
def answers_cmd(app: App, tid: int, label: str | None, as_json: bool) -> None:
    """Show the answers recorded for a therapist, with red flags, cautions, pros and cons.

    Findings come from the checklist's rules, judged with your profile.

      finder answers 12          finder answers 12 --json
    """
    from finder.pursue import answers

    summary = answers.summary(app.store, _label(app, label), tid)
    if as_json:
        echo_json(summary.to_dict())
        return
    if summary.empty:
        app.say(f"Nothing recorded for {summary.name} (therapist {tid}) yet: finder consult {tid}")
        return
    for line in summary.lines():
        click.echo(line)
    if summary.unanswered:
        app.say(f"{summary.unanswered} consultation question(s) unanswered: finder consult {tid}")


@click.command("note", epilog=CRISIS_LINE)
@with_id_arg
@click.option("--pro", "pros", multiple=True, metavar="TEXT", help="Something you liked.")
@click.option("--con", "cons", multiple=True, metavar="TEXT", help="Something that worried you.")
@click.option("--note", "plain", multiple=True, metavar="TEXT", help="Anything else to remember.")
@for_profile_option
@pass_app
def note_cmd(
    app: App, tid: int, pros: tuple[str, ...], cons: tuple[str, ...], plain: tuple[str, ...],
    label: str | None,
) -> None:  # fmt: skip
    """Add your own pros, cons and notes about a therapist; without options, list them.

    They appear beside the derived ones in `finder answers` and `finder compare`.

      finder note 12 --pro "warm, direct" --con "no evening slots"
    """
    from finder.judge import therapists
    from finder.pursue import answers

    store = app.store
    profile = _label(app, label)
    given = [("pro", t) for t in pros] + [("con", t) for t in cons] + [("note", t) for t in plain]
    if not given:
        therapist = therapists.get(store, tid)
        notes = answers.notes_for(store, profile, tid)
        for n in notes:
            click.echo(f"{n.at[:10]}  {n.kind}: {n.text}")
        if not notes:
            app.say(f"No notes about {therapist.name} (therapist {tid}) yet.")
        return
    with store.transaction():  # all or nothing
        for kind, text in given:
            answers.add_note(store, profile, tid, kind, text)
    app.say(f"Noted {len(given)} item(s) about therapist {tid}: finder answers {tid} shows them.")


# --- checklists ----------------------------------------------------------------------------


@click.group("checklists")
def checklists_group() -> None:
    """List, show, copy and validate the checklists (TOML files you can edit).

    A copy in your data folder (`finder checklists copy NAME`) wins over the shipped one.

      finder checklists show consultation
    """


@checklists_group.command("list")
@pass_app
def checklists_list(app: App) -> None:
    """List the checklists, and whether yours or the shipped copy is used.

    Edit your own copy: finder checklists copy NAME.

      finder checklists list
    """
    from finder.pursue import checklists

    mine = app.home / "checklists"
    for name, title, path in checklists.available():
        where = "your copy" if path.parent == mine else "shipped"
        click.echo(f"{name:<14} {title} ({where})")


@checklists_group.command("show")
@click.argument("name")
def checklists_show(name: str) -> None:
    """Show a checklist's questions, answer types and rules.

    Rules say when an answer is a red flag, a caution, a con or a pro.

      finder checklists show insurer
    """
    from finder.pursue import checklists

    checklist = checklists.load(name)
    click.echo(f"{checklist.title}\n{checklist.description}\nFile: {checklist.path}")
    for cid, title in checklist.categories:
        click.echo(f"\n{title} ({cid})")
        for q in checklist.in_category(cid):
            kind = str(q.type) + (": " + ", ".join(q.choices) if q.choices else "")
            click.echo(f"  {q.id} [{kind}]{' (key)' if q.key else ''}\n    {q.text}")
            for rule in q.rules:
                when = _condition(rule.when)
                click.echo(f"      {rule.kind.replace('_', ' ')} when {when}: {rule.message}")


def _condition(cond: Any) -> str:
    if cond.op in ("all", "any"):
        joined = f" {'and' if cond.op == 'all' else 'or'} ".join(_condition(p) for p in cond.parts)
        return f"({joined})"
    if cond.op == "not":
        return f"not {_condition(cond.parts[0])}"
    value = cond.value
    if isinstance(value, bool):
        value = "yes" if value else "no"
    elif isinstance(value, tuple):
        value = "[" + ", ".join(map(str, value)) + "]"
    subject = f"{cond.question} " if cond.question else ""
    return f"{subject}{cond.op.replace('_', ' ')} {value}"


@checklists_group.command("copy")
@click.argument("name")
@click.option("--force", is_flag=True, help="Replace your existing copy.")
@pass_app
def checklists_copy(app: App, name: str, force: bool) -> None:
    """Copy a shipped checklist into your data folder to edit it; prints where.

    Answers stay tied to question ids, so an edited checklist keeps them.

      finder checklists copy consultation
    """
    import os
    import shutil

    from finder.pursue import checklists
    from finder.storage import paths

    # A data folder that cannot exist, so only the shipped checklists are listed.
    shipped = {n: p for n, _, p in checklists.available(user_dir=Path(os.devnull))}
    if name not in shipped:
        raise UsageError(f"no shipped checklist named '{name}' (shipped: {', '.join(shipped)})")
    folder = paths.ensure_private_dir(app.home / "checklists")
    target = folder / f"{name}.toml"
    if target.exists() and not force:
        raise UsageError(f"{target} already exists: edit it, or add --force to start over")
    shutil.copyfile(shipped[name], target)
    target.chmod(0o600)
    click.echo(str(target))
    app.say("Edit it; keep the ids of questions you keep, so earlier answers stay attached.")
    app.say(f"Then check it: finder checklists validate {target}")


@checklists_group.command("validate")
@click.argument("path", type=click.Path(path_type=Path))
def checklists_validate(path: Path) -> None:
    """Check a checklist file and list every problem.

    Every problem is printed as FILE: question ID: problem.

      finder checklists validate ~/my-questions.toml
    """
    from finder.pursue import checklists

    problems = checklists.validate_file(path)
    for problem in problems:
        click.echo(problem)
    if problems:
        raise FinderError(f"{path}: {len(problems)} problem(s)")
    count = len(checklists.load(path).questions)
    click.echo(f"{path}: valid ({count} questions)")


__all__ = ["answers_cmd", "checklists_group", "consult_cmd", "contact_cmd", "draft_cmd",
           "followups_cmd", "insurer_call_cmd", "note_cmd"]  # fmt: skip
