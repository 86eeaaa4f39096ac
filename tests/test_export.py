"""`finder export` writes everything; `finder import` of the JSON export restores it."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner

from finder.cli import cli
from finder.ingest import editing
from finder.storage.export import ExportFormat, collect, render
from finder.storage.store import Store, open_store


def invoke(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def populate(store: Store) -> None:
    """One of everything an export must carry, written the way the core writes it."""
    dana = editing.add_therapist(
        store,
        {"name": "Dana Reyes, LCSW", "phones": "617-555-0101", "zip": "02139",
         "statement": "Trained in Interpersonal Psychotherapy; 12-16 sessions."},
    )  # fmt: skip
    sam = editing.add_therapist(store, {"name": "Sam Okafor", "credentials": "PhD"})
    editing.edit_field(store, sam, "fee", "$180")
    with store.transaction():
        store.profiles.insert({"label": "client-a", "zip": "02139", "telehealth": "required",
                               "insurance": ["Aetna"], "weights": {"cost": 5}})  # fmt: skip
        store.set_meta(active_profile="client-a")
        store.shortlist.insert({"profile": "client-a", "tid": dana, "status": "consulted",
                                "added_at": "2026-01-02T10:00:00+00:00",
                                "updated_at": "2026-01-09T10:00:00+00:00"})  # fmt: skip
        store.contacts.insert({"profile": "client-a", "tid": dana, "via": "phone",
                               "outcome": "booked", "on": "2026-01-05",
                               "note": "call back Tue",
                               "logged_at": "2026-01-05T15:00:00+00:00"})  # fmt: skip
        store.answers.insert_many([
            {"profile": "client-a", "tid": dana, "checklist": "consultation", "qid": "fee",
             "value": 150.0, "answered_at": "2026-01-09T10:00:00+00:00"},
            {"profile": "client-a", "tid": None, "checklist": "insurer", "qid": "deductible",
             "value": 500.0, "answered_at": "2026-01-09T11:00:00+00:00", "plan": "Aetna PPO"},
        ])  # fmt: skip
        store.notes.insert({"profile": "client-a", "tid": sam, "kind": "con",
                            "text": "felt rushed", "at": "2026-01-10T09:00:00+00:00"})  # fmt: skip
        store.verifications.insert({"tid": dana, "status": "matched", "npi": "1234567893",
                                    "checked_at": "2026-01-03T00:00:00+00:00", "result": {},
                                    "candidates": [], "mismatches": []})  # fmt: skip
        store.merge_decisions.insert({"rids": ["a", "b"], "decision": "different",
                                      "at": "2026-01-04T00:00:00+00:00"})  # fmt: skip


def tables_of(path: Path) -> dict[str, Any]:
    return dict(orjson.loads(path.read_bytes())["tables"])


def test_export_wipe_import_restores_everything(tmp_path: Path, finder_home: Path) -> None:
    populate(open_store())
    target = tmp_path / "out" / "finder.json"
    target.parent.mkdir()
    code, out, err = invoke("export", "-o", str(target))
    assert code == 0, err
    assert out == ""
    assert "Exported 3 records, 1 merge decision, 1 profile, 1 shortlist entry, 1 contact, " \
           "2 answers, 1 note, 1 verification to " in err  # fmt: skip
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    before = tables_of(target)

    code, _, err = invoke("wipe", "--yes")
    assert code == 0, err
    assert not (finder_home / "finder.json").exists()

    code, _, err = invoke("import", str(target))
    assert code == 0, err
    assert err.strip() == (
        f"{target} [finder-export]: 3 imported, restored 1 merge decision, 1 profile, "
        "1 shortlist entry, 1 contact, 2 answers, 1 note, 1 verification"
    )
    again = tmp_path / "again.json"
    assert invoke("export", "-o", str(again))[0] == 0
    assert tables_of(again) == before
    assert open_store().meta()["active_profile"] == "client-a"


def test_importing_the_same_export_twice_changes_nothing(tmp_path: Path, finder_home: Path) -> None:
    populate(open_store())
    target = tmp_path / "e.json"
    invoke("export", "-o", str(target))
    store_bytes = (finder_home / "finder.json").read_bytes()
    code, _, err = invoke("import", str(target))
    assert code == 0
    assert (
        err.strip()
        == f"{target} [finder-export]: 0 imported, 3 unchanged (already imported; nothing new)"
    )
    assert (finder_home / "finder.json").read_bytes() == store_bytes
    assert not (finder_home / "backups").exists()  # nothing changed, nothing to back up


def test_import_into_a_store_with_other_therapists_renumbers(tmp_path: Path) -> None:
    source = Store(None)
    populate(source)
    export = tmp_path / "e.json"
    export.write_bytes(render(collect(source), ExportFormat.JSON))

    store = open_store()
    mine = editing.add_therapist(store, {"name": "Already Here"})
    assert mine == 1
    code, _, err = invoke("import", str(export))
    assert code == 0, err
    store = open_store()
    names = {
        d["tid"]: d["fields"].get("name") for d in store.records.all() if "name" in d["fields"]
    }
    assert names == {1: "Already Here", 2: "Sam Okafor", 3: "Dana Reyes"}
    # References follow the renumbered therapist: Dana was 1 in the export, 3 here.
    assert [(d["tid"], d["status"]) for d in store.shortlist.all()] == [(3, "consulted")]
    assert sorted((d["tid"], d["qid"]) for d in store.answers.all() if d["tid"]) == [(3, "fee")]
    assert [(d["tid"], d["text"]) for d in store.notes.all()] == [(2, "felt rushed")]
    sam_fee = [d for d in store.records.find(tid=2) if d["fields"].get("fee")]
    assert [d["fields"]["fee"] for d in sam_fee] == [180.0]
    assert store.meta()["next_tid"] == 4
    # The store held data, so a backup was kept before the restore changed it.
    assert [p.name.split("--")[1] for p in (store.path.parent / "backups").iterdir()] == [
        "before-importing-a-finder-export.json"
    ]


def test_stdout_export_is_json_and_markdown_is_escaped(finder_home: Path) -> None:
    store = open_store()
    editing.add_therapist(
        store, {"name": "Eve <script>alert(1)</script>", "statement": '=HYPERLINK("x") | # hi'}
    )
    code, out, err = invoke("export")
    assert code == 0
    assert orjson.loads(out)["format"] == "finder-export"
    assert err.strip() == "Exported 1 record."
    code, out, _ = invoke("export", "--format", "md")
    assert code == 0
    assert "### Eve &lt;script&gt;alert(1)&lt;/script&gt; (id 1)" in out
    assert '- statement: =HYPERLINK("x") \\| # hi' in out
    assert "<script>" not in out


def test_markdown_export_is_refused_on_import(tmp_path: Path) -> None:
    editing.add_therapist(open_store(), {"name": "Dana Reyes"})
    md = tmp_path / "e.md"
    assert invoke("export", "--format", "md", "-o", str(md))[0] == 0
    code, _, err = invoke("import", str(md))
    assert code == 4
    assert err.splitlines()[0] == (
        f"Error: {md}: this is finder's Markdown export, meant for reading; import the JSON "
        "export (finder export --format json) to restore"
    )


def test_output_to_a_folder_is_a_clear_error(tmp_path: Path) -> None:
    code, _, err = invoke("export", "-o", str(tmp_path))
    assert code == 2
    assert "is a folder" in err or "is a directory" in err


def _export_with(tmp_path: Path, **changes: Any) -> Path:
    source = Store(None)
    populate(source)
    data = collect(source)
    for key, value in changes.items():
        data["tables"][key] = value(data["tables"][key]) if callable(value) else value
    path = tmp_path / "edited.json"
    path.write_bytes(orjson.dumps(data))
    return path


def test_broken_documents_are_rejected_one_by_one(tmp_path: Path) -> None:
    def break_records(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        bad = dict(records[1], fields={**records[1]["fields"], "fee": "lots"})
        return [records[0], bad, "nonsense"]  # Sam's other record dropped too

    path = _export_with(tmp_path, records=break_records)
    code, _, err = invoke("import", str(path))
    assert code == 0
    lines = err.rstrip("\n").splitlines()
    assert lines == [
        f"  rejected {path} records[2]: field fee must be money",
        f"  rejected {path} records[3]: not an object",
        f"  rejected {path} notes[1]: refers to therapist 2, who is not in the export",
        f"{path} [finder-export]: 1 imported, 3 rejected, restored 1 merge decision, "
        "1 profile, 1 shortlist entry, 1 contact, 2 answers, 1 verification",
    ]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'{"format": "finder-export", "version": 1, "tables": {"records": [',
         "not valid JSON (unexpected end of data: line 1 column 66 (char 65)); "
         "is the export complete?"),
        (b'{"format": "finder-export", "version": 1, "schema": 99, "tables": {}}',
         "written by a newer finder (schema 99); upgrade finder, nothing imported"),
        (b'{"format": "finder-export", "version": 7, "tables": {}}',
         "export version 7 is not one this finder reads"),
        (b'{"format": "finder-export", "version": 1, "tables": {"records": {}}}',
         '"tables" must map each table name to a list of documents'),
    ],
)  # fmt: skip
def test_broken_exports_are_refused_whole(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "e.json"
    path.write_bytes(content)
    code, _, err = invoke("import", str(path))
    assert code == 4
    assert err.splitlines()[0] == f"Error: {path}: {reason}"
    assert open_store().records.all() == []


def test_export_wipe_import_carries_both_parts(tmp_path: Path, finder_home: Path) -> None:
    """Imported records (SQLite) and the user's work (TinyDB) both travel and both go."""
    listing = tmp_path / "list.csv"
    listing.write_text(
        "name,phone,city,state\nLee Park,617-555-0110,Boston,MA\n"
        "Ana Cruz,617-555-0111,Boston,MA\nBo Chen,617-555-0112,Salem,MA\n",
        encoding="utf-8",
    )
    assert invoke("import", str(listing))[0] == 0
    assert invoke("add", "--name", "Dana Reyes", "--yes")[0] == 0
    assert invoke("note", "2", "--note", "kind voice")[0] == 0
    assert (finder_home / "finder.sqlite").exists()
    target = tmp_path / "e.json"
    assert invoke("export", "-o", str(target))[0] == 0
    before = tables_of(target)
    assert len(before["records"]) == 4 and len(before["notes"]) == 1

    code, _, err = invoke("wipe", "--yes")
    assert code == 0, err
    assert sorted(p.name for p in finder_home.glob("finder.*")) == []

    code, _, err = invoke("import", str(target))
    assert code == 0, err
    again = tmp_path / "again.json"
    assert invoke("export", "-o", str(again))[0] == 0
    assert tables_of(again) == before
    # The imported records are back in SQLite, the hand-entered one in the user's file.
    own = orjson.loads((finder_home / "finder.json").read_bytes())["records"]
    assert [d["fields"]["name"] for d in own.values()] == ["Dana Reyes"]
    assert (finder_home / "finder.sqlite").exists()


def test_export_counts_sources_as_a_person_would(tmp_path: Path, finder_home: Path) -> None:
    demo = Path(__file__).parents[1] / "data" / "demo"
    one = demo / "referral.vcf"
    code, _, err = invoke("import", str(one))
    assert code == 0, err
    code, _, err = invoke("export", "-o", str(tmp_path / "one.json"))
    assert "Exported 1 record, 1 source to " in err
    code, _, err = invoke("import", str(demo / "therapists.csv"), str(demo / "saved_profile.html"))
    assert code == 0, err
    code, _, err = invoke("export", "-o", str(tmp_path / "three.json"))
    assert code == 0, err
    assert ", 3 sources to " in err
    assert "sourcess" not in err
    paths = [Path(s["path"]).name for s in tables_of(tmp_path / "three.json")["sources"]]
    assert paths == ["referral.vcf", "therapists.csv", "saved_profile.html"]  # as imported
