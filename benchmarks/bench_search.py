"""`finder search` on 20,000 therapists must cost at most 2x just loading the store (as one JSON document).

Writes a store of 20,000 generated therapists (one record each, with the
precomputed ``ipt`` and ``geo`` an import leaves, about 600 characters of
statement and realistic lists), then times, in the same run and as whole
processes (median of several):

- the floor: a Python process that only reads the store file with orjson;
- `finder search --near 02139 --radius 15 --ipt described`.

The first search fills the ZIP cache in the data folder (its time is printed
too); the median is over the runs after it. Exits 1 when the ratio is over 2.

    .venv/bin/python benchmarks/bench_search.py [--therapists 20000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import FIRST, LAST, ORIENTATIONS, PYTHON, bio, report, time_command

LIMIT = 2.0
#: What a clinician with described (or stronger) evidence says, as finder's rules read it.
IPT_SAID = "I am trained in Interpersonal Psychotherapy (IPT) for depression. "
ZIPS = ["02139", "02138", "02115", "02446", "02453", "01701", "02472", "10001", "60601",
        "80202", "78701", "98101", "94110", "19104", "30303", "33130"]  # fmt: skip
ISSUES = ["Depression", "Anxiety", "Trauma and PTSD", "Grief", "Pregnancy, Prenatal, Postpartum",
          "Eating Disorders", "Relationship Issues", "Bipolar Disorder", "Coping Skills"]  # fmt: skip


def make_store(path: Path, count: int, seed: int = 20) -> None:
    from finder.records import geo

    rng = random.Random(seed)
    points = {z: geo.zip_point(z) for z in ZIPS}
    records: dict[str, dict[str, object]] = {}
    for i in range(1, count + 1):
        zip_code = rng.choice(ZIPS)
        point = points[zip_code]
        assert point is not None
        level = rng.choices(["credential", "described", "listed", "none"], [1, 4, 20, 75])[0]
        first, last = rng.choice(FIRST), f"{rng.choice(LAST)}{i}"
        fields = {
            "name": f"{first} {last}", "first_name": first, "last_name": last,
            "credentials": [rng.choice(["LCSW", "LMFT", "PhD", "LPC"])],
            "phones": [f"617-555-{i % 10000:04d}"], "zip": zip_code, "state": "MA",
            "city": "Cambridge", "fee": float(rng.randint(80, 250)),
            "insurance": rng.sample(["Aetna", "Cigna", "BCBS PPO", "United", "Medicaid"], 2),
            "orientations": rng.sample(ORIENTATIONS, 4), "issues": rng.sample(ISSUES, 4),
            "telehealth": rng.choice([True, False, None]),
            "statement": (IPT_SAID if level in ("credential", "described") else "") + bio(rng, 600),
            "profile_url": f"https://example.org/t/{i}",
        }  # fmt: skip
        records[str(i)] = {
            "rid": f"{i:016x}", "tid": i, "key": str(i), "fields": fields, "extra": {},
            "warnings": [], "pinned": False,
            "source": {"path": "/bench/list.csv", "format": "csv", "locator": f"line {i + 1}",
                       "imported_at": "2024-01-01T00:00:00+00:00", "kind": "import"},
            "ipt": {"level": level, "field": "statement" if level != "none" else None,
                    "text": "trained in Interpersonal Psychotherapy" if level != "none" else None,
                    "supports": []},
            "geo": [point[0], point[1], "zip"],
        }  # fmt: skip
    data = {"records": records, "meta": {"1": {"schema": 1, "next_tid": count + 1}}}
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.write_bytes(orjson.dumps(data))
    path.chmod(0o600)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--therapists", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        store = home / "finder.json"
        make_store(store, args.therapists)
        env = {"FINDER_HOME": str(home), "FINDER_NO_FIRST_RUN": "1"}
        search = [PYTHON, "-m", "finder", "search", "--near", "02139", "--radius", "15",
                  "--ipt", "described"]  # fmt: skip
        # The floor reads the store as written here (one JSON document, as finder kept
        # it before its records moved to SQLite): timed before the first search, which
        # migrates it and leaves only the user's small file under that name.
        floor_code = f"import orjson; orjson.loads(open({str(store)!r}, 'rb').read())"
        floor = time_command([PYTHON, "-c", floor_code], repeat=args.repeat)
        size = store.stat().st_size / 1e6
        start = time.perf_counter()
        import subprocess

        first = subprocess.run(search, capture_output=True, env={**os.environ, **env}, check=True)
        cold = time.perf_counter() - start
        took = time_command(search, repeat=args.repeat, env=env)
        found = next((line for line in first.stderr.decode().splitlines() if "fit" in line), "?")
        print(f"store: {args.therapists} therapists, {size:.1f} MB; search said: {found}")
        print(f"first search (migrates the store, fills the ZIP cache): {cold * 1000:.0f} ms")
        details = f"load-only {floor * 1000:.0f} ms, search {took * 1000:.0f} ms"
        return report("bench_search", took / floor, LIMIT, details)


if __name__ == "__main__":
    sys.exit(main())
