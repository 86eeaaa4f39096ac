"""Crash reports that help fix a bug without carrying anyone's data.

A report holds the exception type, finder's version and the stack of code
locations (file, line, function). It never holds the exception message or
local variables: those can carry names, notes or answers.
"""

from __future__ import annotations

import os
import platform
import traceback
from datetime import UTC, datetime
from pathlib import Path

from finder import __version__
from finder.storage import paths
from finder.storage.privacy import is_marked


def format_report(err: BaseException) -> str:
    lines = [
        f"finder {__version__} crash report",
        f"time: {datetime.now(UTC).isoformat(timespec='seconds')}",
        f"python: {platform.python_version()} on {platform.system()}",
        f"error type: {type(err).__module__}.{type(err).__qualname__}",
        "stack (code locations only; messages and values are left out for privacy):",
    ]
    for frame in traceback.extract_tb(err.__traceback__):
        lines.append(f"  {_short(frame.filename)}:{frame.lineno} in {frame.name}")
    return "\n".join(lines) + "\n"


def _short(filename: str) -> str:
    marker = f"{os.sep}finder{os.sep}"
    index = filename.rfind(marker)
    return "finder/" + filename[index + len(marker) :] if index >= 0 else Path(filename).name


def write_report(err: BaseException) -> Path | None:
    if not is_marked(paths.data_dir()):
        return None  # not finder's folder (or not made yet): write nothing there
    try:
        folder = paths.ensure_private_dir(paths.data_dir() / "crash-reports")
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        target = folder / f"crash-{stamp}.txt"
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(format_report(err))
        return target
    except OSError:
        return None
