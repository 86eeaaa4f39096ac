"""Keep the data folder private: 0700 for folders, 0600 for files, checked at start-up.

Also the one command that deletes everything: ``plan_wipe`` says what would go
(only finder's own files, even when the folder holds others) and ``wipe``
deletes it.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


def check_permissions(home: Path, warn: Callable[[str], None]) -> list[Path]:
    """Tighten anything in the data folder that others could read; say what was fixed."""
    if not home.exists():
        return []
    fixed: list[Path] = []
    for path in [home, *home.rglob("*")]:
        try:
            mode = stat.S_IMODE(path.lstat().st_mode)
        except OSError:
            continue
        if path.is_symlink():
            continue
        want = 0o700 if path.is_dir() else 0o600
        if mode & 0o077:
            try:
                os.chmod(path, want)
                fixed.append(path)
            except OSError:
                warn(f"{path} is readable by others and could not be fixed (chmod {want:o} it)")
    if fixed:
        warn(
            f"{len(fixed)} item(s) in {home} were readable by other users; "
            "permissions reset to owner-only"
        )
    return fixed


# --- wipe ---------------------------------------------------------------------------------

#: What finder itself keeps in the data folder; anything else there is left alone.
FINDER_ITEMS = (
    "finder.json",
    "finder.json.lock",
    ".welcomed",
    "backups",
    "crash-reports",
    "checklists",
)

WIPE_CAVEATS = (
    "Copies outside the data folder are not touched: exports written with `finder export -o`, "
    "reports you saved, and the files you imported.",
    "Deleted files may still be recoverable from the disk: SSDs, journaling and copy-on-write "
    "file systems keep old blocks, and system backups (Time Machine, cloud sync) keep their "
    "own copies. finder cannot guarantee those are gone.",
)


@dataclass(frozen=True)
class WipePlan:
    home: Path
    delete: tuple[Path, ...]  # finder's own files and folders
    keep: tuple[Path, ...]  # things finder did not create: never deleted


def plan_wipe(home: Path) -> WipePlan:
    """What ``wipe`` would delete: finder's files only, even if the folder holds others."""
    if not home.is_dir():
        return WipePlan(home, (), ())
    delete: list[Path] = []
    keep: list[Path] = []
    for path in sorted(home.iterdir()):
        ours = path.name in FINDER_ITEMS or (
            path.name.startswith(".finder.json.") and path.name.endswith(".tmp")
        )
        (delete if ours else keep).append(path)
    return WipePlan(home, tuple(delete), tuple(keep))


def _scrub(path: Path) -> None:
    # Overwriting first defeats casual undelete tools on spinning disks; SSDs may still
    # keep the old blocks, which WIPE_CAVEATS says plainly.
    try:
        size = path.stat().st_size
        with open(path, "r+b") as fh:
            chunk = b"\0" * (1 << 20)
            for _ in range(0, size, len(chunk)):
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError:
        pass
    path.unlink(missing_ok=True)


def wipe(plan: WipePlan) -> list[Path]:
    """Delete what ``plan`` lists; returns what could not be deleted."""
    failed: list[Path] = []
    for item in plan.delete:
        targets = [item] if not item.is_dir() or item.is_symlink() else [
            *sorted(item.rglob("*"), key=lambda p: len(p.parts), reverse=True), item
        ]  # fmt: skip
        for path in targets:
            try:
                if path.is_dir() and not path.is_symlink():
                    path.rmdir()
                elif path.is_file() and not path.is_symlink():
                    _scrub(path)
                else:
                    path.unlink(missing_ok=True)
            except OSError:
                failed.append(path)
    if not plan.keep and not failed:
        with contextlib.suppress(OSError):
            plan.home.rmdir()
    return failed
