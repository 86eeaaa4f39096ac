"""Commands about the data itself: export, restore (backups) and wipe."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from finder.cli.app import App, echo_json, pass_app
from finder.cli.options import OutputFormat, output_file_option, output_options
from finder.errors import NotFound, UsageError
from finder.words import plural, table_count


@click.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(["json", "md"]), default="json", show_default=True,
    help="json: loadable (finder import restores it); md: for reading.",
)  # fmt: skip
@output_file_option("Write to this file (private, 0600) instead of stdout.")
@pass_app
def export_cmd(app: App, fmt: str, output: Path | None) -> None:
    """Write everything finder holds (records, answers, notes, contacts, profiles) to one file.

    \b
    finder export -o ~/finder-backup.json      (restore with: finder import ~/finder-backup.json)
    """
    # kept here: only `finder export` loads the exporters
    from finder.storage.export import ExportFormat, write

    payload, counts = write(app.evidence_store, ExportFormat(fmt), output)
    if output is None:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
    what = ", ".join(table_count(table, n) for table, n in counts.items()) or "nothing yet"
    where = f" to {output}" if output is not None else ""
    app.say(f"Exported {what}{where}.")
    if output is not None:
        app.say("It holds notes and answers about someone's care: keep it somewhere private.")


@click.command("restore")
@click.argument("which", required=False, metavar="[NUMBER|NAME]")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@output_options(OutputFormat.TABLE, OutputFormat.JSON)
@pass_app
def restore_cmd(app: App, which: str | None, yes: bool, output: OutputFormat) -> None:
    """List backups of the store (kept before migrations, restores, merges), or restore one.

    \b
    finder restore        (list; 1 is the newest)
    finder restore 2
    """
    # kept here: only `finder restore` reads backups
    from finder.storage import backup, paths

    store_path = paths.store_file()
    found = backup.list_backups(store_path)
    if which is None:
        rows = [
            {
                "number": i,
                "name": b.path.name,
                "created": b.created,
                "reason": b.reason,
                "size": b.size,
            }
            for i, b in enumerate(found, 1)
        ]
        if output is OutputFormat.JSON:
            echo_json(rows)
            return
        if not rows:
            app.say(f"No backups yet in {backup.backup_dir(store_path)}.")
            return
        for row in rows:
            size = f"{row['size']:>10,} bytes"
            click.echo(f"{row['number']:>3}  {row['created']}  {row['reason']:<42} {size}")
        app.say("Restore one with: finder restore NUMBER (the current data is backed up first).")
        return
    chosen = next((b for i, b in enumerate(found, 1) if which in (str(i), b.path.name)), None)
    if chosen is None:
        raise NotFound(f"no backup {which!r}; `finder restore` lists them")
    if not yes:
        click.confirm(
            f"Replace the current data with the backup of {chosen.created} ({chosen.reason})? "
            "The current data is backed up first",
            abort=True,
            err=True,
        )
    with app.store.locked():
        restored = backup.restore(store_path, chosen.path.name)
    app.say(f"Restored the backup of {restored.created} ({restored.reason}).")


@click.command("wipe")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@pass_app
def wipe_cmd(app: App, yes: bool) -> None:
    """Delete all finder data: records, answers, notes, profiles, backups, crash reports.

    \b
    finder export -o ~/keep.json && finder wipe
    """
    # kept here: only `finder wipe` needs the data folder's privacy checks
    from finder.storage import privacy

    if not app.home.exists():
        app.say(f"Nothing to delete: {app.home} does not exist.")
        return
    app.prepare_home()  # refuses a folder that is not finder's before anything is listed
    plan = privacy.plan_wipe(app.home)
    if not plan.delete:
        app.say(f"Nothing to delete: {app.home} holds no finder data.")
        return
    names = ", ".join(p.name for p in plan.delete)
    if not yes:
        app.say(f"This deletes everything finder keeps in {app.home}: {names}.")
        app.say("That includes the backups: nothing can be restored afterwards.")
        app.say("To keep a copy first: finder export -o FILE")
        click.confirm("Delete all finder data", abort=True, err=True)
    with app.store.locked():
        failed = privacy.wipe(plan)
    app.close()
    for path in failed:
        app.warn(f"could not delete {path}")
    app.say(f"Deleted: {names} (in {app.home}).")
    for path in plan.keep:
        app.say(f"Left alone (not finder's): {path}")
    for caveat in privacy.WIPE_CAVEATS:
        app.say(caveat)
    if failed:
        raise UsageError(
            f"{plural(len(failed), 'item')} could not be deleted; see the warnings above"
        )
