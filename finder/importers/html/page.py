"""What the saved-web-page importers share: loading a page, and reading what carries meaning.

A saved directory page is mostly chrome: navigation, filter sidebars, "similar
therapists", modals, scripts. Class names change every redesign, so the
readers here lean on what survives redesigns: schema.org microdata and
JSON-LD, ``rel=canonical``, ``tel:`` links, headings that label sections
("Types of Therapy", "Finances"), "Label: value" pairs, and the fact that a
result row is the largest block that links to one profile and no other.

Parsing uses lxml's libxml2 HTML parser directly (plain ``etree`` elements): a
1 MB results page parses in milliseconds, where BeautifulSoup with ``html.parser``
takes a large multiple of that. lxml is imported lazily so ``finder --help``
stays fast.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from finder.errors import ImportRefused
from finder.importers.base import (
    MAX_JSON_DEPTH,
    check_size,
    decode,
    detect_encoding,
    error_page_reason,
    is_html,
    nested_too_deep,
)
from finder.records.normalize.text import is_waitlist

#: An lxml element; lxml ships no type information.
El = Any

MAX_BYTES = 30 * 1024 * 1024

# Subtrees that are never part of a record: scripts, icons, forms, dialogs, site chrome.
SKIP_TAGS = frozenset(
    {"script", "style", "noscript", "template", "svg", "select", "option", "textarea", "button",
     "iframe", "nav", "header", "footer", "aside", "form", "head"}
)  # fmt: skip
BLOCK_TAGS = frozenset(
    {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
     "section", "article", "table", "tr", "td", "th", "br", "address", "blockquote", "figure",
     "figcaption", "main"}
)  # fmt: skip
_WS = re.compile(r"\s+")


_HEAD_TAG = re.compile(rb"<(?:link|meta)\b[^>]*>", re.I)
#: A directory's own page links to its own site dozens of times (menus, footers);
#: a clinician's own site links to it once or twice ("verified by ..." badges).
MIN_SITE_LINKS = 5


def site_page_score(head: bytes, host: re.Pattern[bytes], strong: re.Pattern[bytes]) -> float:
    """How sure it is that ``head`` is a page saved from the site ``host`` names.

    The site's own address in a ``<link>``/``<meta>`` tag (canonical, og:url) or a
    ``strong`` marker (its title, its asset host, "saved from url=") settles it;
    otherwise only a page that links to the site many times is the site's.
    A clinician's own website with a directory's badge on it is not the directory's page.
    """
    if strong.search(head) or any(host.search(tag) for tag in _HEAD_TAG.findall(head)):
        return 0.95
    links = re.findall(rb"""href\s*=\s*["']https?://""" + host.pattern, head, re.I)
    return 0.9 if len(links) >= MIN_SITE_LINKS else 0.0


# --- loading ----------------------------------------------------------------------------

_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)\s*(\S+?)\s*-->", re.I)


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares near its top (``<meta>`` or an XML declaration), as a
    Python codec name; beautifulsoup4's detector finds the declaration.

    ISO-8859-1 and ASCII are read as Windows-1252, as browsers do (WHATWG): pages
    that declare Latin-1 routinely contain curly quotes in the 0x80-0x9F range.
    """
    # Imported here: bs4 takes a tenth of a second to load, and only saved pages need it.
    # kept here: bs4 (75 ms) loads only for a page that declares no charset
    from bs4.dammit import EncodingDetector

    label = EncodingDetector.find_declared_encoding(data[:8192], is_html=True)
    if not label:
        return None
    try:
        name = codecs.lookup(label).name
    except (LookupError, ValueError):  # an unknown name, or one with a NUL in it
        return None
    if name in {"latin-1", "iso8859-1", "ascii", "cp1252", "windows-1252"}:
        return "cp1252"
    if name.startswith("utf-16"):
        return None  # a page that says UTF-16 in ASCII bytes is really not UTF-16
    return name


@dataclass
class Page:
    """A parsed saved page."""

    path: Path
    root: El
    url: str | None  # the page's own address: canonical, og:url or "saved from url"
    title: str
    jsonld: list[Any] = field(default_factory=list)


def load_page(
    path: Path, max_bytes: int = MAX_BYTES, warn: Callable[[str], None] = lambda message: None
) -> Page:
    """Read, decode and parse ``path``; refuse empty files and saved error pages.

    A JSON-LD block nested too deeply to walk is left out with a warning through ``warn``:
    the rest of the page still says who the clinician is."""
    # kept here: lxml loads only when a saved page is parsed
    from lxml import etree  # type: ignore[import-untyped]

    check_size(path, max_bytes)
    data = path.read_bytes()
    if not data.strip():
        raise ImportRefused(path, "file is empty; nothing imported")
    encoding = None if data[:3] == codecs.BOM_UTF8 else declared_charset(data)
    text = decode(data, encoding or detect_encoding(data[:200_000]))
    text = text.lstrip("\ufeff")
    if not is_html(text[:4096].encode("utf-8", "replace")):
        reason = error_page_reason(text) if len(text) < 20000 else None
        raise ImportRefused(
            path, reason or "not a saved web page (no HTML found); nothing imported"
        )
    parser = etree.HTMLParser(encoding="utf-8", huge_tree=True)
    try:
        root = etree.fromstring(text.encode("utf-8", "replace"), parser=parser)
    except Exception as err:  # lxml raises several types for hopeless input
        raise ImportRefused(
            path, f"the page could not be parsed as HTML ({err}); nothing imported"
        ) from None
    if root is None:
        raise ImportRefused(path, "the saved page has no content; nothing imported")
    if _too_deep(root):
        # Real pages nest a few dozen levels; thousands are an attack on recursive readers.
        raise ImportRefused(
            path, f"elements are nested over {MAX_DEPTH} levels deep; not a real page"
        )
    title = clean(root.findtext(".//title") or "")
    _refuse_error_page(path, root, title)
    jsonld, skipped = _jsonld_objects(root)
    if skipped:
        blocks = "a JSON-LD block" if skipped == 1 else f"{skipped} JSON-LD blocks"
        warn(
            f"{path}: {blocks} nested over {MAX_JSON_DEPTH} levels deep left out; "
            "the rest of the page was read"
        )
    return Page(path=path, root=root, url=_page_url(root, text, jsonld), title=title, jsonld=jsonld)


MAX_DEPTH = 400


def _too_deep(root: El) -> bool:
    # kept here: lxml loads only when a saved page is parsed
    from lxml import etree

    depth = 0
    for event, _ in etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        if depth > MAX_DEPTH:
            return True
    return False


_ERROR_TITLE = re.compile(
    r"^(?:\d{3}\b|error\b|page not found|not found|access denied|forbidden|attention required"
    r"|just a moment|site maintenance|service unavailable|are you a robot|security check)",
    re.I,
)


def _refuse_error_page(path: Path, root: El, title: str) -> None:
    if _ERROR_TITLE.search(title):
        raise ImportRefused(
            path,
            f"this is a saved error page (title {title[:60]!r}), not a therapist page; "
            "nothing imported",
        )
    body = root.find("body")
    # An error page is short: a sample of the visible text is enough, and cheap on 1 MB pages.
    parts: list[str] = []
    size = 0
    for part in _text_parts(body if body is not None else root, SKIP_TAGS):
        parts.append(part)
        size += len(part)
        if size > 25000:
            break
    visible = clean("".join(parts))
    if not visible:
        raise ImportRefused(path, "the saved page has no visible text; nothing imported")
    reason = error_page_reason(visible[:20000])
    if reason:
        raise ImportRefused(path, reason)


def _page_url(root: El, text: str, jsonld: list[Any]) -> str | None:
    for link in root.iterfind(".//link[@rel]"):
        if "canonical" in link.get("rel", "").lower().split() and link.get("href"):
            return str(link.get("href")).strip()
    for meta in root.iterfind(".//meta[@property]"):
        if meta.get("property", "").lower() == "og:url" and meta.get("content"):
            return str(meta.get("content")).strip()
    m = _SAVED_FROM.search(text[:4096])
    return m.group(1) if m else None


# --- text -------------------------------------------------------------------------------


def clean(text: str | None) -> str:
    return _WS.sub(" ", text or "").strip()


def visible_text(el: El, skip: frozenset[str] = SKIP_TAGS) -> str:
    """The text a reader sees in ``el``: no scripts, icons, forms or chrome; blocks spaced."""
    return clean("".join(_text_parts(el, skip)))


def _text_parts(el: El, skip: frozenset[str]) -> Iterator[str]:
    # A loop over a stack, not recursion: a hostile page can nest elements 100,000 deep.
    todo: list[El | str] = [el]
    while todo:
        item = todo.pop()
        if isinstance(item, str):
            yield item
            continue
        tag = item.tag.lower() if isinstance(item.tag, str) else ""
        if tag in BLOCK_TAGS:
            yield " "
        after: list[El | str] = []
        if tag and tag not in skip:
            if item.text:
                yield item.text
            for child in item:
                after.append(child)
                if child.tail:
                    after.append(str(child.tail))
        if tag in BLOCK_TAGS:
            after.append(" ")
        todo.extend(reversed(after))


def lines(el: El) -> list[str]:
    """``el``'s visible text cut at ``<br>`` and block boundaries (an address, a badge list)."""
    out: list[str] = []
    current: list[str] = []

    def walk(node: El) -> None:
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        if not tag or tag in SKIP_TAGS:
            return
        block = tag in BLOCK_TAGS
        if block or tag == "br":
            flush()
        if node.text:
            current.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                current.append(child.tail)
        if block:
            flush()

    def flush() -> None:
        text = clean("".join(current))
        current.clear()
        if text:
            out.append(text)

    walk(el)
    flush()
    return out


def classes(el: El) -> str:
    cls = el.get("class")
    ident = el.get("id")
    if not cls and not ident:
        return "  "
    return f" {(cls or '').lower()} {(ident or '').lower()} "


def class_has(el: El, *words: str) -> bool:
    """True when a class or id of ``el`` contains one of ``words`` (a semantic hint)."""
    names = classes(el)
    return any(w in names for w in words)


def in_chrome(el: El) -> bool:
    """True when ``el`` sits in navigation, a header/footer, a sidebar or a dialog."""
    for anc in el.iterancestors():
        tag = anc.tag.lower() if isinstance(anc.tag, str) else ""
        if tag in {"nav", "header", "footer", "aside", "form", "select"}:
            return True
        if anc.get("role", "").lower() in {"dialog", "navigation", "banner", "contentinfo"}:
            return True
    return False


_RELATED = re.compile(r"similar|related|nearby")


def is_related_block(el: El) -> bool:
    """True for a "similar therapists" / "nearby providers" block: other clinicians."""
    return bool(_RELATED.search(classes(el)))


def in_related(el: El) -> bool:
    """True when ``el`` sits inside a block about other clinicians (see ``is_related_block``)."""
    return any(is_related_block(anc) for anc in el.iterancestors())


def slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[:60] or "unlabelled"


# --- profile URLs -----------------------------------------------------------------------


# --- result rows ------------------------------------------------------------------------


def result_rows(root: El, profile_key: Callable[[str], str | None]) -> list[tuple[str, El, El]]:
    """``(key, row, link)`` for every profile linked from a results list, in page order.

    A row is the largest element that links to one profile and to no other:
    this holds for every generation of every directory we have seen, whatever
    the classes are called. Links in navigation, sidebars and dialogs are not rows.
    """
    owners: dict[El, set[str]] = {}
    first: dict[str, El] = {}
    for a in root.iter("a"):
        key = profile_key(a.get("href", ""))
        if key is None or in_chrome(a):
            continue
        first.setdefault(key, a)
        for anc in a.iterancestors():
            owners.setdefault(anc, set()).add(key)
    rows = []
    for key, link in first.items():
        row = link
        for anc in link.iterancestors():
            if owners.get(anc) != {key}:
                break
            row = anc
        rows.append((key, row, link))
    return rows


# --- schema.org -------------------------------------------------------------------------


def _jsonld_objects(root: El) -> tuple[list[Any], int]:
    """The JSON-LD values of the page, and how many blocks were too deeply nested to keep."""
    found: list[Any] = []
    skipped = 0
    for script in root.iter("script"):
        if "ld+json" not in script.get("type", "").lower():
            continue
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = _json_block(raw)
        except RecursionError:  # the parser itself gave up on the nesting
            skipped += 1
            continue
        if data is None:
            continue
        if nested_too_deep(data):
            skipped += 1
            continue
        found.extend(data if isinstance(data, list) else [data])
    return found, skipped


def _json_block(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        # Some sites leave a trailing comma or HTML comment; one bad block is not fatal.
        try:
            return json.loads(re.sub(r",\s*([}\]])", r"\1", raw.strip("<!->\n ")))
        except ValueError:
            return None


_TELEHEALTH = re.compile(
    r"^(?:telehealth|teletherapy|online therapy|online only|video (?:call|session|therapy)s?"
    r"|offers? (?:online|video|telehealth))",
    re.I,
)
_ACCEPTING_YES = re.compile(r"^(?:currently |now )?accepting new (?:clients|patients)", re.I)
_ACCEPTING_NO = re.compile(
    r"^(?:not (?:currently )?accepting new|no(?:t)? new (?:clients|patients)"
    r"|currently not accepting)",
    re.I,
)


def badges(scope: El, skip: Callable[[El], bool] = lambda el: False) -> dict[str, Any]:
    """Telehealth / in person / accepting as short badges and buttons state them.

    Only short texts count (a badge, a button), never a sentence in a statement:
    "I no longer offer video sessions" must not read as a telehealth badge.
    """
    found: dict[str, Any] = {}
    for node in _short_texts(scope, skip):
        if "telehealth" not in found and _TELEHEALTH.search(node):
            found["telehealth"] = True
        if node.lower().startswith("online only"):
            found["in_person"] = False
        if "accepting" not in found and "waitlist" not in found:
            if is_waitlist(node):
                found["waitlist"] = True  # a waitlist is not "not accepting"
            elif _ACCEPTING_NO.search(node):
                found["accepting"] = False
            elif _ACCEPTING_YES.search(node):
                found["accepting"] = True
    return found


def _short_texts(scope: El, skip: Callable[[El], bool]) -> list[str]:
    out: list[str] = []

    def add(text: str | None) -> None:
        t = text.strip() if text else ""
        if 2 < len(t) <= 120:
            t = clean(t)
            if len(t) <= 60:
                out.append(t)

    def walk(el: El) -> None:
        for child in el:
            if isinstance(child.tag, str):
                tag = child.tag.lower()
                hidden = (
                    (tag in SKIP_TAGS and tag != "button")
                    or tag == "p"
                    or skip(child)
                    or child.get("role", "").lower() == "dialog"
                    or class_has(child, " modal ", "statement")
                )
                if not hidden:
                    add(child.text)
                    walk(child)
            add(child.tail)

    add(scope.text)
    walk(scope)
    return out
