"""The second-core helpers give what the work gives, whatever the child does (issue 2)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from finder import __version__
from finder.ingest import parallel
from finder.ingest.pipeline import run_import
from finder.records import geo
from finder.storage.store import Store

ROOT = Path(__file__).resolve().parent.parent


def squares() -> dict[str, list[int]]:
    return {"squares": [i * i for i in range(2000)]}


def test_background_result_is_what_the_function_returns() -> None:
    job = parallel.Background(squares)
    assert job.result() == squares()
    job.cancel()  # harmless once the result is in


def test_background_without_a_second_core_runs_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "_second_core", lambda: False)
    assert parallel.Background(squares).result() == squares()


def test_a_failing_background_child_is_replaced_by_the_work_done_here() -> None:
    parent = os.getpid()

    def work() -> list[int]:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return [1, 2, 3]

    assert parallel.Background(work).result() == [1, 2, 3]


def test_a_cancelled_background_child_is_gone() -> None:
    job = parallel.Background(squares)
    pid = job._child[0] if job._child is not None else None
    job.cancel()
    if pid is not None:  # with a second core there was a child: it was reaped
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, 0)


def write_list(path: Path, rows: int) -> Path:
    lines = ["Name,City,State,Zip,Types of Therapy"]
    lines += [f"Dana Reyes{i},Cambridge,MA,02139,Interpersonal Psychotherapy" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def stored_geo(path: Path) -> list[object]:
    store = Store(None)
    run_import(store, [path])
    return sorted((d["fields"]["name"], d.get("geo")) for d in store.records.all())


def forget_zip_table(monkeypatch: pytest.MonkeyPatch) -> None:
    geo._table.cache_clear()
    geo.zip_point.cache_clear()


def test_records_geocoded_in_a_second_process_get_the_same_coordinates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_list(tmp_path / "list.csv", 30)
    forget_zip_table(monkeypatch)
    plain = stored_geo(path)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ITEMS", 4)
    forget_zip_table(monkeypatch)
    assert stored_geo(path) == plain
    assert plain[0] == ("Dana Reyes0", [42.3647, -71.1042, "zip"])


def run_script(home: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "FINDER_HOME": str(home), "FINDER_NO_FIRST_RUN": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "finder", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT,
    )  # fmt: skip


def test_console_script_keeps_output_and_exit_codes(tmp_path: Path) -> None:
    proc = run_script(tmp_path / "home", "--version")
    out, err = proc.communicate(timeout=60)
    assert (proc.returncode, out.strip(), err) == (0, f"finder {__version__}", "")
    proc = run_script(tmp_path / "home", "show", "999")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert err.startswith("Error:") and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_console_script_reader_leaving_early_is_not_an_error(tmp_path: Path) -> None:
    # `finder crisis | head -0`: the reader is gone before finder writes a byte.
    read_end, write_end = os.pipe()
    os.close(read_end)
    env = {**os.environ, "FINDER_HOME": str(tmp_path / "home"), "FINDER_NO_FIRST_RUN": "1"}
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "finder", "crisis"],
            stdout=write_end, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT, timeout=60,
        )  # fmt: skip
    finally:
        os.close(write_end)
    assert proc.returncode == 0
    assert proc.stderr == ""  # no traceback, no "Exception ignored ... BrokenPipeError"


def test_a_list_without_zips_does_not_read_the_zip_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "list.csv"
    path.write_text("Name,City\nDana Reyes,Cambridge\nAna Chen,Boston\n", encoding="utf-8")
    forget_zip_table(monkeypatch)
    store = Store(None)
    assert run_import(store, [path]).total("imported") == 2
    assert not geo.loaded()  # a small import reads only what it needs
