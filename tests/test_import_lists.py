"""Lists as people really save them (issue 15): headerless and sectioned files, broken JSON,
lists from outside the US, lookup tables that are not therapists, meaningless values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from finder.cli import cli
from finder.judge import therapists
from finder.storage.store import open_store

FIX = Path(__file__).parent / "fixtures" / "lists"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stderr


def people() -> dict[str, therapists.Therapist]:
    return {t.name: t for t in therapists.load_all(open_store())}


def test_headerless_file_with_sections() -> None:
    code, err = run("import", str(FIX / "headerless_sections.csv"))
    assert code == 0, err
    assert "headerless_sections.csv [csv]: 10 imported, 1 rejected" in err
    assert (
        "no header row; columns inferred from their content: column 1 = address, "
        "column 2 = name, column 3 = phones, column 4 = profile_url" in err
    )
    assert "2 section headings (AllAboutCounseling, GoodTherapy)" in err
    assert "line 13: column 1 holds no name; row skipped" in err
    found = people()
    helene = found["Helene J. Levin"]
    assert helene.best("credentials") == ["LMHC", "LCSW", "MAC"]
    assert (helene.best("city"), helene.best("state"), helene.best("zip")) == (
        "Boston", "MA", "02139",
    )  # fmt: skip
    assert helene.best("country") == "US"
    assert helene.records[0]["extra"]["directory"] == "AllAboutCounseling"
    # The second section writes its columns in another order: read anew.
    ana = found["Ana Garcia"]
    assert ana.best("phones") == ["617-555-0144"]
    assert ana.best("address") == "1 Park Pl, Newton, MA 02458"
    assert ana.records[0]["extra"]["directory"] == "GoodTherapy"


def test_headerless_dry_run_is_a_few_lines() -> None:
    result = CliRunner().invoke(cli, ["import", "--dry-run", str(FIX / "headerless_sections.csv")])
    assert result.exit_code == 0, result.stderr
    assert len(result.stderr.splitlines()) + len(result.stdout.splitlines()) < 30
    assert "column 2                     -> name" in result.stdout
    assert "line 2: Helene J. Levin | LMHC, LCSW, MAC | Boston, MA" in result.stdout


def test_columns_option_names_a_headerless_file(tmp_path: Path) -> None:
    bare = tmp_path / "bare.csv"
    bare.write_text("Dana Reyes,617-555-0101,Boston\nSam Okafor,617-555-0102,Quincy\n")
    code, err = run("import", "--columns", "name,phone,city", str(bare))
    assert code == 0, err
    assert "bare.csv [csv]: 2 imported" in err
    assert people()["Sam Okafor"].best("city") == "Quincy"
    code, err = run("import", "--columns", "name,colour", str(bare))
    assert code == 2 and "--columns: unknown field 'colour'" in err


def test_concatenated_spanish_json_recovered_with_one_warning() -> None:
    code, err = run("import", str(FIX / "concatenated_es.json"))
    assert code == 0, err
    assert (
        "not valid JSON: 3 objects without an enclosing [ ]; a trailing comma; all 3 recovered"
        in err
    )
    assert "concatenated_es.json [json]: 3 imported" in err
    ana = people()["Ana García López"]
    assert ana.best("phones") == ["+34 633 70 89 57"]
    assert (ana.best("city"), ana.best("postal_code"), ana.best("country")) == (
        "Madrid", "28013", "ES",
    )  # fmt: skip
    assert ana.best("title") == "Psicóloga General Sanitaria"
    assert ana.best("license_type") is None  # not forced into a US licence
    assert ana.best("zip") is None and ana.best("state") is None


def test_missing_bracket_and_broken_json_lines() -> None:
    code, err = run("import", str(FIX / "missing_bracket.json"))
    assert code == 0, err
    assert "not valid JSON: the closing ] is missing; all 2 recovered" in err
    code, err = run("import", str(FIX / "broken_lines.jsonl"))
    assert code == 0, err
    assert "not valid JSON: 1 broken piece(s) (line 3); 2 of 3 recovered, 1 skipped" in err
    assert "broken_lines.jsonl [json]: 2 imported, 1 rejected" in err


def test_spanish_and_german_headers() -> None:
    code, err = run("import", str(FIX / "es_headers.csv"), str(FIX / "de_headers.csv"))
    assert code == 0, err
    assert "the column names are Spanish" in err and "the column names are German" in err
    found = people()
    luis = found["Luis Pérez"]
    assert (luis.best("country"), luis.best("phones"), luis.best("postal_code")) == (
        "ES", ["+34 912 34 56 78"], "08001",
    )  # fmt: skip
    assert luis.best("title") == "Psicólogo General Sanitario"
    anna = found["Anna Schmidt"]
    assert (anna.best("country"), anna.best("city"), anna.best("address")) == (
        "DE", "Berlin", "Hauptstraße 5",
    )  # fmt: skip
    assert anna.best("phones") == ["+49 30 12345678"]


def test_uk_phones_give_the_country_and_country_option(tmp_path: Path) -> None:
    code, err = run("import", str(FIX / "uk_phones.csv"))
    assert code == 0, err
    olivia = people()["Olivia Hart"]
    assert (olivia.best("country"), olivia.best("phones"), olivia.best("postal_code")) == (
        "GB", ["+44 20 7946 0958"], "SW1A 1AA",
    )  # fmt: skip
    assert people()["Tom Reid"].best("phones") == ["+44 131 496 0123"]
    plain = tmp_path / "madrid.csv"
    plain.write_text("Name,Phone,City\nMarta Ruiz,611 222 333,Madrid\n")
    code, err = run("import", "--country", "ES", str(plain))
    assert code == 0, err
    marta = people()["Marta Ruiz"]
    assert (marta.best("country"), marta.best("phones")) == ("ES", ["+34 611 22 23 33"])
    code, err = run("import", "--country", "Atlantis", str(plain))
    assert code == 2 and "give an ISO country code" in err


@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("old_taxonomy_codes.csv", "this is a list of 3 provider taxonomy codes, not therapists"),
        ("networks.csv", "this is a list of 5 insurance networks or plans, not therapists"),
        ("zip_centroids.csv", "this is a list of 3 ZIP code centroids, not therapists"),
        ("licence_types.csv", "this is a list of 3 licence types, not therapists"),
    ],
)
def test_lookup_tables_are_refused_saying_what_they_are(name: str, what: str) -> None:
    code, err = run("import", str(FIX / name))
    assert code == 4
    assert f"Error: {FIX / name}: {what}; nothing imported" in err
    assert people() == {}


def test_placeholders_are_empty_never_yes() -> None:
    code, err = run("import", str(FIX / "placeholders.csv"))
    assert code == 0, err
    dana = people()["Dana Reyes"]
    for field in ("phones", "email", "telehealth", "sliding_scale", "website"):
        assert dana.best(field) is None, field
    assert people()["Sam Okafor"].best("telehealth") is None


def test_a_website_every_row_shares_is_reported_once_and_not_used() -> None:
    code, err = run("import", str(FIX / "same_website.csv"))
    assert code == 0, err
    assert err.count("has the same website") == 1
    assert "every one of its 5 rows has the same website" in err
    assert all(t.best("website") is None for t in people().values())
    assert len(people()) == 5  # not merged into one "therapist" through the shared link


def test_excel_escapes_number_zips_and_flags_in_a_price() -> None:
    code, err = run("import", str(FIX / "excel_quirks.csv"))
    assert code == 0, err
    dana = people()["Dana Reyes"]
    assert dana.best("phones") == ["617-555-0101"]  # "phonenum"
    assert dana.best("zip") == "03110"
    assert (dana.best("fee"), dana.best("sliding_scale")) == (120.0, True)
    assert dana.best("statement") == "First line second line"


def test_plannet_2019_newpatients_role_qualification_and_urn_uuid_provider() -> None:
    code, err = run("import", str(FIX / "plannet_bundle.json"))
    assert code == 0, err
    found = people()
    dana = found["Dana Reyes"]
    assert dana.best("accepting") is True
    assert (dana.best("license_number"), dana.best("license_state")) == ("LIC-4471", "MA")
    assert (
        "Licensed Independent Clinical Social Worker" in dana.records[0]["extra"]["qualifications"]
    )
    assert found["Harbor Counseling Group"].is_organization


def test_more_than_twenty_rejects_are_counted_not_listed(tmp_path: Path) -> None:
    rows = ["Name,Phone"] + [f",617-555-{i:04d}" for i in range(30)] + ["Dana Reyes,617-555-0101"]
    many = tmp_path / "many.csv"
    many.write_text("\n".join(rows) + "\n")
    code, err = run("import", str(many))
    assert code == 0, err
    assert err.count("  rejected ") == 20
    assert "... and 10 more rejected rows" in err
    assert "many.csv [csv]: 1 imported, 30 rejected" in err


def test_json_with_a_name_list_and_key_value_strings(tmp_path: Path) -> None:
    data = [{"name": ["Jo Hale"], "info": ["Phone: 617-555-0188", "City: Lowell", "CBT"]}]
    path = tmp_path / "people.json"
    path.write_text(json.dumps(data))
    code, err = run("import", str(path))
    assert code == 0, err
    jo = people()["Jo Hale"]
    assert (jo.best("phones"), jo.best("city")) == (["617-555-0188"], "Lowell")
    assert jo.records[0]["extra"]["info"] == "CBT"


def test_profile_country_and_city_rank_and_crisis_lines_follow(tmp_path: Path) -> None:
    data = tmp_path / "mixed.csv"
    data.write_text(
        "Name,Phone,City,Country\n"
        "Luis Perez,912 345 678,Barcelona,ES\n"
        "Ana Lopez,633 708 957,Madrid,España\n"
        "Dana Reyes,617-555-0101,Boston,US\n"
    )
    code, err = run("import", str(data))
    assert code == 0, err
    code, err = run("profile", "set", "--country", "ES", "--city", "Madrid")
    assert code == 0, err
    result = CliRunner().invoke(cli, ["search", "--json"])
    assert result.exit_code == 0, result.stderr
    names = [row["name"] for row in json.loads(result.stdout)]
    assert names == ["Ana Lopez", "Luis Perez"]  # Madrid first; the US therapist left out
    result = CliRunner().invoke(cli, ["crisis"])
    assert result.stdout.splitlines()[0] == "Elsewhere: call your local emergency number."
    run("profile", "set", "--country", "GB")
    result = CliRunner().invoke(cli, ["crisis"])
    assert result.stdout.splitlines()[0] == "United Kingdom and Ireland: Samaritans, call 116 123."
