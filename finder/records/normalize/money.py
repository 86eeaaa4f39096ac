"""Money: fees as sources write them."""

from __future__ import annotations

import re
from typing import Any

from finder.patterns import later
from finder.records.normalize.text import clean_text

# Which mark separates thousands and which the cents is decided by the digits after it,
# the same in every reader: three digits group thousands ("1,200" and "1.200" are 1200),
# one or two are the cents ("120,50" is 120.50, "1.200,50" is 1200.50, "$1,200.50" 1200.50).
_MONEY = later(r"(\$\s*)?(\d{1,3}(?:,\d{3})+|\d{1,3}(?:\.\d{3})+(?![\d,])|\d+)(?:\.(\d{1,2}))?")
# "120,50" and "1.200,00": a decimal comma (one or two digits after it), as Europe writes money.
_MONEY_DECIMAL_COMMA = later(r"(?<![\d.,])(\d{1,3}(?:\.\d{3})+|\d+),(\d{1,2})(?![\d,.])")
# Numbers in a fee text that are not money: "50-minute session", "2 sessions", "20%".
_NOT_MONEY_AFTER = later(
    r"\s*-?\s*(?:min\b|mins\b|minutes?\b|hrs?\b|hours?\b|sessions?\b|visits?\b|%)", re.I
)
_RANGE_GAP = later(r"\s*(?:-|\u2013|\u2014|to)\s*", re.I)
# The currency a fee text names, as the mark finder shows: "60 €" is €60, "CA$90" CA$90,
# never "$60". Longer marks first ("CA$" before "$").
_MARKS = (
    ("CA$", r"CA\$|C\$|\bCAD\b"),
    ("NZ$", r"NZ\$|\bNZD\b"),
    ("A$", r"AU?\$|\bAUD\b"),
    ("R$", r"R\$|\bBRL\b"),
    ("€", r"€|\bEUR\b|\beuros?\b"),
    ("£", r"£|\bGBP\b|\bpounds?\b"),
    ("CHF", r"\bCHF\b"),
    ("$", r"\$|\bUSD\b"),
)
_MARK = later("|".join(f"(?P<m{i}>{pattern})" for i, (_, pattern) in enumerate(_MARKS)), re.I)
_FREE = later(r"\bfree\b|\bno (?:cost|charge)\b|\bpro bono\b", re.I)


def money(raw: Any) -> tuple[float | None, float | None]:
    """A fee text -> (lowest, highest). ``"$150 - $200"`` -> (150.0, 200.0); ``"free"`` -> (0, 0).

    Where some amounts carry a dollar sign, only those count (and the end of a range
    written "$140 - 160"): "$150 per 50-minute session" is 150, not 50 to 150. A free
    consultation says nothing about the fee of a session.
    """
    if isinstance(raw, bool):
        return None, None
    if isinstance(raw, int | float):
        return (float(raw), float(raw)) if raw >= 0 else (None, None)
    text = clean_text(raw)
    if text is None:
        return None, None
    amounts = [value for value in _amounts(text) if value <= 100000]
    if amounts:
        return min(amounts), max(amounts)
    if _FREE.search(text) and "consult" not in text.lower():
        return 0.0, 0.0
    return None, None


def _amounts(text: str) -> list[float]:
    found: list[tuple[float, bool, int, int]] = []  # (value, has "$", start, end)
    for m in _MONEY_DECIMAL_COMMA.finditer(text):
        whole, cents = m.groups()
        signed = text[: m.start()].rstrip().endswith("$")
        found.append((float(f"{whole.replace('.', '')}.{cents}"), signed, m.start(), m.end()))
    commas = [(start, end) for _, _, start, end in found]
    for m in _MONEY.finditer(text):
        if _NOT_MONEY_AFTER.match(text, m.end()):
            continue
        if commas and any(s < m.end() and m.start() < e for s, e in commas):
            continue  # a part of "120,50", read whole above
        dollar, whole, cents = m.groups()
        value = float(whole.replace(",", "").replace(".", "") + (f".{cents}" if cents else ""))
        found.append((value, bool(dollar), m.start(), m.end()))
    if commas:
        found.sort(key=lambda amount: amount[2])
    if not any(dollar for _, dollar, _, _ in found):
        return [value for value, _, _, _ in found]
    kept: list[float] = []
    for k, (value, dollar, start, _) in enumerate(found):
        before = found[k - 1] if k else None
        range_end = (
            before is not None and before[1] and _RANGE_GAP.fullmatch(text, before[3], start)
        )
        if dollar or range_end:
            kept.append(value)
    return kept


def currency_mark(text: Any, country: Any = None) -> str:
    """The currency of a fee as its source writes it: ``"60 €"`` -> ``"€"``,
    ``"CA$90"`` -> ``"CA$"``, ``"$150"`` -> ``"$"``. A fee that names none is in
    dollars in a US (or country-less) record, and shown without a mark elsewhere: a
    Spanish list's "60" is 60, not $60."""
    found = _MARK.search(text) if isinstance(text, str) else None
    if found is not None and found.lastgroup is not None:
        return _MARKS[int(found.lastgroup[1:])][0]
    return "$" if country in (None, "", "US") else ""


def home_mark(country: Any) -> str:
    """The mark of an amount the user gives (a budget, the fee a clinician told them):
    dollars for a person in the US (or of no stated country), the bare number elsewhere,
    as ``currency_mark`` reads an amount that names no currency."""
    return currency_mark(None, country)


def dollars(value: float, mark: str = "$") -> str:
    """``150.0`` -> ``"$150"``, ``120.5`` -> ``"$120.50"``: how finder shows an amount
    (``mark`` "€" gives "€60"; "CHF" gives "60 CHF"; "" the bare number)."""
    number = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    if mark.isalpha():
        return f"{number} {mark}"
    return f"{mark}{number}"


def fee_range(low: float, high: float | None, mark: str = "$") -> str:
    """One source's fee as it stated it: ``"$80-$140"`` or ``"$110"``."""
    if high is not None and high != low:
        return f"{dollars(low, mark)}-{dollars(high, mark)}"
    return dollars(low, mark)
