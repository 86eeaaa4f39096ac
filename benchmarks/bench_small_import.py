"""Small imports at start-up speed (issue 17).

Whole processes, median of 7 runs each, in the same run:
- ``finder import`` of a 500-row CSV: at most 5x ``python -c "import click"`` (wall);
  of a 5,000-row CSV: at most 10x.
- ``finder import`` of one saved ~1 MB Psychology Today results page: at most 1.5x a
  process that only builds a BeautifulSoup tree of the same file with lxml (wall). The
  page is the synthetic 2025-style page of bench_html.py, and the real saved Chicago page
  too when $FINDER_REALDATA has it.
Each import runs in a fresh data folder, by turns with its baseline (a slow spell of the
shared machine falls on both); the ratio is the median of the ratios of those pairs of
runs. CPU-time ratios and the load are printed too.
"""

from __future__ import annotations

import csv
import os
import random
import shutil
import sys
import tempfile
from pathlib import Path

from _common import PYTHON, ROOT, Pair, compile_finder, report, therapist_row, time_pair
from bench_html import synthetic_page

REPEAT = int(os.environ.get("BENCH_REPEAT", "7"))
FINDER = str(Path(PYTHON).with_name("finder"))
SOUP = "import sys; from bs4 import BeautifulSoup; BeautifulSoup(open(sys.argv[1], 'rb').read(), 'lxml')"


def write_list(path: Path, rows: int) -> None:
    rng = random.Random(rows)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(therapist_row(rng, 0)))
        writer.writeheader()
        for i in range(rows):
            writer.writerow(therapist_row(rng, i))


def finder_import(tmp: Path, path: Path, baseline: list[str]) -> Pair:
    home = tmp / "home"

    def fresh() -> None:
        shutil.rmtree(home, ignore_errors=True)

    env = {"FINDER_HOME": str(home), "FINDER_NO_FIRST_RUN": "1"}
    return time_pair(baseline, [FINDER, "import", str(path)], REPEAT, env=env, before=fresh)


def _line(label: str, pair: Pair, target: float, baseline: str) -> int:
    return report(
        label,
        pair.wall_ratio,
        target,
        f"finder import {pair.wall * 1000:.0f} ms wall / {pair.cpu * 1000:.0f} ms CPU, "
        f"{baseline} {pair.base_wall * 1000:.0f} ms wall / {pair.base_cpu * 1000:.0f} ms CPU "
        f"(CPU ratio {pair.cpu_ratio:.2f})",
    )


def main() -> int:
    compile_finder()
    print(f"load average at start: {os.getloadavg()}")
    print(f"each import runs by turns with its baseline, {REPEAT} times; ratios are the "
          "median of the ratios of those runs")  # fmt: skip
    missed = 0
    click = [PYTHON, "-c", "import click"]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for rows, target in ((500, 5.0), (5000, 10.0)):
            path = tmp / f"list_{rows}.csv"
            write_list(path, rows)
            pair = finder_import(tmp, path, click)
            missed += _line(f"import {rows} rows", pair, target, "import click")
        pages = [("synthetic ~1 MB results page", tmp / "results.html")]
        pages[0][1].write_text(synthetic_page(), encoding="utf-8")
        env = os.environ.get("FINDER_REALDATA")
        real_dir = Path(env) if env else ROOT.parent / "shared" / "realdata"
        real = real_dir / "psychology_today_html" / "pt2025_results_il_chicago_page_1.html"
        if real.is_file():
            pages.append(("real Chicago results page (read in place)", real))
        for label, page in pages:
            pair = finder_import(tmp, page, [PYTHON, "-c", SOUP, str(page)])
            missed += _line(label, pair, 1.5, "bs4+lxml tree only")
    print(f"load average at end: {os.getloadavg()}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
