"""Import of a generated 100,000-row CSV vs a bare csv.DictReader pass (issue 2).

Target: at most 10x the DictReader time, peak memory under 1 GiB. Both are
measured in this run on the same file; the import runs as a real `finder
import` process so its peak RSS is its own.
"""

from __future__ import annotations

import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import PYTHON, report, therapist_row

ROWS = int(os.environ.get("BENCH_ROWS", "100000"))


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "therapists.csv"
        rng = random.Random(7)
        with open(path, "w", newline="", encoding="utf-8") as fh:
            first = therapist_row(rng, 0)
            writer = csv.DictWriter(fh, fieldnames=list(first))
            writer.writeheader()
            writer.writerow(first)
            for i in range(1, ROWS):
                writer.writerow(therapist_row(rng, i))
        start = time.perf_counter()
        with open(path, newline="", encoding="utf-8") as fh:
            count = sum(1 for _ in csv.DictReader(fh))
        baseline = time.perf_counter() - start
        assert count == ROWS
        home = Path(tmp) / "home"
        start = time.perf_counter()
        proc = subprocess.run(
            [PYTHON, "-c", "import resource, sys; from finder.cli import main\n"
             "try:\n    main(sys.argv[1:])\nexcept SystemExit as e:\n    code = e.code\n"
             "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
             "sys.exit(code)", "import", str(path)],
            env={**os.environ, "FINDER_HOME": str(home), "FINDER_NO_FIRST_RUN": "1"},
            capture_output=True, text=True,
        )  # fmt: skip
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            print(proc.stderr)
            return 1
        peak_kib = int(proc.stderr.strip().splitlines()[-1])
    code = report(
        "import",
        elapsed / baseline,
        10.0,
        f"{ROWS} rows: finder import {elapsed:.2f} s, csv.DictReader {baseline:.2f} s",
    )
    peak_mib = peak_kib / 1024
    print(
        f"import peak memory: {peak_mib:.0f} MiB (target < 1024 MiB) {'OK' if peak_mib < 1024 else 'MISSED'}"
    )
    return code or (0 if peak_mib < 1024 else 1)


if __name__ == "__main__":
    sys.exit(main())
