"""Licence types: the letters after a name and the words of a title."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Licence letters -> a canonical licence type (titles vary by state, DOMAIN.md s.6).
LICENSE_TYPES: dict[str, str] = {
    **dict.fromkeys(
        [
            "LCSW",
            "LICSW",
            "LISW",
            "LISW-S",
            "LCSW-C",
            "LCSW-R",
            "LCSW-S",
            "LSCSW",
            "LGSW",
            "LMSW",
            "LSW",
            "LCSWA",
            "LCSW-A",
        ],
        "LCSW",
    ),
    **dict.fromkeys(["LMFT", "LMFTA", "LMFT-A", "LAMFT", "AMFT", "MFT", "LCMFT", "MFCC"], "LMFT"),
    **dict.fromkeys(
        [
            "LPC",
            "LPCC",
            "LMHC",
            "LCPC",
            "LPC-S",
            "LPCA",
            "LPC-A",
            "LCMHC",
            "LPCMH",
            "LCPCA",
            "LMHCA",
            "LAPC",
            "LPCC-S",
            "LIMHP",
        ],
        "LPC",
    ),
    **dict.fromkeys(["PHD", "PSYD", "EDD", "LP", "LLP", "LPA", "HSPP", "ABPP"], "Psychologist"),
    # MD/DO alone says physician, not psychiatrist; the NPPES/FHIR importers settle it from
    # the taxonomy code, and a title naming psychiatry settles it below.
    **dict.fromkeys(["MD", "DO"], "Physician"),
    **dict.fromkeys(["PMHNP", "PMHNP-BC"], "PMHNP"),
}


_LICENSE_PRECEDENCE = ["Psychiatrist", "PMHNP", "Psychologist", "LCSW", "LMFT", "LPC", "Physician"]


def cred_token(token: str) -> str:
    return token.replace(".", "").strip().upper()


def license_type(creds: Iterable[str], text: str | None = None) -> str | None:
    """The licence type a list of credentials (or a phrase like "Licensed PMHNP") implies."""
    found = {LICENSE_TYPES[cred_token(c)] for c in creds if cred_token(c) in LICENSE_TYPES}
    if text:
        for token in re.findall(r"[A-Za-z][A-Za-z.-]+", text):
            kind = LICENSE_TYPES.get(cred_token(token))
            if kind:
                found.add(kind)
        low = text.lower()
        if "psychologist" in low:
            found.add("Psychologist")
        if "social worker" in low:
            found.add("LCSW")
        if "marriage" in low and "family" in low:
            found.add("LMFT")
        if "counselor" in low or "counsellor" in low:
            found.add("LPC")
        if "psychiatr" in low:
            found.add("Psychiatrist")
    for kind in _LICENSE_PRECEDENCE:
        if kind in found:
            return kind
    return None
