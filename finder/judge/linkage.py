"""What makes two records one clinician: identity keys, name scores, a guarded union-find.

``finder.judge.merge`` plans therapists with these pieces. ``Rec`` reads what matters
for matching from a record once; ``Clusters`` is a union-find whose roots
remember their NPIs, states and licences, so a link that would put two NPIs
(or, for the weak rules, two states or two licence numbers of one state) into
one therapist is refused whatever order the evidence came in.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any

from finder.records.normalize.licences import licence_family
from finder.records.normalize.urls import canonical_profile_url
from finder.storage.store import Doc

#: A close name at or above this rapidfuzz score (0-100) in the same place is the same person.
AUTO_SCORE = 92.0
#: Between this and AUTO_SCORE a pair is shown by ``finder merge --review``.
REVIEW_SCORE = 80.0
ORG_AUTO_SCORE = 95.0
ORG_REVIEW_SCORE = 85.0
#: Blocks bigger than this are compared by sorted neighbourhood (a window), not all pairs.
BLOCK_LIMIT = 24
WINDOW = 6

#: How hard a link is checked: the user's word, an identifier, a name.
USER, STRONG, WEAK = 0, 1, 2
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_ORG_STOP = frozenset({"llc", "pllc", "inc", "ltd", "pc", "corp", "co", "the", "and", "of"})
_TRACKING = re.compile(r"^(utm_\w+|ref|sid|source|trk|fbclid|gclid|tr)$", re.I)


_WORD = re.compile(r"[a-z0-9]+")
# A statement this long is someone's own words, not a stock line ("Accepting new clients").
_OWN_WORDS = 40


@lru_cache(maxsize=1 << 16)
def _fold(text: str) -> tuple[str, ...]:
    text = text.replace("'", "").replace("\u2019", "")
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return tuple(_WORD.findall(text.casefold()))


def fold(text: Any) -> list[str]:
    """Accent-free, case-free word tokens: ``"O'Brien-Núñez"`` -> ``["obrien", "nunez"]``.

    Cached: names and cities repeat across a store, and this runs for every record.
    """
    return list(_fold(str(text)))


def canonical_url(url: Any) -> str | None:
    """A directory profile URL reduced to what identifies the profile: the one reader,
    ``normalize.urls.canonical_profile_url``, so linking and display agree."""
    return canonical_profile_url(str(url)) if url else None


def licence_key(number: Any, state: Any, kind: Any = None) -> tuple[str, str] | None:
    """``("MA LCSW", "118148")``: boards number licences per licence type, so in one state
    an LMHC and a psychologist can both hold licence 1517; the type is part of the key."""
    if not number or not state:
        return None
    digits = re.sub(r"[^0-9A-Z]", "", str(number).upper())
    # "LIC-0118148" and "118148": within one state and licence type the letters and
    # leading zeros are decoration.
    digits = re.sub(r"^[A-Z]+(?=\d+$)", "", digits)
    if digits.isdigit():
        digits = digits.lstrip("0")
    # "1" or "00" is a placeholder somebody typed, not a licence number.
    if len(digits) < 3 or not re.search(r"\d", digits):
        return None
    family = licence_family(kind) if kind else None
    return (f"{str(state).upper()} {(family or '').upper()}".strip(), digits)


class Rec:
    __slots__ = ("city", "doc_id", "dup", "family", "given", "kind", "label", "lic", "npi",
                 "org", "phones", "rid", "states", "tid", "url", "zip")  # fmt: skip

    def __init__(self, doc: Doc, doc_id: int | None = None) -> None:
        # Runs for every record of the store on every relink: the cached ``_fold`` tuples
        # are used as they are, and identifiers a record lacks cost no call. ``doc_id``
        # stands in for ``doc["_id"]`` when the dict is the store's own.
        fields: Mapping[str, Any] = doc.get("fields") or {}
        get = fields.get
        if doc_id is None:
            doc_id = doc.get("_id")
        self.rid = str(doc.get("rid") or f"doc-{doc_id}")
        self.doc_id = int(doc_id or 0)
        self.tid: int | None = doc.get("tid")
        self.org = bool(get("is_organization"))
        self.npi = get("npi") or None
        profile_url = get("profile_url")
        self.url = canonical_url(profile_url) if profile_url else None
        state = get("state")
        license_state = get("license_state")
        number = get("license_number")
        kind = get("license_type")
        self.kind = licence_family(kind) if kind else None
        self.lic = licence_key(number, license_state or state, kind) if number else None
        # A tuple, not a set: 100,000 one-item sets would take 20 MB of a big import.
        self.states: tuple[str, ...]
        if license_state and license_state != state:
            self.states = (state, license_state) if state else (license_state,)
        else:
            self.states = (state,) if state else ()
        self.zip = get("zip") or None
        city = get("city")
        self.city = (" ".join(_fold(str(city))) or None) if city else None
        phones = get("phones")
        if not phones:
            self.phones = []
        elif len(phones) == 1 and type(phones[0]) is str:
            self.phones = [phones[0]]
        else:
            self.phones = [p for p in phones if isinstance(p, str)]
        if self.org:
            self.given = ""
            self.family = ""
            tokens = _name_tokens(get("name"))
            self.label = " ".join(t for t in tokens if t not in _ORG_STOP)
        else:
            first_name = get("first_name")
            last_name = get("last_name")
            first = _fold(str(first_name)) if first_name else ()
            last = _fold(str(last_name)) if last_name else ()
            if last and not _SUFFIXES.isdisjoint(last):
                last = tuple(t for t in last if t not in _SUFFIXES)
            # The full name only matters when a given or family name is missing.
            tokens = _name_tokens(get("name")) if not first or not last else []
            self.given = first[0] if first else (tokens[0] if len(tokens) > 1 else "")
            self.family = "".join(last) if last else (tokens[-1] if tokens else "")
            self.label = f"{self.given} {self.family}".strip()
        # One row repeated across result pages: the same name, phones and statement. A
        # phone, or a statement long enough to be someone's own words, makes the row
        # identifying: an organization with only a phone, or a clinician who lists no
        # phone, is still one (neither the phone nor the name rules would join them).
        # Kept as a digest (also the row's merge key): a big import holds one per record.
        statement = str(get("statement") or "")
        name = str(get("name") or "").casefold()
        self.dup = (
            hashlib.blake2b(
                repr((name, tuple(self.phones), statement[:400])).encode(), digest_size=12
            ).hexdigest()
            if name and (self.phones or len(statement) >= _OWN_WORDS)
            else None
        )

    def name_keys(self) -> list[str]:
        if self.org:
            words = self.label.split()
            if not words:
                return []
            return [f"o:{words[0][:4]}", f"o:{max(words, key=len)[:5]}"]
        if not self.family or not self.given:
            return []
        return [f"p:{self.family[:3]}", f"p:{self.given[:1]}{self.family[-3:]}"]


def _name_tokens(name: Any) -> list[str]:
    return [t for t in _fold(str(name)) if t not in _SUFFIXES] if name else []


def given_match(a: str, b: str) -> str | None:
    """How two given names relate: same, close (a typo), prefix (J / John), or ``None``."""
    if not a or not b:
        return "unknown"
    if a == b:
        return "same"
    if a.startswith(b) or b.startswith(a):
        return "prefix"
    # kept here: rapidfuzz (10 ms) loads only when names are compared
    from rapidfuzz.fuzz import ratio

    return "close" if ratio(a, b) >= 80 else None


# ------------------------------------------------------------------ constrained union-find


class Clusters:
    """Union-find whose roots remember what must never be joined."""

    def __init__(self, recs: list[Rec], forbidden: Mapping[int, set[int]]) -> None:
        n = len(recs)
        self.parent = list(range(n))
        self.size = [1] * n
        self.org = [r.org for r in recs]
        self.npis: list[set[str] | None] = [{r.npi} if r.npi else None for r in recs]
        # A root's states once a link gave it another record's; until then ``None``, and
        # they are its own record's (a set made when asked).
        self.recs = recs
        self.states: list[set[str] | None] = [None] * n
        self.lics: list[dict[str, set[str]] | None] = [
            {r.lic[0]: {r.lic[1]}} if r.lic else None for r in recs
        ]
        self.forbid: list[set[int] | None] = [None] * n
        for i, others in forbidden.items():
            if 0 <= i < n:
                self.forbid[i] = set(others)
        self.comparisons = 0

    def _states(self, root: int) -> set[str] | None:
        found = self.states[root]
        if found is None and self.recs[root].states:
            return set(self.recs[root].states)
        return found

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def conflict(self, ra: int, rb: int, level: int) -> bool:
        for x, other in ((ra, rb), (rb, ra)):
            forbid = self.forbid[x]
            if forbid and any(self.find(f) == other for f in forbid):
                return True
        if level == USER:
            return False
        if self.org[ra] != self.org[rb]:
            return True
        na, nb = self.npis[ra], self.npis[rb]
        if na and nb and na.isdisjoint(nb):
            return True
        if level == STRONG:
            return False
        sa, sb = self._states(ra), self._states(rb)
        if sa and sb and sa.isdisjoint(sb):
            return True
        la, lb = self.lics[ra], self.lics[rb]
        if la and lb:
            for state, numbers in la.items():
                if state in lb and numbers.isdisjoint(lb[state]):
                    return True
        return False

    def link(self, a: int, b: int, level: int) -> bool:
        """Join the clusters of ``a`` and ``b`` unless that would break a rule."""
        self.comparisons += 1
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if self.conflict(ra, rb, level):
            return False
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        sa, sb = self._states(ra), self._states(rb)
        if sb:
            self.states[ra] = sa | sb if sa else sb
        elif sa:
            self.states[ra] = sa
        groups: tuple[list[Any], ...] = (self.npis, self.forbid)
        for values in groups:
            if values[rb]:
                if values[ra]:
                    values[ra] = values[ra] | values[rb]
                else:
                    values[ra] = values[rb]
        if self.lics[rb]:
            merged = self.lics[ra] or {}
            for state, numbers in self.lics[rb].items():  # type: ignore[union-attr]
                merged[state] = merged.get(state, set()) | numbers
            self.lics[ra] = merged
        return True


def pairs(members: list[int], recs: list[Rec]) -> Iterable[tuple[int, int]]:
    """All pairs of a small block; a sorted-name window over a big one."""
    if len(members) <= BLOCK_LIMIT:
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                yield members[x], members[y]
        return
    ordered = sorted(members, key=lambda i: (recs[i].label, recs[i].rid))
    for x in range(len(ordered)):
        for y in range(x + 1, min(x + 1 + WINDOW, len(ordered))):
            yield ordered[x], ordered[y]


def blocks(recs: list[Rec], keys: Callable[[Rec], Iterable[Any]]) -> dict[Any, list[int]]:
    out: dict[Any, list[int]] = defaultdict(list)
    for i, rec in enumerate(recs):
        for key in keys(rec):
            out[key].append(i)
    return out


def shared_blocks(recs: list[Rec], keys: Callable[[Rec], Iterable[Any]]) -> dict[Any, list[int]]:
    """``blocks`` without the keys only one record has, in the same order.

    Nearly every key of a large store belongs to one record, and a block of one
    compares nothing: this skips making a list for each of them.
    """
    first: dict[Any, int] = {}  # key -> the order in which it first came
    owners: list[int] = []  # that order -> the record it came with
    shared: dict[Any, list[int]] = {}
    count = 0
    for i, rec in enumerate(recs):
        for key in keys(rec):
            order = first.setdefault(key, count)
            if order == count:
                owners.append(i)
                count += 1
            else:
                members = shared.get(key)
                if members is None:
                    shared[key] = [owners[order], i]
                else:
                    members.append(i)
    if len(shared) < 2:
        return shared
    return {key: shared[key] for key in sorted(shared, key=first.__getitem__)}


def link_identical(
    uf: Clusters,
    blocks: dict[Any, list[int]],
    agree: Callable[[int, int], bool] | None = None,
) -> list[tuple[Any, int, int]]:
    """Records sharing an identifier: join each to the first cluster that accepts it.

    Returns (key, head, record) for each record that ``agree`` kept from every head
    it shares the key with: one identifier, two names that are clearly two people.
    """
    refused: list[tuple[Any, int, int]] = []
    for key, members in blocks.items():
        heads = [members[0]]
        for i in members[1:]:
            agreed = [h for h in heads if agree is None or agree(h, i)]
            if any(uf.link(h, i, STRONG) for h in agreed):
                continue
            if not agreed:
                refused.append((key, heads[0], i))
            if len(heads) < 4:
                heads.append(i)
    return refused


def names_agree(a: Rec, b: Rec) -> bool:
    """Not clearly two people: the given names agree (or one is missing and the family
    names are close).

    A typo in a licence number, or a group's NPI on each of its clinicians, must not
    join two strangers: Joe Smith, MD, is not Susie Smith, LPC. A family name changed
    by marriage must not split one person.
    """
    return why_different(a, b) is None


def why_different(a: Rec, b: Rec) -> str | None:
    """Why two records sharing an identifier are clearly two people, else ``None``."""
    if a.kind and b.kind and a.kind != b.kind:
        return "licence families differ"
    if a.org or b.org or not a.family or not b.family:
        return None
    given = given_match(a.given, b.given)
    if given in ("same", "prefix", "close"):
        return None
    # kept here: rapidfuzz (10 ms) loads only when names are compared
    from rapidfuzz.fuzz import ratio

    if given == "unknown" and ratio(a.family, b.family) >= 80:
        return None
    return "names differ"


def stated_apart(a: Rec, b: Rec) -> bool:
    """Sources state different license families, or only different phones.

    A typo in a name would not change the license and the phone too, so two such
    records with close names are for the user to join, never joined automatically.
    """
    if a.kind and b.kind and a.kind != b.kind:
        return True
    return bool(a.phones and b.phones and set(a.phones).isdisjoint(b.phones))


def name_score(a: Rec, b: Rec) -> tuple[float, str] | None:
    """(score, how) for two names, or ``None`` when they cannot be one clinician."""
    # kept here: rapidfuzz (10 ms) loads only when names are compared
    from rapidfuzz.fuzz import ratio, token_sort_ratio

    if a.org:
        if not a.label or not b.label:
            return None
        return token_sort_ratio(a.label, b.label), "name"
    given = given_match(a.given, b.given)
    if given is None or given == "unknown":
        return None
    if a.family == b.family and given == "same":
        return 100.0, "same name"
    if ratio(a.family, b.family) < 80:
        return None
    score = float(ratio(a.label, b.label))
    if given == "prefix":
        # "J Smith" and "John Smith" may be one person; only the user can say.
        return min(score, AUTO_SCORE - 1), "given name shortened"
    if stated_apart(a, b):
        return min(score, AUTO_SCORE - 1), "close name, different license or phone"
    return score, "close name"
