"""The TinyDB file of the user's work: orjson, private, atomic replace, fsync.

``AtomicOrjsonStorage`` writes the whole database to a temporary file in the same
folder, fsyncs it, then renames it over the old one, so a crash or a full disk
leaves either the old file or the new one, never half of one. ``stage`` splits
that in two, so the store can commit its SQLite part between them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import orjson
from tinydb.storages import Storage

from finder.errors import StoreError
from finder.storage.atomic import atomic_write_bytes, discard, publish, stage_bytes


class Staged(NamedTuple):
    """A TinyDB file written but not yet in place: ``put`` it, or ``drop`` it."""

    put: Callable[[], None]
    drop: Callable[[], None]


class AtomicOrjsonStorage(Storage):
    """A TinyDB storage: orjson, private file, atomic replace, fsync.

    Reads are cached: TinyDB asks the storage for the whole database on every
    query, and parsing a large file each time would make every command slow.
    While ``buffering`` is set, writes only update the cache; ``flush`` writes.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._cache: dict[str, Any] | None = None
        self._mtime: tuple[int, int] | None = None
        self.buffering = False
        self.dirty = False

    def _stat_key(self) -> tuple[int, int] | None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def reload(self) -> None:
        self._cache = None
        self._mtime = None
        self.dirty = False

    def read(self) -> dict[str, Any] | None:
        if self._cache is not None:
            return self._cache
        key = self._stat_key()
        if key is None:
            return None
        try:
            raw = self.path.read_bytes()
        except PermissionError as err:
            raise StoreError(f"cannot read {self.path}: permission denied") from err
        except OSError as err:
            raise StoreError(f"cannot read {self.path}: {err.strerror}") from err
        if not raw.strip():
            return None
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as err:
            raise StoreError(
                f"{self.path} is damaged ({err}); `finder restore` lists backups to restore"
            ) from err
        if not isinstance(data, dict):
            raise StoreError(f"{self.path} is not a finder database")
        self._cache = data
        self._mtime = key
        return data

    def write(self, data: dict[str, Any]) -> None:
        self._cache = data
        if self.buffering:
            self.dirty = True
            return
        self.flush()

    def flush(self) -> None:
        if self._cache is None:
            return
        atomic_write_bytes(self.path, orjson.dumps(self._cache))
        self._mtime = self._stat_key()
        self.dirty = False

    def stage(self) -> Staged:
        """Write the new file beside the old one (a full disk fails here); ``Staged``
        puts it in place, after the SQLite part has committed."""
        tmp = stage_bytes(self.path, orjson.dumps(self._cache))

        def put() -> None:
            publish(tmp, self.path)
            self._mtime = self._stat_key()
            self.dirty = False

        return Staged(put, lambda: discard(tmp))

    def close(self) -> None:
        pass


class SnapshotMemoryStorage(Storage):
    """In-memory storage with the file storage's commit/discard semantics (for tests)."""

    def __init__(self) -> None:
        self._committed: bytes | None = None
        self._cache: dict[str, Any] | None = None
        self.buffering = False
        self.dirty = False

    def reload(self) -> None:
        self._cache = orjson.loads(self._committed) if self._committed else None
        self.dirty = False

    def read(self) -> dict[str, Any] | None:
        return self._cache

    def write(self, data: dict[str, Any]) -> None:
        self._cache = data
        if self.buffering:
            self.dirty = True
        else:
            self.flush()

    def flush(self) -> None:
        self._committed = orjson.dumps(self._cache) if self._cache is not None else None
        self.dirty = False

    def stage(self) -> Staged:
        return Staged(self.flush, lambda: None)

    def close(self) -> None:
        pass
