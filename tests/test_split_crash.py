"""A kill between the two commits (SQLite committed, the user's file not yet in place):
the therapist ids a merge absorbed are replayed on the user's work at the next command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import stored
from stored import ROOT, env_for, finder

DIE_AT_PUBLISH = """
import os, signal, sys
from finder.storage import tinyfile
tinyfile.publish = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)
from finder.cli import cli
cli(["import", sys.argv[1]])
"""


def test_kill_between_commits_keeps_notes_with_their_therapist(tmp_path: Path) -> None:
    home = tmp_path / "home"
    first = tmp_path / "first.csv"
    first.write_text(
        "name,npi,phone,city,state\n"
        "Dana Reyes,1234567893,,Boston,MA\n"
        "Dana Reyes,,617-555-0101,Salem,MA\n",
        encoding="utf-8",
    )
    assert finder(home, "import", str(first)).returncode == 0
    tids = sorted({d["tid"] for d in stored.load(home)["records"].values()})
    assert tids == [1, 2]
    assert finder(home, "note", "2", "--note", "called back").returncode == 0
    assert finder(home, "shortlist", "add", "2").returncode == 0
    # One record with both the NPI and the phone: the two therapists are one (2 joins 1).
    second = tmp_path / "second.csv"
    second.write_text(
        "name,npi,phone,city,state\nDana Reyes,1234567893,617-555-0101,Salem,MA\n",
        encoding="utf-8",
    )
    killed = subprocess.run([sys.executable, "-c", DIE_AT_PUBLISH, str(second)], cwd=ROOT,
                            env=env_for(home), capture_output=True)  # fmt: skip
    assert killed.returncode == -9, killed.stderr
    data = stored.load(home)
    assert {d["tid"] for d in data["records"].values()} == {1}  # SQLite: committed
    assert [d["tid"] for d in data["notes"].values()] == [2]  # the user's file: not yet

    shown = finder(home, "note", "1")  # the next command replays the move
    assert shown.returncode == 0, shown.stderr
    assert "called back" in shown.stdout
    data = stored.load(home)
    assert [d["tid"] for d in data["notes"].values()] == [1]
    assert [d["tid"] for d in data["shortlist"].values()] == [1]
    assert [p.name for p in home.iterdir() if p.name.endswith(".tmp")] == []
