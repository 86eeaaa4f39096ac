"""Reference tables that ship with finder as data files (``data/reference/``, installed as
``finder.refdata``): US states, language codes, NUCC taxonomy codes and others a person can
read and correct without reading code."""

from __future__ import annotations

import csv
import importlib
import io
from functools import cache
from pathlib import Path


def shipped(package: str, name: str = "") -> Path:
    """The file ``name`` (or, without it, the folder) that ships inside ``package``.

    finder is installed as files (a wheel or an editable checkout), so the package's folder
    is the place; ``importlib.resources`` finds the same one but loads zipfile, tempfile and
    shutil (9 ms) on every command's start."""
    folder = Path(importlib.import_module(package).__path__[0])
    return folder / name if name else folder


@cache
def rows(name: str) -> tuple[dict[str, str], ...]:
    """The rows of the shipped table ``name`` (a CSV file with a header row)."""
    text = shipped("finder.refdata", name).read_text(encoding="utf-8")
    return tuple(csv.DictReader(io.StringIO(text)))


def mapping(name: str, key: str, value: str) -> dict[str, str]:
    """Two columns of the shipped table ``name`` as a dict."""
    return {row[key]: row[value] for row in rows(name)}
