"""Provenance over every real file: each shown licence, credential, name, plan and fee is in
the raw bytes of the source it came from, or derived from a code that is (a taxonomy)."""

from __future__ import annotations

import re
from pathlib import Path

from finder.errors import FinderError
from finder.importers import detect
from finder.ingest.pipeline import ParseContext
from finder.records import taxonomy
from finder.records.models import Record

KINDS = ("therapist_lists", "psychology_today_html", "goodtherapy_html", "nppes_api_json",
         "fhir_plannet", "vcard")  # fmt: skip


def _fold(text: str) -> str:
    text = text.replace("&amp;", "&").replace("&#39;", "'").replace("\\u0026", "&")
    return re.sub(r"[^a-z0-9&]+", "", text.casefold())


def _files(realdata: Path) -> list[Path]:
    return sorted(p for kind in KINDS for p in (realdata / kind).glob("*") if p.is_file())


def _records(path: Path) -> list[Record]:
    try:
        importer = detect(path)
        return [r for r in importer.module.parse(path, ParseContext()) if isinstance(r, Record)]
    except FinderError:  # refused files (a 404 page, an error response) show nothing
        return []


def test_every_shown_fact_is_in_its_source(realdata: Path) -> None:
    unsupported: list[str] = []
    checked = 0
    for path in _files(realdata):
        raw = _fold(path.read_bytes().decode("utf-8", "replace"))
        for rec in _records(path):
            f = rec.fields
            codes = f.get("taxonomies") or []
            values: list[tuple[str, str]] = [("license_type", f.get("license_type") or "")]
            values += [("credentials", c) for c in f.get("credentials") or []]
            values += [("insurance", p) for p in f.get("insurance") or []]
            values += [("name", f.get("name") or ""), ("fee", f.get("fee_text") or "")]
            for name, value in values:
                if not value:
                    continue
                checked += 1
                if _fold(value) in raw:
                    continue
                if name == "name" and all(_fold(w) in raw for w in value.split()):
                    continue  # a registry gives given, middle and family names apart
                if name == "license_type" and codes and value == taxonomy.license_type(codes[0]):
                    continue  # derived from the primary taxonomy code the source gives
                unsupported.append(f"{path.name} {rec.locator} {name}={value!r}")
    assert checked > 5000
    assert unsupported == []
