"""Two finder processes writing at once (two terminals) never lose an answer or a record."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from stored import load

ROOT = Path(__file__).resolve().parent.parent

# A worker saves answers one transaction at a time, each through a freshly opened store,
# as separate `finder` commands would. It starts when the go-file appears so the two
# workers really overlap.
WORKER = """
import os, sys, time
from pathlib import Path
from finder.storage.store import open_store
from finder.pursue import answers
name, count, go = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
while not go.exists():
    time.sleep(0.001)
for i in range(count):
    answers.save_answer(open_store(), "me", 1, "consultation", f"{name}-{i:03d}", i)
"""


def env_for(home: Path) -> dict[str, str]:
    return {**os.environ, "FINDER_HOME": str(home), "FINDER_NO_FIRST_RUN": "1",
            "FINDER_LOCK_TIMEOUT": "60"}  # fmt: skip


def finder(home: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "finder", *args], env=env_for(home), cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def stored(home: Path) -> dict[str, Any]:
    """Both parts: the user's work (TinyDB) and the imported records (SQLite)."""
    return load(home)


def test_two_processes_saving_answers_lose_nothing(tmp_path: Path) -> None:
    rounds, per_worker = 5, 40
    for round_ in range(rounds):
        home = tmp_path / f"round{round_}"
        go = tmp_path / f"go{round_}"
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", WORKER, name, str(per_worker), str(go)],
                env=env_for(home),
                cwd=ROOT,
                stderr=subprocess.PIPE,
                text=True,
            )
            for name in ("left", "right")
        ]
        time.sleep(0.5)  # both have imported finder and wait at the go-file
        go.touch()
        for proc in procs:
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
        qids = sorted(d["qid"] for d in stored(home)["answers"].values())
        expected = sorted(
            f"{side}-{i:03d}" for side in ("left", "right") for i in range(per_worker)
        )
        assert qids == expected, f"round {round_}: {len(qids)} of {len(expected)} answers kept"


def test_two_terminals_adding_and_importing_at_once(tmp_path: Path) -> None:
    """`finder add` in one terminal while `finder import` runs in another, several times."""
    home = tmp_path / "home"
    lists = []
    for n in range(3):
        path = tmp_path / f"list{n}.csv"
        # No city, ZIP or phone: nothing for the merge to join, so each row is one therapist.
        rows = [f"Person {n}-{i},MA" for i in range(200)]
        path.write_text("name,state\n" + "\n".join(rows) + "\n", encoding="utf-8")
        lists.append(path)
    added = 0
    for n, path in enumerate(lists):
        importer = finder(home, "import", str(path))
        adders = [finder(home, "add", "--name", f"Hand Added {n}-{k}", "--yes") for k in range(3)]
        for proc in [importer, *adders]:
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
        added += len(adders)
    records = list(stored(home)["records"].values())
    names = sorted(r["fields"]["name"] for r in records)
    assert len(names) == 3 * 200 + added
    assert len(set(names)) == len(names)
    # Every therapist got its own id: the id counter was never raced.
    tids = [r["tid"] for r in records]
    assert sorted(tids) == list(range(1, len(records) + 1))
