"""Entries read from a printed directory -> records.

Every value goes through ``finder.records.normalize`` (names, credentials,
phones, places, NPIs); what has no canonical field (provider id, hours,
hospital affiliations, codes) is kept as written in ``extra``. The plan named
by the directory becomes the listed insurance. The same listing printed twice
(under two headings) is one record; the same clinician at two offices is two
records, one per office, that the merge joins.
"""

from __future__ import annotations

import re
from typing import Any

from finder.importers.printed.document import Read
from finder.importers.printed.entries import Entry
from finder.importers.printed.fields import entry_values
from finder.importers.printed.sections import is_behavioural
from finder.records import normalize
from finder.records.models import Record
from finder.records.normalize.phones import phones

_POSTAL_CITY = re.compile(r"^(?P<postal>\d{4,5})\s+(?P<city>.+)$")
_NOT_ACCEPTING = re.compile(r"\b(not|no|existing patients only|closed|keine)\b", re.I)
_CANONICAL = ("name", "first_name", "last_name", "credentials", "gender", "specialties",
              "languages", "ages", "title", "address", "email")  # fmt: skip
_EXTRA = {
    "provider_id": "provider_id", "hours": "hours", "hospitals": "hospital_affiliations",
    "expertise": "areas_of_expertise", "accessibility": "accessibility",
    "phone_codes": "phone_codes", "name_codes": "name_codes", "languages_staff":
    "languages_staff", "languages_interpreter": "languages_interpreter", "languages_office":
    "languages_office", "culture": "cultural_competency", "accepting_text": "accepting_as_printed",
    "telehealth": "telehealth_as_printed", "fax": "fax", "other": "other_lines",
    "specialty": "specialty_as_printed", "license": "license_as_printed", "postal_code":
    "postal_code", "section": "directory_section",
}  # fmt: skip


def _place(values: dict[str, Any], raw: dict[str, Any]) -> None:
    line = values.get("city_line")
    if not line:
        return
    us = normalize.address_place(line)
    if us.get("state"):
        raw.update(us)
        return
    other = _POSTAL_CITY.match(line)
    if other:
        raw["city"] = other["city"]
        values["postal_code"] = other["postal"]


def _region(values: dict[str, Any]) -> str | None:
    """Where a national phone number was printed, from a European postal code and the label."""
    postal = values.get("postal_code") or ""
    label = values.get("phone_label") or ""
    if label.lower().startswith("tél"):
        return "FR"
    if label.lower().startswith("tel") and len(postal) == 5:
        return "DE"
    if label.lower().startswith("tel") and len(postal) == 4:
        return "AT"
    return None


def _raw_fields(values: dict[str, Any], plan: str | None) -> dict[str, Any]:
    raw: dict[str, Any] = {k: values[k] for k in _CANONICAL if values.get(k)}
    raw["organization"] = values.get("group")
    raw["npi"] = values.get("npi")
    raw["phones"] = values.get("phones")
    _place(values, raw)
    region = _region(values)
    if region and values.get("phones"):
        raw["phones"] = [p for text in values["phones"] for p in phones(text, region) or [text]]
    raw["website"] = values.get("web")
    accepting = values.get("accepting_text")
    if accepting:
        raw["accepting"] = not _NOT_ACCEPTING.search(accepting)
    tele = values.get("telehealth")
    if tele and re.search(r"video|audio|yes|ja|s[ií]", " ".join(tele), re.I):
        raw["telehealth"] = True
    if plan:
        raw["insurance"] = [plan]
    return raw


def _record(entry: Entry, read: Read, path: str) -> Record:
    values = entry_values(entry, read.legend)
    if entry.heading:
        values["section"] = entry.heading
    fields = normalize.build_fields(_raw_fields(values, read.plan))
    extra = {name: values[key] for key, name in _EXTRA.items() if values.get(key)}
    warnings = []
    if values.get("phones") and fields.get("phones") != values["phones"]:
        extra["phones_as_printed"] = values["phones"]  # unread, or read as a foreign number
    if values.get("npi") and not fields.get("npi"):
        warnings.append(f"NPI {values['npi']!r} is not a valid NPI; kept as printed")
        extra["npi_as_printed"] = values["npi"]
    ident = values.get("provider_id") or fields.get("npi") or fields.get("name") or ""
    where = fields.get("address") or (fields.get("phones") or [""])[0]
    return Record(
        fields=fields,
        locator=f"page {entry.first_page}",
        key=f"{ident}|{where}",
        extra=extra,
        warnings=warnings,
    )


def make_records(read: Read, path: str) -> list[Record]:
    """One record per listing in a behavioural-health section (or every one when asked)."""
    out: dict[str, Record] = {}
    for entry, in_section in read.entries:
        if not entry.identified() or not entry.name_lines:
            continue
        if not (read.read_all or in_section or is_behavioural(entry.heading or "")):
            continue
        record = _record(entry, read, path)
        if not record.fields.get("name"):
            continue
        same = out.get(record.identity)
        if same is None:
            out[record.identity] = record
            continue
        for specialty in record.fields.get("specialties", []):
            known = same.fields.setdefault("specialties", [])
            if specialty not in known:
                known.append(specialty)
    return list(out.values())
