"""Crisis resources and disclaimers, in one place so every screen says the same thing.

The wording follows DOMAIN.md section 9. People use finder while they are
struggling; the lines are shown briefly at the start of a consultation walk and
in full by ``finder crisis``.
"""

from __future__ import annotations

from typing import Final

CRISIS_LINES: Final[tuple[str, ...]] = (
    "United States: call or text 988 (Suicide and Crisis Lifeline), or chat at 988lifeline.org.",
    "United States: in immediate danger, call 911.",
    "Crisis Text Line (US): text HOME to 741741.",
    "Canada: call or text 9-8-8.",
    "United Kingdom and Ireland: Samaritans, call 116 123.",
    "Australia: Lifeline, call 13 11 14.",
    "Elsewhere: call your local emergency number.",
)

CRISIS_SHORT: Final[str] = (
    "In crisis? In the US call or text 988 (or 911 in immediate danger); "
    "elsewhere see `finder crisis`."
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


def lines_for(country: str | None) -> tuple[str, ...]:
    """``CRISIS_LINES`` with the person's own country's lines first (the "Elsewhere" line
    first for a country DOMAIN.md lists none for); no country: as written."""
    if not country:
        return CRISIS_LINES
    first = _BY_COUNTRY.get(country.upper(), (len(CRISIS_LINES) - 1,))
    return tuple(CRISIS_LINES[i] for i in first) + tuple(
        line for i, line in enumerate(CRISIS_LINES) if i not in first
    )
