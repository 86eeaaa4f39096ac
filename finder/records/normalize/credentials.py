"""Credentials: degrees, licence letters and certifications after a name."""

from __future__ import annotations

import re
from typing import Any

from finder.records.normalize.licences import LICENSE_TYPES, cred_token
from finder.records.normalize.text import MEMO_LIMIT, split_list

# Degrees and other letters seen after clinicians' names that name no licence type here.
# Upper-cased, dots removed; every key of LICENSE_TYPES is a credential too.
_OTHER_CREDENTIALS = """
    ACSW ALC APRN ARNP ATR ATR-BC BA BCBA BCD BS CAADC CADC CASAC CCMHC CEDS CGP CNS CSAC
    CST CSW DCSW DNP FNP LAC LADC LCAC LCADC LCAS LCDC LCP LMHP LMHP-CSW LPCI LPCMHSP LSSP
    MA MAC MBA MC MED MFA MFTI MPH MS MS-MFT MSC MSED MSN MSS MSW NCC NCSP NP PA PMHCNS PSYA
    PSYCHD RN RPT RPT-S DIPL-PSYCH DIPL-PAED DIPL-PÄD DIPL-SOZ-PAED DIPL-SOZ-PÄD DIPL-SOZPÄD
""".split()

CREDENTIALS: frozenset[str] = frozenset(_OTHER_CREDENTIALS) | frozenset(LICENSE_TYPES)


def is_credential(token: str) -> bool:
    # The same few dozen tokens (credentials, given names) are asked about for every row.
    known = _CREDENTIAL_MEMO.get(token)
    if known is None:
        known = cred_token(token) in CREDENTIALS
        if len(_CREDENTIAL_MEMO) < MEMO_LIMIT:
            _CREDENTIAL_MEMO[token] = known
    return known


_CREDENTIAL_MEMO: dict[str, bool] = {}


_PRETTY = {"PHD": "PhD", "PSYD": "PsyD", "EDD": "EdD", "MED": "MEd", "MSED": "MSEd",
           "DIPL-PSYCH": "Dipl.-Psych.", "DIPL-PAED": "Dipl.-Päd.", "DIPL-PÄD": "Dipl.-Päd.",
           "DIPL-SOZ-PAED": "Dipl.-Soz.-Päd.", "DIPL-SOZ-PÄD": "Dipl.-Soz.-Päd.",
           "DIPL-SOZPÄD": "Dipl.-Soz.-Päd."}  # fmt: skip


def pretty_credential(token: str) -> str:
    t = cred_token(token)
    return _PRETTY.get(t, t)


_CRED_SEPARATORS = re.compile(r"[\s/]+")


def credentials(raw: Any) -> list[str]:
    """A credentials cell (``"ms, ma"``, ``"LCSW; PhD"``, ``['LPC']``) -> ``["MS", "MA"]``."""
    out: list[str] = []
    for item in split_list(raw):
        for token in _CRED_SEPARATORS.split(item):
            token = token.strip(" ,;()")
            if token and is_credential(token):
                pretty = pretty_credential(token)
                if pretty not in out:
                    out.append(pretty)
    return out
