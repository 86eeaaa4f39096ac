"""What one cell of a row says: the readers ``RowReader`` hands a cell to by its column.

A licence column ("LCSW #123 (NY)"), a location ("Chicago, IL 60601"), a price column that
also says "SlidingScale:Yes", a cell holding a JSON object, a "profile" column that holds a
URL in one export and a statement in another.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from finder.importers.base import nested_too_deep
from finder.importers.tabular.synonyms import header_key, lookup
from finder.records import normalize


def guess_plain(header: str) -> str | None:
    """The field a column's name means, taken as written (see ``columns.guess_field``)."""
    key = header_key(header)
    return lookup().get(key) or lookup().get(key.replace(" ", ""))


def cell_json(value: str) -> Any:
    """The object a cell holds as JSON; ``None`` for text, and for JSON nested too deeply
    to walk (the cell is then kept as the text it is)."""
    if len(value) > 1 and value[0] == "{" and value[-1] == "}":
        try:
            nested = orjson.loads(value)
        except orjson.JSONDecodeError:
            return None
        return None if nested_too_deep(nested) else nested
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


def license_combined(value: str, raw: dict[str, Any]) -> None:
    for key, val in normalize.license_parts(value).items():
        raw.setdefault(key, val)


def location(value: str, raw: dict[str, Any]) -> None:
    low = value.lower()
    if re.search(r"\b(online|video|virtual|telehealth)\b", low):
        raw.setdefault("telehealth", True)
    for key, found in normalize.place_line(value).items():
        raw.setdefault(key, found)


def text_or_url(
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


def absorb_json(
    nested: dict[str, Any], field: str, raw: dict[str, Any], extra: dict[str, Any], column: Any
) -> None:
    """A cell holding a JSON object ({"url": ..., "email": [...]}) feeds the fields it names."""
    for key, value in nested.items():
        sub = guess_plain(key) or ("email" if "mail" in key.lower() else None)
        if sub == "profile_url" and field == "website":
            sub = "website"
        if sub == "email":
            email = best_email(value)
            if email:
                raw.setdefault("email", email)
        elif sub and normalize.clean_text(value if not isinstance(value, list) else "x"):
            raw.setdefault(sub, value)
    extra[str(column)] = nested


_EXCEL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def excel_unescaped(value: str) -> str:
    """Excel's ``_x000D_`` (a character it could not store as is) -> the character."""
    return _EXCEL_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)


_FLAG = re.compile(
    r"\b(sliding\s*scale|accepts?\s*insurance|insurance)\s*[:=]\s*(yes|no|true|false|y|n)\b",
    re.I,
)
_FLAG_FIELDS = {
    "sliding": "sliding_scale",
    "accept": "accepts_insurance",
    "insura": "accepts_insurance",
}


def fee_flags(value: str, raw: dict[str, Any]) -> str:
    """``"$120 SlidingScale:Yes"`` in a price column: the flag fills its field, the rest is the fee."""
    for m in _FLAG.finditer(value):
        word = re.sub(r"\s+", "", m.group(1).lower())
        field = next(f for prefix, f in _FLAG_FIELDS.items() if word.startswith(prefix))
        raw.setdefault(field, normalize.yes_no(m.group(2)))
    return _FLAG.sub(" ", value).strip(" ;,|")


def address_parts(value: str, raw: dict[str, Any]) -> None:
    """``"12 Main St, Boston, MA 02139"``, ``"Springfield, Illinois"``: the city, state and
    ZIP at its end, when not given apart."""
    for key, found in normalize.address_place(value).items():
        raw.setdefault(key, found)
