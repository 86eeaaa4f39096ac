"""Every command's help as a person reads it: examples exactly as written, nothing cut short."""

from __future__ import annotations

import inspect

import click
import pytest
from click.testing import CliRunner

from finder.cli import COMMANDS, cli


def _commands() -> list[tuple[str, click.Command]]:
    """Every command and sub-command, with the words that run it (``shortlist add``)."""
    ctx = click.Context(cli)
    found: list[tuple[str, click.Command]] = []
    pending = [(name, cli.get_command(ctx, name)) for name in COMMANDS]
    while pending:
        path, command = pending.pop(0)
        assert command is not None, path
        found.append((path, command))
        if isinstance(command, click.Group):
            sub = click.Context(command)
            pending += [(f"{path} {n}", command.get_command(sub, n)) for n in command.commands]
    return found


ALL = _commands()


def _examples(command: click.Command) -> list[str]:
    doc = inspect.cleandoc(command.callback.__doc__ or "") if command.callback else ""
    return [line.strip() for line in doc.splitlines() if line.strip().startswith("finder ")]


def test_every_command_has_an_example() -> None:
    assert [path for path, command in ALL if not _examples(command)] == []


@pytest.mark.parametrize(("path", "command"), ALL, ids=[path for path, _ in ALL])
def test_help_prints_each_example_line_as_written(path: str, command: click.Command) -> None:
    result = CliRunner().invoke(cli, [*path.split(), "--help"], terminal_width=80)
    assert result.exit_code == 0, result.output
    shown = [line.strip() for line in result.output.splitlines()]
    for example in _examples(command):
        assert example in shown, f"`finder {path} --help` re-wrapped: {example}"


@pytest.mark.parametrize(
    ("path", "command"),
    [(p, c) for p, c in ALL if isinstance(c, click.Group) and p in COMMANDS],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_group_help_lists_each_command_with_its_whole_first_line(
    path: str, command: click.Group
) -> None:
    result = CliRunner().invoke(cli, [path, "--help"], terminal_width=80)
    listing = " ".join(result.output.split("Commands:")[1].split())
    assert "..." not in listing
    for name, sub in command.commands.items():
        first = inspect.cleandoc(sub.callback.__doc__ or "").splitlines()[0]  # type: ignore[union-attr]
        assert f"{name} {first}" in listing


def test_shortlist_help_exactly() -> None:
    result = CliRunner().invoke(cli, ["shortlist", "--help"], terminal_width=80)
    assert result.output.split("Commands:")[1] == (
        "\n"
        "  add     Add therapists to the shortlist.\n"
        "  list    Show the shortlist with each status.\n"
        "  remove  Take a therapist off the shortlist (contacts and answers are kept).\n"
        "  status  Set where things stand with a therapist (added to the shortlist if\n"
        "          needed).\n"
    )


def test_contact_help_keeps_its_two_examples_apart() -> None:
    result = CliRunner().invoke(cli, ["contact", "--help"], terminal_width=80)
    assert (
        "  Without --via and --outcome, shows the log of this therapist.\n"
        "\n"
        "    finder contact 12 --via phone --outcome left-message\n"
        '    finder contact 12 --via email --outcome booked --at "2025-03-14 15:30"\n'
    ) in result.output
