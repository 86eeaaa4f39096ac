"""A store of schema 2 (imported records in SQLite without the columns search filters
on) is brought up to date on first open, after a backup, with one line saying so: the
columns are filled from the stored records, and search says what it said before. A
SIGKILL during that leaves the old store, migrated again on the next command."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from stored import env_for, finder

from finder.records import facts
from finder.storage import backup

ROOT = Path(__file__).resolve().parent.parent
SEARCH = ("search", "--why", "--near", "02115", "--radius", "5", "--insurance", "Aetna",
          "--max-fee", "150", "--ipt", "listed")  # fmt: skip


def _columns(home: Path) -> set[str]:
    db = sqlite3.connect(home / "finder.sqlite")
    try:
        return {row[1] for row in db.execute("PRAGMA table_info(records)")}
    finally:
        db.close()


def _to_schema_2(home: Path) -> None:
    """The data folder as a finder of schema 2 left it."""
    db = sqlite3.connect(home / "finder.sqlite")
    try:
        db.executescript(
            "DROP INDEX records_search; DROP TABLE mates; DROP TABLE plan_lists;"
            "CREATE INDEX records_tid ON records(tid);"
            + "".join(f"ALTER TABLE records DROP COLUMN {name};" for name in facts.COLUMNS)
        )
    finally:
        db.close()
    data = orjson.loads((home / "finder.json").read_bytes())
    data["meta"]["1"]["schema"] = 2
    (home / "finder.json").write_bytes(orjson.dumps(data))


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, tuple[str, str]]:
    """A schema-2 data folder, and what search said of it before it was made so."""
    base = tmp_path_factory.mktemp("facts")
    made = base / "made"
    places = [("Boston", "MA", "02115"), ("Brookline", "MA", ""), ("Newton", "MA", "02458"),
              ("", "", "")]  # fmt: skip
    plans = ["Aetna", "BC BS PPO", "Cigna, Aetna", ""]
    statement = "Trained in Interpersonal Psychotherapy (IPT) for depression."
    rows = [
        f'Ann{i} Lastname{i},617-555-{i:04d},{places[i % 4][0]},{places[i % 4][1]},'
        f'{places[i % 4][2]},"{plans[i % 3]}",${90 + (i * 7) % 120},{statement}'
        for i in range(1, 300)
    ]  # fmt: skip
    csv_path = base / "list.csv"
    csv_path.write_text("name,phone,city,state,zip,insurance,fee,statement\n"
                        + "\n".join(rows) + "\n", encoding="utf-8")  # fmt: skip
    assert finder(made, "import", str(csv_path)).returncode == 0
    assert finder(made, "edit", "3", "fee", "400").returncode == 0
    searched = finder(made, *SEARCH)
    assert searched.returncode == 0 and "more with listed" in searched.stderr
    _to_schema_2(made)
    assert not set(facts.COLUMNS) & _columns(made)
    return made, (searched.stdout, searched.stderr)


@pytest.fixture
def old_home(seed: tuple[Path, tuple[str, str]], tmp_path: Path) -> tuple[Path, str, str]:
    """A copy of the schema-2 folder, and the search output (stdout, stderr) of before."""
    home = tmp_path / "home"
    shutil.copytree(seed[0], home)
    return home, *seed[1]


def test_schema_2_is_migrated_once_and_search_says_the_same(
    old_home: tuple[Path, str, str],
) -> None:
    home, out, err = old_home
    before = (home / "finder.json").read_bytes()
    done = finder(home, *SEARCH)
    assert done.returncode == 0, done.stderr
    notice = [line for line in done.stderr.splitlines() if line.startswith("Updated ")]
    assert notice == [
        f"Updated {home} for this finder: finder.sqlite now indexes what search filters on "
        f"(a backup of the old file is in {home / 'backups'})."
    ]
    assert done.stdout == out
    assert [line for line in done.stderr.splitlines() if not line.startswith("Updated ")] == (
        err.splitlines()
    )
    kept = backup.list_backups(home / "finder.json")
    assert [b.reason for b in kept] == ["before migrating from schema 2"]
    assert kept[0].path.read_bytes() == before
    assert set(facts.COLUMNS) <= _columns(home)
    assert orjson.loads((home / "finder.json").read_bytes())["meta"]["1"]["schema"] == 3
    again = finder(home, *SEARCH)
    assert (again.stdout, again.stderr) == (out, err)


#: The migrating process kills itself (a real SIGKILL) halfway through filling the columns.
KILL = """
import os, signal
from finder.records import facts
real, seen = facts.facts, []
def facts_then_die(doc):
    seen.append(1)
    if len(seen) > 100:
        os.kill(os.getpid(), signal.SIGKILL)
    return real(doc)
facts.facts = facts_then_die
from finder.cli import cli
cli(["search"])
"""


def test_sigkill_while_filling_the_columns_leaves_the_old_store(
    old_home: tuple[Path, str, str],
) -> None:
    home, out, _err = old_home
    killed = subprocess.run([sys.executable, "-c", KILL], capture_output=True,
                            env=env_for(home), cwd=ROOT, timeout=120)  # fmt: skip
    assert killed.returncode == -9, killed.stderr
    assert orjson.loads((home / "finder.json").read_bytes())["meta"]["1"]["schema"] == 2
    assert not set(facts.COLUMNS) & _columns(home)  # the transaction never committed
    done = finder(home, *SEARCH)
    assert done.returncode == 0, done.stderr
    assert done.stdout == out
    assert set(facts.COLUMNS) <= _columns(home)
