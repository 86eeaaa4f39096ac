"""Shared printing for the commands: JSON on stdout, import reports and progress on stderr."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from finder.cli.app import App
from finder.errors import ImportRefused


class ImportProgress:
    """A progress bar on stderr for files big enough to wait for (over 2 MB)."""

    THRESHOLD = 2 * 1024 * 1024

    def __init__(self, app: App) -> None:
        self.app = app
        self.bar: Any = None
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> ImportProgress:
        return self

    def __call__(self, path: str, done: int, total: int) -> None:
        if total < self.THRESHOLD or not sys.stderr.isatty():
            return
        if self.bar is None:
            from rich.progress import Progress

            self.bar = Progress(console=self.app.err, transient=True)
            self.bar.start()
        if path not in self.tasks:
            self.tasks[path] = self.bar.add_task(Path(path).name, total=total)
        self.bar.update(self.tasks[path], completed=done)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def print_import_report(app: App, report: Any) -> None:
    for result in report.files:
        if result.refused:
            click.echo(f"Error: {result.path}: {result.refused}", err=True)
            continue
        for error in result.rejected:
            click.echo(f"  rejected {result.path} {error}", err=True)
        if report.dry_run:
            _print_dry_run(result)
            continue
        parts = [f"{result.imported} imported"]
        if result.updated:
            parts.append(f"{result.updated} updated")
        if result.unchanged:
            parts.append(f"{result.unchanged} unchanged")
        if result.rejected:
            parts.append(f"{len(result.rejected)} rejected")
        if getattr(result, "restored", None):  # a finder export brings more than records
            restored = (f"{n} {t.replace('_', ' ')}" for t, n in result.restored.items())
            parts.append("restored " + ", ".join(restored))
        note = ""
        if result.unchanged and not result.imported and not result.updated:
            note = " (already imported; nothing new)"
        click.echo(f"{result.path} [{result.format}]: {', '.join(parts)}{note}", err=True)
    if len(report.files) > 1:
        click.echo(
            f"Total: {report.total('imported')} imported, {report.total('updated')} updated, "
            f"{report.total('unchanged')} unchanged, {report.total('rejected')} rejected, "
            f"{len(report.refused)} file(s) refused",
            err=True,
        )
    if report.refused:
        first = report.refused[0]
        if len(report.refused) == len(report.files):
            raise ImportRefused(first.path, "nothing imported")
        sys.exit(ImportRefused.exit_code)


def _print_dry_run(result: Any) -> None:
    click.echo(f"{result.path} [{result.format}] (dry run: nothing stored)")
    if result.mapping:
        click.echo("  column mapping:")
        for column, field in result.mapping.items():
            click.echo(f"    {column!s:<28} -> {field or '(kept as extra data)'}")
    click.echo(f"  first {len(result.preview)} record(s):")
    for record in result.preview:
        fields = record.fields
        bits = [
            fields.get("name", "?"),
            ", ".join(fields.get("credentials", [])),
            ", ".join(p for p in (fields.get("city"), fields.get("state")) if p),
        ]
        click.echo(f"    {record.locator}: " + " | ".join(b for b in bits if b))
    if result.rejected:
        click.echo(f"  {len(result.rejected)} row(s) would be rejected")
