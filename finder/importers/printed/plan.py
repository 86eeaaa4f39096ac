"""The plan a printed directory is for, read from its cover and welcome pages.

"Welcome to UnitedHealthcare Community Plan" names the insurer; a cover line
such as "Essential Plan Program" names the product, and a state printed on the
cover says where: together "UnitedHealthcare Community Plan, NY Essential Plan".
Only what the pages print is used; when they name no plan, there is none.
"""

from __future__ import annotations

import re

from finder.records.normalize.places import state
from finder.records.normalize.text import clean_text

_INSURER = re.compile(
    r"(?:welcome to|bienvenid[oa] a|willkommen bei)\s*\n?\s*([A-Z][\w&.'’ -]{3,60}?)\s*[\r\n!.]",
    re.I,
)
_PARTICIPATE = re.compile(r"participate (?:with|in)\s+([A-Z][\w&.'’ -]{3,60}?)[.,]")
_PRODUCT = re.compile(
    r"^\s*([A-Z][\w&' -]{2,50}?\b(?:Plan|Program|Medicaid|Medicare|Marketplace|CHIP|"
    r"Advantage|Exchange|Network)\b[\w&' -]{0,30}?)\s*$",
    re.M,
)
_NOT_PRODUCT = re.compile(r"directory|directorio|verzeichnis|member services", re.I)


def _insurer(text: str) -> str | None:
    m = _PARTICIPATE.search(text) or _INSURER.search(text)
    return clean_text(m.group(1)) if m else None


def _product(cover: str, insurer: str | None) -> str | None:
    for m in _PRODUCT.finditer(cover):
        text = clean_text(m.group(1)) or ""
        if not text or _NOT_PRODUCT.search(text) or (insurer and text in insurer):
            continue
        if text.endswith(" Program") and "Plan" in text:
            text = text[: -len(" Program")]
        return text
    return None


def _state(cover: str) -> str | None:
    for line in cover.splitlines():
        text = line.strip()
        if 4 <= len(text) <= 20 and text.replace(" ", "").isalpha():
            found = state(text)
            if found and len(text) > 2:
                return found
    return None


def plan_name(front: str) -> str | None:
    """The plan the directory is for, from its first pages' text (pages split by form feeds)."""
    cover = front.split("\f", 1)[0]
    insurer = _insurer(front)
    product = _product(cover, insurer)
    if product and insurer:
        where = _state(cover)
        return f"{insurer}, {where} {product}" if where else f"{insurer}, {product}"
    return insurer or product
