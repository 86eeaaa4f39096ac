"""Crisis resources and disclaimers, in one place so every screen says the same thing.

The wording follows DOMAIN.md section 9. People use finder while they are
struggling; the lines follow the country of the person the search is for (the
profile's ``--country``; the United States when it says none): ``lines_for`` for a
report or ``finder crisis`` (the person's own lines first, then the rest),
``short_line`` for the one line a walk, a call sheet or a first run shows.
``profile_country`` is the one place that reads which country that is.
"""

from __future__ import annotations

import contextlib
from typing import Final

from finder.errors import FinderError
from finder.pursue import profiles
from finder.storage.store import Store

US_LINES: Final[tuple[str, ...]] = (
    "United States: call or text 988 (Suicide and Crisis Lifeline), or chat at 988lifeline.org.",
    "United States: in immediate danger, call 911.",
    "Crisis Text Line (US): text HOME to 741741.",
)
ELSEWHERE: Final[str] = "Elsewhere: call your local emergency number."

CRISIS_LINES: Final[tuple[str, ...]] = (
    *US_LINES,
    "Canada: call or text 9-8-8.",
    "United Kingdom and Ireland: Samaritans, call 116 123.",
    "Australia: Lifeline, call 13 11 14.",
    ELSEWHERE,
)

#: How every one-line crisis notice begins (a walk shows it once per command).
SHORT_PREFIX: Final[str] = "In crisis? "

# The one line for each country DOMAIN.md lists a line for; any other country gets the
# international fallback. The US line always names 988.
_SHORT: Final[dict[str, str]] = {
    "US": "In the US call or text 988 (or 911 in immediate danger)",
    "CA": "In Canada call or text 9-8-8",
    "GB": "In the UK and Ireland call Samaritans on 116 123",
    "IE": "In the UK and Ireland call Samaritans on 116 123",
    "AU": "In Australia call Lifeline on 13 11 14",
}

CRISIS_SHORT: Final[str] = (
    f"{SHORT_PREFIX}{_SHORT['US']}; other countries: `finder crisis --country XX`."
)

DISCLAIMERS: Final[tuple[str, ...]] = (
    "finder does not diagnose, recommend or endorse any therapist.",
    '"Verified" in a directory means the license was checked, not training in any method.',
    "NPI registry records are self-reported: the state licensing board is the authority.",
    "Insurance answers must be confirmed with your insurer.",
)

# Which of CRISIS_LINES speak to a person in each country DOMAIN.md lists a line for.
_BY_COUNTRY: Final[dict[str, tuple[int, ...]]] = {
    "US": (0, 1, 2), "CA": (3,), "GB": (4,), "IE": (4,), "AU": (5,),
}  # fmt: skip


def _code(country: str | None) -> str:
    return (country or "US").strip().upper() or "US"


def own_lines(country: str | None) -> tuple[str, ...]:
    """The lines for a person in ``country`` (no country: the US); the "Elsewhere" line
    for a country DOMAIN.md lists none for."""
    first = _BY_COUNTRY.get(_code(country), (len(CRISIS_LINES) - 1,))
    return tuple(CRISIS_LINES[i] for i in first)


def lines_for(country: str | None) -> tuple[str, ...]:
    """Every line, the person's own country's first (no country: the US's)."""
    own = own_lines(country)
    return own + tuple(line for line in CRISIS_LINES if line not in own)


def short_line(country: str | None) -> str:
    """The one crisis line for a person in ``country`` (no country: the US), with where
    to find the others."""
    code = _code(country)
    if code == "US":
        return CRISIS_SHORT
    if code in _SHORT:
        return f"{SHORT_PREFIX}{_SHORT[code]}; other countries: `finder crisis --country XX`."
    return f"{SHORT_PREFIX}Call your local emergency number; `finder crisis` lists the lines finder knows."


# A printed page's foot names every line in a few words, the person's own in full first.
_COMPACT: Final[dict[str, str]] = {
    "US": "US 988", "CA": "Canada 9-8-8", "GB": "UK and Ireland 116 123",
    "AU": "Australia 13 11 14",
}  # fmt: skip
_US_FULL: Final[str] = (
    "In the US call or text 988 (Suicide and Crisis Lifeline), or 911 in immediate danger"
)


def foot_line(country: str | None) -> str:
    """One sentence for the foot of a printed page: the person's own line (no country: the
    US's), then every other line finder knows in a few words."""
    code = _code(country)
    code = "GB" if code == "IE" else code
    own = _US_FULL if code == "US" else _SHORT.get(code, "Call your local emergency number")
    others = [text for key, text in _COMPACT.items() if key != code]
    if code in _COMPACT:
        others.append("elsewhere your local emergency number")
    return f"{SHORT_PREFIX}{own}. {'; '.join(others)}."


def profile_country(store: Store, label: str | None = None) -> str | None:
    """The country of the profile ``label`` (default: the active one), or ``None`` when it
    names none or the store cannot be read: a crisis line is never held back by an error."""
    with contextlib.suppress(FinderError, OSError):
        return profiles.get(store, label, create=False).country
    return None
