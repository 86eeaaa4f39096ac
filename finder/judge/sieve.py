"""Search's first pass: who a search can judge without reading their records.

`finder search` on 100,000 records cannot read every record: most therapists fail two
filters and are never shown or named. The store keeps what search reads of each record
in narrow columns, read by the same readers as the judgement (``finder.records.facts``);
SQLite folds them per therapist and drops those that certainly fail two filters
(``finder.storage.records_search``). Here each therapist it keeps is judged from those
folds where they settle the answer: one who fails exactly one filter is named as left
out, with the detail the full judgement would give. Everyone else is read whole and
judged by ``search`` as before: who may fit, whose records disagree on a fact that
decides (two fees, two places, two names), whose record could not be kept in columns,
and whoever has a record of the user's own.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Any

import orjson

from finder.records import geo
from finder.records.normalize.money import fee_range
from finder.records.normalize.plans import matching_plan
from finder.storage.records_search import FILTERS, MATES, TERMS, Sieve
from finder.storage.store import Doc, Store

#: The filters whose facts the store keeps (criterion name -> flag column, if a flag).
_FLAGS = {"sliding scale": "sliding", "telehealth": "tele", "in person": "in_person",
          "accepting": "accepting"}  # fmt: skip
_AT = {name: i for i, name in enumerate(MATES)}


@dataclass(frozen=True)
class Named:
    """Someone a search left out: all that is said of them is their name."""

    tid: int
    name: str


@dataclass(frozen=True)
class Asked:
    """What a search asks, as the first pass needs it."""

    levels: frozenset[str] | None
    origin: tuple[float, float] | None
    from_town: bool  # distances are from the person's town (approximate)
    limit: float | None  # the radius, when distance is a filter
    criteria: tuple[tuple[str, str], ...]  # (name, unknown text) of the filters asked
    strict: bool
    max_fee: float | None
    insurance: tuple[str, ...]
    country: str | None
    # Of the filters kept as texts (``records_search.TERMS``), those the columns can
    # judge, with the words that fit (each as the text holds it).
    words: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass
class Sifted:
    """Who to read whole, who one filter alone left out (filter -> named, detail), and
    how many at the IPT levels asked were left out unread (two filters or more)."""

    read: list[int] = field(default_factory=list)
    left_out: dict[str, list[tuple[Named, str]]] = field(default_factory=dict)
    unread: int = 0


def box(origin: tuple[float, float], radius: float) -> tuple[float, float, float, float] | None:
    """(lat lo, lat hi, lon lo, lon hi) holding every point within ``radius`` miles of
    ``origin`` (with room for rounding); ``None`` near a pole or for half the globe."""
    reach = radius / geo.EARTH_RADIUS_MILES  # radians of the great circle
    lat, lon = origin
    dlat = math.degrees(reach) * 1.001 + 1e-6
    if reach >= 1.0 or abs(lat) + dlat >= 89.0:
        return None
    across = math.sin(reach) / math.cos(math.radians(lat))
    dlon = math.degrees(math.asin(min(1.0, across))) * 1.001 + 1e-6
    if lon - dlon < -180.0 or lon + dlon > 180.0:  # across the date line: no bound
        return (lat - dlat, lat + dlat, -1000.0, 1000.0)
    return (lat - dlat, lat + dlat, lon - dlon, lon + dlon)


@lru_cache(maxsize=4096)
def _plan_fits(wanted: tuple[str, ...], plan: str) -> bool:
    return matching_plan(wanted, [plan]) is not None


def _fitting_lists(lists: list[str], wanted: tuple[str, ...]) -> tuple[str, ...]:
    """The stored plan lists with a plan that names the person's (the one plan matcher:
    a list fits when one of its plans does)."""
    return tuple(t for t in lists if any(_plan_fits(wanted, p) for p in orjson.loads(t)))


def read(store: Store, tids: list[int]) -> Iterator[tuple[int, list[tuple[int, Doc]]]]:
    """(therapist id, its records) of these therapists, a thousand at a time: a search
    holds only those it keeps. Hits and the left-out are sorted on a total order (ending
    in the therapist id), so the order they are read in changes nothing shown."""
    records = store.records
    for start in range(0, len(tids), 1000):
        found: dict[int, list[tuple[int, Doc]]] = {}
        for doc in records.of_therapists(tids[start : start + 1000]):
            tid = doc.get("tid")
            if tid is not None:
                found.setdefault(tid, []).append((doc["_id"], doc))
        yield from found.items()


def read_all(store: Store, levels: set[str] | None) -> Iterator[tuple[int, list[tuple[int, Doc]]]]:
    """``read`` of every therapist (with a record at one of these IPT ``levels``)."""
    records = store.records
    return read(store, records.therapist_ids() if levels is None else records.tids_with_ipt(levels))


def sift(store: Store, asked: Asked) -> Sifted:
    """Who to read whole and who is left out, from the store's columns."""
    names = [name for name, _ in asked.criteria]
    table = store.records
    own = table.own_tids()
    radius = asked.origin is not None and asked.limit is not None
    held = {n for n in FILTERS if n not in TERMS or n in dict(asked.words)}
    sieve = Sieve(
        levels=tuple(sorted(asked.levels)) if asked.levels is not None else None,
        radius=radius,
        box=box(asked.origin, asked.limit) if asked.origin and asked.limit is not None else None,
        filters=tuple(name for name in names if name in held),
        fee=asked.max_fee,
        plans=_fitting_lists(table.index.plan_lists(), asked.insurance)
        if "insurance" in names
        else (),
        country=asked.country,
        strict=asked.strict,
        words=asked.words,
        own=tuple(sorted(own)),
    )
    solo, folded, several, at_levels = table.index.sieve(sieve)
    out = Sifted(read=sorted(own))
    if not set(names) <= held:
        # A filter the columns do not hold: whoever may pass is read whole.
        out.read += sorted({row[0] for row in solo if row[0] not in own and row[0] not in several}
                           | {row[0] for row in folded if row[0] not in own})  # fmt: skip
    else:
        skip = own | several
        _solo(solo, skip, sieve, asked, out)
        for row in folded:
            if row[0] in own:
                continue
            misses = None if row[_AT["odd"]] else _misses(row, asked)
            _place(row[0], misses, partial(_name, row), out)
    named = sum(len(people) for people in out.left_out.values())
    out.unread = at_levels - (len(out.read) - len(own)) - named
    return out


def _place(
    tid: int, misses: list[tuple[str, str]] | None, name: Callable[[], Named | None], out: Sifted
) -> None:
    """Read ``tid`` whole (``misses`` unsettled or none), name it left out (one), or
    drop it (two)."""
    if not misses:
        out.read.append(tid)
    elif len(misses) == 1:
        named = name()
        if named is None:
            out.read.append(tid)
        else:
            out.left_out.setdefault(misses[0][0], []).append((named, misses[0][1]))


def _solo(rows: list[Any], skip: set[int], sieve: Sieve, asked: Asked, out: Sifted) -> None:
    """The therapists with one imported record, judged from its ``SOLO`` row."""
    country, from_town = asked.country, asked.from_town
    limit = asked.limit if asked.limit is not None else math.inf
    measure = None
    if asked.origin is not None and asked.limit is not None:
        measure = geo.miles_from(asked.origin)
    unknown = dict(asked.criteria)
    read, left = out.read, out.left_out
    far_ones: list[tuple[Named, str]] = []
    beyond: dict[tuple[float, float, int], str | None] = {}  # a point's distance, if too far
    for tid, odd, which, lat, lon, town, name, fee, fee_high in rows:
        if tid in skip:
            continue
        if odd:
            read.append(tid)
            continue
        if measure is not None:
            if lat is None:
                far = "location unknown" if asked.strict else None
            else:
                try:
                    far = beyond[lat, lon, town]
                except KeyError:
                    miles = measure((lat, lon))
                    far = beyond[lat, lon, town] = (
                        geo.distance_text(miles, country, approx=bool(town) or from_town)
                        if miles > limit
                        else None
                    )
            if far is not None:
                if not which:
                    far_ones.append(
                        (Named(tid, name if name is not None else f"therapist {tid}"), far)
                    )
                continue
        if not which:
            read.append(tid)
            continue
        failed = sieve.filters[abs(which) - 1]
        named = Named(tid, name if name is not None else f"therapist {tid}")
        if which < 0:
            left.setdefault("strict", []).append((named, unknown[failed]))
        else:
            detail = fee_range(fee, fee_high) if failed == "fee" else ""
            left.setdefault(failed, []).append((named, detail))
    if far_ones:
        left.setdefault("distance", []).extend(far_ones)


def _name(row: tuple[Any, ...]) -> Named | None:
    tid = row[0]
    if not row[_AT["n_name"]]:
        return Named(tid, f"therapist {tid}")
    if row[_AT["name"]] != row[_AT["name2"]]:
        return None  # the records name them differently: the most trusted one decides
    return Named(tid, row[_AT["name"]])


def _agree(row: tuple[Any, ...], column: str) -> bool:
    """Every record that states ``column`` states the same."""
    return bool(row[_AT[column]] == row[_AT[column + "2"]])


def _misses(row: tuple[Any, ...], asked: Asked) -> list[tuple[str, str]] | None:
    """The filters ``row``'s therapist fails, with the detail a search names them with;
    ``None`` when the columns do not settle it."""
    misses: list[tuple[str, str]] = []
    if asked.origin is not None and asked.limit is not None:
        if not row[_AT["n_lat"]]:
            if asked.strict:
                misses.append(("distance", "location unknown"))
        elif not (_agree(row, "lat") and _agree(row, "lon") and _agree(row, "town")):
            return None  # two places: the first record with one decides
        else:
            miles = geo.miles(asked.origin, (row[_AT["lat"]], row[_AT["lon"]]))
            if miles > asked.limit:
                approx = bool(row[_AT["town"]]) or asked.from_town
                misses.append(("distance", geo.distance_text(miles, asked.country, approx=approx)))
    for name, unknown_text in asked.criteria:
        verdict = _verdict(row, name, asked)
        if verdict is None:
            return None
        if verdict is False:
            detail = ""
            if name == "fee":
                same_high = row[_AT["n_fee_high"]] in (0, row[_AT["n_fee"]])
                if not (_agree(row, "fee") and _agree(row, "fee_high") and same_high):
                    return None  # the most trusted source's fee is the one named
                detail = fee_range(row[_AT["fee"]], row[_AT["fee_high"]])
            misses.append((name, detail))
        elif verdict == "unknown" and asked.strict:
            misses.append(("strict", unknown_text))
        if len(misses) > 1:
            break
    return misses


def _verdict(row: tuple[Any, ...], name: str, asked: Asked) -> bool | str | None:
    """True (fits), False (fails), "unknown", or ``None`` when the records disagree."""
    if name == "fee":
        if not row[_AT["n_fee"]]:
            return "unknown"
        return bool(row[_AT["fee"]] <= asked.max_fee)
    if name == "insurance":
        if row[_AT["n_plans"]]:
            return bool(row[_AT["fit"]])
        if not row[_AT["n_takes"]]:
            return "unknown"
        if not _agree(row, "takes"):
            return None
        return "unknown" if row[_AT["takes"]] else False
    if name == "country":
        if not row[_AT["n_country"]]:
            return "unknown"
        return bool(row[_AT["in_country"]])
    if name in TERMS:
        column = TERMS[name][0]
        return bool(row[_AT["fit_" + column]]) if row[_AT["n_" + column]] else "unknown"
    column = _FLAGS[name]
    if not row[_AT["n_" + column]]:
        return "unknown"
    if not _agree(row, column):
        return None
    return bool(row[_AT[column]])
