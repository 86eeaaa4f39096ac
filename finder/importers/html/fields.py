"""Turning what a saved page says into a record: shared by the HTML importers.

``_html`` finds the parts of a page that carry meaning; this module decides
which canonical field each part feeds: a section heading ("Types of Therapy"),
a "Label: value" pair ("Avg Cost (per session): $80 - $140"), a result row.
Anything read but not mapped goes to ``Record.extra`` under the label the page
used, so nothing the user saved is silently dropped.
"""

from __future__ import annotations

import re
from typing import Any

from finder.importers.html.page import (
    El,
    badges,
    class_has,
    classes,
    clean,
    lines,
    slug,
    visible_text,
)
from finder.importers.html.schema import first
from finder.importers.html.sections import Sections
from finder.records.models import Record
from finder.records.normalize import (
    build_fields,
    canonical_profile_url,
    is_credential,
    license_parts,
    place_line,
)

# Innermost section heading -> the list field its entries feed. First match wins.
ITEM_FIELDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p, re.I), f)
    for p, f in (
        (
            r"^(issues|mental health|client concerns|concerns i treat|issues treated|conditions)",
            "issues",
        ),
        (r"specialt|areas? of (focus|expertise)|expertise", "specialties"),
        (
            r"orientation|types? of therapy|therapy types|treatment approach|therapeutic approach"
            r"|treatment methods|approaches|modalities used",
            "orientations",
        ),
        (r"^(modality|modalities|formats?|session formats?|therapy formats?)$", "formats"),
        (r"^(age|ages|age groups|ages i work with|client ages)\b", "ages"),
        (r"language", "languages"),
        (r"insurance|accepted plans|in.network|plans accepted", "insurance"),
        (r"^(groups|groups i run|my groups|support groups|therapy groups)$", "groups"),
    )
]

STATEMENT_HEADINGS = re.compile(
    r"personal statement|about me|^about$|my approach|more info about my practice|"
    r"^my practice|philosophy|^statement|^bio(graphy)?$|^introduction",
    re.I,
)

# "Label: value" -> a canonical field (or a special reader). First match wins.
PAIR_FIELDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p, re.I), f)
    for p, f in (
        (r"couple|family|group", "_extra"),
        (
            r"^(avg |average )?(cost|fee|fees|rate|price)|per session|session fee"
            r"|individual session",
            "fee",
        ),
        (r"sliding scale", "sliding_scale"),
        (
            r"licen[cs]e (no|number|#|and state)|primary (credential|licen[cs]e)|^licen[cs]e$",
            "_license",
        ),
        (r"years in practice|years of experience", "years_in_practice"),
        (r"^professions?$|^title$|^profession$", "title"),
        (r"^languages?( spoken)?$", "languages"),
        (r"^ages?$", "ages"),
        (r"accepting new", "accepting"),
        (r"^(insurance|accepted insurance|insurance plans)$", "insurance"),
        (r"^(website|web site)$", "website"),
        (r"^e-?mail$", "email"),
        (r"^(phone|telephone|call)$", "phones"),
    )
]

_NOT_NAMES = re.compile(r"^(view|see|read|email|call|more|profile|book|contact|website)\b", re.I)


def apply_sections(sections: Sections, raw: dict[str, Any], extra: dict[str, Any]) -> list[str]:
    """Feed ``raw``/``extra`` from a profile's sections; returns the statement paragraphs."""
    statement: list[str] = []
    for path, text in sections.items:
        if not path:
            continue
        target = _item_field(path[-1])
        if target:
            _append(raw, target, text)
        else:
            _append(extra, slug(path[-1]), text)
    for _path, label, value in sections.pairs:
        apply_pair(label, value, raw, extra)
    for path, text in sections.paragraphs:
        if path and STATEMENT_HEADINGS.search(path[-1]):
            statement.append(text)
        elif path and len(path) > 1:
            _append(extra, slug(path[-1]), text)
    return statement


def _item_field(heading: str) -> str | None:
    for pattern, name in ITEM_FIELDS:
        if pattern.search(heading.strip()):
            return name
    return None


def apply_pair(label: str, value: str, raw: dict[str, Any], extra: dict[str, Any]) -> None:
    label = clean(label).rstrip(":").strip()
    value = clean(value)
    if not label or not value:
        return
    target = "_extra"
    for pattern, name in PAIR_FIELDS:
        if pattern.search(label):
            target = name
            break
    if target == "_license":
        for key, val in license_parts(value).items():
            if raw.get(key) is None:
                raw[key] = val
        extra.setdefault(slug(label), value)
    elif target == "_extra":
        _append(extra, slug(label), value)
    elif target in ("languages", "ages", "insurance", "phones"):
        for part in re.split(r"\s*[,;]\s*", value):
            _append(raw, target, part)
    else:
        if raw.get(target) is None:
            raw[target] = value
        if target == "fee":
            extra.setdefault(slug(label), value)


def _append(store: dict[str, Any], key: str, value: str) -> None:
    value = clean(value)
    if not value:
        return
    current = store.setdefault(key, [])
    if not isinstance(current, list):
        current = store[key] = [current]
    if value not in current:
        current.append(value)


def split_subtitle(text: str) -> tuple[str | None, list[str]]:
    """``"Clinical Social Work/Therapist, LICSW"`` -> (title, credentials).

    The parts after the name are a profession and credential letters in any
    order; a part made only of credential-looking tokens is a credential.
    """
    title = None
    creds: list[str] = []
    for part in re.split(r"\s*,\s*", clean(text)):
        if not part:
            continue
        tokens = part.replace("/", " ").split()
        if tokens and (all(is_credential(t) for t in tokens) or _looks_like_letters(part)):
            creds.append(part)
        elif title is None:
            title = part
        else:
            creds.append(part)
    return title, creds


def _looks_like_letters(part: str) -> bool:
    # Unlisted credential letters ("CCSP", "ALMFT", "MA-MFT"): short, capitals, no spaces.
    return bool(re.fullmatch(r"[A-Z][A-Za-z.-]{1,9}", part)) and sum(c.isupper() for c in part) >= 2


def postal_address(el: El) -> dict[str, str]:
    """Street, city, state, ZIP of a ``PostalAddress`` element, street lines kept whole.

    Pages put an unmarked second street line ("Suite 1240") between the marked
    street and the city line, and sometimes the clinician's name above it.
    """

    def prop(name: str) -> str | None:
        for child in el.iter():
            if isinstance(child.tag, str) and name in child.get("itemprop", "").lower().split():
                text = child.get("content") or visible_text(child)
                if clean(text):
                    return clean(text)
        return None

    street = prop("streetaddress")
    city = prop("addresslocality")
    out = {
        "address": street,
        "city": city,
        "state": prop("addressregion"),
        "zip": prop("postalcode"),
    }
    if street and city:
        rows = lines(el)
        start = next((i for i, row in enumerate(rows) if street in row), None)
        end = next((i for i, row in enumerate(rows) if row.startswith(city)), None)
        if start is not None and end is not None and end > start + 1:
            out["address"] = ", ".join(rows[start:end])
    return {k: v for k, v in out.items() if v}


def row_fields(
    row: El, link: El, site_name: str | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """What one result row shows: name, credentials, place, phone, badges, excerpt."""
    raw: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    href = canonical_profile_url(link.get("href"))
    raw["profile_url"] = href
    raw["name"] = _row_name(row, href) or site_name
    hinted = _hinted(row)
    subtitle = hinted.get("credential")
    if subtitle is None:
        headings = [visible_text(h) for h in row.iter("h2", "h3", "h4", "h5")]
        headings = [h for h in headings if h]
        if len(headings) >= 2:
            subtitle = headings[1]
            if len(headings) >= 3:
                raw["title"] = headings[2]
    if subtitle is None:
        subtitle = _alt_subtitle(row, raw.get("name"))
    if subtitle:
        title, creds = split_subtitle(subtitle)
        raw.setdefault("title", title)
        raw["credentials"] = creds
        extra["credentials_text"] = subtitle
    for text in hinted.get("places", []):
        if text.lower().startswith("online only"):
            raw["telehealth"] = True
            raw["in_person"] = False
            continue
        place = place_line(text)
        if place:
            raw.update(place)
            extra["location_text"] = text
            break
    phone = next(
        (visible_text(a) for a in row.iter("a") if a.get("href", "").startswith("tel:")), None
    )
    raw["phones"] = phone or hinted.get("phone")
    raw["statement"] = hinted.get("statement") or _longest_paragraph(row)
    for key, value in badges(row).items():
        raw.setdefault(key, value)
    extra.update(hinted.get("notes", {}))
    return raw, extra


def _hinted(row: El) -> dict[str, Any]:
    """One pass over a row: the first element whose class names each role, and the places.

    Class names are hints, not contracts: "credentials", "statement", "phone",
    "location"/"address" have meant the same thing across every redesign seen.
    """
    found: dict[str, Any] = {"places": [], "notes": {}}
    inside_place: set[El] = set()
    for el in row.iter():
        if not isinstance(el.tag, str):
            continue
        names = classes(el)
        if names.strip() == "":
            continue
        if "verified" in names:
            continue  # "verified-credentials" is a badge, not the credentials
        for role in ("credential", "statement", "phone"):
            if role not in found and role in names:
                text = visible_text(el)
                if text:
                    found[role] = text
        if ("location" in names or "address" in names) and el.getparent() not in inside_place:
            inside_place.add(el)
            found["places"].extend(lines(el))
        elif el.getparent() in inside_place:
            inside_place.add(el)
        if "endorse" in names or "distance" in names:
            text = visible_text(el)
            if text:
                found["notes"][slug(el.get("class", "note").split()[0])] = text
    return found


def _row_name(row: El, href: str | None) -> str | None:
    candidates = []
    for a in row.iter("a"):
        if canonical_profile_url(a.get("href")) != href:
            continue
        heading = next((h for h in a.iter("h1", "h2", "h3", "h4") if visible_text(h)), None)
        text = visible_text(heading) if heading is not None else visible_text(a)
        if text and not _NOT_NAMES.match(text) and len(text) < 120:
            rank = 0 if class_has(a, "title", "name") or heading is not None else 1
            candidates.append((rank, text))
    if candidates:
        return min(candidates, key=lambda c: c[0])[1]
    heading = next((h for h in row.iter("h2", "h3", "h4") if visible_text(h)), None)
    return visible_text(heading) if heading is not None else None


def _alt_subtitle(row: El, name: str | None) -> str | None:
    # A photo's alt text often reads "Photo of Jane Doe, Psychologist, PsyD".
    for img in row.iter("img"):
        alt = clean(img.get("alt"))
        alt = re.sub(r"^(photo|picture|image) of\s+", "", alt, flags=re.I)
        if name and alt.startswith(name):
            rest = alt[len(name) :].strip(" ,")
            if rest:
                return rest
    return None


def _longest_paragraph(row: El) -> str | None:
    texts = [visible_text(p) for p in row.iter("p")]
    texts = [t for t in texts if len(t) > 60]
    return max(texts, key=len) if texts else None


def make_record(
    raw: dict[str, Any], extra: dict[str, Any], locator: str, key: str | None = None
) -> Record:
    """Normalise ``raw`` and build the record; the key defaults to the profile URL."""
    fields = build_fields({k: v for k, v in raw.items() if v not in (None, "", [])})
    if raw.get("profile_url"):
        fields["profile_url"] = raw["profile_url"]
    formats = formats_from(raw.get("formats") or extra.get("services_i_provide") or [])
    if formats:
        fields["formats"] = formats
    clean_extra = {k: v for k, v in extra.items() if v not in (None, "", [], {})}
    return Record(
        fields=fields, locator=locator, key=key or fields.get("profile_url"), extra=clean_extra
    )


_FORMAT_WORDS = (
    ("individual", "individual"),
    ("couple", "couples"),
    ("famil", "family"),
    ("group", "group"),
)


def formats_from(values: list[str] | str) -> list[str]:
    items = [values] if isinstance(values, str) else values
    out: list[str] = []
    for item in items:
        low = item.lower()
        for word, fmt in _FORMAT_WORDS:
            if word in low and fmt not in out:
                out.append(fmt)
    return out


def statement_text(scope: El) -> str | None:
    """The clinician's own statement: the outermost block a page marks as its statement."""
    for el in scope.iter():
        if not isinstance(el.tag, str) or not class_has(el, "statement"):
            continue
        if el.get("role") == "dialog":
            continue
        paragraphs = lines(el)
        if paragraphs:
            return "\n\n".join(paragraphs)
    return None


def first_text_prop(props: dict[str, Any], *names: str) -> str | None:
    value = first(props, *names)
    if isinstance(value, dict):
        value = first(value, "name")
    return clean(str(value)) if value else None
