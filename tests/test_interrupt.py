"""Ctrl-C always stops finder, even when it was started with SIGINT ignored (a process a
script starts in the background, `make test &`, inherits "ignore")."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import finder

# The finder under test (its folder's parent), whichever checkout that is.
ROOT = Path(finder.__file__).resolve().parent.parent


def wait_for(proc: subprocess.Popen[bytes], text: bytes, seconds: float) -> bytes:
    """What the process wrote to stderr until ``text`` appeared (or the time ran out)."""
    assert proc.stderr is not None
    seen = b""
    deadline = time.monotonic() + seconds
    while text not in seen and time.monotonic() < deadline and proc.poll() is None:
        ready, _, _ = select.select([proc.stderr], [], [], 0.2)
        if ready:
            seen += os.read(proc.stderr.fileno(), 4096)
    return seen


def wait_for_exit(proc: subprocess.Popen[bytes], seconds: float) -> bool:
    try:
        proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        return False
    return True


def test_sigint_stops_finder_started_with_sigint_ignored(finder_home: Path) -> None:
    env = {**os.environ, "FINDER_HOME": str(finder_home), "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "finder", "add", "--name", "Jo Smith", "-y"],
                   env=env, check=True, capture_output=True)  # fmt: skip

    def ignore_sigint() -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    proc = subprocess.Popen(
        [sys.executable, "-m", "finder", "wipe"],  # waits at its confirmation prompt
        env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        preexec_fn=ignore_sigint,
    )  # fmt: skip
    try:
        shown = wait_for(proc, b"Delete all finder data", seconds=30)
        assert b"Delete all finder data" in shown, shown
        proc.send_signal(signal.SIGINT)  # what Ctrl-C at the prompt sends
        # Waiting, not communicate(): closing stdin would end the prompt by itself.
        stopped = wait_for_exit(proc, seconds=15)
        assert stopped, "finder ignored Ctrl-C"
        err = shown
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode != 0
    assert b"Traceback" not in err
    assert (finder_home / "finder.json").exists()  # nothing was deleted
