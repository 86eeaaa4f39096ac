"""Map the column names real exports use to finder's fields.

Shared by the tabular importers (CSV/TSV, JSON lists, XLSX). The names themselves are in
``data/reference/headers.toml`` (see ``synonyms``); rows become records in ``rows``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from finder.errors import UsageError
from finder.importers.tabular.rows import RowReader, row_to_record
from finder.importers.tabular.synonyms import (
    COORDINATES,
    LICENSE_COMBINED,
    LOCATION,
    PSEUDO_FIELDS,
    header_key,
    lookup,
    multi_valued,
)
from finder.records.models import FIELDS

__all__ = [
    "COORDINATES",
    "LICENSE_COMBINED",
    "LOCATION",
    "PSEUDO_FIELDS",
    "RowReader",
    "build_mapping",
    "guess_field",
    "header_key",
    "parse_columns_option",
    "parse_map_option",
    "row_to_record",
    "unique_headers",
]


def guess_field(header: str, loose: bool = False) -> str | None:
    """The field a column's name means; ``loose`` also reads names a board or a
    spreadsheet decorated: ``"Phone 2"`` / ``"Specialty.1"`` (a numbered list column) and
    ``"prc_first_name"`` / ``"ba_city"`` / ``"Practice City"`` (a one-word prefix before a
    name, address or contact column)."""
    key = header_key(header)
    if not key:
        return None
    table = lookup()
    found = table.get(key) or table.get(key.replace(" ", ""))
    if found or not loose:
        return found
    numbered = _NUMBERED.fullmatch(key)
    if numbered:
        base = table.get(numbered.group(1)) or table.get(numbered.group(1).replace(" ", ""))
        if base and multi_valued(base):
            return base
    head, _, rest = key.partition(" ")
    if rest and head.isalpha() and head not in _OTHER_PEOPLE:
        base = table.get(rest) or table.get(rest.replace(" ", ""))
        if base in _PREFIXABLE:
            return base
    return None


_NUMBERED = re.compile(r"(.+?) ?\d{1,2}")
# Fields a column keeps when its name carries a prefix ("prc_last_name", "ba_zip").
_PREFIXABLE = frozenset(
    {"first_name", "last_name", "address", "city", "state", "zip", "phones", "email",
     "license_number", "license_type", "license_state"}
)  # fmt: skip
# Prefixes naming someone other than the therapist ("Supervisor Last Name").
_OTHER_PEOPLE = frozenset(
    {"supervisor", "supervising", "spouse", "emergency", "parent", "guardian", "referrer",
     "referring", "owner", "manager", "assistant", "admin", "contact"}
)  # fmt: skip


def unique_headers(headers: list[str]) -> list[str]:
    """``["Phone", "Phone"]`` -> ``["Phone", "Phone (2)"]``: a row keyed by header name
    would otherwise keep only the last of the repeated columns' cells."""
    if len(set(headers)) == len(headers):
        return headers
    given = set(headers)
    used: set[str] = set()
    counts: dict[str, int] = {}  # the last number tried per name: linear in the header's width
    out: list[str] = []
    for header in headers:
        name = header
        while name in used or (name != header and name in given):
            counts[header] = counts.get(header, 1) + 1
            name = f"{header} ({counts[header]})"
        used.add(name)
        out.append(name)
    return out


def parse_map_option(items: tuple[str, ...] | list[str]) -> dict[str, str]:
    """``--map "Clinician=name" --map "Notes=-"`` -> {"Clinician": "name", "Notes": "-"}.

    ``-`` (or ``extra``) keeps the column as extra data instead of a field.
    """
    out: dict[str, str] = {}
    valid = set(FIELDS) | PSEUDO_FIELDS
    for item in items:
        column, sep, field = item.rpartition("=")
        column, field = column.strip(), field.strip()
        if not sep or not column:
            raise UsageError(f"--map {item!r}: write it as COLUMN=FIELD")
        if field in ("-", "extra"):
            out[column] = "-"
            continue
        if field not in valid:
            raise UsageError(
                f"--map {item!r}: unknown field {field!r}; fields: {', '.join(sorted(FIELDS))}"
            )
        out[column] = field
    return out


def build_mapping(headers: list[str], overrides: Mapping[str, str]) -> dict[str, str | None]:
    """Column -> field (or ``None`` for extra). Each field is taken by its first column only."""
    mapping: dict[str, str | None] = {}
    taken: set[str] = set()
    lowered = {header_key(k): v for k, v in overrides.items()}
    for header in headers:
        forced = overrides.get(header, lowered.get(header_key(header)))
        if forced is not None:
            mapping[header] = None if forced == "-" else forced
            if forced != "-":
                taken.add(forced)
    # Plain names first, so that "Last Name" wins over a later "Supervisor Last Name".
    for loose in (False, True):
        for header in headers:
            if header in mapping:
                continue
            field = guess_field(header, loose=loose)
            if field is None and not loose:
                continue
            if field is None or (field in taken and not multi_valued(field)):
                mapping[header] = None
            else:
                mapping[header] = field
                taken.add(field)
    return {header: mapping[header] for header in headers}


def parse_columns_option(value: str | None) -> list[str | None] | None:
    """``--columns "address,name,phone,url"`` -> the field of each column of a headerless
    file, by position; ``-`` (or an empty name) keeps a column as extra data."""
    if value is None:
        return None
    out: list[str | None] = []
    valid = set(FIELDS) | PSEUDO_FIELDS
    for item in value.split(","):
        name = item.strip()
        if name in ("", "-", "extra"):
            out.append(None)
            continue
        field = name if name in valid else guess_field(name)
        if field is None:
            raise UsageError(
                f"--columns: unknown field {name!r}; fields: {', '.join(sorted(FIELDS))}"
            )
        out.append(field)
    if not any(f in ("name", "first_name", "last_name") for f in out):
        raise UsageError("--columns: name the column that holds therapist names (name)")
    return out
