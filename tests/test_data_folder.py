"""finder touches only what it created: its data folder carries a marker, a folder that is
someone else's is refused, permissions are fixed on finder's own files only, and a wipe
removes everything finder wrote, even after a wipe or a backup was cut short."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from finder.cli import cli
from finder.storage import privacy


def invoke(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def add_one() -> None:
    code, _, err = invoke("add", "--name", "Dana Reyes", "--statement", "trained in IPT", "-y")
    assert code == 0, err


def test_a_folder_with_other_files_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir(mode=0o755)
    script = site / "deploy.sh"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    code, out, err = invoke("--home", str(site), "list")
    assert code == 5
    assert out == ""
    assert err == (
        f"Error: {site.resolve()} holds files finder did not create (deploy.sh) and is not a "
        "finder data folder; finder will not use it: give a new or empty folder with --home "
        "or FINDER_HOME\n"
    )
    assert mode(script) == 0o755 and mode(site) == 0o755
    assert sorted(p.name for p in site.iterdir()) == ["deploy.sh"]
    # Every command that opens the store refuses it, wipe included, and deletes nothing.
    assert invoke("--home", str(site), "wipe", "--yes")[0] == 5
    assert script.exists()


def test_a_new_or_empty_folder_is_marked_and_used(tmp_path: Path) -> None:
    home = tmp_path / "new"
    code, _, err = invoke("--home", str(home), "list")
    assert code == 0, err
    assert (home / privacy.MARKER).is_file()
    assert mode(home / privacy.MARKER) == 0o600


def test_a_symlink_to_a_folder_that_is_not_finders_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "target"
    target.mkdir()
    link = tmp_path / "link"
    link.symlink_to(target)
    code, _, err = invoke("--home", str(link), "list")
    assert code == 5
    assert err.startswith(f"Error: {link} is a symbolic link to {target.resolve()}, which is")
    assert list(target.iterdir()) == []
    # Once the real folder is finder's own (it carries the marker), the link may be used.
    assert invoke("--home", str(target), "list")[0] == 0
    assert invoke("--home", str(link), "list")[0] == 0


def test_permissions_are_fixed_on_finders_files_only(finder_home: Path) -> None:
    add_one()
    theirs = finder_home / "script.sh"
    theirs.write_text("#!/bin/sh\n")
    theirs.chmod(0o755)
    (finder_home / "finder.json").chmod(0o644)
    code, _, err = invoke("list")
    assert code == 0
    assert err.splitlines()[0] == (
        "Warning: finder's own files were readable by other users; made private (owner "
        "only): finder.json"
    )
    assert mode(theirs) == 0o755
    assert mode(finder_home / "finder.json") == 0o600


def test_permission_check_never_follows_a_link(finder_home: Path, tmp_path: Path) -> None:
    add_one()
    outside = tmp_path / "outside"
    outside.mkdir(mode=0o755)
    (outside / "f").write_text("x")
    (outside / "f").chmod(0o644)
    (finder_home / "backups").mkdir(exist_ok=True)
    (finder_home / "backups" / "elsewhere").symlink_to(outside)
    assert invoke("list")[0] == 0
    assert (mode(outside), mode(outside / "f")) == (0o755, 0o644)


def test_wipe_removes_everything_finder_wrote_and_lists_it(finder_home: Path) -> None:
    add_one()
    (finder_home / "zip_points.json").write_text('{"02139": [42.36, -71.1]}')
    (finder_home / "downloads" / "fetch-x").mkdir(parents=True)
    (finder_home / "downloads" / "fetch-x" / "page-0001.csv").write_text("name\nA\n")
    code, _, err = invoke("wipe", "--yes")
    assert code == 0, err
    assert not finder_home.exists()
    deleted = next(line for line in err.splitlines() if line.startswith("Deleted: "))
    for name in (".finder-data", "downloads", "finder.json", "zip_points.json"):
        assert name in deleted


def test_an_interrupted_wipe_is_explained_and_finished(finder_home: Path) -> None:
    add_one()
    assert invoke("shortlist", "add", "1")[0] == 0
    # A wipe killed after it started: its flag is there, the store is half overwritten.
    (finder_home / privacy.WIPING).touch()
    (finder_home / "finder.json").write_bytes(b"\0" * 4096)
    code, out, err = invoke("list", "--json")
    assert code == 0, err
    assert out == "[]\n"
    assert err.startswith("An earlier `finder wipe` was interrupted; finished it now (")
    assert "damaged" not in err and "restore" not in err
    assert not (finder_home / privacy.WIPING).exists()


def test_wipe_killed_midway_leaves_no_store_of_zeros(
    finder_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_one()
    real_unlink = Path.unlink

    def killed(self: Path, missing_ok: bool = False) -> None:
        if self.name.startswith((".finder.json", "finder.json")):
            raise KeyboardInterrupt  # the kill, after the store was overwritten
        real_unlink(self, missing_ok=missing_ok)

    with monkeypatch.context() as patch:
        patch.setattr(Path, "unlink", killed)
        with pytest.raises(KeyboardInterrupt):
            privacy.wipe(privacy.plan_wipe(finder_home))
    assert not (finder_home / "finder.json").exists()
    code, out, err = invoke("list", "--json")
    assert (code, out) == (0, "[]\n"), err
    assert "interrupted" in err
    assert sorted(os.listdir(finder_home)) in ([], [".finder-data"], [".finder-data", ".welcomed"])


def test_a_backup_copy_cut_short_is_removed_and_said(finder_home: Path) -> None:
    add_one()
    backups = finder_home / "backups"
    backups.mkdir(exist_ok=True)
    partial = backups / "20260101T000000000000Z--before-import.tmp"
    partial.write_bytes(b'{"records": {"1": ')
    old = partial.stat().st_mtime - 3600
    os.utime(partial, (old, old))
    code, _, err = invoke("list")
    assert code == 0
    assert f"Removed {partial.name}, a backup copy cut short earlier (incomplete)." in err
    assert not partial.exists()
