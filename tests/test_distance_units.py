"""Distances in the unit of the profile's country: kilometres everywhere but the US, the UK,
Liberia and Myanmar, in search, compare and the profile; ``--radius`` takes ``25km`` or
``25mi``, and a bare number in the country's unit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from finder.cli import cli
from finder.records import geo

SPAIN = (
    "Nombre,Teléfono,Localidad\n"
    "Ana García,933 123 456,Barcelona\n"
    "Luis Pérez,916 543 210,Getafe\n"
    "Marta Gil,913 456 789,Madrid\n"
)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def in_madrid(tmp_path: Path) -> None:
    path = tmp_path / "psicologos.csv"
    path.write_text(SPAIN, encoding="utf-8")
    assert run("import", str(path))[0] == 0


def test_a_spanish_profile_reads_and_shows_kilometres(in_madrid: None) -> None:
    code, out, err = run("profile", "set", "--country", "ES", "--city", "Madrid", "--radius", "20")
    assert code == 0, err
    assert "  Radius            20 km\n" in out
    code, out, err = run("search", "--why")
    assert code == 0, err
    assert "    why: IPT none; ~12.5 km; fits country\n" in out  # Getafe
    assert (
        "1 more is outside your 20 km radius: Ana García ~504.3 km; --radius 505 shows them" in err
    )
    assert " mi" not in out + err
    assert run("shortlist", "add", "2")[0] == 0
    code, out, _ = run("compare", "--format", "md")
    assert code == 0 and "| **Distance** | \\~12.5 km (your radius 20 km) |" in out


@pytest.mark.parametrize(
    ("typed", "shown"), [("20", "20 km"), ("20km", "20 km"), ("20 mi", "32.19 km")]
)
def test_a_radius_with_or_without_its_unit(typed: str, shown: str) -> None:
    code, out, err = run("profile", "set", "--country", "DE", "--radius", typed)
    assert code == 0, err
    assert f"  Radius            {shown}\n" in out


def test_a_bare_search_radius_is_in_the_profiles_unit(in_madrid: None) -> None:
    assert run("profile", "set", "--country", "ES", "--city", "Madrid")[0] == 0
    code, out, _ = run("search", "--radius", "10", "--json")
    assert code == 0
    assert [row["name"] for row in json.loads(out)] == ["Marta Gil"]  # Getafe is 12.5 km
    code, out, _ = run("search", "--radius", "10mi", "--json")
    assert [row["name"] for row in json.loads(out)] == ["Marta Gil", "Luis Pérez"]


@pytest.mark.parametrize(
    ("country", "unit"),
    [(None, "mi"), ("US", "mi"), ("GB", "mi"), ("LR", "mi"), ("MM", "mi"), ("ES", "km"),
     ("CA", "km"), ("IE", "km"), ("AU", "km")],
)  # fmt: skip
def test_the_unit_by_country(country: str | None, unit: str) -> None:
    assert geo.distance_text(10, country).endswith(f" {unit}")
    assert geo.radius_text(geo.to_miles(25, None, country), country) == f"25 {unit}"


def test_a_us_profile_keeps_miles(in_madrid: None) -> None:
    code, out, err = run("profile", "set", "--zip", "02139", "--radius", "16 km")
    assert code == 0, err
    assert "  Radius            9.94 mi\n" in out
