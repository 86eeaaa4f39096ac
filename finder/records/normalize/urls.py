"""Web addresses, email addresses and the one spelling of a directory profile's address."""

from __future__ import annotations

import functools
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from finder.patterns import later
from finder.records.normalize.identifiers import npi
from finder.records.normalize.text import clean_text

_HTTP = later(r"^https?://", re.I)
_BARE_HOST = later(r"^[\w.-]+\.[a-z]{2,}(/|$)", re.I)


def url(raw: Any) -> str | None:
    """A web address as written, with its scheme (``None`` for anything else)."""
    if type(raw) is str and len(raw) < 300:
        # A row's website cell is read three times (is it a link? the website; is it a
        # directory's profile?): the answer is remembered, a string, shared by nobody.
        return _url_of(raw)
    return _url(raw)


@functools.lru_cache(maxsize=4096)
def _url_of(raw: str) -> str | None:
    return _url(raw)


def _url(raw: Any) -> str | None:
    text = clean_text(raw)
    if text is None or " " in text:
        return None
    if text.startswith("//"):
        text = "https:" + text
    if not _HTTP.match(text):
        if _BARE_HOST.match(text):
            text = "https://" + text
        else:
            return None
    return text


def email(raw: Any) -> str | None:
    text = clean_text(raw)
    if text is None:
        return None
    text = re.sub(r"^mailto:", "", text, flags=re.I)
    return text if re.fullmatch(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}", text) else None


_PT_KINDS = {
    "therapists": "therapists",
    "psychiatrists": "psychiatrists",
    "treatment": "treatment-rehab",
    "treatment-rehab": "treatment-rehab",
    "groups": "groups",
}


@functools.lru_cache(maxsize=4096)
def canonical_profile_url(url: str | None) -> str | None:
    """One spelling per profile so records from different files merge.

    Any URL: https, lower-case host, no query string, fragment or trailing slash.
    Psychology Today has spelt one profile many ways over the years
    (``therapists.psychologytoday.com/rms/prof_detail.php?profid=299404``,
    ``.../rms/name/Gayle_Clark_LICSW_Cambridge_Massachusetts_299404``,
    ``www.psychologytoday.com/us/therapists/gayle-clark-cambridge-ma/299404``); all
    become ``https://www.psychologytoday.com/us/therapists/299404``.
    """
    if not url:
        return None
    text = url.strip()
    if text.startswith("//"):
        text = "https:" + text
    if not re.match(r"^https?://", text, re.I):
        if re.match(r"^(www\.)?[\w-]+(\.[\w-]+)+/", text, re.I):
            text = "https://" + text
        else:
            return None
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if not host:
        return None
    path = re.sub(r"/{2,}", "/", parts.path)
    if host.endswith("psychologytoday.com"):
        pt = _psychology_today_url(host, path, parts.query)
        if pt:
            return pt
    try:
        port_number = parts.port
    except ValueError:  # "https://w:w.example.org/": a mangled link, not a profile address
        return None
    port = f":{port_number}" if port_number and port_number not in (80, 443) else ""
    return f"https://{host}{port}{path.rstrip('/')}"


_RULA_NPI = later(r"(?:^|[-_/])(\d{10})$")


def npi_in_profile_url(url: str | None) -> str | None:
    """The NPI a directory writes into its profile address (Rula's ``.../jane-doe-1234567893``).

    Only ten digits whose NPI check digit is right count.
    """
    if not url:
        return None
    parts = urlsplit(url)
    if not (parts.hostname or "").lower().endswith("rula.com"):
        return None
    m = _RULA_NPI.search(parts.path.rstrip("/"))
    return npi(m.group(1)) if m else None


def _psychology_today_url(host: str, path: str, query: str) -> str | None:
    profid = (parse_qs(query).get("profid") or [""])[0].strip()
    segments = [s for s in path.split("/") if s]
    if not profid.isdigit():
        profid = ""
        if segments and (len(segments) >= 2 or "name" in segments):
            m = re.search(r"(?:^|[_-])(\d{4,})$", segments[-1])
            if m and (segments[-1].isdigit() or "name" in segments):
                profid = m.group(1)
    if not profid:
        return None
    country = segments[0] if segments and re.fullmatch(r"[a-z]{2}", segments[0]) else "us"
    kind = "therapists"
    sub = host.split(".")[0]
    if sub in _PT_KINDS:
        kind = _PT_KINDS[sub]
    for seg in segments[:3]:
        if seg in _PT_KINDS:
            kind = _PT_KINDS[seg]
            break
    return f"https://www.psychologytoday.com/{country}/{kind}/{profid}"


def profile_url(raw: Any) -> str | None:
    return canonical_profile_url(url(raw))


_DIRECTORY_PROFILE = later(r"^https://www\.psychologytoday\.com/[a-z]{2}/[\w-]+/\d+$")


def directory_profile_url(raw: Any) -> str | None:
    """A directory's page about a clinician (a Psychology Today profile, however spelt), as
    ``profile_url`` writes it; ``None`` for any other address. Such a page is never the
    clinician's own website, whichever field a source put it in."""
    text = url(raw)
    if text is None or "psychologytoday" not in text.lower():
        return None  # no other host can give such an address (url() leaves no whitespace)
    found = canonical_profile_url(text)
    return found if found and _DIRECTORY_PROFILE.match(found) else None
