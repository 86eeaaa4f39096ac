"""A therapist: every record linked to one clinician, seen field by field.

Each field keeps every value with the source and date it came from
(``Claim``). ``best`` picks what to show: what the user entered wins, then
what an online lookup returned, then the newest import. ``conflicts`` lists
the fields that matter where sources disagree; ``unconfirmed`` the claims only
a directory makes, to confirm on the call.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from finder.errors import NotFound
from finder.records.facts import list_items
from finder.records.models import CLAIM_FIELDS, CONFLICT_FIELDS, Source, SourceKind
from finder.storage.store import Doc, Store

_KIND_RANK = {SourceKind.USER: 2, SourceKind.VERIFY: 1, SourceKind.IMPORT: 0}


@dataclass(frozen=True)
class Claim:
    """One value of one field, and where it came from."""

    value: Any
    source: Source
    rid: str


@dataclass
class Therapist:
    tid: int
    records: list[Doc] = field(default_factory=list)

    @cached_property
    def _ranked(self) -> list[tuple[Doc, Source]]:
        """The records, most trusted first, each with its source read once."""
        ranked = sorted(
            self.records,
            key=lambda d: (
                _KIND_RANK[SourceKind(d["source"].get("kind", "import"))],
                bool(d.get("pinned")),  # a correction beats what the user first entered
                d["source"]["imported_at"],
            ),
            reverse=True,
        )
        return [(doc, Source.from_dict(doc["source"])) for doc in ranked]

    @cached_property
    def claims(self) -> dict[str, list[Claim]]:
        out: dict[str, list[Claim]] = defaultdict(list)
        for doc, source in self._ranked:
            for name, value in doc["fields"].items():
                if value is None:
                    continue
                out[name].append(Claim(value, source, doc["rid"]))
        return dict(out)

    def values(self, name: str) -> list[Claim]:
        """One field's claims, most trusted first (made for that field alone: a search
        judging 100,000 therapists asks for a few fields of each)."""
        if "claims" in self.__dict__:
            return self.claims.get(name, [])
        made: dict[str, list[Claim]] = self.__dict__.setdefault("_field_claims", {})
        found = made.get(name)
        if found is None:
            found = [
                Claim(doc["fields"][name], source, doc["rid"])
                for doc, source in self._ranked
                if doc["fields"].get(name) is not None
            ]
            made[name] = found
        return found

    def best(self, name: str, default: Any = None) -> Any:
        claims = self.values(name)
        return claims[0].value if claims else default

    def all_list(self, name: str) -> list[str]:
        """A list field across all sources, de-duplicated (case-insensitive), order kept."""
        out: list[str] = []
        seen: set[str] = set()
        for claim in self.values(name):
            for item in list_items(claim.value):
                key = item.casefold()
                if key not in seen:
                    seen.add(key)
                    out.append(item)
        return out

    def offices(self) -> list[str]:
        """Each distinct street address the records give ("street, city, ST zip"), best first.

        A directory prints a clinician once per office: each office is kept, not blended.
        """
        order = [c.rid for c in self.values("address")]
        fields = {doc["rid"]: doc["fields"] for doc in self.records}
        out: list[str] = []
        for rid in dict.fromkeys(order):
            f = fields[rid]
            place = " ".join(str(p) for p in (f.get("state"), f.get("zip")) if p)
            text = ", ".join(str(p) for p in (f.get("address"), f.get("city"), place) if p)
            if text and text.casefold() not in {o.casefold() for o in out}:
                out.append(text)
        return out

    @property
    def name(self) -> str:
        return str(self.best("name", f"therapist {self.tid}"))

    @property
    def is_organization(self) -> bool:
        return bool(self.best("is_organization", False))

    @property
    def sources(self) -> list[Source]:
        return [Source.from_dict(d["source"]) for d in self.records]

    @cached_property
    def ipt(self) -> Any:
        """The strongest IPT evidence across this therapist's records."""
        # kept here: the IPT rules (tomllib) load only when a therapist's evidence is asked for
        from finder.judge import ipt

        evidences = [ipt.IptEvidence.from_dict(d["ipt"]) for d in self.records if d.get("ipt")]
        return ipt.strongest(evidences)

    @property
    def point(self) -> tuple[float, float] | None:
        for doc in self.records:
            geo = doc.get("geo")
            if geo:
                return (float(geo[0]), float(geo[1]))
        return None

    @property
    def point_is_town(self) -> bool:
        """``point`` is a town's centre (the record names no ZIP or coordinates)."""
        geo: list[Any] = next((doc["geo"] for doc in self.records if doc.get("geo")), [])
        return len(geo) > 2 and geo[2] == "city"

    def conflicts(self) -> dict[str, list[Claim]]:
        """Fields that matter where sources (not the user) disagree."""
        out: dict[str, list[Claim]] = {}
        for name in CONFLICT_FIELDS:
            claims = [c for c in self.values(name) if c.source.kind is not SourceKind.USER]
            distinct = {_comparable(c.value) for c in claims}
            if len(distinct) > 1:
                out[name] = claims
        return out

    def unconfirmed(self) -> dict[str, Any]:
        """Directory claims (insurance, accepting new clients) nobody has confirmed yet."""
        out: dict[str, Any] = {}
        for name in sorted(CLAIM_FIELDS):
            claims = self.values(name)
            if claims and all(c.source.kind is SourceKind.IMPORT for c in claims):
                out[name] = claims[0].value
        return out


def _comparable(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(sorted(str(v).casefold() for v in value))
    if isinstance(value, str):
        return value.casefold().strip()
    return value


def group(records: Iterable[Doc]) -> dict[int, Therapist]:
    out: dict[int, Therapist] = {}
    for doc in records:
        tid = doc.get("tid")
        if tid is None:
            continue
        out.setdefault(tid, Therapist(tid)).records.append(doc)
    return out


def load_all(store: Store) -> list[Therapist]:
    return sorted(group(store.records.all()).values(), key=lambda t: t.tid)


def load_ids(store: Store, tids: list[int]) -> list[Therapist]:
    """These therapists, in the order given (ids with no record left out)."""
    found = group(store.records.of_therapists(tids))
    return [found[t] for t in tids if t in found]


def stream(store: Store, tids: list[int], chunk: int = 500) -> Iterator[Therapist]:
    """Therapists a few hundred at a time: a listing of every one never holds them all."""
    for start in range(0, len(tids), chunk):
        yield from load_ids(store, tids[start : start + chunk])


def get(store: Store, tid: int) -> Therapist:
    records = store.records.find(tid=tid)
    if not records:
        raise NotFound(f"no therapist {tid}; `finder list` shows the ids")
    return Therapist(tid, records)
