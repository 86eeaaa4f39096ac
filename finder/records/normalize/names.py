"""Names of people and organisations, and the credentials written after them."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from finder.patterns import later
from finder.records.normalize.credentials import (
    is_credential,
    looks_like_credential,
    pretty_credential,
)
from finder.records.normalize.licences import SUPERVISED_FORM
from finder.records.normalize.text import clean_text, proper

_HONORIFIC = later(r"^(dr|mr|mrs|ms|mx|rev|prof)\.?\s+", re.I)
_PREFIXES = frozenset({"dr", "mr", "mrs", "ms", "mx", "rev", "prof", "fr", "reverend", "doctor"})
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "v", "2nd", "3rd"})
_COMMA = later(r"\s*,\s*")


def split_name(raw: Any) -> tuple[str | None, list[str]]:
    """``"Jane Q. Doe, LCSW, PhD"`` -> ``("Jane Q. Doe", ["LCSW", "PhD"])``.

    Credentials are taken from the end of the name (after commas or plain
    spaces) only while each token is a known credential, so a family name that
    happens to look like one in the middle is kept.
    """
    text = clean_text(raw)
    if text is None:
        return None, []
    if text[0] in "dDmMrRpP":  # every honorific starts with one of these
        text = _HONORIFIC.sub("", text)
    head = text
    tail: tuple[str, ...] = ()
    if "," in text:
        parts = _COMMA.split(text)
        head = parts[0]
        tail, kept = _after_commas(tuple(parts[1:]))
        if kept:
            head = ", ".join((head, *kept))
    words = head.split()
    if len(words) > 2 and is_credential(words[-1]):
        found: list[str] = []
        while len(words) > 2 and is_credential(words[-1]):
            found.insert(0, words.pop())
        tail = (*map(pretty_credential, found), *tail)
    name = " ".join(words).strip(" ,")
    return (name or None), list(tail)


@lru_cache(maxsize=4096)
def _after_commas(parts: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The parts of a name after its commas -> (the credentials among them, in their usual
    spelling; the parts that are not credentials, which stay in the name). The same few
    tails ("LCSW", "PhD, LP") end the names of thousands of rows."""
    creds: list[str] = []
    kept: list[str] = []
    for part in parts:
        tokens = part.split()
        if SUPERVISED_FORM.fullmatch(part.strip()):  # "LPC Associate": one licence
            creds.append(" ".join(tokens))
        elif tokens and all(looks_like_credential(t) for t in tokens):
            creds.extend(tokens)
        else:
            kept.append(part)
    return tuple(pretty_credential(c) for c in creds), tuple(kept)


def name_parts(name: Any) -> tuple[str | None, str | None, str | None]:
    """A person's name without credentials -> (given, family, suffix).

    ``"John Smith Jr."`` -> ("John", "Smith", "Jr."); ``"Rev. Ann de la Cruz"`` ->
    ("Ann", "de la Cruz", None). Prefixes (Dr., Rev.) are dropped; a suffix is never the
    family name.
    """
    text = clean_text(name)
    if text is None:
        return None, None, None
    words = [w for w in text.replace(",", " ").split() if w]
    while words and words[0].rstrip(".").lower() in _PREFIXES:
        words.pop(0)
    suffix = None
    if len(words) > 2 and words[-1].rstrip(".").lower() in _SUFFIXES:
        suffix = words.pop()
    if len(words) < 2:
        return (words[0] if words else None), None, suffix
    family_start = len(words) - 1
    while family_start > 1 and words[family_start - 1].lower() in _PARTICLES:
        family_start -= 1
    return words[0], " ".join(words[family_start:]), suffix


_PARTICLES = frozenset({"de", "del", "della", "der", "di", "da", "dos", "du", "la", "le", "van",
                        "von", "st", "st."})  # fmt: skip


_ORG_WORDS = later(
    r"\b(group|center|centre|clinic|associates|services|institute|llc|pllc|inc|ltd|corp|"
    r"counseling|counselling|therapy|wellness|practice|partners|collective|agency|"
    r"foundation|hospital|health|program|facility|network|solutions)\b\.?",
    re.I,
)


def looks_like_organization(name: str | None, title: str | None = None) -> bool:
    """A group practice or centre rather than a person, judged from its name and title."""
    if title and re.search(
        r"\b(facility|center|centre|group practice|treatment program|"
        r"clinic|agency)\b",
        title,
        re.I,
    ):
        return True
    if not name:
        return False
    return bool(_ORG_WORDS.search(name))


_SALUTATION = later(
    r"^(?:frau|herr|mr\.?|mrs\.?|ms\.?|mx\.?|madame|monsieur|mme\.?|sra?\.?)\s+", re.I
)
_TITLE_BEFORE = later(
    r"^(?:prof\.|dr\.(?:\s?(?:med|phil|rer\.\s?nat|rer\.\s?medic|sc\.\s?hum|psych)\.)?|"
    r"dipl\.-[\wäöü.\-]+\.|m\.\s?sc\.|b\.\s?sc\.|mag\.|lic\.\s?phil\.|pd)\s+",
    re.I,
)


def split_titles(raw: Any) -> tuple[str | None, list[str]]:
    """``"Frau Dipl.-Psych. Gabriele Scholz"`` -> ``("Gabriele Scholz", ["Dipl.-Psych."])``.

    The salutation is dropped; academic titles written before the name are kept as written.
    """
    text = clean_text(raw)
    if text is None:
        return None, []
    text = _SALUTATION.sub("", text)
    titles: list[str] = []
    while (m := _TITLE_BEFORE.match(text)) is not None:
        titles.append(m.group(0).strip())
        text = text[m.end() :]
    return text.strip() or None, titles


def from_last_first(name: str) -> tuple[str, str | None, str | None]:
    """A directory's ``"Degraft-Johnson, Ama B"`` -> ``("Ama B Degraft-Johnson", "Ama", "Degraft-Johnson")``.

    Only for sources that print family names first; a name without a comma is kept, and
    so is an organisation's ("Age Wise, LLC"). A generational suffix on either side
    ("Smith, John, Jr.", "Smith Jr., John") ends the name, as ``split_name`` reads
    "John Smith Jr.".
    """
    last, sep, given = name.partition(",")
    last, given = last.strip(), given.strip()
    if looks_like_organization(name):
        return name, None, None
    if not sep or not given or not last:
        return name, None, name.split()[-1] if name.split() else name
    given_parts = [g.strip() for g in given.split(",") if g.strip()]
    suffixes = [g for g in given_parts if is_name_suffix(g)]
    given = " ".join(g for g in given_parts if not is_name_suffix(g))
    words = last.split()
    if len(words) > 1 and is_name_suffix(words[-1]):
        suffixes.insert(0, words.pop())
        last = " ".join(words)
    if not given:
        return name, None, last
    return " ".join([given, last, *suffixes[:1]]), given.split()[0], last


_ROMAN = frozenset({"ii", "iii", "iv", "v"})


def is_name_suffix(token: Any) -> bool:
    """``"Jr."``, ``"SR"``, ``"III"``: a generational suffix, part of the name (never a credential)."""
    text = clean_text(token)
    return text is not None and text.rstrip(".").lower() in _SUFFIXES


def joined_name(*parts: str | None, suffix: Any = None) -> str | None:
    """A name a registry gives in parts -> the name as a text source writes it.

    ``("JOHN", None, "SMITH")`` with ``suffix="JR."`` -> ``"John Smith Jr."``, as
    ``split_name("John Smith Jr., LCSW")`` reads it. Parts in capitals are written as
    people write them; a suffix that is not generational (a credential) is left out.
    """
    words = [proper(clean_text(p)) for p in parts]
    if is_name_suffix(suffix):
        text = str(clean_text(suffix))
        words.append(text.upper() if text.rstrip(".").lower() in _ROMAN else proper(text))
    return " ".join(filter(None, words)) or None
