"""`finder --help` starts in at most 2x the time of `python -c "import click"` (issue 2)."""

from __future__ import annotations

import sys

from _common import PYTHON, compile_finder, report, time_command


def main() -> int:
    compile_finder()
    baseline = time_command([PYTHON, "-c", "import click"], repeat=9)
    finder = time_command([PYTHON, "-m", "finder", "--help"], repeat=9)
    return report(
        "startup",
        finder / baseline,
        2.0,
        f"finder --help {finder * 1000:.0f} ms, import click {baseline * 1000:.0f} ms",
    )


if __name__ == "__main__":
    sys.exit(main())
