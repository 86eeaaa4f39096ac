"""Offline ZIP centroids and distances (the zipcodes package; nothing goes online)."""

from __future__ import annotations

import math
from functools import cache

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


def load() -> None:
    """Read the ZIP table now (before a second process starts, so both share it)."""
    _centroids()


@cache
def _centroids() -> dict[str, tuple[float, float]]:
    """Every ZIP's centroid, read from the zipcodes table in one pass.

    Loading the table is most of the cost of the first look-up anyway, and each
    later ``zipcodes.matching`` scans it again (about a millisecond): an import
    naming 2,000 ZIPs would spend seconds there.
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


def miles(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in miles (haversine)."""
    lat1, lon1 = map(math.radians, a)
    lat2, lon2 = map(math.radians, b)
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(h)))
