"""Merge rules: which records become one therapist, and which never do."""

from __future__ import annotations

import random
from typing import Any

import pytest

from finder.errors import NotFound, UsageError
from finder.judge import merge
from finder.judge.linkage import canonical_url, licence_key
from finder.storage.store import Store


def doc(rid: str, tid: int | None = None, **fields: Any) -> dict[str, Any]:
    if "name" in fields and "last_name" not in fields and not fields.get("is_organization"):
        words = fields["name"].split()
        fields.setdefault("first_name", words[0])
        fields["last_name"] = words[-1]
    return {
        "rid": rid,
        "tid": tid,
        "key": rid,
        "source": {
            "path": f"/data/{rid}.csv",
            "format": "csv",
            "locator": "line 2",
            "imported_at": "2024-01-01T00:00:00+00:00",
            "kind": "import",
        },
        "fields": fields,
        "extra": {},
        "warnings": [],
    }


def plan(*docs: dict[str, Any], decisions: list[dict[str, Any]] | None = None) -> merge.Plan:
    numbered = [dict(d, _id=i) for i, d in enumerate(docs, 1)]
    return merge.make_plan(numbered, decisions or [])


def together(p: merge.Plan, a: str, b: str) -> bool:
    return p.tids[a] == p.tids[b]


def store_with(*docs: dict[str, Any]) -> Store:
    store = Store(None)
    with store.transaction():
        store.records.insert_many(docs)
        merge.relink(store)
    return store


def tids(store: Store) -> dict[str, int]:
    return {d["rid"]: d["tid"] for d in store.records.all()}


# ------------------------------------------------------------------ the merge rules


def test_same_npi_is_one_therapist_even_with_other_names() -> None:
    p = plan(doc("a", name="Dana Reyes", npi="1234567893"),
             doc("b", name="Dana R. Smith", npi="1234567893", state="NY"))  # fmt: skip
    assert together(p, "a", "b")


def test_one_npi_on_two_clearly_different_people_is_a_pair_to_review() -> None:
    # Payer directories put a group's NPI on each of its clinicians; the Plan-Net
    # examples give three practitioners one NPI. Two unrelated names are two people.
    p = plan(doc("a", name="Susie Smith", npi="9941339100", state="IL"),
             doc("b", name="Hans Solo", npi="9941339100", state="IL"))  # fmt: skip
    assert not together(p, "a", "b")
    assert [(c.a, c.b, c.reason) for c in p.review] == [
        ("a", "b", "same NPI 9941339100, names differ")
    ]


def test_one_profile_url_on_two_clearly_different_people_is_a_pair_to_review() -> None:
    url = "https://www.psychologytoday.com/us/therapists/x/123456"
    p = plan(doc("a", name="Dana Reyes", profile_url=url),
             doc("b", name="Omar Patel", profile_url=url))  # fmt: skip
    assert not together(p, "a", "b")
    assert [c.reason for c in p.review] == [
        "same profile URL https://www.psychologytoday.com/us/therapists/123456, names differ"
    ]


def test_licence_number_and_state_equal_is_one_therapist() -> None:
    p = plan(doc("a", name="Dana Reyes", license_number="LIC-0118148", license_state="MA",
                 license_type="LCSW"),
             doc("b", name="Dana Reyes-Ortiz", license_number="118148", license_state="MA",
                 license_type="LCSW", city="Boston"))  # fmt: skip
    assert together(p, "a", "b")


def test_same_licence_number_of_another_licence_type_is_not_the_same() -> None:
    # Boards number licences per type: an LMHC and a psychologist can both hold 1517.
    p = plan(doc("a", name="Judy Prebble", license_number="1517", license_state="MA",
                 license_type="LPC"),
             doc("b", name="Justin Marsh", license_number="1517", license_state="MA",
                 license_type="LMFT"))  # fmt: skip
    assert not together(p, "a", "b")


def test_licence_typo_does_not_join_two_strangers() -> None:
    p = plan(doc("a", name="Ruth Rowe", license_number="9372", license_state="MA",
                 license_type="LPC"),
             doc("b", name="Gureen Singh", license_number="9372", license_state="MA",
                 license_type="LPC"))  # fmt: skip
    assert not together(p, "a", "b")


def test_licence_in_another_state_is_not_the_same() -> None:
    p = plan(doc("a", name="Dana Reyes", license_number="5555", license_state="MA"),
             doc("b", name="Dana Reyes", license_number="5555", license_state="NH"))  # fmt: skip
    assert not together(p, "a", "b")


def test_phone_and_family_name_equal_is_one_therapist() -> None:
    p = plan(doc("a", name="Dana Reyes", phones=["617-555-0100"]),
             doc("b", name="D. Reyes", first_name="D", phones=["617-555-0100"], city="Boston"))  # fmt: skip
    assert together(p, "a", "b")


def test_shared_practice_phone_with_another_given_name_is_not_the_same() -> None:
    p = plan(doc("a", name="John Reyes", phones=["617-555-0100"]),
             doc("b", name="Mary Reyes", phones=["617-555-0100"]))  # fmt: skip
    assert not together(p, "a", "b")


def test_phone_extension_tells_colleagues_apart() -> None:
    p = plan(doc("a", name="Dana Reyes", phones=["617-555-0100 x1"]),
             doc("b", name="Dana Reyes", phones=["617-555-0100 x2"], state="MA"),
             doc("c", name="Dana Reyes", phones=["617-555-0100 x1"], state="MA"))  # fmt: skip
    assert together(p, "a", "c")


def test_close_name_in_the_same_zip_is_one_therapist() -> None:
    p = plan(doc("a", name="Emily Newmann", zip="02139"),
             doc("b", name="Emily Newman", zip="02139"))  # fmt: skip
    assert together(p, "a", "b")


def test_same_name_in_the_same_city_is_one_therapist() -> None:
    p = plan(doc("a", name="Gayle Clark", city="Cambridge"),
             doc("b", name="Gayle Clark", city="Cambridge", state="MA", zip="02138"))  # fmt: skip
    assert together(p, "a", "b")


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"license_type": "LCSW"}, {"license_type": "LPC"}),
        ({"phones": ["+16175550100"]}, {"phones": ["+16175550199"]}),
    ],
    ids=["license families", "phones"],
)
def test_close_names_the_sources_set_apart_are_a_pair_to_review(
    first: dict[str, Any], second: dict[str, Any]
) -> None:
    p = plan(doc("a", name="Dana Salas", city="Austin", state="TX", **first),
             doc("b", name="Diana Salas", city="Austin", state="TX", **second))  # fmt: skip
    assert not together(p, "a", "b")
    assert [(c.a, c.b, c.reason) for c in p.review] == [
        ("a", "b", "close name, different license or phone, same city")
    ]


def test_close_names_with_one_phone_in_common_are_one_therapist() -> None:
    p = plan(doc("a", name="Dana Salas", city="Austin", state="TX", phones=["+15125550100"]),
             doc("b", name="Diana Salas", city="Austin", state="TX",
                 phones=["+15125550100", "+15125550101"]))  # fmt: skip
    assert together(p, "a", "b")


def test_close_name_in_another_city_is_not_merged() -> None:
    p = plan(doc("a", name="Emily Newmann", city="Newton"),
             doc("b", name="Emily Newmann", city="Boston"))  # fmt: skip
    assert not together(p, "a", "b")


def test_namesakes_in_different_states_are_never_merged() -> None:
    p = plan(doc("a", name="Dana Reyes", city="Portland", state="OR"),
             doc("b", name="Dana Reyes", city="Portland", state="ME"))  # fmt: skip
    assert not together(p, "a", "b")
    assert p.review == []
    assert p.comparisons == 0  # a city is a city in a state: they are not even compared


def test_a_record_without_a_state_is_compared_across_its_city() -> None:
    p = plan(doc("a", name="Dana Reyes", city="Portland", state="OR"),
             doc("b", name="Dana Reyes", city="Portland", state="ME"),
             doc("c", name="Dana Reyes", city="Portland"))  # fmt: skip
    assert not together(p, "a", "b")
    # c joins the first namesake it is compared with; then b is in another state.
    assert together(p, "a", "c")
    assert not together(p, "b", "c")


def test_namesakes_with_different_npis_are_never_merged() -> None:
    p = plan(doc("a", name="Dana Reyes", zip="02139", npi="1234567893"),
             doc("b", name="Dana Reyes", zip="02139", npi="1245319599"))  # fmt: skip
    assert not together(p, "a", "b")


def test_no_chain_of_weak_links_puts_two_npis_in_one_therapist() -> None:
    p = plan(doc("a", name="Dana Reyes", zip="02139", npi="1234567893"),
             doc("b", name="Dana Reyes", zip="02139"),
             doc("c", name="Dana Reyes", zip="02139", npi="1245319599"))  # fmt: skip
    assert not together(p, "a", "c")
    # b (no NPI) joins exactly one of the two clinicians, never both and never neither.
    assert [together(p, "a", "b"), together(p, "b", "c")].count(True) == 1


def test_organisations_only_merge_with_organisations() -> None:
    p = plan(doc("org", name="Reyes Counseling Group", is_organization=True,
                 phones=["617-555-0100"], city="Boston"),
             doc("org2", name="Reyes Counseling Group LLC", is_organization=True, city="Boston"),
             doc("person", name="Reyes Counseling Group", phones=["617-555-0100"],
                 city="Boston"))  # fmt: skip
    assert together(p, "org", "org2")
    assert not together(p, "org", "person")


def test_same_profile_url_in_two_shapes_is_one_therapist() -> None:
    old = "https://therapists.psychologytoday.com/rms/prof_detail.php?profid=299404&sid=1"
    new = "https://www.psychologytoday.com/us/therapists/gayle-clark-cambridge-ma/299404"
    assert (
        canonical_url(old)
        == canonical_url(new)
        == ("https://www.psychologytoday.com/us/therapists/299404")
    )
    p = plan(doc("a", name="Gayle Clark", profile_url=old),
             doc("b", name="G. Clark", profile_url=new, state="MA"))  # fmt: skip
    assert together(p, "a", "b")


def test_canonical_url_drops_tracking_and_trailing_slash() -> None:
    assert canonical_url("http://WWW.Example.com/t/jane/?utm_source=x&b=2&a=1") == (
        "https://www.example.com/t/jane"
    )
    assert canonical_url("not a url") is None
    assert licence_key("00", "MA") is None
    assert licence_key("lic 0042-17", "ma", "LCSW") == ("MA SOCIAL WORKER", "4217")
    assert licence_key("PSY 12345", "CA", "Psychologist") == ("CA PSYCHOLOGIST", "12345")
    # Licences are keyed by family: "LICSW" and "Clinical Social Worker" are one kind.
    assert licence_key("4217", "MA", "LICSW") == licence_key("4217", "MA", "Clinical Social Worker")


def test_one_profile_twice_in_one_file_is_one_therapist() -> None:
    url = "https://www.psychologytoday.com/us/therapists/108997"
    p = plan(doc("row1", name="Emily Newmann", profile_url=url),
             doc("row2", name="Emily Newmann", profile_url=url),
             doc("other", name="Kevin Ketchum", city="Brookline"))  # fmt: skip
    assert together(p, "row1", "row2")
    assert len(set(p.tids.values())) == 2


def test_shortened_given_name_is_a_pair_to_review_not_a_merge() -> None:
    p = plan(doc("a", name="J Smith", first_name="J", zip="02139"),
             doc("b", name="John Smith", zip="02139"))  # fmt: skip
    assert not together(p, "a", "b")
    assert [(c.a, c.b, c.reason) for c in p.review] == [
        ("a", "b", "given name shortened, same ZIP 02139")
    ]


def test_comparisons_stay_far_below_all_pairs() -> None:
    rng = random.Random(7)
    letters = "abcdefghijklmnopqrstuvwxyz"
    docs = [doc(f"r{i}", name="".join(rng.choices(letters, k=6)).title() + " "
                + "".join(rng.choices(letters, k=7)).title(), city="Cambridge")
            for i in range(3000)]  # fmt: skip
    p = plan(*docs)
    assert p.comparisons < 3000 * 5
    assert len(set(p.tids.values())) == 3000


# ------------------------------------------------------------------ ids: deterministic, stable


def test_same_input_gives_same_ids_whatever_the_order() -> None:
    docs = [dict(doc(f"r{i}", name=f"Name{i} Person{i % 7}", zip="02139"), _id=i)
            for i in range(1, 60)]  # fmt: skip
    docs.append(dict(doc("dup", name="Name3 Person3", zip="02139"), _id=60))
    first = merge.make_plan(docs).tids
    shuffled = docs[:]
    random.Random(1).shuffle(shuffled)
    assert merge.make_plan(shuffled).tids == first
    assert first["r1"] == 1 and first["dup"] == first["r3"] == 3


def test_reimport_keeps_existing_ids_and_numbers_new_ones_after() -> None:
    store = store_with(doc("a", name="Dana Reyes", zip="02139"),
                       doc("b", name="Kevin Ketchum", zip="02446"))  # fmt: skip
    before = tids(store)
    assert before == {"a": 1, "b": 2}
    with store.transaction():
        store.records.insert_many([doc("c", name="Dana Reyes", zip="02139"),
                                   doc("d", name="Ana Lima", zip="02139")])  # fmt: skip
        merge.relink(store, {"c", "d"})
    assert tids(store) == {"a": 1, "b": 2, "c": 1, "d": 3}
    with store.transaction():
        merge.relink(store)
    assert tids(store) == {"a": 1, "b": 2, "c": 1, "d": 3}


def test_merging_two_therapists_keeps_the_smaller_id_and_moves_their_data() -> None:
    store = store_with(doc("a", name="Dana Reyes", city="Boston"),
                       doc("b", name="Dana Reyes", npi="1234567893"))  # fmt: skip
    assert tids(store) == {"a": 1, "b": 2}
    with store.transaction():
        store.shortlist.insert_many([
            {"profile": "me", "tid": 1, "status": "to-contact", "added_at": "1",
             "updated_at": "2024-01-01"},
            {"profile": "me", "tid": 2, "status": "consulted", "added_at": "1",
             "updated_at": "2024-03-01"},
            {"profile": "client", "tid": 2, "status": "to-contact", "added_at": "1",
             "updated_at": "2024-01-01"},
        ])  # fmt: skip
        for table in ("contacts", "notes", "verifications"):
            store.table(table).insert({"profile": "me", "tid": 2, "text": "x"})
        store.answers.insert({"profile": "me", "tid": 2, "checklist": "c", "qid": "q",
                              "value": "yes", "answered_at": "2024-02-01"})  # fmt: skip
        # A third record carries both identifiers: the two therapists are one clinician.
        store.records.insert(doc("c", name="Dana Reyes", city="Boston", npi="1234567893"))
        merge.relink(store, {"c"})
    assert tids(store) == {"a": 1, "b": 1, "c": 1}
    shortlist = sorted((d["profile"], d["tid"], d["status"]) for d in store.shortlist.all())
    assert shortlist == [("client", 1, "to-contact"), ("me", 1, "consulted")]
    for table in ("contacts", "notes", "verifications", "answers"):
        assert [d["tid"] for d in store.table(table).all()] == [1]


def test_pinned_correction_stays_with_its_therapist_and_follows_it() -> None:
    store = store_with(doc("a", name="Dana Reyes", city="Boston"),
                       doc("b", name="Dana Reyes", npi="1234567893"))  # fmt: skip
    with store.transaction():
        pin = doc("user-edit-2", tid=2, name="Somebody Else", npi="1245319599")
        store.records.insert({**pin, "pinned": True})
        merge.relink(store)
    assert tids(store)["user-edit-2"] == 2
    with store.transaction():
        store.records.insert(doc("c", name="Dana Reyes", city="Boston", npi="1234567893"))
        merge.relink(store)
    assert tids(store) == {"a": 1, "b": 1, "c": 1, "user-edit-2": 1}


# ------------------------------------------------------------------ the user's decisions


def test_different_decision_is_respected_by_every_later_relink() -> None:
    store = store_with(doc("a", name="Emily Newmann", zip="02139"),
                       doc("b", name="Emily Newman", zip="02139"))  # fmt: skip
    assert tids(store) == {"a": 1, "b": 1}
    outcome = merge.decide(store, "a", "b", "different")
    assert (outcome.first, outcome.second) == ((1,), (2,))
    with store.transaction():
        store.records.insert(doc("c", name="Emily Newmann", zip="02139"))
        merge.relink(store)
    after = tids(store)
    assert after["a"] != after["b"]
    assert after["c"] in (after["a"], after["b"])


def test_same_decision_joins_what_the_rules_keep_apart() -> None:
    store = store_with(doc("a", name="Dana Reyes", city="Boston"),
                       doc("b", name="Dana Reyes-Lopez", city="Cambridge"))  # fmt: skip
    outcome = merge.decide(store, "2", "1", "same")
    assert (outcome.first, outcome.second) == ((1,), (1,))
    assert [d["decision"] for d in store.merge_decisions.all()] == ["same"]
    # The latest word wins.
    merge.decide(store, "a", "b", "different")
    assert tids(store) == {"a": 1, "b": 3}  # 2 was absorbed; ids are never reused
    assert [d["decision"] for d in store.merge_decisions.all()] == ["different"]


def test_split_undoes_a_merge_and_is_remembered() -> None:
    store = store_with(doc("a", name="Gayle Clark", city="Cambridge"),
                       doc("b", name="Gayle Clark", city="Cambridge", zip="02138"),
                       doc("c", name="Gayle Clark", city="Cambridge", zip="02138"))  # fmt: skip
    assert set(tids(store).values()) == {1}
    with store.transaction():
        store.shortlist.insert({"profile": "me", "tid": 1, "status": "contacted",
                                "added_at": "1", "updated_at": "1"})  # fmt: skip
    assert merge.split(store, 1) == [1, 2, 3]
    assert tids(store) == {"a": 1, "b": 2, "c": 3}
    assert [d["tid"] for d in store.shortlist.all()] == [1]
    with store.transaction():
        merge.relink(store)
    assert tids(store) == {"a": 1, "b": 2, "c": 3}


def test_split_of_named_records_only() -> None:
    store = store_with(doc("a", name="Gayle Clark", city="Cambridge"),
                       doc("b", name="Gayle Clark", city="Cambridge"),
                       doc("c", name="Gayle Clark", city="Cambridge"))  # fmt: skip
    assert merge.split(store, 1, ["c"]) == [1, 2]
    assert tids(store) == {"a": 1, "b": 1, "c": 2}


def test_split_and_decide_refuse_what_cannot_be_done() -> None:
    store = store_with(doc("a", name="Dana Reyes"), doc("b", name="Kevin Ketchum"))
    with pytest.raises(UsageError, match="therapist 1 has only one record"):
        merge.split(store, 1)
    with pytest.raises(NotFound, match="no therapist 9"):
        merge.split(store, 9)
    with pytest.raises(NotFound, match="no therapist or record 'zzzzzzz'"):
        merge.decide(store, "a", "zzzzzzz", "same")
    with pytest.raises(UsageError, match="are the same records"):
        merge.decide(store, "a", "1", "same")
