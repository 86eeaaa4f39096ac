"""Checking clinicians against the NPPES NPI Registry (API v2.1), and keeping the result.

A lookup sends only therapist identifiers (DOMAIN.md s6, s10): the NPI when one
is known, otherwise first and last name (or an organisation's name), the state
and the enumeration type. Notes, answers and the user's profile never leave
the computer. Among several people of that name, the licence types the
imported records claim narrow the candidates locally (taxonomy codes -> licence
type); a name is only *matched* when exactly one candidate remains and the
state was part of the search, because names alone catch namesakes.

What the registry says is self-reported: it supports, but does not prove, an
active licence (the state board is the authority), and it says nothing about
IPT training. ``NOTICE`` says so wherever results are shown.

The ``verifications`` table holds one document per therapist, the latest
check (a failed check never replaces an earlier result)::

    {
      "tid": 12,
      "status": "matched" | "ambiguous" | "not_found" | "error",
      "checked_at": "2026-03-01T10:00:00+00:00",
      "registry": "https://npiregistry.cms.hhs.gov/api/",
      "query": {"by": "npi" | "name", "sent": {"number": "...", ...}},
      "npi": "1234567893" | null,         # matched only
      "picked": false,                    # true when the user chose among candidates
      "result": CANDIDATE | {},           # matched only
      "candidates": [CANDIDATE, ...],     # ambiguous (and the match itself when matched)
      "mismatches": [{"field", "claimed", "registry", "note"}, ...],
      "message": "..." | null              # not_found / error: what the registry said
    }

    CANDIDATE = {
      "npi", "name", "credential", "organization": bool,
      "status": "active" | "deactivated" | other | null, "last_updated",
      "license_type", "license_number", "license_state",      # from the primary taxonomy
      "taxonomies": [{"code", "desc", "primary", "license", "state", "license_type"}],
      "location": {"address", "city", "state", "zip", "phone"}
    }

A matched result is also stored as a record (rid ``verify-<tid>``, source kind
``verify``, pinned to the therapist) carrying the registry's NPI, credentials,
licence and taxonomy values, so ``finder show`` lists them with provenance and
``Therapist.conflicts`` shows where they disagree with imported claims.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

from finder.errors import NotFound, UsageError
from finder.judge import therapists
from finder.judge.registry import candidate, claims, first_claim, mismatches, read_results
from finder.records import normalize, taxonomy
from finder.records.models import Source, SourceKind, now_iso
from finder.storage.store import Doc, Store

if TYPE_CHECKING:
    from finder.judge.therapists import Therapist
    from finder.online.net import Client

DEFAULT_URL: Final = "https://npiregistry.cms.hhs.gov/api/"
URL_ENV: Final = "FINDER_NPPES_URL"
SEARCH_LIMIT: Final = 50
MAX_CANDIDATES: Final = 20

NOTICE: Final[tuple[str, ...]] = (
    "The NPI registry is self-reported: it supports, but does not prove, an active license.",
    "The state licensing board is the authority for whether a license is active.",
    "The registry says nothing about IPT training: ask about it on the call.",
)


class Status(StrEnum):
    MATCHED = "matched"
    AMBIGUOUS = "ambiguous"
    NOT_FOUND = "not_found"
    ERROR = "error"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


@dataclass(frozen=True)
class Query:
    """What one lookup will send, decided before anything goes online."""

    tid: int
    name: str
    by: str  # "npi" | "name" | "" (nothing to look up)
    params: dict[str, str]
    state: str | None = None
    license_types: frozenset[str] = frozenset()

    def describe(self) -> str:
        """What will be sent, in words, for the question asked before going online."""
        if self.by == "npi":
            return f"NPI {self.params['number']}"
        if self.by == "":
            return "nothing to send (no NPI and no first and last name)"
        who = self.params.get("organization_name") or (
            f"{self.params.get('first_name', '')} {self.params.get('last_name', '')}".strip()
        )
        return f"name {who}" + (f", state {self.state}" if self.state else "")


@dataclass
class Verification:
    tid: int
    status: Status
    checked_at: str
    registry: str
    query: Query
    npi: str | None = None
    picked: bool = False
    result: dict[str, Any] = field(default_factory=dict)
    candidates: list[dict[str, Any]] = field(default_factory=list)
    mismatches: list[dict[str, Any]] = field(default_factory=list)
    message: str | None = None

    def to_doc(self) -> Doc:
        sent = {k: v for k, v in self.query.params.items() if k not in ("version", "limit")}
        return {
            "tid": self.tid,
            "status": self.status.value,
            "checked_at": self.checked_at,
            "registry": self.registry,
            "query": {"by": self.query.by, "sent": sent},
            "npi": self.npi,
            "picked": self.picked,
            "result": self.result,
            "candidates": self.candidates,
            "mismatches": self.mismatches,
            "message": self.message,
        }


def registry_url(given: str | None = None) -> str:
    """``--base-url``, else ``$FINDER_NPPES_URL``, else the public registry."""
    # kept here: httpx (100 ms) loads only when verify goes online; `finder show` reads results offline
    from finder.online.net import check_http_url

    url = given or os.environ.get(URL_ENV) or DEFAULT_URL
    return check_http_url(url)


# --- deciding what to send -------------------------------------------------------------------


def plan(therapist: Therapist) -> Query:
    """The lookup for ``therapist``: by NPI when a valid one is claimed, else by name and state."""
    # An NPI an earlier check matched (or the user picked) counts when no source gives one,
    # so checking again does not fall back to a name search and lose the pick.
    known = claims(therapist, "npi") + [c.value for c in therapist.values("npi")]
    npi = next((n for n in (normalize.npi(v) for v in known) if n), None)
    state = normalize.state(first_claim(therapist, "license_state")) or normalize.state(
        first_claim(therapist, "state")
    )
    # Licences are matched by family: "LICSW" and "Clinical Social Worker" are one kind.
    found = [normalize.licence_family(v) for v in claims(therapist, "license_type")]
    for codes in claims(therapist, "taxonomies"):
        for code in codes if isinstance(codes, list) else [codes]:
            found.append(normalize.licence_family(taxonomy.license_type(str(code))))
    kinds = {k for k in found if k}
    base = {"version": "2.1"}
    if npi:
        return Query(therapist.tid, therapist.name, "npi", {**base, "number": npi}, state,
                     frozenset(kinds))  # fmt: skip
    params = {**base, "limit": str(SEARCH_LIMIT)}
    if therapist.is_organization:
        org = first_claim(therapist, "name")
        if not org:
            return Query(therapist.tid, therapist.name, "", {})
        params.update(enumeration_type="NPI-2", organization_name=str(org))
    else:
        first = first_claim(therapist, "first_name")
        last = first_claim(therapist, "last_name")
        if not (first and last):
            return Query(therapist.tid, therapist.name, "", {})
        params.update(enumeration_type="NPI-1", first_name=str(first), last_name=str(last))
    if state:
        params["state"] = state
    return Query(therapist.tid, therapist.name, "name", params, state, frozenset(kinds))


# --- reading the registry's answer: finder.judge.registry ------------------------------


def _narrow(found: list[dict[str, Any]], query: Query) -> list[dict[str, Any]]:
    """Keep candidates whose registry licence types fit what the sources claim, if any do."""
    if not query.license_types:
        return found
    fitting = [
        c for c in found
        if query.license_types
        & {normalize.licence_family(t["license_type"]) for t in c["taxonomies"]}
    ]  # fmt: skip
    return fitting or found


def check(client: Client, registry: str, therapist: Therapist, now: str) -> Verification:
    """Look ``therapist`` up; network failures raise ``NetworkError`` (nothing is stored)."""
    # kept here: httpx (100 ms) loads only when verify goes online; `finder show` reads results offline
    from finder.online.net import host_of

    query = plan(therapist)
    result = Verification(therapist.tid, Status.ERROR, now, registry, query)
    if query.by == "":
        result.message = "nothing to look up: no NPI and no first and last name"
        return result
    answer = read_results(client.get_json(registry, query.params), host_of(registry))
    if isinstance(answer, str):
        result.message = f"the registry answered with an error: {answer}"
        return result
    found = [candidate(r) for r in answer]
    if not found:
        result.status = Status.NOT_FOUND
        result.message = (
            f"no NPI record with number {query.params['number']}"
            if query.by == "npi"
            else f"no NPI record for {query.describe()[5:]}"
        )
        return result
    if query.by == "name":
        found = _narrow(found, query)
    if len(found) == 1 and (query.by == "npi" or query.state):
        return _matched(result, therapist, found[0], query.by)
    result.status = Status.AMBIGUOUS
    result.candidates = found[:MAX_CANDIDATES]
    if len(found) == 1:
        result.message = "one record of that name, but no state to confirm it is the same person"
    else:
        result.message = f"{len(found)} records of that name"
    return result


def _matched(
    result: Verification, therapist: Therapist, found: dict[str, Any], by: str
) -> Verification:
    result.status = Status.MATCHED
    result.npi = found.get("npi")
    result.result = found
    result.candidates = []
    result.mismatches = mismatches(therapist, found, by)
    result.message = None
    return result


# --- running checks and keeping the results --------------------------------------------------


def run(
    store: Store, tids: Iterable[int], *, registry: str | None = None, client: Client | None = None
) -> list[Verification]:
    """Check every therapist in ``tids``, then store all results in one transaction.

    A network failure part-way raises ``NetworkError`` and stores nothing.
    """
    # kept here: httpx (100 ms) loads only when verify goes online; `finder show` reads results offline
    from finder.online.net import Client as NetClient

    url = registry_url(registry)
    people = [therapists.get(store, tid) for tid in dict.fromkeys(tids)]
    own = client is None
    net = client or NetClient()
    try:
        now = now_iso()
        results = [check(net, url, t, now) for t in people]
    finally:
        if own:
            net.close()
    save(store, results)
    return results


def plans(store: Store, tids: Iterable[int]) -> list[Query]:
    """What ``run`` would send for each therapist (shown before going online)."""
    return [plan(therapists.get(store, tid)) for tid in dict.fromkeys(tids)]


def save(store: Store, results: list[Verification]) -> None:
    """Store results in one transaction; a failed check never replaces an earlier answer."""
    with store.transaction():
        table = store.verifications
        tids = {r.tid for r in results}
        old: dict[int, list[int]] = {}
        for doc in table.find(lambda d: d.get("tid") in tids):
            old.setdefault(doc["tid"], []).append(doc["_id"])
        kept = [r for r in results if not (r.status is Status.ERROR and old.get(r.tid))]
        table.remove(i for r in kept for i in old.get(r.tid, []))
        table.insert_many(r.to_doc() for r in kept)
        rids = {f"verify-{r.tid}" for r in kept}
        store.records.remove_where(lambda d: d.get("rid") in rids)
        store.records.insert_many(
            _record(r, f"verify-{r.tid}") for r in kept if r.status is Status.MATCHED
        )


def _record(result: Verification, rid: str) -> Doc:
    # kept here: only records found online are judged; `finder show` loads this module too
    from finder.judge.enrich import enrich

    found = result.result
    raw: dict[str, Any] = {
        "npi": found.get("npi"),
        "credentials": found.get("credential"),
        "license_number": found.get("license_number"),
        "license_state": found.get("license_state"),
        "taxonomies": [t["code"] for t in found.get("taxonomies", []) if t.get("code")],
    }
    fields = normalize.build_fields(raw)
    fields.pop("license_type", None)  # credentials guess; the taxonomy decides below
    if found.get("license_type"):
        fields["license_type"] = found["license_type"]
    slots = found.get("taxonomies") or []
    if slots and slots[0].get("desc"):
        fields["title"] = slots[0]["desc"]
    source = Source(
        path=f"NPPES NPI Registry ({result.registry})",
        format="nppes-api",
        locator=f"NPI {found.get('npi')}",
        imported_at=result.checked_at,
        kind=SourceKind.VERIFY,
    )
    return {
        "rid": rid,
        "source": source.to_dict(),
        "key": rid,
        "fields": fields,
        "extra": {"status": found.get("status"), "location": found.get("location")},
        "warnings": [],
        "tid": result.tid,
        "pinned": True,
        **enrich(fields),
    }


def latest(store: Store, tid: int) -> Doc | None:
    """The stored result of the last check of ``tid``, or ``None`` if never checked."""
    docs = store.verifications.find(tid=tid)
    if not docs:
        return None
    doc = max(docs, key=lambda d: (d.get("checked_at", ""), d["_id"]))
    return {k: v for k, v in doc.items() if k != "_id"}


def pick(store: Store, tid: int, npi: str) -> Verification:
    """Choose one candidate of an ambiguous check as the match (offline: it was stored)."""
    wanted = normalize.npi(npi)
    if wanted is None:
        raise UsageError(f"{npi!r} is not a valid 10-digit NPI")
    therapist = therapists.get(store, tid)
    doc = latest(store, tid)
    if doc is None or doc["status"] != Status.AMBIGUOUS.value:
        raise NotFound(
            f"therapist {tid} has no ambiguous check to pick from; run `finder verify {tid}` first"
        )
    chosen = next((c for c in doc["candidates"] if c.get("npi") == wanted), None)
    if chosen is None:
        listed = ", ".join(str(c.get("npi")) for c in doc["candidates"])
        raise NotFound(
            f"NPI {wanted} is not among the candidates of therapist {tid} ({listed}); "
            f"if you know it is theirs: finder edit {tid} npi {wanted} && finder verify {tid}"
        )
    sent = dict(doc["query"]["sent"])
    query = Query(tid, therapist.name, "pick", sent)
    result = Verification(tid, Status.MATCHED, now_iso(), doc["registry"], query, picked=True)
    _matched(result, therapist, chosen, "pick")
    save(store, [result])
    return result
