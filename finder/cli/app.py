"""What every command shares: the app context, the error boundary, shared options.

``App`` is made once per run in the group callback and closed with
``ctx.call_on_close``; commands get it with ``@pass_app``.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import re
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import click

from finder.errors import FinderError, StoreBusy
from finder.storage import paths

if TYPE_CHECKING:
    from rich.console import Console

    from finder.storage.store import Store

F = TypeVar("F", bound=Callable[..., Any])

# Help text is written once, before any profile is read: it names the US line and where
# the others are (reading the data folder to print --help would open the person's data).
CRISIS_LINE = (
    "In crisis? In the US call or text 988 (or chat at 988lifeline.org); "
    "other countries: `finder crisis --country XX`."
)

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


class Group(click.Group):
    """A command group that answers a mistyped command with the ones it may have meant."""

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            # kept here: only a mistyped command needs suggestions
            import difflib

            near = difflib.get_close_matches(name, self.list_commands(ctx), n=3, cutoff=0.6)
            if near and not ctx.resilient_parsing:
                ctx.fail(f"No such command {name!r}. Did you mean {' or '.join(near)}?")
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Each command with its whole first help line, wrapped, never cut short with '...'."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=1000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


class FinderClickError(click.ClickException):
    """A FinderError shown as click shows errors: one line, ``Error: ...``, its exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        # click declares exit_code on the class; each error carries its own.
        setattr(self, "exit_code", exit_code)  # noqa: B010

    def format_message(self) -> str:
        # kept here: `finder --help` loads only click and the command table
        from finder.records.normalize.text import visible

        return visible(self.message)


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
        # kept here: the crash report loads only after a crash
        from finder.crash import write_report

        report = write_report(err)
        where = f"; a crash report (no personal data) is in {report}" if report else ""
        raise FinderClickError(
            f"finder hit an unexpected problem ({type(err).__name__}){where}", 70
        ) from None


#: The only characters ``visible`` changes in ASCII text (the rest of its work is Unicode).
_ASCII_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


class VisibleText(io.TextIOBase):
    """A text stream that shows control characters instead of sending them (``\\x1b``).

    Installed over stdout and stderr for the length of a command, so that no name, bio,
    note or error message can move the cursor, clear the screen or plant a link on the
    person's terminal, whatever path it took to get there.
    """

    def __init__(self, raw: TextIO) -> None:
        self.raw = raw

    def write(self, text: str) -> int:
        if text.isascii() and not _ASCII_CONTROL.search(text):
            self.raw.write(text)  # most output: no need to load the sanitiser for it
            return len(text)
        # kept here: `finder --help` loads only click and the command table
        from finder.records.normalize.text import visible

        self.raw.write(visible(text))
        return len(text)

    def flush(self) -> None:
        self.raw.flush()

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self.raw.isatty()

    def fileno(self) -> int:
        return self.raw.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.raw, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self.raw, "errors", None)

    @property
    def buffer(self) -> Any:
        # Bytes written here bypass the filter: only for payloads made safe already
        # (``finder export`` escapes its JSON itself).
        return self.raw.buffer


def guard_output() -> Callable[[], None]:
    """Put ``VisibleText`` over stdout and stderr; returns the function that takes it off."""
    saved = sys.stdout, sys.stderr
    if not isinstance(sys.stdout, VisibleText):
        sys.stdout = VisibleText(sys.stdout)
    if not isinstance(sys.stderr, VisibleText):
        sys.stderr = VisibleText(sys.stderr)

    def restore() -> None:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        sys.stdout, sys.stderr = saved

    return restore


def safe_console(file: TextIO, **options: Any) -> Console:
    """A rich console that shows control characters in what it prints (``\\x1b``).

    Rich writes its own colour codes; the text it is given is made visible segment by
    segment, so a name can never add codes of its own.
    """
    # kept here: rich (20 ms) loads only when a command prints with it
    from rich.console import Console
    from rich.segment import Segment

    from finder.records.normalize.text import visible

    class SafeConsole(Console):
        def _render_buffer(self, buffer: Any) -> str:
            return super()._render_buffer(
                s if s.control else Segment(visible(s.text), s.style) for s in buffer
            )

    return SafeConsole(file=file, **options)


def raw_stream(stream: TextIO) -> TextIO:
    """The stream under a ``VisibleText`` (for rich, which sanitises by itself)."""
    return stream.raw if isinstance(stream, VisibleText) else stream


def interruptible() -> None:
    """Ctrl-C stops finder, even when its parent started it with SIGINT ignored
    (``make test &`` from a script): Python keeps an inherited "ignore"."""
    with contextlib.suppress(ValueError, OSError):  # not the main thread
        signal.signal(signal.SIGINT, signal.default_int_handler)


class App:
    """Per-run state: the data folder, the store (opened on first use), consoles."""

    def __init__(self, home: Path | None = None) -> None:
        if home is not None:
            paths.set_home_override(home)
        self._store: Store | None = None
        self._closed_store: Store | None = None
        self._evidence_current = False

    @property
    def home(self) -> Path:
        return paths.data_dir()

    @property
    def store(self) -> Store:
        if self._store is None:
            # kept here: `finder --help` does not open the store
            from finder.storage import privacy
            from finder.storage.store import open_store

            self.prepare_home()
            privacy.check_permissions(self.home, warn=self.warn)
            self._store = open_store(notice=self.say)
        return self._store

    @property
    def evidence_store(self) -> Store:
        """The store for a command that shows IPT evidence: evidence judged by other rules
        than this finder's is judged again first, and the person told in one line."""
        store = self.store
        if not self._evidence_current:
            # kept here: the rules and their judge (finder.judge.ipt) load only for evidence
            from finder.judge import rejudge

            try:
                done = rejudge.refresh(store)
            except StoreBusy:  # shown as stored this once; judged again on a later command
                self.warn("IPT evidence was judged by other rules; another finder is writing, "
                          "so it is re-read next time")  # fmt: skip
                done = None
            message = done.message() if done is not None else None
            if message is not None:
                self.say(message)
            self._evidence_current = True
        return store

    def prepare_home(self) -> None:
        """Finish a wipe that was cut short, then make sure the folder is finder's own."""
        # kept here: `finder --help` does not open the store
        from finder.storage import privacy

        finished = privacy.finish_wipe(self.home)
        if finished is not None:
            names = ", ".join(p.name for p in finished) or "nothing was left"
            self.say(f"An earlier `finder wipe` was interrupted; finished it now ({names}).")
        privacy.claim_home(self.home, paths.given_home())
        # kept here: `finder --help` does not open the store
        from finder.storage import backup

        for partial in backup.remove_partial(paths.store_file(), older_than=600):
            self.say(f"Removed {partial.name}, a backup copy cut short earlier (incomplete).")

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            # Held, closed, as long as the App: freeing a big store object by object is
            # work the console script's exit skips (see ``finder.cli.entry``).
            self._closed_store, self._store = self._store, None

    @functools.cached_property
    def err(self) -> Console:
        return safe_console(raw_stream(sys.stderr), highlight=False, soft_wrap=True)

    @functools.cached_property
    def out(self) -> Console:
        return safe_console(raw_stream(sys.stdout), highlight=False)

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
        # kept here: `finder --help` loads only click and the command table
        from finder.crisis import lines_for, profile_country

        # Every line finder knows, the profile's country's first when a profile already
        # names one (a restored folder); otherwise the US's first.
        country = None
        if paths.store_file().exists():
            with contextlib.suppress(OSError, FinderError):
                country = profile_country(self.store)
        click.echo("Welcome to finder. If you are in crisis, please reach out now:", err=True)
        for line in lines_for(country):
            click.echo(f"  {line}", err=True)
        click.echo("", err=True)
        with contextlib.suppress(OSError, FinderError):
            self.prepare_home()  # never a file in a folder that is not finder's
            marker.touch(mode=0o600)

    def next_step(self) -> str:
        store_path = paths.store_file()
        if not store_path.exists():
            return "finder import FILE_OR_FOLDER   (what you saved or exported)"
        return "finder search --why   (or finder list to see everything)"


pass_app = click.make_pass_decorator(App)


def confirm_change(app: App, question: str, yes: bool) -> None:
    """Ask before a change only a restore could undo; ``--yes`` answers for scripts.

    A no, Ctrl-C or the end of input leaves everything as it was and exits 1.
    """
    if yes:
        return
    try:
        agreed = click.confirm(question, default=False, err=True)
    except click.Abort:
        click.echo("", err=True)
        agreed = False
    if not agreed:
        app.say("Nothing was changed.")
        raise click.exceptions.Exit(1)


def echo_json(data: Any) -> None:
    # kept here: `finder --help` loads only click and the command table
    import orjson

    sys.stdout.write(
        orjson.dumps(data, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2).decode() + "\n"
    )
