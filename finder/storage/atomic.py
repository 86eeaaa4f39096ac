"""Atomic, private file writes: readers see the old file or the new one, never a mix."""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator
from pathlib import Path

from finder.errors import StoreError


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old or the new file, never a mix."""
    publish(stage_bytes(path, data), path)


def stage_bytes(path: Path, data: bytes) -> str:
    """Write ``data`` to a private temporary file beside ``path``, on disk; its name.

    A full disk or an unwritable folder fails here, before anything is replaced.
    """
    # kept here: tempfile (5 ms with shutil, random, bz2 and lzma) loads only for a write
    import tempfile

    made: list[str] = []
    with _cleaned(path, made):
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        made.append(tmp)
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), 0o600)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    return made[0]


def publish(tmp: str, path: Path) -> None:
    """Put a staged file in place of ``path`` (atomic rename), then sync the folder."""
    with _cleaned(path, [tmp]):
        os.replace(tmp, path)
    with contextlib.suppress(OSError):
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


@contextlib.contextmanager
def _cleaned(path: Path, temporary: list[str]) -> Iterator[None]:
    """On any failure the temporary file goes; an OS error becomes one clear line."""
    try:
        yield
    except OSError as err:
        for tmp in temporary:
            discard(tmp)
        raise _error(path, err) from err
    except BaseException:
        for tmp in temporary:
            discard(tmp)
        raise


def discard(tmp: str) -> None:
    if tmp:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _error(path: Path, err: OSError) -> StoreError:
    if err.errno == errno.ENOSPC:
        return StoreError(f"disk full: could not save {path}; nothing was changed")
    if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StoreError(f"cannot write {path.parent}: {err.strerror}; nothing was changed")
    return StoreError(f"could not save {path}: {err.strerror}; nothing was changed")
