"""Places: US states and ZIP codes, postal codes elsewhere, and countries (ISO codes)."""

from __future__ import annotations

import re
from typing import Any

from finder.patterns import later
from finder.records.normalize.text import Memo, clean_text
from finder.records.reference import mapping

#: Two-letter US state and territory codes -> their names (data/reference/us_states.csv).
_STATE_TABLE = mapping("us_states.csv", "code", "name")
STATES: frozenset[str] = frozenset(_STATE_TABLE)
STATE_NAMES: dict[str, str] = {name.upper(): code for code, name in _STATE_TABLE.items()}


_ZIP = later(r"\b(\d{5})(?:-?\d{4})?\b")
# A ZIP a spreadsheet stored as a number and wrote back as one: "3110.0", "2139.00".
_FLOAT_ZIP = later(r"(\d{3,9})\.0+")


def zip_code(raw: Any) -> str | None:
    """``"02139-1234"``, ``"021391234"``, ``2139`` (a number that lost its zero) -> ``"02139"``."""
    if type(raw) is str:
        return _ZIP_MEMO[raw]  # the same few thousand ZIPs, row after row
    return _zip_code(raw)


def _zip_code(raw: Any) -> str | None:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, int):
        raw = f"{raw:05d}" if raw < 100000 else str(raw)
    text = clean_text(raw)
    if text is None:
        return None
    as_float = _FLOAT_ZIP.fullmatch(text)
    if as_float is not None:
        text = as_float.group(1)
        if len(text) in (3, 4, 8):
            text = text.zfill(5 if len(text) < 5 else 9)
    if re.fullmatch(r"\d{9}", text):
        return text[:5]
    if re.fullmatch(r"\d{4}", text):
        return "0" + text
    m = _ZIP.search(text)
    return m.group(1) if m else None


_ZIP_MEMO: Memo[str, str | None] = Memo(_zip_code, 8192)


def state(raw: Any) -> str | None:
    text = clean_text(raw)
    if text is None:
        return None
    up = text.upper().strip(". ")
    if up in STATES:
        return up
    return STATE_NAMES.get(up)


# "City, State ZIP" at the end of a line, a note in brackets after it allowed.
_PLACE_LINE = later(
    r"(?P<city>[A-Za-z][A-Za-z .'\-]*?)\s*,\s*(?P<state>[A-Za-z][A-Za-z .]*?)?"
    r"\s*(?P<zip>\d{5}(?:-\d{4})?)?\s*(?:\([^)]*\))?\s*$"
)


def place_line(raw: Any) -> dict[str, str]:
    """A line naming a US place -> what it gives of ``city``, ``state`` (a code) and ``zip``.

    ``"Chicago, IL 60611"``, ``"Wheeling, West Virginia 26003"``, ``"Lakewood, 80214"``,
    ``"12 Elm St, Cambridge, MA 02139"`` (the last "city, state" counts). A line whose
    part after the comma is neither a state nor a ZIP is no place: ``{}``.
    """
    text = clean_text(raw)
    m = _PLACE_LINE.search(text) if text else None
    if m is None or not (m["state"] or m["zip"]):
        return {}
    code = state(m["state"]) if m["state"] else None
    if m["state"] and code is None:
        return {}
    found = {"city": m["city"].strip(), "state": code, "zip": m["zip"]}
    return {k: v for k, v in found.items() if v}


# State names that are also given names: "Lund, Virginia" may be a person written family
# first, so without a ZIP after it such a line is no place.
_GIVEN_NAME_STATES = frozenset(
    {"GEORGIA", "VIRGINIA", "INDIANA", "FLORIDA", "MONTANA", "NEVADA", "WASHINGTON", "ARIZONA"}
)


def address_place(raw: Any) -> dict[str, str]:
    """The city, state and ZIP a one-line address ends with, when it says them clearly.

    ``place_line``'s reading, kept when the city is the whole part before the state (not
    the end of a street: "1 Main St, Washington") and the state comes with its ZIP or is
    spelt out ("Springfield, Illinois", "12 Elm St, Boston, Massachusetts 02139").
    """
    text = clean_text(raw)
    place = place_line(text) if text and "," in text else {}  # "City, State": a comma
    if "state" not in place or text is None:
        return {}
    head, _, last = text.rpartition(",")
    city_part = head.rpartition(",")[2].strip()
    if place.get("city") != city_part:
        return {}
    if "zip" in place:
        return place
    written = last.split("(")[0].strip().upper()
    if len(written) > 2 and written not in _GIVEN_NAME_STATES:
        return place
    return {}


def postal_code(raw: Any) -> str | None:
    """A postal code outside the US, as written ("SW1A 1AA", "28013", "1010"); a number a
    spreadsheet stored as "28013.0" loses its ".0"."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = clean_text(raw)
    if text is None:
        return None
    as_float = _FLOAT_ZIP.fullmatch(text)
    return as_float.group(1) if as_float is not None else text


# Postal codes whose shape belongs to one country alone (a 4- or 5-digit code could be
# anywhere): the UK's "SW1A 1AA" / "M1 1AE" and Canada's "K1A 0B6".
_SHAPED_POSTCODES = (
    (later(r"[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2}"), "GB"),
    (later(r"[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d"), "CA"),
)


def postal_country(raw: Any) -> str | None:
    """The country a postal code's shape names ("SW1A 1AA" -> GB, "K1A 0B6" -> CA), or
    ``None`` when its shape could be several countries' (digits alone)."""
    text = clean_text(raw) if isinstance(raw, str) else None
    if not text or len(text) > 8:
        return None
    text = text.upper()
    return next((code for shape, code in _SHAPED_POSTCODES if shape.fullmatch(text)), None)


# Country names as lists and directories write them, in the languages finder reads headers in.
_COUNTRY_NAMES: dict[str, str] = {
    "UNITED STATES": "US", "UNITED STATES OF AMERICA": "US", "USA": "US", "U.S.": "US",
    "U.S.A.": "US", "AMERICA": "US", "ESTADOS UNIDOS": "US", "ÉTATS-UNIS": "US",
    "CANADA": "CA", "CANADÁ": "CA", "KANADA": "CA",
    "UNITED KINGDOM": "GB", "UK": "GB", "GREAT BRITAIN": "GB", "ENGLAND": "GB",
    "SCOTLAND": "GB", "WALES": "GB", "NORTHERN IRELAND": "GB", "REINO UNIDO": "GB",
    "ROYAUME-UNI": "GB", "VEREINIGTES KÖNIGREICH": "GB", "GROSSBRITANNIEN": "GB",
    "IRELAND": "IE", "IRLANDA": "IE", "IRLANDE": "IE", "IRLAND": "IE",
    "AUSTRALIA": "AU", "AUSTRALIEN": "AU", "AUSTRALIE": "AU",
    "NEW ZEALAND": "NZ", "NUEVA ZELANDA": "NZ",
    "SPAIN": "ES", "ESPAÑA": "ES", "ESPANA": "ES", "ESPAGNE": "ES", "SPANIEN": "ES",
    "ESPANHA": "ES", "MEXICO": "MX", "MÉXICO": "MX", "MEXIQUE": "MX", "MEXIKO": "MX",
    "ARGENTINA": "AR", "COLOMBIA": "CO", "CHILE": "CL", "PERU": "PE", "PERÚ": "PE",
    "URUGUAY": "UY", "ECUADOR": "EC", "VENEZUELA": "VE",
    "PORTUGAL": "PT", "BRAZIL": "BR", "BRASIL": "BR", "BRÉSIL": "BR", "BRASILIEN": "BR",
    "FRANCE": "FR", "FRANCIA": "FR", "FRANKREICH": "FR", "FRANÇA": "FR",
    "BELGIUM": "BE", "BELGIQUE": "BE", "BÉLGICA": "BE", "BELGIEN": "BE",
    "SWITZERLAND": "CH", "SUISSE": "CH", "SCHWEIZ": "CH", "SUIZA": "CH",
    "LUXEMBOURG": "LU", "GERMANY": "DE", "DEUTSCHLAND": "DE", "ALEMANIA": "DE",
    "ALLEMAGNE": "DE", "ALEMANHA": "DE", "AUSTRIA": "AT", "ÖSTERREICH": "AT",
    "AUTRICHE": "AT", "ITALY": "IT", "ITALIA": "IT", "ITALIE": "IT", "ITALIEN": "IT",
    "NETHERLANDS": "NL", "THE NETHERLANDS": "NL", "NEDERLAND": "NL", "HOLLAND": "NL",
    "PAÍSES BAJOS": "NL", "PAYS-BAS": "NL", "NIEDERLANDE": "NL",
}  # fmt: skip


#: The codes of the countries named above: each is one phonenumbers knows (a test says so).
_NAMED_CODES = frozenset(_COUNTRY_NAMES.values())


def country(raw: Any) -> str | None:
    """``"España"`` / ``"Spain"`` / ``"es"`` / ``"UK"`` -> ``"ES"`` / ``"GB"``: an ISO 3166
    code; ``None`` for what is not a country finder knows."""
    text = clean_text(raw)
    if text is None:
        return None
    up = text.upper().strip(". ")
    if up in _COUNTRY_NAMES:
        return _COUNTRY_NAMES[up]
    if up in _NAMED_CODES:  # "US" on every row a US state or phone gave its country
        return up
    if len(up) == 2 and up.isalpha():
        # kept here: phonenumbers (20 ms) loads only for a country code
        import phonenumbers

        if up in phonenumbers.SUPPORTED_REGIONS:
            return up
    return None
