"""Tabular imports (CSV, TSV, JSON, JSON Lines, XLSX) through the CLI, as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from finder.cli import cli
from finder.judge import therapists
from finder.storage.store import open_store

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
    assert code == 4
    assert err.startswith(f"Error: {bad}: ") and message in err
    assert len(err.splitlines()) == 1  # one line per refused file, as the README promises
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
    assert "Total: 2 imported, 0 updated, 0 unchanged, 0 rejected, 0 files refused" in err
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


def test_excel_sep_line_names_the_delimiter(tmp_path: Path) -> None:
    # Excel writes "sep=;" above the header so that it opens in the right columns.
    f = tmp_path / "excel.csv"
    f.write_bytes(b"sep=;\r\nName;City;Phone\r\nAnn Lee;Salem;617-555-0101\r\n;Lynn;\r\n")
    code, _, err = run("import", str(f))
    assert code == 0, err
    assert "line 4: no therapist name" in err  # line numbers count the sep= line
    assert [(r["name"], r["location"], r["phone"]) for r in listed()] == [
        ("Ann Lee", "Salem", "617-555-0101")
    ]


def test_repeated_and_numbered_columns_are_all_kept(tmp_path: Path) -> None:
    f = tmp_path / "dups.csv"
    f.write_text(
        "Name,Phone,Phone,Specialty 1,Specialty 2,City,City\n"
        "Ann Lee,617-555-0101,617-555-0199 ext 2,Anxiety,Grief,Salem,Lynn\n"
    )
    code, out, _ = run("import", "--dry-run", str(f))
    assert code == 0
    assert "Phone (2)                    -> phones" in out
    assert "Specialty 2                  -> specialties" in out
    assert run("import", str(f))[0] == 0
    (ann,) = therapists.load_all(open_store())
    assert ann.best("phones") == ["617-555-0101", "617-555-0199 x2"]
    assert ann.best("specialties") == ["Anxiety", "Grief"]
    assert ann.best("city") == "Salem"
    assert ann.records[0]["extra"] == {"City (2)": "Lynn"}


def test_repeated_columns_in_a_workbook_are_all_kept(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Provider Name", "Phone", "Phone"])
    sheet.append(["Bo Chan", 6175550102, None])
    path = tmp_path / "dups.xlsx"
    book.save(path)
    assert run("import", str(path))[0] == 0
    (bo,) = therapists.load_all(open_store())
    assert bo.best("phones") == ["617-555-0102"]


def test_licence_board_export_surname_first_and_prefixed_columns(tmp_path: Path) -> None:
    # Boards and insurers list people as "Last, First" and prefix their column names.
    f = tmp_path / "board.txt"
    f.write_text(
        "lic_number\tprc_last_name\tprc_first_name\tba_city\tba_state\tlst_description\n"
        "2010001\tOkafor\tSam\tSt. Louis\tMO\tActive\n"
    )
    g = tmp_path / "board2.csv"
    g.write_text(
        '"Name","License Number","License Type","Expiration"\n'
        '"Smith, Jane A","LPC123","Licensed Professional Counselor","12/31/2026"\n'
        '"Van Buren, Martin, LCSW","9","","06/30/2025"\n'
        '"Age Wise, LLC","","",""\n'
        '"Kim Lee, Youth Therapist","","",""\n'
    )
    code, _, err = run("import", str(f), str(g))
    assert code == 0, err
    people = {t.name: t for t in therapists.load_all(open_store())}
    assert set(people) == {"Sam Okafor", "Jane A Smith", "Martin Van Buren", "Age Wise, LLC",
                           "Kim Lee, Youth Therapist"}  # fmt: skip
    sam = people["Sam Okafor"]
    assert (sam.best("city"), sam.best("state"), sam.best("license_number")) == (
        "St. Louis", "MO", "2010001",
    )  # fmt: skip
    assert sam.records[0]["extra"] == {"lst_description": "Active"}
    jane = people["Jane A Smith"]
    assert (jane.best("first_name"), jane.best("last_name")) == ("Jane", "Smith")
    assert jane.best("license_type") == "Licensed Professional Counselor"
    martin = people["Martin Van Buren"]
    assert (martin.best("last_name"), martin.best("credentials")) == ("Van Buren", ["LCSW"])


def test_more_header_names_real_exports_use(tmp_path: Path) -> None:
    f = tmp_path / "doctors.csv"
    f.write_text(
        "doctor_name,credentials,City/State,CredentialNumber,clientConcerns\n"
        'ANA SILVA,MD,"Aurora, IL 60504",MD.123,"Grief, Anxiety"\n'
    )
    code, _, err = run("import", str(f))
    assert code == 0, err
    (ana,) = therapists.load_all(open_store())
    assert ana.name == "ANA SILVA"
    assert (ana.best("city"), ana.best("state"), ana.best("zip")) == ("Aurora", "IL", "60504")
    assert ana.best("license_number") == "MD.123"
    assert ana.best("issues") == ["Grief", "Anxiety"]


@pytest.mark.parametrize(
    ("content", "locator"),
    [
        # Python's json.dump writes NaN for an empty number (a pandas frame's empty cell).
        ('[{"name": "Ann Lee", "fee": NaN, "city": "Salem"}, {"name": "Bo"}]', "element 1"),
        ('{"name": "Ann Lee", "fee": NaN, "city": "Salem"}\n{"name": "Bo"}\n', "line 1"),
        # The list one level further in.
        ('{"status": "ok", "data": {"providers": [{"name": "Ann Lee", "city": "Salem"}, '
         '{"name": "Bo"}]}}', "data.providers[] 1"),
        # People keyed by id.
        ('{"p1": {"name": "Ann Lee", "city": "Salem"}, "p2": {"name": "Bo"}}', "key 'p1'"),
        # A spreadsheet's values: a header row, then rows.
        ('{"range": "A1:B3", "values": [["Name", "City"], ["Ann Lee", "Salem"], ["Bo"]]}',
         "values[] row 2"),
        ('{"columns": ["name", "city"], "data": [["Ann Lee", "Salem"], ["Bo", null]]}',
         "data[] 1"),
    ],
)  # fmt: skip
def test_json_shapes_real_tools_write(tmp_path: Path, content: str, locator: str) -> None:
    f = tmp_path / "list.json"
    f.write_text(content)
    code, _, err = run("import", str(f))
    assert code == 0, err
    people = {t.name: t for t in therapists.load_all(open_store())}
    assert set(people) == {"Ann Lee", "Bo"}
    ann = people["Ann Lee"]
    assert ann.best("city") == "Salem" and ann.best("fee") is None
    assert ann.values("name")[0].source.locator == locator


def test_each_refused_file_is_one_line_and_the_rest_still_imports(tmp_path: Path) -> None:
    empty, image = tmp_path / "empty.csv", tmp_path / "image.csv"
    empty.write_bytes(b"")
    image.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    code, _, err = run("import", str(empty), str(image))
    assert code == 4
    assert err.splitlines() == [
        f"Error: {empty}: file is empty; nothing imported",
        f"Error: {image}: this is a PNG image, not a therapist list; nothing imported",
        "Total: 0 imported, 0 updated, 0 unchanged, 0 rejected, 2 files refused",
    ]


def test_ctrl_c_during_an_import_says_nothing_was_saved(monkeypatch: pytest.MonkeyPatch) -> None:
    run("import", str(FIX / "basic.csv"))
    before = open_store().path.read_bytes()  # type: ignore[union-attr]
    from finder.ingest import pipeline

    real = pipeline.run_import

    def interrupted(store: object, *args: object, **kwargs: object) -> object:
        def stop(*_: object) -> None:
            raise KeyboardInterrupt  # as if Ctrl-C came while the file was being read

        return real(store, *args, **{**kwargs, "progress": stop})  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "run_import", interrupted)
    code, out, err = run("import", str(FIX / "basic.csv"), str(FIX / "semicolon_crlf.csv"))
    assert (code, out) == (130, "")
    assert err == "Import stopped; nothing from it was saved; your earlier data is unchanged.\n"
    assert open_store().path.read_bytes() == before  # type: ignore[union-attr]


@pytest.mark.parametrize("header", ["Approach", "Therapeutic approach", "Therapies"])
def test_an_approach_column_is_read_for_ipt_evidence(header: str, tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(
        f"name,phone,{header}\nAmelia Jones,617-555-0142,Interpersonal Psychotherapy (IPT)\n"
    )
    assert run("import", str(path))[0] == 0
    code, out, _ = run("list")
    assert code == 0
    assert "listed" in out and "Interpersonal" in out
