"""Credentials: degrees, licence letters and certifications after a name.

Every token a source gives is kept, known or not (D.P.M., MT-BC, EdM, RPh): a reader
that only keeps what it knows silently drops what a person wrote. ``kind_of`` sorts a
token into a degree, a licence or a certification where it is recognisable.
"""

from __future__ import annotations

import re
from typing import Any

from finder.patterns import later
from finder.records.normalize.licences import LICENSE_LETTERS, SUPERVISED_FORM, cred_token
from finder.records.normalize.text import Memo, split_list

DEGREES: frozenset[str] = frozenset(
    """
    AA AS BA BS BSW BSN MA MS MSW MSS MSSW MED MSED EDM EDS MC MFA MBA MPH MSN MSC MDIV MAT
    MAC MACP MFT MPS MSMFT MS-MFT PHD PSYD EDD DSW DMFT DNP MD DO DPM JD LLM PHARMD RPH MHS
    MMFT MSCP MACC MAPC MHSA PSYCHD
    DIPL-PSYCH DIPL-PAED DIPL-PÄD DIPL-SOZ-PAED DIPL-SOZ-PÄD DIPL-SOZPÄD
    """.split()
)
CERTIFICATIONS: frozenset[str] = frozenset(
    """
    ABPP ACSW ATR ATR-BC BCBA BCD CAADC CADC CASAC CCMHC CEDS CGP CST CSAC DCSW NCC NCSP
    RPT RPT-S MT-BC CCTP CCATP CMHIMP EMDR PMH-C CPRP CDP SEP CHT CTP CCTSI CGT CT C-DBT
    """.split()
)
# Letters seen after clinicians' names that are neither (nurse and other titles).
_OTHER = frozenset("APRN ARNP CNS FNP LCP LMHP-CSW LPCMHSP LSSP NP PA PMHCNS PSYA RN".split())

#: Credentials this reader recognises (any other credential-shaped token is kept too).
CREDENTIALS: frozenset[str] = DEGREES | CERTIFICATIONS | _OTHER | LICENSE_LETTERS


def is_credential(token: str) -> bool:
    """A token this reader recognises as a credential (``"lcsw"``, ``"Ph.D."``)."""
    # The same few dozen tokens (credentials, given names) are asked about for every row.
    return _CREDENTIAL_MEMO[token]


_CREDENTIAL_MEMO: Memo[str, bool] = Memo(lambda token: cred_token(token) in CREDENTIALS)

# Shaped like credential letters: "D.P.M.", "MT-BC", "EdM", "RPh", "LPC-A"; not a word
# ("Licensed"), not a roman numeral of a name (II, III), not a number.
_SHAPE = later(
    r"^(?:[A-Za-z]\.){2,6}$|^(?=(?:[^A-Z]*[A-Z]){2})[A-Za-z][A-Za-z.]{0,8}(?:-[A-Za-z]{1,6})?$"
)
_ROMAN = later(r"^(?:I{1,3}|IV|V|VI{1,3}|JR|SR)\.?$", re.I)
# Business suffixes after a practice's name: "Age Wise, LLC" names no credential.
_BUSINESS = frozenset({"LLC", "PLLC", "INC", "LTD", "CORP", "CO", "LLP", "PC", "PSC", "PLC", "USA"})


def looks_like_credential(token: str) -> bool:
    """Known, or shaped like credential letters (kept even when this reader does not know it)."""
    if is_credential(token):
        return True
    return (
        bool(_SHAPE.match(token)) and not _ROMAN.match(token) and cred_token(token) not in _BUSINESS
    )


def kind_of(token: str) -> str:
    """``"degree"``, ``"licence"``, ``"certification"`` or ``"other"`` for one credential."""
    t = cred_token(token)
    if t in LICENSE_LETTERS:
        return "licence"
    if t in DEGREES:
        return "degree"
    if t in CERTIFICATIONS:
        return "certification"
    return "other"


def is_degree(text: str) -> bool:
    """Every token of ``text`` is a degree (``"MA"``, ``"PhD, MS"``): no licence stated."""
    tokens = [t for t in re.split(r"[\s,;/]+", text) if t]
    return bool(tokens) and all(cred_token(t) in DEGREES for t in tokens)


_PRETTY = {"PHD": "PhD", "PSYD": "PsyD", "EDD": "EdD", "MED": "MEd", "MSED": "MSEd",
           "EDM": "EdM", "EDS": "EdS", "RPH": "RPh", "PHARMD": "PharmD", "MDIV": "MDiv",
           "PSYCHD": "PsychD",
           "DIPL-PSYCH": "Dipl.-Psych.", "DIPL-PAED": "Dipl.-Päd.", "DIPL-PÄD": "Dipl.-Päd.",
           "DIPL-SOZ-PAED": "Dipl.-Soz.-Päd.", "DIPL-SOZ-PÄD": "Dipl.-Soz.-Päd.",
           "DIPL-SOZPÄD": "Dipl.-Soz.-Päd."}  # fmt: skip


def pretty_credential(token: str) -> str:
    """A known credential in its usual spelling (``"ph.d."`` -> ``PhD``); others as written."""
    t = cred_token(token)
    if t in CREDENTIALS:
        return _PRETTY.get(t, t)
    return token.strip()


_CRED_SEPARATORS = later(r"[\s/]+")


def credentials(raw: Any) -> list[str]:
    """A credentials cell (``"ms, ma"``, ``"LCSW; PhD"``, ``['LPC']``) -> ``["MS", "MA"]``.

    Tokens shaped like credentials are kept even when unknown (``"MT-BC"``); plain words
    ("Licensed", "Counselor") are not credentials and are left to the licence reader.
    """
    out: list[str] = []
    for item in split_list(raw):
        whole = SUPERVISED_FORM.fullmatch(item.strip(" ,;()"))
        if whole:  # "LPC Associate" is one licence, not the letters "LPC"
            phrase = " ".join(whole.group(0).split())
            if phrase not in out:
                out.append(phrase)
            continue
        for token in _CRED_SEPARATORS.split(item):
            token = token.strip(" ,;()")
            if token and (is_credential(token) or looks_like_credential(token)):
                pretty = pretty_credential(token)
                if pretty not in out:
                    out.append(pretty)
    return out
