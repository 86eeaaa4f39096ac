"""What a search left out: one line per filter that removed people who otherwise match.

A tired person reading "3 therapists fit" believes only three exist. When a budget,
a radius or a plan alone removed others with the evidence asked for, the search says
who, and the option that shows them; then how many more two filters or more removed.
"""

from __future__ import annotations

import heapq
import math

from finder.judge.search import Found, Query
from finder.judge.sieve import Named
from finder.records import geo
from finder.records.normalize.money import dollars, home_mark, money

_NAMED = 5  # names shown per line; the count says how many more

# filter -> (what they are, the option or change that shows them)
_WHY: dict[str, tuple[str, str]] = {
    "insurance": ("do not list your plan", "search without the insurance filter shows them"),
    "sliding scale": ("list no sliding scale", "without --sliding-scale they show"),
    "telehealth": ("do not list telehealth", "without --telehealth they show"),
    "in person": ("do not list sessions in person", "without --in-person they show"),
    "format": ("list none of your formats", "without --session-format they show"),
    "issue": ("list none of your issues", "without --issue they show"),
    "language": ("list none of your languages", "without --language they show"),
    "age": ("list none of your age groups", "without --age they show"),
    "accepting": ("say they are not accepting new clients", "without --accepting they show"),
    "strict": ("have an unknown value", "without --strict they show"),
}


_SINGULAR = (("are ", "is "), ("do not ", "does not "), ("list ", "lists "), ("say ", "says "),
             ("have ", "has "))  # fmt: skip


def _verb(text: str, count: int) -> str:
    """``"are over"`` for many, ``"is over"`` for one."""
    if count == 1:
        for many, one in _SINGULAR:
            if text.startswith(many):
                return one + text[len(many) :]
    return text


def _names(people: list[tuple[Named, str]]) -> str:
    """The first few by name (then id), and how many more."""
    first = heapq.nsmallest(_NAMED, people, key=lambda p: (p[0].name.casefold(), p[0].tid))
    shown = [f"{t.name} {detail}".strip() for t, detail in first]
    more = len(people) - _NAMED
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def lines(found: Found, query: Query) -> list[str]:
    """``"2 more with described IPT evidence are over your $150 budget: ...; --max-fee 200
    shows them"``, one line per filter, in a stable order."""
    who = f"more with {query.min_ipt.label} IPT evidence" if query.min_ipt else "more"
    if query.min_ipt is not None and query.min_ipt < 4:
        who += " or stronger"
    out: list[str] = []
    for name in sorted(found.left_out, key=lambda n: (n != "fee", n != "distance", n)):
        people = found.left_out[name]
        count = f"{len(people)} {who}"
        # Thousands may be left out by the radius, at a few hundred distances.
        details = {d for _, d in people}
        if name == "fee" and query.max_fee is not None:
            needed = max(money(d)[0] or 0.0 for d in details)  # the one money reader
            flag = f"--max-fee {needed:g} shows them" if needed > 0 else "--max-fee shows them"
            out.append(f"{count} {_verb('are ', len(people))}over your {dollars(query.max_fee, home_mark(query.country))} budget: "
                       f"{_names(people)}; {flag}")  # fmt: skip
        elif name == "distance":
            far = [m for m in (_first_amount(d) for d in details) if m > 0]
            flag = (f"--radius {math.ceil(max(far)):g} shows them" if far
                    else "without --strict they show")  # fmt: skip
            radius = geo.radius_text(query.radius or 0, query.country)
            out.append(f"{count} {_verb('are ', len(people))}outside your {radius} "
                       f"radius: {_names(people)}; {flag}")  # fmt: skip
        else:
            what, flag = _WHY.get(name, (f"do not fit {name}", f"without the {name} filter"))
            out.append(f"{count} {_verb(what, len(people))}: {_names(people)}; {flag}")
    if found.by_several:
        out.append(f"{found.by_several} {who} {_verb('are ', found.by_several)}left out by two "
                   "or more filters; fewer filters show them")  # fmt: skip
    return out


def _first_amount(detail: str) -> float:
    # "~12.4 mi" -> 12.4, "1,204.5 km" -> 1204.5
    head = detail.lstrip("~").split()[0] if detail else ""
    try:
        return float(head.replace(",", ""))
    except ValueError:
        return 0.0
