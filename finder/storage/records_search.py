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

#: The filters kept as ``term_lists`` ids (``facts.TERMS``), by search's names: (column,
#: whether a wanted word is a whole line of the text, not a part of one).
TERMS = {"format": ("formats", True), "issue": ("issues", False), "language": ("languages", True),
         "age": ("ages", False)}  # fmt: skip
#: The filters the columns hold, by search's names: (fails, unknown) as SQL on one
#: record, each 0 or 1. ``:fee`` is the budget, ``:country`` the country, ``{plans}`` the
#: stored plan lists that name the person's plan; ``temp.fit_<column>`` holds the ids of
#: the texts that fit (``fit``).
FILTERS: dict[str, tuple[str, str]] = {
    "insurance": ("ifnull(plans IS NOT NULL AND plans NOT IN ({plans})"
                  " OR plans IS NULL AND takes = 0, 0)",
                  "(plans IS NULL AND (takes IS NULL OR takes = 1))"),
    "fee": ("ifnull(fee > :fee, 0)", "(fee IS NULL)"),
    "sliding scale": ("ifnull(sliding = 0, 0)", "(sliding IS NULL)"),
    "telehealth": ("ifnull(tele = 0, 0)", "(tele IS NULL)"),
    "in person": ("ifnull(in_person = 0, 0)", "(in_person IS NULL)"),
    "accepting": ("ifnull(accepting = 0, 0)", "(accepting IS NULL)"),
    "country": ("ifnull(country != :country, 0)", "(country IS NULL)"),
    **{name: (f"ifnull({column} NOT IN temp.fit_{column}, 0)", f"({column} IS NULL)")
       for name, (column, _) in TERMS.items()},
}  # fmt: skip
#: More fitting plan lists than this go to SQLite as one JSON argument (the number of
#: arguments a statement takes is limited).
MANY_PLANS = 500
#: The order a record's filters are tried in: the cheap and the sharp first.
_CHEAP_FIRST = ("fee", "telehealth", "in person", "accepting", "sliding scale", "country",
                "format", "age", "language", "issue", "insurance")  # fmt: skip
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
    words: tuple[tuple[str, tuple[str, ...]], ...] = ()  # of TERMS: (filter, words that fit)
    own: tuple[int, ...] = ()  # therapists with a record of the user's own (read whole)

    def arguments(self) -> dict[str, Any]:
        """The named arguments of the SQL below."""
        out: dict[str, Any] = {"fee": self.fee, "country": self.country}
        out["own"] = orjson.dumps(list(self.own)).decode()
        out["plans"] = orjson.dumps(list(self.plans)).decode()
        if len(self.plans) <= MANY_PLANS:
            out.update((f"plan{i}", plans) for i, plans in enumerate(self.plans))
        out.update((f"level{i}", level) for i, level in enumerate(self.levels or ()))
        if self.box is not None:
            out.update(zip(("lat_lo", "lat_hi", "lon_lo", "lon_hi"), self.box, strict=True))
        for name, words in self.words:
            line = TERMS[name][1]
            out.update((f"{name}{i}", f"\n{w}\n" if line else w) for i, w in enumerate(words))
        return out

    def sql(self, name: str, *, unknown: bool = False) -> str:
        """A filter's SQL on one record: it fails (or is unknown, ``unknown``)."""
        failed, unknown_sql = FILTERS[name]
        if unknown:
            return unknown_sql
        return failed.replace("{plans}", self.plan_set())

    def plan_set(self) -> str:
        """SQL: the fitting plan lists (a list of arguments; JSON for very many)."""
        if 0 < len(self.plans) <= MANY_PLANS:
            return ", ".join(f":plan{i}" for i in range(len(self.plans)))
        return "SELECT value FROM json_each(:plans)"


#: A ``solo`` row. ``which`` is the filter (not distance) the record fails: i + 1 for
#: ``filters[i]`` failed, -(i + 1) unknown (with ``strict``), 0 none. A record that is
#: not ``odd`` fails at most one filter, distance included.
SOLO = ("tid", "odd", "which", "lat", "lon", "town", "name", "fee", "fee_high")


def _outside(sieve: Sieve) -> str:
    """SQL: 1 when the record's point is certainly beyond the radius (or unknown, strict)."""
    if not sieve.radius:
        return "0"
    if sieve.box is None:
        return f"(lat IS NULL AND {int(sieve.strict)})"
    return (f"(CASE WHEN lat IS NULL THEN {int(sieve.strict)} WHEN lat BETWEEN :lat_lo AND "
            ":lat_hi AND lon BETWEEN :lon_lo AND :lon_hi THEN 0 ELSE 1 END)")  # fmt: skip


def _levels(sieve: Sieve) -> str:
    if sieve.levels is None:
        return "1"
    return f"ipt IN ({', '.join(f':level{i}' for i in range(len(sieve.levels)))})"


def _at_most_one(tests: list[str]) -> str:
    """SQL: at most one of ``tests`` (each 0 or 1) holds; each is worked out at most
    twice, and none once two hold."""
    if len(tests) <= 1:
        return "1"
    rest = tests[1:]
    none = " AND ".join(f"NOT {t}" for t in rest)
    return f"(CASE WHEN {tests[0]} THEN {none} ELSE {_at_most_one(rest)} END)"


def solo(conn: Any, sieve: Sieve) -> Iterator[tuple[Any, ...]]:
    """``SOLO`` rows of the records whose therapist may fail at most one filter (were
    it their only record); an ``odd`` record always."""

    def failing(name: str) -> str:
        failed = sieve.sql(name)
        return f"({failed} OR {sieve.sql(name, unknown=True)})" if sieve.strict else failed

    which = []
    for i, name in enumerate(sieve.filters, 1):
        which.append(f"WHEN {sieve.sql(name)} THEN {i}")
        if sieve.strict:
            which.append(f"WHEN {sieve.sql(name, unknown=True)} THEN {-i}")
    tried = [_outside(sieve)] + [failing(n) for n in _CHEAP_FIRST if n in sieve.filters]
    case = f"CASE {' '.join(which)} ELSE 0 END" if which else "0"
    sql = (
        f"SELECT tid, odd, {case}, lat, lon, town, name, fee, fee_high "
        f"FROM records INDEXED BY records_search WHERE tid IS NOT NULL AND {_levels(sieve)} "
        f"AND ({_at_most_one(tried)} OR odd)"
    )
    return conn.execute(sql, sieve.arguments())


def fit(conn: Any, sieve: Sieve) -> None:
    """Fill ``temp.fit_<column>`` for each filter of ``TERMS`` asked: the ids of the stored
    texts that hold a wanted word (as a line of the text, or anywhere in it). Found once
    per search (a subquery would be run again for each time the SQL names it), and looked
    up by id."""
    for name, words in sieve.words:
        column, line = TERMS[name]
        text = "char(10) || items || char(10)" if line else "items"
        match = " OR ".join(f"instr({text}, :{name}{i})" for i in range(len(words))) or "0"
        conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS fit_{column} (id INTEGER PRIMARY KEY)")
        conn.execute(f"DELETE FROM temp.fit_{column}")
        conn.execute(f"INSERT INTO temp.fit_{column} SELECT id FROM term_lists WHERE kind = "
                     f"'{column}' AND ({match})", sieve.arguments())  # fmt: skip


def at_levels(conn: Any, sieve: Sieve) -> int:
    """How many therapists (not ``own``) have a record at the IPT levels asked: the
    records (counted on the narrow ``records_ipt`` index), less those without a therapist
    and the second and later of those with several (few, sought by therapist), less the
    own."""
    at = f"FROM records INDEXED BY records_search WHERE {_levels(sieve)} AND tid"
    sql = (f"SELECT (SELECT count(*) FROM records WHERE {_levels(sieve)}) - (SELECT count(*) "
           f"{at} IS NULL) - (SELECT count(*) - count(DISTINCT tid) {at} IN (SELECT tid FROM "
           "mates))")  # fmt: skip
    if sieve.own:
        sql += f" - (SELECT count(DISTINCT tid) {at} IN (SELECT value FROM json_each(:own)))"
    return int(conn.execute(sql, sieve.arguments()).fetchone()[0])


#: A ``mates`` row, by name: the parts not asked are ``None``.
MATES = ("tid", "odd", "n_name", "name", "name2",
         "n_lat", "lat", "lat2", "lon", "lon2", "town", "town2",
         "n_fee", "fee", "fee2", "n_fee_high", "fee_high", "fee_high2",
         "n_plans", "fit", "n_takes", "takes", "takes2",
         *(f"{p}{c}{s}" for c in ("sliding", "tele", "in_person", "accepting")
           for p, s in (("n_", ""), ("", ""), ("", "2"))),
         "n_country", "in_country",
         *(f"{p}{c}" for c, _ in TERMS.values() for p in ("n_", "fit_")))  # fmt: skip


def _spread(column: str) -> list[str]:
    return [f"count({column}) AS n_{column}", f"min({column}) AS {column}",
            f"max({column}) AS {column}2"]  # fmt: skip


def _nothing(first: str, last: str) -> list[str]:
    return [f"NULL AS {c}" for c in MATES[MATES.index(first) : MATES.index(last) + 1]]


def mates(conn: Any, sieve: Sieve) -> Iterator[tuple[Any, ...]]:
    """``MATES`` rows: the therapists with several imported records (the ``mates``
    table) that do not certainly fail two filters, their records folded."""
    parts = ["tid", "max(odd) AS odd", *_spread("name")]
    fails: list[str] = []  # each 1 when the therapist certainly fails that filter
    if sieve.radius:
        parts += [*_spread("lat"), *_spread("lon")[1:], *_spread("town")[1:]]
        if sieve.box is not None:
            parts.append("max(lat BETWEEN :lat_lo AND :lat_hi AND lon BETWEEN :lon_lo AND "
                         ":lon_hi) AS inside")  # fmt: skip
            fails.append("(n_lat > 0 AND inside = 0)")
        if sieve.strict:
            fails.append("(n_lat = 0)")
    else:
        parts += ["0 AS n_lat", *_nothing("lat", "town2")]
    asked = set(sieve.filters)
    strict = sieve.strict
    if "fee" in asked:
        parts += [*_spread("fee"), *_spread("fee_high")]
        fails.append("(n_fee > 0 AND fee > :fee" + (" OR n_fee = 0)" if strict else ")"))
    else:
        parts += _nothing("n_fee", "fee_high2")
    if "insurance" in asked:
        parts += ["count(plans) AS n_plans", f"max(plans IN ({sieve.plan_set()})) AS fit",
                  *_spread("takes")]  # fmt: skip
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
        parts += ["count(country) AS n_country", "max(country = :country) AS in_country"]
        fails.append("((n_country > 0 AND in_country = 0)"
                     + (" OR n_country = 0)" if strict else ")"))  # fmt: skip
    else:
        parts += _nothing("n_country", "in_country")
    for name, (column, _) in TERMS.items():
        if name in asked:
            parts += [f"count({column}) AS n_{column}",
                      f"max({column} IN temp.fit_{column}) AS fit_{column}"]  # fmt: skip
            fails.append(f"((n_{column} > 0 AND fit_{column} = 0)"
                         + (f" OR n_{column} = 0)" if strict else ")"))  # fmt: skip
        else:
            parts += _nothing(f"n_{column}", f"fit_{column}")
    inner = (f"SELECT {', '.join(parts)} FROM records INDEXED BY records_search "
             f"WHERE tid IN (SELECT tid FROM mates) GROUP BY tid HAVING max({_levels(sieve)})")  # fmt: skip
    sql = f"SELECT {', '.join(MATES)} FROM ({inner})"
    if fails:
        sql += f" WHERE {' + '.join(fails)} <= 1 OR odd"
    return conn.execute(sql, sieve.arguments())
