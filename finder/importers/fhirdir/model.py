"""The pieces of a Plan-Net directory the FHIR importer joins: resources by reference,
CodeableConcepts, extensions across Plan-Net versions, addresses, and the collector that
gathers one record's fields from several resources."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from finder.importers.base import ParseContext
from finder.records import normalize, taxonomy

NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"
NUCC_SYSTEM = "http://nucc.org/provider-taxonomy"
_ACCEPTING = {
    "newpt": "accepting new patients",
    "nopt": "not accepting patients",
    "existptonly": "existing patients only",
    "existptfam": "existing patients and their families",
}

Resource = dict[str, Any]


class _Directory:
    """All resources of a set of files, indexed for reference lookups."""

    #: "not in the imported files" warnings per file before they are only counted
    WARN_LIMIT = 20

    def __init__(self, ctx: ParseContext) -> None:
        self.ctx = ctx
        self.resources: dict[str, Resource] = {}  # "Type/id" -> the last copy read
        self.by_ref: dict[str, str] = {}  # "Type/id" or a Bundle fullUrl -> "Type/id"
        self.origin: dict[int, str] = {}  # id(resource) -> file name, for messages
        self.key_of: dict[int, str] = {}  # id(resource) -> its key in ``resources``
        self.container: dict[int, str] = {}  # id(contained resource) -> its container's key
        self.warned: set[tuple[str, str]] = set()
        self.shown: dict[str, int] = defaultdict(int)  # file -> warnings shown
        self.unwarned: dict[str, int] = defaultdict(int)  # file -> warnings not shown

    def add(self, path: Path, resource: Resource) -> None:
        self.origin[id(resource)] = path.name
        rid = resource.get("id")
        full_url = resource.get("_fullUrl")
        if isinstance(rid, str | int) and not isinstance(rid, bool):
            key = f"{resource['resourceType']}/{rid}"
        elif isinstance(full_url, str):
            key = full_url
        else:  # no identity at all: a key nothing can reference by accident
            key = f"{resource['resourceType']}/#{len(self.origin)}"
        # The same resource on two search pages is one resource, not two people.
        self.resources[key] = resource
        self.key_of[id(resource)] = key
        self.by_ref[key] = key
        if isinstance(full_url, str):
            self.by_ref[full_url] = key
        # Contained resources ("#id" references) live inside their container.
        for inner in resource.get("contained") or []:
            if not (isinstance(inner, dict) and isinstance(inner.get("resourceType"), str)):
                continue
            inner_id = inner.get("id")
            if not isinstance(inner_id, str | int) or isinstance(inner_id, bool):
                continue
            inner_key = f"{key}#{inner_id}"
            self.resources[inner_key] = inner
            self.by_ref[inner_key] = inner_key
            self.origin[id(inner)] = path.name
            self.key_of[id(inner)] = inner_key
            self.container[id(inner)] = key

    def of_type(self, kind: str) -> list[Resource]:
        return [r for r in self.resources.values() if r["resourceType"] == kind]

    def key(self, resource: Resource) -> str:
        """The identity of a resource read from the files ("Practitioner/7")."""
        return self.key_of.get(id(resource)) or locator(resource)

    def resolve(self, owner: Resource, ref: Any) -> Resource | None:
        """The resource ``ref`` points at; warns once per file and reference when absent."""
        target = ref.get("reference") if isinstance(ref, dict) else None
        if not isinstance(target, str) or not target:
            return None
        if target.startswith("#"):  # a contained resource: in the owner or beside it
            base = self.container.get(id(owner)) or self.key_of.get(id(owner), "")
            inner = f"{base}{target}"
            if inner in self.by_ref:
                return self.resources[inner]
        elif target in self.by_ref:
            return self.resources[self.by_ref[target]]
        else:
            parts = target.split("/_history/")[0].rstrip("/").split("/")
            key = "/".join(parts[-2:])
            for candidate in (key, key.replace("/#", "/")):  # "Practitioner/#7" seen too
                if candidate in self.by_ref:
                    return self.resources[self.by_ref[candidate]]
        where = self.origin.get(id(owner), "?")
        if (where, target) not in self.warned:
            self.warned.add((where, target))
            if self.shown[where] >= self.WARN_LIMIT:
                self.unwarned[where] += 1
            else:
                self.shown[where] += 1
                self.ctx.warn(
                    f"{where}: {self.locator(owner)} refers to {target}, "
                    "which is not in the imported files"
                )
        return None

    def finish(self) -> None:
        """Say how many missing references were not listed one by one."""
        for where, count in self.unwarned.items():
            self.ctx.warn(
                f"{where}: {count:,} more reference(s) to resources that are not in the "
                "imported files"
            )

    def locator(self, resource: Resource) -> str:
        """Where a resource is, for messages: "Practitioner/7", "Bundle entry ... ", ..."""
        if isinstance(resource.get("id"), str | int) and id(resource) not in self.container:
            return locator(resource)
        key = self.key_of.get(id(resource))
        if key is None or "/#" in key:
            return f"{resource.get('resourceType')} (no id)"
        return key

    def name_of(self, owner: Resource, ref: Any) -> str | None:
        """A referenced resource's name, else the reference's display, else its id."""
        found = self.resolve(owner, ref)
        if found and _text(found.get("name")):
            return _text(found.get("name"))
        if isinstance(ref, dict):
            if _text(ref.get("display")):
                return _text(ref.get("display"))
            target = _text(ref.get("reference"))
            if target:
                return target.rstrip("/").split("/")[-1]
        return None


def locator(resource: Resource) -> str:
    return f"{resource.get('resourceType')}/{resource.get('id', '?')}"


def _text(value: Any) -> str | None:
    return normalize.clean_text(value) if isinstance(value, str | int | float) else None


def _codes(concepts: Any) -> Iterator[tuple[str | None, str | None, str | None]]:
    """(system, code, display) of every coding in a CodeableConcept or a list of them."""
    items = concepts if isinstance(concepts, list) else [concepts]
    for concept in items:
        if not isinstance(concept, dict):
            continue
        codings = [c for c in concept.get("coding") or [] if isinstance(c, dict)]
        for c in codings:
            yield _text(c.get("system")), _text(c.get("code")), _text(c.get("display"))
        if not codings and _text(concept.get("text")):
            yield None, None, _text(concept.get("text"))


def _extension_name(url: Any) -> str:
    """An extension URL's last segment, spelt the same across Plan-Net versions.

    STU1 wrote ``plannet-NewPatients-extension`` and ``plannet-Network-reference-extension``
    where 1.x writes ``newpatients`` and ``network-reference``.
    """
    name = str(url).rstrip("/").rsplit("/", 1)[-1].lower()
    name = name.removeprefix("plannet-").removesuffix("-extension")
    return name.replace("-", "").replace("_", "")


def _extensions(resource: Resource, name: str) -> list[Resource]:
    wanted = _extension_name(name)
    found = []
    for e in resource.get("extension") or []:
        url = e.get("url") if isinstance(e, dict) else None
        if isinstance(url, str) and "/" in url and _extension_name(url) == wanted:
            found.append(e)
    return found


def _sub(ext: Resource, name: str) -> list[Resource]:
    """Sub-extensions by name, spelt as any Plan-Net version does ("fromNetwork", "fromnetwork")."""
    wanted = name.lower()
    return [
        e
        for e in ext.get("extension") or []
        if isinstance(e, dict) and str(e.get("url", "")).rsplit("/", 1)[-1].lower() == wanted
    ]


def _is_network(org: Resource) -> bool:
    profiles = (org.get("meta") or {}).get("profile") or []
    if any(str(p).endswith("plannet-Network") for p in profiles):
        return True
    return any(code == "ntwk" for _, code, _ in _codes(org.get("type")))


def _address(addr: Any) -> dict[str, Any]:
    if isinstance(addr, list):
        usable = [a for a in addr if isinstance(a, dict)]
        addr = next((a for a in usable if a.get("use") not in ("old", "home")), None)
    if not isinstance(addr, dict):
        return {}
    lines = [_text(x) for x in addr.get("line") or []]
    return {
        "address": ", ".join(x for x in lines if x) or _text(addr.get("text")),
        "city": normalize.proper(_text(addr.get("city"))),
        "state": _text(addr.get("state")),
        "zip": _text(addr.get("postalCode")),
        "country": _text(addr.get("country")),
    }


def _one_line(place: dict[str, Any]) -> str:
    tail = " ".join(x for x in (place.get("state"), place.get("zip")) if x)
    return ", ".join(x for x in (place.get("address"), place.get("city"), tail) if x)


class _Collector:
    """The raw fields of one record, gathered from several resources."""

    def __init__(self) -> None:
        self.phones: list[str] = []
        self.emails: list[str] = []
        self.urls: list[str] = []
        self.codes: list[str] = []
        self.code_names: dict[str, str] = {}
        self.places: list[dict[str, Any]] = []
        self.networks: list[str] = []
        self.plans: list[str] = []
        self.accepting: dict[str, str] = {}
        self.delivery: set[str] = set()
        self.quals: list[str] = []  # qualifications the roles state
        self.licences: list[dict[str, str | None]] = []  # ... and their licence numbers

    def telecom(self, resource: Resource) -> None:
        for t in resource.get("telecom") or []:
            if not isinstance(t, dict) or not _text(t.get("value")):
                continue
            value, system = str(_text(t.get("value"))), str(t.get("system"))
            target = {"phone": self.phones, "email": self.emails, "url": self.urls}.get(system)
            if target is not None and value not in target:
                target.append(value)

    def specialties(self, concepts: Any) -> None:
        for system, code, display in _codes(concepts):
            norm = taxonomy.normalize_code(code or "")
            if norm and (system in (None, NUCC_SYSTEM) or system.endswith("provider-taxonomy")):
                if norm not in self.codes:
                    self.codes.append(norm)
                name = display or taxonomy.name(norm)
                if name and self.code_names.get(norm, norm) == norm:
                    self.code_names[norm] = name
                self.code_names.setdefault(norm, norm)

    def service(self, service: Resource) -> None:
        """A HealthcareService's specialties and delivery methods (virtual / physical)."""
        self.specialties(service.get("specialty"))
        for ext in _extensions(service, "delivery-method"):
            for sub in _sub(ext, "type"):
                self.delivery.update(c for _, c, _ in _codes(sub.get("valueCodeableConcept")) if c)

    def add(self, items: list[str], value: str | None) -> None:
        if value and value not in items:
            items.append(value)

    def fields(self, raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        extra: dict[str, Any] = {}
        codes = sorted(self.codes, key=lambda c: not taxonomy.is_behavioral(c))
        raw.update(phones=self.phones, taxonomies=codes)
        raw["email"] = self.emails[0] if self.emails else None
        raw["website"] = self.urls[0] if self.urls else None
        raw["networks"], raw["insurance"] = self.networks, self.plans
        if self.places:
            raw.update({k: v for k, v in self.places[0].items() if not k.startswith("_")})
            extra["locations"] = [_one_line(p) for p in self.places]
        if self.accepting:
            raw["accepting"] = any(code == "newpt" for code in self.accepting.values())
            extra["accepting_by_network"] = {
                net: _ACCEPTING.get(code, code) for net, code in self.accepting.items()
            }
        if "virtual" in self.delivery:
            raw["telehealth"] = True
        elif self.delivery:
            raw["telehealth"] = False
        if "physical" in self.delivery:
            raw["in_person"] = True
        if codes:
            extra["specialty_names"] = [self.code_names[c] for c in codes]
        for label, items in (("more_emails", self.emails[1:]), ("more_urls", self.urls[1:])):
            if items:
                extra[label] = items
        if not raw.get("country"):
            raw["country"] = "US"  # Plan-Net is a US directory standard
        fields = normalize.build_fields(raw)
        taxonomy.settle_license_type(fields, codes)
        if codes and "title" not in fields:
            fields["title"] = self.code_names[codes[0]]
        return fields, extra
