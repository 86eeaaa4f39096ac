"""Turn the text real exports contain into canonical field values.

Each function takes what a source wrote and returns the normalised value, or
``None`` when nothing usable is there. None of them raises on odd input: a
directory export is full of odd input, and a value we cannot read is simply
unknown.
"""

from __future__ import annotations

import ast
import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from finder.models import FIELDS, TEXT_KEPT, Kind

_WS = re.compile(r"\s+")

# Degrees and other letters seen after clinicians' names that name no licence type here.
# Upper-cased, dots removed; every key of LICENSE_TYPES is a credential too.
_OTHER_CREDENTIALS = """
    ACSW ALC APRN ARNP ATR ATR-BC BA BCBA BCD BS CAADC CADC CASAC CCMHC CEDS CGP CNS CSAC
    CST CSW DCSW DNP FNP LAC LADC LCAC LCADC LCAS LCDC LCP LMHP LMHP-CSW LPCI LPCMHSP LSSP
    MA MAC MBA MC MED MFA MFTI MPH MS MS-MFT MSC MSED MSN MSS MSW NCC NCSP NP PA PMHCNS PSYA
    PSYCHD RN RPT RPT-S
""".split()

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

CREDENTIALS: frozenset[str] = frozenset(_OTHER_CREDENTIALS) | frozenset(LICENSE_TYPES)

_LICENSE_PRECEDENCE = ["Psychiatrist", "PMHNP", "Psychologist", "LCSW", "LMFT", "LPC", "Physician"]

STATES: frozenset[str] = frozenset(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "DC",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
        "PR",
        "VI",
        "GU",
        "AS",
        "MP",
    ]
)

STATE_NAMES: dict[str, str] = {
    "ALABAMA": "AL", "ALASKA": "AK", "ARIZONA": "AZ", "ARKANSAS": "AR", "CALIFORNIA": "CA",
    "COLORADO": "CO", "CONNECTICUT": "CT", "DELAWARE": "DE", "DISTRICT OF COLUMBIA": "DC",
    "FLORIDA": "FL", "GEORGIA": "GA", "HAWAII": "HI", "IDAHO": "ID", "ILLINOIS": "IL",
    "INDIANA": "IN", "IOWA": "IA", "KANSAS": "KS", "KENTUCKY": "KY", "LOUISIANA": "LA",
    "MAINE": "ME", "MARYLAND": "MD", "MASSACHUSETTS": "MA", "MICHIGAN": "MI", "MINNESOTA": "MN",
    "MISSISSIPPI": "MS", "MISSOURI": "MO", "MONTANA": "MT", "NEBRASKA": "NE", "NEVADA": "NV",
    "NEW HAMPSHIRE": "NH", "NEW JERSEY": "NJ", "NEW MEXICO": "NM", "NEW YORK": "NY",
    "NORTH CAROLINA": "NC", "NORTH DAKOTA": "ND", "OHIO": "OH", "OKLAHOMA": "OK", "OREGON": "OR",
    "PENNSYLVANIA": "PA", "RHODE ISLAND": "RI", "SOUTH CAROLINA": "SC", "SOUTH DAKOTA": "SD",
    "TENNESSEE": "TN", "TEXAS": "TX", "UTAH": "UT", "VERMONT": "VT", "VIRGINIA": "VA",
    "WASHINGTON": "WA", "WEST VIRGINIA": "WV", "WISCONSIN": "WI", "WYOMING": "WY",
    "PUERTO RICO": "PR",
}  # fmt: skip


_PLACEHOLDERS = frozenset({"N/A", "NA", "NONE", "NULL", "NAN", "-", "[]", "{}"})


def clean_text(value: Any) -> str | None:
    """NFKC, collapse whitespace, strip; ``None`` for empty and placeholder values."""
    if value is None:
        return None
    if not isinstance(value, str):
        value = str(value)
    if len(value) < 200:
        # Cities, states, plan names and list items repeat across thousands of rows.
        return _clean_short(value)
    return _clean(value)


@lru_cache(maxsize=16384)
def _clean_short(value: str) -> str | None:
    return _clean(value)


def _clean(value: str) -> str | None:
    if not value.isascii():
        value = unicodedata.normalize("NFKC", value)
    # str.split() collapses every Unicode space and is much faster than a regex here:
    # this function runs a couple of dozen times per imported row. Most ASCII text is
    # clean already (printable ASCII has no whitespace but " "): then it is kept as is.
    if (
        value.isascii()
        and value.isprintable()
        and "  " not in value
        and value[:1] != " "
        and value[-1:] != " "
    ):
        text = value
    else:
        text = " ".join(value.split())
    if not text or (len(text) <= 4 and text.upper() in _PLACEHOLDERS):
        return None
    return text


def _cred_token(token: str) -> str:
    return token.replace(".", "").strip().upper()


def is_credential(token: str) -> bool:
    # The same few dozen tokens (credentials, given names) are asked about for every row.
    known = _CREDENTIAL_MEMO.get(token)
    if known is None:
        known = _cred_token(token) in CREDENTIALS
        if len(_CREDENTIAL_MEMO) < _MEMO_LIMIT:
            _CREDENTIAL_MEMO[token] = known
    return known


_MEMO_LIMIT = 1 << 16
_CREDENTIAL_MEMO: dict[str, bool] = {}


_HONORIFIC = re.compile(r"^(dr\.?|mr\.?|mrs\.?|ms\.?|mx\.?)\s+", re.I)
_COMMA = re.compile(r"\s*,\s*")


def split_name(raw: Any) -> tuple[str | None, list[str]]:
    """``"Jane Q. Doe, LCSW, PhD"`` -> ``("Jane Q. Doe", ["LCSW", "PhD"])``.

    Credentials are taken from the end of the name (after commas or plain
    spaces) only while each token is a known credential, so a family name that
    happens to look like one in the middle is kept.
    """
    text = clean_text(raw)
    if text is None:
        return None, []
    if text[0] in "dDmM":  # every honorific starts with one of these
        text = _HONORIFIC.sub("", text)
    creds: list[str] = []
    head = text
    if "," in text:
        parts = _COMMA.split(text)
        head = parts[0]
        for part in parts[1:]:
            tokens = part.split()
            if tokens and all(is_credential(t) for t in tokens):
                creds.extend(tokens)
            else:
                head = f"{head}, {part}"
    words = head.split()
    while len(words) > 2 and is_credential(words[-1]):
        creds.insert(0, words.pop())
    name = " ".join(words).strip(" ,")
    return (name or None), [_pretty_cred(c) for c in creds]


_PRETTY = {"PHD": "PhD", "PSYD": "PsyD", "EDD": "EdD", "MED": "MEd", "MSED": "MSEd"}


def _pretty_cred(token: str) -> str:
    t = _cred_token(token)
    return _PRETTY.get(t, t)


_CRED_SEPARATORS = re.compile(r"[\s/]+")


def credentials(raw: Any) -> list[str]:
    """A credentials cell (``"ms, ma"``, ``"LCSW; PhD"``, ``['LPC']``) -> ``["MS", "MA"]``."""
    out: list[str] = []
    for item in split_list(raw):
        for token in _CRED_SEPARATORS.split(item):
            token = token.strip(" ,;()")
            if token and is_credential(token):
                pretty = _pretty_cred(token)
                if pretty not in out:
                    out.append(pretty)
    return out


def license_type(creds: Iterable[str], text: str | None = None) -> str | None:
    """The licence type a list of credentials (or a phrase like "Licensed PMHNP") implies."""
    found = {LICENSE_TYPES[_cred_token(c)] for c in creds if _cred_token(c) in LICENSE_TYPES}
    if text:
        for token in re.findall(r"[A-Za-z][A-Za-z.-]+", text):
            kind = LICENSE_TYPES.get(_cred_token(token))
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


_PHONE_DIGITS = re.compile(r"\d")
_EXT = re.compile(r"(?:x|ext\.?|extension|#)\s*(\d{1,6})\s*$", re.I)
# The shape nearly every export writes ("(650) 273-9927", "650.273.9927"): read in one
# match, with the same result the general path below gives it.
_PLAIN_PHONE = re.compile(r"\(?([2-9][0-9][0-9])\)?[ .-]?([0-9]{3})[ .-]?([0-9]{4})")


def phone(raw: Any) -> str | None:
    """``"(650) 273-9927 x3"`` -> ``"650-273-9927 x3"``; ``None`` unless 10 US digits."""
    if type(raw) is str:
        plain = _PLAIN_PHONE.fullmatch(raw.strip())
        if plain is not None:
            return "-".join(plain.groups())
    text = clean_text(raw)
    if text is None:
        return None
    ext = None
    m = _EXT.search(text)
    if m:
        ext = m.group(1)
        text = text[: m.start()]
    digits = "".join(_PHONE_DIGITS.findall(text))
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    if len(digits) != 10 or digits[0] in "01":
        return _phone_fallback(text, ext)
    out = f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    return f"{out} x{ext}" if ext else out


def _phone_fallback(text: str, ext: str | None) -> str | None:
    # Rare shapes ("+1 650.273.9927", letters) go through phonenumbers; imported lazily
    # because parsing every phone with it would dominate a large import.
    import phonenumbers

    try:
        parsed = phonenumbers.parse(text, "US")
    except phonenumbers.NumberParseException:
        return None
    if parsed.country_code != 1 or not phonenumbers.is_possible_number(parsed):
        return None
    digits = str(parsed.national_number)
    if len(digits) != 10:
        return None
    out = f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    return f"{out} x{ext}" if ext else out


def phones(raw: Any) -> list[str]:
    if type(raw) is str:
        plain = _PLAIN_PHONE.fullmatch(raw.strip())
        if plain is not None:
            return ["-".join(plain.groups())]
    out: list[str] = []
    for item in split_list(raw, separators=";|/\n") if not isinstance(raw, list) else raw:
        p = phone(item)
        if p and p not in out:
            out.append(p)
    return out


_ZIP = re.compile(r"\b(\d{5})(?:-?\d{4})?\b")


def zip_code(raw: Any) -> str | None:
    """``"02139-1234"``, ``"021391234"``, ``2139`` (a number that lost its zero) -> ``"02139"``."""
    if isinstance(raw, int):
        raw = f"{raw:05d}" if raw < 100000 else str(raw)
    text = clean_text(raw)
    if text is None:
        return None
    if re.fullmatch(r"\d{9}", text):
        return text[:5]
    if re.fullmatch(r"\d{4}", text):
        return "0" + text
    m = _ZIP.search(text)
    return m.group(1) if m else None


def state(raw: Any) -> str | None:
    text = clean_text(raw)
    if text is None:
        return None
    up = text.upper().strip(". ")
    if up in STATES:
        return up
    return STATE_NAMES.get(up)


_MONEY = re.compile(r"(\$\s*)?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?")
# "120,50" and "1.200,00": a decimal comma (two digits after it), as Europe writes money.
_MONEY_DECIMAL_COMMA = re.compile(r"(?<![\d.,])(\d{1,3}(?:\.\d{3})+|\d+),(\d{2})(?![\d,.])")
# Numbers in a fee text that are not money: "50-minute session", "2 sessions", "20%".
_NOT_MONEY_AFTER = re.compile(
    r"\s*-?\s*(?:min\b|mins\b|minutes?\b|hrs?\b|hours?\b|sessions?\b|visits?\b|%)", re.I
)
_RANGE_GAP = re.compile(r"\s*(?:-|\u2013|\u2014|to)\s*", re.I)
_FREE = re.compile(r"\bfree\b|\bno (?:cost|charge)\b|\bpro bono\b", re.I)


def proper(value: str | None) -> str | None:
    """Names and cities a registry wrote in capitals, as people write them ("McDonald")."""
    if value is None or not value.isupper():
        return value
    return re.sub(r"\bMc([a-z])", lambda m: "Mc" + m.group(1).upper(), value.title())


def money(raw: Any) -> tuple[float | None, float | None]:
    """A fee text -> (lowest, highest). ``"$150 - $200"`` -> (150.0, 200.0); ``"free"`` -> (0, 0).

    Where some amounts carry a dollar sign, only those count (and the end of a range
    written "$140 - 160"): "$150 per 50-minute session" is 150, not 50 to 150. A free
    consultation says nothing about the fee of a session.
    """
    if isinstance(raw, bool):
        return None, None
    if isinstance(raw, int | float):
        return (float(raw), float(raw)) if raw >= 0 else (None, None)
    text = clean_text(raw)
    if text is None:
        return None, None
    amounts = [value for value in _amounts(text) if value <= 100000]
    if amounts:
        return min(amounts), max(amounts)
    if _FREE.search(text) and "consult" not in text.lower():
        return 0.0, 0.0
    return None, None


def _amounts(text: str) -> list[float]:
    european = _MONEY_DECIMAL_COMMA.findall(text)
    if european:
        return [float(f"{whole.replace('.', '')}.{cents}") for whole, cents in european]
    found: list[tuple[float, bool, int, int]] = []  # (value, has "$", start, end)
    for m in _MONEY.finditer(text):
        if _NOT_MONEY_AFTER.match(text, m.end()):
            continue
        dollar, whole, cents = m.groups()
        value = float(whole.replace(",", "") + (f".{cents}" if cents else ""))
        found.append((value, bool(dollar), m.start(), m.end()))
    if not any(dollar for _, dollar, _, _ in found):
        return [value for value, _, _, _ in found]
    kept: list[float] = []
    for k, (value, dollar, start, _) in enumerate(found):
        before = found[k - 1] if k else None
        range_end = (
            before is not None and before[1] and _RANGE_GAP.fullmatch(text, before[3], start)
        )
        if dollar or range_end:
            kept.append(value)
    return kept


_TRUE = {"yes", "y", "true", "t", "1", "x", "✓", "✔", "accepting", "available", "on"}
_FALSE = {"no", "n", "false", "f", "0", "not accepting", "unavailable", "off", "none"}


def yes_no(raw: Any) -> bool | None:
    """A yes/no cell -> True, False or ``None`` (unknown). Never guesses from other words."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float):
        return bool(raw) if raw in (0, 1) else None
    text = clean_text(raw)
    if text is None:
        return None
    low = text.lower().strip(" .!")
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    if re.match(r"^(yes|accepting new|currently accepting|offers? )", low):
        return True
    if re.match(r"^(no\b|not\b|currently not|waitlist)", low):
        return False
    return None


def split_list(raw: Any, separators: str = ";|\n,") -> list[str]:
    """A list cell -> list of clean strings.

    Handles real lists, JSON-ish and Python list literals (``"['CBT', 'Interpersonal']"``)
    and semicolon / pipe / newline / comma separated text (the first of these present wins,
    so a semicolon list keeps its commas). Duplicates are dropped, order kept.
    """
    if raw is None:
        return []
    if isinstance(raw, str):
        if len(raw) < 2000:
            return list(_split_text(raw, separators))
        return list(_split_text.__wrapped__(raw, separators))
    if isinstance(raw, list | tuple | set):
        return _clean_items(list(raw), separators)
    return list(_split_text(str(raw), separators))


@lru_cache(maxsize=8192)
def _split_text(raw: str, separators: str) -> tuple[str, ...]:
    text = clean_text(raw)
    if text is None:
        return ()
    items: list[Any] = []
    if text[0] in "[(" and text[-1] in "])":
        try:
            literal = ast.literal_eval(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError):
            literal = None
        if isinstance(literal, list | tuple):
            items = list(literal)
    if not items:
        for sep in separators:
            if sep in text:
                items = text.split(sep)
                break
        else:
            # Text a scraper took from a page's list: items apart by runs of spaces or tabs.
            items = _WIDE_GAP.split(raw.strip()) if _WIDE_GAP.search(raw.strip()) else [text]
    return tuple(_clean_items(items, separators))


_WIDE_GAP = re.compile(r"\s{3,}|\t")


def _clean_items(items: list[Any], separators: str) -> list[str]:
    out: list[str] = []
    for item in items:
        if isinstance(item, list | tuple):
            out.extend(s for s in split_list(list(item), separators) if s not in out)
            continue
        value = clean_text(item)
        if value is not None:
            value = value.strip(" '\"")
            if value and value not in out:
                out.append(value)
    return out


def npi(raw: Any) -> str | None:
    """A 10-digit NPI whose Luhn check digit (with the 80840 prefix) is right, else ``None``."""
    if isinstance(raw, int):
        raw = str(raw)
    text = clean_text(raw)
    if text is None:
        return None
    digits = re.sub(r"\D", "", text)
    if len(digits) != 10 or not npi_checksum_ok(digits):
        return None
    return digits


def npi_checksum_ok(digits: str) -> bool:
    total = 24  # the constant contribution of the 80840 prefix
    for i, ch in enumerate(reversed(digits[:-1])):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10 == int(digits[-1])


def number(raw: Any) -> float | int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return raw
    text = clean_text(raw)
    if text is None:
        return None
    m = re.search(r"-?\d+(?:\.\d+)?", text.replace(",", ""))
    if not m:
        return None
    value = float(m.group())
    return int(value) if value.is_integer() else value


_HTTP = re.compile(r"^https?://", re.I)
_BARE_HOST = re.compile(r"^[\w.-]+\.[a-z]{2,}(/|$)", re.I)


def url(raw: Any) -> str | None:
    text = clean_text(raw)
    if text is None or " " in text:
        return None
    if text.startswith("//"):
        text = "https:" + text
    if not _HTTP.match(text):
        if _BARE_HOST.match(text):
            text = "https://" + text
        else:
            return None
    return text


def email(raw: Any) -> str | None:
    text = clean_text(raw)
    if text is None:
        return None
    text = re.sub(r"^mailto:", "", text, flags=re.I)
    return text if re.fullmatch(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}", text) else None


def _profile_url(raw: Any) -> str | None:
    from finder.importers._html import canonical_profile_url

    return canonical_profile_url(url(raw))


def _list_or_none(raw: Any) -> list[str] | None:
    return split_list(raw) or None


def _credentials_or_none(raw: Any) -> list[str] | None:
    return credentials(raw) or None


def _phones_or_none(raw: Any) -> list[str] | None:
    return phones(raw) or None


def _lowest_fee(raw: Any) -> float | None:
    return money(raw)[0]


_BY_NAME: dict[str, Callable[[Any], Any]] = {
    "credentials": _credentials_or_none,
    "zip": zip_code,
    "state": state,
    "license_state": state,
    "npi": npi,
    "profile_url": _profile_url,
    "website": url,
    "email": email,
}
_BY_KIND: dict[Kind, Callable[[Any], Any]] = {
    Kind.LIST: _list_or_none,
    Kind.PHONES: _phones_or_none,
    Kind.BOOL: yes_no,
    Kind.MONEY: _lowest_fee,
    Kind.NUMBER: number,
    Kind.LONGTEXT: clean_text,
    Kind.TEXT: clean_text,
}
#: Canonical field -> its normaliser, decided once instead of per value.
NORMALISERS: dict[str, Callable[[Any], Any]] = {
    name: _BY_NAME.get(name) or _BY_KIND[kind] for name, (kind, _meaning) in FIELDS.items()
}


def field_value(name: str, raw: Any) -> Any:
    """Normalise ``raw`` as the canonical field ``name`` by its kind."""
    return NORMALISERS[name](raw)


# Short cell values (cities, states, ZIPs, fees, plan and orientation lists, yes/no) repeat
# across thousands of rows of one export: each field remembers what its values became.
# Values that are unique to a row (names, phones, addresses, links, statements) are not
# worth remembering.
_NOT_MEMOISED = frozenset(
    {"name", "first_name", "last_name", "phones", "email", "website", "profile_url", "npi",
     "license_number", "address", "statement", "lat", "lon"}
)  # fmt: skip
_MEMO_CHARS = 200
_VALUE_MEMO: dict[str, dict[str, Any]] = {
    name: {} for name in FIELDS if name not in _NOT_MEMOISED and name not in TEXT_KEPT
}
_MONEY_MEMO: dict[str, tuple[float | None, float | None]] = {}
_MISSING = object()


def _normalised(name: str, value: Any) -> Any:
    memo = _VALUE_MEMO.get(name)
    if memo is None or type(value) is not str or len(value) >= _MEMO_CHARS:
        return NORMALISERS[name](value)
    found = memo.get(value, _MISSING)
    if found is _MISSING:
        found = NORMALISERS[name](value)
        if len(memo) >= _MEMO_LIMIT:
            memo.clear()
        # Lists are remembered as tuples: every record gets a list of its own.
        memo[value] = tuple(found) if type(found) is list else found
        return found
    return list(found) if type(found) is tuple else found


def _money(value: Any) -> tuple[float | None, float | None]:
    if type(value) is not str or len(value) >= _MEMO_CHARS:
        return money(value)
    found = _MONEY_MEMO.get(value)
    if found is None:
        found = money(value)
        if len(_MONEY_MEMO) >= _MEMO_LIMIT:
            _MONEY_MEMO.clear()
        _MONEY_MEMO[value] = found
    return found


_CREDENTIALS_MEMO: dict[tuple[str, ...], tuple[str, ...]] = {}
_LICENSE_MEMO: dict[tuple[tuple[str, ...], str | None], str | None] = {}


def _name_credentials(creds: list[str]) -> tuple[str, ...]:
    key = tuple(creds)
    found = _CREDENTIALS_MEMO.get(key)
    if found is None:
        found = tuple(credentials(creds))
        if len(_CREDENTIALS_MEMO) >= _MEMO_LIMIT:
            _CREDENTIALS_MEMO.clear()
        _CREDENTIALS_MEMO[key] = found
    return found


def _license_kind(creds: list[str], title: str | None) -> str | None:
    if title is not None and type(title) is not str:
        return license_type(creds, title)
    key = (tuple(creds), title)
    found = _LICENSE_MEMO.get(key, _MISSING)
    if found is _MISSING:
        found = license_type(creds, title)
        if len(_LICENSE_MEMO) >= _MEMO_LIMIT:
            _LICENSE_MEMO.clear()
        _LICENSE_MEMO[key] = found
    return found  # type: ignore[return-value]


def build_fields(raw: dict[str, Any]) -> dict[str, Any]:
    """Normalise a dict of canonical-field -> raw value into a record's ``fields``.

    Derives what follows from the rest: the name is split from its credentials,
    first/last names fill ``name``, credentials imply a licence type, a fee range
    fills ``fee`` and ``fee_max`` and keeps the original text as ``fee_text``.
    """
    fields: dict[str, Any] = {}
    creds: list[str] = []
    memos = _VALUE_MEMO
    for name, value in raw.items():
        if value is None:
            continue
        if type(value) is str:
            if not value:
                continue
            # The common case first: a short value this field has seen before.
            memo = memos.get(name)
            if memo is not None and len(value) < _MEMO_CHARS:
                found = memo.get(value, _MISSING)
                if found is not _MISSING:
                    if found is not None:
                        fields[name] = list(found) if type(found) is tuple else found
                    continue
        elif value == "" or value == []:
            continue
        if name == "name":
            full, from_name = split_name(value)
            if full:
                fields["name"] = full
            creds.extend(from_name)
            continue
        if name == "fee" or name == "fee_max":
            low, high = _money(value)
            if low is not None:
                if name == "fee":
                    fields["fee"] = low
                    if high is not None and high != low:
                        fields.setdefault("fee_max", high)
                else:
                    fields["fee_max"] = high
                fields.setdefault(f"{name}_text", clean_text(value) or str(value))
            continue
        if name in TEXT_KEPT:
            continue
        normalised = _normalised(name, value)
        if normalised is not None:
            fields[name] = normalised
    if creds:
        for c in _name_credentials(creds):
            fields.setdefault("credentials", [])
            if c not in fields["credentials"]:
                fields["credentials"].append(c)
    if "name" not in fields:
        first = fields.get("first_name")
        last = fields.get("last_name")
        if first or last:
            fields["name"] = " ".join(p for p in (first, last) if p)
    if "name" in fields and "last_name" not in fields and not fields.get("is_organization"):
        words = fields["name"].replace(",", " ").split()
        if len(words) >= 2:
            fields["first_name"] = words[0]
            fields["last_name"] = words[-1]
    if "is_organization" not in fields and looks_like_organization(
        fields.get("name"), fields.get("title")
    ):
        fields["is_organization"] = True
    if "license_type" in fields:
        fields["license_type"] = license_type([], fields["license_type"]) or fields["license_type"]
    else:
        kind = _license_kind(fields.get("credentials", []), fields.get("title"))
        if kind == "Physician":
            # MD/DO says physician; psychiatry named anywhere in the record settles it.
            context = " ".join([fields.get("title") or "", *fields.get("specialties", [])])
            if "psychiatr" in context.lower():
                kind = "Psychiatrist"
        if kind:
            fields["license_type"] = kind
    return fields


_ORG_WORDS = re.compile(
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
