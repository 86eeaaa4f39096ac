"""Distance outside the US (issue 15): towns from the shipped GeoNames table, the person's
own town ranked first, and "distance unknown" where finder has no map point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from finder.cli import cli
from finder.records import geo


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("town", "country"),
    [("Madrid", "ES"), ("MADRID", "es"), ("Málaga", "ES"), ("malaga", "ES"), ("Sevilla", "ES"),
     ("Seville", "ES"), ("München", "DE"), ("Munich", "DE"), ("St. Albans", "GB"),
     ("London", "CA"), ("Perth", "AU")],
)  # fmt: skip
def test_towns_outside_the_us_have_a_centre(town: str, country: str) -> None:
    assert geo.world_point(town, country) is not None


def test_names_and_countries_are_not_confused() -> None:
    madrid = geo.world_point("Madrid", "ES")
    assert madrid is not None and geo.miles(madrid, (40.4165, -3.7026)) < 1
    london_on = geo.world_point("London", "CA")
    london_uk = geo.world_point("London", "GB")
    assert london_on is not None and london_uk is not None
    assert geo.miles(london_on, london_uk) > 3000
    assert geo.world_point("Seville", "ES") == geo.world_point("Sevilla", "ES")


def test_unknown_or_shared_town_names_are_unknown_not_guessed() -> None:
    assert geo.world_point("Villaconejos del Norte", "ES") is None
    # Three towns called Newport in the UK, none ten times bigger than the next.
    assert geo.world_point("Newport", "GB") is None
    assert geo.world_point("Boston", "US") is None  # US towns come from the ZIP tables
    assert geo.town_point("Boston", "US", "MA") == geo.place_point("Boston", "MA")
    assert geo.town_point("Boston", None, None) is None  # a US city needs its state


def _import(tmp_path: Path, name: str, text: str, *profile: str) -> str:
    """Import ``text`` as the file ``name``, then set the profile; what the profile said."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    code, _, err = run("import", str(path))
    assert code == 0, err
    code, _, err = run("profile", "set", *profile)
    assert code == 0, err
    return err


def _search() -> list[tuple[str, str]]:
    code, out, err = run("search", "--json", "--why")
    assert code == 0, err
    return [(row["name"], row["why"]) for row in json.loads(out)]


def test_a_spanish_profile_ranks_by_town_then_distance(tmp_path: Path) -> None:
    _import(
        tmp_path,
        "psicologos.csv",
        "Nombre,Teléfono,Localidad\n"
        "Ana García,933 123 456,Barcelona\n"
        "Pablo Ruiz,918 765 432,Villaconejos del Norte\n"
        "Luis Pérez,916 543 210,Getafe\n"
        "Marta Gil,913 456 789,Madrid\n",
        *("--country", "ES", "--city", "Madrid"),
    )
    found = _search()
    assert [name for name, _ in found] == ["Marta Gil", "Luis Pérez", "Ana García", "Pablo Ruiz"]
    assert [why for _, why in found] == [
        "IPT none; ~0.0 km; fits country",  # Spain measures in kilometres
        "IPT none; ~12.5 km; fits country",  # Getafe
        "IPT none; ~504.3 km; fits country",  # Barcelona
        "IPT none; fits country; distance unknown",  # a village finder has no point for
    ]


def test_a_uk_town_finder_has_no_point_for_ranks_first_with_distance_unknown(
    tmp_path: Path,
) -> None:
    err = _import(
        tmp_path,
        "uk.csv",
        "name,phone,city,postcode,country\n"
        "Jane Smith,020 7946 0958,London,SW1A 1AA,GB\n"
        "Tom Brown,01603 496000,Little Snoring,NR21 0AA,GB\n"
        "Ella Jones,0161 496 0000,Salford,M5 4WT,GB\n",
        *("--country", "GB", "--city", "Little Snoring"),
    )
    assert (
        "finder has no map point for Little Snoring: therapists there rank first, "
        "distances from it are unknown." in err
    )
    found = _search()
    assert found[0] == ("Tom Brown", "IPT none; in Little Snoring; fits country")
    assert {name for name, _ in found[1:]} == {"Jane Smith", "Ella Jones"}
    assert all(" mi" not in why for _, why in found)  # no point to measure from: no guess
    code, _, err = run("profile", "set", "--city", "Manchester")
    assert code == 0, err
    found = _search()
    assert [name for name, _ in found] == ["Ella Jones", "Jane Smith", "Tom Brown"]
    assert "~" in found[0][1] and "~1" in found[1][1]  # Salford ~3 mi; London ~163 mi


def test_the_report_measures_from_the_profiles_town(tmp_path: Path) -> None:
    text = "Nombre,Teléfono,Localidad\nLuis Pérez,916 543 210,Getafe\n"
    _import(tmp_path, "es.csv", text, "--country", "ES", "--city", "Madrid")
    assert run("shortlist", "add", "1")[0] == 0
    code, out, err = run("compare", "--format", "json")
    assert code == 0, err
    assert '"~12.5 km"' in out  # Getafe from the centre of Madrid, in Spain's unit
