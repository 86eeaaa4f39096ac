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

from finder.errors import StoreError

#: The file that makes a folder finder's data folder. finder creates, changes and deletes
#: files only in a folder that carries it, and there only its own (``is_finder_item``).
MARKER = ".finder-data"
_MARKER_TEXT = (
    "This folder is the data folder of finder (the IPT therapist finder).\n"
    "`finder wipe` deletes what finder keeps here; other files are left alone.\n"
)
#: Written first by ``wipe`` and removed last: while it is there, a wipe was cut short.
WIPING = ".finder-wiping"

#: What finder itself keeps in the data folder; anything else there is left alone.
FINDER_ITEMS = frozenset(
    {
        MARKER,
        WIPING,
        ".welcomed",
        "backups",
        "crash-reports",
        "checklists",
        "downloads",
        "zip_points.json",
    }
)


def is_finder_item(name: str) -> bool:
    """Whether a name in the data folder is one finder writes: its store (``finder.json``,
    ``finder.db`` and their lock and journal files), temporary saves, the folders above."""
    return (
        name in FINDER_ITEMS
        or name.startswith(("finder.", ".finder.", ".zip_points.json."))
        or (name.startswith(".") and name.endswith(".tmp"))
    )


def claim_home(home: Path, given: Path | None = None) -> None:
    """Make sure ``home`` is finder's own folder before anything is written there.

    A new or empty folder gets the marker; a folder with the marker is used; a folder an
    older finder filled (only finder's names in it) is marked. A folder holding anything
    else, or a symbolic link to a folder without the marker, is refused with one line.
    """
    if given is not None and given.is_symlink() and not (home / MARKER).is_file():
        raise StoreError(
            f"{given} is a symbolic link to {home}, which is not a finder data folder "
            f"(no {MARKER} file); give the real folder with --home, or a new folder"
        )
    if (home / MARKER).is_file():
        return
    if home.exists() and not home.is_dir():
        raise StoreError(f"{home} is a file, not a folder; give a folder with --home")
    others = sorted(p.name for p in home.iterdir() if not is_finder_item(p.name)) if (
        home.is_dir()
    ) else []  # fmt: skip
    if others:
        raise StoreError(
            f"{home} holds files finder did not create ({', '.join(others[:3])}"
            f"{', ...' if len(others) > 3 else ''}) and is not a finder data folder; "
            "finder will not use it: give a new or empty folder with --home or FINDER_HOME"
        )
    try:
        home.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(home / MARKER, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(_MARKER_TEXT)
    except FileExistsError:
        pass  # another finder process marked it first
    except OSError as err:
        if not home.is_dir():
            raise StoreError(f"cannot create the data folder {home}: {err.strerror}") from err


def is_marked(home: Path) -> bool:
    return (home / MARKER).is_file()


def check_permissions(home: Path, warn: Callable[[str], None]) -> list[Path]:
    """Make finder's own files private again (folders 0700, files 0600); say which.

    Only the data folder itself and what finder keeps in it are looked at: another
    file that happens to be there keeps its permissions, and links are never followed.
    """
    if not home.is_dir() or not is_marked(home):
        return []
    fixed: list[Path] = []
    for path in [home, *_own_paths(home)]:
        try:
            st = path.lstat()
        except OSError:
            continue
        if stat.S_ISLNK(st.st_mode) or not stat.S_IMODE(st.st_mode) & 0o077:
            continue
        want = 0o700 if stat.S_ISDIR(st.st_mode) else 0o600
        try:
            os.chmod(path, want, follow_symlinks=False)
            fixed.append(path)
        except (OSError, NotImplementedError):
            warn(f"{path} is readable by others and could not be fixed (chmod {want:o} it)")
    if fixed:
        names = ", ".join(str(p.relative_to(home)) if p != home else str(home) for p in fixed[:5])
        more = f" and {len(fixed) - 5} more" if len(fixed) > 5 else ""
        warn(
            f"finder's own files were readable by other users; made private (owner only): "
            f"{names}{more}"
        )
    return fixed


def _own_paths(home: Path) -> list[Path]:
    found: list[Path] = []
    for item in home.iterdir():
        if not is_finder_item(item.name):
            continue
        found.append(item)
        if item.is_dir() and not item.is_symlink():
            found.extend(_walk(item))
    return found


def _walk(folder: Path) -> list[Path]:
    out: list[Path] = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        out.extend(Path(root, name) for name in [*dirs, *files])
    return out


# --- wipe ---------------------------------------------------------------------------------

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
        (delete if is_finder_item(path.name) else keep).append(path)
    return WipePlan(home, tuple(delete), tuple(keep))


def _scrub(path: Path) -> None:
    # Overwriting first defeats casual undelete tools on spinning disks; SSDs may still
    # keep the old blocks, which WIPE_CAVEATS says plainly.
    try:
        if path.name.startswith("finder."):
            # The store is renamed away first: overwritten in place, a kill in between
            # would leave a store of zeros that looks damaged rather than deleted.
            hidden = path.with_name(f".{path.name}.wipe.tmp")
            os.replace(path, hidden)
            path = hidden
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
    """Delete what ``plan`` lists; returns what could not be deleted.

    ``WIPING`` is written first and the marker and ``WIPING`` go last, so a wipe cut
    short (a kill, a power cut) is finished by the next command (``finish_wipe``)
    instead of leaving a half-deleted store that looks damaged.
    """
    failed: list[Path] = []
    with contextlib.suppress(OSError):
        (plan.home / WIPING).touch(mode=0o600)
    last = {MARKER, WIPING}
    items = [p for p in plan.delete if p.name not in last]
    items += [plan.home / MARKER, plan.home / WIPING]
    for item in items:
        targets = [item] if not item.is_dir() or item.is_symlink() else [
            *sorted(_walk(item), key=lambda p: len(p.parts), reverse=True), item
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


def finish_wipe(home: Path) -> list[Path] | None:
    """Finish a wipe that was cut short; ``None`` when there was none. Returns what it
    deleted now, for the one line that tells the person."""
    if not (home / WIPING).exists():
        return None
    plan = plan_wipe(home)
    wipe(plan)
    return [p for p in plan.delete if not p.exists()]
