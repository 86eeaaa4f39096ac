"""Every action on a big store (issue 16): 100,000 and 20,000 imported records.

Builds stores by importing the benchmark generator's realistic rows (``_common.
therapist_row``, as bench_import.py) with the real `finder import`, plus a
10-record store, then times whole `finder` processes, median of several runs,
CPU (user + system of the child) beside wall:

- note, contact, shortlist add, one consultation answer (writes);
- show, compare of five, list (first page), search with a full profile, and with it
  language, session format, issue and age (reads);

each as a ratio against the same command on the 10-record store and against
`python -c "import click"`. Also: the peak memory of each command (ru_maxrss of
that child, from wait4), 20 concurrent writers (notes, contacts, shortlist
entries: nothing lost, no lock given up), and the import of the 100,000-row CSV
against a bare csv.DictReader pass (CPU). Prints ``uptime`` first.

    .venv/bin/python benchmarks/bench_storage.py [--sizes 100000,20000] [--repeat 5]
        [--only search,list] [--keep DIR]

``--only`` times only these commands (and skips the concurrent writers unless
``concurrency`` is named); ``--keep DIR`` keeps the built stores in DIR and reuses
them on the next run (their import is then not timed).
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson
from _common import PYTHON, compile_finder, write_csv

FINDER = str(Path(PYTHON).with_name("finder"))
#: The list filters, added to the full profile's search.
MORE = ["--language", "Spanish", "--session-format", "individual", "--issue", "depression",
        "--age", "adult"]  # fmt: skip
PROFILE = ["profile", "set", "--zip", "02115", "--radius", "25", "--insurance", "Aetna",
           "--budget", "150"]  # fmt: skip


def run(args: list[str], home: Path) -> tuple[float, float, float, int]:
    """(wall s, CPU s, peak MiB, exit code) of one whole process."""
    env = {**os.environ, "FINDER_HOME": str(home), "FINDER_NO_FIRST_RUN": "1"}
    start = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    assert proc.stderr is not None
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{' '.join(args[1:])} failed ({code}): {err[-1500:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, code


def median_run(args: list[str], home: Path, repeat: int) -> tuple[float, float, float]:
    walls, cpus, peak = [], [], 0.0
    for n in range(repeat):
        wall, cpu, mib, _ = run(args, home)
        walls.append(wall)
        cpus.append(cpu)
        peak = max(peak, mib)
        if n == 0 and wall > 20:
            break  # a slow command is measured once
    return statistics.median(walls), statistics.median(cpus), peak


def commands(tids: list[int]) -> dict[str, list[str]]:
    answer = Path(tempfile.gettempdir()) / "finder-bench-answer.json"
    answer.write_text('{"licensed": "yes"}', encoding="utf-8")
    one, five = str(tids[0]), [str(t) for t in tids[:5]]
    return {
        "note": ["note", one, "--note", "kind voice"],
        "contact": ["contact", one, "--via", "phone", "--outcome", "left-message"],
        "shortlist add": ["shortlist", "add", str(tids[1])],
        "answer": ["consult", one, "--answers", str(answer)],
        "show": ["show", one],
        "compare 5": ["compare", *five],
        "list": ["list"],
        "search": ["search", "--ipt", "listed"],
        "search more": ["search", "--ipt", "listed", *MORE],
    }


def make_store(base: Path, name: str, csv_path: Path) -> tuple[Path, float, float]:
    home = base / name
    shutil.rmtree(home, ignore_errors=True)
    wall, cpu, _, _ = run([FINDER, "import", str(csv_path)], home)
    run([FINDER, *PROFILE], home)
    return home, wall, cpu


def concurrent_writers(home: Path, workers: int = 20, each: int = 3) -> str:
    env = {**os.environ, "FINDER_HOME": str(home), "FINDER_NO_FIRST_RUN": "1"}
    # This run's notes only: a kept store holds the notes of earlier runs too.
    run = f"r{os.getpid()}-{time.time_ns()}"
    procs = []
    for w in range(workers):
        script = " && ".join(
            f"{FINDER} note {1 + (w * each + k) % 50} --note w{w}k{k}{run} && "
            f"{FINDER} contact {1 + w} --via email --outcome emailed && "
            f"{FINDER} shortlist add {100 + w * each + k}"
            for k in range(each)
        )
        procs.append(subprocess.Popen(["sh", "-c", script], env=env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))  # fmt: skip
    start = time.perf_counter()
    failed = sum(1 for p in procs if p.wait() != 0)
    wall = time.perf_counter() - start
    data = orjson.loads((home / "finder.json").read_bytes())
    notes = sum(1 for d in data.get("notes", {}).values() if str(d.get("text", "")).endswith(run))
    return (f"{workers} writers x {each * 3} writes in {wall:.1f} s, {failed} commands failed, "
            f"{notes} of {workers * each} notes kept")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000,20000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default="", help="commands to time, comma-separated")
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the stores in this folder")
    opts = parser.parse_args()
    only = {o.strip() for o in opts.only.split(",") if o.strip()}
    compile_finder()
    print("load:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    click_wall, click_cpu, _ = median_run([PYTHON, "-c", "import click"], Path("/tmp"), 9)
    print(f"baseline python -c 'import click': wall {click_wall * 1000:.0f} ms, "
          f"CPU {click_cpu * 1000:.0f} ms")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        base = opts.keep or Path(tmp)
        base.mkdir(parents=True, exist_ok=True)
        chosen = {k: a for k, a in commands(list(range(1, 11))).items() if not only or k in only}
        small_csv = base / "small.csv"
        write_csv(small_csv, 10)
        small, _, _ = make_store(base, "small", small_csv)
        small_times = {k: median_run([FINDER, *a], small, opts.repeat)
                       for k, a in chosen.items()}  # fmt: skip
        for size in (int(s) for s in opts.sizes.split(",")):
            big_csv = base / f"{size}.csv"
            if not big_csv.exists():
                write_csv(big_csv, size)
            start = time.process_time()
            with open(big_csv, newline="", encoding="utf-8") as fh:
                sum(1 for _ in csv.DictReader(fh))
            reader_cpu = time.process_time() - start
            home = base / f"s{size}"
            print(f"\n== {size:,} records ==")
            if opts.keep and (home / "finder.sqlite").exists():
                print(f"import: the store kept in {home} (not timed)")
            else:
                home, imp_wall, imp_cpu = make_store(base, f"s{size}", big_csv)
                print(f"import: wall {imp_wall:.1f} s, CPU {imp_cpu:.1f} s; csv.DictReader CPU "
                      f"{reader_cpu:.2f} s; CPU ratio {imp_cpu / reader_cpu:.1f}x (target 10x)")  # fmt: skip
            print(f"{'command':14} {'wall ms':>8} {'CPU ms':>7} {'vs 10 (wall/CPU)':>17} "
                  f"{'vs click (wall/CPU)':>20} {'peak MiB':>8}")  # fmt: skip
            for name, args in chosen.items():
                wall, cpu, peak = median_run([FINDER, *args], home, opts.repeat)
                s_wall, s_cpu, _ = small_times[name]
                print(f"{name:14} {wall * 1000:8.0f} {cpu * 1000:7.0f} "
                      f"{wall / s_wall:8.1f}/{cpu / s_cpu:<8.1f} "
                      f"{wall / click_wall:10.1f}/{cpu / click_cpu:<9.1f} {peak:8.0f}")  # fmt: skip
            if not only or "concurrency" in only:
                print("concurrency:", concurrent_writers(home))
            if not opts.keep:
                shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
