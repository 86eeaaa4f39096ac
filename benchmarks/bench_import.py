"""Import of a generated 100,000-row CSV vs a bare csv.DictReader pass (issue 16).

Target: at most 10x the DictReader pass in CPU time (the import's processes, user
and system), peak memory under 500 MB; wall time is shown beside it. Both are
measured in this run on the same file. The import is the real `finder import`
console script in a fresh data folder, started as its own process, so its time
includes starting Python and its peak RSS is its own. The machine's speed
drifts from one second to the next, so the baseline is the median of five
passes and the import the median of BENCH_REPEAT runs (default 3).
"""

from __future__ import annotations

import csv
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import PYTHON, compile_finder, report, write_csv

ROWS = int(os.environ.get("BENCH_ROWS", "100000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
FINDER = str(Path(PYTHON).with_name("finder"))


def dict_reader_pass(path: Path) -> tuple[float, float]:
    """(wall s, CPU s) of one pass."""
    start, cpu = time.perf_counter(), time.process_time()
    with open(path, newline="", encoding="utf-8") as fh:
        count = sum(1 for _ in csv.DictReader(fh))
    assert count == ROWS
    return time.perf_counter() - start, time.process_time() - cpu


#: Reading the rows into records (fields, IPT evidence, places) in one process, nothing
#: stored or merged: the part of an import no store can make cheaper.
READ_ONLY = """
import sys, time
from pathlib import Path
from finder.ingest import parallel
parallel._second_core = lambda: False  # one process: every row's CPU counted here
from finder.importers import delimited
from finder.importers.base import ParseContext
from finder.judge.enrich import enrich
from finder.records.models import Record
start = time.process_time()
for record in delimited.parse(Path(sys.argv[1]), ParseContext(warn=lambda m: None)):
    if isinstance(record, Record):
        record.derived = enrich(record.fields)
print(time.process_time() - start)
"""


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    compile_finder()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "therapists.csv"
        write_csv(path, ROWS)
        baselines: list[tuple[float, float]] = []
        imports: list[float] = []
        cpus: list[float] = []
        for run in range(REPEAT):
            baselines.extend(dict_reader_pass(path) for _ in range(2 if run else 3))
            home = Path(tmp) / "home"
            shutil.rmtree(home, ignore_errors=True)
            start, before = time.perf_counter(), children_cpu()
            proc = subprocess.run(
                [FINDER, "import", str(path)],
                env={**os.environ, "FINDER_HOME": str(home), "FINDER_NO_FIRST_RUN": "1"},
                capture_output=True, text=True,
            )  # fmt: skip
            imports.append(time.perf_counter() - start)
            cpus.append(children_cpu() - before)
            if proc.returncode != 0 or f"{ROWS} imported" not in proc.stderr:
                print(proc.stderr)
                return 1
        # ru_maxrss of the children is the largest any of them reached (KiB on Linux).
        peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        read_only = float(
            subprocess.run(
                [PYTHON, "-c", READ_ONLY, str(path)], capture_output=True, text=True, check=True
            ).stdout
        )
    base_wall = statistics.median(wall for wall, _ in baselines)
    base_cpu = statistics.median(cpu for _, cpu in baselines)
    elapsed, cpu = statistics.median(imports), statistics.median(cpus)
    code = report(
        "import (CPU)",
        cpu / base_cpu,
        10.0,
        f"{ROWS} rows: finder import {cpu:.2f} s CPU, {elapsed:.2f} s wall (wall runs: "
        f"{', '.join(f'{t:.2f}' for t in imports)}; wall ratio {elapsed / base_wall:.1f}), "
        f"csv.DictReader {base_cpu:.2f} s CPU, {base_wall:.2f} s wall",
    )
    print(
        f"reading the rows into records alone (one process, nothing stored): {read_only:.2f} s "
        f"CPU, {read_only / base_cpu:.1f}x the DictReader pass"
    )
    print(
        f"import peak memory: {peak_mib:.0f} MiB (target < 500 MB) "
        f"{'OK' if peak_mib * 1.048576 < 500 else 'MISSED'}"
    )
    return code or (0 if peak_mib * 1.048576 < 500 else 1)


if __name__ == "__main__":
    sys.exit(main())
