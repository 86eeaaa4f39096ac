"""Shared printing for the commands: JSON on stdout, import reports and progress on stderr."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click

from finder.cli.app import App
from finder.errors import ImportRefused
from finder.words import plural, table_count


class ImportProgress:
    """A progress bar on stderr for files big enough to wait for (over 2 MB)."""

    THRESHOLD = 2 * 1024 * 1024

    def __init__(self, app: App) -> None:
        self.app = app
        self.bar: Any = None
        self.tasks: dict[str, Any] = {}
        self.started: dict[str, float] = {}

    def __enter__(self) -> ImportProgress:
        return self

    def __call__(
        self, path: str, done: int, total: int, rows: tuple[int, int] | None = None
    ) -> None:
        """``rows`` (read, kept) comes from importers that filter a bulk file (NPPES)."""
        if total < self.THRESHOLD or not sys.stderr.isatty():
            return
        if self.bar is None:
            # kept here: rich's progress bar loads only when an import shows it
            from rich.progress import Progress

            self.bar = Progress(console=self.app.err, transient=True)
            self.bar.start()
        if path not in self.tasks:
            self.tasks[path] = self.bar.add_task(Path(path).name, total=total)
            self.started[path] = time.monotonic()
        name = Path(path).name
        if rows is not None:
            read, kept = rows
            rate = read / max(1e-3, time.monotonic() - self.started[path])
            name = f"{name}: {read:,} rows read, {kept:,} kept, {rate:,.0f} rows/s"
        self.bar.update(self.tasks[path], completed=done, description=name)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


#: Rejected rows listed one by one per file; the rest are counted.
MAX_REJECTS_SHOWN = 20


def print_import_report(app: App, report: Any) -> None:
    for result in report.files:
        if result.refused:
            click.echo(f"Error: {result.path}: {result.refused}", err=True)
            continue
        if result.notice:
            click.echo(f"{result.path} [{result.format}]: {result.notice}", err=True)
            continue
        for error in result.rejected[:MAX_REJECTS_SHOWN]:
            click.echo(f"  rejected {result.path} {error}", err=True)
        if len(result.rejected) > MAX_REJECTS_SHOWN:
            more = len(result.rejected) - MAX_REJECTS_SHOWN
            click.echo(f"  ... and {more:,} more rejected rows in {result.path}", err=True)
        if report.dry_run:
            _print_dry_run(result)
            continue
        parts = [f"{result.imported} imported"]
        if result.updated:
            parts.append(f"{result.updated} updated")
        if getattr(result, "deactivated", 0):  # NPPES says these NPIs are deactivated
            parts.append(f"{result.deactivated} deactivated")
        if result.unchanged:
            parts.append(f"{result.unchanged} unchanged")
        if result.rejected:
            parts.append(f"{len(result.rejected)} rejected")
        if getattr(result, "restored", None):  # a finder export brings more than records
            restored = (table_count(t, n) for t, n in result.restored.items())
            parts.append("restored " + ", ".join(restored))
        note = ""
        if result.unchanged and not (result.imported or result.updated or result.deactivated):
            note = " (already imported; nothing new)"
        click.echo(f"{result.path} [{result.format}]: {', '.join(parts)}{note}", err=True)
    if len(report.files) > 1:
        click.echo(
            f"Total: {report.total('imported')} imported, {report.total('updated')} updated, "
            f"{report.total('unchanged')} unchanged, {report.total('rejected')} rejected, "
            f"{plural(len(report.refused), 'file')} refused",
            err=True,
        )
    if report.refused:
        # Each refused file has had its one line above; the exit code says the rest.
        raise click.exceptions.Exit(ImportRefused.exit_code)


def _print_dry_run(result: Any) -> None:
    click.echo(f"{result.path} [{result.format}] (dry run: nothing stored)")
    if result.mapping:
        click.echo("  column mapping:")
        for column, field in result.mapping.items():
            click.echo(f"    {column!s:<28} -> {field or '(kept as extra data)'}")
    click.echo(f"  first {plural(len(result.preview), 'record')}:")
    for record in result.preview:
        fields = record.fields
        bits = [
            fields.get("name", "?"),
            ", ".join(fields.get("credentials", [])),
            ", ".join(p for p in (fields.get("city"), fields.get("state")) if p),
        ]
        click.echo(f"    {record.locator}: " + " | ".join(b for b in bits if b))
    if result.rejected:
        click.echo(f"  {plural(len(result.rejected), 'row')} would be rejected")
