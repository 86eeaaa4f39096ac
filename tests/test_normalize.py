"""Normalisation of the values real exports contain."""

from __future__ import annotations

import pytest

from finder.records import normalize


@pytest.mark.parametrize(
    ("raw", "name", "creds"),
    [
        ("Jane Q. Doe, LCSW, PhD", "Jane Q. Doe", ["LCSW", "PhD"]),
        ("Dr. Sam Okafor PsyD", "Sam Okafor", ["PsyD"]),
        ("Kim Park, LPC-S", "Kim Park", ["LPC-S"]),
        ("Mary Ma", "Mary Ma", []),  # a short family name that looks like a degree stays
        ("  ", None, []),
        ("[]", None, []),
    ],
)
def test_split_name(raw: str, name: str | None, creds: list[str]) -> None:
    assert normalize.split_name(raw) == (name, creds)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("(650) 273-9927 x3", "650-273-9927 x3"),
        ("+1 617.555.0102", "617-555-0102"),
        ("617 555 0102 ext. 12", "617-555-0102 x12"),
        ("555-0102", None),
        ("not a phone", None),
        ("1-800-FLOWERS", "800-356-9377"),  # vanity letters, read by phonenumbers
    ],
)
def test_phone(raw: str, expected: str | None) -> None:
    assert normalize.phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("02139-1234", "02139"), ("021391234", "02139"), (2139, "02139"), ("2139", "02139"),
     ("Cambridge, MA 02139", "02139"), ("abc", None)],
)  # fmt: skip
def test_zip(raw: object, expected: str | None) -> None:
    assert normalize.zip_code(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("$150 - $200", (150.0, 200.0)), ("150", (150.0, 150.0)), ("$1,200.50", (1200.5, 1200.5)),
     ("Free", (0.0, 0.0)), ("pro bono", (0.0, 0.0)), ("call", (None, None)), (90, (90.0, 90.0)),
     # A free consultation says nothing about what a session costs.
     ("Free consultation", (None, None)), ("$150; free 15 min consult", (150.0, 150.0)),
     # Durations and counts next to a fee are not money.
     ("$150 per 50-minute session", (150.0, 150.0)), ("$150/50 min", (150.0, 150.0)),
     ("2 sessions $300", (300.0, 300.0)), ("$140 - 160", (140.0, 160.0)),
     # A decimal comma, as European lists write it.
     ("120,50", (120.5, 120.5)), ("1.200,00", (1200.0, 1200.0)), ("$1,200", (1200.0, 1200.0))],
)  # fmt: skip
def test_money(raw: object, expected: tuple[float | None, float | None]) -> None:
    assert normalize.money(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Yes", True), ("no", False), ("", None), ("maybe", None), ("Accepting new clients", True),
     ("Not accepting", False), (1, True), (True, True)],
)  # fmt: skip
def test_yes_no(raw: object, expected: bool | None) -> None:
    assert normalize.yes_no(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("['CBT', 'Interpersonal']", ["CBT", "Interpersonal"]),
        ("[\"Alzheimer's\", 'Grief']", ["Alzheimer's", "Grief"]),
        ("CBT, DBT, CBT", ["CBT", "DBT"]),
        ("Depression; Anxiety, general", ["Depression", "Anxiety, general"]),
        ("English|Spanish", ["English", "Spanish"]),
        ("[unclosed", ["[unclosed"]),
        # Scraped from a page's list: the items stand apart by runs of spaces or tabs.
        ("  Depression   Anxiety   Grief  ", ["Depression", "Anxiety", "Grief"]),
        ("Couples\tFamily", ["Couples", "Family"]),
        ("Family  Therapy", ["Family Therapy"]),
        (None, []),
    ],
)
def test_split_list(raw: object, expected: list[str]) -> None:
    assert normalize.split_list(raw) == expected


def test_npi_checksum() -> None:
    assert normalize.npi("1234567893") == "1234567893"
    assert normalize.npi("1234567890") is None
    assert normalize.npi(1700343811) == "1700343811"


def test_build_fields_derives_licence_and_keeps_fee_text() -> None:
    fields = normalize.build_fields({"name": "Dana Reyes, LCSW", "fee": "$150 - $180"})
    assert fields["name"] == "Dana Reyes"
    assert fields["credentials"] == ["LCSW"]
    assert fields["license_type"] == "LCSW"
    assert (fields["fee"], fields["fee_max"], fields["fee_text"]) == (150.0, 180.0, "$150 - $180")
    assert (fields["first_name"], fields["last_name"]) == ("Dana", "Reyes")


def test_organisations_are_marked() -> None:
    assert normalize.build_fields({"name": "Cambridge Counseling Center"})["is_organization"]
    assert "is_organization" not in normalize.build_fields({"name": "Ann Lee"})


def test_phone_outside_north_america_kept_in_international_form() -> None:
    from finder.records.normalize.phones import phone, phones

    assert phone("+44 20 7946 0958") == "+44 20 7946 0958"
    assert phones("030 1234567", region="DE") == ["+49 30 1234567"]
    assert phones("030 1234567") == []  # a national number with no country: not read
    assert phone("(617) 555-0101", region="DE") == "617-555-0101"
    assert phone("+49 12") is None


@pytest.mark.parametrize(
    ("line", "place"),
    [("Springfield, Illinois", {"city": "Springfield", "state": "IL"}),
     ("12 Elm St, Boston, Massachusetts 02139", {"city": "Boston", "state": "MA", "zip": "02139"}),
     ("Lund, Virginia", {}),  # a person written family first, as likely as a town
     ("Bell, MA", {}),  # a name and a degree
     ("1 Main St, Washington", {}),  # a street and a town, no state
     ("Lund, Virginia 22030", {"city": "Lund", "state": "VA", "zip": "22030"})],
)  # fmt: skip
def test_address_place_reads_only_a_clear_us_place(line: str, place: dict[str, str]) -> None:
    assert normalize.address_place(line) == place
