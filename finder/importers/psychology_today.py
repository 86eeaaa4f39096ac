"""Psychology Today pages saved from a browser: a profile, or a page of search results.

Psychology Today has redesigned its directory several times (the 2017 "rms"
pages, the 2025 Nuxt pages), so nothing here depends on one year's class list:

- a page is a *profile* when its canonical address is a profile (it ends in a
  profile number) or it carries a schema.org ``Person`` item; the record is
  read from that item's microdata, the page's labelled sections ("Finances",
  "Treatment Orientation", "Qualifications") and its statement block;
- a page is a *results list* when it lists profiles: the JSON-LD
  ``SearchResultsPage`` says who is listed, and each result row (the largest
  block linking to one profile and no other) says what the row shows.

Navigation links, "previous/next" links carrying other clinicians' names,
"Interpersonal Therapists in ..." links and filter sidebars are never read as
records. A page that is Psychology Today's but neither shape is refused with a
message rather than imported as garbage.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from finder.errors import ImportRefused
from finder.importers import _html
from finder.importers._html import El, Page
from finder.importers._html_fields import (
    apply_sections,
    first_text_prop,
    make_record,
    postal_address,
    row_fields,
    split_subtitle,
    statement_text,
)
from finder.importers.base import ParseContext
from finder.models import Record, RowError

NAME = "psychology-today"
DESCRIPTION = "Psychology Today profile or search-results page saved from a browser"

_MARKERS = re.compile(
    rb"""(?:href|content)\s*=\s*["']https?://[\w.]*psychologytoday\.com"""
    rb"""|saved from url=\(\d+\)https?://[\w.]*psychologytoday\.com"""
    rb"""|<title>[^<]{0,200}psychology today\s*</title>"""
    rb"""|resources\.psychologytoday\.com""",
    re.I,
)
_PROFILE_URL = re.compile(r"^https://www\.psychologytoday\.com/[a-z]{2}/[\w-]+/\d+$")
_PERSON_TYPES = {"Person", "Physician", "Psychologist"}
_ORG_TYPES = {
    "Organization",
    "LocalBusiness",
    "MedicalBusiness",
    "MedicalClinic",
    "MedicalOrganization",
    "ProfessionalService",
}


def sniff(path: Path, head: bytes) -> float:
    if not _html.is_html(head):
        return 0.0
    return 0.95 if _MARKERS.search(head) else 0.0


def parse(path: Path, ctx: ParseContext) -> Iterator[Record | RowError]:
    page = _html.load_page(path)
    own = _profile_key(page.url)
    people = _html.microdata_items(page.root, lambda t: bool(t & (_PERSON_TYPES | _ORG_TYPES)))
    people = [(el, props) for el, props in people if first_text_prop(props, "name")]
    if own or (people and not _listing(page)):
        yield _profile(page, own, people)
        return
    records = list(_results(page))
    if not records:
        raise ImportRefused(
            path,
            f"no therapist records recognised in {path.name}: a Psychology Today page, but "
            "neither a profile nor a list of results that finder can read; nothing imported",
        )
    yield from records


def _profile_key(url: str | None) -> str | None:
    canonical = _html.canonical_profile_url(url)
    return canonical if canonical and _PROFILE_URL.match(canonical) else None


def _listing(page: Page) -> bool:
    return bool(_html.jsonld_entities(page.jsonld, lambda t: bool(t & {"SearchResultsPage", "ItemList"})))


# --- a profile --------------------------------------------------------------------------


def _profile(page: Page, key: str | None, people: list[tuple[El, dict[str, Any]]]) -> Record:
    raw: dict[str, Any] = {"profile_url": key}
    extra: dict[str, Any] = {}
    scope, props = people[0] if people else (_main(page.root), {"@type": []})
    ld = _own_jsonld(page, key)
    types = set(props.get("@type", [])) | _html.schema_types(ld)
    raw["name"] = first_text_prop(props, "name") or _html.text_value(ld.get("name"))
    heading = _name_heading(scope, raw["name"])
    if heading is None and raw["name"] is None:
        raise ImportRefused(page.path, f"no therapist records recognised in {page.path.name}")
    if raw["name"] is None and heading is not None:
        raw["name"] = _html.visible_text(heading)
    subtitle = _subtitle(heading) if heading is not None else None
    if subtitle:
        title, creds = split_subtitle(subtitle)
        raw["title"], raw["credentials"] = title, creds
        extra["credentials_text"] = subtitle
    raw["phones"] = [first_text_prop(props, "telephone") or _html.text_value(ld.get("telephone"))]
    _addresses(scope, ld, raw, extra)
    statement = statement_text(scope)
    sections = _html.read_sections(scope, skip=lambda el: _html.class_has(el, "statement"))
    paragraphs = apply_sections(sections, raw, extra)
    raw["statement"] = statement or "\n\n".join(paragraphs) or _html.text_value(ld.get("description"))
    for name, value in _html.badges(scope, skip=lambda el: _html.class_has(el, "statement")).items():
        raw.setdefault(name, value)
    flag = scope.get("data-new-clients")
    if "accepting" not in raw and flag in ("0", "1"):
        raw["accepting"] = flag == "1"
    if types & _ORG_TYPES and not types & _PERSON_TYPES:
        raw["is_organization"] = True
    if page.url and page.url != key:
        extra["page_url"] = page.url
    return make_record(raw, extra, "profile", key)


def _main(root: El) -> El:
    for tag in ("main", "body"):
        found = root.find(f".//{tag}")
        if found is not None:
            return found
    return root


def _own_jsonld(page: Page, key: str | None) -> dict[str, Any]:
    wanted = _PERSON_TYPES | _ORG_TYPES
    for obj in _html.jsonld_entities(page.jsonld, lambda t: bool(t & wanted)):
        url = _html.canonical_profile_url(_html.text_value(obj.get("url") or obj.get("@id")))
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
            fields = {k: v for k, v in _html.address_fields(value).items() if v}
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


# --- a list of results ------------------------------------------------------------------


def _row_key(href: str) -> str | None:
    url = _html.canonical_profile_url(href) if "psychologytoday" in href or href.startswith("/") else None
    return url if url and _PROFILE_URL.match(url) else None


def _results(page: Page) -> Iterator[Record]:
    listed = _html.jsonld_entities(
        page.jsonld, lambda t: bool(t & (_PERSON_TYPES | _ORG_TYPES))
    )
    by_url: dict[str, dict[str, Any]] = {}
    for obj in listed:
        url = _row_key(_html.text_value(obj.get("url") or obj.get("@id")) or "")
        if url:
            by_url.setdefault(url, obj)
    seen: set[str] = set()
    n = 0
    for key, row, link in _html.result_rows(page.root, _row_key):
        raw, extra = row_fields(row, link)
        obj = by_url.get(key, {})
        if not raw.get("name") and not obj:
            continue
        n += 1
        seen.add(key)
        yield _merge_listed(raw, extra, obj, f"result {n}", key)
    for url, obj in by_url.items():
        if url not in seen:
            n += 1
            yield _merge_listed({"profile_url": url}, {}, obj, f"result {n}", url)


def _merge_listed(
    raw: dict[str, Any], extra: dict[str, Any], obj: dict[str, Any], locator: str, key: str
) -> Record:
    """A row as shown, completed by the page's own JSON-LD entry for the same profile."""
    if obj:
        name = _html.text_value(obj.get("name"))
        if name:
            raw["name"] = name
        if not raw.get("phones"):
            raw["phones"] = _html.text_value(obj.get("telephone"))
        place = obj.get("workLocation") or obj.get("location") or obj.get("address")
        if isinstance(place, dict) and "address" in place:
            place = place["address"]
        for field, value in _html.address_fields(place).items():
            if value and not raw.get(field):
                raw[field] = value
        types = _html.schema_types(obj)
        if types & _ORG_TYPES and not types & _PERSON_TYPES:
            raw["is_organization"] = True
    return make_record(raw, extra, locator, key)
