"""Where finder keeps its data: one function decides, everything else asks it."""

from __future__ import annotations

import os
from pathlib import Path

ENV_HOME = "FINDER_HOME"
APP_NAME = "finder"

_override: Path | None = None


def set_home_override(path: Path | None) -> None:
    """``--home`` on the command line wins over ``FINDER_HOME`` and the platform default."""
    global _override
    _override = path


def given_home() -> Path | None:
    """The data folder as the person named it (``--home`` or ``$FINDER_HOME``), unresolved:
    whether it is a symbolic link matters (``finder.storage.privacy.claim_home``)."""
    if _override is not None:
        return _override.expanduser()
    env = os.environ.get(ENV_HOME)
    return Path(env).expanduser() if env else None


def data_dir() -> Path:
    """The data folder: ``--home``, else ``$FINDER_HOME``, else the platform's user data dir."""
    if _override is not None:
        return _override.expanduser().resolve()
    env = os.environ.get(ENV_HOME)
    if env:
        return Path(env).expanduser().resolve()
    # kept here: platformdirs (8 ms) stays off `finder --help`
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def store_file() -> Path:
    return data_dir() / "finder.json"


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) readable by the owner only."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    return path
