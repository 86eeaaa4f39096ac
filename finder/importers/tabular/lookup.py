"""Tables that are not therapist lists: what a file is when its rows are not people.

NUCC taxonomy code sets (every version), insurance network and plan lists, ZIP centroid
tables and licence-type tables look like lists with a "name" column; imported, each row
would become a "therapist" called "Multi-Specialty Group" or "Green Circle HMO". The
importers ask ``what_table`` with the headers and a sample of rows before reading on, and
refuse such a file with one line that says what it is (``refusal``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from finder.importers.tabular.synonyms import COORDINATES, LICENSE_COMBINED, header_key
from finder.records import normalize

TAXONOMY = "provider taxonomy codes"
PLANS = "insurance networks or plans"
ZIPS = "ZIP code centroids"
LICENCES = "licence types"

_TAXONOMY_CODE = re.compile(r"[0-9]{3}[0-9A-Z]{6}X")
_PLAN = re.compile(
    r"\b(hmo|ppo|epo|pos|medicaid|medicare|masshealth|medi-cal|chip|health ?plans?|plan|"
    r"network|insurance|insurer|assurance|blue ?cross|blue ?shield|bcbs|aetna|cigna|humana|"
    r"united ?health(?:care)?|tricare|kaiser|anthem|optum|magellan|carelon|ambetter|"
    r"molina|centene|wellcare|highmark|premera|oscar|coverage|marketplace|exchange)\b",
    re.I,
)
_LICENCE_TITLE = re.compile(
    r"^(licensed|registered|certified|provisional|associate|temporary|limited)\b|"
    r"\b(license|licence|permit|certificate|registration)\b",
    re.I,
)
# Fields only a list of people (or their practices) fills.
_PEOPLE_FIELDS = frozenset(
    {"first_name", "last_name", "phones", "email", "npi", "website", "profile_url", "address",
     "statement", "orientations", "specialties", "fee", "insurance"}
)  # fmt: skip


def what_table(
    headers: Sequence[str], mapping: Mapping[str, str | None], sample: Sequence[Mapping[str, Any]]
) -> str | None:
    """What the file is when it is a known kind of lookup table, else ``None``."""
    keys = {header_key(h) for h in headers}
    fields = {f for f in mapping.values() if f}
    if "code" in keys and keys & {"grouping", "classification", "specialization"}:
        return TAXONOMY
    if _share(sample, _is_taxonomy_code) >= 0.8 and not fields & _PEOPLE_FIELDS - {"address"}:
        return TAXONOMY
    located = {"lat", "lon"} <= fields or COORDINATES in fields
    placeless = not _names(sample, mapping) or _share_names(sample, mapping, _not_a_person) >= 0.6
    if "zip" in fields and located and not fields & _PEOPLE_FIELDS - {"address"} and placeless:
        return ZIPS
    if _share_names(sample, mapping, _is_plan) >= 0.6 or _nameless_plans(headers, fields, sample):
        return PLANS
    if _share_names(sample, mapping, _is_licence_title) >= 0.6:
        return LICENCES
    licence_columns = fields & {"license_type", "credentials", LICENSE_COMBINED}
    if licence_columns and not fields & (_PEOPLE_FIELDS | {"name"}) - {"statement"}:
        return LICENCES
    return None


_PLAN_HEADER = re.compile(r"\b(network|plan|payer|insurer|carrier|product)s?\b")
_PLAN_NAME_HEADER = re.compile(r"(network|plan|payer|insurer|carrier|product)s?( name)?")


def _nameless_plans(
    headers: Sequence[str], fields: set[str], sample: Sequence[Mapping[str, Any]]
) -> bool:
    """A list with no name column and nothing only people have, whose plan or network
    column holds plan names ("Green Circle HMO") or is headed as the list's names."""
    if fields & (_PEOPLE_FIELDS | {"name", "last_name"}) or not sample:
        return False
    for header in headers:
        key = header_key(header)
        if _PLAN_NAME_HEADER.fullmatch(key):
            return True
        if _PLAN_HEADER.search(key):
            values = [normalize.clean_text(row.get(header)) for row in sample]
            named = [v for v in values if v]
            if named and sum(1 for v in named if _is_plan(v)) >= 0.6 * len(named):
                return True
    return False


def refusal(kind: str, rows: int) -> str:
    """``"this is a list of 883 provider taxonomy codes, not therapists; nothing imported"``."""
    return f"this is a list of {rows:,} {kind}, not therapists; nothing imported"


def _is_taxonomy_code(value: Any) -> bool:
    return isinstance(value, str) and _TAXONOMY_CODE.fullmatch(value.strip()) is not None


def _is_plan(value: str) -> bool:
    return _PLAN.search(value) is not None


def _is_licence_title(value: str) -> bool:
    return _LICENCE_TITLE.search(value) is not None or (
        " " not in value and normalize.is_credential(value)
    )


def _not_a_person(value: str) -> bool:
    return not any(c.isalpha() for c in value) or _is_plan(value)


def _share(sample: Sequence[Mapping[str, Any]], test: Any) -> float:
    """The largest share of rows in which one column passes ``test``."""
    if not sample:
        return 0.0
    counts: dict[Any, int] = {}
    for row in sample:
        for column, value in row.items():
            if test(value):
                counts[column] = counts.get(column, 0) + 1
    return max(counts.values(), default=0) / len(sample)


def _names(sample: Sequence[Mapping[str, Any]], mapping: Mapping[str, str | None]) -> list[str]:
    columns = [c for c, f in mapping.items() if f == "name"]
    found = []
    for row in sample:
        for column in columns:
            text = normalize.clean_text(row.get(column))
            if text:
                found.append(text)
                break
    return found


def _share_names(
    sample: Sequence[Mapping[str, Any]], mapping: Mapping[str, str | None], test: Any
) -> float:
    names = _names(sample, mapping)
    return sum(1 for n in names if test(n)) / len(names) if names else 0.0
