"""Hostile files in batches beside good ones, for longer than the suite can afford.

The suite's ``tests/test_fuzz_batches.py`` runs 40 derandomised cases per importer; this
script runs many more (``--examples``, default 400 per importer), seeded from the
project's fixtures and, when ``FINDER_REALDATA`` names the folder of real files, from
those real files too (read in place, never copied). Every case imports one mutant beside
a good CSV in one ``run_import`` and counts: internal errors (any exception leaving the
pipeline), hangs (over 30 s), good files not imported, refusals longer than one line.
It prints the counts and the cases per second, and exits non-zero on any failure.

    .venv/bin/python benchmarks/fuzz_batches.py --examples 1000
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]


def real_seeds() -> dict[str, list[tuple[str, bytes]]]:
    from finder import importers
    from finder.errors import FinderError

    folder = Path(os.environ.get("FINDER_REALDATA", ROOT.parent / "shared" / "realdata"))
    found: dict[str, list[tuple[str, bytes]]] = {}
    if not folder.is_dir():
        return found
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        try:
            imp = importers.detect(path)
        except (FinderError, OSError):
            continue
        found.setdefault(imp.name, []).append((path.suffix, path.read_bytes()))
    return found


def run_importer(
    name: str, seeds: list[tuple[str, bytes]], examples: int, failures: list[str]
) -> int:
    """Run ``examples`` hostile cases seeded by ``seeds``; failures are appended, not raised."""
    from hypothesis import HealthCheck, given, settings
    from test_fuzz_batches import hostile, import_beside_good

    folder = Path(tempfile.mkdtemp(prefix=f"fuzz-{name}-"))
    cases = 0

    @settings(
        max_examples=examples, derandomize=True, deadline=None, database=None,
        suppress_health_check=list(HealthCheck),
    )  # fmt: skip
    @given(case=hostile(seeds))
    def check(case: tuple[str, bytes]) -> None:
        nonlocal cases
        cases += 1
        try:
            import_beside_good(folder, *case)
        except Exception as err:  # counted, not raised: the run goes on
            failures.append(f"{name}: {type(err).__name__}: {str(err)[:200]}")
            traceback.print_exc(limit=3)

    check()
    return cases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=400, help="cases per importer")
    args = parser.parse_args()

    from test_fuzz_importers import SEEDS

    seeds = {name: list(found) for name, found in SEEDS.items()}
    for name, found in real_seeds().items():
        seeds.setdefault(name, []).extend(found)
    failures: list[str] = []
    cases = 0
    started = time.perf_counter()
    cpu = time.process_time()
    for name in sorted(seeds):
        cases += run_importer(name, seeds[name], args.examples, failures)
        print(f"{name:>18}: {len(seeds[name])} seed(s), {len(failures)} failure(s) so far")
    wall = time.perf_counter() - started
    print(f"{cases} cases in {wall:.0f}s wall, {time.process_time() - cpu:.0f}s CPU "
          f"({cases / wall:.1f} cases/s); {len(failures)} failure(s)")  # fmt: skip
    for line in failures[:20]:
        print("  " + line)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
