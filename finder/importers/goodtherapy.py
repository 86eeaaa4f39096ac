"""GoodTherapy pages saved from a browser: a therapist's profile, or a page of search results.

A profile is read from its schema.org item (GoodTherapy marks even a single
clinician as a ``LocalBusiness``), the line under the name (credential
letters), "Label: value" lines ("Professions:", "Primary Credential:") and the
labelled sections ("Types of Therapy", "Client Concerns I Treat", "My Approach
to Helping"). A results page yields one record per result row. The filter
sidebar, whose "Types of Therapy" options include "Interpersonal Psychotherapy
(IPT)", is a form and is never read as anything about a therapist.
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
from finder.importers.html.profile import main_items, profile_record
from finder.records.models import Record, RowError
from finder.records.normalize.urls import canonical_profile_url

NAME = "goodtherapy"
DESCRIPTION = "GoodTherapy profile or search-results page saved from a browser"

_HOST = re.compile(rb"(?:www\.)?goodtherapy\.org", re.I)
_MARKERS = re.compile(rb"saved from url=\(\d+\)https?://(?:www\.)?goodtherapy\.org", re.I)
# Profile slugs end in the listing's date or number; "treatment-centers/join-us" is an ad.
_PROFILE = re.compile(
    r"^https://(?:www\.)?goodtherapy\.org/(therapists/profile|treatment-centers?)/[\w-]*\d$"
)


def sniff(path: Path, head: bytes) -> float:
    if not is_html(head):
        return 0.0
    return _html.site_page_score(head, _HOST, _MARKERS)


def _key(href: str) -> str | None:
    if "goodtherapy.org" not in href:
        return None
    url = canonical_profile_url(href)
    return url if url and _PROFILE.match(url) else None


def _is_organization(types: set[str], raw: dict[str, Any]) -> bool:
    # GoodTherapy types every listing LocalBusiness, so the type says nothing here.
    url = raw.get("profile_url") or ""
    return "/treatment-center" in url or (
        _schema.looks_like_organization(raw.get("name")) and not raw.get("credentials")
    )


def parse(path: Path, ctx: ParseContext) -> Iterator[Record | RowError]:
    page = _html.load_page(path, warn=ctx.warn)
    own = _key(page.url or "")
    items = main_items(page)
    if own:
        yield profile_record(page, own, items, _is_organization)
        return
    rows = _html.result_rows(page.root, _key)
    count = 0
    for key, row, link in rows:
        raw, extra = row_fields(row, link)
        if not raw.get("name"):
            continue
        if _is_organization(set(), raw):
            raw["is_organization"] = True
        count += 1
        yield make_record(raw, extra, f"result {count}", key)
    if count:
        return
    if items:
        yield profile_record(page, None, items, _is_organization)
        return
    raise ImportRefused(
        path,
        f"no therapist records recognised in {path.name}: a GoodTherapy page, but neither a "
        "profile nor a list of results that finder can read; nothing imported",
    )
