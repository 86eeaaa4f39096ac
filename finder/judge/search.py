"""Search: the therapists that fit what a person needs, ranked, each with a reason.

A ``Query`` holds the filters (from the profile, overridden by options). Each
criterion judges a therapist as a match, a miss, or *unknown* (the sources say
nothing, e.g. no fee listed). Misses are dropped; unknowns are kept and named
("fee unknown") unless the query is ``strict``. The rank is, in order: the IPT
evidence class, how many criteria matched, how few are unknown, the distance.

This is the path `finder search` takes on every run, so it stays light: it
reads the precomputed ``ipt`` and ``geo`` of each record to drop most
therapists before any ``Therapist`` is built, and looks the query ZIP up in a
small cache in the data folder instead of loading the whole ZIP table.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any

import orjson

from finder.errors import UsageError
from finder.judge import claims, options, sieve
from finder.judge.ipt import IptClass
from finder.judge.sieve import Named
from finder.judge.therapists import Therapist
from finder.records import geo
from finder.records.facts import FORMAT_ALIASES as _FORMAT_ALIASES
from finder.records.facts import FORMATS
from finder.records.facts import words as _words
from finder.storage import paths
from finder.storage.atomic import atomic_write_bytes
from finder.storage.store import Doc, Store

AGES = ("child", "teen", "adult", "elder")

# What a person types -> the words a directory uses for it.
_ISSUE_WORDS: dict[str, tuple[str, ...]] = {
    "depression": ("depression", "depressive"),
    "ptsd": ("ptsd", "trauma", "post-traumatic", "posttraumatic"),
    "trauma": ("trauma", "ptsd"),
    "perinatal": ("perinatal", "prenatal", "postpartum", "post-partum", "pregnancy", "maternal"),
    "postpartum": ("postpartum", "post-partum", "perinatal", "pregnancy"),
    "eating disorder": ("eating", "anorexia", "bulimia", "binge"),
    "grief": ("grief", "bereavement", "loss"),
    "bipolar": ("bipolar",),
    "anxiety": ("anxiety", "panic"),
}
_AGE_WORDS: dict[str, tuple[str, ...]] = {
    "child": ("child", "kid", "toddler", "preschool"),
    "teen": ("teen", "adolescen", "tween"),
    "adult": ("adult",),
    "elder": ("elder", "senior", "older", "geriatric", "65"),
}
_AGE_ALIASES = {"children": "child", "kids": "child", "teens": "teen", "adolescent": "teen",
                "adolescents": "teen", "adults": "adult", "elders": "elder", "senior": "elder",
                "seniors": "elder", "older": "elder"}  # fmt: skip


class Verdict(Enum):
    MATCH = "match"
    UNKNOWN = "unknown"
    MISS = "miss"


@dataclass(frozen=True)
class Query:
    """What to look for; empty fields do not filter."""

    min_ipt: IptClass | None = None
    near: str | None = None  # a 5-digit ZIP
    radius: float | None = None  # miles; without it distance only ranks
    insurance: tuple[str, ...] = ()
    max_fee: float | None = None
    sliding_scale: bool = False
    telehealth: bool | None = None  # True: online required; False: in person required
    formats: tuple[str, ...] = ()
    issues: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    ages: tuple[str, ...] = ()
    accepting: bool = False
    strict: bool = False
    country: str | None = None  # ISO code: therapists elsewhere are left out
    # Therapists in this city rank first; without --near, distances are measured from its
    # centre (a US city needs its state).
    city: str | None = None
    state: str | None = None  # where the client lives: an online-only license elsewhere is named


@dataclass(frozen=True)
class Hit:
    """One therapist found, where it ranks, and why."""

    therapist: Therapist
    rank: int
    miles: float | None
    matched: tuple[str, ...]
    unknown: tuple[str, ...]
    why: str = field(default="")
    approx: bool = False  # the distance is from the city's centre (no ZIP on record)


def normalise_format(value: str) -> str:
    key = value.strip().casefold()
    key = _FORMAT_ALIASES.get(key, key)
    if key not in FORMATS:
        raise UsageError(f"unknown format {value!r}; one of: {', '.join(FORMATS)}")
    return key


def normalise_age(value: str) -> str:
    key = value.strip().casefold()
    key = _AGE_ALIASES.get(key, key)
    if key not in AGES:
        raise UsageError(f"unknown age group {value!r}; one of: {', '.join(AGES)}")
    return key


def from_profile(profile: Any) -> Query:
    """The query a profile implies (``finder.pursue.profiles.Profile``)."""
    return Query(
        near=profile.zip,
        radius=profile.radius_miles,
        insurance=tuple(profile.insurance),
        max_fee=profile.budget,
        sliding_scale=bool(profile.sliding_scale_needed),
        telehealth={"required": True, "no": False}.get(profile.telehealth),
        formats=tuple(profile.formats),
        issues=tuple(profile.issues),
        languages=tuple(profile.languages),
        ages=(profile.age_group,) if profile.age_group else (),
        country=getattr(profile, "country", None),
        city=getattr(profile, "city", None),
        state=getattr(profile, "state", None),
    )


def override(base: Query, **given: Any) -> Query:
    """``base`` with every option the user gave (not ``None``, not empty) replacing it."""
    changes = {k: v for k, v in given.items() if options.given(v)}
    return replace(base, **changes)


# ------------------------------------------------------------------ the query ZIP


def zip_point(zip_code: str) -> tuple[float, float] | None:
    """The centroid of a ZIP, remembered in ``zip_points.json`` in the data folder.

    The ZIP package loads its whole table on the first look-up (most of a
    second); a search is run often with the same ZIP, so the answer is kept.
    """
    cache_file = paths.data_dir() / "zip_points.json"
    cache: dict[str, Any] = {}
    try:
        loaded = orjson.loads(cache_file.read_bytes())
        if isinstance(loaded, dict):
            cache = loaded
    except (OSError, orjson.JSONDecodeError):
        pass
    if zip_code in cache:
        point = cache[zip_code]
        return (float(point[0]), float(point[1])) if point else None
    found = geo.zip_point(zip_code)
    cache[zip_code] = list(found) if found else None
    try:
        paths.ensure_private_dir(cache_file.parent)
        atomic_write_bytes(cache_file, orjson.dumps(cache))
    except Exception:  # a cache that cannot be written only costs time
        pass
    return found


# ------------------------------------------------------------------ criteria


def _any_list(t: Therapist, names: Iterable[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        out.extend(t.all_list(name))
    return out


def _bool(t: Therapist, name: str) -> Verdict:
    value = t.best(name)
    if value is None:
        return Verdict.UNKNOWN
    return Verdict.MATCH if value else Verdict.MISS


def _verdict(fits: bool | None) -> Verdict:
    return Verdict.UNKNOWN if fits is None else Verdict.MATCH if fits else Verdict.MISS


def _insurance(t: Therapist, q: Query) -> Verdict:
    return _verdict(claims.plan_verdict(t, q.insurance)[0])


def _fee(t: Therapist, q: Query) -> Verdict:
    assert q.max_fee is not None
    return _verdict(claims.fee_fit(t, q.max_fee)[0])


def _terms_match(have: list[str], wanted: Iterable[tuple[str, ...]]) -> Verdict:
    if not have:
        return Verdict.UNKNOWN
    folded = [_words(h) for h in have]
    for words in wanted:
        if any(w in h for w in words for h in folded):
            return Verdict.MATCH
    return Verdict.MISS


def _issue_words(issue: str) -> tuple[str, ...]:
    key = _words(issue)
    stem = key[:-1] if key.endswith("s") and key[:-1] in _ISSUE_WORDS else key
    return _ISSUE_WORDS.get(stem, (stem,))


def _formats(t: Therapist, q: Query) -> Verdict:
    have = {_FORMAT_ALIASES.get(f.casefold(), f.casefold()) for f in t.all_list("formats")}
    if t.all_list("groups"):
        have.add("group")
    if not have:
        return Verdict.UNKNOWN
    return Verdict.MATCH if have & set(q.formats) else Verdict.MISS


def _languages(t: Therapist, q: Query) -> Verdict:
    have = {_words(x) for x in t.all_list("languages")}
    if not have:
        return Verdict.UNKNOWN
    return Verdict.MATCH if have & {_words(x) for x in q.languages} else Verdict.MISS


# (name, unknown text, applies?, judge)
_Criterion = tuple[str, str, Callable[[Query], bool], Callable[[Therapist, Query], Verdict]]
CRITERIA: tuple[_Criterion, ...] = (
    ("insurance", "insurance unknown", lambda q: bool(q.insurance), _insurance),
    ("fee", "fee unknown", lambda q: q.max_fee is not None, _fee),
    ("sliding scale", "sliding scale unknown", lambda q: q.sliding_scale,
     lambda t, q: _bool(t, "sliding_scale")),
    ("telehealth", "telehealth unknown", lambda q: q.telehealth is True,
     lambda t, q: _bool(t, "telehealth")),
    ("in person", "in person unknown", lambda q: q.telehealth is False,
     lambda t, q: _bool(t, "in_person")),
    ("format", "formats unknown", lambda q: bool(q.formats), _formats),
    ("issue", "issues unknown", lambda q: bool(q.issues),
     lambda t, q: _terms_match(_any_list(t, ("issues", "specialties")),
                               (_issue_words(i) for i in q.issues))),
    ("language", "languages unknown", lambda q: bool(q.languages), _languages),
    ("age", "ages unknown", lambda q: bool(q.ages),
     lambda t, q: _terms_match(t.all_list("ages"), (_AGE_WORDS[a] for a in q.ages))),
    ("accepting", "accepting unknown", lambda q: q.accepting, lambda t, q: _bool(t, "accepting")),
    ("country", "country unknown", lambda q: q.country is not None, lambda t, q: _country(t, q)),
)  # fmt: skip


# ------------------------------------------------------------------ the search


def _point(docs: list[tuple[int, Doc]]) -> tuple[float, float, bool] | None:
    # The same rule as Therapist.point, read from the raw documents; the flag says the
    # point is a city's centre (no ZIP), so the distance is approximate.
    for _doc_id, doc in docs:
        point = doc.get("geo")
        if point:
            approx = len(point) > 2 and point[2] == "city"
            return (float(point[0]), float(point[1]), approx)
    return None


@dataclass(frozen=True)
class Found:
    """What a search found, who one filter alone left out (filter -> therapists), and how
    many more with the IPT evidence asked two filters or more left out."""

    hits: list[Hit]
    left_out: dict[str, list[tuple[Named, str]]]
    by_several: int = 0


def _words_asked(query: Query) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The words each list filter asked wants, as ``facts`` keeps a record's (a format
    search does not know is judged from the records)."""
    out = []
    if query.formats and set(query.formats) <= set(FORMATS):
        out.append(("format", query.formats))
    if query.issues:
        out.append(("issue", tuple(w for i in query.issues for w in _issue_words(i))))
    if query.languages:
        out.append(("language", tuple(_words(x) for x in query.languages)))
    if query.ages:
        out.append(("age", tuple(w for a in query.ages for w in _AGE_WORDS[a])))
    return tuple(out)


def find(store: Store, query: Query, *, ranked: bool = True) -> list[Hit]:
    """Therapists that pass every filter, best first (or by id with ``ranked=False``)."""
    return find_all(store, query, ranked=ranked).hits


def find_all(store: Store, query: Query, *, ranked: bool = True, sift: bool = True) -> Found:
    """``find``, plus the therapists who match everything but one filter (with why).

    ``sift=False`` reads every therapist's records (the first pass, ``sieve``, is
    checked against it)."""
    origin, from_town = None, False
    if query.near:
        origin = zip_point(query.near)
        if origin is None:
            raise UsageError(f"ZIP {query.near} is not a known US ZIP code")
    elif query.city:
        home = geo.home_point(None, query.city, query.country, query.state)
        if home is not None:
            origin, from_town = home
    levels = None
    if query.min_ipt is not None:
        levels = {c.label for c in IptClass if c >= query.min_ipt}
    # Online sessions make distance a preference, not a limit.
    limit = query.radius if query.radius is not None and query.telehealth is not True else None
    active = [c for c in CRITERIA if c[2](query)]
    asked = sieve.Asked(
        levels=frozenset(levels) if levels is not None else None,
        origin=origin,
        from_town=from_town,
        limit=limit,
        criteria=tuple((c[0], c[1]) for c in active),
        strict=query.strict,
        max_fee=query.max_fee,
        insurance=query.insurance,
        country=query.country,
        words=_words_asked(query),
    )
    hits: list[Hit] = []
    left_out: dict[str, list[tuple[Named, str]]] = {}
    by_several = 0
    if sift:
        sifted = sieve.sift(store, asked)
        left_out, by_several = sifted.left_out, sifted.unread
        groups = sieve.read(store, sifted.read)
    else:
        groups = sieve.read_all(store, levels)
    for tid, docs in groups:
        judged = _consider(tid, docs, query, asked, active)
        if isinstance(judged, Hit):
            hits.append(judged)
        elif isinstance(judged, tuple):
            left_out.setdefault(judged[0], []).append(judged[1:])
        elif judged:
            by_several += 1
    if ranked:
        hits.sort(key=lambda hit: _rank_key(hit, query))
    else:
        hits.sort(key=lambda h: h.therapist.tid)
    ranked_hits = [replace(h, rank=i, why=explain(h, query)) for i, h in enumerate(hits, 1)]
    return Found(ranked_hits, left_out, by_several)


def _consider(
    tid: int,
    docs: list[tuple[int, Doc]],
    query: Query,
    asked: sieve.Asked,
    active: list[_Criterion],
) -> Hit | tuple[str, Named, str] | bool:
    """One therapist judged from its records: a hit, (filter, who, why) for someone that
    filter alone left out, ``True`` for someone two filters or more left out, or
    ``False`` (no record at the IPT levels asked)."""
    limit = asked.limit
    # Stored dicts are read without copies; only the therapists that pass the IPT class
    # get copies and a Therapist. A therapist below the class is skipped whole (never
    # named as left out).
    levels = asked.levels
    if levels is not None and not any((d.get("ipt") or {}).get("level") in levels
                                      for _, d in docs):  # fmt: skip
        return False
    miles, approx = None, False
    unknown: list[str] = []
    misses: list[tuple[str, str]] = []
    if asked.origin is not None:
        point = _point(docs)
        if point is not None:
            miles, approx = geo.miles(asked.origin, point[:2]), point[2] or asked.from_town
        elif query.strict and limit is not None:
            misses.append(("distance", "location unknown"))
        else:
            unknown.append("distance unknown")
        if limit is not None and miles is not None and miles > limit:
            misses.append(("distance", geo.distance_text(miles, query.country, approx=approx)))
    therapist = Therapist(tid, [{**d, "_id": doc_id} for doc_id, d in docs])
    matched = _judge(therapist, query, active, misses, unknown)
    if not misses:
        return Hit(therapist, 0, miles, tuple(matched), tuple(unknown), approx=approx)
    if len(misses) == 1:
        return (misses[0][0], Named(tid, therapist.name), misses[0][1])
    return True


def _judge(
    t: Therapist,
    query: Query,
    active: list[_Criterion],
    misses: list[tuple[str, str]],
    unknown: list[str],
) -> list[str]:
    """The criteria ``t`` matches; misses and unknowns are added to the lists given.

    Judging stops at a second miss: only someone one filter alone left out is named.
    """
    matched: list[str] = []
    for name, unknown_text, _applies, judge in active:
        if len(misses) > 1:
            break
        verdict = judge(t, query)
        if verdict is Verdict.MISS:
            misses.append((name, _miss_detail(t, name, query)))
        elif verdict is Verdict.UNKNOWN and query.strict:
            misses.append(("strict", unknown_text))
        elif verdict is Verdict.MATCH:
            matched.append(name)
        else:
            unknown.append(unknown_text)
    return matched


def _miss_detail(t: Therapist, name: str, query: Query) -> str:
    if name == "fee":
        stated = claims.fees(t)
        return stated[0].text if stated else ""
    return ""


def _rank_key(hit: Hit, query: Query) -> tuple[Any, ...]:
    t = hit.therapist
    miles = hit.miles if hit.miles is not None else math.inf
    elsewhere = bool(query.city) and not _in_city(t, str(query.city))
    # With a place to measure from, people with no location come after the located ones
    # (someone in the person's own town counts as located: near, distance unknown).
    return (
        hit.miles is None and "distance unknown" in hit.unknown and (elsewhere or not query.city),
        -int(t.ipt.level),
        -len(hit.matched),
        len(hit.unknown),
        elsewhere,
        miles,
        t.name.casefold(),
        t.tid,
    )


def _in_city(t: Therapist, city: str) -> bool:
    wanted = geo.world_key(city)  # "Malaga" is "Málaga"
    return any(geo.world_key(str(v.value)) == wanted for v in t.values("city"))


def _country(t: Therapist, q: Query) -> Verdict:
    found = {str(v.value) for v in t.values("country")}
    if not found:
        return Verdict.UNKNOWN
    return Verdict.MATCH if q.country in found else Verdict.MISS


def explain(hit: Hit, query: Query) -> str:
    """The one line `--why` prints: IPT class, distance, what fits, what is unknown."""
    evidence = hit.therapist.ipt
    parts = [f"IPT {evidence.level.label}" + (f" ({evidence.field})" if evidence.field else "")]
    if evidence.note:
        parts[0] += f": {evidence.note}"
    if hit.miles is not None:
        parts.append(geo.distance_text(hit.miles, query.country, approx=hit.approx))
    elif query.city and _in_city(hit.therapist, query.city):
        parts.append(f"in {query.city}")
    if hit.matched:
        parts.append("fits " + ", ".join(hit.matched))
    t = hit.therapist
    if "insurance" in hit.matched:
        parts.append(claims.plan_verdict(t, query.insurance)[1])
    if "fee" in hit.matched and query.max_fee is not None:
        note = claims.fee_fit(t, query.max_fee)[1]
        if note != "fee":
            parts.append(note)
    if hit.unknown:
        parts.append(", ".join(hit.unknown))
    elsewhere = claims.licence_elsewhere(t, query.state)
    if elsewhere:
        parts.append(elsewhere)
    return "; ".join(parts)
