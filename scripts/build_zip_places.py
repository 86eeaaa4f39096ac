"""Build finder's ZIP and place table (data/reference/zip_points.csv, place_points.csv).

Run from the repository root with the build-time tool installed:

    pip install 'zipcodes>=3'   # not a runtime dependency of finder
    python scripts/build_zip_places.py

Source and licences
-------------------
The rows come from the ``zipcodes`` package on PyPI (https://github.com/seanpianka/zipcodes,
MIT licence), which embeds a monthly-refreshed table of US ZIP codes assembled from:

- GeoNames (https://www.geonames.org/, the US postal-code export): the latitude and
  longitude of each ZIP. Licensed CC BY 4.0: finder credits GeoNames in
  data/reference/README.md, as the licence asks.
- USPS ZIP Locale Detail and the USPS city names (public domain): the ZIP list, each
  ZIP's preferred city and state, and the other city names USPS accepts for it.

What is kept: for every ZIP with known coordinates, its preferred city and state and its centroid rounded to four
decimals (about 11 m; the centroid itself is an approximation of an area several
miles wide). ZIPs with no coordinates in the source (military APO/FPO codes, some
unique ZIPs) are left out: finder says "unknown" rather than place them at 0, 0.

For "city, state" (records with no ZIP), place_points.csv holds the mean of the
centroids of the city's ZIPs: the delivery ZIPs (STANDARD) when it has any, otherwise
all its ZIPs. A city name USPS accepts for a ZIP (Brighton for 02135) counts for
that city too. This is an approximate centre, shown by finder with a "~".
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

from finder.records.geo import city_key

OUT = Path(__file__).resolve().parent.parent / "data" / "reference"
HEADER_NOTE = (
    "# built by scripts/build_zip_places.py from zipcodes {version} (GeoNames CC BY 4.0, USPS)"
)


def _point(row: dict) -> tuple[float, float] | None:
    try:
        lat, lon = float(row["lat"]), float(row["long"])
    except (KeyError, TypeError, ValueError):
        return None
    if lat == 0 and lon == 0:
        return None
    return round(lat, 4), round(lon, 4)


def main() -> int:
    try:
        from importlib.metadata import version

        import zipcodes
    except ImportError:
        print("needs the zipcodes package: pip install 'zipcodes>=3'", file=sys.stderr)
        return 1
    note = HEADER_NOTE.format(version=version("zipcodes"))
    zips: dict[str, tuple[float, float]] = {}
    named: dict[str, str] = {}  # ZIP -> "CITY,ST", the city USPS prefers for it
    # (city, state) -> {"STANDARD": [points], "ANY": [points]}
    cities: dict[tuple[str, str], dict[str, list[tuple[float, float]]]] = defaultdict(
        lambda: {"STANDARD": [], "ANY": []}
    )
    for row in zipcodes.list_all():
        code, point = row.get("zip_code"), _point(row)
        if not isinstance(code, str) or len(code) != 5 or point is None or code in zips:
            continue
        zips[code] = point
        named[code] = (
            f"{city_key(str(row.get('city') or ''))},{str(row.get('state') or '').upper()}"
        )
        names = [row.get("city") or "", *(row.get("acceptable_cities") or [])]
        for name in {city_key(n) for n in names if n and n.strip()}:
            if "," in name or '"' in name:
                raise SystemExit(f"{code}: a city name the table cannot hold: {name!r}")
            key = (name, str(row.get("state") or "").upper())
            cities[key]["ANY"].append(point)
            if row.get("zip_code_type") == "STANDARD":
                cities[key]["STANDARD"].append(point)
    with open(OUT / "zip_points.csv", "w", newline="", encoding="utf-8") as fh:
        fh.write(note + "\nzip,lat,lon,city,state\n")
        for code in sorted(zips):
            lat, lon = zips[code]
            fh.write(f"{code},{lat:.4f},{lon:.4f},{named[code]}\n")
    # Sorted as bytes of "STATE,CITY," (finder.records.geo looks rows up by bisection).
    lines = []
    for (city, state), found in cities.items():
        points = found["STANDARD"] or found["ANY"]
        lat = sum(p[0] for p in points) / len(points)
        lon = sum(p[1] for p in points) / len(points)
        lines.append(f"{state},{city},{lat:.4f},{lon:.4f},{len(points)}\n")
    lines.sort(key=lambda line: line.encode())
    with open(OUT / "place_points.csv", "w", newline="", encoding="utf-8") as fh:
        fh.write(note + "\nstate,city,lat,lon,zips\n")
        fh.writelines(lines)
    print(f"{len(zips):,} ZIPs, {len(cities):,} places -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
