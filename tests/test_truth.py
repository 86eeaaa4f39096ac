"""Show only what a source says: one reader per fact, every path giving one answer."""

from __future__ import annotations

from typing import Any

import pytest

from finder.importers.tabular.cells import license_combined as _license_combined
from finder.judge import claims, merge, search, truth
from finder.judge.enrich import enrich
from finder.judge.therapists import load_all
from finder.records import normalize
from finder.records.normalize import licences
from finder.records.normalize.plans import matching_plan
from finder.storage.store import Store


def _store(*people: tuple[str, str, dict[str, Any]]) -> Store:
    """(rid, imported_at, raw fields) per record; records of one name link by NPI."""
    store = Store(None)
    docs = []
    for n, (rid, when, raw) in enumerate(people, 1):
        fields = normalize.build_fields(raw)
        docs.append({"rid": rid, "tid": None, "key": rid, "fields": fields, "extra": {},
                     "warnings": [], **enrich(fields),
                     "source": {"path": f"/x/{rid}.csv", "format": "csv", "locator": f"line {n}",
                                "imported_at": when}})  # fmt: skip
    with store.transaction():
        store.records.insert_many(docs)
        merge.relink(store)
    return store


# ------------------------------------------------------------------ licences


@pytest.mark.parametrize(
    ("raw", "shown", "family", "supervised"),
    [
        ({"name": "Ann Bell, LMHC"}, "LMHC", "counselor", False),
        ({"name": "Ann Bell", "credentials": "MSW, LSW"}, "LSW", "social worker", True),
        ({"name": "Ann Bell, AMFT"}, "AMFT", "marriage and family therapist", True),
        ({"name": "Ann Bell, LCPC"}, "LCPC", "counselor", False),
        ({"name": "Ann Bell", "credentials": "MHC-LP"}, "MHC-LP", "counselor", True),
        ({"name": "Ann Bell", "title": "Licensed Psychoanalyst", "credentials": "PhD"},
         "Licensed Psychoanalyst", "psychoanalyst", False),
        ({"name": "Ann Bell", "title": "Marriage & Family Therapist Associate"},
         "Marriage & Family Therapist Associate", "marriage and family therapist", True),
        ({"name": "Ann Bell", "title": "Counselor", "credentials": "MS, MA"}, None, None, False),
        ({"name": "Ann Bell", "title": "Pre-Licensed Professional", "credentials": "MA"},
         "Pre-Licensed Professional", None, True),
        ({"name": "Ann Bell", "credentials": "PhD"}, None, None, False),
        ({"name": "Ann Bell", "license_type": "MA"}, None, None, False),
    ],
)  # fmt: skip
def test_licence_is_shown_as_stated(
    raw: dict[str, Any], shown: str | None, family: str | None, supervised: bool
) -> None:
    fields = normalize.build_fields(raw)
    assert fields.get("license_type") == shown
    assert licences.licence_family(shown) == family
    assert (licences.licence_level(shown) == licences.SUPERVISED) is supervised


def test_licence_state_comes_from_the_licence_text_in_every_reader() -> None:
    # The HTML pages and the tabular importers read a licence cell with the one reader.
    for text, state in (("12345 West Virginia", "WV"), ("12345 Virginia", "VA"),
                        ("LPC 12345 (TX)", "TX")):  # fmt: skip
        raw: dict[str, Any] = {}
        _license_combined(text, raw)
        assert raw["license_state"] == normalize.license_parts(text)["license_state"] == state
    assert normalize.license_parts("LPC 12345 (TX)") == {
        "license_number": "12345",
        "license_type": "LPC",
        "license_state": "TX",
    }


def test_npi_taxonomy_states_its_own_words() -> None:
    from finder.records import taxonomy

    fields: dict[str, Any] = {}
    taxonomy.settle_license_type(fields, ["101Y00000X", "101YP2500X"])
    assert "license_type" not in fields  # the generic counselor code states no licence
    fields = {"license_type": "LICSW"}
    taxonomy.settle_license_type(fields, ["1041C0700X"])
    assert fields["license_type"] == "LICSW"  # the narrower statement of the same family


# ------------------------------------------------------------------ names, credentials


def test_name_suffixes_prefixes_and_unknown_credentials() -> None:
    f = normalize.build_fields({"name": "John Smith Jr., LCSW"})
    assert (f["name"], f["first_name"], f["last_name"]) == ("John Smith Jr.", "John", "Smith")
    f = normalize.build_fields({"name": "Rev. Ann de la Cruz, D.P.M., MT-BC, EdM, RPh"})
    assert (f["first_name"], f["last_name"]) == ("Ann", "de la Cruz")
    assert f["credentials"] == ["DPM", "MT-BC", "EdM", "RPh"]
    assert normalize.build_fields({"name": "Age Wise, LLC"})["name"] == "Age Wise, LLC"


# ------------------------------------------------------------------ plans


@pytest.mark.parametrize(
    ("mine", "listed", "found"),
    [
        ("Blue Cross Blue Shield", ["Aetna", "BC BS PPO"], "BC BS PPO"),
        ("Blue Cross Blue Shield", ["Anthem Blue Cross"], "Anthem Blue Cross"),
        ("UnitedHealthcare", ["Optum"], "Optum"),
        ("UHC", ["United Healthcare"], "United Healthcare"),
        ("Tufts", ["Tufts Health Plan"], "Tufts Health Plan"),
        ("Aetna", ["Cigna", "Blue Cross"], None),
    ],
)
def test_one_plan_matcher(mine: str, listed: list[str], found: str | None) -> None:
    match = matching_plan([mine], listed)
    assert (match[1] if match else None) == found


# ------------------------------------------------------------------ fees, search, report


@pytest.fixture
def two_sources() -> Store:
    return _store(
        ("sheet", "2024-01-01T00:00:00+00:00",
         {"name": "Heather Nelson", "npi": "1234567893", "fee": "$110", "zip": "02139",
          "insurance": "BC BS PPO", "statement": "Trained in Interpersonal Psychotherapy."}),
        ("page", "2024-02-01T00:00:00+00:00",
         {"name": "Heather Nelson", "npi": "1234567893", "fee": "$80 - $140", "zip": "02139"}),
        ("other", "2024-01-01T00:00:00+00:00",
         {"name": "Steven Krugman", "fee": "$200", "zip": "02139", "insurance": "Aetna",
          "statement": "I offer Interpersonal Psychotherapy (IPT)."}),
    )  # fmt: skip


def test_fee_is_one_sources_statement_never_a_blend(two_sources: Store) -> None:
    heather = next(t for t in load_all(two_sources) if t.name == "Heather Nelson")
    # The newest import is the headline; the other source is named, never blended.
    assert claims.fee_headline(heather) == "$80-$140; another source says $110"
    assert (
        claims.fee_headline(heather, said=95.0) == "$95 (they said); other sources say "
        "$80-$140, $110"
    )
    assert claims.fee_fit(heather, 100)[0] is True


def test_search_and_every_report_agree_on_plan_fee_and_licence(two_sources: Store) -> None:
    from finder.pursue.profiles import Profile
    from finder.report.compare import build

    query = search.Query(insurance=("Blue Cross Blue Shield",), max_fee=150)
    hits = {h.therapist.tid: h for h in search.find(two_sources, query)}
    profile = Profile(label="me", insurance=["Blue Cross Blue Shield"], budget=150)
    for t in load_all(two_sources):
        verdict, words = claims.plan_verdict(t, profile.insurance)
        fits, _ = claims.fee_fit(t, 150)
        assert (t.tid in hits) == bool(verdict and fits)
        if t.tid in hits:
            assert words in hits[t.tid].why
    from finder.pursue import profiles

    with two_sources.transaction():
        profiles.save(two_sources, profile)
    comparison = build(two_sources, [t.tid for t in load_all(two_sources)], "me")
    rows = {r.key: r for s in comparison.sections for r in s.rows}
    by_tid = {t.tid: t for t in load_all(two_sources)}
    people = [by_tid[c.tid] for c in comparison.candidates]
    for t, cell in zip(people, rows["insurance_claim"].cells, strict=True):
        assert cell.text == claims.plan_verdict(t, profile.insurance)[1]
    for t, cell in zip(people, rows["fee"].cells, strict=True):
        assert (cell.text or "").split(" per session")[0] == claims.fees(t)[0].text
    for t, cell in zip(people, rows["licence"].cells, strict=True):
        assert cell.empty == "license not stated" and t.best("license_type") is None


def test_search_names_who_a_filter_left_out(two_sources: Store) -> None:
    query = search.Query(min_ipt=search.IptClass.DESCRIBED, max_fee=150)
    found = search.find_all(two_sources, query)
    assert [h.therapist.name for h in found.hits] == ["Heather Nelson"]
    assert truth.lines(found, query) == [
        "1 more with described IPT evidence or stronger is over your $150 budget: "
        "Steven Krugman $200; --max-fee 200 shows them"
    ]


def test_search_counts_who_two_filters_left_out(two_sources: Store) -> None:
    """Steven Krugman is over the budget and does not list the plan: no filter alone left
    him out, so no line names him, and the last line counts him."""
    query = search.Query(min_ipt=search.IptClass.DESCRIBED, max_fee=150, insurance=("BCBS",))
    for sift in (True, False):
        found = search.find_all(two_sources, query, sift=sift)
        assert [h.therapist.name for h in found.hits] == ["Heather Nelson"]
        assert truth.lines(found, query) == [
            "1 more with described IPT evidence or stronger is left out by two or more "
            "filters; fewer filters show them"
        ]


# ------------------------------------------------------------------ availability, NPIs, merges


def test_waitlist_is_not_not_accepting() -> None:
    f = normalize.build_fields({"name": "Ann Bell", "accepting": "Waitlist for new clients"})
    assert f.get("waitlist") is True and "accepting" not in f
    assert normalize.build_fields({"name": "Ann Bell"}).get("accepting") is None


def test_npi_failing_its_check_digit_is_kept_unverified_and_rula_urls_give_npis() -> None:
    f = normalize.build_fields({"name": "Ann Bell", "npi": "1234567890"})
    assert "npi" not in f and f["npi_unverified"] == "1234567890"
    url = "https://www.rula.com/therapists/ann-bell-1234567893/"
    assert normalize.build_fields({"name": "Ann Bell", "profile_url": url})["npi"] == "1234567893"


def test_different_given_names_never_merge_on_one_npi_and_repeated_rows_do() -> None:
    store = _store(
        ("joe", "2024-01-01T00:00:00+00:00", {"name": "Joe Smith, MD", "npi": "1234567893"}),
        ("susie", "2024-01-01T00:00:00+00:00",
         {"name": "Susie Smith, LPC", "npi": "1234567893"}),
        ("p1", "2024-01-01T00:00:00+00:00",
         {"name": "Ann Bell", "phones": "512-555-0100", "statement": "Same words."}),
        ("p2", "2024-01-01T00:00:00+00:00",
         {"name": "Ann Bell", "phones": "512-555-0100", "statement": "Same words.",
          "city": "Austin", "state": "TX"}),
    )  # fmt: skip
    assert sorted(t.name for t in load_all(store)) == ["Ann Bell", "Joe Smith", "Susie Smith"]
