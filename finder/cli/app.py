"""What every command shares: the app context, the error boundary, shared options.

``App`` is made once per run in the group callback and closed with
``ctx.call_on_close``; commands get it with ``@pass_app``.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from finder.errors import FinderError
from finder.storage import paths

if TYPE_CHECKING:
    from rich.console import Console

    from finder.storage.store import Store

F = TypeVar("F", bound=Callable[..., Any])

CRISIS_LINE = "In crisis? In the US call or text 988 (or chat at 988lifeline.org); `finder crisis` for other countries."

GUIDE = (
    """\
finder helps you find a therapist trained in Interpersonal Psychotherapy (IPT).
Everything stays on this computer.

  1. import     finder import ~/Downloads/therapists.csv   (lists, saved pages, NPPES, FHIR, vCards)
  2. search     finder search --ipt described --near 02139 --radius 10
  3. shortlist  finder shortlist add ID
  4. contact    finder contact ID --via phone --outcome left-message
  5. consult    finder consult ID          (the consultation checklist, one question at a time)
  6. compare    finder compare --format html -o report.html

Next: {next}
All commands: finder --help

"""
    + CRISIS_LINE
)


class FinderClickError(click.ClickException):
    """A FinderError shown as click shows errors: one line, ``Error: ...``, its exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        # click declares exit_code on the class; each error carries its own.
        setattr(self, "exit_code", exit_code)  # noqa: B010


@contextlib.contextmanager
def handle_errors() -> Iterator[None]:
    """Turn expected failures into one line; turn a bug into a private crash report."""
    try:
        yield
    except FinderError as err:
        raise FinderClickError(str(err), err.exit_code) from None
    except (click.exceptions.Exit, click.ClickException, click.Abort, KeyboardInterrupt):
        raise
    except BrokenPipeError:
        # `finder list | head`: the reader left; that is not an error. Point stdout at
        # devnull so the interpreter's final flush does not complain again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise click.exceptions.Exit(0) from None
    except Exception as err:
        if os.environ.get("FINDER_DEBUG"):
            raise
        from finder.crash import write_report

        report = write_report(err)
        where = f"; a crash report (no personal data) is in {report}" if report else ""
        raise FinderClickError(
            f"finder hit an unexpected problem ({type(err).__name__}){where}", 70
        ) from None


class App:
    """Per-run state: the data folder, the store (opened on first use), consoles."""

    def __init__(self, home: Path | None = None) -> None:
        if home is not None:
            paths.set_home_override(home)
        self._store: Store | None = None
        self._closed_store: Store | None = None

    @property
    def home(self) -> Path:
        return paths.data_dir()

    @property
    def store(self) -> Store:
        if self._store is None:
            from finder.storage import privacy
            from finder.storage.store import open_store

            privacy.check_permissions(self.home, warn=self.warn)
            self._store = open_store()
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            # Held, closed, as long as the App: freeing a big store object by object is
            # work the console script's exit skips (see ``finder.cli.entry``).
            self._closed_store, self._store = self._store, None

    @functools.cached_property
    def err(self) -> Console:
        from rich.console import Console

        return Console(stderr=True, highlight=False, soft_wrap=True)

    @functools.cached_property
    def out(self) -> Console:
        from rich.console import Console

        return Console(highlight=False)

    def say(self, message: str) -> None:
        """Chatter for the person: stderr, so stdout stays data."""
        click.echo(message, err=True)

    def warn(self, message: str) -> None:
        click.echo(f"Warning: {message}", err=True)

    def first_run_notice(self) -> None:
        if os.environ.get("FINDER_NO_FIRST_RUN"):
            return
        marker = self.home / ".welcomed"
        if marker.exists():
            return
        from finder.crisis import CRISIS_LINES

        click.echo("Welcome to finder. If you are in crisis, please reach out now:", err=True)
        for line in CRISIS_LINES:
            click.echo(f"  {line}", err=True)
        click.echo("", err=True)
        with contextlib.suppress(OSError):
            paths.ensure_private_dir(self.home)
            marker.touch(mode=0o600)

    def next_step(self) -> str:
        store_path = paths.store_file()
        if not store_path.exists():
            return "finder import FILE_OR_FOLDER   (what you saved or exported)"
        return "finder search --why   (or finder list to see everything)"


pass_app = click.make_pass_decorator(App)


def echo_json(data: Any) -> None:
    import orjson

    sys.stdout.write(
        orjson.dumps(data, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2).decode() + "\n"
    )
