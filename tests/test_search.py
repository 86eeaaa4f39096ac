"""Search: filters (OR values, unknowns, strict), distance, ranking and the --why line."""

from __future__ import annotations

from typing import Any

import pytest

from finder.errors import UsageError
from finder.ingest.pipeline import enrich
from finder.judge import merge, search
from finder.judge.ipt import IptClass
from finder.records.normalize import build_fields
from finder.storage.store import Store

IPT_TEXT = "I am trained in Interpersonal Psychotherapy (IPT) for depression."


def make_store(*people: dict[str, Any]) -> Store:
    store = Store(None)
    docs = []
    for n, raw in enumerate(people, 1):
        fields = build_fields(raw)
        docs.append({"rid": f"r{n}", "tid": None, "key": f"r{n}", "fields": fields, "extra": {},
                     "warnings": [], **enrich(fields),
                     "source": {"path": "/x/list.csv", "format": "csv", "locator": f"line {n}",
                                "imported_at": "2024-01-01T00:00:00+00:00"}})  # fmt: skip
    with store.transaction():
        store.records.insert_many(docs)
        merge.relink(store)
    return store


def names(hits: list[search.Hit]) -> list[str]:
    return [h.therapist.name for h in hits]


@pytest.fixture
def store() -> Store:
    return make_store(
        {"name": "Ana Lima", "zip": "02139", "statement": IPT_TEXT, "fee": "$120",
         "insurance": "Aetna PPO; BC BS PPO", "telehealth": "yes", "formats": "Individuals",
         "issues": "Trauma and PTSD, Depression", "languages": "Spanish", "ages": "Adults",
         "accepting": "yes"},
        {"name": "Ben Okafor", "zip": "02446", "orientations": "CBT, Interpersonal",
         "fee": "$200", "insurance": "Tufts", "telehealth": "no", "in_person": "yes",
         "sliding_scale": "yes",
         "issues": "Pregnancy, Prenatal, Postpartum", "ages": "Teen, Adults"},
        {"name": "Cara Diaz", "zip": "10001", "statement": IPT_TEXT, "telehealth": "yes",
         "in_person": "no",
         "formats": "Couples, Family", "accepting": "no"},
        {"name": "Dev Shah", "city": "Boston", "statement": "CBT and DBT."},
    )  # fmt: skip


def test_minimum_ipt_class(store: Store) -> None:
    hits = search.find(store, search.Query(min_ipt=IptClass.DESCRIBED))
    assert names(hits) == ["Ana Lima", "Cara Diaz"]
    hits = search.find(store, search.Query(min_ipt=IptClass.LISTED))
    assert names(hits) == ["Ana Lima", "Cara Diaz", "Ben Okafor"]


def test_near_with_radius_shows_distance_and_keeps_unknown_places(store: Store) -> None:
    hits = search.find(store, search.Query(near="02139", radius=5))
    assert names(hits) == ["Ana Lima", "Ben Okafor", "Dev Shah"]
    miles = {h.therapist.name: h.miles for h in hits}
    assert miles["Ana Lima"] == pytest.approx(0.0, abs=0.01)
    assert miles["Ben Okafor"] == pytest.approx(1.8, abs=0.1)
    assert miles["Dev Shah"] is None
    assert hits[2].unknown == ("distance unknown",)
    strict = search.find(store, search.Query(near="02139", radius=5, strict=True))
    assert names(strict) == ["Ana Lima", "Ben Okafor"]


def test_telehealth_makes_distance_a_preference(store: Store) -> None:
    hits = search.find(store, search.Query(near="02139", radius=5, telehealth=True))
    assert names(hits) == ["Ana Lima", "Cara Diaz", "Dev Shah"]
    assert hits[1].miles == pytest.approx(185, abs=10)
    assert hits[2].unknown == ("distance unknown", "telehealth unknown")


def test_in_person_excludes_online_only(store: Store) -> None:
    hits = search.find(store, search.Query(telehealth=False))
    assert [(h.therapist.name, h.matched, h.unknown) for h in hits] == [
        ("Ana Lima", (), ("in person unknown",)),
        ("Ben Okafor", ("in person",), ()),
        ("Dev Shah", (), ("in person unknown",)),
    ]


def test_insurance_values_are_alternatives_and_aliases_match(store: Store) -> None:
    hits = search.find(store, search.Query(insurance=("Blue Cross", "Tufts")))
    assert [(h.therapist.name, h.matched, h.unknown) for h in hits] == [
        ("Ana Lima", ("insurance",), ()),
        ("Cara Diaz", (), ("insurance unknown",)),
        ("Ben Okafor", ("insurance",), ()),
        ("Dev Shah", (), ("insurance unknown",)),
    ]
    assert names(search.find(store, search.Query(insurance=("Cigna",)))) == [
        "Cara Diaz", "Dev Shah"
    ]  # fmt: skip
    assert names(search.find(store, search.Query(insurance=("Cigna",), strict=True))) == []


def test_fee_unknown_is_kept_and_said_unless_strict(store: Store) -> None:
    hits = search.find(store, search.Query(max_fee=150))
    assert [(h.therapist.name, h.unknown) for h in hits] == [
        ("Ana Lima", ()), ("Cara Diaz", ("fee unknown",)), ("Dev Shah", ("fee unknown",)),
    ]  # fmt: skip
    assert names(search.find(store, search.Query(max_fee=150, strict=True))) == ["Ana Lima"]


def test_issue_synonyms_and_or(store: Store) -> None:
    q = search.Query(issues=("perinatal",), strict=True)
    assert names(search.find(store, q)) == ["Ben Okafor"]
    q = search.Query(issues=("PTSD", "perinatal"), strict=True)
    assert names(search.find(store, q)) == ["Ana Lima", "Ben Okafor"]


def test_format_language_age_accepting_and_sliding_scale(store: Store) -> None:
    strict = {"strict": True}
    assert names(search.find(store, search.Query(formats=("couple",), **strict))) == ["Cara Diaz"]
    assert names(search.find(store, search.Query(formats=("individual", "family"), **strict))) == [
        "Ana Lima", "Cara Diaz"
    ]  # fmt: skip
    assert names(search.find(store, search.Query(languages=("spanish",), **strict))) == [
        "Ana Lima"
    ]  # fmt: skip
    assert names(search.find(store, search.Query(ages=("teen",), **strict))) == ["Ben Okafor"]
    assert names(search.find(store, search.Query(accepting=True))) == [
        "Ana Lima", "Ben Okafor", "Dev Shah"
    ]  # fmt: skip
    assert names(search.find(store, search.Query(sliding_scale=True, **strict))) == ["Ben Okafor"]


def test_rank_and_why_line(store: Store) -> None:
    q = search.Query(near="02139", insurance=("aetna", "tufts"), max_fee=250, accepting=True)
    hits = search.find(store, q)
    assert [(h.rank, h.why) for h in hits] == [
        (
            1,
            "IPT described (statement); 0.0 mi; fits insurance, fee, accepting; "
            "lists your plan as 'Aetna PPO' (a directory claim to confirm)",
        ),
        (
            2,
            # Ben ticks "Interpersonal" among approaches: it may not mean IPT.
            "IPT listed (orientations): lists 'Interpersonal' among approaches: may not mean "
            "IPT \u2014 ask; 1.8 mi; fits insurance, fee; "
            "lists your plan as 'Tufts' (a directory claim to confirm); accepting unknown",
        ),
        (3, "IPT none; distance unknown, insurance unknown, fee unknown, accepting unknown"),
    ]


def test_profile_defaults_and_overrides() -> None:
    from finder.pursue.profiles import Profile

    profile = Profile(zip="02139", radius_miles=10, telehealth="required", insurance=["Aetna"],
                      budget=150, age_group="adult")  # fmt: skip
    base = search.from_profile(profile)
    assert (base.near, base.radius, base.telehealth, base.max_fee, base.ages) == (
        "02139", 10, True, 150, ("adult",)
    )  # fmt: skip
    query = search.override(base, radius=3, insurance=(), telehealth=None, max_fee=None)
    assert (query.radius, query.insurance, query.telehealth) == (3, ("Aetna",), True)


def test_unknown_zip_and_bad_values_are_refused(store: Store) -> None:
    with pytest.raises(UsageError, match="ZIP 00000 is not a known US ZIP code"):
        search.find(store, search.Query(near="00000"))
    with pytest.raises(UsageError, match="unknown format 'trio'"):
        search.normalise_format("trio")
    assert search.normalise_age("Teens") == "teen"


def test_query_zip_is_cached_in_the_data_folder(finder_home: Any) -> None:
    assert search.zip_point("02139") is not None
    assert (finder_home / "zip_points.json").read_bytes().startswith(b'{"02139":[42.36')
