"""Tabular imports (CSV, TSV, JSON, JSON Lines, XLSX) through the CLI, as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from finder import therapists
from finder.cli import cli
from finder.store import open_store

FIX = Path(__file__).parent / "fixtures" / "tabular"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def listed() -> list[dict[str, object]]:
    code, out, _ = run("list", "--json")
    assert code == 0
    return json.loads(out)


def test_csv_fields_are_normalised_with_provenance() -> None:
    code, _, err = run("import", str(FIX / "basic.csv"))
    assert code == 0, err
    assert "basic.csv [csv]: 2 imported" in err
    store = open_store()
    dana = next(t for t in therapists.load_all(store) if t.name == "Dana Reyes")
    assert dana.best("credentials") == ["LCSW"]
    assert dana.best("license_type") == "LCSW"
    assert dana.best("phones") == ["617-555-0101"]
    assert (dana.best("fee"), dana.best("fee_max"), dana.best("fee_text")) == (
        150.0,
        180.0,
        "$150 - $180",
    )
    assert dana.best("sliding_scale") is True
    assert dana.best("accepting") is False
    assert dana.best("languages") == ["English", "Spanish"]
    assert dana.best("orientations") == ["CBT", "Interpersonal Psychotherapy (IPT)"]
    assert dana.records[0]["extra"] == {"Favourite Colour": "blue"}
    claim = dana.values("phones")[0]
    assert claim.source.path.endswith("basic.csv")
    assert (claim.source.format, claim.source.locator) == ("csv", "line 2")
    sam = next(t for t in therapists.load_all(store) if t.name == "Sam Okafor")
    assert sam.best("zip") == "02115"
    assert sam.best("phones") == ["617-555-0102 x4"]
    assert sam.best("orientations") == ["DBT", "Interpersonal"]
    assert sam.best("telehealth") is None  # an empty cell is unknown, not "no"


def test_reimport_says_unchanged_and_a_changed_file_updates(tmp_path: Path) -> None:
    target = tmp_path / "list.csv"
    target.write_text((FIX / "basic.csv").read_text())
    assert run("import", str(target))[0] == 0
    code, _, err = run("import", str(target))
    assert code == 0
    assert "0 imported, 2 unchanged (already imported; nothing new)" in err
    target.write_text(target.read_text().replace("Cambridge", "Arlington"))
    code, _, err = run("import", str(target))
    assert "0 imported, 1 updated, 1 unchanged" in err
    assert len(listed()) == 2
    assert {row["location"] for row in listed()} == {"Arlington, MA", "Boston, MA"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("cr_only.tsv", {"Ann Lee": "Somerville", "Bo Chan": "Medford"}),
        ("cp1252.csv", {"José Peña": "Worcester"}),
        ("utf16.csv", {"María Ruiz": "Lowell"}),
        ("semicolon_crlf.csv", {"Kim Park": None}),
        ("list.json", {"Lee Smith": "Quincy", "Pat Doe": None}),
    ],
)
def test_encodings_line_endings_and_shapes(name: str, expected: dict[str, str | None]) -> None:
    code, _, err = run("import", str(FIX / name))
    assert code == 0, err
    store = open_store()
    got = {t.name: t.best("city") for t in therapists.load_all(store)}
    assert got == expected


def test_cp1252_text_is_read_right() -> None:
    run("import", str(FIX / "cp1252.csv"))
    (jose,) = therapists.load_all(open_store())
    assert (
        jose.best("statement")
        == "\u201cI offer interpersonal psychotherapy\u201d \u2013 12 sessions"
    )


def test_semicolon_file_lists_and_credentials() -> None:
    run("import", str(FIX / "semicolon_crlf.csv"))
    (kim,) = therapists.load_all(open_store())
    assert kim.best("issues") == ["Depression", "Grief"]
    assert kim.best("credentials") == ["LPC"]
    assert kim.best("fee") == 120.0


def test_bad_rows_are_reported_and_good_rows_kept() -> None:
    code, _, err = run("import", str(FIX / "bad_rows.csv"))
    assert code == 0
    assert "rejected" in err and "line 3: no therapist name" in err
    names = [row["name"] for row in listed()]
    assert "Good One" in names


def test_json_lines_reports_the_broken_line() -> None:
    code, _, err = run("import", str(FIX / "lines.jsonl"))
    assert code == 0
    assert "line 2: not valid JSON" in err
    assert sorted(row["name"] for row in listed()) == ["Ann One", "Ben Two"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
        (b'{"status": "ok", "count": 0}', "no list of therapists"),
        (b"colour,size\nblue,3\n", "no column holds therapist names"),
        (b"404 File Not Found", "saved error page"),
    ],
)
def test_files_that_are_not_lists_are_refused(tmp_path: Path, content: bytes, message: str) -> None:
    run("import", str(FIX / "basic.csv"))
    before = open_store().path.read_bytes()  # type: ignore[union-attr]
    bad = tmp_path / "thing.csv"
    bad.write_bytes(content)
    code, _, err = run("import", str(bad))
    assert code != 0
    assert f"Error: {bad}: " in err and message in err
    assert len(err.strip().splitlines()) == 2  # the file's line, then the summary error
    assert open_store().path.read_bytes() == before  # type: ignore[union-attr]


def test_dry_run_shows_mapping_and_stores_nothing() -> None:
    code, out, _ = run("import", "--dry-run", "--map", "Favourite Colour=-", str(FIX / "basic.csv"))
    assert code == 0
    assert "Types of Therapy             -> orientations" in out
    assert "Favourite Colour             -> (kept as extra data)" in out
    assert "line 2: Dana Reyes | LCSW | Cambridge, MA" in out
    assert listed() == []


def test_map_fixes_a_wrong_guess(tmp_path: Path) -> None:
    f = tmp_path / "odd.csv"
    f.write_text("Clinician Label,Town\nAnn Lee,Salem\n")
    assert run("import", str(f))[0] != 0
    code, _, err = run("import", "--map", "Clinician Label=name", "--map", "Town=city", str(f))
    assert code == 0, err
    assert listed()[0]["location"] == "Salem"


def test_bad_map_option_is_a_usage_error() -> None:
    code, _, err = run("import", "--map", "Town", str(FIX / "basic.csv"))
    assert code == 2 and "write it as COLUMN=FIELD" in err


def test_folder_is_walked_and_summarised(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("name\nAnn Lee\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.json").write_text('[{"name": "Bo Chan"}]')
    (tmp_path / ".hidden.csv").write_text("name\nHidden Person\n")
    code, _, err = run("import", str(tmp_path))
    assert code == 0
    assert "Total: 2 imported, 0 updated, 0 unchanged, 0 rejected, 0 file(s) refused" in err
    assert sorted(r["name"] for r in listed()) == ["Ann Lee", "Bo Chan"]


def test_xlsx(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Therapist export"])  # a title row above the header
    sheet.append(["Name", "Phone", "Zip Code", "Fee"])
    sheet.append(["Ana Silva, LMFT", "6175550199", 2139, 140])
    path = tmp_path / "list.xlsx"
    book.save(path)
    code, _, err = run("import", str(path))
    assert code == 0, err
    (ana,) = therapists.load_all(open_store())
    assert (ana.name, ana.best("zip"), ana.best("fee"), ana.best("license_type")) == (
        "Ana Silva", "02139", 140.0, "LMFT",
    )  # fmt: skip
    assert ana.values("name")[0].source.locator == "sheet 'Sheet' row 3"


def test_list_formats() -> None:
    code, out, _ = run("import", "--list-formats")
    assert code == 0
    for name in ("csv", "json", "xlsx"):
        assert any(line.startswith(name + " ") for line in out.splitlines())


def test_an_empty_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    code, _, err = run("import", str(tmp_path / "empty"))
    assert code == 4
    assert (
        err.strip()
        == f"Error: {tmp_path / 'empty'}: folder holds no files to import; nothing imported"
    )
