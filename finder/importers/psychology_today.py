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
from finder.importers.base import ParseContext, is_html
from finder.importers.html import page as _html
from finder.importers.html import schema as _schema
from finder.importers.html.fields import make_record, row_fields
from finder.importers.html.page import Page
from finder.importers.html.profile import ORG_TYPES, PERSON_TYPES, main_items, profile_record
from finder.records.models import Record, RowError
from finder.records.normalize.urls import canonical_profile_url

NAME = "psychology-today"
DESCRIPTION = "Psychology Today profile or search-results page saved from a browser"

_HOST = re.compile(rb"[\w.]*psychologytoday\.com", re.I)
_MARKERS = re.compile(
    rb"""saved from url=\(\d+\)https?://[\w.]*psychologytoday\.com"""
    rb"""|<title>[^<]{0,200}psychology today\s*</title>"""
    rb"""|resources\.psychologytoday\.com""",
    re.I,
)
_PROFILE_URL = re.compile(r"^https://www\.psychologytoday\.com/[a-z]{2}/[\w-]+/\d+$")


def sniff(path: Path, head: bytes) -> float:
    if not is_html(head):
        return 0.0
    return _html.site_page_score(head, _HOST, _MARKERS)


def parse(path: Path, ctx: ParseContext) -> Iterator[Record | RowError]:
    page = _html.load_page(path, warn=ctx.warn)
    own = _profile_key(page.url)
    people = main_items(page)
    if own or (people and not _listing(page)):
        yield profile_record(page, own, people, _is_organization)
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
    canonical = canonical_profile_url(url)
    return canonical if canonical and _PROFILE_URL.match(canonical) else None


def _is_organization(types: set[str], raw: dict[str, Any]) -> bool:
    return bool(types & ORG_TYPES) and not types & PERSON_TYPES


def _listing(page: Page) -> bool:
    return bool(
        _schema.jsonld_entities(page.jsonld, lambda t: bool(t & {"SearchResultsPage", "ItemList"}))
    )


# --- a list of results ------------------------------------------------------------------


def _row_key(href: str) -> str | None:
    url = canonical_profile_url(href) if "psychologytoday" in href or href.startswith("/") else None
    return url if url and _PROFILE_URL.match(url) else None


def _results(page: Page) -> Iterator[Record]:
    listed = _schema.jsonld_entities(page.jsonld, lambda t: bool(t & (PERSON_TYPES | ORG_TYPES)))
    by_url: dict[str, dict[str, Any]] = {}
    for obj in listed:
        url = _row_key(_schema.text_value(obj.get("url") or obj.get("@id")) or "")
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
        name = _schema.text_value(obj.get("name"))
        if name:
            raw["name"] = name
        if not raw.get("phones"):
            raw["phones"] = _schema.text_value(obj.get("telephone"))
        place = obj.get("workLocation") or obj.get("location") or obj.get("address")
        if isinstance(place, dict) and "address" in place:
            place = place["address"]
        for field, value in _schema.address_fields(place).items():
            if value and not raw.get(field):
                raw[field] = value
        types = _schema.schema_types(obj)
        if types & ORG_TYPES and not types & PERSON_TYPES:
            raw["is_organization"] = True
    return make_record(raw, extra, locator, key)
