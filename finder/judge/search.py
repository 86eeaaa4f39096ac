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
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any

from finder.errors import UsageError
from finder.judge.ipt import IptClass
from finder.judge.therapists import Therapist
from finder.records import geo
from finder.storage.store import Doc, Store

FORMATS = ("individual", "couple", "family", "group")
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
_FORMAT_ALIASES = {"individuals": "individual", "couples": "couple", "families": "family",
                   "groups": "group"}  # fmt: skip
_PLAN_ALIASES = (
    (re.compile(r"\b(bc ?bs|blue ?cross( and blue ?shield)?|blue ?shield)\b"), "bcbs"),
    (re.compile(r"\b(united ?health ?care|uhc|united health)\b"), "unitedhealthcare"),
)


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


@dataclass(frozen=True)
class Hit:
    """One therapist found, where it ranks, and why."""

    therapist: Therapist
    rank: int
    miles: float | None
    matched: tuple[str, ...]
    unknown: tuple[str, ...]
    why: str = field(default="")


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
    )


def override(base: Query, **given: Any) -> Query:
    """``base`` with every option the user gave (not ``None``, not empty) replacing it."""
    changes = {k: v for k, v in given.items() if v is not None and v != () and v is not False}
    return replace(base, **changes)


# ------------------------------------------------------------------ the query ZIP


def zip_point(zip_code: str) -> tuple[float, float] | None:
    """The centroid of a ZIP, remembered in ``zip_points.json`` in the data folder.

    The ZIP package loads its whole table on the first look-up (most of a
    second); a search is run often with the same ZIP, so the answer is kept.
    """
    import orjson

    from finder.storage import paths
    from finder.storage.atomic import atomic_write_bytes

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


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9+]+", text.casefold().replace("&", " and ")))


def _plan(text: str) -> set[str]:
    plan = _words(text)
    for pattern, alias in _PLAN_ALIASES:
        plan = pattern.sub(alias, plan)
    return set(plan.split())


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


def _insurance(t: Therapist, q: Query) -> Verdict:
    plans = [_plan(p) for p in t.all_list("insurance")]
    if not plans:
        return Verdict.MISS if t.best("accepts_insurance") is False else Verdict.UNKNOWN
    wanted = [_plan(p) for p in q.insurance]
    return Verdict.MATCH if any(w and w <= p for w in wanted for p in plans) else Verdict.MISS


def _fee(t: Therapist, q: Query) -> Verdict:
    fee = t.best("fee")
    if not isinstance(fee, int | float) or isinstance(fee, bool):
        return Verdict.UNKNOWN
    assert q.max_fee is not None
    return Verdict.MATCH if fee <= q.max_fee else Verdict.MISS


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
)  # fmt: skip


# ------------------------------------------------------------------ the search


def _groups(raw: Iterable[tuple[int, Doc]]) -> dict[int, list[tuple[int, Doc]]]:
    out: dict[int, list[tuple[int, Doc]]] = {}
    for doc_id, doc in raw:
        tid = doc.get("tid")
        if tid is not None:
            out.setdefault(tid, []).append((doc_id, doc))
    return out


def _point(docs: list[tuple[int, Doc]]) -> tuple[float, float] | None:
    # The same rule as Therapist.point, read from the raw documents.
    for _doc_id, doc in docs:
        point = doc.get("geo")
        if point:
            return (float(point[0]), float(point[1]))
    return None


def find(store: Store, query: Query, *, ranked: bool = True) -> list[Hit]:
    """Therapists that pass every filter, best first (or by id with ``ranked=False``)."""
    origin = None
    if query.near:
        origin = zip_point(query.near)
        if origin is None:
            raise UsageError(f"ZIP {query.near} is not a known US ZIP code")
    levels = None
    if query.min_ipt is not None:
        levels = {c.label for c in IptClass if c >= query.min_ipt}
    # Online sessions make distance a preference, not a limit.
    limit = query.radius if query.radius is not None and query.telehealth is not True else None
    active = [c for c in CRITERIA if c[2](query)]
    hits: list[Hit] = []
    # Stored dicts are read without copies; only the therapists that pass the cheap
    # tests (IPT class, distance) get copies and a Therapist.
    for tid, docs in _groups(store.records.raw_docs()).items():
        if levels is not None and not any((d.get("ipt") or {}).get("level") in levels
                                          for _, d in docs):  # fmt: skip
            continue
        miles = None
        unknown: list[str] = []
        if origin is not None:
            point = _point(docs)
            if point is not None:
                miles = geo.miles(origin, point)
            elif query.strict and limit is not None:
                continue
            else:
                unknown.append("distance unknown")
            if limit is not None and miles is not None and miles > limit:
                continue
        therapist = Therapist(tid, [{**d, "_id": doc_id} for doc_id, d in docs])
        matched: list[str] = []
        for name, unknown_text, _applies, judge in active:
            verdict = judge(therapist, query)
            if verdict is Verdict.MISS or (verdict is Verdict.UNKNOWN and query.strict):
                break
            if verdict is Verdict.MATCH:
                matched.append(name)
            else:
                unknown.append(unknown_text)
        else:
            hits.append(Hit(therapist, 0, miles, tuple(matched), tuple(unknown)))
    if ranked:
        hits.sort(key=_rank_key)
    else:
        hits.sort(key=lambda h: h.therapist.tid)
    return [replace(h, rank=i, why=explain(h, query)) for i, h in enumerate(hits, 1)]


def _rank_key(hit: Hit) -> tuple[Any, ...]:
    t = hit.therapist
    miles = hit.miles if hit.miles is not None else math.inf
    return (-int(t.ipt.level), -len(hit.matched), len(hit.unknown), miles, t.name.casefold(), t.tid)


def explain(hit: Hit, query: Query) -> str:
    """The one line `--why` prints: IPT class, distance, what fits, what is unknown."""
    evidence = hit.therapist.ipt
    parts = [f"IPT {evidence.level.label}" + (f" ({evidence.field})" if evidence.field else "")]
    if hit.miles is not None:
        parts.append(f"{hit.miles:.1f} mi")
    if hit.matched:
        parts.append("fits " + ", ".join(hit.matched))
    if hit.unknown:
        parts.append(", ".join(hit.unknown))
    return "; ".join(parts)
