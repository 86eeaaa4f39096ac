"""The search filters as one shared option decorator (`finder search`, `finder list`).

``filter_options`` adds the options and hands the command one ``filters``
argument: a dict of what the user gave, ready for ``search.override``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any, TypeVar

import click

from finder.cli.types import DISTANCE, MONEY
from finder.errors import UsageError
from finder.judge import options

F = TypeVar("F", bound=Callable[..., Any])

#: Option parameter names that the decorator gathers into ``filters``.
FILTER_PARAMS = (
    "min_ipt", "near", "radius", "insurance", "max_fee", "sliding_scale", "telehealth",
    "formats", "issues", "languages", "ages", "accepting", "strict",
)  # fmt: skip


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    """Repeated options and comma lists both mean OR: ``--issue a,b --issue c``."""
    out: list[str] = []
    for value in values:
        for part in value.split(","):
            part = part.strip()
            if part and part not in out:
                out.append(part)
    return tuple(out)


def _ipt(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    if value is None:
        return None
    # kept here: the IPT rules (tomllib) load only when --ipt is given
    from finder.judge.ipt import IptClass

    try:
        return IptClass.parse(value)
    except ValueError as err:
        raise click.BadParameter(str(err)) from None


def _zip(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None

    if not re.fullmatch(r"\d{5}(-?\d{4})?", value.strip()):
        raise click.BadParameter(f"{value!r} is not a 5-digit US ZIP code")
    return value.strip()[:5]


def _many(normalise: Callable[[str], str] | None = None) -> Callable[..., tuple[str, ...]]:
    def callback(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> Any:
        values = _split(value)
        if normalise is None:
            return values

        try:
            return tuple(dict.fromkeys(normalise(v) for v in values))
        except UsageError as err:
            raise click.BadParameter(str(err)) from None

    return callback


def _format(value: str) -> str:
    # kept here: the search module (60 ms) loads only when a search runs
    from finder.judge.search import normalise_format

    return normalise_format(value)


def _age(value: str) -> str:
    # kept here: the search module (60 ms) loads only when a search runs
    from finder.judge.search import normalise_age

    return normalise_age(value)


def filters_given(filters: dict[str, Any]) -> bool:
    """Whether the user gave a filter: one ``search.override`` would put in the query."""
    return any(map(options.given, filters.values()))


def in_miles(filters: dict[str, Any], country: str | None) -> dict[str, Any]:
    """The filters with ``--radius`` in miles, as search measures (a bare number is in the
    unit of ``country``, the profile's)."""
    radius = filters.get("radius")
    return filters if radius is None else {**filters, "radius": radius.miles(country)}


def filter_options(func: F) -> F:
    """Add the filter options; the command receives them as one ``filters`` dict."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        filters = {name: kwargs.pop(name) for name in FILTER_PARAMS}
        return func(*args, filters=filters, **kwargs)

    options = [
        click.option("--ipt", "min_ipt", metavar="CLASS", callback=_ipt,
                     help="Minimum IPT evidence: listed, described or credential."),
        click.option("--near", metavar="ZIP", callback=_zip,
                     help="Measure distance from this ZIP."),
        click.option("--radius", type=DISTANCE, metavar="DISTANCE",
                     help="Only within this distance (10mi, 25km; a bare number in the "
                          "profile country's unit)."),
        click.option("--insurance", multiple=True, callback=_many(), metavar="PLAN",
                     help="Takes this plan (repeat or comma-separate for any of several)."),
        click.option("--max-fee", type=MONEY, metavar="DOLLARS",
                     help="Fee per session at most this."),
        click.option("--sliding-scale", is_flag=True, default=None,
                     help="Offers a sliding scale."),
        click.option("--telehealth/--in-person", default=None,
                     help="Offers online sessions (distance then only ranks) / in person."),
        click.option("--session-format", "formats", multiple=True, callback=_many(_format),
                     metavar="FORMAT", help="individual, couple, family or group (any of)."),
        click.option("--issue", "issues", multiple=True, callback=_many(), metavar="ISSUE",
                     help="Treats this, e.g. depression, PTSD, perinatal (any of)."),
        click.option("--language", "languages", multiple=True, callback=_many(),
                     metavar="LANGUAGE", help="Speaks this language (any of)."),
        click.option("--age", "ages", multiple=True, callback=_many(_age), metavar="AGE",
                     help="Sees this age group: child, teen, adult, elder (any of)."),
        click.option("--accepting", is_flag=True, default=None,
                     help="Says it is accepting new clients."),
        click.option("--strict", is_flag=True, default=None,
                     help="Also exclude therapists whose sources say nothing (unknowns)."),
    ]  # fmt: skip
    result: Any = wrapper
    for option in reversed(options):
        result = option(result)
    return result
