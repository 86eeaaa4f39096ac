"""Any other saved web page that describes clinicians with schema.org or hCard markup.

Reads the page's JSON-LD and microdata items of the types that describe a
clinician or a practice (``Person``, ``Physician``, ``MedicalBusiness``,
``LocalBusiness``, ``MedicalClinic``, ...) and ``vcard``/``h-card`` blocks.
Items nested in another item (an author, a publisher, an employer) are not
records of their own; nor are cards in the page's header, footer or navigation.
A page with none of these is refused: "no therapist records recognised".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from finder.errors import ImportRefused
from finder.importers.base import ParseContext, is_html
from finder.importers.html import page as _html
from finder.importers.html import schema as _schema
from finder.importers.html.fields import make_record, postal_address
from finder.importers.html.page import El
from finder.records.models import Record, RowError
from finder.records.normalize import split_name
from finder.records.normalize.urls import canonical_profile_url

NAME = "schema-org"
DESCRIPTION = "any saved web page with schema.org (JSON-LD, microdata) or hCard clinician entries"

_PERSON = frozenset({"Person", "Physician", "Psychologist", "IndividualPhysician"})
_PRACTICE = frozenset(
    {
        "MedicalBusiness",
        "LocalBusiness",
        "MedicalClinic",
        "MedicalOrganization",
        "ProfessionalService",
        "HealthAndBeautyBusiness",
        "PsychologicalTreatment",
        "Hospital",
    }
)
_WANTED = _PERSON | _PRACTICE
_MARKERS = re.compile(
    rb"schema\.org/(?:Person|Physician|MedicalBusiness|LocalBusiness|MedicalClinic|"
    rb"MedicalOrganization|ProfessionalService)\b"
    rb"|\"@type\"\s*:\s*\"(?:Person|Physician|MedicalBusiness|LocalBusiness|MedicalClinic)\""
    rb"|class=[\"'][^\"']*\b(?:vcard|h-card)\b",
    re.I,
)


def sniff(path: Path, head: bytes) -> float:
    if not is_html(head):
        return 0.0
    return 0.6 if _MARKERS.search(head) else 0.3


def parse(path: Path, ctx: ParseContext) -> Iterator[Record | RowError]:
    page = _html.load_page(path, warn=ctx.warn)
    host = _host(page.url)
    seen: set[tuple[str, str]] = set()
    n = 0
    candidates: list[tuple[dict[str, Any], dict[str, Any]]] = []
    main = _profile_page_entity(page.jsonld)
    if main is not None:
        # A profile page says whom it is about: "similar therapists" on it are not records.
        candidates.append(_from_jsonld(main, host))
    else:
        bylines = _byline_ids(page.jsonld)
        for obj in _schema.jsonld_entities(page.jsonld, lambda t: bool(t & _WANTED)):
            if _is_byline(obj, bylines):
                continue
            candidates.append(_from_jsonld(obj, host))
        for el, props in _schema.microdata_items(page.root, lambda t: bool(t & _WANTED)):
            if not _html.in_related(el):
                candidates.append(_from_microdata(el, props, host))
        for card in _hcards(page.root):
            if not _html.in_related(card):
                candidates.append(_from_hcard(card, host))
    for raw, extra in candidates:
        name = _html.clean(raw.get("name"))
        if not name:
            continue
        ident = (name.lower(), str(raw.get("profile_url") or raw.get("website") or ""))
        if ident in seen:
            continue
        seen.add(ident)
        n += 1
        yield make_record(raw, extra, f"item {n}", raw.get("profile_url"))
    if n == 0:
        raise ImportRefused(
            path,
            f"no therapist records recognised in {path.name} (no schema.org Person or practice "
            "entries and no hCards); nothing imported",
        )


def _profile_page_entity(objects: list[Any]) -> dict[str, Any] | None:
    """The person or practice a ``ProfilePage`` (or ``AboutPage``) JSON-LD says it is about."""
    for page in _schema.jsonld_entities(objects, lambda t: bool(t & {"ProfilePage", "AboutPage"})):
        main = page.get("mainEntity")
        if isinstance(main, dict) and _schema.schema_types(main) & _WANTED:
            return main
    return None


_BYLINE_KEYS = ("author", "creator", "editor", "contributor", "reviewedBy")


def _byline_ids(objects: list[Any]) -> set[str]:
    """``@id``s that articles and pages name as their author: a byline, not a listing."""
    found: set[str] = set()

    def visit(obj: Any, depth: int) -> None:
        if depth > 8:
            return
        if isinstance(obj, list):
            for item in obj:
                visit(item, depth + 1)
        elif isinstance(obj, dict):
            for key, value in obj.items():
                if key in _BYLINE_KEYS:
                    for ref in value if isinstance(value, list) else [value]:
                        if isinstance(ref, dict) and isinstance(ref.get("@id"), str):
                            found.add(ref["@id"])
                visit(value, depth + 1)

    visit(objects, 0)
    return found


def _is_byline(obj: dict[str, Any], bylines: set[str]) -> bool:
    """A blog post's author ("webadmin") with no contact details of its own is not a record."""
    if obj.get("@id") not in bylines:
        return False
    contact = ("telephone", "address", "email", "workLocation", "location", "jobTitle")
    return not any(obj.get(key) for key in contact)


def _host(url: str | None) -> str:
    try:
        return (urlsplit(url or "").hostname or "").lower().removeprefix("www.")
    except ValueError:
        return ""


def _place_url(url: str | None, host: str, raw: dict[str, Any]) -> None:
    """A URL on the page's own site is a directory profile; elsewhere, the clinician's site."""
    canonical = canonical_profile_url(url)
    if not canonical:
        return
    if host and _host(canonical) == host:
        raw.setdefault("profile_url", canonical)
    else:
        raw.setdefault("website", canonical)


def _kind(types: set[str], raw: dict[str, Any]) -> None:
    if types & _PERSON:
        return
    _, creds = split_name(raw.get("name"))
    if not creds:  # "Jane Doe, LCSW" typed as a business is still a person
        raw["is_organization"] = True


def _from_jsonld(obj: dict[str, Any], host: str) -> tuple[dict[str, Any], dict[str, Any]]:
    t = _schema.text_value
    raw: dict[str, Any] = {
        "name": t(obj.get("name"))
        or " ".join(p for p in (t(obj.get("givenName")), t(obj.get("familyName"))) if p),
        "title": t(obj.get("jobTitle")),
        "phones": t(obj.get("telephone")),
        "email": t(obj.get("email")),
        "statement": t(obj.get("description")),
        "languages": t(obj.get("knowsLanguage")),
        # What they say they know about ("Interpersonal Therapy", "Grief") is a list of
        # topics, read as specialties: evidence never above "listed".
        "specialties": t([obj.get("medicalSpecialty"), obj.get("knowsAbout")]),
        "fee": t(obj.get("priceRange")),
        "accepting": obj.get("isAcceptingNewPatients"),
        "organization": t(obj.get("worksFor") or obj.get("memberOf")),
    }
    creds = [t(obj.get("honorificSuffix")), t(obj.get("hasCredential"))]
    raw["credentials"] = [c for c in creds if c]
    place = obj.get("address") or obj.get("workLocation") or obj.get("location")
    if isinstance(place, dict) and "address" in place:
        place = place["address"]
    raw.update(_schema.address_fields(place))
    where = obj.get("workLocation") or obj.get("location")
    if isinstance(where, list):
        where = next((w for w in where if isinstance(w, dict)), None)
    if isinstance(where, dict):  # a Place carries the office phone more often than the person
        raw["phones"] = raw["phones"] or t(where.get("telephone"))
        raw["email"] = raw["email"] or t(where.get("email"))
    geo = obj.get("geo") if isinstance(obj.get("geo"), dict) else None
    if geo:
        raw["lat"], raw["lon"] = geo.get("latitude"), geo.get("longitude")
    _place_url(t(obj.get("url") or obj.get("@id")), host, raw)
    for same in obj.get("sameAs") or [] if isinstance(obj.get("sameAs"), list) else []:
        raw.setdefault("website", t(same))
    for ident in obj.get("identifier") or [] if isinstance(obj.get("identifier"), list) else []:
        if isinstance(ident, dict) and str(ident.get("propertyID", "")).upper() == "NPI":
            raw["npi"] = t(ident.get("value"))
    _kind(_schema.schema_types(obj), raw)
    used = {
        "name", "givenName", "familyName", "jobTitle", "telephone", "email", "description",
        "knowsLanguage", "medicalSpecialty", "knowsAbout", "priceRange", "isAcceptingNewPatients",
        "worksFor",
        "memberOf", "honorificSuffix", "hasCredential", "address", "workLocation", "location",
        "geo", "url", "@id", "sameAs", "identifier", "@type", "@context", "image",
    }  # fmt: skip
    extra = {k: v for k, v in obj.items() if k not in used}
    return raw, extra


def _from_microdata(
    el: El, props: dict[str, Any], host: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    def one(*names: str) -> str | None:
        return _schema.text_value(_schema.first(props, *names))

    raw: dict[str, Any] = {
        "name": one("name") or " ".join(p for p in (one("givenName"), one("familyName")) if p),
        "title": one("jobTitle"),
        "phones": [_schema.text_value(v) for v in props.get("telephone", [])],
        "email": one("email"),
        "statement": one("description"),
        "languages": one("knowsLanguage"),
        "specialties": _schema.text_value(
            [props.get(k) for k in ("medicalspecialty", "knowsabout")]
        ),
        "fee": one("priceRange"),
        "credentials": [one("honorificSuffix")],
    }
    addr_el = next(
        (
            a
            for a in el.iter()
            if isinstance(a.tag, str) and "address" in a.get("itemprop", "").split()
        ),
        None,
    )
    if addr_el is not None and addr_el.get("itemscope") is not None:
        raw.update(postal_address(addr_el))
    elif props.get("address"):
        raw.update(_schema.address_fields(props["address"]))
    _place_url(one("url"), host, raw)
    _kind(set(props.get("@type", [])), raw)
    used = {"name", "givenname", "familyname", "jobtitle", "telephone", "email", "description",
            "knowslanguage", "medicalspecialty", "knowsabout", "pricerange", "honorificsuffix", "address",
            "url", "@type", "image"}  # fmt: skip
    extra = {k: v for k, v in props.items() if k not in used}
    return raw, extra


def _hcards(root: El) -> Iterator[El]:
    for el in root.iter():
        if not isinstance(el.tag, str) or not re.search(r"\b(vcard|h-card)\b", el.get("class", "")):
            continue
        if _html.in_chrome(el) or any(
            re.search(r"\b(vcard|h-card)\b", a.get("class", "")) for a in el.iterancestors()
        ):
            continue
        yield el


def _from_hcard(card: El, host: str) -> tuple[dict[str, Any], dict[str, Any]]:
    def part(*names: str) -> list[El]:
        return [
            e
            for e in card.iter()
            if isinstance(e.tag, str) and set(e.get("class", "").split()) & set(names)
        ]

    def text(*names: str) -> str | None:
        found = part(*names)
        return _html.visible_text(found[0]) if found else None

    raw: dict[str, Any] = {
        "name": text("fn", "p-name"),
        "organization": text("org", "p-org"),
        "title": text("title", "p-job-title", "role", "p-role"),
        "address": text("street-address", "p-street-address"),
        "city": text("locality", "p-locality"),
        "state": text("region", "p-region"),
        "zip": text("postal-code", "p-postal-code"),
        "phones": [_html.visible_text(e) for e in part("tel", "p-tel")],
        "email": text("email", "u-email"),
        "statement": text("note", "p-note"),
    }
    for a in part("url", "u-url"):
        _place_url(a.get("href"), host, raw)
    if raw["name"] is None and raw["organization"]:
        raw["name"] = raw["organization"]
        raw["is_organization"] = True
    return raw, {}
