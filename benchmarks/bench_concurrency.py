"""20 concurrent finder processes, mixed reads and writes, one store: nothing lost (issue 8).

Two phases against one data folder seeded with 500 imported therapists:

1. 20 worker processes, each running finder's core operations in a loop the way
   commands do (open the store, one transaction per action): save an answer,
   add a note, set a shortlist status, list therapists, show one. Each worker
   times how long it waited for the write lock and reports it.
2. 20 real `finder` commands at once, half `finder add`, half `finder list --json`.

Then it counts: every answer, note and added therapist must be in the store,
and therapist ids must be unique. Prints throughput and the longest lock wait.

    python benchmarks/bench_concurrency.py [--workers 20] [--ops 30]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import PYTHON, ROOT, therapist_row

WORKER = r"""
import json, sys, time
from pathlib import Path
from finder.storage import store as store_module
from finder.pursue import answers
from finder.pursue import shortlist
from finder.judge import therapists

name, ops, go = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
waits = []
real_acquire = store_module.Store._acquire_lock

def timed(self):
    start = time.perf_counter()
    real_acquire(self)
    waits.append(time.perf_counter() - start)

store_module.Store._acquire_lock = timed
while not go.exists():
    time.sleep(0.002)
started = time.perf_counter()
reads = writes = 0
for i in range(ops):
    store = store_module.open_store()
    tid = 1 + (i * 7 + len(name)) % 500
    kind = i % 5
    if kind == 0:
        answers.save_answer(store, "me", tid, "consultation", f"{name}-q{i}", i)
        writes += 1
    elif kind == 1:
        answers.add_note(store, "me", tid, "note", f"{name} note {i}")
        writes += 1
    elif kind == 2:
        shortlist.set_status(store, "me", tid, "contacted")
        writes += 1
    elif kind == 3:
        therapists.load_all(store)
        reads += 1
    else:
        therapists.get(store, tid)
        reads += 1
    store.close()
print(json.dumps({"reads": reads, "writes": writes, "waits": waits,
                  "seconds": time.perf_counter() - started}))
"""


def env_for(home: Path) -> dict[str, str]:
    return {**os.environ, "FINDER_HOME": str(home), "FINDER_NO_FIRST_RUN": "1",
            "PYTHONPATH": str(ROOT)}  # fmt: skip


def seed(home: Path, folder: Path) -> None:
    rng = random.Random(8)
    path = folder / "seed.csv"
    rows = [therapist_row(rng, i) for i in range(500)]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    subprocess.run([PYTHON, "-m", "finder", "import", str(path)], env=env_for(home),
                   cwd=ROOT, check=True, capture_output=True)  # fmt: skip


def phase_core(home: Path, folder: Path, workers: int, ops: int) -> tuple[dict[str, float], int]:
    go = folder / "go"
    procs = [
        subprocess.Popen([PYTHON, "-c", WORKER, f"w{n}", str(ops), str(go)], env=env_for(home),
                         cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for n in range(workers)
    ]  # fmt: skip
    time.sleep(2.0)  # every worker has imported finder and waits for the go-file
    started = time.perf_counter()
    go.touch()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        if proc.returncode != 0:
            sys.exit(f"worker failed: {err.strip().splitlines()[-1] if err.strip() else '?'}")
        results.append(json.loads(out))
    elapsed = time.perf_counter() - started
    waits = [w for r in results for w in r["waits"]]
    ops_done = sum(r["reads"] + r["writes"] for r in results)
    return {
        "elapsed": elapsed,
        "ops_per_s": ops_done / elapsed,
        "writes": sum(r["writes"] for r in results),
        "reads": sum(r["reads"] for r in results),
        "max_wait": max(waits),
        "p50_wait": sorted(waits)[len(waits) // 2],
    }, ops_done


def phase_cli(home: Path, workers: int) -> dict[str, float]:
    started = time.perf_counter()
    procs = []
    for n in range(workers):
        args = ["add", "--name", f"Concurrent Person{n}", "--yes"] if n % 2 == 0 else [
            "list", "--json"]  # fmt: skip
        procs.append(subprocess.Popen([PYTHON, "-m", "finder", *args], env=env_for(home),
                                      cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE))  # fmt: skip
    slowest = 0.0
    for proc in procs:
        _, err = proc.communicate(timeout=600)
        slowest = max(slowest, time.perf_counter() - started)
        if proc.returncode != 0:
            sys.exit(f"a finder command failed: {err.decode().strip()}")
    elapsed = time.perf_counter() - started
    return {"elapsed": elapsed, "commands_per_s": workers / elapsed, "slowest": slowest}


def check(home: Path, workers: int, ops: int) -> list[str]:
    data = json.loads((home / "finder.json").read_bytes())
    problems = []
    answers = {d["qid"] for d in data.get("answers", {}).values()}
    want_answers = {f"w{n}-q{i}" for n in range(workers) for i in range(ops) if i % 5 == 0}
    if not want_answers <= answers:
        problems.append(f"{len(want_answers - answers)} answers lost")
    notes = {d["text"] for d in data.get("notes", {}).values()}
    want_notes = {f"w{n} note {i}" for n in range(workers) for i in range(ops) if i % 5 == 1}
    if not want_notes <= notes:
        problems.append(f"{len(want_notes - notes)} notes lost")
    names = {d["fields"].get("name") for d in data["records"].values()}
    added = {f"Concurrent Person{n}" for n in range(0, workers, 2)}
    if not added <= names:
        problems.append(f"{len(added - names)} added therapists lost")
    tids = [d["tid"] for d in data["records"].values() if d["source"]["kind"] == "user"]
    if len(set(tids)) != len(tids):
        problems.append("two hand-added therapists share an id")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=20)
    parser.add_argument("--ops", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        home = folder / "home"
        seed(home, folder)
        core, _ = phase_core(home, folder, args.workers, args.ops)
        cli = phase_cli(home, args.workers)
        problems = check(home, args.workers, args.ops)
    print(
        f"core: {args.workers} processes x {args.ops} actions ({core['writes']:.0f} writes, "
        f"{core['reads']:.0f} reads) in {core['elapsed']:.1f}s = {core['ops_per_s']:.0f} "
        f"actions/s; lock wait median {core['p50_wait'] * 1000:.0f} ms, "
        f"longest {core['max_wait'] * 1000:.0f} ms"
    )
    print(
        f"cli: {args.workers} finder commands at once (add / list --json) in "
        f"{cli['elapsed']:.1f}s = {cli['commands_per_s']:.1f} commands/s; "
        f"slowest finished after {cli['slowest']:.1f}s"
    )
    if problems:
        print("LOST: " + "; ".join(problems))
        return 1
    print("nothing lost: every answer, note and added therapist is in the store; ids unique")
    return 0


if __name__ == "__main__":
    sys.exit(main())
