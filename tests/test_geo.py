"""The shipped ZIP and place table: centroids, city centres, what is unknown (issue 17)."""

from __future__ import annotations

import pytest

from finder.records import geo


def test_zip_centroids_come_from_the_shipped_table() -> None:
    assert geo.zip_point("02139") == (42.3647, -71.1042)
    assert geo.zip_point("00501") == (40.8154, -73.0451)  # the first row
    assert geo.zip_point("99950") is not None  # the last row
    assert geo.zip_point("00000") is None


def test_a_zip_with_no_coordinates_in_the_source_is_unknown_not_at_zero_zero() -> None:
    assert geo.zip_point("09001") is None  # an APO code: no place to put it


@pytest.mark.parametrize(
    ("city", "state"),
    [("Cambridge", "MA"), ("cambridge", "ma"), ("  CAMBRIDGE ", "MA")],
)
def test_city_and_state_give_an_approximate_centre(city: str, state: str) -> None:
    point = geo.place_point(city, state)
    assert point is not None
    # Near the ZIPs of the city, not one of them exactly.
    assert geo.miles(point, (42.3647, -71.1042)) < 3


def test_abbreviated_and_alternative_city_names_are_the_same_place() -> None:
    assert geo.place_point("St. Louis", "MO") == geo.place_point("Saint Louis", "MO")
    assert geo.place_point("St Louis", "MO") is not None
    # A name USPS accepts for a ZIP of another city (02135 is Brighton, in Boston).
    brighton = geo.place_point("Brighton", "MA")
    assert brighton is not None and geo.miles(brighton, (42.3478, -71.1566)) < 5


@pytest.mark.parametrize(
    ("city", "state"),
    [("Nowhere Special", "MA"), ("Cambridge", "ZZ"), ("", "MA"), ("Cambridge", "Massachusetts")],
)
def test_an_unknown_place_is_unknown(city: str, state: str) -> None:
    assert geo.place_point(city, state) is None


def test_the_same_city_in_two_states_is_two_places() -> None:
    ma = geo.place_point("Springfield", "MA")
    il = geo.place_point("Springfield", "IL")
    assert ma is not None and il is not None
    assert geo.miles(ma, il) > 800
