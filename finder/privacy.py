"""Keep the data folder private: 0700 for folders, 0600 for files, checked at start-up."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
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
