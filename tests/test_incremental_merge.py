"""Merging a new or edited record plans only its neighbourhood, and gives the same therapists
as planning the whole store (random stores, several seeds)."""

from __future__ import annotations

import random
from typing import Any

import pytest

from finder.judge import merge
from finder.storage.store import Store

FIRST = ["Ana", "Anna", "Ben", "Carla", "Dev", "Elena", "Femi", "Grace", "Hiro", "Ines", "Jon",
         "John", "Kara", "Liam", "Mia", "Noah", "Omar", "Pia", "Quinn", "Rosa"]  # fmt: skip
LAST = ["Alvarez", "Alvares", "Brown", "Chen", "Diaz", "Evans", "Fischer", "Garcia", "Hughes",
        "Ito", "Jones", "Kim", "Lopez", "Moore", "Nguyen", "Okafor", "Patel", "Reyes", "Smith",
        "Smyth", "Taylor", "Walker", "Young", "Zhang"]  # fmt: skip
CITIES = [("Boston", "MA", "02108"), ("Cambridge", "MA", "02139"), ("Salem", "MA", "01970"),
          ("Albany", "NY", "12207"), ("Buffalo", "NY", "14201"), ("Portland", "OR", "97201"),
          ("Portland", "ME", "04101")]  # fmt: skip
ORGS = ["Harbor Counseling LLC", "Harbour Counselling", "Northside Therapy Group", "Mind Works"]


def record(rng: random.Random, n: int) -> dict[str, Any]:
    city, state, zip_code = rng.choice(CITIES)
    fields: dict[str, Any] = {"city": city}
    if rng.random() < 0.85:
        fields["state"] = state
    if rng.random() < 0.6:
        fields["zip"] = zip_code
    if rng.random() < 0.08:
        fields.update(name=rng.choice(ORGS), is_organization=True)
    else:
        first, last = rng.choice(FIRST), rng.choice(LAST)
        fields.update(name=f"{first} {last}", first_name=first, last_name=last)
    if rng.random() < 0.6:
        fields["phones"] = [f"+1617555{rng.randrange(120):04d}"]
    if rng.random() < 0.3:
        fields["npi"] = f"1{rng.randrange(400):09d}"
    if rng.random() < 0.3:
        fields.update(license_number=str(1000 + rng.randrange(300)), license_state=state,
                      license_type=rng.choice(["LCSW", "LMHC", "PhD"]))  # fmt: skip
    if rng.random() < 0.05:
        fields["statement"] = "I help adults with depression and grief using IPT and CBT."
    source = {"path": "list.csv", "format": "csv", "locator": f"row {n}", "kind": "import"}
    return {"rid": f"r{n:05d}", "source": source, "key": f"k{n}", "fields": fields, "tid": None}


def links(store: Store) -> list[tuple[str, int]]:
    return sorted((d["rid"], d["tid"]) for d in store.records.all())


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_incremental_merge_plans_the_same_therapists(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(seed)
    base = [record(rng, n) for n in range(1200)]
    partial, whole = Store(None), Store(None)
    for store in (partial, whole):
        with store.transaction():
            store.records.insert_many(base)
            merge.relink(store)
    assert links(partial) == links(whole)

    planned: list[int] = []
    real = merge._make_plan
    monkeypatch.setattr(
        merge, "_make_plan", lambda docs, *a: (planned.append(len(docs)), real(docs, *a))[1]
    )
    for n in range(1200, 1228):
        if n % 4 == 3:  # an edit: a record's fields change (a new phone, another city)
            changed = rng.randrange(n - 1)
            fields = record(rng, changed)["fields"]
            for store in (partial, whole):
                with store.transaction():
                    doc = store.records.first(rid=f"r{changed:05d}")
                    store.records.update(doc["_id"], {"fields": fields})
            rid = f"r{changed:05d}"
        else:
            doc = record(rng, n)
            for store in (partial, whole):
                with store.transaction():
                    store.records.insert(doc)
            rid = doc["rid"]
        if n % 10 == 0:  # now and then a record the user entered by hand
            own = record(rng, 90000 + n)
            own["rid"] = f"user-add-{n}"
            own["source"] = {"path": "finder add", "format": "manual", "kind": "user"}
            for store in (partial, whole):
                with store.transaction():
                    store.records.insert(own)
        planned.clear()
        merge.relink(partial, {rid})
        assert planned and planned[0] < len(partial.records) * 0.3, "the whole store was planned"
        merge.relink(whole)
        assert links(partial) == links(whole), f"seed {seed}, after record {n}"
    # A whole relink of the incrementally linked store changes nothing.
    before = links(partial)
    merge.relink(partial)
    assert links(partial) == before
