"""Offline ZIP centroids and distances (the zipcodes package; nothing goes online)."""

from __future__ import annotations

import math
from functools import cache

EARTH_RADIUS_MILES = 3958.8


@cache
def zip_point(zip_code: str) -> tuple[float, float] | None:
    """The centroid of a 5-digit US ZIP, or ``None`` when it is unknown.

    Memoised: a list of thousands of therapists names far fewer ZIPs, and each
    look-up in the zipcodes package costs about half a millisecond.
    """
    import zipcodes

    code = zip_code[:5]
    if len(code) != 5 or not code.isdigit():
        return None
    try:
        rows = zipcodes.matching(code)
    except (ValueError, TypeError):
        return None
    for row in rows:
        try:
            return (float(row["lat"]), float(row["long"]))
        except (KeyError, TypeError, ValueError):
            continue
    return None


def miles(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in miles (haversine)."""
    lat1, lon1 = map(math.radians, a)
    lat2, lon2 = map(math.radians, b)
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(h)))
