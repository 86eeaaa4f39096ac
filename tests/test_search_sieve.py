"""`finder search` leaves out, in the store, who certainly fails two filters (the first
pass, ``judge/sieve.py``), and says exactly what reading every therapist's records says:
the same hits in the same order with the same reasons, the same left-out lines."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from finder.cli import cli
from finder.ingest import editing
from finder.judge import merge, search, truth
from finder.judge.enrich import enrich
from finder.judge.ipt import IptClass
from finder.records import normalize
from finder.storage import records_search
from finder.storage.records_search import Sieve
from finder.storage.store import Store, open_store

STATEMENTS = [
    "Trained in Interpersonal Psychotherapy (IPT); ISIPT certified IPT therapist.",
    "I use interpersonal psychotherapy for depression, 12-16 sessions.",
    "Approaches: Interpersonal, CBT",
    "I help adults with anxiety.",
]
PLACES = [  # (city, state, zip): a ZIP's centroid, a city's centre, or nothing
    ("Boston", "MA", "02115"), ("Cambridge", "MA", "02139"), ("Newton", "MA", None),
    ("Worcester", "MA", "01608"), ("New York", "NY", "10001"), ("Chicago", "IL", None),
    (None, None, None), ("Springfield", "MA", "01103"),
]  # fmt: skip
PLANS = ["Aetna", "BC BS PPO", "Blue Cross Blue Shield", "Anthem", "Tufts Health Plan",
         "Cigna", "Medicaid", "United"]  # fmt: skip
NAMES = ["Ann Bell", "ann bell", "Zoe Adams", "Ben Cole", "Cara Diaz", "Dev Evans", "Eli Fox"]


def _raw(rng: random.Random, i: int) -> dict[str, Any]:
    city, state, zip_code = rng.choice(PLACES)
    raw: dict[str, Any] = {"name": f"{rng.choice(NAMES)} {i % 13}",
                           "statement": rng.choice(STATEMENTS)}  # fmt: skip
    if city:
        raw.update(city=city, state=state)
    if zip_code:
        raw["zip"] = zip_code
    low = rng.choice([None, 60, 90, 120, 150, 151, 200, 260])
    if low is not None:
        raw["fee"] = rng.choice([f"${low}", f"${low} - ${low + 40}", f"${low}-${low}"])
    if rng.random() < 0.7:
        raw["insurance"] = ", ".join(rng.sample(PLANS, rng.randint(1, 3)))
    for name in ("sliding_scale", "telehealth", "in_person", "accepting", "accepts_insurance"):
        choice = rng.choice(["yes", "no", None])
        if choice:
            raw[name] = choice
    if rng.random() < 0.1:
        raw["country"] = rng.choice(["CA", "US"])
    if rng.random() < 0.3:
        raw["issues"] = rng.choice(["Depression", "Grief, Anxiety", "Trauma"])
    lists = {"specialties": ["Postpartum", "Eating Disorders", "OCD", "Bipolar Disorder"],
             "languages": ["English", "Spanish", "Haitian Creole", "ASL"],
             "formats": ["Individuals", "Couples", "Family", "Teletherapy"],
             "groups": ["DBT skills"], "ages": ["Adults", "Teen", "Children (6-10)", "65+"]}  # fmt: skip
    for name, items in lists.items():
        if rng.random() < 0.4:
            raw[name] = ", ".join(rng.sample(items, rng.randint(1, min(2, len(items)))))
    return raw


def _doc(rid: str, when: str, fields: dict[str, Any], n: int) -> dict[str, Any]:
    return {"rid": rid, "tid": None, "key": rid, "fields": fields, "extra": {}, "warnings": [],
            **enrich(fields),
            "source": {"path": f"/x/{rid}.csv", "format": "csv", "locator": f"line {n}",
                       "imported_at": when}}  # fmt: skip


def _build(store: Store) -> None:
    """Therapists of one record and of several (the same NPI in two lists a day apart,
    agreeing or not), the user's own entries and edits, and a record whose country no
    column can hold."""
    rng = random.Random(16)
    docs = []
    npis = ["1234567893", "1245319599", "1003000126", "1487656589", "1679576722", "1023000059"]
    for i in range(160):
        fields = normalize.build_fields(_raw(rng, i))
        docs.append(_doc(f"a{i}", "2024-01-01T00:00:00+00:00", fields, i))
    for i, npi in enumerate(npis * 2):  # several sources per clinician
        first = _raw(rng, 1000 + i)
        for day in ("2024-02-01", "2024-03-01"):
            raw = first if day == "2024-02-01" or i % 3 == 0 else _raw(rng, 2000 + i)
            raw["npi"] = npi
            if i % 4 == 0:
                raw.pop("zip", None)  # one source with a place, one without
            docs.append(_doc(f"n{i}{day}", f"{day}T00:00:00+00:00",
                             normalize.build_fields(raw), i))  # fmt: skip
    odd = normalize.build_fields({"name": "Odd Country", "zip": "02115", "fee": "$90",
                                  "statement": STATEMENTS[0]})  # fmt: skip
    odd["country"] = ""
    docs.append(_doc("odd", "2024-01-01T00:00:00+00:00", odd, 1))
    for n, (name, value) in enumerate([("languages", ["\u2014"]), ("formats", [""]),
                                        ("ages", "adults"), ("specialties", ["", "Grief"])]):  # fmt: skip
        docs[n * 7]["fields"][name] = value  # lists as a source may give them
    with store.transaction():
        store.records.insert_many(docs)
        merge.relink(store)
    editing.add_therapist(store, {"name": "Dana Reyes", "zip": "02139", "fee": "$100",
                                  "insurance": "Aetna", "statement": STATEMENTS[1]})  # fmt: skip
    tids = sorted({d["tid"] for d in store.records.all()})
    for tid, (name, value) in zip(tids[::17], itertools.cycle(
            [("fee", "95"), ("telehealth", "yes"), ("zip", "10001"), ("insurance", "Cigna"),
             ("name", "Zed Own"), ("fee", "300")])):  # fmt: skip
        editing.edit_field(store, tid, name, value)


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    made = Store(None)
    _build(made)
    yield made


def _queries() -> list[search.Query]:
    rng = random.Random(5)
    out = [search.Query(), search.Query(near="02115", radius=25.0, insurance=("Aetna",),
                                        max_fee=150.0, min_ipt=IptClass.LISTED)]  # fmt: skip
    for _ in range(160):
        near = rng.choice([None, "02115", "02139", "10001", "60601"])
        city = rng.choice([None, None, "Boston", "Newton"]) if near is None else None
        out.append(search.Query(
            min_ipt=rng.choice([None, IptClass.LISTED, IptClass.DESCRIBED, IptClass.CREDENTIAL]),
            near=near, city=city, state="MA" if city else rng.choice([None, "MA"]),
            radius=rng.choice([None, 2.0, 10.0, 25.0, 200.0, 5000.0]),
            insurance=rng.choice([(), ("Aetna",), ("Blue Cross Blue Shield",), ("BCBS",),
                                  ("Tufts",), ("Cigna", "Anthem")]),
            max_fee=rng.choice([None, None, 100.0, 150.0, 200.0]),
            sliding_scale=rng.random() < 0.2,
            telehealth=rng.choice([None, None, True, False]),
            accepting=rng.random() < 0.2,
            country=rng.choice([None, None, "US", "CA"]),
            strict=rng.random() < 0.25,
            issues=rng.choice([(), (), (), ("depression",), ("PTSD",), ("eating disorders",),
                               ("ocd", "grief"), ("!",)]),
            languages=rng.choice([(), (), (), ("Spanish",), ("english", "ASL"), ("\u2014",)]),
            formats=rng.choice([(), (), (), ("couple",), ("group", "family"), ("Teletherapy",)]),
            ages=rng.choice([(), (), (), ("child",), ("teen", "elder"), ("adult",)]),
        ))  # fmt: skip
    return out


def _seen(found: search.Found, query: search.Query) -> tuple[Any, ...]:
    hits = [(h.therapist.tid, h.rank, h.miles, h.matched, h.unknown, h.why, h.approx)
            for h in found.hits]  # fmt: skip
    left = {name: sorted((who.tid, who.name, detail) for who, detail in people)
            for name, people in found.left_out.items()}  # fmt: skip
    return hits, left, truth.lines(found, query)


@pytest.mark.parametrize("query", _queries())
def test_the_first_pass_changes_nothing_a_search_finds(store: Store, query: search.Query) -> None:
    fast = search.find_all(store, query)
    full = search.find_all(store, query, sift=False)
    assert _seen(fast, query) == _seen(full, query)


def test_very_many_fitting_plan_lists_change_nothing(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(records_search, "MANY_PLANS", 0)  # as one JSON argument
    for query in _queries()[:60]:
        assert _seen(search.find_all(store, query), query) == _seen(
            search.find_all(store, query, sift=False), query
        )


def test_the_store_holds_what_the_comparison_needs(store: Store) -> None:
    """Therapists with several records, some disagreeing; the user's own; an odd one."""
    own = store.records.own_tids()
    several = store.records.index.sieve(Sieve())[2]
    assert len(own) >= 5 and len(several) >= 4
    assert several == _several(store)
    query = search.Query(near="02115", radius=25.0, insurance=("Aetna",), max_fee=150.0)
    found = search.find_all(store, query)
    assert found.hits and {"distance", "fee", "insurance"} <= set(found.left_out)


def _several(store: Store) -> set[int]:
    """The therapists with more than one imported record, counted from the records."""
    index = store.records.index
    return {t for t in store.records.therapist_ids() if len(index.ids_of_therapists([t])) > 1}


def test_the_therapists_with_several_records_follow_every_change() -> None:
    made = Store(None)
    _build(made)
    several = sorted(made.records.index.sieve(Sieve())[2])
    solo = sorted(set(made.records.therapist_ids()) - set(several) - made.records.own_tids())
    first = made.records.index.ids_of_therapists([several[0]])
    with made.transaction():  # one therapist loses a record, two others are joined
        made.records.remove([min(first)])
        joined = made.records.index.ids_of_therapists([solo[1]])
        made.records.update_many({i: {"tid": solo[0]} for i in joined})
    assert made.records.index.sieve(Sieve())[2] == _several(made)
    assert solo[0] in _several(made)
    for query in _queries()[:40]:
        assert _seen(search.find_all(made, query), query) == _seen(
            search.find_all(made, query, sift=False), query
        )


def test_search_output_is_the_same_read_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """The table with --why, --json and --csv, from the command line, both ways."""
    store = open_store()
    _build(store)
    store.close()
    runner = CliRunner()
    runner.invoke(cli, ["profile", "set", "--zip", "02115", "--radius", "25", "--insurance",
                        "Aetna", "--budget", "150"])  # fmt: skip
    commands = [["search", "--ipt", "listed", "--why"], ["search", "--json"],
                ["search", "--format", "csv", "--strict"], ["search", "--telehealth", "--why"],
                ["list", "--max-fee", "120", "--format", "json"]]  # fmt: skip
    fast = [runner.invoke(cli, args) for args in commands]
    whole = search.find_all
    monkeypatch.setattr(search, "find_all", lambda s, q, **k: whole(s, q, **k, sift=False))
    full = [runner.invoke(cli, args) for args in commands]
    for args, a, b in zip(commands, fast, full, strict=True):
        assert a.exit_code == 0, (args, a.output)
        assert (a.stdout, a.stderr) == (b.stdout, b.stderr), args
