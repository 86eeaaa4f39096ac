"""Turn one row of a table (column -> cell) into a Record, with each column read once per file.

``RowReader`` decides how each column's cells are read the first time it meets the column;
the cell readers themselves are in ``cells``. It also settles the record's country: from a
country column, from a phone's prefix, from ``--country``, from the language of the headers,
or from a US state or ZIP, in that order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from finder.importers.tabular import cells
from finder.importers.tabular.people import reordered_name
from finder.importers.tabular.synonyms import COORDINATES, LICENSE_COMBINED, LOCATION, is_list
from finder.records import normalize
from finder.records.models import Record, RowError

# How a column's cells are read, decided once per file (see ``RowReader``).
_EXTRA, _PLAIN, _LIST, _INSURANCE, _TEXT_OR_URL, _LICENSE, _COORDS, _PLACE, _PHONES, _NAME = range(
    10
)
_PSEUDO_ACTIONS = {LICENSE_COMBINED: _LICENSE, COORDINATES: _COORDS, LOCATION: _PLACE}
_PERSON_FIELDS = ("name", "first_name", "last_name")

# What a cell holding a JSON object can start with: "{", or whitespace before it.
_JSON_START = frozenset("{" + "".join(c for c in map(chr, range(0x3000 + 1)) if c.isspace()))


class _Row:
    """What the cells of one row have said so far."""

    __slots__ = ("extra", "given_surname", "raw")

    def __init__(self) -> None:
        self.raw: dict[str, Any] = {}
        self.extra: dict[str, Any] = {}
        self.given_surname: tuple[str, str] | None = None

    def put(self, field: str, name: str, value: Any) -> None:
        """The first column for a field wins; a later one is kept as extra data."""
        if field in self.raw:
            self.extra[name] = value
        else:
            self.raw[field] = value

    def add(self, field: str, value: Any) -> None:
        if field in self.raw:
            self.raw[field] = normalize.split_list(self.raw[field]) + normalize.split_list(value)
        else:
            self.raw[field] = value


class RowReader:
    """``row_to_record`` for one mapping, with each column's handling worked out once.

    A file has a handful of columns and may have a hundred thousand rows: the
    column -> field decision, the field's kind and the column's name as extra
    data are looked up per column, not per cell. ``country`` is ``--country``;
    ``assumed`` the countries the headers' language suggests, most likely first.
    """

    def __init__(
        self,
        mapping: Mapping[str, str | None],
        country: str | None = None,
        assumed: Sequence[str] = (),
    ) -> None:
        self.mapping = mapping
        self.country = country
        self.assumed = tuple(assumed)
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
            action = (_LIST if is_list(field) else _PLAIN, field, name)
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
        row = _Row()
        actions = self._actions
        for column, value in items:
            if (not value and (value is None or value == "")) or column is None:
                continue
            code, field, name = actions.get(column) or self._action(column)
            if code == _EXTRA:
                if name:
                    row.extra[name] = value
                continue
            if isinstance(value, str):
                if "_x" in value:
                    value = cells.excel_unescaped(value)
                if value[0] in _JSON_START:
                    # Only a cell that starts with "{" (once stripped) can hold a JSON object.
                    nested = cells.cell_json(value.strip())
                    if isinstance(nested, dict):
                        cells.absorb_json(nested, field, row.raw, row.extra, column)
                        continue
            if field not in row.raw and (
                code in (_LIST, _PHONES) or (code == _PLAIN and field != "fee")
            ):
                row.raw[field] = value  # the common case, without a call
            elif code == _PLAIN:
                self._plain(row, field, name, value)
            else:
                self._special(row, code, field, name, value)
        return self._finish(row, locator, whole_row)

    def _plain(self, row: _Row, field: str, name: str, value: Any) -> None:
        if field == "fee" and isinstance(value, str) and ":" in value:
            value = cells.fee_flags(value, row.raw) or None
            if value is None:
                return
        row.put(field, name, value)

    def _special(self, row: _Row, code: int, field: str, name: str, value: Any) -> None:
        raw = row.raw
        if code == _NAME:
            reordered = reordered_name(value) if isinstance(value, str) else None
            if reordered is None or field in raw:
                row.put(field, name, value)
            else:
                raw[field], row.given_surname = reordered
        elif code == _PHONES:
            before = raw.get(field)
            if before is None:
                raw[field] = value
            else:
                raw[field] = [*(before if isinstance(before, list) else [before]), value]
        elif code == _LIST:
            row.add(field, value)
        elif code == _TEXT_OR_URL:
            if isinstance(value, str):
                cells.text_or_url(field, value, raw, row.extra, name)
            else:
                row.put(field, name, value)
        elif code == _INSURANCE:
            accepts = self._insurance_flag(value)
            if accepts is not None:
                raw["accepts_insurance"] = accepts
            else:
                row.add(field, value)
        elif code == _LICENSE:
            if isinstance(value, str) and normalize.clean_text(value):
                cells.license_combined(value, raw)
            row.extra[name] = value
        elif code == _COORDS:
            coords = normalize.split_list(value)
            if len(coords) == 2:
                raw.setdefault("lat", coords[0])
                raw.setdefault("lon", coords[1])
        else:  # _PLACE
            if isinstance(value, str):
                cells.location(value, raw)
            row.extra[name] = value

    def _finish(
        self, row: _Row, locator: str, whole_row: Callable[[], Mapping[Any, Any]]
    ) -> Record | RowError:
        raw = row.raw
        if row.given_surname is not None:
            raw.setdefault("first_name", row.given_surname[0])
            raw.setdefault("last_name", row.given_surname[1])
        address = raw.get("address")
        if "zip" not in raw and type(address) is str and "," in address:
            cells.address_parts(address, raw)
        where = self._country(raw)
        if where is not None:
            raw["country"] = where
        fields = normalize.build_fields(raw)
        if "lat" in fields or "lon" in fields:
            for coord in ("lat", "lon"):
                value = fields.get(coord)
                if value is not None and not (-180.0 <= float(value) <= 180.0):
                    del fields[coord]
        if not fields.get("name"):
            return self._nameless(locator, whole_row())
        key = fields.get("profile_url") or fields.get("npi")
        return Record(fields=fields, locator=locator, key=key, extra=row.extra)

    def _nameless(self, locator: str, row: Mapping[Any, Any]) -> RowError:
        original = next(
            (row.get(c) for c, f in self.mapping.items() if f in _PERSON_FIELDS),
            None,
        )
        shown = f" (the cell holds {str(original)[:30]!r})" if original not in (None, "") else ""
        return RowError(locator, f"no therapist name{shown}; row skipped")

    def _country(self, raw: dict[str, Any]) -> str | None:
        """The row's country: its own column, its phone's prefix, ``--country``, the
        headers' language (the first country whose numbers its phone fits), a US state, a
        postal code only one country's codes look like, a US phone or ZIP."""
        given = raw.get("country")
        if given is not None:
            found = normalize.country(given)
            if found is not None:
                return found
            raw.pop("country")
        number = _first_phone(raw.get("phones"))
        if number is not None and number.lstrip("(").startswith(("+", "00")):
            normalised = normalize.phone(number)
            if normalised is not None:
                return normalize.phone_country(normalised)
        if self.country is not None:
            return self.country
        if self.assumed:
            return _fitting(number, self.assumed)
        state = raw.get("state")
        if type(state) is str and _us_state(state):
            return "US"  # a US state says it, without reading the phone number twice
        shaped = normalize.postal_country(raw.get("zip"))
        if shaped is not None:  # "SW1A 1AA" is British, "K1A 0B6" Canadian
            return shaped
        if number is not None:
            normalised = normalize.phone(number)
            if normalised is not None:
                return normalize.phone_country(normalised)
        if normalize.state(raw.get("state")) or normalize.zip_code(raw.get("zip")):
            return "US"
        return None


@lru_cache(maxsize=512)
def _us_state(value: str) -> bool:
    return normalize.state(value) is not None


def _first_phone(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _fitting(number: str | None, candidates: tuple[str, ...]) -> str:
    """The first of ``candidates`` in which ``number`` is a valid phone number."""
    if number is not None:
        for candidate in candidates:
            if normalize.phone(number, candidate) is not None:
                return candidate
    return candidates[0]


def row_to_record(
    row: Mapping[str, Any], mapping: Mapping[str, str | None], locator: str
) -> Record | RowError:
    """One row (column -> cell) through the mapping into a normalised Record.

    Importers reading many rows with one mapping use a ``RowReader`` instead.
    """
    return RowReader(mapping)(row, locator)
