"""Privacy: private files, crash reports without data, no network, wipe, inert imported text."""

from __future__ import annotations

import socket
import stat
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from finder.cli import cli
from finder.ingest import editing
from finder.storage import backup
from finder.storage.store import open_store

ROOT = Path(__file__).resolve().parent.parent
SECRET = "client Jo said she has panic attacks since the divorce"


def invoke(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- permissions ----------------------------------------------------------------------------


def test_everything_finder_writes_is_private(tmp_path: Path, finder_home: Path) -> None:
    finder_home.chmod(0o700)
    editing.add_therapist(open_store(), {"name": "Dana Reyes"})
    backup.make(finder_home / "finder.json", reason="test")
    assert invoke("export", "-o", str(tmp_path / "e.json"))[0] == 0
    for path in [finder_home, *finder_home.rglob("*")]:
        assert mode(path) == (0o700 if path.is_dir() else 0o600), path
    assert mode(tmp_path / "e.json") == 0o600


def test_loosened_permissions_are_fixed_with_a_warning(finder_home: Path) -> None:
    editing.add_therapist(open_store(), {"name": "Dana Reyes"})
    backup.make(finder_home / "finder.json", reason="test")
    finder_home.chmod(0o755)
    (finder_home / "finder.json").chmod(0o644)
    (finder_home / "backups").chmod(0o777)
    code, _, err = invoke("list", "--json")
    assert code == 0
    assert err == (
        "Warning: finder's own files were readable by other users; made private (owner "
        f"only): {finder_home}, backups, finder.json\n"
    )
    assert (mode(finder_home), mode(finder_home / "finder.json")) == (0o700, 0o600)
    assert mode(finder_home / "backups") == 0o700
    assert invoke("list", "--json")[2] == ""  # fixed once, silent afterwards


# --- crash reports --------------------------------------------------------------------------


def test_crash_report_has_the_stack_but_no_personal_data(
    finder_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editing.add_therapist(open_store(), {"name": "Dana Reyes", "statement": SECRET})
    from finder.judge import therapists

    def broken(store: object, tids: object) -> list[object]:
        note = SECRET  # a local holding sensitive text must not reach the report
        try:
            raise KeyError(note)
        except KeyError as inner:
            raise ValueError(f"while reading {note}") from inner

    monkeypatch.setattr(therapists, "load_ids", broken)  # what `finder list` reads through
    code, out, err = invoke("list")
    assert code == 70
    assert out == ""
    reports = list((finder_home / "crash-reports").iterdir())
    assert len(reports) == 1
    assert err == (
        "Error: finder hit an unexpected problem (ValueError); a crash report (no personal "
        f"data) is in {reports[0]}\n"
    )
    text = reports[0].read_text()
    assert mode(reports[0]) == 0o600
    assert "error type: builtins.ValueError" in text
    assert "finder/cli/records.py:" in text and "in list_cmd" in text
    assert "in broken" in text
    for fragment in ("Jo", "panic", "divorce", "Dana", "Reyes", "while reading"):
        assert fragment not in text, fragment


# --- the network ----------------------------------------------------------------------------


def test_socket_guard_blocks_the_network_but_not_loopback() -> None:
    # NetworkBlocked is an OSError, so code under test treats it as the network being down.
    with pytest.raises(OSError, match=r"network access blocked in tests: 93\.184\.216\.34"):
        socket.create_connection(("93.184.216.34", 80), timeout=1)
    with pytest.raises(OSError, match=r"blocked in tests: example\.org \(name lookup\)") as info:
        socket.getaddrinfo("example.org", 443)
    assert type(info.value).__name__ == "NetworkBlocked"
    raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with raw, pytest.raises(OSError, match=r"blocked in tests: 198\.51\.100\.7"):
        raw.connect(("198.51.100.7", 443))
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    try:
        with socket.create_connection(server.getsockname(), timeout=1):
            pass
    finally:
        server.close()


def test_offline_commands_never_touch_the_network(tmp_path: Path, finder_home: Path) -> None:
    """The guard is on for this test too: any attempt to go online would fail it."""
    listing = tmp_path / "list.csv"
    listing.write_text(
        "name,website,city,state,zip\nDana Reyes,https://dana.example.org,Boston,MA,02115\n",
        encoding="utf-8",
    )
    for args in (
        ["import", str(listing)], ["list", "--json"], ["show", "1"], ["export"],
        ["export", "--format", "md"], ["restore"], ["crisis"], ["path"],
    ):  # fmt: skip
        code, _, err = invoke(*args)
        assert code == 0, (args, err)
        assert "blocked in tests" not in err


# --- wipe -----------------------------------------------------------------------------------


def populated(home: Path) -> None:
    editing.add_therapist(open_store(), {"name": "Dana Reyes", "statement": SECRET})
    backup.make(home / "finder.json", reason="test")
    (home / "crash-reports").mkdir(mode=0o700)
    (home / "crash-reports" / "crash-1.txt").write_text("x")
    (home / ".welcomed").touch()


def test_wipe_asks_first(finder_home: Path) -> None:
    populated(finder_home)
    code, _, err = invoke("wipe", input="n\n")
    assert code == 1
    assert "Aborted!" in err
    assert (finder_home / "finder.json").exists()
    assert len(list((finder_home / "backups").iterdir())) == 1


def test_wipe_deletes_finder_data_backups_included(finder_home: Path) -> None:
    populated(finder_home)
    code, out, err = invoke("wipe", input="y\n")
    assert code == 0, err
    assert out == ""
    assert not finder_home.exists()
    lines = err.splitlines()
    assert lines[0] == (
        f"This deletes everything finder keeps in {finder_home}: .finder-data, .welcomed, "
        "backups, crash-reports, finder.json, finder.json.lock."
    )
    assert "That includes the backups: nothing can be restored afterwards." in lines
    assert lines[-3].endswith(f"Deleted: .finder-data, .welcomed, backups, crash-reports, "
                              f"finder.json, finder.json.lock (in {finder_home}).")  # fmt: skip
    assert lines[-2].startswith("Copies outside the data folder are not touched")
    assert lines[-1].startswith("Deleted files may still be recoverable from the disk")
    code, out, _ = invoke("list", "--json")
    assert (code, orjson.loads(out)) == (0, [])


def test_wipe_leaves_files_that_are_not_finders(finder_home: Path) -> None:
    """FINDER_HOME may point at a folder that holds other things: those are never deleted."""
    populated(finder_home)
    assert invoke("list")[0] == 0  # finder has marked the folder as its own
    mine = finder_home / "my-own-notes.txt"
    mine.write_text("not finder's")
    code, _, err = invoke("wipe", "--yes")
    assert code == 0
    assert sorted(p.name for p in finder_home.iterdir()) == ["my-own-notes.txt"]
    assert f"Left alone (not finder's): {mine}" in err.splitlines()


# --- imported text stays text ---------------------------------------------------------------


def test_imported_text_never_becomes_a_formula_markup_or_a_path(
    tmp_path: Path, finder_home: Path
) -> None:
    hostile = tmp_path / "in" / "hostile.csv"
    hostile.parent.mkdir()
    hostile.write_text(
        "name,website,city,statement\n"
        '"=HYPERLINK(""http://evil.example"",""x"")",../../../../etc/passwd,'
        '"[bold red]Boston[/]","<script>alert(1)</script> $(rm -rf ~) `id`"\n',
        encoding="utf-8",
    )
    before = {p for p in tmp_path.rglob("*")}
    assert invoke("import", str(hostile))[0] == 0
    code, out, _ = invoke("list", "--csv")
    assert code == 0
    row = out.splitlines()[1]
    assert row.startswith('1,"\'=HYPERLINK(""http://evil.example"", ""x"")",')
    code, out, _ = invoke("show", "1")
    assert code == 0
    assert "[bold red]Boston[/]" in out  # shown literally, not as rich markup
    assert "<script>alert(1)</script> $(rm -rf ~) `id`" in out
    code, out, _ = invoke("export", "--format", "md")
    assert "<script>" not in out and "&lt;script&gt;" in out
    # Nothing appeared outside the data folder: no path was built from imported text.
    assert {p for p in tmp_path.rglob("*")} == before


def test_finder_never_runs_a_shell() -> None:
    """Imported text cannot become a command if finder never starts one."""
    banned = ("subprocess", "os.system", "os.popen", "os.exec", "shell=True", "webbrowser")
    for path in (ROOT / "finder").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        # `make demo` runs finder's own commands on sample data it writes; never a shell.
        allowed = ("subprocess",) if path.name == "demo.py" else ()
        for word in (w for w in banned if w not in allowed):
            assert word not in source, f"{path.relative_to(ROOT)} uses {word}"
