"""Map the column names real exports use to finder's fields, and turn a row into a Record.

Shared by the tabular importers (CSV/TSV, JSON lists, XLSX). The synonym table
below is the one place to teach finder a new export's header names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import orjson

from finder.errors import UsageError
from finder.records import normalize
from finder.records.models import FIELDS, Kind, Record, RowError

# Pseudo fields: columns whose value feeds several fields at once.
LICENSE_COMBINED = "_license"  # "8500 Massachusetts", "LCSW #123 (NY)"
COORDINATES = "_coordinates"  # "['37.35', '-122.09']" or "37.35, -122.09"
LOCATION = "_location"  # "Chicago, IL 60601" or "Video session: Online"
PSEUDO_FIELDS = {LICENSE_COMBINED, COORDINATES, LOCATION}

SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "provider name", "therapist", "therapist name", "clinician",
             "clinician name", "provider", "practitioner", "practitioner name", "display name",
             "counselor", "counsellor", "doctor", "doctor name", "physician name", "licensee", "licensee name", "individual name",
             "provider full name", "practitioner full name", "therapist full name"),
    "first_name": ("first name", "firstname", "given name", "fname", "first", "provider first name"),
    "last_name": ("last name", "lastname", "surname", "family name", "lname", "last",
                  "provider last name"),
    "credentials": ("credentials", "credential", "degrees", "degree", "suffix", "letters"),
    "title": ("title", "profession", "professional title", "provider type", "job title", "role"),
    "license_type": ("license type", "licence type", "licenses", "licences", "licensure",
                     "license", "licence", "credential type", "lic type"),
    LICENSE_COMBINED: ("statelicense", "state license", "state licence", "license and state",
                       "license info"),
    "license_number": ("license number", "licence number", "license no", "license num",
                       "license id", "licence no", "license #", "licence #", "lic number",
                       "lic no", "lic #", "credential number"),
    "license_state": ("license state", "licence state", "state of licensure", "licensed in"),
    "npi": ("npi", "npi number", "national provider identifier", "npi id"),
    "phones": ("phone", "phone number", "telephone", "tel", "mobile", "cell", "office phone",
               "contact number", "phone numbers", "work phone"),
    "email": ("email", "e mail", "email address", "mail", "contact email"),
    "website": ("website", "web", "site", "homepage", "home page", "webaddress", "web address",
                "website url", "practice website"),
    "profile_url": ("profile url", "profile link", "url", "link", "listing url",
                    "directory url", "source url", "page url"),
    "address": ("address", "street", "street address", "address 1", "address1",
                "address line 1", "office address", "practice address"),
    "city": ("city", "town", "locality"),
    "state": ("state", "province", "region", "st"),
    "zip": ("zip", "zipcode", "zip code", "postal code", "postcode", "postal"),
    "lat": ("latitude", "lat"),
    "lon": ("longitude", "lon", "lng", "long"),
    COORDINATES: ("coordinates", "coords", "latlng", "lat lon", "geo"),
    LOCATION: ("location", "locations", "office location", "city state", "city and state",
               "city st", "area postal"),
    "insurance": ("insurance", "insurances", "insurance accepted", "accepted insurance",
                  "accepts insurance", "plans", "payers", "insurance plans", "in network",
                  "networks accepted"),
    "fee": ("fee", "fees", "cost", "session fee", "price", "rate", "cost per session",
            "min session price", "individual session cost", "session cost", "fee per session",
            "individual session fee", "min fee"),
    "fee_max": ("max session price", "max fee", "maximum fee"),
    "sliding_scale": ("sliding scale", "sliding fee", "sliding scale fees"),
    "orientations": ("treatment orientation", "treatmentorientation", "orientation",
                     "orientations", "modalities", "modality", "types of therapy",
                     "therapy types", "treatment approaches", "treatment approach",
                     "treatmentapproach", "approaches", "therapeutic approaches",
                     "therapy approaches", "methods", "techniques"),
    "specialties": ("specialties", "specialities", "specialty", "speciality", "top specialties",
                    "focus areas", "additional focus areas", "expertise", "areas of focus"),
    "issues": ("issues", "issues treated", "concerns", "conditions", "mentalhealth",
               "mental health", "clinical issues", "treats", "client concerns"),
    "ages": ("ages", "age groups", "age", "client ages", "age group", "ages served",
             "client age"),
    "languages": ("languages", "language", "spoken languages", "languages spoken"),
    "formats": ("formats", "appointment types", "session formats", "therapy formats",
                "modalities offered", "services", "session types"),
    "statement": ("bio", "biography", "statement", "about", "description", "profile",
                  "personal statement", "summary", "about me", "overview", "profile text",
                  "profile statement"),
    "telehealth": ("telehealth", "online", "online therapy", "video", "virtual",
                   "teletherapy", "offers telehealth", "telemedicine", "online sessions"),
    "in_person": ("in person", "in person sessions", "office visits"),
    "accepting": ("accepting new clients", "accepting", "accepting new patients",
                  "new clients", "availability", "accepting clients", "open to new clients"),
    "years_in_practice": ("years", "years in practice", "experience", "years of experience",
                          "years experience"),
    "gender": ("gender", "sex"),
    "organization": ("practice", "practice name", "clinic", "clinic name", "organization",
                     "organisation", "company", "group practice", "agency"),
    "groups": ("groups", "group therapy", "groups offered"),
    "referred_by": ("referred by", "referral", "referrer", "source of referral"),
}  # fmt: skip


def header_key(header: str) -> str:
    """``"Min Session Price"`` / ``"min_session-price"`` -> ``"min session price"``."""
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", str(header))
    text = re.sub(r"[^0-9a-zA-Z#]+", " ", text).strip().lower()
    return text


_LOOKUP: dict[str, str] = {}
for _field, _names in SYNONYMS.items():
    for _name in _names:
        _LOOKUP.setdefault(header_key(_name), _field)
        _LOOKUP.setdefault(header_key(_name).replace(" ", ""), _field)


def guess_field(header: str, loose: bool = False) -> str | None:
    """The field a column's name means; ``loose`` also reads names a board or a
    spreadsheet decorated: ``"Phone 2"`` / ``"Specialty.1"`` (a numbered list column) and
    ``"prc_first_name"`` / ``"ba_city"`` / ``"Practice City"`` (a one-word prefix before a
    name, address or contact column)."""
    key = header_key(header)
    if not key:
        return None
    found = _LOOKUP.get(key) or _LOOKUP.get(key.replace(" ", ""))
    if found or not loose:
        return found
    numbered = _NUMBERED.fullmatch(key)
    if numbered:
        base = _LOOKUP.get(numbered.group(1)) or _LOOKUP.get(numbered.group(1).replace(" ", ""))
        if base and _multi(base):
            return base
    head, _, rest = key.partition(" ")
    if rest and head.isalpha() and head not in _OTHER_PEOPLE:
        base = _LOOKUP.get(rest) or _LOOKUP.get(rest.replace(" ", ""))
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
            if field is None or (field in taken and not _multi(field)):
                mapping[header] = None
            else:
                mapping[header] = field
                taken.add(field)
    return {header: mapping[header] for header in headers}


def _is_list(field: str) -> bool:
    # Several columns may feed one list field ("treatmentapproach" and "treatmentorientation").
    return field in FIELDS and FIELDS[field][0] is Kind.LIST


def _multi(field: str) -> bool:
    # ... and several phone columns ("Phone", "Phone 2", "Mobile") feed ``phones``.
    return _is_list(field) or field == "phones"


def _cell_json(value: str) -> Any:
    if len(value) > 1 and value[0] == "{" and value[-1] == "}":
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError:
            return None
    return None


_JUNK_EMAIL = re.compile(
    r"@(?:sentry[\w.-]*|[\w.-]*\.?sentry\.io|example\.(?:com|org)|godaddy\.com|domain\.com|"
    r"email\.com|wixpress\.com)$|^(?:filler|noreply|no-reply|test|user|name)@",
    re.I,
)


def best_email(candidates: Any) -> str | None:
    """The most frequent plausible address among what a scraper collected from a site."""
    values = candidates if isinstance(candidates, list) else [candidates]
    counts: dict[str, int] = {}
    for value in values:
        email = normalize.email(value) if isinstance(value, str) else None
        if email and not _JUNK_EMAIL.search(email):
            counts[email.lower()] = counts.get(email.lower(), 0) + 1
    if not counts:
        return None
    return max(counts, key=lambda e: counts[e])


def _license_combined(value: str, raw: dict[str, Any]) -> None:
    for key, val in normalize.license_parts(value).items():
        raw.setdefault(key, val)


def _location(value: str, raw: dict[str, Any]) -> None:
    low = value.lower()
    if re.search(r"\b(online|video|virtual|telehealth)\b", low):
        raw.setdefault("telehealth", True)
    m = re.search(r"([A-Za-z .'-]+),\s*([A-Z]{2})\b(?:\s+(\d{5}))?", value)
    if m:
        raw.setdefault("city", m.group(1).strip())
        raw.setdefault("state", m.group(2))
        if m.group(3):
            raw.setdefault("zip", m.group(3))


_NAME_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['\u2019.-])*")
_SURNAME_PARTICLES = frozenset(
    {"de", "del", "della", "der", "di", "da", "dos", "du", "la", "le", "van", "von", "st", "st.",
     "mac", "ben", "bin", "al", "el"}
)  # fmt: skip
_NOT_A_PERSON = re.compile(
    r"therap|counsel|psycholog|psychiatr|coach|clinic|social|worker|practice|services|health|"
    r"wellness|cent(?:er|re)|group|associates|\b(?:llc|pllc|inc|ltd|pc|pa|lp)\b",
    re.I,
)


def surname_first(value: str) -> tuple[str, tuple[str, str]] | None:
    """``"Smith, Jane A"`` (how licence boards and insurers list people) ->
    ``("Jane A Smith", ("Jane", "Smith"))``; ``None`` for any other shape.

    Only a one-word family name (or one behind particles: "Van Buren", "de la Cruz")
    before the comma and one to three given names after it qualify, so "Jane Doe, LCSW",
    "Age Wise, LLC" and "Kim Lee, Youth Therapist" are left as they are. Credentials
    after a second comma are kept: "Smith, Jane, LCSW" -> "Jane Smith, LCSW".
    """
    if "," not in value or len(value) > 80:
        return None
    # The common case first, cheaply: a first and a last name before the comma.
    before = value[: value.index(",")].split()
    if len(before) > 1 and before[0].lower() not in _SURNAME_PARTICLES:
        return None
    parts = [p.strip() for p in value.split(",")]
    creds: list[str] = []
    while (
        len(parts) > 2 and parts[-1] and all(normalize.is_credential(t) for t in parts[-1].split())
    ):
        creds.insert(0, parts.pop())
    if len(parts) != 2 or _NOT_A_PERSON.search(value):
        return None
    surname, given = parts[0].split(), parts[1].split()
    while len(given) > 1 and normalize.is_credential(given[-1]):
        creds.insert(0, given.pop())
    if not surname or not given or len(given) > 3:
        return None
    if any(w.lower() not in _SURNAME_PARTICLES for w in surname[:-1]):
        return None
    words = surname + given
    if not all(_NAME_WORD.fullmatch(w) for w in words):
        return None
    if any(normalize.is_credential(w) and len(w) > 1 for w in given):
        return None
    if len(given) == 1 and given[0].rstrip(".").lower() in ("dr", "mr", "mrs", "ms", "mx"):
        return None
    name = " ".join(given + surname) + (", " + ", ".join(creds) if creds else "")
    return name, (given[0], " ".join(surname))


# How a column's cells are read, decided once per file (see ``RowReader``).
_EXTRA, _PLAIN, _LIST, _INSURANCE, _TEXT_OR_URL, _LICENSE, _COORDS, _PLACE, _PHONES, _NAME = range(
    10
)
_PSEUDO_ACTIONS = {LICENSE_COMBINED: _LICENSE, COORDINATES: _COORDS, LOCATION: _PLACE}


class RowReader:
    """``row_to_record`` for one mapping, with each column's handling worked out once.

    A file has a handful of columns and may have a hundred thousand rows: the
    column -> field decision, the field's kind and the column's name as extra
    data are looked up per column, not per cell.
    """

    def __init__(self, mapping: Mapping[str, str | None]) -> None:
        self.mapping = mapping
        self._actions: dict[Any, tuple[int, str, str]] = {}
        self._accepts: dict[str, bool | None] = {}  # insurance cell -> yes/no, if it is one

    def _action(self, column: Any) -> tuple[int, str, str]:
        field = self.mapping.get(column)
        name = str(column)
        if field is None:
            action = (_EXTRA, "", name if name.strip() else "")
        elif field in _PSEUDO_ACTIONS:
            action = (_PSEUDO_ACTIONS[field], field, name)
        elif field == "insurance":
            action = (_INSURANCE, field, name)
        elif field in ("statement", "profile_url", "website"):
            action = (_TEXT_OR_URL, field, name)
        elif field == "phones":
            action = (_PHONES, field, name)
        elif field == "name":
            action = (_NAME, field, name)
        else:
            action = (_LIST if _is_list(field) else _PLAIN, field, name)
        self._actions[column] = action
        return action

    def _insurance_flag(self, value: Any) -> bool | None:
        if type(value) is not str or len(value) > 200:
            return normalize.yes_no(value)
        if value not in self._accepts:
            self._accepts[value] = normalize.yes_no(value)
        return self._accepts[value]

    def __call__(self, row: Mapping[str, Any], locator: str) -> Record | RowError:
        return self._read(row.items(), locator, lambda: row)

    def from_cells(self, headers: list[str], cells: list[str], locator: str) -> Record | RowError:
        """The same as calling it with ``dict(zip(headers, cells))``; the header names
        must be distinct (with a repeated name the dict keeps only its last cell)."""
        return self._read(
            zip(headers, cells, strict=False),
            locator,
            lambda: dict(zip(headers, cells, strict=False)),
        )

    def _read(
        self,
        items: Iterable[tuple[Any, Any]],
        locator: str,
        whole_row: Callable[[], Mapping[Any, Any]],
    ) -> Record | RowError:
        raw: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        given_surname: tuple[str, str] | None = None
        actions = self._actions
        for column, value in items:
            if (not value and (value is None or value == "")) or column is None:
                continue
            action = actions.get(column) or self._action(column)
            code, field, name = action
            if code == _EXTRA:
                if name:
                    extra[name] = value
                continue
            if isinstance(value, str) and value[0] in _JSON_START:
                # Only a cell that starts with "{" (once stripped) can hold a JSON object.
                nested = _cell_json(value.strip())
                if isinstance(nested, dict):
                    _absorb_json(nested, field, raw, extra, column)
                    continue
            if code == _PLAIN:
                if field in raw:
                    extra[name] = value
                else:
                    raw[field] = value
            elif code == _NAME:
                if field in raw:
                    extra[name] = value
                else:
                    reordered = surname_first(value) if isinstance(value, str) else None
                    if reordered is None:
                        raw[field] = value
                    else:
                        raw[field], given_surname = reordered
            elif code == _PHONES:
                if field in raw:
                    before = raw[field]
                    raw[field] = [*(before if isinstance(before, list) else [before]), value]
                else:
                    raw[field] = value
            elif code == _LIST:
                if field in raw:
                    raw[field] = normalize.split_list(raw[field]) + normalize.split_list(value)
                else:
                    raw[field] = value
            elif code == _TEXT_OR_URL:
                if isinstance(value, str):
                    _text_or_url(field, value, raw, extra, column)
                elif field in raw:
                    extra[name] = value
                else:
                    raw[field] = value
            elif code == _INSURANCE:
                accepts = self._insurance_flag(value)
                if accepts is not None:
                    raw["accepts_insurance"] = accepts
                elif field in raw:
                    raw[field] = normalize.split_list(raw[field]) + normalize.split_list(value)
                else:
                    raw[field] = value
            elif code == _LICENSE:
                if isinstance(value, str) and normalize.clean_text(value):
                    _license_combined(value, raw)
                extra[name] = value
            elif code == _COORDS:
                coords = normalize.split_list(value)
                if len(coords) == 2:
                    raw.setdefault("lat", coords[0])
                    raw.setdefault("lon", coords[1])
            else:  # _PLACE
                if isinstance(value, str):
                    _location(value, raw)
                extra[name] = value
        if given_surname is not None:
            raw.setdefault("first_name", given_surname[0])
            raw.setdefault("last_name", given_surname[1])
        fields = normalize.build_fields(raw)
        if "lat" in fields or "lon" in fields:
            for coord in ("lat", "lon"):
                value = fields.get(coord)
                if value is not None and not (-180.0 <= float(value) <= 180.0):
                    del fields[coord]
        if not fields.get("name"):
            row = whole_row()
            original = next(
                (
                    row.get(c)
                    for c, f in self.mapping.items()
                    if f in ("name", "first_name", "last_name")
                ),
                None,
            )
            shown = (
                f" (the cell holds {str(original)[:30]!r})" if original not in (None, "") else ""
            )
            return RowError(locator, f"no therapist name{shown}; row skipped")
        key = fields.get("profile_url") or fields.get("npi")
        return Record(fields=fields, locator=locator, key=key, extra=extra)


# What a cell holding a JSON object can start with: "{", or whitespace before it.
_JSON_START = frozenset("{" + "".join(c for c in map(chr, range(0x3000 + 1)) if c.isspace()))


def row_to_record(
    row: Mapping[str, Any], mapping: Mapping[str, str | None], locator: str
) -> Record | RowError:
    """One row (column -> cell) through the mapping into a normalised Record.

    Importers reading many rows with one mapping use a ``RowReader`` instead.
    """
    return RowReader(mapping)(row, locator)


def _text_or_url(
    field: str, value: str, raw: dict[str, Any], extra: dict[str, Any], column: Any
) -> None:
    """A "profile" column holds a URL in one export and a statement in another: look."""
    text = value.strip()
    is_url = " " not in text and normalize.url(text) is not None
    if field == "statement" and is_url:
        field = "profile_url"
    elif field != "statement" and not is_url and len(text) > 40 and " " in text:
        field = "statement"
    if field in raw:
        extra[str(column)] = value
    else:
        raw[field] = value


def _absorb_json(
    nested: dict[str, Any], field: str, raw: dict[str, Any], extra: dict[str, Any], column: Any
) -> None:
    """A cell holding a JSON object ({"url": ..., "email": [...]}) feeds the fields it names."""
    for key, value in nested.items():
        sub = guess_field(key) or ("email" if "mail" in key.lower() else None)
        if sub == "profile_url" and field == "website":
            sub = "website"
        if sub == "email":
            email = best_email(value)
            if email:
                raw.setdefault("email", email)
        elif sub and normalize.clean_text(value if not isinstance(value, list) else "x"):
            raw.setdefault(sub, value)
    extra[str(column)] = nested
