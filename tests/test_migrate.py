"""A store from before the split (everything in finder.json, schema 1) is migrated on first
open, after a backup, with one line saying so; a SIGKILL at any point of the migration
leaves a store that opens with nothing lost."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
import stored
from stored import env_for, finder

from finder.storage import backup
from finder.storage.store import SCHEMA_VERSION

ROOT = Path(__file__).resolve().parent.parent


def python(home: Path, script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env_for(home), cwd=ROOT, timeout=120)  # fmt: skip


def user_work(data: dict[str, Any]) -> dict[str, Any]:
    """What must survive: every record (with its therapist) and every table of the user's."""
    tables = {
        name: sorted(
            orjson.dumps(d, option=orjson.OPT_SORT_KEYS) for d in data.get(name, {}).values()
        )
        for name in ("shortlist", "answers", "notes", "merge_decisions", "sources", "profiles")
    }
    records = sorted((d["rid"], d["tid"], d.get("pinned", False)) for d in data["records"].values())
    return {"records": records, **tables}


@pytest.fixture(scope="module")
def old_home(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], str]:
    """A data folder as finder wrote it before the split: one finder.json with schema 1,
    imported records, a hand-entered therapist, an edit, a shortlist, answers and notes."""
    base = tmp_path_factory.mktemp("migrate")
    made = base / "made"
    rows = [f"Ann{i} Lastname{i},617-555-{i:04d},Boston,MA,02108" for i in range(1, 400)]
    csv_path = base / "list.csv"
    csv_path.write_text("name,phone,city,state,zip\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert finder(made, "import", str(csv_path)).returncode == 0
    assert (
        finder(made, "add", "--name", "Dana Reyes", "--phone", "617-555-9999", "--yes").returncode
        == 0
    )
    assert finder(made, "edit", "3", "fee", "140").returncode == 0
    done = python(made, (
        "from finder.storage.store import open_store\n"
        "from finder.pursue import answers, shortlist\n"
        "s = open_store()\n"
        "for tid in (1, 3, 7, 50):\n"
        "    shortlist.add(s, 'me', tid)\n"
        "    answers.save_answer(s, 'me', tid, 'consultation', 'fee', 120.0)\n"
        "    answers.add_note(s, 'me', tid, 'note', f'called {tid}')\n"
    ))  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = stored.load(made)
    data["meta"]["1"]["schema"] = 1
    listed = finder(made, "list", "--json").stdout
    home = base / "old"
    home.mkdir(mode=0o700)
    for item in made.iterdir():  # the folder's marker; not the two store files
        if item.is_file() and not item.name.startswith("finder."):
            shutil.copy(item, home / item.name)
    (home / "finder.json").write_bytes(orjson.dumps(data))
    (home / "finder.json").chmod(0o600)
    return home, data, listed


def test_old_store_is_migrated_once_after_a_backup(
    old_home: tuple[Path, dict[str, Any], str], tmp_path: Path
) -> None:
    seed, data, listed = old_home
    home = tmp_path / "home"
    shutil.copytree(seed, home)
    before = (home / "finder.json").read_bytes()
    done = finder(home, "list", "--json")
    assert done.returncode == 0, done.stderr
    assert done.stdout == listed
    notice = [line for line in done.stderr.splitlines() if "finder.sqlite" in line]
    assert len(notice) == 1, done.stderr
    assert notice[0].startswith(f"Updated {home} for this finder")
    kept = backup.list_backups(home / "finder.json")
    assert [b.reason for b in kept] == ["before migrating from schema 1"]
    assert kept[0].path.read_bytes() == before
    # The user's own records stay in the TinyDB file; the imported ones moved to SQLite.
    own = orjson.loads((home / "finder.json").read_bytes())
    assert own["meta"]["1"]["schema"] == SCHEMA_VERSION
    assert sorted(d["rid"].split("-")[1] for d in own["records"].values()) == ["add", "edit"]
    assert len(stored.imported(home)) == len(data["records"]) - 2
    assert user_work(stored.load(home)) == user_work(data)
    again = finder(home, "list", "--json")
    assert again.stdout == listed
    assert "finder.sqlite" not in again.stderr  # said once


#: Where the migrating process kills itself (a real SIGKILL), by patching finder's own steps.
KILL = """
import os, signal, sys
from finder.storage import backup, records_db, tinyfile
def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
where = sys.argv[1]
real_make, real_insert, real_commit = backup.make, records_db.RecordDB.insert, records_db.RecordDB.commit
if where == "before-backup":
    backup.make = die
elif where == "after-backup":
    backup.make = lambda *a, **k: (real_make(*a, **k), die())
elif where == "mid-sqlite-write":
    records_db.RecordDB.insert = lambda self, rows: (real_insert(self, list(rows)[:50]), die())
elif where == "before-sqlite-commit":
    records_db.RecordDB.commit = die
elif where == "between-commits":
    tinyfile.publish = die
from finder.cli import cli
cli(["list", "--json"])
"""


@pytest.mark.parametrize(
    "where",
    [
        "before-backup",
        "after-backup",
        "mid-sqlite-write",
        "before-sqlite-commit",
        "between-commits",
    ],
)
def test_sigkill_during_migration_loses_nothing(
    old_home: tuple[Path, dict[str, Any], str], tmp_path: Path, where: str
) -> None:
    seed, data, listed = old_home
    home = tmp_path / "home"
    shutil.copytree(seed, home)
    killed = subprocess.run([sys.executable, "-c", KILL, where], capture_output=True,
                            env=env_for(home), cwd=ROOT, timeout=120)  # fmt: skip
    assert killed.returncode == -9, killed.stderr
    # The old file is still whole (the TinyDB part is put in place last).
    assert orjson.loads((home / "finder.json").read_bytes())["meta"]["1"]["schema"] == 1
    done = finder(home, "list", "--json")
    assert done.returncode == 0, done.stderr
    assert done.stdout == listed
    assert user_work(stored.load(home)) == user_work(data)
    assert [p.name for p in home.iterdir() if p.name.endswith(".tmp")] == []
    assert finder(home, "note", "3", "--note", "after the kill").returncode == 0
