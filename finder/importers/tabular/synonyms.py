"""Column names -> finder's fields, read from ``data/reference/headers.toml``.

The table lists the names real exports use per field, in English and in the languages
of directories outside the US; a file whose headers are in one of those languages says
where it probably comes from (``header_language``).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections import Counter
from functools import cache

from finder.records.models import FIELDS, Kind
from finder.records.reference import shipped

# Pseudo fields: columns whose value feeds several fields at once.
LICENSE_COMBINED = "_license"  # "8500 Massachusetts", "LCSW #123 (NY)"
COORDINATES = "_coordinates"  # "['37.35', '-122.09']" or "37.35, -122.09"
LOCATION = "_location"  # "Chicago, IL 60601" or "Video session: Online"
PSEUDO_FIELDS = frozenset({LICENSE_COMBINED, COORDINATES, LOCATION})

_CAMEL = re.compile(r"([a-z])([A-Z])")
_NOT_WORD = re.compile(r"[^0-9a-z#]+")


def header_key(header: str) -> str:
    """``"Min Session Price"`` / ``"min_session-price"`` -> ``"min session price"``;
    ``"Código Postal"`` -> ``"codigo postal"``; ``"Straße"`` -> ``"strasse"``."""
    text = _CAMEL.sub(r"\1 \2", str(header))
    if not text.isascii():
        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )
    return _NOT_WORD.sub(" ", text.casefold()).strip()


@cache
def _table() -> dict[str, dict[str, list[str]]]:
    text = shipped("finder.refdata", "headers.toml").read_text("utf-8")
    return tomllib.loads(text)


@cache
def lookup() -> dict[str, str]:
    """Every known header key (also without spaces) -> its field; English names first."""
    found: dict[str, str] = {}
    for language, fields in _table().items():
        if language == "countries":
            continue
        for field, names in fields.items():
            for name in names:
                key = header_key(name)
                found.setdefault(key, field)
                found.setdefault(key.replace(" ", ""), field)
    return found


@cache
def _foreign() -> dict[str, str]:
    """Header keys only a language other than English uses -> that language."""
    english = {header_key(n) for names in _table()["en"].values() for n in names}
    found: dict[str, str] = {}
    for language, fields in _table().items():
        if language in ("countries", "en"):
            continue
        for names in fields.values():
            for name in names:
                key = header_key(name)
                if key not in english:
                    found.setdefault(key, language)
    return found


def header_language(headers: list[str]) -> str | None:
    """``"es"`` when at least two headers are Spanish words English exports do not use."""
    foreign = _foreign()
    votes = Counter(foreign[k] for k in map(header_key, headers) if k in foreign)
    if not votes:
        return None
    language, count = votes.most_common(1)[0]
    return language if count >= 2 or count == len(headers) else None


def language_countries(language: str) -> list[str]:
    """The countries a file in ``language`` probably comes from, most likely first."""
    return list(_table()["countries"].get(language, []))


LANGUAGE_NAMES = {"es": "Spanish", "pt": "Portuguese", "fr": "French", "de": "German"}


def is_list(field: str) -> bool:
    """Several columns may feed one list field ("treatmentapproach" and "treatmentorientation")."""
    return field in FIELDS and FIELDS[field][0] is Kind.LIST


def multi_valued(field: str) -> bool:
    """... and several phone columns ("Phone", "Phone 2", "Mobile") feed ``phones``."""
    return is_list(field) or field == "phones"
