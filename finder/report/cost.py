"""The money rows of the comparison: the listed fee, sliding scale, insurance claim, expected cost.

Each row gives one candidate's ``Cell``; what a directory lists is labelled as listed or as a
claim, and what the user heard on the call or from the insurer wins over it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from finder.judge import claims
from finder.records.normalize.money import dollars as money
from finder.records.normalize.money import home_mark
from finder.report.model import Cell, Facts, yes_no


def fee_cell(f: Facts) -> Cell:
    # One source's own fee (never a range stitched from two), then what others say.
    # What the clinician said on the call wins over every source.
    t = f.therapist
    said = claims.said_fee(f.consult)
    text = claims.fee_headline(t, said, per=" per session", mark=home_mark(f.profile.country))
    if text is None:
        return Cell(None)
    budget = f.profile.budget
    if not budget:
        return Cell(text)
    over = said > budget if said is not None else claims.fee_fit(t, budget)[0] is False
    return Cell(text, flag="caution" if over else None)


def sliding_cell(f: Facts) -> Cell:
    said = f.answer("sliding_scale")
    if isinstance(said, bool):
        return Cell(f"{yes_no(said)} (they said)")
    listed = f.therapist.best("sliding_scale")
    flag = "caution" if f.profile.sliding_scale_needed and listed is False else None
    return Cell(None if listed is None else f"{yes_no(listed)} (listed)", flag=flag)


def insurance_cell(f: Facts) -> Cell:
    t = f.therapist
    plans = t.all_list("insurance")
    mine = f.profile.insurance
    if not plans:
        takes = t.best("accepts_insurance")
        if takes is None:
            return Cell(None, empty="none listed")
        return Cell(f"{'takes' if takes else 'does not take'} insurance (listed, plans not named)")
    if mine:
        return Cell(claims.plan_verdict(t, mine)[1])
    return Cell(f"lists {', '.join(plans[:4])}" + (" ..." if len(plans) > 4 else ""))


def session_fee(f: Facts) -> tuple[float | None, str]:
    """The fee a session costs, as told on the call (in the person's money) or as the
    first source lists it (in the currency that source names), and its mark."""
    fee, mark = claims.said_fee(f.consult), home_mark(f.profile.country)
    if fee is None and claims.fees(f.therapist):
        listed = claims.fees(f.therapist)[0]  # in the currency its source names
        fee, mark = listed.low, listed.mark
    return fee, mark


def expected_cost(f: Facts) -> tuple[float | None, str]:
    """What ``planned_sessions`` would cost, with the assumption used, or why it cannot be said."""
    n = f.planned_sessions
    fee, mark = session_fee(f)
    ins = f.insurer
    if ins.get("clinician_in_network") is True:
        return _in_network_cost(n, fee, ins)
    if fee is None:
        return None, f"unknown for {n} sessions (no fee known)"
    total = fee * n
    if ins.get("clinician_in_network") is False or not f.profile.insurance:
        tail = ", before any out-of-network reimbursement" if f.profile.insurance else ""
        return total, f"{money(total, mark)} for {n} sessions at {money(fee, mark)}{tail}"
    return total, (
        f"{money(total, mark)} for {n} sessions at {money(fee, mark)} if paying yourself; "
        "in-network cost unknown until your insurer confirms"
    )


def _in_network_cost(n: int, fee: float | None, ins: Mapping[str, Any]) -> tuple[float | None, str]:
    copay, coins = number_or_none(ins.get("copay")), number_or_none(ins.get("coinsurance_percent"))
    if copay is None and (coins is None or fee is None):
        return None, "in network; cost unknown (ask your insurer for the copay or coinsurance)"
    deductible, met = (
        number_or_none(ins.get("deductible")),
        number_or_none(ins.get("deductible_met")) or 0.0,
    )
    left = max(0.0, deductible - met) if deductible is not None else 0.0
    limit = (
        number_or_none(ins.get("session_limit"))
        if ins.get("has_session_limit") is not False
        else None
    )
    covered = min(n, int(limit)) if limit is not None else n
    if (left > 0 or covered < n) and fee is None:
        return None, "in network; cost unknown (a deductible or limit applies and no fee is known)"
    total = 0.0
    for _ in range(covered):
        share = copay if copay is not None else (fee or 0.0) * (coins or 0.0) / 100
        if left > 0:
            paid = min(left, fee or 0.0)
            left -= paid
            share = paid + (share if paid < (fee or 0.0) else 0.0)
        total += share
    total += (n - covered) * (fee or 0.0)
    how = f"{money(copay)} copay" if copay is not None else f"{coins:g}% coinsurance"
    bits = [f"{money(total)} for {n} sessions in network ({how}"]
    if deductible is not None:
        bits.append(f", {money(max(0.0, deductible - met))} deductible left")
    if covered < n:
        bits.append(f", {n - covered} sessions over the yearly limit at {money(fee or 0.0)}")
    return total, "".join(bits) + "; the fee stands in for the allowed amount)"


def number_or_none(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def cost_cell(f: Facts) -> Cell:
    total, text = expected_cost(f)
    return Cell(text) if total is not None else Cell(None, empty=text)
