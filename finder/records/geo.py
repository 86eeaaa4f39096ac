"""Offline ZIP centroids and distances (the zipcodes package; nothing goes online)."""

from __future__ import annotations

import math
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from finder.ingest.parallel import Background

EARTH_RADIUS_MILES = 3958.8


@cache
def zip_point(zip_code: str) -> tuple[float, float] | None:
    """The centroid of a 5-digit US ZIP, or ``None`` when it is unknown.

    Memoised: a list of thousands of therapists names far fewer ZIPs.
    """
    code = zip_code[:5]
    if len(code) != 5 or not code.isdigit():
        return None
    return _centroids().get(code)


_POINTS: dict[str, tuple[float, float]] | None = None


def load(table: Background[dict[str, tuple[float, float]]] | None = None) -> None:
    """Have the ZIP table in memory now (before a second process starts, so both
    share it); from ``table`` when a background load of ``read_table`` was started."""
    global _POINTS
    if _POINTS is None:
        _POINTS = table.result() if table is not None else read_table()
    elif table is not None:
        table.cancel()


def _centroids() -> dict[str, tuple[float, float]]:
    if _POINTS is None:
        load()
    assert _POINTS is not None
    return _POINTS


def loaded() -> bool:
    return _POINTS is not None


def read_table() -> dict[str, tuple[float, float]]:
    """Every ZIP's centroid, read from the zipcodes table in one pass (about half a second).

    Loading the table is most of the cost of the first look-up anyway, and each
    later ``zipcodes.matching`` scans it again (about half a millisecond): an
    import naming 2,000 ZIPs would spend a second there.
    """
    import zipcodes

    points: dict[str, tuple[float, float]] = {}
    for row in zipcodes.list_all():
        code = row.get("zip_code")
        if not isinstance(code, str) or code in points:
            continue
        try:
            points[code] = (float(row["lat"]), float(row["long"]))
        except (KeyError, TypeError, ValueError):
            continue
    return points


@cache
def city_point(city: str, state: str) -> tuple[float, float] | None:
    """An approximate centre of a US city (the mean of its ZIP centroids), or ``None``.

    The boundary a compact place table can fill: callers show a distance from this
    point with "~", because a city is not an address.
    """
    key = (" ".join(city.casefold().replace(".", " ").split()), state.strip().upper())
    return _cities().get(key)


@cache
def _cities() -> dict[tuple[str, str], tuple[float, float]]:
    import zipcodes

    sums: dict[tuple[str, str], list[float]] = {}
    for row in zipcodes.list_all():
        city, state = row.get("city"), row.get("state")
        if (
            not isinstance(city, str)
            or not isinstance(state, str)
            or row.get("zip_code_type") == "UNIQUE"
        ):
            continue
        try:
            lat, lon = float(row["lat"]), float(row["long"])
        except (KeyError, TypeError, ValueError):
            continue
        key = (" ".join(city.casefold().replace(".", " ").split()), state.upper())
        acc = sums.setdefault(key, [0.0, 0.0, 0.0])
        acc[0] += lat
        acc[1] += lon
        acc[2] += 1
    return {k: (v[0] / v[2], v[1] / v[2]) for k, v in sums.items()}


def miles(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in miles (haversine)."""
    lat1, lon1 = map(math.radians, a)
    lat2, lon2 = map(math.radians, b)
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(h)))
