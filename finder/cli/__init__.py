"""The `finder` command: a lazy group, so `finder --help` imports almost nothing.

Commands live in modules by group (records, shortlist, consult, compare,
verify, data); each is imported only when it runs. The one-line help of each
command is written here so the help screen needs no imports.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from pathlib import Path
from typing import Any

import click

from finder import __version__
from finder.cli.app import GUIDE, App, Group, guard_output, handle_errors, interruptible

# name -> (module:function, one-line help). Order here is the order of the help screen.
COMMANDS: dict[str, tuple[str, str]] = {
    "import": ("finder.cli.records:import_cmd", "Import therapist lists, saved directory pages, NPPES, FHIR and vCards."),
    "list": ("finder.cli.records:list_cmd", "List therapists with their IPT evidence class (filters as in `finder search`)."),
    "show": ("finder.cli.records:show_cmd", "Show one therapist: every field, every source, conflicts and IPT evidence."),
    "add": ("finder.cli.records:add_cmd", "Enter a therapist by hand: a referral from a friend or a doctor."),
    "edit": ("finder.cli.records:edit_cmd", "Correct one field; your value is kept beside imported ones and wins."),
    "search": ("finder.cli.shortlist:search_cmd", "Find therapists that fit the profile, ranked by IPT evidence, fit and distance."),
    "profile": ("finder.cli.shortlist:profile_group", "What this person needs; one profile per client under a pseudonym."),
    "shortlist": ("finder.cli.shortlist:shortlist_group", "The candidates this profile is pursuing, each with a status."),
    "merge": ("finder.cli.merge:merge_cmd", "List records that may be one clinician; confirm them or keep them apart."),
    "split": ("finder.cli.merge:split_cmd", "Undo a merge: a therapist's records (or just those named) become separate therapists."),
    "contact": ("finder.cli.consult:contact_cmd", "Log a call, email or message; the shortlist status follows."),
    "followups": ("finder.cli.consult:followups_cmd", "Who to chase (no reply after N days), waitlists to re-check, consultations coming up."),
    "draft": ("finder.cli.consult:draft_cmd", "Print a first-contact message to copy, with your key questions; nothing is sent."),
    "consult": ("finder.cli.walks:consult_cmd", "Walk the consultation questions, saving each answer; run it again to resume."),
    "callsheet": ("finder.cli.callsheet:callsheet_cmd", "Print the call plan: one page per clinician to hold during the call."),
    "insurer-call": ("finder.cli.walks:insurer_call_cmd", "One call to your insurer: your plan's benefits, then each clinician's network status."),
    "answers": ("finder.cli.walks:answers_cmd", "Show the answers recorded for a therapist, with red flags, cautions, pros and cons."),
    "note": ("finder.cli.walks:note_cmd", "Add your own pros, cons and notes about a therapist; without options, list them."),
    "checklists": ("finder.cli.checklists:checklists_group", "List, show, copy and validate the checklists (TOML files you can edit)."),
    "compare": ("finder.cli.compare:compare_cmd", "Compare candidates side by side (default: the profile's shortlist)."),
    "verify": ("finder.cli.verify:verify_cmd", "Look clinicians up in the NPPES NPI Registry (goes online; asks first)."),
    "export": ("finder.cli.data:export_cmd", "Write everything finder holds (records, answers, notes, contacts, profiles) to one file."),
    "restore": ("finder.cli.data:restore_cmd", "List backups of the store (kept before migrations, restores, merges), or restore one."),
    "wipe": ("finder.cli.data:wipe_cmd", "Delete all finder data: records, answers, notes, profiles, backups, crash reports."),
    "path": ("finder.cli.records:path_cmd", "Print where finder keeps its data."),
    "crisis": ("finder.cli.records:crisis_cmd", "Crisis lines: where to get help now."),
}  # fmt: skip


def _available(target: str) -> bool:
    module = target.partition(":")[0]
    return importlib.util.find_spec(module) is not None


class LazyGroup(Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name, (target, _) in COMMANDS.items() if _available(target)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None or not _available(entry[0]):
            return None
        module_name, _, attr = entry[0].partition(":")
        command = getattr(importlib.import_module(module_name), attr)
        assert isinstance(command, click.Command)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        with handle_errors():
            return super().invoke(ctx)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(f"finder {__version__}")
        ctx.exit()


@click.group(
    cls=LazyGroup,
    invoke_without_command=True,
    epilog="In crisis? In the US call or text 988; other countries: `finder crisis --country XX`.",
)
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=None,
    help="Data folder for this run (overrides FINDER_HOME).",
)
@click.option(
    "--version", is_flag=True, expose_value=False, is_eager=True, callback=_version,
    help="Show the version and exit.",
)  # fmt: skip
@click.pass_context
def cli(ctx: click.Context, home: Path | None) -> None:
    """finder: find a therapist trained in Interpersonal Psychotherapy (IPT).

    Everything stays on this computer. Start with `finder import FILE`.
    """
    app = App(home=home)
    ctx.obj = app
    ctx.call_on_close(app.close)
    ctx.call_on_close(guard_output())
    app.first_run_notice()
    if ctx.invoked_subcommand is None:
        click.echo(GUIDE.format(next=app.next_step()))


def main(argv: list[str] | None = None) -> None:
    """Run the CLI: one-line errors for user mistakes, a crash report for bugs."""
    interruptible()
    restore = guard_output()
    try:
        cli.main(args=argv, prog_name="finder")
    finally:
        restore()


def entry() -> None:
    """The `finder` console script: ``main``, then leave without tearing the heap down.

    By the time a command returns, everything it changed is on disk (each store
    transaction writes, fsyncs and renames before it ends). What an interpreter
    does on a normal exit is free every object one by one: after a large import,
    about a second spent on two million objects the operating system reclaims at
    once anyway. So the output is flushed and the process ends with its exit code.
    """
    try:
        main()
    except SystemExit as done:
        code = done.code
    else:  # pragma: no cover - click's standalone mode always ends with SystemExit
        code = 0
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):
            pass  # the reader went away (`finder list | head`) or the stream is closed
        except OSError:
            code = code or 1
    os._exit(code or 0)


if __name__ == "__main__":  # pragma: no cover
    entry()

__all__ = ["COMMANDS", "cli", "entry", "main"]
