"""The store's lock: one finder writes at a time, and waiting processes are served fairly."""

from __future__ import annotations

import fcntl
import signal
import threading
import time


class _LockWaitExpired(Exception):
    pass


def wait_for_lock(fd: int, timeout: float) -> bool:
    """Take the exclusive lock on ``fd`` within ``timeout`` seconds; ``False`` if it stays busy.

    A blocking wait in the kernel is fair to every waiting process; polling is not: with
    twenty finders at once a poller that sleeps between tries can starve for seconds. The
    blocking wait is bounded by a timer signal, which only the main thread may use, so
    other threads (and a process already using the timer) poll instead.
    """
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        pass

    if (
        threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0
        and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.SIG_IGN, None)
    ):

        def expired(signum: int, frame: object) -> None:
            raise _LockWaitExpired

        previous = signal.signal(signal.SIGALRM, expired)
        try:
            signal.setitimer(signal.ITIMER_REAL, max(timeout, 0.001))
            fcntl.flock(fd, fcntl.LOCK_EX)
            return True
        except _LockWaitExpired:
            pass
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        # The timer may have fired just after the lock was granted: holding it, this succeeds.
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(0.002)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            continue
    return False
