"""The comparison score: the user's weights applied to what is known, each criterion explained.

Each criterion of ``finder.pursue.profiles.DEFAULT_WEIGHTS`` gives a value from 0 to
1 and the reason for it, or ``None`` (unknown) with what is missing. The
score is the weighted mean over the known criteria only, so an unanswered
question never counts as a zero; the report always says how many criteria
were known. A criterion the profile gives no reason to judge (insurance when
no plan is set, distance when telehealth is required) is "not counted".
What the user heard on a call or from the insurer outweighs a directory
claim, which outweighs nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from finder.judge import claims
from finder.judge.ipt import IptClass
from finder.records import geo
from finder.records.normalize.money import dollars as money
from finder.records.normalize.money import home_mark
from finder.report.cost import expected_cost, session_fee
from finder.report.model import Facts, Score, ScorePart

LABELS: Final[dict[str, str]] = {
    "ipt_evidence": "IPT evidence",
    "cost": "Cost",
    "insurance": "Insurance",
    "distance": "Distance",
    "availability": "Availability",
    "fit": "Fit",
    "comfort": "Comfort",
    "licence": "License",
}

_CLASS_VALUE: Final[dict[IptClass, float]] = {
    IptClass.CREDENTIAL: 1.0,
    IptClass.DESCRIBED: 0.75,
    IptClass.LISTED: 0.35,
    IptClass.RELATED_NOT_IPT: 0.1,
    IptClass.NONE: 0.0,
}
_BODIES: Final = ("ISIPT", "IPT Institute", "IPTUK")

# (value, reason, applies); value None = unknown
Judged = tuple[float | None, str, bool]


def _num(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def ipt_evidence(f: Facts) -> Judged:
    level = f.therapist.ipt.level
    value = _CLASS_VALUE[level]
    reason = f"records: {level.label}"
    said = f.answer("ipt_specifically")
    cases = _num(f.answer("supervised_cases"))
    body = f.answer("certifying_body")
    if said == "general interpersonal":
        return min(value, 0.1), reason + "; they said general interpersonal, not IPT", True
    if body in _BODIES and cases is not None and cases >= 2:
        return 1.0, f"{body}, {cases:g} supervised cases (they said)", True
    if said == "IPT itself":
        return max(value, 0.75), reason + "; they said they practice IPT itself", True
    return value, reason, True


def cost(f: Facts) -> Judged:
    budget = f.profile.budget
    if not budget:
        return None, "no budget in your profile", True
    total, _ = expected_cost(f)
    if total is None:
        return None, "no fee known", True
    per, mark, home = total / f.planned_sessions, session_fee(f)[1], home_mark(f.profile.country)
    if per <= budget:
        return 1.0, f"about {money(per, mark)} a session, within your {money(budget, home)}", True
    value = max(0.0, 1 - (per - budget) / budget)
    return value, f"about {money(per, mark)} a session, over your {money(budget, home)}", True


def insurance(f: Facts) -> Judged:
    plans = f.profile.insurance
    if not plans:
        return None, "no insurance plan in your profile", False
    confirmed = f.insurer.get("clinician_in_network")
    if confirmed is True:
        return 1.0, "in network (insurer confirmed)", True
    if confirmed is False:
        return 0.0, "not in network (insurer said)", True
    said = f.answer("in_network")
    if said == "yes":
        return 0.8, "in network (they said; confirm with the insurer)", True
    if said == "no":
        return 0.0, "not in network (they said)", True
    found = claims.plan_match(f.therapist, plans)
    if found:
        return 0.5, f"your plan is listed as '{found[1]}' (a directory claim)", True
    return None, "not confirmed", True


def distance(f: Facts) -> Judged:
    p = f.profile
    if p.telehealth == "required":
        return None, "you need telehealth", False
    if f.miles is None:
        return None, f.why_no_distance, True
    radius = p.radius_miles or 25.0
    value = max(0.0, 1 - f.miles / (2 * radius))
    reason = geo.distance_text(f.miles, p.country, approx=f.approx)
    delivery = f.answer("delivery")
    tele = f.therapist.best("telehealth") is True or (
        isinstance(delivery, list) and "telehealth" in delivery
    )
    if p.telehealth == "ok" and tele and value < 0.75:
        return 0.75, reason + ", but telehealth is offered", True
    return value, reason, True


def availability(f: Facts) -> Judged:
    if f.answer("accepting") is False:
        return 0.0, "not accepting (they said)", True
    weeks = _num(f.answer("wait_weeks"))
    if weeks is not None:
        return max(0.0, 1 - weeks / 12), f"wait of {weeks:g} week(s) (they said)", True
    if f.answer("accepting") is True:
        return 0.8, "accepting (they said)", True
    outcome = f.contacts[-1].get("outcome") if f.contacts else None
    if outcome == "no-openings":
        return 0.0, "no openings (your contact log)", True
    if outcome == "waitlist":
        return 0.2, "waitlist (your contact log)", True
    claim = f.therapist.best("accepting")
    if claim is True:
        return 0.5, "accepting (a directory claim)", True
    if claim is False:
        return 0.2, "not accepting (a directory claim)", True
    if f.therapist.best("waitlist") is True:
        return 0.3, "waitlist (a directory claim)", True
    return None, "not asked yet", True


def _fraction(wanted: list[str], offered: list[str]) -> float | None:
    if not wanted or not offered:
        return None
    folded = [o.casefold() for o in offered]
    return sum(1 for w in wanted if any(w.casefold() in o for o in folded)) / len(wanted)


def fit(f: Facts) -> Judged:
    p, t = f.profile, f.therapist
    parts: dict[str, float | None] = {}
    offered = t.all_list("issues") + t.all_list("specialties")
    experience = f.answer("condition_experience")
    parts["issues"] = (
        float(experience) if isinstance(experience, bool) else _fraction(p.issues, offered)
    )
    ages = f.answer("age_group")
    wanted_age = [p.age_group] if p.age_group else []
    parts["ages"] = (
        float(ages) if isinstance(ages, bool) else _fraction(wanted_age, t.all_list("ages"))
    )
    language = f.answer("language")
    parts["languages"] = (
        float(language)
        if isinstance(language, bool)
        else _fraction(p.languages, t.all_list("languages"))
    )
    parts["formats"] = _fraction(p.formats, t.all_list("formats"))
    if p.telehealth == "required":
        tele = t.best("telehealth")
        parts["telehealth"] = None if tele is None else float(tele)
    needs = bool(p.issues or p.age_group or p.languages or p.formats or p.telehealth == "required")
    if not needs and not any(isinstance(x, bool) for x in (experience, ages, language)):
        return None, "no needs in your profile (issues, ages, languages, formats)", False
    known = {k: v for k, v in parts.items() if v is not None}
    if not known:
        return None, "nothing listed to match your needs against", True
    value = sum(known.values()) / len(known)
    return value, "matched on " + ", ".join(known), True


def comfort(f: Facts) -> Judged:
    rating = _num(f.answer("comfort"))
    heard = f.answer("felt_heard")
    values = []
    bits = []
    if rating is not None:
        values.append((rating - 1) / 4)
        bits.append(f"comfort {rating:g}/5")
    if isinstance(heard, bool):
        values.append(float(heard))
        bits.append("felt heard" if heard else "did not feel heard")
    if not values:
        return None, "no consultation yet" if not f.has_consultation else "not rated yet", True
    return sum(values) / len(values), ", ".join(bits) + " (yours)", True


_BOARD = {
    "active": 1.0,
    "active with discipline": 0.5,
    "expired or inactive": 0.0,
    "not found": 0.0,
}


def licence(f: Facts) -> Judged:
    board = f.answer("board_lookup")
    if board in _BOARD:
        return _BOARD[board], f"state board: {board} (your lookup)", True
    if f.answer("licensed") is False:
        return 0.0, "not licensed (they said)", True
    if f.answer("licensed_in_my_state") is False:
        return 0.0, "not licensed in your state (they said)", True
    check = f.verification
    if check is not None and check.get("status") == "matched":
        record_status = (check.get("result") or {}).get("status")
        if record_status and record_status != "active":
            return 0.1, f"NPI record is {record_status} (check the state board)", True
        return 0.8, "found in the NPI registry (self-reported)", True
    if check is not None and check.get("status") == "not_found":
        return 0.2, "not found in the NPI registry", True
    if f.answer("licensed") is True or f.answer("licensed_in_my_state") is True:
        return 0.7, "licensed (they said; check the state board)", True
    if f.therapist.best("license_type") or f.therapist.best("license_number"):
        return 0.5, "listed in the records, not checked", True
    return None, "no license on record", True


CRITERIA: Final[dict[str, Callable[[Facts], Judged]]] = {
    "ipt_evidence": ipt_evidence,
    "cost": cost,
    "insurance": insurance,
    "distance": distance,
    "availability": availability,
    "fit": fit,
    "comfort": comfort,
    "licence": licence,
}


def score(f: Facts) -> Score:
    """The weighted mean of the known criteria (0-100), with every criterion's reason."""
    parts: list[ScorePart] = []
    for name, judge in CRITERIA.items():
        weight = int(f.profile.weights.get(name, 0))
        if weight <= 0:
            continue
        value, reason, applies = judge(f)
        parts.append(ScorePart(name, LABELS[name], weight, value, reason, applies))
    known = [p for p in parts if p.applies and p.value is not None]
    total = sum(p.weight for p in known)
    if not total:
        return Score(None, tuple(parts))
    value = sum(p.weight * (p.value or 0.0) for p in known) / total
    return Score(round(value * 100), tuple(parts))
