"""Faults: full disks, unwritable folders, backups, migrations, newer stores, huge files."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner

from finder.cli import cli
from finder.ingest import editing
from finder.storage import backup
from finder.storage import store as store_module
from finder.storage.store import SCHEMA_VERSION, open_store

ROOT = Path(__file__).resolve().parent.parent


def invoke(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def seeded(home: Path) -> bytes:
    editing.add_therapist(open_store(), {"name": "Dana Reyes", "phones": "617-555-0101"})
    return (home / "finder.json").read_bytes()


def leftovers(home: Path) -> list[str]:
    return sorted(p.name for p in home.iterdir() if p.name.endswith(".tmp"))


# --- full disk, unwritable folder (in process, at the OS call boundary) ----------------------


def test_disk_full_is_one_line_and_keeps_the_store(
    finder_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = seeded(finder_home)

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    code, out, err = invoke("add", "--name", "Sam Okafor", "--yes")
    monkeypatch.undo()
    assert code == 5
    assert out == ""
    assert (
        err == f"Error: disk full: could not save {finder_home}/finder.json; nothing was changed\n"
    )
    assert (finder_home / "finder.json").read_bytes() == before
    assert leftovers(finder_home) == []


def test_unwritable_folder_is_one_line_and_keeps_the_store(
    finder_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = seeded(finder_home)

    def denied(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    code, _, err = invoke("add", "--name", "Sam Okafor", "--yes")
    monkeypatch.undo()
    assert code == 5
    assert err == f"Error: cannot write {finder_home}: Permission denied; nothing was changed\n"
    assert (finder_home / "finder.json").read_bytes() == before


def test_data_folder_that_cannot_be_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "nope" / "finder"
    monkeypatch.setenv("FINDER_HOME", str(home))
    real_mkdir = Path.mkdir

    def mkdir(self: Path, *args: Any, **kwargs: Any) -> None:
        if self == home:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", mkdir)
    code, _, err = invoke("list")
    assert code == 5
    assert err == f"Error: cannot create the data folder {home}: Permission denied\n"


def test_lock_file_that_cannot_be_opened(
    finder_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = seeded(finder_home)
    real_open = os.open

    def guarded(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if str(path).endswith(".lock"):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", guarded)
    code, _, err = invoke("add", "--name", "Sam Okafor", "--yes")
    monkeypatch.undo()
    assert code == 5
    assert err == f"Error: cannot write {finder_home}: Read-only file system\n"
    assert (finder_home / "finder.json").read_bytes() == before


# --- the same with a real tiny file system, when this machine lets us mount one --------------


@pytest.fixture
def tiny_fs(tmp_path: Path) -> Iterator[Path]:
    """A 256 KB tmpfs (needs root and mount rights; skips otherwise)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k,mode=0700", "tmpfs", str(mount)],
        capture_output=True,
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root): the in-process tests cover this")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def run_finder(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FINDER_HOME": str(home), "FINDER_NO_FIRST_RUN": "1"}
    return subprocess.run(
        [sys.executable, "-m", "finder", *args],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=60,
    )  # fmt: skip


def test_real_full_disk(tiny_fs: Path) -> None:
    home = tiny_fs / "finder"
    assert run_finder(home, "add", "--name", "Dana Reyes", "--yes").returncode == 0
    before = (home / "finder.json").read_bytes()
    filler = tiny_fs / "filler"
    with open(filler, "wb", buffering=0) as fh:  # fill every block that is left
        try:
            while True:
                fh.write(b"\0" * 4096)
                fh.flush()
        except OSError as err:
            assert err.errno == errno.ENOSPC
    done = run_finder(home, "add", "--name", "Sam Okafor", "--statement", "x" * 20000, "--yes")
    assert done.returncode == 5
    assert (
        done.stderr == f"Error: disk full: could not save {home}/finder.json; nothing was changed\n"
    )
    assert (home / "finder.json").read_bytes() == before
    assert leftovers(home) == []
    filler.unlink()
    assert run_finder(home, "list", "--json").returncode == 0


def test_real_read_only_folder(tiny_fs: Path) -> None:
    home = tiny_fs / "finder"
    assert run_finder(home, "add", "--name", "Dana Reyes", "--yes").returncode == 0
    before = (home / "finder.json").read_bytes()
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_fs)], check=True)
    done = run_finder(home, "add", "--name", "Sam Okafor", "--yes")
    assert done.returncode == 5
    assert done.stderr.splitlines()[-1] == f"Error: cannot write {home}: Read-only file system"
    assert (home / "finder.json").read_bytes() == before
    listed = run_finder(home, "list", "--json")  # reading still works
    assert listed.returncode == 0
    assert [row["name"] for row in orjson.loads(listed.stdout)] == ["Dana Reyes"]


# --- backups and restore --------------------------------------------------------------------


def test_backups_keep_the_newest_and_restore_lists_them(finder_home: Path) -> None:
    store_path = finder_home / "finder.json"
    for n in range(7):
        editing.add_therapist(open_store(), {"name": f"Person {n}"})
        backup.make(store_path, reason=f"step {n}")
        time.sleep(0.002)
    found = backup.list_backups(store_path)
    assert [b.reason for b in found] == ["step 6", "step 5", "step 4", "step 3", "step 2"]
    code, out, _ = invoke("restore", "--json")
    assert code == 0
    rows = orjson.loads(out)
    assert [(r["number"], r["reason"]) for r in rows] == [
        (1, "step 6"), (2, "step 5"), (3, "step 4"), (4, "step 3"), (5, "step 2"),
    ]  # fmt: skip

    # The oldest kept backup survives the backup that restoring takes first.
    code, _, err = invoke("restore", "5", "--yes")
    assert code == 0, err
    assert err.startswith("Restored the backup of ")
    names = sorted(d["fields"]["name"] for d in open_store().records.all())
    assert names == ["Person 0", "Person 1", "Person 2"]
    assert backup.list_backups(store_path)[0].reason == "before restore"


def test_restore_asks_first_and_rescues_a_damaged_store(finder_home: Path) -> None:
    seeded(finder_home)
    store_path = finder_home / "finder.json"
    backup.make(store_path, reason="good state")
    store_path.write_bytes(b'{"records": {"1": {"rid": ')  # a damaged file
    code, _, err = invoke("list")
    assert code == 5
    assert "is damaged" in err and "`finder restore` lists backups" in err
    code, _, err = invoke("restore", "1", input="n\n")
    assert code == 1
    assert store_path.read_bytes() == b'{"records": {"1": {"rid": '
    code, _, err = invoke("restore", "1", input="y\n")
    assert code == 0, err
    code, out, _ = invoke("list", "--json")
    assert [row["name"] for row in orjson.loads(out)] == ["Dana Reyes"]


def test_restore_unknown_backup(finder_home: Path) -> None:
    code, _, err = invoke("restore", "3")
    assert code == 3
    assert err == "Error: no backup '3'; `finder restore` lists them\n"
    code, _, err = invoke("restore")
    assert code == 0
    assert err == f"No backups yet in {finder_home}/backups.\n"


# --- schema versions ------------------------------------------------------------------------


def test_older_store_is_migrated_once_with_a_backup(
    finder_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = seeded(finder_home)
    calls: list[int] = []

    def add_flag(data: dict[str, Any]) -> dict[str, Any]:
        calls.append(1)
        for doc in data.get("records", {}).values():
            doc["migrated"] = True
        return data

    monkeypatch.setattr(store_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(store_module.MIGRATIONS, SCHEMA_VERSION, add_flag)
    code, out, err = invoke("list", "--json")
    assert code == 0, err
    assert [row["name"] for row in orjson.loads(out)] == ["Dana Reyes"]
    assert calls == [1]
    data = orjson.loads((finder_home / "finder.json").read_bytes())
    assert data["meta"]["1"]["schema"] == SCHEMA_VERSION + 1
    assert [d["migrated"] for d in data["records"].values()] == [True]
    kept = backup.list_backups(finder_home / "finder.json")
    assert [b.reason for b in kept] == [f"before migrating from schema {SCHEMA_VERSION}"]
    assert kept[0].path.read_bytes() == before
    invoke("list")
    assert calls == [1]  # never again


def test_newer_store_is_refused_untouched(finder_home: Path) -> None:
    path = finder_home / "finder.json"
    data = orjson.dumps({"meta": {"1": {"schema": SCHEMA_VERSION + 1}}, "records": {}})
    path.write_bytes(data)
    path.chmod(0o600)
    expected = (
        f"Error: this data was written by a newer finder (schema {SCHEMA_VERSION + 1}, this "
        f"finder knows {SCHEMA_VERSION}); upgrade finder, nothing was changed\n"
    )
    for args in (["list"], ["add", "--name", "X Y", "--yes"], ["export"]):
        code, out, err = invoke(*args)
        assert (code, out, err) == (5, "", expected), args
    assert path.read_bytes() == data


# --- huge files: refused by size or content, quickly, with bounded memory -------------------


def sparse(path: Path, head: bytes, size: int) -> Path:
    with open(path, "wb") as fh:
        fh.write(head)
        fh.truncate(size)
    return path


def run_bounded(home: Path, *args: str, memory_mb: int = 1500) -> subprocess.CompletedProcess[str]:
    """finder in a child with capped address space and a time limit: no hang, no blow-up."""
    import resource

    def cap() -> None:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    env = {**os.environ, "FINDER_HOME": str(home), "FINDER_NO_FIRST_RUN": "1"}
    return subprocess.run(
        [sys.executable, "-m", "finder", *args], capture_output=True, text=True, env=env,
        cwd=ROOT, timeout=60, preexec_fn=cap,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("name", "head", "size", "message"),
    [
        ("movie.mp4", b"\x00\x00\x00\x18ftypmp42", 2 << 30,
         "this is a video, not a therapist list; nothing imported"),
        ("movie.csv", b"\x00\x00\x00\x18ftypmp42", 2 << 30,
         "this is a video, not a therapist list; nothing imported"),
        ("list.csv", b"name,city\nDana Reyes,Boston\n", 2 << 30,
         "file is 2.0 GB, over the "),
        ("page.html", b"<!DOCTYPE html><html><body><div class='profile'>Dana", 500 << 20,
         "file is 500.0 MB, over the "),
        ("list.json", b'[{"name": "Dana Reyes"}', 600 << 20, "file is 600.0 MB, over the "),
    ],
)  # fmt: skip
def test_huge_files_are_refused_quickly(
    tmp_path: Path, finder_home: Path, name: str, head: bytes, size: int, message: str
) -> None:
    path = sparse(tmp_path / name, head, size)
    started = time.monotonic()
    done = run_bounded(finder_home, "import", str(path))
    assert time.monotonic() - started < 30
    assert done.returncode == 4, done.stderr
    first = done.stderr.splitlines()[0]
    assert first.startswith(f"Error: {path}: {message}"), first
    assert "Traceback" not in done.stderr
