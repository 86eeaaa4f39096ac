"""Names in the shapes licence boards, insurers and scrapers write them.

``"Smith, Jane A"`` and ``"Levin- Helene J.- LMHC- LCSW- MAC"`` are one person each, surname
first; ``reordered_name`` returns them as people write them (given names first, credentials
after a comma, where ``normalize.split_name`` takes them from) with the given and family names.
"""

from __future__ import annotations

import re

from finder.records import normalize

_NAME_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['\u2019.-])*")
_SURNAME_PARTICLES = frozenset(
    {"de", "del", "della", "der", "di", "da", "dos", "du", "la", "le", "van", "von", "st", "st.",
     "mac", "ben", "bin", "al", "el"}
)  # fmt: skip
_NOT_A_PERSON = re.compile(
    r"therap|counsel|psycholog|psychiatr|coach|clinic|social|worker|practice|services|health|"
    r"wellness|cent(?:er|re)|group|associates|\b(?:llc|pllc|inc|ltd|pc|pa|lp)\b",
    re.I,
)


def surname_first(value: str) -> tuple[str, tuple[str, str]] | None:
    """``"Smith, Jane A"`` (how licence boards and insurers list people) ->
    ``("Jane A Smith", ("Jane", "Smith"))``; ``None`` for any other shape.

    Only a one-word family name (or one behind particles: "Van Buren", "de la Cruz")
    before the comma and one to three given names after it qualify, so "Jane Doe, LCSW",
    "Age Wise, LLC" and "Kim Lee, Youth Therapist" are left as they are. Credentials
    after a second comma are kept: "Smith, Jane, LCSW" -> "Jane Smith, LCSW".
    """
    if "," not in value or len(value) > 80:
        return None
    # The common case first, cheaply: a first and a last name before the comma.
    before = value[: value.index(",")].split()
    if len(before) > 1 and before[0].lower() not in _SURNAME_PARTICLES:
        return None
    parts = [p.strip() for p in value.split(",")]
    creds: list[str] = []
    while (
        len(parts) > 2 and parts[-1] and all(normalize.is_credential(t) for t in parts[-1].split())
    ):
        creds.insert(0, parts.pop())
    if len(parts) != 2 or _NOT_A_PERSON.search(value):
        return None
    surname, given = parts[0].split(), parts[1].split()
    while len(given) > 1 and normalize.is_credential(given[-1]):
        creds.insert(0, given.pop())
    if not surname or not given or len(given) > 3:
        return None
    if any(w.lower() not in _SURNAME_PARTICLES for w in surname[:-1]):
        return None
    words = surname + given
    if not all(_NAME_WORD.fullmatch(w) for w in words):
        return None
    if any(normalize.is_credential(w) and len(w) > 1 for w in given):
        return None
    if len(given) == 1 and given[0].rstrip(".").lower() in ("dr", "mr", "mrs", "ms", "mx"):
        return None
    name = " ".join(given + surname) + (", " + ", ".join(creds) if creds else "")
    return name, (given[0], " ".join(surname))


# "Levin- Helene J.- LMHC- LCSW- MAC": parts ended by a hyphen and a space (a hyphenated
# family name, "Smith-Jones", has no space after its hyphen).
_DASH_PART = re.compile(r"\s*-\s+")


def dash_separated(value: str) -> tuple[str, tuple[str, str]] | None:
    """``"Levin- Helene J.- LMHC- LCSW- MAC"`` -> ``("Helene J. Levin, LMHC, LCSW, MAC",
    ("Helene", "Levin"))``; ``None`` unless it is a surname, given names and credentials."""
    if "- " not in value or len(value) > 120:
        return None
    parts = [p.strip() for p in _DASH_PART.split(value.strip()) if p.strip()]
    if len(parts) < 2:
        return None
    surname, given = parts[0].split(), parts[1].split()
    creds = parts[2:]
    if not 1 <= len(surname) <= 3 or not 1 <= len(given) <= 3:
        return None
    if not all(_NAME_WORD.fullmatch(w) for w in surname + given) or _NOT_A_PERSON.search(value):
        return None
    if any(normalize.is_credential(w) and len(w) > 2 for w in given):
        return None
    if not all(all(normalize.is_credential(t) for t in c.split()) for c in creds):
        return None
    name = " ".join(given + surname) + "".join(f", {c}" for c in creds)
    return name, (given[0], " ".join(surname))


def reordered_name(value: str) -> tuple[str, tuple[str, str]] | None:
    """A surname-first name as people write it, or ``None`` when it is not one."""
    return surname_first(value) or dash_separated(value)
