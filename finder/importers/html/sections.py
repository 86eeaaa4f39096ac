"""What a saved profile says under its headings: labelled sections of a page.

Headings (``h1``-``h6``) and labels (``strong``, ``dt``, ...) give the path; list items
and label-value pairs under them are kept by that path for the field readers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from finder.importers.html.page import BLOCK_TAGS, SKIP_TAGS, El, class_has, clean, visible_text


@dataclass
class Sections:
    """What a profile says under its headings.

    ``items`` maps a heading path (outermost first) to the list entries under it;
    ``pairs`` are "Label: value" lines; ``paragraphs`` are ``<p>`` texts under a
    heading path. Lists made only of links are navigation and are left out.
    """

    items: list[tuple[tuple[str, ...], str]] = field(default_factory=list)
    pairs: list[tuple[tuple[str, ...], str, str]] = field(default_factory=list)
    paragraphs: list[tuple[tuple[str, ...], str]] = field(default_factory=list)


_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_LABEL_TAGS = frozenset({"strong", "b", "dt", "th"})


def read_sections(scope: El, skip: Callable[[El], bool] = lambda el: False) -> Sections:
    out = Sections()
    stack: list[tuple[int, str]] = []

    def path() -> tuple[str, ...]:
        return tuple(text for _, text in stack)

    def push(level: int, text: str) -> None:
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, text.rstrip(":").strip()))

    def walk(el: El) -> None:
        for child in el:
            tag = child.tag.lower() if isinstance(child.tag, str) else ""
            if not tag or tag in SKIP_TAGS or skip(child):
                continue
            if child.get("role", "").lower() == "dialog" or class_has(child, " modal "):
                continue
            if tag in _HEADINGS:
                text = visible_text(child)
                if text:
                    push(_HEADINGS[tag], text)
                continue
            if tag in _LABEL_TAGS and _is_label(child):
                value = _label_value(child)
                label = visible_text(child).rstrip(":").strip()
                if value:
                    out.pairs.append((path(), label, value))
                elif not label.endswith(":") and len(label) < 60:
                    push(7, label)  # a bold line standing alone is a sub-heading
                continue
            if tag == "li":
                _read_item(child, path(), out)
                continue
            if tag in {"ul", "ol"} and len(child) == 0 and clean(child.text):
                for part in clean(child.text).split(","):
                    if part.strip():
                        out.items.append((path(), part.strip()))
                continue
            if tag == "p":
                text = visible_text(child)
                # a short line with a link ("See other therapists in Denver") is navigation
                linked = any(True for _ in child.iter("a")) and len(text) < 120
                if text and not linked and not _links_only(child):
                    out.paragraphs.append((path(), text))
                continue
            walk(child)

    walk(scope)
    return out


def _is_label(el: El) -> bool:
    """``<strong>Label:</strong> value``, a ``<dt>``/``<th>``, or a bold line standing alone."""
    if el.tag in {"dt", "th"}:
        return True
    if visible_text(el).endswith(":"):
        return True
    parent = el.getparent()
    if parent is None or clean(el.tail):
        return False
    before = el.getprevious()
    if before is None:
        alone_before = not clean(parent.text)
    else:
        alone_before = not clean(before.tail) and (
            not isinstance(before.tag, str) or before.tag.lower() in BLOCK_TAGS
        )
    after = el.getnext()
    alone_after = after is None or (isinstance(after.tag, str) and after.tag.lower() in BLOCK_TAGS)
    return alone_before and alone_after


def _label_value(label: El) -> str:
    parts: list[str] = []
    if label.tag == "dt":
        nxt = label.getnext()
        return visible_text(nxt) if nxt is not None and nxt.tag == "dd" else ""
    if label.tag == "th":
        nxt = label.getnext()
        return visible_text(nxt) if nxt is not None and nxt.tag == "td" else ""
    if label.tail:
        parts.append(label.tail)
    for sib in label.itersiblings():
        tag = sib.tag.lower() if isinstance(sib.tag, str) else ""
        if tag in _LABEL_TAGS or tag in _HEADINGS or tag in {"ul", "ol", "div", "p", "table"}:
            break
        if tag and tag not in SKIP_TAGS:
            parts.append(visible_text(sib))
        if sib.tail:
            parts.append(sib.tail)
    return clean(" ".join(parts))


def _read_item(li: El, path: tuple[str, ...], out: Sections) -> None:
    label = next((c for c in li if isinstance(c.tag, str) and c.tag in _LABEL_TAGS), None)
    if label is not None and li.index(label) == 0 and not clean(li.text):
        value = _label_value(label)
        name = visible_text(label).rstrip(":").strip()
        if value and name:
            out.pairs.append((path, name, value))
            return
    if _links_only(li):
        return
    text = visible_text(li)
    if text:
        out.items.append((path, text))


def _links_only(el: El) -> bool:
    links = " ".join(visible_text(a) for a in el.iter("a"))
    return bool(links.strip()) and clean(links) == visible_text(el)
