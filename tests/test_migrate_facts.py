"""A store of schema 2 (imported records in SQLite without the columns search filters
on) or of schema 3 (without those of the session formats, issues, languages and age
groups) is brought up to date on first open, after a backup, with one line saying so:
the columns are filled from the stored records, and search says what it said before. A
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
from finder.storage.store import SCHEMA_VERSION

ROOT = Path(__file__).resolve().parent.parent
SEARCH = ("search", "--why", "--near", "02115", "--radius", "5", "--insurance", "Aetna",
          "--max-fee", "150", "--ipt", "listed")  # fmt: skip
#: The list filters (schema 4), on the same store.
LISTS = ("search", "--why", "--ipt", "listed", "--language", "Spanish", "--session-format",
         "couple", "--issue", "grief", "--age", "teen", "--max-fee", "150")  # fmt: skip
#: What schema 4 added (the columns of ``facts.TERMS``), as schema 3's index read.
SCHEMA_3_INDEX = ("CREATE INDEX records_search ON records(tid, ipt, country, odd, lat, lon, "
                  "town, fee, fee_high, plans, takes, sliding, tele, in_person, accepting, name)")  # fmt: skip
NOTICE = {2: "finder.sqlite now indexes what search filters on",
          3: "finder.sqlite now indexes the formats, issues, languages and age groups search "
             "filters on"}  # fmt: skip


def _columns(home: Path, of: str = "table_info(records)") -> set[str]:
    db = sqlite3.connect(home / "finder.sqlite")
    try:
        return {row[-1] if of.startswith("index") else row[1] for row in db.execute(f"PRAGMA {of}")}
    finally:
        db.close()


def _added(version: int) -> set[str]:
    """The columns a store of ``version`` lacks."""
    return set(facts.COLUMNS) if version == 2 else set(facts.TERMS)


def _to_schema(home: Path, version: int) -> None:
    """The data folder as a finder of schema ``version`` (2 or 3) left it."""
    db = sqlite3.connect(home / "finder.sqlite")
    try:
        dropped = "".join(f"ALTER TABLE records DROP COLUMN {name};" for name in _added(version))
        if version == 2:
            db.executescript(
                "DROP INDEX records_search; DROP TABLE mates; DROP TABLE plan_lists;"
                "DROP TABLE term_lists; CREATE INDEX records_tid ON records(tid);" + dropped
            )
        else:
            db.executescript(f"DROP INDEX records_search; DROP TABLE term_lists; {dropped}"
                             f"{SCHEMA_3_INDEX};")  # fmt: skip
    finally:
        db.close()
    data = orjson.loads((home / "finder.json").read_bytes())
    data["meta"]["1"]["schema"] = version
    (home / "finder.json").write_bytes(orjson.dumps(data))


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[tuple[str, ...], str]]:
    """A data folder of this finder, and what each search said of it (stdout, stderr)."""
    base = tmp_path_factory.mktemp("facts")
    made = base / "made"
    places = [("Boston", "MA", "02115"), ("Brookline", "MA", ""), ("Newton", "MA", "02458"),
              ("", "", "")]  # fmt: skip
    plans = ["Aetna", "BC BS PPO", "Cigna, Aetna", ""]
    lists = ['"English, Spanish",Couples,"Grief, Anxiety",Teen', "Spanish,,Depression,Adults",
             'English,"Individuals, Couples",,"Teen, Adults"', ",Family,Grief,"]  # fmt: skip
    statement = "Trained in Interpersonal Psychotherapy (IPT) for depression."
    rows = [
        f'Ann{i} Lastname{i},617-555-{i:04d},{places[i % 4][0]},{places[i % 4][1]},'
        f'{places[i % 4][2]},"{plans[i % 3]}",${90 + (i * 7) % 120},{statement},{lists[i % 4]}'
        for i in range(1, 300)
    ]  # fmt: skip
    csv_path = base / "list.csv"
    csv_path.write_text("name,phone,city,state,zip,insurance,fee,statement,languages,formats,"
                        "specialties,ages\n" + "\n".join(rows) + "\n", encoding="utf-8")  # fmt: skip
    assert finder(made, "import", str(csv_path)).returncode == 0
    assert finder(made, "edit", "3", "fee", "400").returncode == 0
    said = {}
    for search in (SEARCH, LISTS):
        searched = finder(made, *search)
        assert searched.returncode == 0 and "more with listed" in searched.stderr
        said[search] = searched.stdout + searched.stderr
    assert "list none of your languages" in said[LISTS] and "two or more" in said[LISTS]
    return made, said


@pytest.fixture(params=[2, 3])
def old_home(
    request: pytest.FixtureRequest, made: tuple[Path, dict[tuple[str, ...], str]], tmp_path: Path
) -> tuple[Path, int, dict[tuple[str, ...], str]]:
    """A copy of the folder made a store of schema 2 or 3, and what search said before."""
    home = tmp_path / "home"
    shutil.copytree(made[0], home)
    _to_schema(home, request.param)
    assert not _added(request.param) & _columns(home)
    return home, request.param, made[1]


def _said(home: Path, search: tuple[str, ...]) -> tuple[str, list[str]]:
    done = finder(home, *search)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    kept = [line for line in lines if not line.startswith("Updated ")]
    return done.stdout + "".join(f"{line}\n" for line in kept), lines[: len(lines) - len(kept)]


def test_an_old_store_is_migrated_once_and_search_says_the_same(
    old_home: tuple[Path, int, dict[tuple[str, ...], str]],
) -> None:
    home, version, said = old_home
    before = (home / "finder.json").read_bytes()
    out, notice = _said(home, LISTS)
    assert notice == [
        f"Updated {home} for this finder: {NOTICE[version]} "
        f"(a backup of the old file is in {home / 'backups'})."
    ]
    assert out == said[LISTS]
    kept = backup.list_backups(home / "finder.json")
    assert [b.reason for b in kept] == [f"before migrating from schema {version}"]
    assert kept[0].path.read_bytes() == before
    assert set(facts.COLUMNS) <= _columns(home)
    assert set(facts.COLUMNS) <= _columns(home, "index_info(records_search)")  # made again
    assert orjson.loads((home / "finder.json").read_bytes())["meta"]["1"]["schema"] == 4
    assert SCHEMA_VERSION == 4
    for search in (SEARCH, LISTS):
        assert _said(home, search) == (said[search], [])


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
    old_home: tuple[Path, int, dict[tuple[str, ...], str]],
) -> None:
    home, version, said = old_home
    killed = subprocess.run([sys.executable, "-c", KILL], capture_output=True,
                            env=env_for(home), cwd=ROOT, timeout=120)  # fmt: skip
    assert killed.returncode == -9, killed.stderr
    assert orjson.loads((home / "finder.json").read_bytes())["meta"]["1"]["schema"] == version
    assert not _added(version) & _columns(home)  # the transaction never committed
    assert _said(home, SEARCH)[0] == said[SEARCH]
    assert set(facts.COLUMNS) <= _columns(home)
    assert _said(home, LISTS) == (said[LISTS], [])
