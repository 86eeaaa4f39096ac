"""What search filters on, read from one record by the readers every view uses.

A stored record is a document; search (``finder.judge.search``) and every view read a
few facts of it: the stated fee, the plans listed, yes/no claims, where it is, the
session formats, issues, languages and age groups it lists. These readers are those
facts' one reading: the views call them on a therapist's records, and the store
(``finder.storage.records_db``) keeps what they read of each imported record in narrow
indexed columns, so a search can leave out most therapists without reading their
documents. A record whose facts these columns cannot hold exactly is marked
``odd``: a search reads it whole.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from finder.records.normalize.money import currency_mark

#: The session formats search knows, and what directories also call them.
FORMATS = ("individual", "couple", "family", "group")
FORMAT_ALIASES = {"individuals": "individual", "couples": "couple", "families": "family",
                  "groups": "group"}  # fmt: skip


def amount(value: Any) -> float | None:
    """A stated amount (a fee, its high end): a number, never a flag."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def fee_bounds(fee: Any, fee_max: Any) -> tuple[float, float | None] | None:
    """(low, high) of the fee one record states (its ``fee`` and ``fee_max``); the high
    end only above the low."""
    low = amount(fee)
    if low is None:
        return None
    high = amount(fee_max)
    return low, high if high is not None and high > low else None


def list_items(value: Any) -> list[str]:
    """The items of a list field's value as a source gives it (one value is one item)."""
    return [str(item) for item in (value if isinstance(value, list) else [value])]


def flag(value: Any) -> int | None:
    """A yes/no claim as search reads it: ``None`` unstated, else 1 when it says yes."""
    return None if value is None else 1 if value else 0


def words(text: str) -> str:
    """Text as search compares it: lower case, words and numbers joined by one space."""
    return " ".join(re.findall(r"[a-z0-9+]+", text.casefold().replace("&", " and ")))


def _items(fields: dict[str, Any], *names: str) -> list[str]:
    """The items of these list fields (``Therapist.all_list``'s reading of one record)."""
    return [i for n in names if fields.get(n) is not None for i in list_items(fields[n])]


def formats(fields: dict[str, Any]) -> set[str]:
    """The session formats one record gives (a group listed means groups)."""
    have = {FORMAT_ALIASES.get(f.casefold(), f.casefold()) for f in _items(fields, "formats")}
    if _items(fields, "groups"):
        have.add("group")
    return have


def _lines(items: list[str] | set[str] | None) -> str | None:
    """Items as one text, a line each (``None``: none). A folded item holds no line break."""
    return None if not items else "\n".join(sorted(set(items)))


#: The columns ``facts`` fills, in order.
COLUMNS = ("odd", "lat", "lon", "town", "fee", "fee_high", "plans", "takes", "sliding",
           "tele", "in_person", "accepting", "name", "formats", "issues", "languages",
           "ages")  # fmt: skip
#: The columns whose text the store keeps once, in ``term_lists`` (the column: its id).
TERMS = ("formats", "issues", "languages", "ages")


def facts(doc: dict[str, Any]) -> tuple[Any, ...]:
    """The values of ``COLUMNS`` for one stored record.

    ``fee`` and ``fee_high`` are ``fee_bounds``; ``plans`` is the JSON list of the
    insurance items; ``takes`` is 0 when the record says it takes no insurance
    (``accepts_insurance`` false), 1 when it says anything else. ``odd`` is 1 when a value
    could not be kept exactly (a search reads the record). ``TERMS`` are texts of one
    line per item (``None`` when the record lists none): the formats search knows
    (empty when it lists only others), the issues and specialties, languages and age
    groups, each as ``words`` reads it.
    """
    fields = doc.get("fields")
    if not isinstance(fields, dict):
        return (1, *([None] * (len(COLUMNS) - 1)))
    odd = 0
    lat = lon = town = None
    point = doc.get("geo")
    if point:
        try:
            lat, lon = float(point[0]), float(point[1])
            town = int(len(point) > 2 and point[2] == "city")
        except (TypeError, ValueError, IndexError, KeyError):
            lat = lon = None
        if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            odd, lat, lon, town = 1, None, None, None  # kept whole: a search measures it
    country = fields.get("country")
    if country is not None and not (isinstance(country, str) and country):
        odd = 1  # the indexed country column holds only a non-empty text
    bounds = fee_bounds(fields.get("fee"), fields.get("fee_max"))
    said = fields.get("fee_text") or fields.get("fee_max_text")
    if bounds is not None and currency_mark(said, country) != "$":
        odd = 1  # a fee in euros or pounds is named in its own currency: read whole
    plans = list_items(fields["insurance"]) if fields.get("insurance") is not None else []
    takes = fields.get("accepts_insurance")
    name = fields.get("name")
    return (
        odd,
        lat,
        lon,
        town,
        bounds[0] if bounds else None,
        bounds[1] if bounds else None,
        orjson.dumps(plans).decode() if plans else None,
        None if takes is None else int(takes is not False),
        flag(fields.get("sliding_scale")),
        flag(fields.get("telehealth")),
        flag(fields.get("in_person")),
        flag(fields.get("accepting")),
        str(name) if name is not None else None,
        None if not (have := formats(fields)) else "\n".join(sorted(have & set(FORMATS))),
        _lines([words(i) for i in _items(fields, "issues", "specialties")]),
        _lines([words(i) for i in _items(fields, "languages")]),
        _lines([words(i) for i in _items(fields, "ages")]),
    )
