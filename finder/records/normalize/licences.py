"""Licences: what a source states, and the family it belongs to.

The licence shown is always the one the source states, in its own letters or words:
an LSW is not an LCSW, an LMHC is not an LPC, an AMFT is not an LMFT. A degree (PhD, MA,
MD) is never a licence. ``licence_family`` groups stated licences (counselor, social
worker, ...) for filters and matching only; ``licence_level`` says whether a licence is
one held under supervision (associate, pre-licensed, intern, resident).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache, lru_cache
from typing import Any

from finder.patterns import later
from finder.records.normalize.places import STATE_NAMES, STATES
from finder.records.normalize.text import clean_text

COUNSELOR = "counselor"
SOCIAL_WORKER = "social worker"
MFT = "marriage and family therapist"
PSYCHOLOGIST = "psychologist"
PSYCHIATRIST = "psychiatrist"
PMHNP = "psychiatric nurse practitioner"
PSYCHOANALYST = "psychoanalyst"
ADDICTION = "addiction counselor"

INDEPENDENT = "independent"
SUPERVISED = "supervised"  # associate, pre-licensed, intern, resident

# Licence letters (upper-cased, dots removed) -> (family, level). Titles vary by state
# (DOMAIN.md s.6); an associate licence is practice under a supervisor.
_LETTERS: dict[str, tuple[str, str]] = {
    **dict.fromkeys(
        [
            "LCSW",
            "LICSW",
            "LISW",
            "LISW-S",
            "LISW-CP",
            "LCSW-C",
            "LCSW-R",
            "LCSW-S",
            "LSCSW",
            "LCSW-BACS",
            "LIMSW",
        ],
        (SOCIAL_WORKER, INDEPENDENT),
    ),
    **dict.fromkeys(
        [
            "LMSW",
            "LSW",
            "LGSW",
            "LCSWA",
            "LCSW-A",
            "ASW",
            "ACSW-I",
            "LMSW-I",
            "CSW-I",
            "APSW",
            "LBSW",
        ],
        (SOCIAL_WORKER, SUPERVISED),
    ),
    **dict.fromkeys(["LMFT", "LCMFT", "LIMFT", "LMFT-S"], (MFT, INDEPENDENT)),
    **dict.fromkeys(
        ["AMFT", "ALMFT", "LAMFT", "LMFTA", "LMFT-A", "MFTI", "RMFTI", "IMF", "MFT-I"],
        (MFT, SUPERVISED),
    ),
    **dict.fromkeys(
        [
            "LPC",
            "LPCC",
            "LMHC",
            "LCPC",
            "LPC-S",
            "LCMHC",
            "LCMHC-S",
            "LPCMH",
            "LIMHP",
            "LPCC-S",
            "LPC-MH",
            "LIPC",
            "LMHP",
            "LPC-CS",
            "LCPC-S",
        ],
        (COUNSELOR, INDEPENDENT),
    ),
    **dict.fromkeys(
        [
            "LPC-A",
            "LPCA",
            "LAPC",
            "LGPC",
            "LCPCA",
            "LCPC-A",
            "LMHCA",
            "LMHC-A",
            "MHC-LP",
            "LPCI",
            "LCMHCA",
            "LCMHC-A",
            "LAC",
            "APCC",
            "LPC-I",
            "LPCC-A",
            "PLPC",
            "CPCI",
            "LPC-INTERN",
            "LPC INTERN",
        ],
        (COUNSELOR, SUPERVISED),
    ),
    # LP is a Licensed Psychoanalyst in New York and a Licensed Psychologist in Minnesota.
    "LP": ("", INDEPENDENT),
    "HSPP": (PSYCHOLOGIST, INDEPENDENT),
    **dict.fromkeys(["LLP", "LPA", "LPE-I"], (PSYCHOLOGIST, SUPERVISED)),
    **dict.fromkeys(["PMHNP", "PMHNP-BC", "APRN-PMHNP"], (PMHNP, INDEPENDENT)),
    **dict.fromkeys(["LCADC", "LADC", "LCDC", "LCAS", "LAADC"], (ADDICTION, INDEPENDENT)),
}

#: Licence letters this reader knows (the credentials reader counts them as credentials).
LICENSE_LETTERS: frozenset[str] = frozenset(_LETTERS)

# Letters before or after "Associate", "Intern", "Resident", "Trainee": Texas's "LPC
# Associate", "LMFT Associate", California's "Associate MFT", "MFT Intern". The licence is
# the whole phrase, held under supervision: never the bare letters (an LPC Associate is not
# an LPC). "MFT" alone is a degree, so the families of the letters a phrase may use:
_BASE_FAMILY: dict[str, str] = {
    **{letters: family for letters, (family, _level) in _LETTERS.items() if family},
    "MFT": MFT, "PCC": COUNSELOR, "PC": COUNSELOR, "CSW": SOCIAL_WORKER, "MSW": SOCIAL_WORKER,
}  # fmt: skip
SUPERVISED_FORM = later(
    r"\b(?P<a>[A-Z]{2,6}(?:-[A-Z]{1,3})?)[ -](?:associate|intern|resident|trainee)\b"
    r"|\b(?:registered )?(?:associate|intern)[ -](?P<b>[A-Z]{2,6})\b",
    re.I,
)


def _supervised_form(text: str) -> tuple[str, str] | None:
    """(the phrase as written, its family) for "LPC Associate", "Associate MFT", ..."""
    for m in SUPERVISED_FORM.finditer(text):
        family = _BASE_FAMILY.get(cred_token(m.group("a") or m.group("b")))
        if family:
            return " ".join(m.group(0).split()), family
    return None


# Words of a title that state a licence (the words shown are the source's own).
# Ordered: the first pattern that matches wins, so the narrower phrases come first.
_WORDS: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (later(pattern, re.I), family, level)
    for pattern, family, level in (
        (r"licensed psychoanalyst|psychoanalyst", PSYCHOANALYST, INDEPENDENT),
        (r"psychiatric(?:[ -]mental health)? nurse practitioner|psychiatric np\b",
         PMHNP, INDEPENDENT),
        (r"psychiatrist", PSYCHIATRIST, INDEPENDENT),
        (r"psycholog(?:y|ical) (?:resident|intern|assistant|associate|trainee)"
         r"|post-?doctoral (?:fellow|resident)|psychology fellow",
         PSYCHOLOGIST, SUPERVISED),
        (r"psychologist", PSYCHOLOGIST, INDEPENDENT),
        (r"(?:associate|registered|pre-?licensed|intern)[^,;/]{0,12}marriage (?:and|&) family"
         r" therapist|marriage (?:and|&) family therapist[^,;/]{0,3}"
         r"(?:associate|intern|trainee)",
         MFT, SUPERVISED),
        (r"(?:licensed )?marriage (?:and|&) family therapist", MFT, INDEPENDENT),
        (r"(?:associate|pre-?licensed|intern)[^,;/]{0,12}(?:professional|mental health)"
         r"[^,;/]{0,12}counsel+or|(?:professional|mental health) counsel+or[^,;/]{0,3}"
         r"(?:associate|intern|trainee)",
         COUNSELOR, SUPERVISED),
        (r"licensed (?:clinical |professional |mental health |clinical mental health )+"
         r"counsel+or|licensed (?:clinical )?professional counsel+or", COUNSELOR, INDEPENDENT),
        (r"(?:associate|registered associate|pre-?licensed|intern)[^,;/]{0,12}social work(?:er)?"
         r"|social work(?:er)? (?:associate|intern|trainee)|licensed (?:master|social) "
         r"social worker|licensed social worker|master social worker",
         SOCIAL_WORKER, SUPERVISED),
        (r"(?:licensed )?(?:independent )?clinical social work(?:er)?(?:/therapist)?",
         SOCIAL_WORKER, INDEPENDENT),
        (r"pre-?licensed professional|pre-?licensed therapist|pre-?licensed clinician",
         "", SUPERVISED),
        # A profession named without "licensed": the family is known, the level is not.
        (r"social worker", SOCIAL_WORKER, ""),
        (r"(?:professional|mental health) counsel+or", COUNSELOR, ""),
        (r"(?:psychiatric|mental health) clinical nurse specialist", PMHNP, ""),
    )
)  # fmt: skip


def cred_token(token: str) -> str:
    return token.replace(".", "").strip().upper()


def licence_family(stated: Any) -> str | None:
    """The family of a stated licence ("LMHC" -> counselor), for filters, never for show."""
    found = _classify(stated)
    return found[0] or None if found else None


def licence_level(stated: Any) -> str | None:
    """``SUPERVISED`` for an associate, pre-licensed, intern or resident licence."""
    found = _classify(stated)
    return found[1] if found else None


def _classify(stated: Any) -> tuple[str, str] | None:
    if type(stated) is str and len(stated) < 200:
        return _classify_short(stated)
    return _classify_any(stated)


@lru_cache(maxsize=1024)
def _classify_short(stated: str) -> tuple[str, str] | None:
    # Memoised: an import classifies the same few licence names row after row.
    return _classify_any(stated)


def _classify_any(stated: Any) -> tuple[str, str] | None:
    text = clean_text(stated)
    if text is None:
        return None
    letters = _LETTERS.get(cred_token(text))
    if letters:
        return letters
    form = _supervised_form(text)
    if form:
        return form[1], SUPERVISED
    for pattern, family, level in _WORDS:
        if pattern.search(text):
            return family, level
    for token in re.findall(r"[A-Za-z][A-Za-z.-]+", text):
        letters = _LETTERS.get(cred_token(token))
        if letters:
            return letters
    return None


def license_type(creds: Iterable[str], text: str | None = None) -> str | None:
    """The licence a source states: its letters (``LMHC``) or its words, else ``None``.

    ``creds`` are credential tokens (degrees among them are skipped: a degree is never a
    licence); ``text`` is a title or a licence cell ("Licensed Psychoanalyst", "LPC-A").
    Letters win over words: they are the narrower statement.
    """
    for c in creds:
        token = cred_token(c)
        if token in _LETTERS:
            return token
        form = _supervised_form(c) if " " in c or "-" in c else None
        if form:
            return form[0]
    text = clean_text(text)
    if not text:
        return None
    form = _supervised_form(text)
    if form:
        return form[0]
    for token in re.findall(r"[A-Za-z][A-Za-z.]*(?:-[A-Za-z]+)*", text):
        if cred_token(token) in _LETTERS:
            return cred_token(token)
    for pattern, _family, _level in _WORDS:
        m = pattern.search(text)
        if m:
            return " ".join(m.group(0).split())
    return None


# A UK register or accrediting body with the number it gave ("BACP 123456", "MBACP (Accred)
# 123456", "UKCP reg. no. 12345", "HCPC PYL12345"): a registration, not a US licence.
_REGISTRATION = later(
    r"\b(?:[AF]?M)?(?P<body>BACP|UKCP|HCPC|BABCP|NCPS|BPC)\b"
    r"(?P<accredited>\s*\((?:snr\.?\s*)?accred\w*\.?\))?"
    r"[\s:#,.-]*(?:(?:registration|registered|reg|membership|member)\.?\s*){0,2}"
    r"(?:(?:no|number|num)\.?\s*)?[:#]?\s*(?P<number>[A-Z]{0,3}\d[\d-]{2,})\b",
    re.I,
)


def registration(value: Any) -> dict[str, str]:
    """A UK registration as stated: ``"BACP 123456"`` -> ``{"license_type": "BACP
    registration", "license_number": "123456"}``; ``{}`` when there is none. The body is
    named as it is; it is never turned into a US licence type."""
    text = clean_text(value) if isinstance(value, str) else None
    m = _REGISTRATION.search(text) if text else None
    if m is None:
        return {}
    kind = f"{m['body'].upper()} registration" + (" (accredited)" if m["accredited"] else "")
    return {"license_type": kind, "license_number": m["number"]}


_STATE_WORDS = sorted(STATE_NAMES.items(), key=lambda kv: -len(kv[0]))
_NUMBER = later(r"\b([A-Z]{0,6}[-.# ]?\d[\w.-]*)\b")
_STATE_LETTERS = later(r"(?:^|[\s(,;/-])([A-Z]{2})(?:$|[\s),;/])")


@cache
def _state_patterns() -> tuple[re.Pattern[str], list[tuple[re.Pattern[str], str]]]:
    """One expression for "any state name", and one per name, longest name first."""
    words = [rf"\b{re.escape(name)}\b" for name, _ in _STATE_WORDS]
    by_name = [
        (re.compile(w, re.I), code) for w, (_, code) in zip(words, _STATE_WORDS, strict=True)
    ]
    return re.compile("|".join(words), re.I), by_name


def license_parts(value: Any) -> dict[str, str]:
    """``"118148 Massachusetts"`` / ``"LPC 12345 (TX)"`` / ``"12345 West Virginia"`` -> parts.

    The state comes from the licence text itself, longest state name first, so "West
    Virginia" is WV and never VA.
    """
    text = clean_text(value) or ""
    out = registration(text)
    if out:
        return out
    state = None
    any_name, by_name = _state_patterns()
    for pattern, code in by_name if any_name.search(text) else ():
        if pattern.search(text):
            state = code
            text = " ".join(pattern.sub(" ", text).split())
            break
    if state is None:
        m = _STATE_LETTERS.search(text)
        if m and m.group(1) in STATES and cred_token(m.group(1)) not in _LETTERS:
            state = m.group(1)
            text = text[: m.start(1)] + text[m.end(1) :]
    number = _NUMBER.search(text)
    if number:
        found = number.group(1).strip(".-# ")
        letters, _, digits = found.partition(" ")
        start = number.start()
        if digits and cred_token(letters) in _LETTERS:  # "LPC 12345": the type, then the number
            found, start = digits, number.start() + len(letters)
        out["license_number"] = found
        before = (text[:start]).strip(" -:#,()")
        if before and not before.isdigit():
            out["license_type"] = license_type([], before) or before
    elif license_type([], text):
        out["license_type"] = license_type([], text) or ""
    if state:
        out["license_state"] = state
    return out


# "Supervised by Jane Roe, LCSW", "under the clinical supervision of Dr. Jane Roe",
# "Supervisor: Jane Roe, LCSW-C (#1234)": a name of one to four capitalised words, with an
# optional "Dr." before and licence letters after it.
_SUPERVISOR = later(
    r"\b(?:[Ss]upervised by|[Uu]nder the (?:clinical )?supervision of|[Ss]upervisor(?: is|:))"
    r"\s+((?:Dr\.?\s+)?[A-Z][\w'\u2019.-]*(?:\s+[A-Z][\w'\u2019.-]*){0,3}"
    r"(?:,\s*[A-Z][A-Za-z]{1,7}(?:-[A-Z]{1,3})?)*)"
)


def supervisor(text: Any) -> str | None:
    """The supervisor a source names ("supervised by Jane Roe, LCSW" -> "Jane Roe, LCSW"),
    else ``None``. A phrase with no capitalised name ("supervised by a licensed
    clinician") names nobody."""
    cleaned = clean_text(text)
    if not cleaned:
        return None
    m = _SUPERVISOR.search(cleaned)
    return m.group(1).strip(" ,.") if m else None
