"""Offline ZIP and place centres, and distances (nothing goes online).

The table ships with finder (``data/reference/zip_points.csv`` and
``place_points.csv``, built by ``scripts/build_zip_places.py`` from the GeoNames
postal-code centroids, CC BY 4.0, and the USPS ZIP list). Both files are sorted,
so a look-up is a binary search in the file's bytes: nothing is parsed up front,
and an import that names a handful of ZIPs reads two megabytes and no more.

- ``zip_point("02139")``: the centroid of a 5-digit ZIP.
- ``place_point("Cambridge", "MA")``: an approximate centre of a city, the mean
  of its ZIPs' centroids, for records that name a city but no ZIP. Show a
  distance from it as approximate ("~").
- ``world_point("Madrid", "ES")``: the centre of a town outside the US, from
  ``world_places.csv`` (GeoNames towns of 5,000 people or more, built by
  ``scripts/build_world_places.py``), read only when a place outside the US is asked
  about. Also approximate ("~"). A town finder does not know, or a name two towns of
  one country share, is ``None``: the distance is unknown, never guessed.
- ``home_point(...)``: where a person's search measures from (their ZIP, else their
  town).
"""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable
from functools import cache, lru_cache

from finder.records.reference import shipped

EARTH_RADIUS_MILES = 3958.8


#: One line in this many bytes of a table is kept as a signpost (``_Table``).
_SIGNPOST_BYTES = 512


class _Table:
    """A sorted table's bytes, where its rows begin (after the comment and header lines),
    and a signpost line every ``_SIGNPOST_BYTES`` bytes with where it begins: a look-up
    bisects the signposts at C speed, then the few lines between two of them."""

    __slots__ = ("data", "lines", "starts")

    def __init__(self, data: bytes) -> None:
        self.data = data
        start = 0
        while data.startswith(b"#", start):
            start = data.index(b"\n", start) + 1
        start = data.index(b"\n", start) + 1  # past the header
        self.starts: list[int] = []
        self.lines: list[bytes] = []
        at = start
        while at < len(data):
            end = data.find(b"\n", at)
            end = len(data) if end < 0 else end
            self.starts.append(at)
            self.lines.append(data[at:end])
            at = data.find(b"\n", at + _SIGNPOST_BYTES) + 1 or len(data)

    def search(self, key: bytes) -> bytes | None:
        """The line that begins with ``key``; every line begins with its own key."""
        if not self.lines:
            return None
        # The signposts before and after the line: it sorts after every line before it.
        i = bisect_left(self.lines, key)
        lo = self.starts[i - 1] if i else self.starts[0]
        hi = self.starts[i] + len(self.lines[i]) + 1 if i < len(self.lines) else len(self.data)
        return _search(self.data, lo, min(hi, len(self.data)), key)


@cache
def _table(name: str) -> _Table:
    return _Table(shipped("finder.refdata", name).read_bytes())


def _search(data: bytes, lo: int, hi: int, key: bytes) -> bytes | None:
    """The line of ``data[lo:hi]`` (sorted by line) that begins with ``key``, by bisection."""
    while lo < hi:
        mid = (lo + hi) // 2
        begin = max(lo, data.rfind(b"\n", 0, mid) + 1)
        end = data.find(b"\n", begin)
        if end < 0:
            end = len(data)
        line = data[begin:end]
        head = line[: len(key)]
        if head == key:
            return line
        if head < key:
            lo = end + 1
        else:
            hi = begin
    return None


def load() -> None:
    """Have the tables in memory now (before a second process starts, so both share them)."""
    _table("zip_points.csv")


def loaded() -> bool:
    return _table.cache_info().currsize > 0


@cache
def zip_point(zip_code: str) -> tuple[float, float] | None:
    """The centroid of a 5-digit US ZIP (``"02139"``, ``"02139-4307"``), or ``None``."""
    code = zip_code[:5]
    if len(code) != 5 or not (code.isascii() and code.isdigit()):
        return None
    line = _table("zip_points.csv").search(code.encode("ascii") + b",")
    if line is None:
        return None
    _, lat, lon, _, _ = line.split(b",")
    return float(lat), float(lon)


_ABBREVIATIONS = (("ST ", "SAINT "), ("STE ", "SAINTE "), ("FT ", "FORT "), ("MT ", "MOUNT "))


def city_key(city: str) -> str:
    """A city name as the place table spells it: capitals, single spaces, no periods."""
    return re.sub(r"\s+", " ", city.replace(".", " ").replace("\u2019", "'")).strip().upper()


@cache
def place_point(city: str, state: str) -> tuple[float, float] | None:
    """An approximate centre of ``city`` in ``state`` (a 2-letter code), or ``None``.

    It is the mean of the centroids of the city's ZIPs, the delivery ZIPs when it has
    any, so it stands for the town, not for an address: callers show distances from
    it as approximate. "St. Paul", "Saint Paul" and "ST PAUL" are the same city.
    """
    name, code = city_key(city), state.strip().upper()
    if not name or len(code) != 2 or not code.isalpha():
        return None
    table = _table("place_points.csv")
    names = [name]
    for short, full in _ABBREVIATIONS:
        if name.startswith(short):
            names.append(full + name[len(short) :])
    for candidate in names:
        line = table.search(f"{code},{candidate},".encode())
        if line is not None:
            _, _, lat, lon, _ = line.split(b",")
            return float(lat), float(lon)
    return None


@lru_cache(maxsize=4096)
def world_key(town: str) -> str:
    """A town's name as ``world_places.csv`` spells it: capitals, no accents, hyphens or
    periods ("Málaga" and "MALAGA", "Saint-Étienne" and "Saint Etienne" are one)."""
    folded = unicodedata.normalize("NFKD", town)
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return city_key(folded.replace("-", " "))  # upper() makes "ß" "SS"


@cache
def world_point(town: str, country: str) -> tuple[float, float] | None:
    """The centre of ``town`` in ``country`` (an ISO code other than US), or ``None``."""
    name, code = world_key(town), country.strip().upper()
    if not name or len(code) != 2 or not code.isalpha() or code == "US":
        return None
    line = _table("world_places.csv").search(f"{code},{name},".encode())
    if line is None:
        return None
    _, _, lat, lon = line.split(b",")
    return float(lat), float(lon)


def town_point(
    city: str, country: str | None, state: str | None = None
) -> tuple[float, float] | None:
    """The approximate centre of a record's or a person's town: a US city needs its state;
    elsewhere the country is enough. ``None`` when finder does not know the town."""
    if not country or country.upper() == "US":
        return place_point(city, state) if state else None
    return world_point(city, country)


def home_point(
    zip_code: str | None, city: str | None, country: str | None, state: str | None
) -> tuple[tuple[float, float], bool] | None:
    """Where a person's search measures from, and whether it is a town's centre
    (approximate): their US ZIP, else their town; ``None`` when neither is known."""
    if zip_code:
        point = zip_point(zip_code)
        return (point, False) if point is not None else None
    if city:
        point = town_point(city, country, state)
        return (point, True) if point is not None else None
    return None


def miles(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in miles (haversine)."""
    return miles_from(a)(b)


def miles_from(origin: tuple[float, float]) -> Callable[[tuple[float, float]], float]:
    """``miles(origin, point)`` for many points: the origin's part is worked out once (the
    same arithmetic, so the same distances to the last digit)."""
    radians, sin, cos = math.radians, math.sin, math.cos
    lat1, lon1 = radians(origin[0]), radians(origin[1])
    cos1 = cos(lat1)

    def to(point: tuple[float, float]) -> float:
        lat2, lon2 = radians(point[0]), radians(point[1])
        h = sin((lat2 - lat1) / 2) ** 2 + cos1 * cos(lat2) * sin((lon2 - lon1) / 2) ** 2
        return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(h)))

    return to


#: Where distances are in miles (ISO codes; "UK" as people write it); kilometres elsewhere.
MILE_COUNTRIES = frozenset({"US", "GB", "UK", "LR", "MM"})
KM_PER_MILE = 1.609344


def distance_unit(country: str | None) -> str:
    """``"mi"`` or ``"km"``: how people in ``country`` measure a distance (no country: the
    US, finder's first home, so miles)."""
    return "mi" if not country or country.upper() in MILE_COUNTRIES else "km"


def distance_text(miles: float, country: str | None, *, approx: bool = False) -> str:
    """A distance as a person in ``country`` reads it: ``"12.4 mi"``, ``"~19.9 km"``."""
    unit = distance_unit(country)
    value = miles * KM_PER_MILE if unit == "km" else miles
    return f"{'~' if approx else ''}{value:.1f} {unit}"


def radius_text(miles: float, country: str | None) -> str:
    """A radius as the person gave it: ``"10 mi"``, ``"25 km"`` (without the conversion's
    rounding noise)."""
    unit = distance_unit(country)
    value = miles * KM_PER_MILE if unit == "km" else miles
    return f"{round(value, 2):g} {unit}"


def beyond_radius(miles: float, radius_miles: float, country: str | None) -> str:
    """``"12.5 km away, outside your 10 km"``: a distance past the person's radius."""
    return (
        f"{distance_text(miles, country)} away, outside your {radius_text(radius_miles, country)}"
    )


def to_miles(number: float, unit: str | None, country: str | None) -> float:
    """A distance typed as ``number`` and ``unit`` ("mi" or "km"; none: the unit of
    ``country``) in miles, as finder keeps it."""
    return number / KM_PER_MILE if (unit or distance_unit(country)) == "km" else number
