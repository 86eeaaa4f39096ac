"""Insurance plans: the one matcher between a person's plan and the plans a source lists.

Search, list, show, compare and every report format call ``matching_plan``, so a
clinician cannot "fit insurance" in one place and list "7 plans, not yours" in another.
Payer aliases ("BC BS PPO", "Anthem" for Blue Cross Blue Shield) come from the readable
table ``data/reference/payer_aliases.csv``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from functools import cache, lru_cache

from finder.records.reference import shipped


@lru_cache(maxsize=1 << 14)
def plan_words(text: str) -> tuple[str, ...]:
    """``"Blue Cross & Blue-Shield"`` -> ``("blue", "cross", "and", "blue", "shield")``."""
    return tuple(re.findall(r"[a-z0-9+]+", str(text).casefold().replace("&", " and ")))


@cache
def _aliases() -> tuple[tuple[tuple[str, ...], str], ...]:
    text = shipped("finder.refdata", "payer_aliases.csv").read_text("utf-8")
    rows = csv.reader(line for line in io.StringIO(text) if not line.startswith("#"))
    out = []
    for row in rows:
        if len(row) != 2 or row == ["payer", "alias"]:
            continue
        words = plan_words(row[1])
        if words:
            out.append((words, row[0].strip()))
            joined = ("".join(words),)  # "BlueCross" written as one word, or "BC BS" as "BCBS"
            if len(words) > 1:
                out.append((joined, row[0].strip()))
    return tuple(sorted(out, key=lambda a: -len(a[0])))


def _contains(words: tuple[str, ...], part: tuple[str, ...]) -> bool:
    n = len(part)
    return any(words[i : i + n] == part for i in range(len(words) - n + 1))


@lru_cache(maxsize=1 << 14)
def payers(plan: str) -> frozenset[str]:
    """The payers a plan's name names (``"BC BS PPO"`` -> {"Blue Cross Blue Shield"}).

    Cached: a search asks about the same few plan names for every therapist."""
    words = plan_words(plan)
    found = {payer for alias, payer in _aliases() if _contains(words, alias)}
    if not found and len(words) > 1:  # "Blue Cross" written "Blue Cross" or "Blue-Cross"
        glued = tuple("".join(words[i : i + 2]) for i in range(len(words) - 1))
        found = {payer for alias, payer in _aliases() if len(alias) == 1 and alias[0] in glued}
    return frozenset(found)


def matching_plan(wanted: Iterable[str], listed: Iterable[str]) -> tuple[str, str] | None:
    """The first (your plan, their listed plan) pair that names the same payer, else ``None``.

    Two names of one payer match ("Blue Cross Blue Shield" and "BC BS PPO"); a plan no
    alias knows matches when all its words appear in a listed plan ("Tufts" in "Tufts
    Health Plan"). Either way it is a directory's claim, to confirm with the insurer.
    """
    listed = [p for p in listed if str(p).strip()]
    for mine in wanted:
        my_words, my_payers = set(plan_words(mine)), payers(mine)
        if not my_words:
            continue
        for theirs in listed:
            their_payers = payers(theirs)
            if my_payers and their_payers:
                if my_payers & their_payers:
                    return mine, theirs
            elif my_words <= set(plan_words(theirs)):
                return mine, theirs
    return None
