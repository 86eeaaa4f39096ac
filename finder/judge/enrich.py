"""What finder works out once per record: its IPT evidence class and its coordinates."""

from __future__ import annotations

from typing import Any

from finder.judge import ipt
from finder.records import geo


def enrich(fields: dict[str, Any]) -> dict[str, Any]:
    """What finder works out once per record at import: IPT evidence and coordinates."""
    extra: dict[str, Any] = {"ipt": ipt.assess(fields).to_dict()}
    if fields.get("lat") is None and fields.get("zip"):
        point = geo.zip_point(fields["zip"])
        if point is not None:
            extra["geo"] = [point[0], point[1], "zip"]
    elif fields.get("lat") is not None and fields.get("lon") is not None:
        extra["geo"] = [fields["lat"], fields["lon"], "source"]
    if "geo" not in extra and fields.get("city"):
        # A US city needs its state; a town elsewhere its country. Approximate: shown "~".
        point = geo.town_point(fields["city"], fields.get("country"), fields.get("state"))
        if point is not None:
            extra["geo"] = [point[0], point[1], "city"]
    return extra


class Enrichment:
    """``enrich`` for the records of one import.

    Importers that make records in two processes call ``enrich`` there
    (``ParseContext.derive``), after ``prepare`` has the ZIP table in memory (a
    couple of megabytes, read in a millisecond) so both processes share it.
    """

    def __init__(self, *, active: bool) -> None:
        self.active = active

    def prepare(self) -> None:
        """Have the ZIP table in memory (before a second process starts, so both share it)."""
        geo.load()

    def derive(self, fields: dict[str, Any]) -> dict[str, Any]:
        return enrich(fields)

    def close(self) -> None:
        pass
