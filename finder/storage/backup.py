"""Backups of the store, kept before anything destructive.

A backup is a copy of the database file in ``<data>/backups/`` named by time
and reason. The newest ``KEEP`` are kept. ``finder restore`` lists and restores.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from finder.errors import NotFound, StoreError
from finder.storage.atomic import atomic_write_bytes

KEEP = 5


@dataclass(frozen=True)
class Backup:
    path: Path
    created: str
    reason: str
    size: int


def backup_dir(store_path: Path) -> Path:
    return store_path.parent / "backups"


def make(store_path: Path, reason: str) -> Backup | None:
    """Copy the store aside; ``None`` when there is nothing to back up yet."""
    if not store_path.exists():
        return None
    folder = backup_dir(store_path)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    slug = re.sub(r"[^a-z0-9]+", "-", reason.lower()).strip("-")[:40] or "backup"
    target = folder / f"{stamp}--{slug}.json"
    tmp = target.with_suffix(".tmp")
    # kept here: shutil (3 ms with bz2 and lzma) loads only for a backup
    import shutil

    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        remove_partial(store_path)  # the caller holds the store's lock: none is in progress
        shutil.copyfile(store_path, tmp)
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise StoreError(
            f"could not back up {store_path}: {err.strerror}; nothing changed"
        ) from err
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    prune(store_path)
    return _describe(target)


def remove_partial(store_path: Path, older_than: float = 0.0) -> list[Path]:
    """Delete copies a killed backup left half-written (``*.tmp``); returns them.

    ``older_than`` (seconds) spares a copy another finder process may be writing now,
    for callers that do not hold the store's lock.
    """
    folder = backup_dir(store_path)
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    now = time.time()
    for path in folder.glob("*.tmp"):
        try:
            if now - path.lstat().st_mtime >= older_than:
                path.unlink()
                removed.append(path)
        except OSError:
            continue
    return removed


def _describe(path: Path) -> Backup:
    stamp, _, slug = path.stem.partition("--")
    created = datetime.strptime(stamp, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
    return Backup(
        path, created.isoformat(timespec="seconds"), slug.replace("-", " "), path.stat().st_size
    )


def list_backups(store_path: Path) -> list[Backup]:
    folder = backup_dir(store_path)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob("*--*.json"):
        try:
            found.append(_describe(path))
        except (ValueError, OSError):
            continue
    return sorted(found, key=lambda b: b.path.name, reverse=True)


def prune(store_path: Path, keep: int = KEEP) -> None:
    for old in list_backups(store_path)[keep:]:
        old.path.unlink(missing_ok=True)


def restore(store_path: Path, which: str | int) -> Backup:
    """Restore backup number ``which`` (1 = newest, as listed) or by file name."""
    backups = list_backups(store_path)
    chosen = None
    if isinstance(which, int) or str(which).isdigit():
        index = int(which) - 1
        if 0 <= index < len(backups):
            chosen = backups[index]
    else:
        chosen = next((b for b in backups if b.path.name == which), None)
    if chosen is None:
        raise NotFound(f"no backup {which!r}; `finder restore` lists them")

    try:
        data = chosen.path.read_bytes()  # before make() below can prune the oldest backup
    except OSError as err:
        raise StoreError(f"cannot read backup {chosen.path}: {err.strerror}") from err
    make(store_path, reason="before restore")
    atomic_write_bytes(store_path, data)
    return chosen
