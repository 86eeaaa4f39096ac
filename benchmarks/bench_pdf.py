"""Importing a 1,600-page printed directory must cost at most 3x `pdftotext -layout`.

The baseline is poppler's ``pdftotext -layout`` over the whole file (from the
poppler-utils package; ``.ci/run`` installs it), taken in the same run. finder's
import runs in a fresh subprocess: it scans every page for the behavioural-health
headings and reads those sections with word positions (about 80 pages). CPU time
and wall time are compared as ratios; peak memory (max RSS) must stay under 300 MB.
Reads the real directory in place through FINDER_REALDATA; skips (exit 0) when the
file or pdftotext is absent.

    FINDER_REALDATA=/path/to/realdata .venv/bin/python benchmarks/bench_pdf.py
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RATIO = 3.0
MEMORY_MB = 300
FILE = "pdf_directories/uhc_ny_essentialplan_bronx_2025.pdf"
ROOT = Path(__file__).resolve().parent.parent

_CHILD = """
import resource, sys
from pathlib import Path
from finder.importers import pdf
from finder.importers.base import ParseContext
n = sum(1 for _ in pdf.parse(Path(sys.argv[1]), ParseContext()))
print(n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _timed(cmd: list[str]) -> tuple[float, float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, out


def main() -> int:
    folder = Path(os.environ.get("FINDER_REALDATA") or ROOT.parent / "shared" / "realdata")
    path = folder / FILE
    if not path.is_file():
        print(f"skipped: {FILE} not found (set FINDER_REALDATA)")
        return 0
    if shutil.which("pdftotext") is None:
        print("skipped: pdftotext not found (install poppler-utils; .ci/run does)")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        base_cpu, base_wall, _ = _timed(["pdftotext", "-layout", str(path), f"{tmp}/out.txt"])
    cpu, wall, out = _timed([sys.executable, "-c", _CHILD, str(path)])
    records, rss_kb = (int(x) for x in out.split())
    rss_mb = rss_kb / 1024
    cpu_ratio, wall_ratio = cpu / base_cpu, wall / base_wall
    print(f"pdftotext -layout: {base_cpu:.2f}s CPU, {base_wall:.2f}s wall (1,600 pages)")
    print(f"finder pdf import: {cpu:.2f}s CPU, {wall:.2f}s wall, {records} records, "
          f"peak {rss_mb:.0f} MB")  # fmt: skip
    print(f"ratios: CPU {cpu_ratio:.2f}x, wall {wall_ratio:.2f}x (target <= {RATIO}x); "
          f"memory {rss_mb:.0f} MB (target < {MEMORY_MB} MB)")  # fmt: skip
    met = cpu_ratio <= RATIO and wall_ratio <= RATIO and rss_mb < MEMORY_MB
    print("met" if met else "MISSED")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
