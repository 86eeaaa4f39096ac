"""The NPPES bulk data file (``npidata_pfile_*.csv``) -> records, streamed row by row.

The CMS data dissemination file has one row per NPI and about 330 columns:
names, mailing and practice-location addresses, 15 taxonomy/licence slots
("Healthcare Provider Taxonomy Code_1..15", "Provider License Number_1..15",
"Provider License Number State Code_1..15", "Healthcare Provider Primary
Taxonomy Switch_1..15"), 50 other-identifier slots and a few more. The full
file holds about 9 million rows (over 10 GB), so it is read one row at a time
in constant memory: nothing is kept between rows but counters.

By default only providers with at least one behavioural-health taxonomy are
kept (``finder.records.taxonomy.is_behavioral``); ``ctx.all_taxonomies`` keeps all.
How many were skipped is reported through ``ctx.warn``. Columns are found by
name, not position, so older layouts ("Provider Gender Code") and newer ones
("Provider Sex Code", "Certification Date", the longer v2 name fields) read
the same; any non-empty column not mapped to a field goes into ``extra``.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from finder.errors import ImportRefused
from finder.importers.base import ParseContext, decode, detect_encoding, read_head
from finder.importers.nppes_json import NpiEntry, Slot, build_record, text
from finder.records import taxonomy
from finder.records.models import Record, RowError

NAME = "nppes-csv"
DESCRIPTION = "NPPES bulk data dissemination file (npidata_pfile CSV, 15 taxonomy slots)"

SLOTS = 15
_REQUIRED = ("npi", "entity type code", "healthcare provider taxonomy code_1")

_PERSON = {
    "first_name": "provider first name",
    "middle_name": "provider middle name",
    "last_name": "provider last name (legal name)",
    "credential": "provider credential text",
    "organization_name": "provider organization name (legal business name)",
}
_PLACE = {
    "address_1": "first line business {} address",
    "address_2": "second line business {} address",
    "city": "business {} address city name",
    "state": "business {} address state name",
    "postal_code": "business {} address postal code",
    "country_code": "business {} address country code (if outside u.s.)",
    "telephone_number": "business {} address telephone number",
    "fax_number": "business {} address fax number",
}
_EXTRA_NAMES = {
    "last update date": "last_updated",
    "provider enumeration date": "enumeration_date",
    "npi deactivation date": "deactivation_date",
    "npi reactivation date": "reactivation_date",
    "is sole proprietor": "sole_proprietor",
}


def _key(header: str) -> str:
    return re.sub(r"\s+", " ", header.replace("\ufeff", "")).strip().strip('"').lower()


def _place_column(kind: str, template: str) -> str:
    return "provider " + template.format(kind)


def sniff(path: Path, head: bytes) -> float:
    first = decode(head[:40000]).lstrip("\ufeff").split("\n", 1)[0]
    keys = {_key(h) for h in first.split(",")}
    if all(k in keys for k in _REQUIRED):
        return 0.95
    if "npi" in keys and any(k.startswith("healthcare provider taxonomy code_") for k in keys):
        return 0.9
    return 0.0


@cache
def _behavioral(code: str) -> bool:
    return taxonomy.is_behavioral(code)


class _Columns:
    """Where each field lives in this file's header."""

    def __init__(self, path: Path, header: list[str]) -> None:
        index: dict[str, int] = {}
        for i, name in enumerate(header):
            index.setdefault(_key(name), i)
        missing = [k for k in _REQUIRED if k not in index]
        if missing:
            raise ImportRefused(
                path,
                "not an NPPES data file: no column "
                + ", ".join(repr(m) for m in missing)
                + "; nothing imported",
            )
        self.width = len(header)
        self.header = header
        self.npi = index["npi"]
        self.entity = index["entity type code"]
        self.person = {f: index.get(col) for f, col in _PERSON.items()}
        self.gender = index.get("provider gender code", index.get("provider sex code"))
        self.location = {
            f: index.get(_place_column("practice location", t)) for f, t in _PLACE.items()
        }
        self.mailing = {f: index.get(_place_column("mailing", t)) for f, t in _PLACE.items()}
        self.slots: list[tuple[int, int | None, int | None, int | None]] = []
        for n in range(1, SLOTS + 1):
            code = index.get(f"healthcare provider taxonomy code_{n}")
            if code is None:
                continue
            self.slots.append(
                (
                    code,
                    index.get(f"provider license number_{n}"),
                    index.get(f"provider license number state code_{n}"),
                    index.get(f"healthcare provider primary taxonomy switch_{n}"),
                )
            )
        used: set[int] = {self.npi, self.entity}
        used.update(i for i in self.person.values() if i is not None)
        used.update(i for i in self.location.values() if i is not None)
        used.update(i for i in self.mailing.values() if i is not None)
        for slot in self.slots:
            used.update(i for i in slot if i is not None)
        if self.gender is not None:
            used.add(self.gender)
        # Everything else (identifiers, authorised official, taxonomy groups, ...) -> extra.
        self.rest = [
            (i, _EXTRA_NAMES.get(_key(name), name.strip()))
            for i, name in enumerate(header)
            if i not in used
        ]


def _get(row: list[str], i: int | None) -> str:
    return row[i] if i is not None else ""


def _entry(cols: _Columns, row: list[str], codes: list[tuple[str, int]]) -> NpiEntry:
    slots = []
    for code, n in codes:
        _, lic, state, switch = cols.slots[n]
        slots.append(
            Slot(
                code=code,
                license=text(_get(row, lic)),
                state=text(_get(row, state)),
                primary=_get(row, switch).strip().upper() == "Y",
            )
        )
    extra: dict[str, Any] = {}
    for i, label in cols.rest:
        value = text(row[i])
        if value is not None:
            extra[label] = value
    extra["status"] = (
        "deactivated"
        if extra.get("deactivation_date") and not extra.get("reactivation_date")
        else "active"
    )
    person = {f: _get(row, i) for f, i in cols.person.items()}
    return NpiEntry(
        npi=row[cols.npi],
        is_organization=row[cols.entity].strip() == "2",
        organization_name=person["organization_name"],
        first_name=person["first_name"],
        middle_name=person["middle_name"],
        last_name=person["last_name"],
        credential=person["credential"],
        gender=_get(row, cols.gender),
        slots=slots,
        location={f: _get(row, i) for f, i in cols.location.items()},
        mailing={f: _get(row, i) for f, i in cols.mailing.items()},
        extra=extra,
    )


def parse(path: Path, ctx: ParseContext) -> Iterator[Record | RowError]:
    encoding = detect_encoding(read_head(path))
    errors = "finder-cp1252" if encoding == "cp1252" else "replace"
    # csv's own field limit is 128 KB; a broken quote in a 10 GB file would otherwise
    # swallow the rest of it into one field.
    csv.field_size_limit(min(sys.maxsize, 1 << 20))
    kept = skipped = inactive = 0
    with open(path, "rb") as raw:
        stream = io.TextIOWrapper(raw, encoding=encoding, errors=errors, newline="")
        reader = csv.reader(stream)
        try:
            header = next(reader)
        except StopIteration:
            raise ImportRefused(path, "file is empty; nothing imported") from None
        except csv.Error as err:
            raise ImportRefused(path, f"header line is not valid CSV ({err})") from None
        cols = _Columns(path, header)
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as err:
                yield RowError(f"line {reader.line_num}", f"not valid CSV ({err}); skipped")
                continue
            if reader.line_num % 2000 == 0:
                ctx.progress(raw.tell())
            if len(row) != cols.width:
                if len(row) <= 1 and not "".join(row).strip():
                    continue
                yield RowError(
                    f"line {reader.line_num}",
                    f"has {len(row)} columns, the header has {cols.width}; skipped",
                )
                continue
            if not row[cols.entity].strip():
                inactive += 1  # a deactivated NPI: the row carries nothing but the number
                continue
            codes = [
                (code, n)
                for n, (i, *_rest) in enumerate(cols.slots)
                if (code := row[i].strip().upper())
            ]
            if not ctx.all_taxonomies and not any(_behavioral(c) for c, _ in codes):
                skipped += 1
                continue
            record = build_record(_entry(cols, row, codes), f"line {reader.line_num}")
            if isinstance(record, Record):
                kept += 1
            yield record
        ctx.progress(raw.tell())
    if skipped:
        ctx.warn(
            f"{path}: skipped {skipped:,} provider(s) with no behavioural-health taxonomy "
            "(import with --all-taxonomies to keep them)"
        )
    if inactive:
        ctx.warn(f"{path}: skipped {inactive:,} deactivated NPI(s) with no details")
    if kept == 0:
        if skipped:
            raise ImportRefused(
                path,
                f"no behavioural-health providers among {skipped:,} NPPES rows; nothing "
                "imported (use --all-taxonomies to keep every provider)",
            )
        raise ImportRefused(path, "no therapist records recognised in this NPPES file")
