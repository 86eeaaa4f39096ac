"""Reference tables that ship with finder as data files (``data/reference/``, installed as
``finder.refdata``): US states, language codes, NUCC taxonomy codes and others a person can
read and correct without reading code."""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources


@cache
def rows(name: str) -> tuple[dict[str, str], ...]:
    """The rows of the shipped table ``name`` (a CSV file with a header row)."""
    text = resources.files("finder.refdata").joinpath(name).read_text(encoding="utf-8")
    return tuple(csv.DictReader(io.StringIO(text)))


def mapping(name: str, key: str, value: str) -> dict[str, str]:
    """Two columns of the shipped table ``name`` as a dict."""
    return {row[key]: row[value] for row in rows(name)}
