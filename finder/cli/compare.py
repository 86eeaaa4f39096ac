"""`finder compare`: candidates side by side, in the terminal or as a report file."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from finder.cli.app import App, pass_app
from finder.cli.options import for_profile_option, json_csv_flags, output_file_option
from finder.cli.types import THERAPIST_ID
from finder.errors import UsageError
from finder.words import plural

if TYPE_CHECKING:
    from finder.report.formats import ReportFormat

FORMAT_CHOICES = ("terminal", "md", "html", "csv", "json")


@click.command("compare")
@click.argument("tids", nargs=-1, type=THERAPIST_ID, metavar="[ID]...")
@for_profile_option
@click.option(
    "--format", "fmt", type=click.Choice(FORMAT_CHOICES), default=None,
    help="Output format (default: terminal table, or from the -o file name).",
)  # fmt: skip
@output_file_option("Write the report to FILE instead of the screen.")
@json_csv_flags
@pass_app
def compare_cmd(
    app: App,
    tids: tuple[int, ...],
    label: str | None,
    fmt: str | None,
    output: Path | None,
    as_json: bool,
    as_csv: bool,
) -> None:
    """Compare candidates side by side (default: the profile's shortlist).

    \b
    finder compare --format html -o report.html
    """
    # kept here: `finder compare --help` stays fast: the report costs 140 ms
    from finder.report.compare import build
    from finder.report.formats import ReportFormat, render
    from finder.report.terminal import renderables

    chosen = _choose_format(fmt, output, as_json, as_csv)
    comparison = build(app.evidence_store, list(tids) or None, label)
    if output is None and chosen is ReportFormat.TERMINAL:
        for renderable in renderables(comparison, app.out.width):
            app.out.print(renderable)
        return
    text = render(comparison, chosen, width=app.out.width)
    if output is None:
        sys.stdout.write(text)
        return
    _write_private(output, text)
    count = len(comparison.candidates)
    app.say(f"Wrote the comparison of {plural(count, 'candidate')} to {output} ({chosen.value}).")


def _choose_format(
    fmt: str | None, output: Path | None, as_json: bool, as_csv: bool
) -> ReportFormat:
    # kept here: `finder compare --help` stays fast: the report costs 140 ms
    from finder.report.formats import ReportFormat

    flags = [name for name, on in (("json", as_json), ("csv", as_csv)) if on]
    if len(flags) > 1 or (flags and fmt and fmt != flags[0]):
        raise UsageError("choose one output format: --format, --json or --csv")
    if flags:
        return ReportFormat(flags[0])
    if fmt:
        return ReportFormat(fmt)
    if output is not None and output.suffix:
        found = ReportFormat.from_suffix(output.suffix)
        if found is None:
            raise UsageError(
                f"cannot tell the format from {output.name!r}; add --format md, html, csv or json"
            )
        return found
    return ReportFormat.TERMINAL


def _write_private(path: Path, text: str) -> None:
    # The report is about someone's mental health: readable by its owner only.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    except OSError as err:
        raise UsageError(f"cannot write {path}: {err.strerror or err}") from None
