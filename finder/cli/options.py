"""Options that several commands share, each written once as a named decorator.

- ``output_options(...)``: ``--format table|json|csv`` (``--json`` and ``--csv`` are short for
  it) handed to the command as one ``output: OutputFormat``;
- ``for_profile_option``: ``--for LABEL``, whose profile (default: the active one), as ``label``;
- ``with_id_arg``: the therapist ``ID`` argument, as ``tid``;
- ``output_file_option(help)``: ``-o/--output FILE``;
- ``recheck_option(help)``: ``--recheck DATE``, the day to ask a waitlist again, as ``recheck``
  (YYYY-MM-DD text, checked);
- ``Amount``: a non-negative number of miles or dollars, never ``nan`` or ``inf``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

import click

from finder.cli.types import THERAPIST_ID
from finder.errors import UsageError

F = TypeVar("F", bound=Callable[..., Any])


class OutputFormat(StrEnum):
    """How a listing command prints: a table for people, JSON or CSV for machines."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"


ALL_OUTPUTS: tuple[OutputFormat, ...] = tuple(OutputFormat)


def resolve_output(
    fmt: str | None, as_json: bool, as_csv: bool, allowed: tuple[OutputFormat, ...]
) -> OutputFormat:
    """The one output format that ``--format``, ``--json`` and ``--csv`` ask for together."""
    asked = {OutputFormat(fmt)} if fmt else set()
    if as_json:
        asked.add(OutputFormat.JSON)
    if as_csv:
        asked.add(OutputFormat.CSV)
    if len(asked) > 1:
        names = " and ".join(sorted(f"--format {a.value}" for a in asked))
        raise UsageError(f"choose one output format, not {names}")
    chosen = asked.pop() if asked else OutputFormat.TABLE
    if chosen not in allowed:  # only reachable through --csv on a JSON-only command
        raise UsageError(f"this command does not print {chosen.value}")
    return chosen


def output_options(*allowed: OutputFormat) -> Callable[[F], F]:
    """``--format`` (and its short forms) for a listing command, passed on as ``output``."""
    allowed = allowed or ALL_OUTPUTS

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(
            *args: Any,
            fmt: str | None = None,
            as_json: bool = False,
            as_csv: bool = False,
            **kwargs: Any,
        ) -> Any:
            kwargs["output"] = resolve_output(fmt, as_json, as_csv, allowed)
            return func(*args, **kwargs)

        command: Any = wrapper
        if OutputFormat.CSV in allowed:
            command = click.option("--csv", "as_csv", is_flag=True, help="Short for --format csv.")(
                command
            )
        command = click.option("--json", "as_json", is_flag=True, help="Short for --format json.")(
            command
        )
        choices = [f.value for f in allowed]
        command = click.option(
            "--format",
            "fmt",
            type=click.Choice(choices),
            help="table for people (the default); json (sorted keys) or csv on stdout.",
        )(command)
        return command

    return decorate


def json_csv_flags(func: F) -> F:
    """``--json`` and ``--csv`` as short forms of a command's own ``--format`` choice."""
    func = click.option("--csv", "as_csv", is_flag=True, help="Short for --format csv.")(func)
    return click.option("--json", "as_json", is_flag=True, help="Short for --format json.")(func)


def for_profile_option(func: F) -> F:
    """``--for LABEL``: whose needs, shortlist and answers (default: the active profile)."""
    return click.option(
        "--for", "label", metavar="LABEL", help="Whose profile (default: the active one)."
    )(func)


def with_id_arg(func: F) -> F:
    return click.argument("tid", metavar="ID", type=THERAPIST_ID)(func)


def output_file_option(help: str) -> Callable[[F], F]:
    """``-o/--output FILE``, shared by the commands that can write a file instead of stdout."""
    return click.option(
        "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help=help
    )


def recheck_option(help: str) -> Callable[[F], F]:
    """``--recheck DATE``: the day to ask a waitlist again, handed on as YYYY-MM-DD text."""

    def checked(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
        # kept here: options load with every command's help; the store does not
        from finder.pursue.contacts import parse_day

        return None if value is None else parse_day(value, "--recheck").isoformat()

    return click.option("--recheck", "recheck", metavar="DATE", callback=checked, help=help)


class Amount(click.FloatRange):
    """A non-negative amount (miles, dollars) read as written: ``nan`` and ``inf`` are
    refused rather than read as numbers no therapist could fail or pass."""

    name = "amount"

    def __init__(self) -> None:
        super().__init__(min=0)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a number (write it in digits, e.g. 10)", param, ctx)
        return number
