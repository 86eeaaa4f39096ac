"""Special files given directly: pipes read as streams, devices refused, size limits before
reading, NUL bytes dropped with a warning naming the line."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from click.testing import CliRunner

import finder
from finder.cli import cli

GOOD = "name,credentials,bio\nSam Roe,LCSW,Trained in interpersonal psychotherapy\n"
CHECKOUT = Path(finder.__file__).resolve().parent.parent


def bytes_read() -> int:
    """Bytes this process has read through system calls so far (Linux's /proc/self/io)."""
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    raise AssertionError("no rchar in /proc/self/io")


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_a_named_pipe_nobody_writes_to_is_refused_not_waited_on(tmp_path: Path) -> None:
    pipe = tmp_path / "list.csv"
    os.mkfifo(pipe)
    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    started = time.monotonic()
    code, _, err = invoke("import", str(pipe), str(good))
    assert time.monotonic() - started < 30  # a hang, not a speed target
    assert code == 4
    assert f"Error: {pipe}: nothing was written to this pipe; nothing imported" in err
    assert f"{good} [csv]: 1 imported" in err


def test_a_named_pipe_with_a_writer_is_read_as_a_stream(tmp_path: Path) -> None:
    pipe = tmp_path / "list.csv"
    os.mkfifo(pipe)

    def write() -> None:
        with open(pipe, "w") as fh:  # blocks until finder opens the pipe
            time.sleep(0.3)
            fh.write(GOOD)

    writer = threading.Thread(target=write, daemon=True)
    # finder opens without waiting for a writer: start the writer first, let it block.
    writer.start()
    time.sleep(0.2)
    code, _, err = invoke("import", str(pipe))
    writer.join(timeout=5)
    assert code == 0, err
    assert f"{pipe} [csv]: 1 imported" in err


def test_process_substitution(finder_home: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    env = {**os.environ, "FINDER_HOME": str(finder_home), "PYTHONPATH": str(CHECKOUT)}
    done = subprocess.run(
        ["bash", "-c", f'"{sys.executable}" -m finder import <(cat "{good}")'],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "[csv]: 1 imported" in done.stderr
    assert "file is empty" not in done.stderr


def test_dev_zero_is_refused_at_once(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    started = time.monotonic()
    code, _, err = invoke("import", "/dev/zero", str(good))
    assert time.monotonic() - started < 30  # a hang, not a speed target
    assert code == 4
    assert "Error: /dev/zero: is a device or a socket, not a file; save what it holds" in err
    assert f"{good} [csv]: 1 imported" in err


def test_size_limits_apply_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    with open(big, "wb") as fh:
        fh.write(b"name,city\n")
        fh.truncate(410 * 1024 * 1024)  # sparse: over the 400 MB limit for lists
    before = bytes_read()
    code, _, err = invoke("import", str(big))
    assert bytes_read() - before < 20 * 1024 * 1024, "the file was read before its size check"
    assert code == 4
    assert "limit" in err


def test_nul_bytes_are_dropped_with_a_warning_naming_the_line(tmp_path: Path) -> None:
    rows = ["name,credentials,bio"] + [f"Person {i},LCSW,IPT trained" for i in range(2000)]
    rows[3] = rows[3].replace("LCSW", "LC\0SW")
    rows[1500] = "\0" + rows[1500]
    path = tmp_path / "list.csv"
    path.write_text("\n".join(rows) + "\n")
    code, _, err = invoke("import", str(path))
    assert code == 0, err
    assert f"Warning: {path}: NUL bytes dropped on line 4 (and 1 more line(s))" in err
    assert f"{path} [csv]: 2000 imported" in err
    code, out, _ = invoke("show", "3", "--json")
    assert code == 0 and "LCSW" in out
    # The source is the file as given, not the copy finder read.
    assert f'"path": "{path}"' in out and "finder-staged" not in out
