"""Helpers shared by the benchmark scripts (not a test module)."""

from __future__ import annotations

import csv
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIRST = ["Ana", "Ben", "Carla", "Dev", "Elena", "Femi", "Grace", "Hiro", "Ines", "Jon", "Kara",
         "Luis", "Mei", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tara"]  # fmt: skip
LAST = ["Alvarez", "Brown", "Chen", "Diaz", "Evans", "Fischer", "Garcia", "Hughes", "Ito",
        "Jones", "Khan", "Lopez", "Miller", "Nguyen", "Okafor", "Patel", "Reyes", "Smith"]  # fmt: skip
CITIES = [("Boston", "MA", "02115"), ("Cambridge", "MA", "02139"), ("Chicago", "IL", "60601"),
          ("Denver", "CO", "80202"), ("Austin", "TX", "78701"), ("Seattle", "WA", "98101")]  # fmt: skip
ORIENTATIONS = ["CBT", "DBT", "Interpersonal", "Psychodynamic", "EMDR", "Family Systems",
                "Interpersonal Psychotherapy (IPT)", "Mindfulness-Based", "Narrative"]  # fmt: skip
WORDS = ["I", "help", "adults", "with", "depression", "anxiety", "grief", "and", "life", "transitions", "using", "warm", "collaborative", "evidence", "based", "care", "role", "disputes", "relationships", "trauma", "work"]  # fmt: skip


def bio(rng: random.Random, length: int = 300) -> str:
    out: list[str] = []
    while sum(len(w) + 1 for w in out) < length:
        out.append(rng.choice(WORDS))
    return " ".join(out)[:length]


_SYLLABLES = ("al", "ber", "cas", "dor", "el", "fen", "gar", "hal", "is", "jor", "kel", "lin",
              "mar", "nor", "ol", "per", "quin", "ros", "sal", "tor", "ul", "ver", "wes", "yan")  # fmt: skip


def surname(rng: random.Random) -> str:
    """~14,000 distinct family names, as a real list of thousands of clinicians has."""
    return "".join(rng.choice(_SYLLABLES) for _ in range(3)).capitalize()


_PLACES: list[tuple[str, str, str]] = []


def places() -> list[tuple[str, str, str]]:
    """2,000 real US (city, state, ZIP) triples from finder's own ZIP table."""
    if not _PLACES:
        table = ROOT / "data" / "reference" / "zip_points.csv"
        rows = [line.split(",") for line in table.read_text().splitlines()[2:]]
        rng = random.Random(11)
        _PLACES.extend((r[3].title(), r[4], r[0]) for r in rng.sample(rows, 2000))
    return _PLACES


def therapist_row(rng: random.Random, i: int) -> dict[str, str]:
    city, state, zip_code = rng.choice(places())
    first = rng.choice(FIRST) + rng.choice(["", "a", "e", "o", "i"])
    return {
        "Name": f"{first} {surname(rng)}, {rng.choice(['LCSW', 'LMFT', 'PhD', 'LPC'])}",
        "Phone": f"({rng.randint(201, 989)}) {rng.randint(200, 999)}-{rng.randint(1000, 9999)}",
        "City": city,
        "State": state,
        "Zip": zip_code,
        "Fee": f"${rng.randint(80, 250)}",
        "Insurance": ", ".join(rng.sample(["Aetna", "Cigna", "BCBS", "United", "Medicaid"], 2)),
        "Types of Therapy": ", ".join(rng.sample(ORIENTATIONS, 4)),
        "Bio": bio(rng),
        "Telehealth": rng.choice(["yes", "no", ""]),
        "Website": f"https://example.org/t/{i}",
    }


def time_command(args: Sequence[str], repeat: int = 5, env: dict[str, str] | None = None) -> float:
    """Median wall time of a whole process, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True, env={**os.environ, **(env or {})})
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def time_process(
    args: Sequence[str],
    repeat: int = 7,
    env: dict[str, str] | None = None,
    before: Callable[[], None] | None = None,
) -> tuple[float, float]:
    """Median wall and median CPU (user + system) seconds of a whole process.

    ``before`` runs ahead of each run, outside the timing (a fresh data folder).
    The process must exit 0; its stderr is shown when it does not.
    """
    walls: list[float] = []
    cpus: list[float] = []
    for _ in range(repeat):
        if before is not None:
            before()
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(args, capture_output=True, env={**os.environ, **(env or {})})
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(args)} failed: {proc.stderr.decode()[-2000:]}")
    return statistics.median(walls), statistics.median(cpus)


@dataclass(frozen=True)
class Pair:
    """A process timed against its baseline, run by turns (``time_pair``): medians of
    each, and the median of the ratios of the runs made one after the other."""

    wall: float
    cpu: float
    base_wall: float
    base_cpu: float
    wall_ratio: float
    cpu_ratio: float


def time_pair(
    baseline: Sequence[str],
    args: Sequence[str],
    repeat: int = 7,
    env: dict[str, str] | None = None,
    before: Callable[[], None] | None = None,
) -> Pair:
    """``args`` against ``baseline``, each run once in turn ``repeat`` times: a shared
    machine's slow spell falls on both, not on one of them (``before`` as in
    ``time_process``, ahead of each run of ``args``)."""
    runs: list[tuple[float, float, float, float]] = []
    for _ in range(repeat):
        base = time_process(baseline, 1)
        mine = time_process(args, 1, env=env, before=before)
        runs.append((*mine, *base))
    wall, cpu, base_wall, base_cpu = (statistics.median(r[i] for r in runs) for i in range(4))
    return Pair(
        wall, cpu, base_wall, base_cpu,
        statistics.median(r[0] / r[2] for r in runs),
        statistics.median(r[1] / r[3] for r in runs),
    )  # fmt: skip


def report(name: str, ratio: float, target: float, details: str) -> int:
    ok = ratio <= target
    print(f"{name}: {details}; ratio {ratio:.2f} (target <= {target}) {'OK' if ok else 'MISSED'}")
    return 0 if ok else 1


PYTHON = sys.executable


def compile_finder() -> None:
    """Compile finder's bytecode, as pip does when it installs a package (click's is).

    Without it a process started with PYTHONDONTWRITEBYTECODE compiles every module it
    imports, each run: that is not what a user's installed finder does."""
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(ROOT / "finder")], check=True)


def write_csv(path: Path, rows: int) -> None:
    """The generator's realistic rows (seed 7) as one CSV list."""
    rng = random.Random(7)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        first = therapist_row(rng, 0)
        writer = csv.DictWriter(fh, fieldnames=list(first))
        writer.writeheader()
        writer.writerow(first)
        for i in range(1, rows):
            writer.writerow(therapist_row(rng, i))
