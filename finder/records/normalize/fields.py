"""A record's canonical fields from the raw values an importer mapped to them."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from finder.records.models import FIELDS, TEXT_KEPT, Kind
from finder.records.normalize.credentials import credentials, is_degree
from finder.records.normalize.identifiers import npi, unverified_npi
from finder.records.normalize.licences import (
    SUPERVISED,
    licence_level,
    license_parts,
    license_type,
    registration,
    supervisor,
)
from finder.records.normalize.money import money
from finder.records.normalize.names import looks_like_organization, name_parts, split_name
from finder.records.normalize.phones import phones
from finder.records.normalize.places import country, postal_code, state, zip_code
from finder.records.normalize.text import (
    MEMO_LIMIT,
    Memo,
    clean_text,
    is_waitlist,
    number,
    split_list,
    yes_no,
)
from finder.records.normalize.urls import (
    directory_profile_url,
    email,
    npi_in_profile_url,
    profile_url,
    url,
)


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
    "postal_code": postal_code,
    "country": country,
    "state": state,
    "license_state": state,
    "npi": npi,
    "profile_url": profile_url,
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
_MONEY_MEMO: Memo[str, tuple[float | None, float | None]] = Memo(money)
_MISSING = object()


def _normalised(name: str, value: Any) -> Any:
    memo = _VALUE_MEMO.get(name)
    if memo is None or type(value) is not str or len(value) >= _MEMO_CHARS:
        return NORMALISERS[name](value)
    found = memo.get(value, _MISSING)
    if found is _MISSING:
        found = NORMALISERS[name](value)
        if len(memo) >= MEMO_LIMIT:
            memo.clear()
        # Lists are remembered as tuples: every record gets a list of its own.
        memo[value] = tuple(found) if type(found) is list else found
        return found
    return list(found) if type(found) is tuple else found


def _money(value: Any) -> tuple[float | None, float | None]:
    if type(value) is not str or len(value) >= _MEMO_CHARS:
        return money(value)
    return _MONEY_MEMO[value]


_CREDENTIALS_MEMO: Memo[tuple[str, ...], tuple[str, ...]] = Memo(
    lambda key: tuple(credentials(list(key)))
)
_LICENSE_MEMO: Memo[tuple[tuple[str, ...], str | None], str | None] = Memo(
    lambda key: license_type(list(key[0]), key[1])
)


def _name_credentials(creds: list[str]) -> tuple[str, ...]:
    return _CREDENTIALS_MEMO[tuple(creds)]


def _license_kind(creds: list[str], title: str | None) -> str | None:
    if title is not None and type(title) is not str:
        return license_type(creds, title)
    return _LICENSE_MEMO[(tuple(creds), title)]


def _set_npi(fields: dict[str, Any], value: Any) -> None:
    """The NPI, checked once (each row of a bulk file has a new one); ten digits with a
    wrong check digit are kept apart, never used to link."""
    found = npi(value)
    if found is not None:
        fields["npi"] = found
    elif unverified := unverified_npi(value):
        fields["npi_unverified"] = unverified


def _set_fee(fields: dict[str, Any], name: str, value: Any) -> None:
    """A fee (or the top of a range), with the text it was read from."""
    low, high = _money(value)
    if low is not None:
        if name == "fee":
            fields["fee"] = low
            if high is not None and high != low:
                fields.setdefault("fee_max", high)
        else:
            fields["fee_max"] = high
        fields.setdefault(f"{name}_text", clean_text(value) or str(value))


def build_fields(raw: dict[str, Any]) -> dict[str, Any]:
    """Normalise a dict of canonical-field -> raw value into a record's ``fields``.

    Derives what follows from the rest: the name is split from its credentials,
    first/last names fill ``name``, credentials imply a licence type, a fee range
    fills ``fee`` and ``fee_max`` and keeps the original text as ``fee_text``.
    """
    fields: dict[str, Any] = {}
    creds: list[str] = []
    memos = _VALUE_MEMO
    where = raw.get("country")
    if where is not None and where != "US":
        raw = _abroad(raw, where, fields)
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
        else:
            memo = None  # only text is remembered: the rest is just made
        if name == "name":
            full, from_name = split_name(value)
            if full:
                fields["name"] = full
            creds.extend(from_name)
            continue
        if name == "fee" or name == "fee_max":
            _set_fee(fields, name, value)
            continue
        if name in TEXT_KEPT:
            continue
        if name == "npi":
            _set_npi(fields, value)
            continue
        if name == "accepting" and is_waitlist(value):
            fields["waitlist"] = True
            continue
        normalised = NORMALISERS[name](value) if memo is None else _normalised(name, value)
        if normalised is not None:
            fields[name] = normalised
    for c in _name_credentials(creds) if creds else ():
        if c not in fields.setdefault("credentials", []):
            fields["credentials"].append(c)
    if "name" not in fields and (fields.get("first_name") or fields.get("last_name")):
        fields["name"] = " ".join(
            p for p in (fields.get("first_name"), fields.get("last_name")) if p
        )
    # An organisation first: "Age Wise, LLC" has no given and family name.
    if "is_organization" not in fields and looks_like_organization(
        fields.get("name"), fields.get("title")
    ):
        fields["is_organization"] = True
    if "name" in fields and "last_name" not in fields and not fields.get("is_organization"):
        given, family, _suffix = name_parts(fields["name"])
        if family:
            fields["first_name"] = given
            fields["last_name"] = family
    _settle_registration(fields, raw.get("credentials"))
    _settle_licence(fields)
    _settle_supervisor(fields)
    _settle_profile(fields)
    return fields


def _settle_profile(fields: dict[str, Any]) -> None:
    # A vCard's URL or a page's link to a directory profile is that profile, not a website.
    listed = directory_profile_url(fields["website"]) if "website" in fields else None
    if listed and fields.setdefault("profile_url", listed) == listed:
        del fields["website"]
    if "npi" not in fields and "profile_url" in fields:
        found = npi_in_profile_url(fields["profile_url"])
        if found:
            fields["npi"] = found


@lru_cache(maxsize=4096)
def _licence_parts(stated: str) -> dict[str, str]:
    return license_parts(stated)


def _settle_registration(fields: dict[str, Any], credentials: Any) -> None:
    # A UK registration ("BACP 123456") in a number, licence, credentials or title cell is
    # the licence shown, with its body named; kept whole it would leave the licence unstated.
    if fields.get("license_type") and fields.get("license_number"):
        return
    for stated in (fields.get("license_number"), fields.get("license_type"), credentials,
                   fields.get("title")):  # fmt: skip
        found = registration(stated) if isinstance(stated, str) else None
        if found:
            fields.update(found)
            return


def _settle_licence(fields: dict[str, Any]) -> None:
    # The licence shown is the one stated: a licence cell's letters or words, else the
    # credentials' licence letters, else a title's words. A degree is never a licence.
    # Outside the US a title ("Psicóloga", "HCPC registered") is kept as stated.
    if fields.get("country", "US") != "US":
        return
    stated = fields.get("license_type")
    if stated is not None:
        # A licence cell often carries its number and state too ("LPC 12345 West Virginia",
        # "12345 (WV)"): the licence reader splits them, as it does for every other source.
        parts = _licence_parts(stated) if any(c.isdigit() for c in stated) else {}
        if "license_number" in parts:
            fields.setdefault("license_number", parts["license_number"])
            if "license_state" in parts:
                fields.setdefault("license_state", parts["license_state"])
        found = license_type([], stated)
        if found:
            fields["license_type"] = found
        elif is_degree(stated):
            del fields["license_type"]
        if found or "license_number" not in parts:
            return
        fields.pop("license_type", None)  # a number and a state: the type comes from below
    creds = fields.get("credentials", [])
    kind = _license_kind(creds, fields.get("title"))
    if kind is None and {"MD", "DO"} & set(creds):
        # A physician's degree with psychiatry named in the record is a psychiatrist.
        context = " ".join([fields.get("title") or "", *fields.get("specialties", [])])
        if "psychiatr" in context.lower():
            kind = "Psychiatrist"
    if kind:
        fields["license_type"] = kind


def _settle_supervisor(fields: dict[str, Any]) -> None:
    # A supervised license: the supervisor its source names, in its title or its words
    # (a fully licensed clinician's "I was supervised by ..." names no supervisor now).
    if "supervisor" in fields or licence_level(fields.get("license_type")) != SUPERVISED:
        return
    found = supervisor(fields.get("title")) or supervisor(fields.get("statement"))
    if found:
        fields["supervisor"] = found


def _abroad(raw: dict[str, Any], where: Any, fields: dict[str, Any]) -> dict[str, Any]:
    """Outside the US: phones read in that country, the postal code and a licence as written
    (a US state, ZIP, licence state or licence type would be a guess: "(WA)" after an AHPRA
    number is Western Australia). Returns the rest of ``raw``."""
    code = country(where)
    if code is None or code == "US":
        return raw
    dropped = ("phones", "zip", "state", "license_type", "license_state")
    rest = {k: v for k, v in raw.items() if k not in dropped}
    rest["country"] = code
    found = phones(raw.get("phones"), region=code) if raw.get("phones") else []
    if found:
        fields["phones"] = found
    place = postal_code(raw.get("zip"))
    if place:
        fields["postal_code"] = place
    licence = clean_text(raw.get("license_type"))
    if licence:
        fields["license_type"] = licence
    return rest
