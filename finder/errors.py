"""The domain errors.

Every mistake a user can make, or every broken input they can feed us, is a
``FinderError``: the CLI boundary turns it into one line ``Error: ...`` and its
exit code. A traceback therefore always means a bug in finder.
"""

from __future__ import annotations


class FinderError(Exception):
    """Base of every expected failure; ``str(err)`` is the one line shown to the user."""

    exit_code = 1


class UsageError(FinderError):
    """The user asked for something that cannot be done as asked."""

    exit_code = 2


class NotFound(FinderError):
    """A therapist, profile, checklist or backup that does not exist."""

    exit_code = 3


class ImportRefused(FinderError):
    """A whole file was refused: nothing from it was stored."""

    exit_code = 4

    def __init__(self, path: object, reason: str) -> None:
        self.path = str(path)
        # One line, whatever the file put into the message (a header cell with newlines).
        self.reason = one_line(reason)
        super().__init__(f"{self.path}: {reason}")


class NothingToImport(ImportRefused):
    """The file is what it claims and holds no records (a search with no results): a notice,
    not an error (exit 0)."""

    exit_code = 0


class StoreError(FinderError):
    """The data folder cannot be read or written safely."""

    exit_code = 5


class StoreBusy(StoreError):
    """Another finder process holds the write lock for too long."""

    exit_code = 6


class NetworkError(FinderError):
    """An online command could not reach, or understand, the server."""

    exit_code = 7


def one_line(text: str, limit: int = 300) -> str:
    """Collapse whitespace (newlines included) and cut long text: messages are one line."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."
