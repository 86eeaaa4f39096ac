"""One clinician across many sources: which records are the same therapist.

Records are linked in order of evidence strength. Every rule is a blocking
key, so the work grows with the number of records, never with its square:

1. the user's own decisions (``finder merge --same``);
2. the same NPI; the same directory profile (canonical URL); the same licence
   number in the same state;
3. the same phone number and family name (given names must not contradict);
4. a close name (rapidfuzz) in the same ZIP or city (for the user to decide when
   the sources state different license families or only different phones).

Links go through a union-find whose clusters remember their NPIs, states and
licences, so whatever order the evidence comes in, no therapist ever holds two
NPIs, and the weak rules (3 and 4) never join namesakes in different states or
with different licence numbers in one state. Organisations only join
organisations; a "different" decision is never crossed. Close-but-unsure pairs
are kept for ``finder merge --review``.

Therapist ids are stable: a cluster keeps the smallest old id it holds the most
records of. A therapist whose records joined another's is *absorbed*: its
shortlist, contacts, answers, notes and verifications move to the survivor.
Pinned records (the user's corrections) take no part in matching; they stay
with their therapist, and follow it when it is absorbed.
"""

from __future__ import annotations

import gc
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from finder.errors import NotFound, UsageError
from finder.judge import neighbours
from finder.judge.linkage import (
    AUTO_SCORE,
    ORG_AUTO_SCORE,
    ORG_REVIEW_SCORE,
    REVIEW_SCORE,
    USER,
    WEAK,
    Clusters,
    Rec,
    given_match,
    link_identical,
    name_score,
    names_agree,
    pairs,
    shared_blocks,
    why_different,
)
from finder.records.models import now_iso
from finder.storage import backup
from finder.storage.moves import move_therapist_data
from finder.storage.store import Doc, Store


@dataclass(frozen=True)
class Candidate:
    """Two records that may be the same clinician; the user decides."""

    a: str
    b: str
    score: int
    reason: str


@dataclass
class Plan:
    """What a relink decides: a therapist id per record, and ids that were absorbed."""

    tids: dict[str, int]
    absorbed: dict[int, int]
    review: list[Candidate]
    comparisons: int
    next_tid: int
    #: The records as planning read them, by document id (relink takes them to index their
    #: keys, and empties this).
    recs: dict[int, Rec] = field(default_factory=dict, repr=False, compare=False)


# ------------------------------------------------------------------ planning


def _latest_decisions(decisions: Iterable[Doc]) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for doc in sorted(decisions, key=lambda d: (d.get("at", ""), d.get("_id", 0))):
        rids = doc.get("rids") or []
        if len(rids) == 2 and doc.get("decision") in ("same", "different"):
            a, b = sorted(map(str, rids))
            out[(a, b)] = doc["decision"]
    return out


def make_plan(docs: Iterable[Doc], decisions: Iterable[Doc] = (), next_tid: int = 1) -> Plan:
    """Decide a therapist id for every record (pure: nothing is written)."""
    return _quiet_plan([(d.get("_id"), d) for d in docs], list(decisions), next_tid)


def _make_plan(
    docs: Sequence[tuple[int | None, Doc]], decisions: Iterable[Doc], next_tid: int
) -> Plan:
    """``make_plan`` of (doc id, document) pairs: the store's own dicts need no copies."""
    pinned = [d for _, d in docs if d.get("pinned") and d.get("tid") is not None]
    recs = [Rec(d, doc_id) for doc_id, d in docs
            if not (d.get("pinned") and d.get("tid") is not None)]  # fmt: skip
    recs.sort(key=attrgetter("rid"))
    index = {r.rid: i for i, r in enumerate(recs)}
    decided = _latest_decisions(decisions)
    forbidden: dict[int, set[int]] = defaultdict(set)
    for (ra, rb), decision in decided.items():
        if decision == "different" and ra in index and rb in index:
            forbidden[index[ra]].add(index[rb])
            forbidden[index[rb]].add(index[ra])
    uf = Clusters(recs, forbidden)
    for (ra, rb), decision in decided.items():
        if decision == "same" and ra in index and rb in index:
            uf.link(index[ra], index[rb], USER)

    # Blocks of one record compare nothing: only shared keys are collected.
    # An identifier shared by two names that are clearly two people is a directory's
    # mistake (a group's NPI on each clinician, a scraper's reused URL): not a link, but
    # a pair for the user to look at.
    def agree(x: int, y: int) -> bool:
        return names_agree(recs[x], recs[y])

    refused = [
        (f"same {what} {key}", x, y)
        for what, keys in (
            ("NPI", lambda r: [r.npi] if r.npi else ()),
            ("profile URL", lambda r: [r.url] if r.url else ()),
        )
        for key, x, y in link_identical(uf, shared_blocks(recs, keys), agree)
    ]
    link_identical(uf, shared_blocks(recs, lambda r: [r.lic] if r.lic else ()), agree)
    link_identical(uf, shared_blocks(recs, lambda r: [r.dup] if r.dup else ()))
    phone_blocks = shared_blocks(
        recs, lambda r: () if r.org or not r.family else [(p, r.family) for p in r.phones]
    )
    for members in phone_blocks.values():
        for x, y in pairs(members, recs) if len(members) > 2 else (members,):
            if given_match(recs[x].given, recs[y].given) is not None:
                uf.link(x, y, WEAK)
    review = _link_close_names(uf, recs)
    _same_name_in_state(uf, recs, review)
    if refused:
        # kept here: rapidfuzz (10 ms) loads only when names are compared
        from rapidfuzz.fuzz import ratio

        for reason, x, y in refused:
            a, b = recs[x], recs[y]
            why = why_different(a, b) or "names differ"
            candidate = Candidate(a.rid, b.rid, round(ratio(a.label, b.label)), f"{reason}, {why}")
            review.setdefault((x, y), candidate)
    candidates = _open_candidates(uf, review, decided)
    tids, absorbed, next_tid = _assign(recs, uf, pinned, next_tid)
    return Plan(tids, absorbed, candidates, uf.comparisons, next_tid, {r.doc_id: r for r in recs})


_THRESHOLDS = {False: (AUTO_SCORE, REVIEW_SCORE), True: (ORG_AUTO_SCORE, ORG_REVIEW_SCORE)}


def _place_keys(r: Rec, open_cities: set[str]) -> list[tuple[str, ...]]:
    """Blocking keys of rule 4: a name key in the record's ZIP and in its city.

    A city is a city in a state: Portland, OR and Portland, ME are never compared
    (records in two states never join on a name). A record that names no state is
    compared with every record of its city, so those records also get a key of the
    city alone, when some record without a state names that city (``open_cities``).
    """
    names = r.name_keys()
    if not names:
        return []
    keys: list[tuple[str, ...]] = [("z", r.zip, name) for name in names] if r.zip else []
    city = r.city
    if city:
        if not r.states or city in open_cities:
            keys.extend([("c", city, name) for name in names])
        for state in r.states:
            keys.extend([("s", state, city, name) for name in names])
    return keys


def _link_close_names(uf: Clusters, recs: list[Rec]) -> dict[tuple[int, int], Candidate]:
    """Rule 4: close names in the same ZIP or city; the unsure ones become candidates."""
    review: dict[tuple[int, int], Candidate] = {}
    seen: set[tuple[int, int]] = set()
    open_cities = {r.city for r in recs if r.city and not r.states}
    blocks = shared_blocks(recs, lambda r: _place_keys(r, open_cities))
    for key, members in blocks.items():
        for x, y in pairs(members, recs) if len(members) > 2 else (members,):
            a, b = recs[x], recs[y]
            if a.org != b.org or (x, y) in seen:
                continue
            seen.add((x, y))
            uf.comparisons += 1
            scored = name_score(a, b)
            if scored is None:
                continue
            score, how = scored
            auto, floor = _THRESHOLDS[a.org]
            if score >= auto:
                uf.link(x, y, WEAK)
            elif score >= floor:
                where = f"same ZIP {a.zip}" if key[0] == "z" else "same city"
                review[(x, y)] = Candidate(a.rid, b.rid, round(score), f"{how}, {where}")
    return review


def _same_name_in_state(
    uf: Clusters, recs: list[Rec], review: dict[tuple[int, int], Candidate]
) -> None:
    """The same name in one state but not one place: a second office, or a namesake."""

    def keys(r: Rec) -> list[tuple[str, str, str]]:
        if r.org or not r.given or not r.family or not r.states:
            return []
        if len(r.states) == 1:
            return [(s, r.given, r.family) for s in r.states]
        return [(s, r.given, r.family) for s in sorted(r.states)]

    for (state, _given, _family), members in shared_blocks(recs, keys).items():
        for x, y in pairs(members, recs) if len(members) > 2 else (members,):
            uf.comparisons += 1
            if (x, y) not in review and uf.find(x) != uf.find(y):
                reason = f"same name, both in {state}"
                review[(x, y)] = Candidate(recs[x].rid, recs[y].rid, 100, reason)


def _open_candidates(
    uf: Clusters, review: dict[tuple[int, int], Candidate], decided: Mapping[Any, str]
) -> list[Candidate]:
    """One candidate per pair of therapists still apart, allowed to join, and undecided."""
    shown: set[tuple[int, int]] = set()
    out: list[Candidate] = []
    for (x, y), cand in sorted(review.items(), key=lambda kv: (-kv[1].score, kv[1].a, kv[1].b)):
        rx, ry = uf.find(x), uf.find(y)
        pair = (min(rx, ry), max(rx, ry))
        if rx == ry or pair in shown or uf.conflict(rx, ry, WEAK):
            continue
        if (min(cand.a, cand.b), max(cand.a, cand.b)) in decided:
            continue
        shown.add(pair)
        out.append(cand)
    return out


def _assign(
    recs: list[Rec], uf: Clusters, pinned: list[Doc], next_tid: int
) -> tuple[dict[str, int], dict[int, int], int]:
    """Therapist ids for clusters: old ids kept (smallest first), new ones in store order."""
    clusters: dict[int, list[int]] = {}
    parent = uf.parent
    for i in range(len(recs)):
        root = i if parent[i] == i else uf.find(i)
        members = clusters.get(root)
        if members is None:
            clusters[root] = [i]
        else:
            members.append(i)
    first_doc = {
        root: recs[members[0]].doc_id if len(members) == 1 else min(recs[i].doc_id for i in members)
        for root, members in clusters.items()
    }
    holders: dict[int, Counter[int]] = defaultdict(Counter)
    for root, members in clusters.items():
        for i in members:
            tid = recs[i].tid
            if tid is not None:
                holders[int(tid)][root] += 1
    for doc in pinned:
        next_tid = max(next_tid, int(doc["tid"]) + 1)

    def best_holder(tid: int, roots: Iterable[int]) -> int | None:
        ranked = sorted(roots, key=lambda root: (-holders[tid][root], first_doc[root]))
        return ranked[0] if ranked else None

    assigned: dict[int, int] = {}
    for tid in sorted(holders):
        next_tid = max(next_tid, tid + 1)
        holder = best_holder(tid, (r for r in holders[tid] if r not in assigned))
        if holder is not None:
            assigned[holder] = tid
    for root in sorted(clusters, key=lambda r: first_doc[r]):
        if root not in assigned:
            assigned[root] = next_tid
            next_tid += 1
    kept = set(assigned.values())
    absorbed: dict[int, int] = {}
    for tid in holders:
        if tid not in kept:
            holder = best_holder(tid, holders[tid])
            assert holder is not None
            absorbed[tid] = assigned[holder]
    tids = {recs[i].rid: assigned[root] for root, members in clusters.items() for i in members}
    for doc in pinned:
        old = int(doc["tid"])
        tids[str(doc.get("rid"))] = absorbed.get(old, old)
    return tids, absorbed, next_tid


# ------------------------------------------------------------------ writing


def relink(store: Store, changed_rids: Iterable[str] = (), new: Sequence[Doc] = ()) -> Plan:
    """Plan therapists and write what changed (inside a transaction).

    With ``changed_rids`` only their neighbourhood is planned (``neighbours``): one
    new record can join two therapists that existed before, and those are among its
    neighbours. Without, or when the neighbourhood grows past a share of the store,
    the whole store is planned and every record's keys are indexed again. ``new``:
    documents to insert first (among ``changed_rids``; their dicts are handed over).
    When the whole store is planned they are planned before they are written, and
    written once, with their therapist ids and keys.
    """
    with store.transaction():
        table = store.records
        decisions = store.merge_decisions.all()
        # Above every id in use, whatever wrote them (the planner may see only some records).
        own_tids = [int(d["tid"]) for d in table.own_docs() if d.get("tid") is not None]
        next_tid = max([int(store.meta().get("next_tid", 1)), table.index.max_tid() + 1,
                        *(t + 1 for t in own_tids)])  # fmt: skip
        rids = set(changed_rids)
        ahead = neighbours.Ahead(table, rids, new)
        planned = None
        if not ahead:
            planned = neighbours.plan_area(
                store, rids, decisions, lambda docs: _quiet_plan(docs, decisions, next_tid)
            )
        whole = planned is None
        if planned is None:
            docs = ahead.docs()
            planned = docs, _quiet_plan(docs, decisions, next_tid)
        docs, plan = planned
        own = {d["_id"] for d in table.own_docs()}
        imported = ((doc_id, doc) for doc_id, doc in docs if doc_id not in own)
        # Keys first: planning's records are let go before the records are written.
        keys = neighbours.keys_by_id(imported, plan.recs)
        ahead.write(neighbours.tid_updates(docs, plan.tids))
        table.set_keys(keys, everything=whole)
        if plan.absorbed:
            move_therapist_data(store, plan.absorbed)
            store.log_moves(plan.absorbed)
        store.set_meta(next_tid=max(plan.next_tid, next_tid))
    return plan


def _quiet_plan(
    docs: Sequence[tuple[int | None, Doc]], decisions: list[Doc], next_tid: int
) -> Plan:
    # Planning makes a few small objects per record and no reference cycles; the cyclic
    # garbage collector would rescan them all again and again as they pile up, which
    # makes a big store cost more than linear time.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _make_plan(docs, decisions, next_tid)
    finally:
        if enabled:
            gc.enable()


# ------------------------------------------------------------------ the user's decisions


def _resolve(store: Store, ref: str, docs: list[Doc]) -> list[Doc]:
    """A record id (or a unique prefix of 6+ characters) or a therapist id -> its records."""
    ref = str(ref).strip()
    movable = [d for d in docs if not d.get("pinned")]
    exact = [d for d in movable if d.get("rid") == ref]
    if exact:
        return exact
    if ref.isdigit() and len(ref) < 12:
        found = [d for d in movable if d.get("tid") == int(ref)]
        if found:
            return sorted(found, key=lambda d: d["_id"])
    elif len(ref) >= 6:
        found = [d for d in movable if str(d.get("rid", "")).startswith(ref)]
        if len({d["rid"] for d in found}) == 1:
            return found
        if found:
            raise UsageError(f"{ref!r} matches {len(found)} records; give more characters")
    raise NotFound(f"no therapist or record {ref!r}; `finder list` shows ids, "
                   "`finder merge` shows record ids")  # fmt: skip


def records_of(store: Store, ref: str) -> list[Doc]:
    """The records a reference names: a record id, a unique prefix of one, or a therapist id."""
    return _resolve(store, ref, store.records.all())


def _record_decisions(store: Store, left: list[Doc], right: list[Doc], decision: str) -> None:
    a_rids = {d["rid"] for d in left}
    b_rids = {d["rid"] for d in right}

    def across(doc: Doc) -> bool:
        x, y = doc.get("rids") or ["", ""]
        return (x in a_rids and y in b_rids) or (x in b_rids and y in a_rids)

    # The latest word wins: earlier decisions between these records are dropped.
    store.merge_decisions.remove_where(across)
    stamp = now_iso()
    if decision == "same":
        pairs = [(left[0]["rid"], right[0]["rid"])]
    else:
        pairs = [(a, b) for a in sorted(a_rids) for b in sorted(b_rids) if a != b]
    store.merge_decisions.insert_many(
        {"rids": sorted(pair), "decision": decision, "at": stamp} for pair in pairs
    )


@dataclass(frozen=True)
class Outcome:
    """Where the records of each side ended up after a decision."""

    first: tuple[int, ...]
    second: tuple[int, ...]


def decide(store: Store, first: str, second: str, decision: str) -> Outcome:
    """Record that two records (or therapists) are the same clinician, or different ones."""
    return decide_many(store, [(first, second, decision)])[0]


def decide_many(store: Store, decisions: Iterable[tuple[str, str, str]]) -> list[Outcome]:
    """Several decisions, then one relink (a review session answers many pairs)."""
    _backup(store, "before merge decisions")
    with store.transaction():
        docs = store.records.all()
        sides: list[tuple[list[Doc], list[Doc]]] = []
        for first, second, decision in decisions:
            if decision not in ("same", "different"):
                raise UsageError(f"decision must be 'same' or 'different', not {decision!r}")
            left, right = _resolve(store, first, docs), _resolve(store, second, docs)
            left_rids = {d["rid"] for d in left}
            if left_rids == {d["rid"] for d in right}:
                raise UsageError(f"{first} and {second} are the same records; give two others")
            if decision == "different":
                right = [d for d in right if d["rid"] not in left_rids]
            _record_decisions(store, left, right, decision)
            sides.append((left, right))
        plan = relink(store)
    return [
        Outcome(
            tuple(sorted({plan.tids[d["rid"]] for d in left})),
            tuple(sorted({plan.tids[d["rid"]] for d in right})),
        )
        for left, right in sides
    ]


def split_parts(store: Store, tid: int, refs: Iterable[str] = ()) -> tuple[list[Doc], list[Doc]]:
    """What ``split`` would do, changing nothing: the therapist's records and those set apart."""
    docs = store.records.all()
    own = sorted((d for d in docs if d.get("tid") == tid and not d.get("pinned")),
                 key=lambda d: d["_id"])  # fmt: skip
    if not any(d.get("tid") == tid for d in docs):
        raise NotFound(f"no therapist {tid}; `finder list` shows the ids")
    if len(own) < 2:
        raise UsageError(f"therapist {tid} has only one record; there is nothing to split")
    if not refs:
        return own, own[1:]
    chosen = {doc["rid"]: doc for ref in refs for doc in _resolve(store, ref, own)}
    apart = list(chosen.values())
    return own, apart[1:] if len(apart) == len(own) else apart


def split(store: Store, tid: int, refs: Iterable[str] = ()) -> list[int]:
    """Undo a merge: the given records (default: all) become separate therapists.

    The records are remembered as different, so no later import joins them again.
    Returns the therapist ids the records now have, smallest (the kept id) first.
    """
    _backup(store, "before split")
    with store.transaction():
        own, apart = split_parts(store, tid, refs)
        for doc in apart:
            _record_decisions(store, [doc], [d for d in own if d["rid"] != doc["rid"]],
                              "different")  # fmt: skip
        plan = relink(store)
    return sorted({plan.tids[d["rid"]] for d in own})


def _backup(store: Store, reason: str) -> None:
    """Merges and splits move answers and notes between therapists: keep a copy first."""
    if store.path is not None:
        backup.make(store.path, reason)


def review(store: Store) -> list[Candidate]:
    """Pairs of records that may be one clinician and that nobody has decided yet."""
    docs = store.records.all()
    return make_plan(docs, store.merge_decisions.all(), int(store.meta().get("next_tid", 1))).review
