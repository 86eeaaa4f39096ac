"""A search's first pass in SQLite, from the narrow columns, without the documents.

Every imported record keeps what search reads of it in columns (``finder.records.facts``)
that the ``records_search`` index covers, in therapist order. A search asks two things:

- ``solo``: one row per record whose therapist may fail at most one filter, judged from
  that record alone; exact for a therapist with one record (most of them). The caller
  drops the rows of therapists with more records (``mates``) and reads them with ``mates``.
- ``mates``: for the therapists with several imported records, one row each with their
  records folded (counts, least and greatest values): a filter is failed for certain when
  every record says so (every stated fee over the budget, every point outside the box).

Neither decides who fits: they only leave out who certainly fails two filters, and hand
the caller what it needs to judge the rest.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson

#: The filters the columns hold, by search's names: (fails, unknown) as SQL on one
#: record. ``?`` in "fee" is the budget, in "country" the country, in "insurance" the
#: JSON list of the stored plan lists that name the person's plan.
FILTERS: dict[str, tuple[str, str]] = {
    "insurance": ("(plans IS NOT NULL AND plans NOT IN (SELECT value FROM json_each(?))"
                  " OR plans IS NULL AND takes = 0)",
                  "(plans IS NULL AND (takes IS NULL OR takes = 1))"),
    "fee": ("ifnull(fee > ?, 0)", "(fee IS NULL)"),
    "sliding scale": ("ifnull(sliding = 0, 0)", "(sliding IS NULL)"),
    "telehealth": ("ifnull(tele = 0, 0)", "(tele IS NULL)"),
    "in person": ("ifnull(in_person = 0, 0)", "(in_person IS NULL)"),
    "accepting": ("ifnull(accepting = 0, 0)", "(accepting IS NULL)"),
    "country": ("ifnull(country != ?, 0)", "(country IS NULL)"),
}  # fmt: skip
_COLUMN = {"insurance": "plans", "fee": "fee", "sliding scale": "sliding", "telehealth": "tele",
           "in person": "in_person", "accepting": "accepting", "country": "country"}  # fmt: skip


@dataclass(frozen=True)
class Sieve:
    """What a search asks; ``None`` or empty: not asked."""

    levels: tuple[str, ...] | None = None  # IPT levels a therapist needs one record at
    radius: bool = False  # distance is a filter: the point is read
    box: tuple[float, float, float, float] | None = None  # lat lo, lat hi, lon lo, lon hi
    filters: tuple[str, ...] = ()  # of FILTERS, in the order search judges them
    fee: float | None = None  # the budget
    plans: tuple[str, ...] = ()  # the stored plan lists that name the person's plan
    country: str | None = None
    strict: bool = False  # an unknown value is a failure

    def argument(self, name: str) -> Any:
        if name == "fee":
            return self.fee
        if name == "country":
            return self.country
        return orjson.dumps(list(self.plans)).decode()


#: A ``solo`` row. ``fails`` counts the filters (not distance) the record fails (with
#: ``strict``, or says nothing of); ``which`` is the first: i + 1 for ``filters[i]``
#: failed, -(i + 1) unknown.
SOLO = ("tid", "odd", "fails", "which", "lat", "lon", "town", "name", "fee", "fee_high")


def _outside(sieve: Sieve) -> tuple[str, list[Any]]:
    """SQL: 1 when the record's point is certainly beyond the radius (or unknown, strict)."""
    if not sieve.radius:
        return "0", []
    if sieve.box is None:
        return f"(lat IS NULL AND {int(sieve.strict)})", []
    return (f"(CASE WHEN lat IS NULL THEN {int(sieve.strict)} "
            "WHEN lat BETWEEN ? AND ? AND lon BETWEEN ? AND ? THEN 0 ELSE 1 END)",
            list(sieve.box))  # fmt: skip


def _levels(sieve: Sieve) -> tuple[str, list[Any]]:
    if sieve.levels is None:
        return "1", []
    return "ipt IN (SELECT value FROM json_each(?))", [orjson.dumps(sieve.levels).decode()]


def solo(conn: Any, sieve: Sieve) -> Iterator[tuple[Any, ...]]:
    """``SOLO`` rows of the records whose therapist may fail at most one filter (were
    it their only record); an ``odd`` record always."""
    fails: list[str] = []
    which: list[str] = []
    args: list[Any] = []
    for i, name in enumerate(sieve.filters, 1):
        failed, unknown = FILTERS[name]
        arg = [sieve.argument(name)] if "?" in failed else []
        failed = f"ifnull({failed}, 0)"
        fails.append(f"({failed} OR {unknown})" if sieve.strict else failed)
        which.append(f"WHEN {failed} THEN {i}")
        args += arg
        if sieve.strict:
            which.append(f"WHEN {unknown} THEN {-i}")
    which_args = [a for name in sieve.filters for a in (
        [sieve.argument(name)] if "?" in FILTERS[name][0] else [])]  # fmt: skip
    outside, box_args = _outside(sieve)
    levels, level_args = _levels(sieve)
    counted = " + ".join(fails) or "0"
    case = f"CASE {' '.join(which)} ELSE 0 END" if which else "0"
    sql = (
        f"SELECT tid, odd, fails, which, lat, lon, town, name, fee, fee_high FROM "
        f"(SELECT tid, odd, lat, lon, town, name, fee, fee_high, {counted} AS fails, "
        f"{case} AS which, {outside} AS outside FROM records INDEXED BY records_search "
        f"WHERE tid IS NOT NULL AND {levels}) WHERE fails + outside <= 1 OR odd"
    )
    return conn.execute(sql, [*args, *which_args, *box_args, *level_args])


#: A ``mates`` row, by name: the parts not asked are ``None``.
MATES = ("tid", "odd", "n_name", "name", "name2",
         "n_lat", "lat", "lat2", "lon", "lon2", "town", "town2",
         "n_fee", "fee", "fee2", "n_fee_high", "fee_high", "fee_high2",
         "n_plans", "fit", "n_takes", "takes", "takes2",
         *(f"{p}{c}{s}" for c in ("sliding", "tele", "in_person", "accepting")
           for p, s in (("n_", ""), ("", ""), ("", "2"))),
         "n_country", "in_country")  # fmt: skip


def _spread(column: str) -> list[str]:
    return [f"count({column}) AS n_{column}", f"min({column}) AS {column}",
            f"max({column}) AS {column}2"]  # fmt: skip


def _nothing(first: str, last: str) -> list[str]:
    return [f"NULL AS {c}" for c in MATES[MATES.index(first) : MATES.index(last) + 1]]


def mates(conn: Any, sieve: Sieve) -> Iterator[tuple[Any, ...]]:
    """``MATES`` rows: the therapists with several imported records (the ``mates``
    table) that do not certainly fail two filters, their records folded."""
    parts = ["tid", "max(odd) AS odd", *_spread("name")]
    args: list[Any] = []
    fails: list[str] = []  # each 1 when the therapist certainly fails that filter
    if sieve.radius:
        parts += [*_spread("lat"), *_spread("lon")[1:], *_spread("town")[1:]]
        if sieve.box is not None:
            parts.append("max(lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?) AS inside")
            args += sieve.box
            fails.append("(n_lat > 0 AND inside = 0)")
        if sieve.strict:
            fails.append("(n_lat = 0)")
    else:
        parts += ["0 AS n_lat", *_nothing("lat", "town2")]
    asked = set(sieve.filters)
    strict = sieve.strict
    if "fee" in asked:
        parts += [*_spread("fee"), *_spread("fee_high")]
        fails.append("(n_fee > 0 AND fee > ?" + (" OR n_fee = 0)" if strict else ")"))
    else:
        parts += _nothing("n_fee", "fee_high2")
    if "insurance" in asked:
        parts += ["count(plans) AS n_plans",
                  "max(plans IN (SELECT value FROM json_each(?))) AS fit", *_spread("takes")]  # fmt: skip
        args.append(sieve.argument("insurance"))
        fails.append(
            "((n_plans > 0 AND fit = 0) OR (n_plans = 0 AND n_takes > 0 AND takes2 = 0)"
            + (" OR (n_plans = 0 AND (n_takes = 0 OR takes = takes2))" if strict else "")
            + ")"
        )
    else:
        parts += _nothing("n_plans", "takes2")
    for name in ("sliding scale", "telehealth", "in person", "accepting"):
        column = _COLUMN[name]
        if name in asked:
            parts += _spread(column)
            fails.append(f"((n_{column} > 0 AND {column}2 = 0)"
                         + (f" OR n_{column} = 0)" if strict else ")"))  # fmt: skip
        else:
            parts += _nothing(f"n_{column}", f"{column}2")
    if "country" in asked:
        parts += ["count(country) AS n_country", "max(country = ?) AS in_country"]
        args.append(sieve.country)
        fails.append("((n_country > 0 AND in_country = 0)"
                     + (" OR n_country = 0)" if strict else ")"))  # fmt: skip
    else:
        parts += _nothing("n_country", "in_country")
    levels, level_args = _levels(sieve)
    inner = (f"SELECT {', '.join(parts)} FROM records INDEXED BY records_search "
             f"WHERE tid IN (SELECT tid FROM mates) GROUP BY tid HAVING max({levels})")  # fmt: skip
    sql = f"SELECT {', '.join(MATES)} FROM ({inner})"
    if fails:
        sql += f" WHERE {' + '.join(fails)} <= 1 OR odd"
    budget = [sieve.fee] if "fee" in asked else []
    return conn.execute(sql, [*args, *level_args, *budget])
