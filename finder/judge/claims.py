"""The facts every view shows from a therapist's sources, each read in one place.

Search, list, show, compare and every report format call these, so they cannot
disagree: a fee is one source's own statement (never a range stitched from two
sources), a plan matches by the one plan matcher, a licence is the one a source states.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from finder.judge.therapists import Claim, Therapist
from finder.records.facts import amount, fee_bounds
from finder.records.models import Source
from finder.records.normalize.licences import SUPERVISED, licence_level
from finder.records.normalize.money import currency_mark, dollars, fee_range
from finder.records.normalize.plans import matching_plan


@dataclass(frozen=True)
class Fee:
    """A fee as one source states it."""

    low: float
    high: float | None
    source: Source
    sliding_scale: bool | None = None
    mark: str = "$"  # the currency as the source writes it ("€"; "" when none is named)

    @property
    def text(self) -> str:
        return fee_range(self.low, self.high, self.mark)

    def fits(self, budget: float) -> bool:
        return self.low <= budget


def _fee_of(t: Therapist, claim: Claim) -> Fee | None:
    """The fee ``claim`` states, its high end from the same record."""
    fields = next((d.get("fields") or {} for d in t.records if str(d.get("rid")) == claim.rid), {})
    return stated_fee({**fields, "fee": claim.value}, claim.source)


def stated_fee(fields: Mapping[str, Any], source: Source) -> Fee | None:
    """The fee one record's ``fields`` state: its range whole, in the currency it names."""
    bounds = fee_bounds(fields.get("fee"), fields.get("fee_max"))
    if bounds is None:
        return None
    said = fields.get("fee_text") or fields.get("fee_max_text")
    mark = currency_mark(said, fields.get("country"))
    return Fee(bounds[0], bounds[1], source, fields.get("sliding_scale"), mark)


def fee_text(t: Therapist, claim: Claim) -> str:
    """A fee claim as its source states it: ``"$80-$140"``, never its low end alone."""
    fee = _fee_of(t, claim)
    return fee.text if fee is not None else str(claim.value)


def fees(t: Therapist) -> list[Fee]:
    """Every source's own fee, the headline first: what you entered, then the newest import.

    The low and high of one fee always come from the same source.
    """
    out: list[Fee] = []
    seen: set[tuple[float, float | None, str]] = set()
    for claim in t.values("fee"):
        fee = _fee_of(t, claim)
        if fee is None or (fee.low, fee.high, fee.mark) in seen:
            continue
        seen.add((fee.low, fee.high, fee.mark))
        out.append(fee)
    return out


#: The consultation answer that states the session fee: the question of
#: ``checklists/consultation.toml`` that ``confirms = "fee"``. What the clinician told the
#: user on the call wins over every source.
FEE_ANSWER: Final = "fee_session"


def said_fee(answers: Mapping[str, Any]) -> float | None:
    """The session fee from the user's consultation answers, if they recorded one."""
    return amount(answers.get(FEE_ANSWER))


def fee_headline(
    t: Therapist, said: float | None = None, *, per: str = "", mark: str = "$"
) -> str | None:
    """``"$80-$140; another source says $110"``: one statement, then the other sources'.

    ``said`` is the fee the clinician told the user on the call (``said_fee``): it wins
    over every source; then the most recently imported source. ``per`` (" per session")
    goes after the headline's amount, before who says it; ``mark`` is that of the
    amount they said (``money.home_mark`` of the person's country).
    """
    stated = [f.text for f in fees(t)]
    if said is not None:
        head = f"{dollars(said, mark)}{per} (they said)"
        others = [x for x in stated if x != dollars(said, mark)]
    elif stated:
        head = f"{stated[0]}{per} (listed)" if per else stated[0]
        others = stated[1:]
    else:
        return None
    others = list(dict.fromkeys(others))
    if not others:
        return head
    says = "another source says " if len(others) == 1 else "other sources say "
    return head + "; " + says + ", ".join(others)


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


def licence_elsewhere(t: Therapist, home: str | None) -> str | None:
    """``"licensed in TX: ask whether they can see a client in MA"`` for a clinician who
    sees clients only online (a source states telehealth yes, in person no) and whose
    sources state a license in other states only. ``None`` when a source states a license
    in ``home``, no license state is stated, or they also see clients in person.
    Telehealth follows the client's state (DOMAIN.md section 5)."""
    if not home or t.best("telehealth") is not True or t.best("in_person") is not False:
        return None
    states = sorted({str(c.value).strip().upper() for c in t.values("license_state") if c.value})
    home = home.strip().upper()
    if not states or home in states:
        return None
    return f"licensed in {', '.join(states)}: ask whether they can see a client in {home}"


def licence_claim_note(t: Therapist, claim: Claim) -> str:
    """``licence_note`` for one stated license, with the supervisor its own record names."""
    fields = next((d.get("fields") or {} for d in t.records if str(d.get("rid")) == claim.rid), {})
    return licence_note(claim.value, fields.get("supervisor"))


def licence_note(stated: Any, supervisor: Any = None) -> str:
    """``" (a supervised license: associate, pre-licensed, intern or resident; supervised by
    Jane Roe, LCSW)"`` or ``""``. ``supervisor`` is the one the same source names."""
    if licence_level(stated) != SUPERVISED:
        return ""
    by = f"; supervised by {supervisor}" if supervisor else "; supervisor not stated"
    return f" (a supervised license: associate, pre-licensed, intern or resident{by})"
