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
from dataclasses import dataclass
from functools import cache

from finder.patterns import later
from finder.records.normalize.licences import licence_family
from finder.records.normalize.text import Memo
from finder.records.reference import shipped

_CODE = later(r"^[0-9A-Z]{9}X$")


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
    text = shipped("finder.refdata", "taxonomy.csv").read_text("utf-8")
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
    if type(code) is str:
        return _NORMALIZED[code]  # a few hundred codes, read again and again
    if not isinstance(code, str):
        return None
    return _normalized(code)


def _normalized(code: str) -> str | None:
    text = code.strip().upper()
    return text if _CODE.match(text) else None


_NORMALIZED: Memo[str, str | None] = Memo(_normalized, 4096)


def name(code: str) -> str | None:
    """A readable name for ``code`` ("Clinical Social Worker"), or ``None`` if unknown."""
    entry = table().get(normalize_code(code) or "")
    return entry.display_name if entry else None


# Whole families that are behavioural health even where the table lacks a subspecialty
# (NUCC adds codes every year; a new 103T... psychologist is still a psychologist).
_BEHAVIORAL_PREFIXES = ("101Y", "1012", "102L", "102X", "103G", "103K", "103T", "1041", "106")
_BEHAVIORAL_FAMILIES = (*_BEHAVIORAL_PREFIXES, "2084P08", "364SP08")


def is_behavioral(code: str) -> bool:
    """True for behavioural-health codes: counsellors, psychologists, psychiatry, ..."""
    norm = normalize_code(code)
    if norm is None:
        return False
    entry = table().get(norm)
    if entry is not None:
        return entry.behavioral
    return norm.startswith(_BEHAVIORAL_FAMILIES)


@cache
def behavioral_beginnings() -> tuple[str, ...]:
    """What every code ``is_behavioral`` accepts begins with: the families' prefixes and
    the table's behavioural codes outside them. A text in which none of these begins a
    code holds no behavioural-health code (the NPPES bulk reader skips such rows unread)."""
    outside = (
        c for c, e in table().items() if e.behavioral and not c.startswith(_BEHAVIORAL_FAMILIES)
    )
    return (*_BEHAVIORAL_FAMILIES, *sorted(outside))


# Ordered: the first matching prefix wins (DOMAIN.md section 6). The words are the
# taxonomy's own: a clinical social worker code states no letters (LCSW, LICSW ...), and
# the generic counselor code 101Y00000X states no licence at all.
_LICENSE_BY_PREFIX: tuple[tuple[str, str | None], ...] = (
    ("1041C0700X", "Clinical Social Worker"),
    ("104100000X", "Social Worker"),
    ("106H00000X", "Marriage & Family Therapist"),
    ("101YP2500X", "Professional Counselor"),
    ("101YM0800X", "Mental Health Counselor"),
    ("101Y00000X", None),
    ("103T", "Psychologist"),
    ("2084P08", "Psychiatrist"),
    ("363LP0808X", "Psychiatric Nurse Practitioner"),
    ("364SP08", "Psychiatric Clinical Nurse Specialist"),
    ("102L00000X", "Psychoanalyst"),
)


def license_type(code: str) -> str | None:
    """The licence a taxonomy code states, in its words ("Clinical Social Worker"), else ``None``."""
    return _LICENSE_TYPES[code] if type(code) is str else _license_type(code)


def _license_type(code: str) -> str | None:
    norm = normalize_code(code)
    if norm is None:
        return None
    for prefix, kind in _LICENSE_BY_PREFIX:
        if norm.startswith(prefix):
            return kind
    return None


_LICENSE_TYPES: Memo[str, str | None] = Memo(_license_type, 4096)


def settle_license_type(fields: dict[str, object], codes: list[str]) -> None:
    """Set ``fields["license_type"]`` from the primary taxonomy code (``codes[0]``).

    The primary code's words stand unless the record's own credential letters state a
    licence of the same family (an "LICSW" beside "Clinical Social Worker" is the
    narrower statement). A secondary code never lends its licence to the primary.
    """
    primary = license_type(codes[0]) if codes else None
    stated = fields.get("license_type")
    if primary and (stated is None or licence_family(stated) != licence_family(primary)):
        fields["license_type"] = primary
    elif codes and stated == "Psychiatrist":
        # Guessed from MD and a word: a family doctor's record must not read as a psychiatrist's.
        del fields["license_type"]
