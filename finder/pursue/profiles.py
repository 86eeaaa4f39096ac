"""Whose search this is: the needs of one person, under a label.

A care coordinator keeps one profile per client under a pseudonymous label
(never a real name is required). Imported therapists are shared; each
profile has its own shortlist, contact log, answers and notes (every such
document carries ``profile``). The active profile lives in the store's meta.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from finder.errors import NotFound, UsageError
from finder.storage.store import Store

DEFAULT_LABEL = "me"

#: Criteria the comparison score weighs, with defaults (0 = ignore, 5 = matters most).
DEFAULT_WEIGHTS: dict[str, int] = {
    "ipt_evidence": 5,
    "cost": 4,
    "insurance": 3,
    "distance": 2,
    "availability": 4,
    "fit": 3,
    "comfort": 5,
    "licence": 3,
}

TELEHEALTH_CHOICES = ("ok", "required", "no")


@dataclass
class Profile:
    label: str = DEFAULT_LABEL
    zip: str | None = None
    radius_miles: float | None = None
    telehealth: str = "ok"  # ok | required | no
    insurance: list[str] = field(default_factory=list)
    budget: float | None = None  # most the person can pay per session
    sliding_scale_needed: bool = False
    formats: list[str] = field(default_factory=list)  # individual, group, couple, family
    issues: list[str] = field(default_factory=list)
    age_group: str | None = None  # child, teen, adult, elder
    languages: list[str] = field(default_factory=list)
    state: str | None = None  # where the client lives (telehealth licence follows it)
    country: str | None = None  # ISO code; therapists in another country are left out
    city: str | None = None  # ranks therapists in this city first
    planned_sessions: int = 16
    weights: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))

    def to_doc(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Profile:
        known = {f.name for f in fields(cls)}
        profile = cls(**{k: v for k, v in doc.items() if k in known})
        profile.weights = {**DEFAULT_WEIGHTS, **(profile.weights or {})}
        return profile


def check_label(label: str) -> str:
    label = label.strip()
    if not re.fullmatch(r"[\w.-]{1,40}", label):
        raise UsageError(
            f"profile label {label!r}: use 1-40 letters, digits, '.', '-' or '_' (a pseudonym is fine)"
        )
    return label


def active_label(store: Store) -> str:
    return str(store.meta().get("active_profile") or DEFAULT_LABEL)


def resolve(store: Store, label: str | None) -> str:
    """``--for LABEL`` when given, else the active profile's label."""
    return check_label(label) if label else active_label(store)


def get(store: Store, label: str | None = None, *, create: bool = True) -> Profile:
    """The profile ``label`` (default: active). The default profile always exists."""
    label = resolve(store, label)
    doc = store.profiles.first(label=label)
    if doc is not None:
        return Profile.from_doc(doc)
    if create or label == DEFAULT_LABEL:
        return Profile(label=label)
    raise NotFound(f"no profile {label!r}; `finder profile list` shows them")


def save(store: Store, profile: Profile) -> None:
    with store.transaction():
        doc = profile.to_doc()
        existing = store.profiles.first(label=profile.label)
        if existing is None:
            store.profiles.insert(doc)
        else:
            store.profiles.replace(existing["_id"], doc)


def use(store: Store, label: str) -> Profile:
    label = check_label(label)
    profile = get(store, label)
    with store.transaction():
        if store.profiles.first(label=label) is None:
            store.profiles.insert(profile.to_doc())
        store.set_meta(active_profile=label)
    return profile


def all_profiles(store: Store) -> list[Profile]:
    found = {d["label"]: Profile.from_doc(d) for d in store.profiles.all()}
    found.setdefault(DEFAULT_LABEL, Profile())
    return [found[k] for k in sorted(found)]
