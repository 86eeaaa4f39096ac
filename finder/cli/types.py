"""The click parameter types: input as a person types it, errors in plain words.

``$150``, ``150`` and ``150.00`` are the same budget; ``10``, ``10mi``,
``10 miles`` and ``16 km`` are distances; an id or a count that is not a whole
number says what was expected instead of naming a Python type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import click

from finder.patterns import later

_DISTANCE = later(
    r"(?P<number>\d+(?:\.\d*)?|\.\d+)\s*"
    r"(?P<unit>mi|mile|miles|km|kms|kilometer|kilometers|kilometre|kilometres)?\.?",
    re.IGNORECASE,
)


class WholeNumber(click.ParamType):
    """A whole number of at least ``low`` (and at most ``high``) of what it counts: ``days``."""

    name = "integer"

    def __init__(self, what: str, low: int = 1, high: int | None = None) -> None:
        self.what = what
        self.low = low
        self.high = high

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            text = str(value).strip()
            if not re.fullmatch(r"[+-]?\d+", text):
                self.fail(f"{str(value)!r} is not a whole number of {self.what}", param, ctx)
            number = int(text)
        if number < self.low:
            self.fail(f"the number of {self.what} must be {self.low} or more", param, ctx)
        if self.high is not None and number > self.high:
            self.fail(f"the number of {self.what} must be {self.high} or less", param, ctx)
        return number


class TherapistId(click.ParamType):
    """A therapist's id as `finder list` shows it."""

    name = "id"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            text = str(value).strip().lstrip("#")
            if not text.isdigit():
                self.fail(
                    f"{str(value)!r} is not a therapist id: ids are whole numbers like 12 "
                    "(`finder list` shows them)",
                    param,
                    ctx,
                )
            number = int(text)
        if number < 1:
            self.fail(f"{number} is not a therapist id: ids start at 1", param, ctx)
        return number


_PLAIN_NUMBER = later(r"\d+(?:\.\d*)?(?:[eE][+-]?\d+)?")


class Money(click.ParamType):
    """An amount of dollars: ``150``, ``$150``, ``150.00``, ``$1,200``."""

    name = "dollars"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            amount: float | None = float(value)
        else:
            # kept here: the money reader (finder.records.normalize, 35 ms) loads only for a money option
            from finder.records.normalize.money import money

            text = str(value).strip()
            if text.startswith("-"):
                self.fail(f"{text!r}: an amount of money is 0 or more", param, ctx)
            if _PLAIN_NUMBER.fullmatch(text):  # "1e3" is 1000 as written, not 1 to 3
                return float(text)
            low, high = money(text) if re.search(r"\d", text) else (None, None)
            if low is not None and low != high:
                self.fail(f"{text!r} is a range: give one amount, like 150", param, ctx)
            amount = low
        if amount is None or amount < 0:
            self.fail(f"{str(value)!r} is not an amount of dollars; write it like 150 or $150",
                      param, ctx)  # fmt: skip
        return amount


@dataclass(frozen=True)
class Length:
    """A distance as typed: ``25km``, ``10 miles``, or a bare ``25`` in the unit of the
    person's country (``miles`` turns it into miles, as finder keeps distances)."""

    number: float
    unit: str | None  # "mi", "km", or None: the country's own

    def miles(self, country: str | None) -> float:
        # kept here: the map module loads only when a radius is given
        from finder.records import geo

        return geo.to_miles(self.number, self.unit, country)


class Distance(click.ParamType):
    """A distance: ``10``, ``10mi``, ``10 miles``, ``16 km``; a bare number is in the unit of
    the profile's country (kilometres outside the US, the UK, Liberia and Myanmar)."""

    name = "distance"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Length:
        if isinstance(value, Length):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return Length(float(value), None)
        text = str(value).strip()
        found = _DISTANCE.fullmatch(text)
        if found is None:
            self.fail(f"{text!r} is not a distance; write it like 10, 10 miles or 16 km",
                      param, ctx)  # fmt: skip
        unit = found.group("unit")
        return Length(float(found.group("number")), unit and ("km" if unit[0] in "kK" else "mi"))


THERAPIST_ID = TherapistId()
MONEY = Money()
DISTANCE = Distance()
