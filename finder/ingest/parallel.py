"""A second core for big imports: fork-based helpers for pure work on plain data.

An import of a hundred thousand rows spends seconds on work that is the same
function of each row. ``map_in_halves`` gives half of such a list to a forked
child; ``Background`` loads something slow (the ZIP table) in a child while this
process goes on reading. Both send results back through a pipe as marshal (or
pickle) data, and both fall back to doing the work here when there is no second
core or the child fails in any way, so the result never depends on the child.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import pickle
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

T = TypeVar("T")


#: Below this many items the second process costs more than it saves.
PARALLEL_MIN_ITEMS = 2_000


def _second_core() -> bool:
    # A forked child shares the parent's memory for free; fork is only safe to rely on
    # for plain Python work like this on Linux.
    if sys.platform != "linux" or not hasattr(os, "fork"):
        return False
    try:
        return len(os.sched_getaffinity(0)) > 1
    except OSError:
        return False


def map_in_halves(
    work: Callable[[Sequence[Any]], list[Any]],
    items: Sequence[Any],
    to_plain: Callable[[Any], Any] = lambda value: value,
    from_plain: Callable[[Any], Any] = lambda value: value,
) -> list[Any]:
    """``work(items)``, the second half computed by a forked child process meanwhile.

    ``work`` must be pure: the result is exactly ``work(items)``, in order. The child
    sends its results back as ``to_plain`` values (dicts, lists, tuples, strings,
    numbers) and ``from_plain`` rebuilds them. Whatever goes wrong in the child (an
    exception, a crash, a kill), the parent computes that half itself, so an error
    surfaces exactly as it would have without the child.
    """
    if len(items) < PARALLEL_MIN_ITEMS or not _second_core():
        return work(items)
    half = len(items) // 2
    pid, read_end = _start(lambda: [to_plain(value) for value in work(items[half:])])
    try:
        first = work(items[:half])
    except BaseException:
        os.close(read_end)
        _stop(pid)
        raise
    plain = _finish(pid, read_end)
    second: list[Any] | None = None
    if plain is not _FAILED:
        with contextlib.suppress(Exception):
            second = [from_plain(value) for value in plain]
    if second is None or len(second) != len(items) - half:
        second = work(items[half:])
    return first + second


class Background(Generic[T]):
    """``fn()`` computed by a forked child while this process goes on.

    ``fn`` must be pure and return plain data (dicts, lists, tuples, strings,
    numbers). ``result()`` waits for the child and returns what it sent; without
    a second core, or when the child fails, ``fn()`` runs here instead. Call
    ``cancel()`` (it is safe after ``result()``) when the value is not wanted.
    """

    def __init__(self, fn: Callable[[], T]) -> None:
        self._fn = fn
        self._child = _start(fn) if _second_core() else None

    def result(self) -> T:
        child, self._child = self._child, None
        if child is not None:
            sent = _finish(*child)
            if sent is not _FAILED:
                return sent
        return self._fn()

    def cancel(self) -> None:
        child, self._child = self._child, None
        if child is not None:
            os.close(child[1])
            _stop(child[0])


_FAILED = object()


def _start(fn: Callable[[], Any]) -> tuple[int, int]:
    """Fork a child that sends ``fn()`` down a pipe: (its pid, the pipe's read end)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compute, send, and leave without running any cleanup
        status = 1
        try:
            os.close(read_end)
            payload = _dumps(fn())
            with os.fdopen(write_end, "wb") as out:
                out.write(payload)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    return pid, read_end


def _finish(pid: int, read_end: int) -> Any:
    """What the child sent, once it has ended; ``_FAILED`` if it failed in any way."""
    try:
        with os.fdopen(read_end, "rb") as received:
            payload = received.read()
        _, status = os.waitpid(pid, 0)
    except BaseException:
        _stop(pid)
        raise
    if status == 0:
        with contextlib.suppress(Exception):
            return _loads(payload)
    return _FAILED


def _dumps(value: Any) -> bytes:
    try:
        return b"M" + marshal.dumps(value)
    except ValueError:  # a type marshal does not know
        return b"P" + pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _loads(payload: bytes) -> Any:
    if payload[:1] == b"M":
        return marshal.loads(payload[1:])
    if payload[:1] == b"P":
        return pickle.loads(payload[1:])
    raise ValueError("no result from the second process")


def _stop(pid: int) -> None:
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
