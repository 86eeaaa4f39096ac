"""Merging must grow about linearly: 200,000 records at most 2.3x the time of 100,000.

Generates clinicians spread over many cities and ZIPs; about a third of them
appear in two or three sources (an NPPES-like record with the NPI, a directory
profile with a phone and sometimes a misspelt name, a licence record). Times
``merge.make_plan`` (the whole linking, in process; best of a few runs) for
both sizes and prints the pair comparisons made against the all-pairs count.
Exits 1 when the time ratio is over 2.3 or comparisons are not far below all
pairs (at most 20 per record).

    .venv/bin/python benchmarks/bench_merge.py [--small 100000] [--repeat 2]
"""

from __future__ import annotations

import argparse
import random
import string
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from finder.judge import merge
from finder.records.normalize import npi_checksum_ok

LIMIT = 2.3
PER_RECORD = 20
STATES = ["MA", "NY", "IL", "CO", "TX", "WA", "CA", "PA", "GA", "FL"]


def _npi(rng: random.Random) -> str:
    while True:
        digits = "1" + "".join(rng.choices(string.digits, k=9))
        if npi_checksum_ok(digits):
            return digits


def _typo(rng: random.Random, word: str) -> str:
    i = rng.randrange(1, len(word))
    return word[:i] + rng.choice(string.ascii_lowercase) + word[i + 1 :]


def make_docs(count: int, seed: int = 4) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    syllables = ["an", "ber", "co", "da", "el", "fa", "gon", "hu", "ir", "jo", "ka", "lo", "mar",
                 "ne", "or", "pe", "qui", "ro", "sa", "tu", "vi", "wen", "ya", "zo"]  # fmt: skip
    family = sorted({"".join(rng.choices(syllables, k=3)).title() for _ in range(6000)})
    given = sorted({"".join(rng.choices(syllables, k=2)).title() for _ in range(400)})
    # A list twice as long covers twice the places at the same density (1,500 places per
    # 100,000 records): with a fixed pool, doubling the records would double every block
    # and measure namesake crowding, not how the merge scales.
    n_places = max(1500, count * 15 // 1000)
    places = [
        (f"City{c}", STATES[c % len(STATES)], f"{10000 + c * 7:05d}") for c in range(n_places)
    ]
    docs: list[dict[str, Any]] = []

    def add(fields: dict[str, Any]) -> None:
        n = len(docs) + 1
        docs.append({"_id": n, "rid": f"{n:016x}", "tid": None, "fields": fields})

    while len(docs) < count:
        first, last = rng.choice(given), rng.choice(family)
        city, state, zip_code = rng.choice(places)
        person = {"name": f"{first} {last}", "first_name": first, "last_name": last,
                  "city": city, "state": state, "zip": zip_code}  # fmt: skip
        copies = rng.choices([1, 2, 3], [66, 24, 10])[0]
        npi = _npi(rng)
        phone = f"{rng.randint(201, 989)}-555-{rng.randint(1000, 9999)}"
        lic = str(rng.randint(1000, 999999))
        for copy in range(copies):
            fields = dict(person)
            if copy == 0:
                fields["npi"] = npi
            elif copy == 1:
                fields["phones"] = [phone]
                if rng.random() < 0.3:
                    fields["last_name"] = _typo(rng, last)
                    fields["name"] = f"{first} {fields['last_name']}"
            else:
                fields.update(license_number=lic, license_state=state, license_type="LCSW")
            add(fields)
    return docs[:count]


def timed(docs: list[dict[str, Any]], repeat: int) -> tuple[float, merge.Plan]:
    best, plan = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        plan = merge.make_plan(docs)
        best = min(best, time.perf_counter() - start)
    assert plan is not None
    return best, plan


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    status = 0
    results = []
    for size in (args.small, args.small * 2):
        docs = make_docs(size)
        took, plan = timed(docs, args.repeat)
        all_pairs = size * (size - 1) // 2
        therapists = len(set(plan.tids.values()))
        print(f"{size} records -> {therapists} therapists in {took:.2f} s; "
              f"{plan.comparisons:,} comparisons ({plan.comparisons / size:.1f} per record; "
              f"all pairs would be {all_pairs:,}); {len(plan.review)} pairs to review")  # fmt: skip
        if plan.comparisons > PER_RECORD * size:
            print(f"  MISSED: more than {PER_RECORD} comparisons per record")
            status = 1
        results.append(took)
    ratio = results[1] / results[0]
    print(f"bench_merge: {args.small} records {results[0]:.2f} s, {args.small * 2} records "
          f"{results[1]:.2f} s; ratio {ratio:.2f} (target <= {LIMIT}) "
          f"{'OK' if ratio <= LIMIT else 'MISSED'}")  # fmt: skip
    return status or (0 if ratio <= LIMIT else 1)


if __name__ == "__main__":
    sys.exit(main())
