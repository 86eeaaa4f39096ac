"""Reading one clinician's profile page: shared by the directory importers.

The record comes from the page's main schema.org item (microdata or JSON-LD),
the line under the name (profession and credential letters), the labelled
sections inside that item, the block marked as the statement, and the badges
("Not Accepting New Clients", "Video Call"). Only the main item is read, so
prev/next links, "similar therapists" and "Therapists in ..." links elsewhere on
the page never leak into the record.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from finder.errors import ImportRefused
from finder.importers.html import page as _html
from finder.importers.html import schema as _schema
from finder.importers.html.fields import (
    apply_sections,
    first_text_prop,
    make_record,
    postal_address,
    split_subtitle,
    statement_text,
)
from finder.importers.html.page import El, Page
from finder.importers.html.sections import read_sections
from finder.records.models import Record
from finder.records.normalize.urls import canonical_profile_url

PERSON_TYPES = frozenset({"Person", "Physician", "Psychologist"})
ORG_TYPES = frozenset(
    {
        "Organization",
        "LocalBusiness",
        "MedicalBusiness",
        "MedicalClinic",
        "MedicalOrganization",
        "ProfessionalService",
        "HealthAndBeautyBusiness",
        "Hospital",
    }
)
_WEBSITE_LINK = re.compile(r"^(visit |view )?(my |our )?(web ?site|homepage)$", re.I)


def main_items(page: Page) -> list[tuple[El, dict[str, Any]]]:
    """Named top-level person/organisation microdata items, in page order."""
    wanted = PERSON_TYPES | ORG_TYPES
    items = _schema.microdata_items(page.root, lambda t: bool(t & wanted))
    return [(el, props) for el, props in items if first_text_prop(props, "name")]


def profile_record(
    page: Page,
    key: str | None,
    items: list[tuple[El, dict[str, Any]]],
    is_organization: Callable[[set[str], dict[str, Any]], bool],
) -> Record:
    """The one record a profile page describes."""
    raw: dict[str, Any] = {"profile_url": key}
    extra: dict[str, Any] = {}
    scope, props = items[0] if items else (_main(page.root), {"@type": []})
    ld = own_jsonld(page, key)
    types = set(props.get("@type", [])) | _schema.schema_types(ld)
    raw["name"] = first_text_prop(props, "name") or _schema.text_value(ld.get("name"))
    heading = _name_heading(scope, raw["name"])
    if heading is None and raw["name"] is None:
        raise ImportRefused(
            page.path, f"no therapist records recognised in {page.path.name}; nothing imported"
        )
    if raw["name"] is None and heading is not None:
        raw["name"] = _html.visible_text(heading)
    subtitle = _subtitle(heading) if heading is not None else None
    if subtitle:
        title, creds = split_subtitle(subtitle)
        raw["title"], raw["credentials"] = title, creds
        extra["credentials_text"] = subtitle
    raw["phones"] = [first_text_prop(props, "telephone") or _schema.text_value(ld.get("telephone"))]
    raw["email"] = first_text_prop(props, "email") or _schema.text_value(ld.get("email"))
    _addresses(scope, ld, raw, extra)
    if not any(raw["phones"]):
        raw["phones"] = _tel_links(scope)
    not_statement: Callable[[El], bool] = lambda el: (  # noqa: E731
        _html.class_has(el, "statement") or _html.is_related_block(el)
    )
    statement = statement_text(scope)
    sections = read_sections(scope, skip=not_statement)
    paragraphs = apply_sections(sections, raw, extra)
    raw["statement"] = (
        statement or "\n\n".join(paragraphs) or _schema.text_value(ld.get("description"))
    )
    for name, value in _html.badges(scope, skip=not_statement).items():
        raw.setdefault(name, value)
    flag = scope.get("data-new-clients")
    if "accepting" not in raw and flag in ("0", "1"):
        raw["accepting"] = flag == "1"
    for a in scope.iter("a"):
        if _WEBSITE_LINK.match(_html.visible_text(a)) and a.get("href", "").startswith("http"):
            raw.setdefault("website", a.get("href"))
    if is_organization(types, raw):
        raw["is_organization"] = True
    if page.url and page.url != key:
        extra["page_url"] = page.url
    return make_record(raw, extra, "profile", key)


def _tel_links(scope: El) -> list[str]:
    """The page's own ``tel:`` links: not site chrome, not "nearby therapists" cards."""
    return [
        _html.visible_text(a) or a.get("href", "")[4:]
        for a in scope.iter("a")
        if a.get("href", "").lower().startswith("tel:")
        and not _html.in_chrome(a)
        and not _html.in_related(a)
    ][:3]


def _main(root: El) -> El:
    for tag in ("main", "body"):
        found = root.find(f".//{tag}")
        if found is not None:
            return found
    return root


def own_jsonld(page: Page, key: str | None) -> dict[str, Any]:
    """The page's JSON-LD entity for the profile itself (not others it lists)."""
    wanted = PERSON_TYPES | ORG_TYPES
    for obj in _schema.jsonld_entities(page.jsonld, lambda t: bool(t & wanted)):
        url = canonical_profile_url(_schema.text_value(obj.get("url") or obj.get("@id")))
        if key is None or url == key:
            return obj
    return {}


def _name_heading(scope: El, name: str | None) -> El | None:
    for h in scope.iter("h1", "h2"):
        if _html.in_chrome(h):
            continue
        text = _html.visible_text(h)
        if text and (name is None or text == name or text.startswith(name)):
            return h
    return None


def _subtitle(heading: El) -> str | None:
    """The line under the name: profession and credential letters."""
    for sib in list(heading.itersiblings())[:3]:
        if not isinstance(sib.tag, str):
            continue
        text = _html.visible_text(sib)
        if text:
            return text if len(text) < 200 else None
    return None


def _addresses(scope: El, ld: dict[str, Any], raw: dict[str, Any], extra: dict[str, Any]) -> None:
    seen: list[dict[str, str]] = []
    for el in scope.iter():
        if isinstance(el.tag, str) and "address" in el.get("itemprop", "").lower().split():
            fields = postal_address(el)
            if fields and fields not in seen:
                seen.append(fields)
    if not seen and ld:
        for key in ("address", "workLocation", "location"):
            value = ld.get(key)
            if isinstance(value, dict) and "address" in value:
                value = value["address"]
            fields = {k: v for k, v in _schema.address_fields(value).items() if v}
            if fields:
                seen.append(fields)
                break
    if seen:
        raw.update(seen[0])
    if len(seen) > 1:
        extra["other_offices"] = [", ".join(a.values()) for a in seen[1:]]
    for el in scope.iter():
        if isinstance(el.tag, str) and el.get("data-map-lat") and el.get("data-map-lon"):
            raw["lat"], raw["lon"] = el.get("data-map-lat"), el.get("data-map-lon")
            break
