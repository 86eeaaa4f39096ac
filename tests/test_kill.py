"""SIGKILL a real finder process at many moments: the store is always the old state or the new.

Each run starts from a copy of the same data folder, kills the process after a
different delay, then reads the store file directly and through a fresh
`finder` command. A partial write (half a file, records without therapist ids,
answers pointing at therapists that do not exist) fails the test.
"""

from __future__ import annotations

import csv
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import orjson
import pytest
import stored
from stored import env_for, finder

ROOT = Path(__file__).resolve().parent.parent
LAST = ["Alvarez", "Brown", "Chen", "Diaz", "Evans", "Fischer", "Garcia", "Hughes", "Ito", "Jones"]
FIRST = ["Ana", "Ben", "Carla", "Dev", "Elena", "Femi", "Grace", "Hiro", "Ines", "Jon", "Kara"]


def npi_for(n: int) -> str:
    """A valid NPI (Luhn check digit with the 80840 prefix) for a made-up provider."""
    body = f"1{n:08d}"
    digits = [int(d) for d in "80840" + body]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return body + str((10 - total % 10) % 10)


def write_csv(path: Path, start: int, count: int) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["Name", "Credentials", "NPI", "Phone", "City", "State", "Zip", "Statement"])
        for n in range(start, start + count):
            out.writerow([
                f"{FIRST[n % len(FIRST)]} {LAST[(n // 7) % len(LAST)]}{n}", "LCSW", npi_for(n),
                f"617-555-{n % 10000:04d}", "Cambridge", "MA", "02139",
                "Trained in Interpersonal Psychotherapy; 12-16 sessions." if n % 5 == 0 else "",
            ])  # fmt: skip
    return path


def load(home: Path) -> dict[str, Any]:
    """Both parts: a half-written TinyDB file fails here, SQLite is read as committed."""
    return stored.load(home)


def consistent(data: dict[str, Any]) -> None:
    """What must hold in any committed state: every record linked, every reference resolves."""
    records = list(data.get("records", {}).values())
    tids = {r["tid"] for r in records}
    assert None not in tids
    for table in ("shortlist", "answers", "notes"):
        for doc in data.get(table, {}).values():
            assert doc["tid"] in tids, (table, doc)


def kill_after(home: Path, delay: float | None, args: list[str]) -> int | None:
    """Run finder and SIGKILL it after ``delay`` seconds (``None``: let it finish)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "finder", *args], env=env_for(home), cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    if delay is not None:
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
    return proc.wait(timeout=120)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A data folder with 1,000 imported therapists, a shortlist and answers; a second file
    whose first half are the same clinicians (same NPI: merged) and second half new ones."""
    base = tmp_path_factory.mktemp("kill")
    first = write_csv(base / "first.csv", 0, 1000)
    second = write_csv(base / "second.csv", 500, 1000)
    home = base / "seed"
    assert finder(home, "import", str(first)).returncode == 0
    script = (
        "from finder.storage.store import open_store\n"
        "from finder.pursue import answers, shortlist\n"
        "s = open_store()\n"
        "for tid in range(1, 1001, 50):\n"
        "    shortlist.add(s, 'me', tid)\n"
        "    answers.save_answer(s, 'me', tid, 'consultation', 'fee', 120.0)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], env=env_for(home), cwd=ROOT,
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return base, home, second


def test_sigkill_during_import_and_merge(seeded: tuple[Path, Path, Path]) -> None:
    base, seed, second = seeded
    old = load(seed)

    reference = base / "reference"
    shutil.copytree(seed, reference)
    started = time.monotonic()
    assert finder(reference, "import", str(second)).returncode == 0
    duration = time.monotonic() - started
    new = load(reference)
    consistent(new)
    new_links = sorted((r["rid"], r["tid"]) for r in new["records"].values())
    assert len(new_links) == len(old["records"]) + 1000

    outcomes = []
    # Nine kills spread over the run, then one run left to finish.
    delays: list[float | None] = [
        duration * f for f in (0.1, 0.3, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95)
    ]
    delays.append(None)
    for i, delay in enumerate(delays):
        home = base / f"run{i}"
        shutil.copytree(seed, home)
        kill_after(home, delay, ["import", str(second)])
        data = load(home)
        consistent(data)
        if data == old:
            outcomes.append("old")
        else:
            assert sorted((r["rid"], r["tid"]) for r in data["records"].values()) == new_links
            assert len(data["answers"]) == len(old["answers"])
            outcomes.append("new")
        # The next command works, and cleans up what the killed writer left behind.
        listed = finder(home, "list", "--json")
        assert listed.returncode == 0, listed.stderr
        assert len(orjson.loads(listed.stdout)) == len({t for _, t in sorted(
            (r["rid"], r["tid"]) for r in data["records"].values())})  # fmt: skip
        assert finder(home, "add", "--name", "After Kill", "--yes").returncode == 0
        assert [p.name for p in home.iterdir() if p.name.endswith(".tmp")] == []
        shutil.rmtree(home)
    assert outcomes[0] == "old", outcomes
    assert outcomes[-1] == "new", outcomes


def test_sigkill_during_a_consultation_loses_only_the_answer_being_saved(tmp_path: Path) -> None:
    """Answers are saved one by one as the user gives them; a kill loses at most the one in
    flight, never one already confirmed, and never leaves a half-written store."""
    home = tmp_path / "home"
    assert finder(home, "add", "--name", "Dana Reyes", "--yes").returncode == 0
    script = (
        "import sys\n"
        "from finder.storage.store import open_store\n"
        "from finder.pursue import answers\n"
        "s = open_store()\n"
        "for i in range(100000):\n"
        "    answers.save_answer(s, 'me', 1, 'consultation', f'q{i:05d}', f'answer {i}')\n"
        "    print(i, flush=True)\n"
    )
    for delay in (0.3, 0.45, 0.6, 0.8, 1.0, 1.3):
        proc = subprocess.Popen([sys.executable, "-c", script], env=env_for(home), cwd=ROOT,
                                stdout=subprocess.PIPE, text=True)  # fmt: skip
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate(timeout=30)
        confirmed = [int(line) for line in out.split()]
        data = load(home)
        saved = sorted((d["qid"], d["value"]) for d in data.get("answers", {}).values())
        qids = [q for q, _ in saved]
        # A prefix, without gaps or duplicates, holding every confirmed answer.
        assert qids == [f"q{i:05d}" for i in range(len(qids))]
        assert all(value == f"answer {int(q[1:])}" for q, value in saved)
        if confirmed:
            assert len(qids) in (confirmed[-1] + 1, confirmed[-1] + 2)
        # Start the next walk from scratch so each kill lands at a different point.
        (home / "finder.json").unlink()
        assert finder(home, "add", "--name", "Dana Reyes", "--yes").returncode == 0
