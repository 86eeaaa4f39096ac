"""Turn the text real exports contain into canonical field values: one reader per fact.

Each fact has one module and one function that every importer, search and report calls:
names (``names``), credentials (``credentials``), licence types (``licences``), phones
(``phones``), money (``money``), states, ZIPs, postal codes and countries (``places``), NPIs (``identifiers``), web
and profile addresses (``urls``) and plain text, yes/no and lists (``text``). ``fields``
builds a record's canonical fields from them. None of them raises on odd input: a directory
export is full of odd input, and a value we cannot read is simply unknown.
"""

from __future__ import annotations

from finder.records.normalize.credentials import CREDENTIALS, credentials, is_credential
from finder.records.normalize.fields import NORMALISERS, build_fields, field_value
from finder.records.normalize.identifiers import npi, npi_checksum_ok
from finder.records.normalize.licences import (
    LICENSE_LETTERS,
    licence_family,
    licence_level,
    license_parts,
    license_type,
)
from finder.records.normalize.money import money
from finder.records.normalize.names import (
    is_name_suffix,
    joined_name,
    looks_like_organization,
    name_parts,
    split_name,
)
from finder.records.normalize.phones import phone, phone_country, phones
from finder.records.normalize.places import (
    STATE_NAMES,
    STATES,
    address_place,
    country,
    place_line,
    postal_code,
    postal_country,
    state,
    zip_code,
)
from finder.records.normalize.text import clean_text, number, proper, split_list, yes_no
from finder.records.normalize.urls import canonical_profile_url, email, profile_url, url

__all__ = [
    "CREDENTIALS",
    "LICENSE_LETTERS",
    "NORMALISERS",
    "STATES",
    "STATE_NAMES",
    "address_place",
    "build_fields",
    "canonical_profile_url",
    "clean_text",
    "country",
    "credentials",
    "email",
    "field_value",
    "is_credential",
    "is_name_suffix",
    "joined_name",
    "licence_family",
    "licence_level",
    "license_parts",
    "license_type",
    "looks_like_organization",
    "money",
    "name_parts",
    "npi",
    "npi_checksum_ok",
    "number",
    "phone",
    "phone_country",
    "phones",
    "place_line",
    "postal_code",
    "postal_country",
    "profile_url",
    "proper",
    "split_list",
    "split_name",
    "state",
    "url",
    "yes_no",
    "zip_code",
]
