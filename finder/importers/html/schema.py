"""schema.org in saved pages: JSON-LD entities, microdata items, postal addresses.

Directories and clinicians' own sites describe people and practices with
schema.org types; these readers turn either syntax into plain dicts so the
importers can read both the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from finder.importers.html.page import El, clean, in_chrome, visible_text


def schema_types(obj: dict[str, Any]) -> set[str]:
    raw = obj.get("@type", [])
    values = raw if isinstance(raw, list) else [raw]
    return {str(v).rsplit("/", 1)[-1].rsplit(":", 1)[-1] for v in values if v}


def jsonld_entities(objects: list[Any], wanted: Callable[[set[str]], bool]) -> list[dict[str, Any]]:
    """Top-level entities of the wanted types: in ``@graph``, ``mainEntity`` and item lists."""
    found: list[dict[str, Any]] = []

    def visit(obj: Any, depth: int) -> None:
        if depth > 6:
            return
        if isinstance(obj, list):
            for item in obj:
                visit(item, depth + 1)
            return
        if not isinstance(obj, dict):
            return
        if wanted(schema_types(obj)):
            found.append(obj)
            return
        for key in ("@graph", "mainEntity", "itemListElement", "item", "hasPart", "about"):
            if key in obj:
                visit(obj[key], depth + 1)

    visit(objects, 0)
    return found


def microdata_items(
    root: El, wanted: Callable[[set[str]], bool]
) -> list[tuple[El, dict[str, Any]]]:
    """Top-level microdata items of the wanted types as ``(element, properties)``.

    Nested items become nested dicts; values keep their order and repeats.
    """
    out = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.get("itemscope") is None or el.get("itemprop"):
            continue
        types = {t.rstrip("/").rsplit("/", 1)[-1] for t in el.get("itemtype", "").split()}
        if wanted(types) and not in_chrome(el):
            out.append((el, item_properties(el)))
    return out


def item_properties(scope: El) -> dict[str, Any]:
    props: dict[str, Any] = {
        "@type": [t.rstrip("/").rsplit("/", 1)[-1] for t in scope.get("itemtype", "").split()]
    }

    def walk(el: El) -> None:
        for child in el:
            if not isinstance(child.tag, str):
                continue
            names = child.get("itemprop", "").split()
            nested = child.get("itemscope") is not None
            if names:
                value: Any = item_properties(child) if nested else _prop_value(child)
                for name in names:
                    if value not in (None, "", {}):
                        props.setdefault(name.lower(), []).append(value)
            if not nested:
                walk(child)

    walk(scope)
    return props


def _prop_value(el: El) -> str:
    tag = el.tag.lower()
    if tag == "meta":
        return clean(el.get("content"))
    if tag in {"a", "link", "area"} and el.get("href"):
        return clean(el.get("href"))
    if tag in {"img", "audio", "video", "source", "iframe", "embed"}:
        return clean(el.get("src"))
    if tag == "time" and el.get("datetime"):
        return clean(el.get("datetime"))
    if el.get("content") is not None:
        return clean(el.get("content"))
    return visible_text(el)


def first(props: dict[str, Any], *names: str) -> Any:
    for name in names:
        values = props.get(name.lower()) if name.lower() in props else props.get(name)
        if isinstance(values, list):
            for v in values:
                if v not in (None, "", {}, []):
                    return v
        elif values not in (None, "", {}, []):
            return values
    return None


def text_value(value: Any) -> str | None:
    """A JSON-LD/microdata value as text (``{"name": ...}`` objects give their name)."""
    if value is None:
        return None
    if isinstance(value, dict):
        return text_value(value.get("name") or value.get("@value") or value.get("value"))
    if isinstance(value, list):
        texts = [t for t in (text_value(v) for v in value) if t]
        return ", ".join(texts) if texts else None
    return clean(str(value)) or None


def address_fields(addr: Any) -> dict[str, Any]:
    """A schema.org PostalAddress (dict or microdata dict) -> canonical raw fields."""
    if isinstance(addr, list):
        addr = next((a for a in addr if a), None)
    if isinstance(addr, str):
        return {"address": addr}
    if not isinstance(addr, dict):
        return {}
    lower = {k.lower(): v for k, v in addr.items()}

    def get(*keys: str) -> str | None:
        for k in keys:
            v = lower.get(k.lower())
            if isinstance(v, list):
                v = next((x for x in v if x), None)
            t = text_value(v)
            if t:
                return t
        return None

    street = lower.get("streetaddress")
    if isinstance(street, list):  # ["1100 S Lamar Blvd", "Suite 210"]: every line counts
        street = ", ".join(t for t in (text_value(x) for x in street) if t)
    return {
        "address": text_value(street),
        "city": get("addressLocality"),
        "state": get("addressRegion"),
        "zip": get("postalCode"),
    }


_ORG_WORDS = re.compile(
    r"\b(counsel+ing|center|centre|clinic|group|associates|practice|services|institute|"
    r"wellness|llc|pllc|inc|ltd|collective|partners|network|solutions|healing|health|"
    r"therapy|therapies|psychotherapy|psychology|psychiatry|behavioral|recovery|rehab|"
    r"treatment|foundation|agency|hospital|program)\b",
    re.I,
)


def looks_like_organization(name: str | None) -> bool:
    """A listing named like a practice ("Lakeview Counseling Center") rather than a person."""
    return bool(name and _ORG_WORDS.search(name))
