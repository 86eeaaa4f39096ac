"""The consultation and insurer calls: consult, insurer-call, answers and note.

The walks print to stdout and read stdin one line at a time; every answer is
saved the moment it is given. A consultation walks a call plan (the questions
that fit the time, for this clinician) unless told to walk the whole checklist.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from finder.cli.app import CRISIS_LINE, App, echo_json, pass_app
from finder.cli.consult import _label
from finder.cli.options import for_profile_option, with_id_arg
from finder.errors import UsageError

if TYPE_CHECKING:
    from finder.pursue.checklists import Checklist
    from finder.pursue.consult import WalkResult


# --- the walks -----------------------------------------------------------------------------


def _read_line(prompt: str) -> str:
    """One line typed by the user (with line editing in a terminal)."""
    return input(prompt)


class _Terminal:
    """The walk's ask and echo on stdin/stdout; remembers a Ctrl-C to exit with 130."""

    def __init__(self) -> None:
        self.interrupted = False
        self.crisis_shown = False
        # A terminal wraps long lines wherever the edge falls ("supervis / or"): wrap at words.
        self.width = _terminal_width() - 1 if sys.stdout.isatty() else 0
        if sys.stdin.isatty():
            with contextlib.suppress(ImportError):
                # kept here: line editing only for a walk at a terminal (readline changes input())
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
        # kept here: finder.crisis reads the profile (the store): the help of these commands loads none
        from finder.crisis import SHORT_PREFIX

        if line.startswith(SHORT_PREFIX):
            if self.crisis_shown:
                return  # once per command is enough, even over several walks
            self.crisis_shown = True
        if self.width:
            line = wrapped(line, self.width)
        click.echo(line)

    def run(self, walk: Callable[[], WalkResult]) -> WalkResult | None:
        try:
            return walk()
        except KeyboardInterrupt:
            # Between two answers (while saving or printing): what was saved stays saved.
            self.interrupted = True
            click.echo("\nStopped. Your answers so far are saved.")
            return None


def _terminal_width() -> int:
    """The width of the terminal itself (a stale COLUMNS must not widen it)."""
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError):
        return shutil.get_terminal_size().columns


def wrapped(line: str, width: int) -> str:
    """``line`` wrapped at word boundaries to ``width``, later lines indented under its text."""
    if len(line) <= width or width < 20:
        return line
    indent = " " * (len(line) - len(line.lstrip()))
    if line.lstrip().startswith("["):  # "[3/14] Money: ..." continues under the question
        indent += "    "
    return textwrap.fill(
        line, width, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False
    )


def _summary(app: App, store: Any, profile: str, tid: int) -> None:
    # kept here: the help of consult, insurer-call, answers and note loads no store
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
@click.option("--minutes", type=click.FloatRange(min=1, max=120), metavar="N",
              help="Plan a call of N minutes (the first call: 15).")  # fmt: skip
@click.option("--all", "whole", is_flag=True, help="Walk the whole checklist.")
@click.option("--only", metavar="CATEGORY", help="Ask one part, e.g. money or training.")
@click.option("--from", "start_at", metavar="QUESTION_ID", help="Start at this question.")
@click.option("--answers", "answers_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Answers from a TOML or JSON file (id = answer); asks nothing.")  # fmt: skip
@for_profile_option
@pass_app
def consult_cmd(
    app: App, tid: int, minutes: float | None, whole: bool, only: str | None,
    start_at: str | None, answers_file: Path | None, label: str | None,
) -> None:  # fmt: skip
    """Walk the consultation questions, saving each answer; run it again to resume.

    The first call asks what fits 15 minutes, chosen for this clinician: claims to
    confirm first, then what your profile needs, IPT training and red flags. After a
    printed call sheet, it asks that sheet's questions in its order.
    At the prompt: ? help, Enter skip, b back, - clear, q quit (Ctrl-C is safe too).

    \b
      finder consult 12
      finder consult 12 --minutes 10
      finder consult 12 --all
    """
    # kept here: the help of consult, insurer-call, answers and note loads no store
    from finder.judge import therapists
    from finder.pursue import answers, checklists
    from finder.pursue.consult import answers_from_file

    store = app.store
    profile = _label(app, label)
    therapist = therapists.get(store, tid)
    checklist = checklists.load(answers.CONSULTATION)
    if only:
        checklist.category_id(only)
    narrowed = [name for name, on in (("--only", only), ("--from", start_at), ("--all", whole),
                                      ("--minutes", minutes is not None)) if on]  # fmt: skip
    if answers_file is not None:
        if narrowed:
            raise UsageError(f"--answers answers from the file alone: drop {narrowed[0]}")
        given = answers_from_file(checklist, answers_file)
        count = answers.save_answers(store, profile, tid, answers.CONSULTATION, given)
        app.say(f"Saved {count} answer(s) for {therapist.name} (therapist {tid}).")
        _finished(app, store, profile, tid)
        return
    if minutes is not None and (only or start_at or whole):
        raise UsageError("--minutes plans the call itself: drop --only, --from and --all")
    click.echo(f"Consultation with {therapist.name} (therapist {tid}), profile {profile}")
    result = _walk_consultation(app, store, profile, tid, checklist, minutes,
                                None if (only or start_at or whole) else "plan", only, start_at)  # fmt: skip
    if result is not None and result.stopped == "finished":
        _finished(app, store, profile, tid)
    else:
        _summary(app, store, profile, tid)


def _walk_consultation(
    app: App, store: Any, profile: str, tid: int, checklist: Checklist, minutes: float | None,
    mode: str | None, only: str | None, start_at: str | None,
) -> WalkResult | None:  # fmt: skip
    # kept here: the help of consult, insurer-call, answers and note loads no store
    from finder.crisis import profile_country, short_line
    from finder.pursue import answers, kept_plans
    from finder.pursue.consult import walk
    from finder.records.models import now_iso
    from finder.records.normalize.money import home_mark

    questions = None
    choice = None
    if mode == "plan":
        choice = kept_plans.choose_walk(store, profile, tid, checklist, minutes, now_iso())
        questions = choice.questions
        app.say(choice.intro)
    term = _Terminal()

    def save(qid: str, value: Any) -> None:
        answers.save_answer(store, profile, tid, answers.CONSULTATION, qid, value)

    current = answers.answers_for(store, profile, tid, answers.CONSULTATION)
    country = profile_country(store, profile)
    result = term.run(
        lambda: walk(
            checklist, current, save, term.ask, term.echo, only, start_at, questions,
            crisis=short_line(country), mark=home_mark(country),
        )
    )  # fmt: skip
    if term.interrupted:
        raise SystemExit(130)
    if questions is not None and result is not None and result.stopped == "finished":
        kept_plans.forget(store, profile, tid)  # done: the next walk resumes the checklist
        if choice is not None and choice.plan is not None and choice.plan.left:
            app.say(f"{choice.plan.left_note()} Next call: finder consult {tid} --minutes 15")
    return result


def _finished(app: App, store: Any, profile: str, tid: int) -> None:
    # kept here: the help of consult, insurer-call, answers and note loads no store
    from finder.pursue.contacts import advance
    from finder.pursue.shortlist import Status

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
    """One call to your insurer: your plan's benefits, then each clinician's network status.

    The call ends with its reference number to note. Without IDs it asks about every
    clinician on your shortlist. Plan answers are kept
    per plan; network status per clinician and plan.

    \b
      finder insurer-call
      finder insurer-call --plan "Aetna PPO" 12 15
    """
    # kept here: the help of consult, insurer-call, answers and note loads no store
    from finder.crisis import short_line
    from finder.judge import therapists
    from finder.pursue import answers, checklists, insurer_plan, profiles
    from finder.pursue.consult import answers_from_file, walk
    from finder.records.normalize.money import home_mark

    store = app.store
    person = profiles.get(store, label, create=False)
    profile = person.label
    plan = (plan or "").strip() or next((p for p in person.insurance if p.strip()), None)
    if not plan:
        raise UsageError(
            'name the plan: finder insurer-call --plan "Aetna PPO" (or add it to the profile)'
        )
    chosen = list(dict.fromkeys(tids)) or insurer_plan.shortlisted(store, profile)
    found = [therapists.get(store, tid) for tid in chosen]
    checklist = checklists.load(answers.INSURER)
    if only and checklist.category_id(only) in answers.PER_CLINICIAN_CATEGORIES and not found:
        raise UsageError(f"the {only} questions are about a clinician: give an ID")
    if answers_file is not None:
        given = answers_from_file(checklist, answers_file)
        tids_found = [t.tid for t in found]
        n, each = answers.save_insurer_answers(store, profile, plan, tids_found, checklist, given)
        about = f" and {each} about each clinician named" if found else ""
        app.say(f"Saved {n} answer(s) about {plan}{about}.")
        return
    call = insurer_plan.build(checklist, plan, found, only)
    for line in call.overview(store, profile):
        click.echo(line)
    term = _Terminal()
    crisis, mark = short_line(person.country), home_mark(person.country)
    for step in call.steps:
        click.echo("")
        click.echo(step.heading)

        def save(qid: str, value: Any, _tid: int | None = step.tid) -> None:
            answers.save_answer(store, profile, _tid, answers.INSURER, qid, value, plan=plan)

        current = answers.answers_for(store, profile, step.tid, answers.INSURER, plan=plan)
        part = step.checklist
        result = term.run(
            lambda: walk(part, current, save, term.ask, term.echo, crisis=crisis, mark=mark)  # noqa: B023
        )
        if term.interrupted:
            raise SystemExit(130)
        if result is None or result.stopped != "finished":
            return
    if not found:
        app.say("No clinician to ask about: add them with finder shortlist add ID, or name IDs.")


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
    # kept here: the help of consult, insurer-call, answers and note loads no store
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
    # kept here: the help of consult, insurer-call, answers and note loads no store
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


__all__ = ["answers_cmd", "consult_cmd", "insurer_call_cmd", "note_cmd"]
