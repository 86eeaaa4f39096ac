"""Offline ZIP centroids and distances (the zipcodes package; nothing goes online)."""

from __future__ import annotations

import math
from functools import cache

EARTH_RADIUS_MILES = 3958.8


@cache
def _points() -> dict[str, tuple[float, float]]:
    # One pass over the package's table (~0.3 s) is cheaper than per-ZIP look-ups when an
    # import geocodes thousands of records.
    import zipcodes

    out: dict[str, tuple[float, float]] = {}
    for row in zipcodes.list_all():
        try:
            out[row["zip_code"]] = (float(row["lat"]), float(row["long"]))
        except (KeyError, TypeError, ValueError):
            continue
    return out


def zip_point(zip_code: str) -> tuple[float, float] | None:
    """The centroid of a 5-digit US ZIP, or ``None`` when it is unknown."""
    return _points().get(zip_code[:5])


def miles(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in miles (haversine)."""
    lat1, lon1 = map(math.radians, a)
    lat2, lon2 = map(math.radians, b)
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(
        (lon2 - lon1) / 2
    ) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(h)))
