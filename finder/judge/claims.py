"""The facts every view shows from a therapist's sources, each read in one place.

Search, list, show, compare and every report format call these, so they cannot
disagree: a fee is one source's own statement (never a range stitched from two
sources), a plan matches by the one plan matcher, a licence is the one a source states.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from finder.judge.therapists import Therapist
from finder.records.models import Source
from finder.records.normalize.licences import SUPERVISED, licence_level
from finder.records.normalize.money import dollars, fee_range
from finder.records.normalize.plans import matching_plan


@dataclass(frozen=True)
class Fee:
    """A fee as one source states it."""

    low: float
    high: float | None
    source: Source
    sliding_scale: bool | None = None

    @property
    def text(self) -> str:
        return fee_range(self.low, self.high)

    def fits(self, budget: float) -> bool:
        return self.low <= budget


def _amount(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def fees(t: Therapist) -> list[Fee]:
    """Every source's own fee, the headline first: what you entered, then the newest import.

    The low and high of one fee always come from the same source.
    """
    by_rid = {str(d.get("rid")): d for d in t.records}
    out: list[Fee] = []
    seen: set[tuple[float, float | None]] = set()
    for claim in t.values("fee"):
        low = _amount(claim.value)
        if low is None:
            continue
        fields = (by_rid.get(claim.rid) or {}).get("fields") or {}
        high = _amount(fields.get("fee_max"))
        high = high if high is not None and high > low else None
        if (low, high) in seen:
            continue
        seen.add((low, high))
        out.append(Fee(low, high, claim.source, fields.get("sliding_scale")))
    return out


def fee_headline(t: Therapist, said: float | None = None) -> str | None:
    """``"$80-$140; another source says $110"``: one source's fee, then the others'.

    ``said`` is the fee the clinician told the user on the call: it wins over every source.
    """
    stated = fees(t)
    texts = [f.text for f in stated]
    if said is not None:
        texts = [dollars(said) + " (they said)", *(x for x in texts if x != dollars(said))]
    if not texts:
        return None
    head, others = texts[0], list(dict.fromkeys(texts[1:]))
    if not others:
        return head
    return head + "; another source says " + ", ".join(others)


def fee_fit(t: Therapist, budget: float) -> tuple[bool | None, str]:
    """Whether any source's stated fee (or its stated sliding scale) fits ``budget``.

    ``(None, ...)`` when no source states a fee. The note says which source fits when the
    headline does not.
    """
    stated = fees(t)
    if not stated:
        return None, "fee unknown"
    if stated[0].fits(budget):
        return True, "fee"
    other = next((f for f in stated if f.fits(budget)), None)
    if other is not None:
        return True, f"fee ({other.text} per {other.source.short_path})"
    return False, f"fee {stated[0].text}"


def plan_match(t: Therapist, wanted: tuple[str, ...] | list[str]) -> tuple[str, str] | None:
    """(your plan, the plan as the source lists it), by the one plan matcher."""
    return matching_plan(wanted, t.all_list("insurance"))


def plan_verdict(t: Therapist, wanted: tuple[str, ...] | list[str]) -> tuple[bool | None, str]:
    """Whether the sources list your plan, and the words every view shows for it."""
    listed = t.all_list("insurance")
    if not listed:
        takes = t.best("accepts_insurance")
        if takes is False:
            return False, "does not take insurance (listed)"
        return None, "insurance unknown" if takes is None else "takes insurance, plans not named"
    found = plan_match(t, wanted)
    if found:
        return True, f"lists your plan as '{found[1]}' (a directory claim to confirm)"
    return False, f"lists {len(listed)} plan(s), not yours"


def licence_note(stated: Any) -> str:
    """``" (a supervised licence: associate, pre-licensed, intern or resident)"`` or ``""``."""
    if licence_level(stated) == SUPERVISED:
        return " (a supervised licence: associate, pre-licensed, intern or resident)"
    return ""
