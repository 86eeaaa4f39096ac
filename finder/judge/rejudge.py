"""Stored IPT evidence kept in step with this finder's rules.

Evidence is judged once, at import, and stored with the record. When a newer finder
ships different rules (``ipt_rules.toml``) or judges differently (``ipt.JUDGE_VERSION``),
the stored classes would stay the old ones. The store's meta keeps the fingerprint of the
rules its evidence was judged with; a command that shows evidence calls ``refresh`` first,
which costs one meta read when nothing changed, and otherwise judges every stored record
again from its stored fields (never re-importing) in one transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache

from finder.judge import ipt
from finder.storage.store import Doc, Store

META_KEY = "ipt_rules"


@cache
def rules_fingerprint() -> str:
    """What stored evidence was judged with: the rule table and ``ipt.JUDGE_VERSION``."""
    digest = hashlib.sha256(f"{ipt.JUDGE_VERSION}\0{ipt.rules_text()}".encode())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class Rejudged:
    """What a refresh did: how many clinicians' strongest class changed."""

    clinicians_changed: int
    rules_changed: bool  # False: the store predates fingerprints (or is new)

    def message(self) -> str | None:
        """The one line for the person, or ``None`` when there is nothing to say."""
        if not self.rules_changed and not self.clinicians_changed:
            return None
        n = self.clinicians_changed
        changed = (
            "no clinician changed class"
            if n == 0
            else f"{n:,} clinician{'s' if n != 1 else ''} changed class"
        )
        return f"IPT evidence re-read with finder's current rules: {changed}"


def refresh(store: Store) -> Rejudged | None:
    """Judge the stored records again when their rules are not this finder's; ``None``
    when they are (one meta read) or the store holds no records."""
    current = rules_fingerprint()
    if store.meta().get(META_KEY) == current or not len(store.records):
        return None  # nothing judged yet: the first import stamps the rules
    with store.transaction():
        stamped = store.meta().get(META_KEY)
        if stamped == current:  # another finder re-judged while this one waited
            return None
        table = store.records
        before: dict[object, list[ipt.IptEvidence]] = {}
        after: dict[object, list[ipt.IptEvidence]] = {}
        changes: dict[int, Doc] = {}
        for doc_id, doc in table.raw_docs():
            who = doc.get("tid") if doc.get("tid") is not None else ("record", doc_id)
            old = ipt.IptEvidence.from_dict(doc["ipt"]) if doc.get("ipt") else ipt.NO_EVIDENCE
            new = ipt.assess(doc.get("fields") or {})
            before.setdefault(who, []).append(old)
            after.setdefault(who, []).append(new)
            judged = new.to_dict()
            if judged != doc.get("ipt"):
                changes[doc_id] = {"ipt": judged}
        table.update_many(changes)
        store.set_meta(**{META_KEY: current})
    moved = sum(
        1
        for who, evidences in after.items()
        if ipt.strongest(evidences).level != ipt.strongest(before[who]).level
    )
    return Rejudged(clinicians_changed=moved, rules_changed=stamped is not None)


def stamp_if_first(store: Store, had_records: bool) -> None:
    """Inside a writing transaction: records judged just now into a store that held none
    are all judged by the current rules, so the store says so (no re-judging on read)."""
    if not had_records and store.meta().get(META_KEY) is None:
        store.set_meta(**{META_KEY: rules_fingerprint()})
