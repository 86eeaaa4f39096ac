"""NUCC provider taxonomy codes: their names, which are behavioural health, which licence.

The NPPES registry and payer directories say what a clinician is with a NUCC
taxonomy code ("1041C0700X"), not in words. finder ships a small table of the
behavioural-health codes (``data/reference/taxonomy.csv``, installed as
``finder.refdata``) rather than the whole NUCC set: that is all it needs to name
a therapist's profession, to keep the bulk NPPES file down to therapists, and to
derive a licence type (DOMAIN.md section 6). A few neighbouring codes are listed
with ``behavioral=no`` so that they still get a readable name.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

_CODE = re.compile(r"^[0-9A-Z]{9}X$")


@dataclass(frozen=True)
class Taxonomy:
    code: str
    classification: str
    specialization: str
    display_name: str
    behavioral: bool


@cache
def table() -> dict[str, Taxonomy]:
    """The shipped table, code -> entry (read once)."""
    text = resources.files("finder.refdata").joinpath("taxonomy.csv").read_text("utf-8")
    out: dict[str, Taxonomy] = {}
    for row in csv.DictReader(io.StringIO(text)):
        code = row["code"].strip().upper()
        out[code] = Taxonomy(
            code=code,
            classification=row["classification"].strip(),
            specialization=row["specialization"].strip(),
            display_name=row["display_name"].strip(),
            behavioral=row["behavioral"].strip().lower() == "yes",
        )
    return out


def normalize_code(code: object) -> str | None:
    """``" 1041c0700x "`` -> ``"1041C0700X"``; ``None`` unless it has the NUCC shape."""
    if not isinstance(code, str):
        return None
    text = code.strip().upper()
    return text if _CODE.match(text) else None


def name(code: str) -> str | None:
    """A readable name for ``code`` ("Clinical Social Worker"), or ``None`` if unknown."""
    entry = table().get(normalize_code(code) or "")
    return entry.display_name if entry else None


# Whole families that are behavioural health even where the table lacks a subspecialty
# (NUCC adds codes every year; a new 103T... psychologist is still a psychologist).
_BEHAVIORAL_PREFIXES = ("101Y", "1012", "102L", "102X", "103G", "103K", "103T", "1041", "106")


def is_behavioral(code: str) -> bool:
    """True for behavioural-health codes: counsellors, psychologists, psychiatry, ..."""
    norm = normalize_code(code)
    if norm is None:
        return False
    entry = table().get(norm)
    if entry is not None:
        return entry.behavioral
    return norm.startswith(_BEHAVIORAL_PREFIXES) or norm.startswith(("2084P08", "364SP08"))


# Ordered: the first matching prefix wins (DOMAIN.md section 6).
_LICENSE_BY_PREFIX: tuple[tuple[str, str], ...] = (
    ("1041C0700X", "LCSW"),
    ("104100000X", "LCSW"),
    ("106H00000X", "LMFT"),
    ("101YP2500X", "LPC"),
    ("101YM0800X", "LPC"),
    ("101Y00000X", "LPC"),
    ("103T", "Psychologist"),
    ("2084P08", "Psychiatrist"),
    ("363LP0808X", "PMHNP"),
    ("364SP08", "CNS"),
    ("102L00000X", "Psychoanalyst"),
)


def license_type(code: str) -> str | None:
    """The licence type a taxonomy code implies ("LCSW", "Psychologist"), else ``None``."""
    norm = normalize_code(code)
    if norm is None:
        return None
    for prefix, kind in _LICENSE_BY_PREFIX:
        if norm.startswith(prefix):
            return kind
    return None


def settle_license_type(fields: dict[str, object], codes: list[str]) -> None:
    """Set ``fields["license_type"]`` from taxonomy ``codes`` (most important first).

    The first code that implies a licence wins. When none does, a type guessed
    from credentials stays, except "Psychiatrist": MD and DO only say "physician",
    and a family doctor's record must not read as a psychiatrist's.
    """
    for code in codes:
        kind = license_type(code)
        if kind:
            fields["license_type"] = kind
            return
    if codes and fields.get("license_type") in ("Psychiatrist", "Physician"):
        del fields["license_type"]
