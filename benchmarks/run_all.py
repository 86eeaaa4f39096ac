"""Run every benchmark script in this folder and summarise (`make bench`).

Each script measures a ratio against a baseline taken in the same run and exits
non-zero when it misses its target; this runner reports all of them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    scripts = sorted(p for p in HERE.glob("bench_*.py"))
    missed = []
    for script in scripts:
        print(f"== {script.name}", flush=True)
        code = subprocess.run([sys.executable, script.name], cwd=HERE).returncode
        if code:
            missed.append(script.name)
    print(f"\n{len(scripts) - len(missed)} of {len(scripts)} benchmarks met their targets")
    if missed:
        print("missed: " + ", ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
