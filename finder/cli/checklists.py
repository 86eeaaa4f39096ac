"""`finder checklists`: list, show, copy and validate the checklists (TOML files you can edit)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import click

from finder.cli.app import CRISIS_LINE, App, Group, pass_app
from finder.errors import FinderError, UsageError
from finder.storage import paths

# --- checklists ----------------------------------------------------------------------------


@click.group("checklists", cls=Group, epilog=CRISIS_LINE)
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
    # kept here: `finder checklists --help` loads no checklist reader (tomllib)
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
    # kept here: `finder checklists --help` loads no checklist reader (tomllib)
    from finder.pursue import checklists

    checklist = checklists.load(name)
    click.echo(f"{checklist.title}\n{checklist.description}\nFile: {checklist.path}")
    for cid, title in checklist.categories:
        click.echo(f"\n{title} ({cid})")
        for q in checklist.in_category(cid):
            kind = str(q.type) + (": " + ", ".join(q.choices) if q.choices else "")
            unit = f" in {q.unit}" if q.unit else ""
            click.echo(f"  {q.id} [{kind}{unit}, {q.estimate:g} min]{' (key)' if q.key else ''}")
            click.echo(f"    {q.text}")
            if q.ask_when is not None:
                click.echo(f"      asked only when {_condition(q.ask_when)}")
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
    # kept here: `finder checklists --help` loads no checklist reader (tomllib)
    from finder.pursue import checklists

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
    # kept here: `finder checklists --help` loads no checklist reader (tomllib)
    from finder.pursue import checklists

    problems = checklists.validate_file(path)
    for problem in problems:
        click.echo(problem)
    if problems:
        raise FinderError(f"{path}: {len(problems)} problem(s)")
    count = len(checklists.load(path).questions)
    click.echo(f"{path}: valid ({count} questions)")


__all__ = ["checklists_group"]
