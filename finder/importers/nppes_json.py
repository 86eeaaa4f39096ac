"""NPPES NPI Registry API v2.1 responses (JSON) -> records.

A saved response is ``{"result_count": N, "results": [...]}`` (DOMAIN.md s6).
Users save one response, several pasted one after another, or a JSON array of
them; all three are read. ``{"Errors": [...]}`` is refused with the server's
own description, and a response with no results is refused too, so the user
learns the lookup found nothing instead of seeing "0 imported".

Unlike the bulk CSV, an API response is what the user explicitly looked up, so
every result is kept by default: the behavioural-health filter would silently
hide the very person they searched for by name. Each result's taxonomies are
still there for the shortlist to judge.

The record building shared with the bulk CSV importer (``nppes_csv``) lives
here as ``NpiEntry`` and ``build_record``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from finder.errors import ImportRefused, NothingToImport
from finder.importers.base import ParseContext, read_text
from finder.records import normalize, taxonomy
from finder.records.models import Record, RowError

NAME = "nppes-json"
DESCRIPTION = "NPPES NPI Registry API v2.1 responses (one, several concatenated, or an array)"

_STATUS = {"A": "active", "D": "deactivated"}
_GENDER = {"F": "Female", "M": "Male"}
_PLACEHOLDERS = {"--", "-", ""}


@dataclass
class Slot:
    """One taxonomy entry: a NUCC code with its licence, as the registry lists it."""

    code: str
    desc: str | None = None
    license: str | None = None
    state: str | None = None
    primary: bool = False


@dataclass
class NpiEntry:
    """One NPI as both NPPES formats describe it, before normalisation."""

    npi: Any
    is_organization: bool
    organization_name: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    name_suffix: str | None = None
    credential: str | None = None
    gender: str | None = None
    slots: list[Slot] = field(default_factory=list)
    location: dict[str, Any] = field(default_factory=dict)
    mailing: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


def text(value: Any) -> str | None:
    """A registry value as clean text; NPPES writes "--" and "" for nothing."""
    if isinstance(value, str):
        return str_text(value) if value else None
    if value is None or isinstance(value, bool):
        return None
    return _usable(normalize.clean_text(value))


@lru_cache(maxsize=4096)
def str_text(value: str) -> str | None:
    """``text`` of a ``str`` ("" included), memoised in C: a bulk file repeats its states,
    cities, dates and codes row after row, and a hit runs no Python."""
    return _usable(normalize.clean_text(value))


def _usable(out: str | None) -> str | None:
    return None if out is None or out in _PLACEHOLDERS else out


def primary_first(slots: list[Slot]) -> list[Slot]:
    """The primary taxonomy first, the rest in the registry's order (a stable sort)."""
    return sorted(slots, key=lambda s: not s.primary)


def _address(addr: dict[str, Any]) -> str | None:
    parts = [text(addr.get("address_1")), text(addr.get("address_2"))]
    joined = ", ".join(filter(None, parts))
    return joined or None


def build_record(entry: NpiEntry, locator: str) -> Record | RowError:
    """Turn an ``NpiEntry`` into a ``Record`` (or a ``RowError`` when it has no identity)."""
    npi = normalize.npi(entry.npi)
    raw: dict[str, Any] = {"is_organization": entry.is_organization}
    extra = dict(entry.extra)
    if entry.is_organization:
        raw["name"] = text(entry.organization_name)
        raw["organization"] = raw["name"]
    else:
        first, middle, last = (
            normalize.proper(text(entry.first_name)),
            normalize.proper(text(entry.middle_name)),
            normalize.proper(text(entry.last_name)),
        )
        raw["first_name"], raw["last_name"] = first, last
        raw["name"] = normalize.joined_name(first, middle, last, suffix=entry.name_suffix)
        if middle:
            extra["middle_name"] = middle
    if raw["name"] is None and npi is None:
        return RowError(locator, "no NPI number and no name; skipped")
    if npi is None:
        raw_npi = text(entry.npi)
        if raw_npi:
            extra["npi_unreadable"] = raw_npi
    raw["npi"] = npi
    credential = text(entry.credential)
    if credential:
        raw["credentials"] = credential
        extra["credential_text"] = credential
    gender = text(entry.gender)
    if gender:
        raw["gender"] = _GENDER.get(gender.upper(), gender)

    slots, codes = _taxonomies(entry, raw, extra)
    _places(entry, raw, extra)
    fields = normalize.build_fields(raw)
    taxonomy.settle_license_type(fields, codes)
    if slots:
        title = text(slots[0].desc) or taxonomy.name(slots[0].code)
        if title:
            fields["title"] = title
    return Record(fields=fields, locator=locator, key=npi or text(entry.npi), extra=extra)


def _taxonomies(
    entry: NpiEntry, raw: dict[str, Any], extra: dict[str, Any]
) -> tuple[list[Slot], list[str]]:
    """The taxonomy codes (primary first) and the primary one's licence."""
    slots = primary_first([s for s in entry.slots if taxonomy.normalize_code(s.code)])
    codes: list[str] = []
    for slot in slots:
        code = taxonomy.normalize_code(slot.code)
        if code and code not in codes:
            codes.append(code)
    raw["taxonomies"] = codes
    if slots:
        primary = slots[0]
        raw["license_number"] = text(primary.license)
        raw["license_state"] = text(primary.state)
        names: dict[str, str] = {}
        for s in slots:
            code = taxonomy.normalize_code(s.code) or s.code
            names.setdefault(code, text(s.desc) or taxonomy.name(code) or code)
        extra["taxonomy_names"] = list(names.values())
        licences = [
            {"code": s.code, "license": text(s.license), "state": text(s.state)}
            for s in slots[1:]
            if text(s.license)
        ]
        if licences:
            extra["other_licenses"] = licences
    return slots, codes


def _places(entry: NpiEntry, raw: dict[str, Any], extra: dict[str, Any]) -> None:
    """The practice location (with its country) and the mailing address as extra data."""
    loc = entry.location
    raw["address"] = _address(loc)
    raw["city"] = normalize.proper(text(loc.get("city")))
    raw["state"] = text(loc.get("state"))
    raw["zip"] = text(loc.get("postal_code"))
    raw["phones"] = [text(loc.get("telephone_number"))] if text(loc.get("telephone_number")) else []
    fax = text(loc.get("fax_number"))
    if fax:
        extra["fax"] = fax
    raw["country"] = text(loc.get("country_code")) or "US"
    if entry.mailing:
        mail = ", ".join(
            filter(
                None,
                (
                    _address(entry.mailing),
                    normalize.proper(text(entry.mailing.get("city"))),
                    text(entry.mailing.get("state")),
                    normalize.zip_code(entry.mailing.get("postal_code")),
                ),
            )
        )
        if mail:
            extra["mailing_address"] = mail
        mail_phone = normalize.phone(entry.mailing.get("telephone_number"))
        if mail_phone and mail_phone not in normalize.phones(raw["phones"]):
            extra["mailing_phone"] = mail_phone


# --- the API response format -------------------------------------------------------------

_MARKERS = re.compile(rb'"(result_count|results|enumeration_type|Errors)"\s*:')


def sniff(path: Path, head: bytes) -> float:
    body = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if body[:1] not in (b"{", b"["):
        return 0.0
    found = {m.group(1) for m in _MARKERS.finditer(head)}
    if b"enumeration_type" in found or {b"result_count", b"results"} <= found:
        return 0.95
    if b"result_count" in found:
        return 0.85
    if b"Errors" in found and b'"description"' in head:
        return 0.8
    return 0.0


def _responses(path: Path, body: str) -> Iterator[tuple[int, Any]]:
    """Each JSON value in ``body``: one value, an array of responses, or several in a row."""
    decoder = json.JSONDecoder()
    pos, index = 0, 0
    length = len(body)
    while True:
        while pos < length and body[pos] in " \t\r\n,\ufeff":
            pos += 1
        if pos >= length:
            return
        try:
            value, pos = decoder.raw_decode(body, pos)
        except RecursionError:
            raise ImportRefused(path, "JSON nested too deeply to be an NPPES response") from None
        except json.JSONDecodeError as err:
            where = f"line {err.lineno} column {err.colno}"
            if index == 0:
                raise ImportRefused(path, f"not valid JSON ({err.msg} at {where})") from None
            yield index + 1, RowError(f"response {index + 1}", f"not valid JSON at {where}")
            return
        if index == 0 and isinstance(value, list) and pos >= len(body.rstrip()):
            # One array: of responses, or of bare results saved from several responses.
            if value and all(isinstance(v, dict) and _is_response(v) for v in value):
                for i, item in enumerate(value):
                    yield i + 1, item
                return
            yield 1, {"results": value}
            return
        index += 1
        yield index, value


def _is_response(value: dict[str, Any]) -> bool:
    return "results" in value or "result_count" in value or "Errors" in value


def _error_text(errors: Any) -> str:
    items = errors if isinstance(errors, list) else [errors]
    texts = []
    for item in items:
        if isinstance(item, dict):
            desc = text(item.get("description")) or text(item.get("message"))
            extra = text(item.get("field"))
            if desc:
                texts.append(f"{desc} (field {extra})" if extra and extra != "generic" else desc)
        elif text(item):
            texts.append(str(text(item)))
    return "; ".join(texts) or "an error with no description"


def entry_from_result(result: dict[str, Any]) -> NpiEntry:
    """An API ``results[]`` item -> ``NpiEntry``."""
    basic: dict[str, Any] = result["basic"] if isinstance(result.get("basic"), dict) else {}
    is_org = str(result.get("enumeration_type", "")).upper() == "NPI-2" or (
        "organization_name" in basic and "first_name" not in basic
    )
    slots = [
        Slot(
            code=str(t.get("code") or ""),
            desc=text(t.get("desc")),
            license=text(t.get("license")),
            state=text(t.get("state")),
            primary=t.get("primary") is True or str(t.get("primary")).lower() == "true",
        )
        for t in result.get("taxonomies") or []
        if isinstance(t, dict)
    ]
    addresses = [a for a in result.get("addresses") or [] if isinstance(a, dict)]
    location = next(
        (a for a in addresses if str(a.get("address_purpose", "")).upper() == "LOCATION"), {}
    )
    mailing = next(
        (a for a in addresses if str(a.get("address_purpose", "")).upper() == "MAILING"), {}
    )
    if not location and not mailing and addresses:
        location = addresses[0]
    extra: dict[str, Any] = {}
    status = text(basic.get("status"))
    if status:
        extra["status"] = _STATUS.get(status.upper(), status)
    used = {
        "first_name", "middle_name", "last_name", "credential", "gender", "sex", "status",
        "organization_name", "name", "name_prefix", "name_suffix",
    }  # fmt: skip
    for key, value in basic.items():
        if key not in used and text(value):
            extra[key] = text(value)
    for key in ("name_prefix", "name_suffix"):
        if text(basic.get(key)):
            extra[key] = text(basic.get(key))
    for key in ("other_names", "identifiers", "practiceLocations", "endpoints"):
        if result.get(key):
            extra[key] = result[key]
    if text(result.get("enumeration_type")):
        extra["enumeration_type"] = text(result.get("enumeration_type"))
    return NpiEntry(
        npi=result.get("number"),
        is_organization=is_org,
        organization_name=basic.get("organization_name") or basic.get("name"),
        first_name=basic.get("first_name"),
        middle_name=basic.get("middle_name"),
        last_name=basic.get("last_name"),
        name_suffix=basic.get("name_suffix"),
        credential=basic.get("credential"),
        gender=basic.get("gender") or basic.get("sex"),
        slots=slots,
        location=location,
        mailing=mailing if location is not mailing else {},
        extra=extra,
    )


def parse(path: Path, ctx: ParseContext) -> Iterator[Record | RowError]:
    body = read_text(path)
    responses = list(_responses(path, body))
    multi = len(responses) > 1
    errors: list[str] = []
    yielded = 0
    zero_results = False
    for index, response in responses:
        where = f"response {index} " if multi else ""
        if isinstance(response, RowError):
            yield response
            continue
        if not isinstance(response, dict):
            yield RowError(f"response {index}", "not an NPPES response object; skipped")
            continue
        if "Errors" in response:
            message = _error_text(response["Errors"])
            errors.append(message)
            if multi:
                yield RowError(f"response {index}", f"NPPES returned an error: {message}")
            continue
        results = response.get("results")
        if results is None and "number" in response and "basic" in response:
            results = [response]  # one result saved on its own
        if not isinstance(results, list):
            yield RowError(f"response {index}", "no 'results' list; skipped")
            continue
        count = response.get("result_count")
        if count == 0 and not results:
            zero_results = True
        elif isinstance(count, int) and count > len(results):
            ctx.warn(
                f"{path}: {where}partial: NPPES found {count:,} but this page holds "
                f"{len(results):,}; the rest are on other pages"
            )
        for n, result in enumerate(results, start=1):
            locator = f"{where}result {n}"
            if not isinstance(result, dict):
                yield RowError(locator, "not an NPPES result object; skipped")
                continue
            record = build_record(entry_from_result(result), locator)
            if isinstance(record, Record):
                yielded += 1
            yield record
    if yielded == 0:
        if errors:
            raise ImportRefused(path, f"NPPES returned an error: {'; '.join(errors)}")
        if zero_results:
            raise NothingToImport(
                path, "the NPPES search found no one (result_count 0); nothing to import"
            )
        raise ImportRefused(path, "NPPES response with no results; nothing imported")
