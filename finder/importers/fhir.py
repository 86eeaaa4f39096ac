"""Payer provider directories (HL7 Da Vinci PDex Plan-Net, FHIR R4) -> records.

A directory is a web of resources that point at each other: a PractitionerRole
links a Practitioner to its Locations, Organization, HealthcareServices and
Networks (Organizations with the network profile); an InsurancePlan lists the
networks it uses. Users save single resources (one file each, often a whole
folder of them), ``collection`` / ``searchset`` Bundles, or NDJSON exports, so
the join has to work across files: ``parse_many(paths, ctx)`` reads a *set* of
files together and ``parse(path, ctx)`` is the one-file case of it.

One record per Practitioner (key ``Practitioner/<id>``: the example directories
reuse one NPI for several people, so the NPI cannot be the identity), with
every role aggregated: NUCC specialty codes, locations, phones, languages,
networks and the plans that use them (``insurance``), accepting new patients
per network (``accepting`` is True when any network says ``newpt``; the
breakdown goes to ``extra["accepting_by_network"]``) and telehealth from the
HealthcareService delivery method. A practitioner with no role still yields a
record. Organizations are not therapists and are skipped, except a practice
that provides a behavioural-health HealthcareService, which becomes an
``is_organization`` record. A reference to a resource that is not in the files
is a warning naming the file and the reference, never a failure.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from finder.errors import ImportRefused
from finder.importers.base import BrokenCharacters, ParseContext, read_text
from finder.importers.fhirdir.model import (
    NPI_SYSTEM,
    Resource,
    _address,
    _codes,
    _Collector,
    _Directory,
    _extensions,
    _is_network,
    _sub,
    _text,
    locator,
)
from finder.records import normalize, taxonomy
from finder.records.models import Record, RowError
from finder.records.normalize.languages import language_name

NAME = "fhir"
DESCRIPTION = "FHIR R4 provider directory (Da Vinci Plan-Net): resources, Bundles, NDJSON"

_KNOWN_TYPES = {
    "Practitioner", "PractitionerRole", "Location", "Organization", "HealthcareService",
    "InsurancePlan", "Endpoint", "OrganizationAffiliation", "Network", "Bundle",
    "OperationOutcome",
}  # fmt: skip
_TYPE = re.compile(rb'"resourceType"\s*:\s*"([A-Za-z]+)"')


def sniff(path: Path, head: bytes) -> float:
    body = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if body[:1] not in (b"{", b"["):
        return 0.0
    types = {m.group(1).decode() for m in _TYPE.finditer(head)}
    if types & _KNOWN_TYPES:
        return 0.95
    return 0.85 if types else 0.0


# --- reading files ------------------------------------------------------------------------


def _load(path: Path, warn: Callable[[str], None]) -> list[Resource]:
    """Every resource in one file: a resource, a Bundle, an array, or NDJSON."""
    body = read_text(path).lstrip("\ufeff")
    broken = BrokenCharacters.watch(body, path, warn)
    try:
        values = [json.loads(body)]
    except RecursionError:
        raise ImportRefused(path, "JSON nested too deeply to be FHIR; nothing imported") from None
    except json.JSONDecodeError as err:
        lines = [line for line in body.splitlines() if line.strip()]
        if len(lines) < 2:
            raise ImportRefused(
                path, f"not valid JSON ({err.msg} at line {err.lineno} column {err.colno})"
            ) from None
        values = []
        for n, line in enumerate(lines, start=1):
            try:
                values.append(json.loads(line))
            except RecursionError:
                raise ImportRefused(path, f"line {n} is JSON nested too deeply") from None
            except json.JSONDecodeError as line_err:
                raise ImportRefused(
                    path, f"line {n} is not valid JSON or NDJSON ({line_err.msg})"
                ) from None
    out: list[Resource] = []
    for value in values:
        out.extend(_flatten(value))
    if broken is not None:
        # A Bundle holds its resources twice (as entries and flattened): each is named once.
        out = [r if r["resourceType"] == "Bundle" else broken.dropped(r, locator(r)) for r in out]
        broken.report()
    return out


def _flatten(value: Any) -> Iterator[Resource]:
    if isinstance(value, list):
        for item in value:
            yield from _flatten(item)
    elif isinstance(value, dict) and isinstance(value.get("resourceType"), str):
        if value["resourceType"] == "Bundle":
            yield value  # kept for its paging links
            for entry in value.get("entry") or []:
                if isinstance(entry, dict) and isinstance(entry.get("resource"), dict):
                    resource = dict(entry["resource"])
                    if entry.get("fullUrl"):
                        resource["_fullUrl"] = entry["fullUrl"]
                    yield from _flatten(resource)
        else:
            yield value
    elif isinstance(value, dict) and isinstance(value.get("entry"), list):
        # Some servers and tools save a Bundle without its "resourceType".
        yield from _flatten({**value, "resourceType": "Bundle"})


def _accepting_code(ext: Resource) -> str | None:
    """``acceptingPatients`` as a code (1.x) or a boolean (the 2019 drafts)."""
    for sub in _sub(ext, "acceptingPatients"):
        if isinstance(sub.get("valueBoolean"), bool):
            return "newpt" if sub["valueBoolean"] else "nopt"
        code = next((c for _, c, _ in _codes(sub.get("valueCodeableConcept")) if c), None)
        if code is not None:
            return code
    return None


def _newpatients(d: _Directory, owner: Resource, col: _Collector, default_net: str | None) -> None:
    for ext in _extensions(owner, "newpatients"):
        code = _accepting_code(ext)
        if code is None:
            continue
        subs = _sub(ext, "fromNetwork") + _sub(ext, "network")
        nets = [d.name_of(owner, s.get("valueReference")) for s in subs]
        for net in [n for n in nets if n] or [default_net or "all networks"]:
            # The most specific statement wins: the role is read before its locations.
            col.accepting.setdefault(net, code)


def _role(d: _Directory, role: Resource, col: _Collector, plans: dict[str, list[str]]) -> dict:
    summary: dict[str, Any] = {"role": locator(role)}
    col.telecom(role)
    col.specialties(role.get("specialty"))
    role_codes = [disp or code for _, code, disp in _codes(role.get("code")) if disp or code]
    if role_codes:
        summary["code"] = role_codes
    nets: list[str] = []
    for ext in _extensions(role, "network-reference"):
        ref = ext.get("valueReference")
        name = d.name_of(role, ref)
        if name:
            nets.append(name)
            col.add(col.networks, name)
            for plan in plans.get(_ref_key(ref), []):
                col.add(col.plans, plan)
    only_net = nets[0] if len(nets) == 1 else None
    _newpatients(d, role, col, only_net)
    _role_qualifications(d, role, col)
    org = d.resolve(role, role.get("organization"))
    if org is not None and not _is_network(org):
        summary["organization"] = _text(org.get("name"))
    for ref in role.get("location") or []:
        loc = d.resolve(role, ref)
        if loc is None:
            continue
        place = _address(loc.get("address"))
        pos: dict[str, Any] = loc["position"] if isinstance(loc.get("position"), dict) else {}
        place.update(lat=pos.get("latitude"), lon=pos.get("longitude"))
        if place.get("address") or place.get("city"):
            col.places.append(place)
        col.telecom(loc)
        _newpatients(d, loc, col, only_net)
    for ref in role.get("healthcareService") or []:
        service = d.resolve(role, ref)
        if service is None:
            continue
        col.service(service)
        _newpatients(d, service, col, only_net)
    if nets:
        summary["networks"] = nets
    hours = [h for h in (_hours(t) for t in role.get("availableTime") or []) if h]
    if hours:
        summary["hours"] = hours
    return summary


def _role_qualifications(d: _Directory, role: Resource, col: _Collector) -> None:
    """Plan-Net 1.1's ``qualification`` extensions on a role: a licence (code, number,
    where valid, issuer) as the role states it."""
    for ext in _extensions(role, "qualification"):
        codes = [(c, x) for s in _sub(ext, "code") for _, c, x in
                 _codes(s.get("valueCodeableConcept")) if x or c]  # fmt: skip
        names = [x or c for c, x in codes]
        # The licence the role states: its code's letters ("LICSW"), else its words.
        kind = next((k for c, x in codes if (k := normalize.license_type([c] if c else [], x))),
                    None)  # fmt: skip
        number = next((_text((s.get("valueIdentifier") or {}).get("value"))
                       for s in _sub(ext, "identifier") if isinstance(s.get("valueIdentifier"), dict)),
                      None)  # fmt: skip
        state = next((c for s in _sub(ext, "whereValid") for _, c, _ in
                      _codes(s.get("valueCodeableConcept")) if c), None)  # fmt: skip
        issuer = next((d.name_of(role, s.get("valueReference")) for s in _sub(ext, "issuer")), None)
        col.quals.extend(n for n in names if n and n not in col.quals)
        if number or kind:
            col.licences.append({"license": number, "state": state, "issuer": issuer, "type": kind})


def _hours(slot: Any) -> str | None:
    """One ``availableTime`` entry as text: "mon, tue 09:00-12:00" or "all day sat"."""
    if not isinstance(slot, dict):
        return None
    days = ", ".join(str(d) for d in slot.get("daysOfWeek") or [] if isinstance(d, str))
    start, end = _text(slot.get("availableStartTime")), _text(slot.get("availableEndTime"))
    if slot.get("allDay") is True:
        span = "all day"
    elif start or end:
        span = f"{(start or '?')[:5]}-{(end or '?')[:5]}"
    else:
        span = ""
    return " ".join(x for x in (days, span) if x) or None


def _ref_key(ref: Any) -> str:
    target = ref.get("reference", "") if isinstance(ref, dict) else ""
    return "/".join(str(target).split("/_history/")[0].rstrip("/").split("/")[-2:])


def _practitioner(d: _Directory, prac: Resource, roles: list[Resource], plans: dict) -> Record:
    col = _Collector()
    raw: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    names = [n for n in prac.get("name") or [] if isinstance(n, dict)]
    if names:
        n = next((x for x in names if x.get("use") in (None, "official", "usual")), names[0])
        raw.update(_person_name(n))
    for ident in prac.get("identifier") or []:
        if isinstance(ident, dict) and ident.get("system") == NPI_SYSTEM:
            raw["npi"] = _text(ident.get("value"))
    gender = _text(prac.get("gender"))
    raw["gender"] = gender.capitalize() if gender else None
    col.telecom(prac)
    quals = []
    licences: list[dict[str, str | None]] = []
    for q in prac.get("qualification") or []:
        if not isinstance(q, dict):
            continue
        for system, code, display in _codes(q.get("code")):
            if system and system.endswith("v2-0360") and code:
                raw["credentials"] = [*raw.get("credentials", []), code]
            quals.append(display or code)
        col.specialties(q.get("code"))
        state = None
        for ext in _extensions(q, "practitioner-qualification"):
            for sub in _sub(ext, "whereValid"):
                state = next((c for _, c, _ in _codes(sub.get("valueCodeableConcept")) if c), None)
                raw.setdefault("license_state", state)
        for ident in q.get("identifier") or []:
            number = _text(ident.get("value")) if isinstance(ident, dict) else None
            if number:
                licences.append({"license": number, "state": state})
    if licences:
        # The first licence is the one the record shows; the rest stay visible in extra.
        raw["license_number"] = licences[0]["license"]
        if licences[0]["state"]:
            raw["license_state"] = licences[0]["state"]
        if len(licences) > 1:
            extra["other_licenses"] = licences[1:]
    languages = []
    for comm in prac.get("communication") or []:
        for _, code, display in _codes(comm):
            lang = display or (language_name(code) if code else None)
            if lang and lang not in languages:
                languages.append(lang)
    raw["languages"] = languages
    if roles:
        extra["roles"] = [_role(d, role, col, plans) for role in roles]
    if not licences and col.licences:
        first = col.licences[0]
        raw["license_number"], raw["license_state"] = first["license"], first["state"]
        raw.setdefault("license_type", first["type"])
    quals.extend(q for q in col.quals if q not in quals)
    if quals:
        extra["qualifications"] = quals
    if not col.places:  # no role says where: the practitioner's own (work) address
        place = _address(prac.get("address"))
        if place.get("address") or place.get("city"):
            col.places.append(place)
    fields, more = col.fields(raw)
    extra.update(more)
    if raw.get("npi") and "npi" not in fields:
        extra["npi_unreadable"] = raw["npi"]
    fields["is_organization"] = False
    return Record(fields=fields, locator=d.locator(prac), key=d.key(prac), extra=extra)


def _person_name(n: Resource) -> dict[str, Any]:
    """A HumanName as name fields; directories often write "FAMILY, GIVEN M" in capitals."""
    given_parts = [normalize.proper(_text(g)) for g in n.get("given") or [] if isinstance(g, str)]
    given = " ".join(g for g in given_parts if g)
    family = normalize.proper(_text(n.get("family")))
    text = _text(n.get("text"))
    suffixes = [s for s in n.get("suffix") or [] if isinstance(s, str)]
    generational = next((s for s in suffixes if normalize.is_name_suffix(s)), None)
    from_parts = normalize.joined_name(given, family, suffix=generational)
    if text and family and re.match(re.escape(family) + r"\s*,", text, re.IGNORECASE):
        text = None  # "DYKSTRA, MICHELLE L": family first, the parts say it better
    return {
        "name": normalize.proper(text) or from_parts,
        "first_name": given.split()[0] if given else None,
        "last_name": family,
        "credentials": [s for s in suffixes if s is not generational],
    }


def _organization(d: _Directory, org: Resource, services: list[Resource], plans: dict) -> Record:
    col = _Collector()
    raw: dict[str, Any] = {"name": _text(org.get("name")), "is_organization": True}
    raw["organization"] = raw["name"]
    for ident in org.get("identifier") or []:
        if isinstance(ident, dict) and ident.get("system") == NPI_SYSTEM:
            raw["npi"] = _text(ident.get("value"))
    col.telecom(org)
    place = _address(org.get("address"))
    if place.get("address") or place.get("city"):
        col.places.append(place)
    for service in services:
        col.service(service)
    for aff in d.of_type("OrganizationAffiliation"):
        if _ref_key(aff.get("participatingOrganization")) == locator(org):
            for ref in aff.get("network") or []:
                col.add(col.networks, d.name_of(aff, ref))
                for plan in plans.get(_ref_key(ref), []):
                    col.add(col.plans, plan)
    fields, extra = col.fields(raw)
    return Record(fields=fields, locator=d.locator(org), key=d.key(org), extra=extra)


def _is_behavioral_service(service: Resource) -> bool:
    if any(code == "behav" for _, code, _ in _codes(service.get("category"))):
        return True
    specialty = service.get("specialty")
    return any(taxonomy.is_behavioral(code or "") for _, code, _ in _codes(specialty))


def parse_many(paths: Iterable[Path], ctx: ParseContext) -> Iterator[Record | RowError]:
    """Read a set of FHIR files together, so references join across files."""
    paths = list(paths)
    d = _Directory(ctx)
    loaded = 0
    for path in paths:
        try:
            resources = _load(path, ctx.warn)
        except ImportRefused as err:
            if len(paths) == 1:
                raise
            yield RowError(path.name, err.reason)
            continue
        loaded += 1
        for resource in resources:
            if resource["resourceType"] == "OperationOutcome":
                issues = [
                    _text(i.get("diagnostics")) or _text((i.get("details") or {}).get("text"))
                    for i in resource.get("issue") or []
                    if isinstance(i, dict)
                ]
                reason = "; ".join(x for x in issues if x) or "no details"
                if len(paths) == 1 and len(resources) == 1:
                    raise ImportRefused(path, f"the FHIR server returned an error: {reason}")
                yield RowError(path.name, f"the FHIR server returned an error: {reason}")
            elif resource["resourceType"] == "Bundle":
                for link in resource.get("link") or []:
                    if isinstance(link, dict) and link.get("relation") == "next":
                        ctx.warn(f"{path.name}: a search page; the next page was not saved")
            else:
                d.add(path, resource)
    plans: dict[str, list[str]] = defaultdict(list)
    for plan in d.of_type("InsurancePlan"):
        for ref in plan.get("network") or []:
            if _text(plan.get("name")):
                plans[_ref_key(ref)].append(str(_text(plan.get("name"))))
    roles_of: dict[int, list[Resource]] = defaultdict(list)
    for role in d.of_type("PractitionerRole"):
        if not isinstance(role.get("practitioner"), dict):
            yield RowError(d.locator(role), "names no practitioner; skipped")
            continue
        prac = d.resolve(role, role["practitioner"])
        if prac is not None:
            roles_of[id(prac)].append(role)
    multi = len(paths) > 1
    count = 0
    for prac in d.of_type("Practitioner"):
        record = _practitioner(d, prac, roles_of.get(id(prac), []), plans)
        if multi:
            record.locator = f"{d.origin[id(prac)]} {record.locator}"
        count += 1
        yield record
    services_of: dict[str, list[Resource]] = defaultdict(list)
    for service in d.of_type("HealthcareService"):
        if _is_behavioral_service(service):
            # providedBy may be "Organization/7" or a Bundle's "urn:uuid:...": resolve it.
            provider = d.resolve(service, service.get("providedBy"))
            key = d.key(provider) if provider is not None else _ref_key(service.get("providedBy"))
            services_of[key].append(service)
    for org in d.of_type("Organization"):
        if not _is_network(org) and services_of.get(d.key(org)):
            count += 1
            yield _organization(d, org, services_of[d.key(org)], plans)
    d.finish()
    if loaded == 0 and len(paths) > 1:
        raise ImportRefused(paths[0].parent, f"none of the {len(paths)} FHIR files could be read")
    if count == 0 and loaded:
        where = paths[0] if len(paths) == 1 else paths[0].parent
        kinds = sorted({r["resourceType"] for r in d.resources.values()})
        held = f" (it holds {', '.join(kinds)})" if kinds else ""
        if "PractitionerRole" in kinds:
            held += (
                "; the practitioners its roles name are not among the files: import them "
                "together, or save the search with _include=PractitionerRole:practitioner"
            )
        raise ImportRefused(where, f"no practitioners found in these FHIR resources{held}")


def parse(path: Path, ctx: ParseContext) -> Iterator[Record | RowError]:
    return parse_many([path], ctx)
