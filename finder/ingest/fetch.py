"""Importing from a URL: fetch what the user points at, then import it like a saved file.

``finder import URL`` fetches a CSV, JSON or FHIR document the user chose (a
payer's Plan-Net ``PractitionerRole?specialty=...&_include=...`` search, a
published list) and hands the downloaded files to ``run_import`` with the URL
as the source, so provenance reads "this URL, fetched then".

- Only http(s) URLs; well-known therapist directories that forbid automated
  access (DOMAIN.md s7) are refused before anything is sent, with a hint to
  save the page in the browser and import the file.
- Downloads stream to a private temporary folder inside the data folder, are
  capped in size (``FINDER_FETCH_MAX_BYTES``, default 100 MB) and are deleted
  after the import.
- A FHIR ``searchset`` Bundle is followed through ``link[relation=next]`` up
  to ``max_pages``, staying on the same host; every page is its own file and
  the FHIR importer reads the set together, so references across pages join.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urljoin, urlsplit

import orjson

from finder.errors import ImportRefused, NetworkError
from finder.importers.base import human_size
from finder.ingest.pipeline import run_import
from finder.online.net import Client as NetClient
from finder.online.net import check_http_url, redact
from finder.storage import paths

if TYPE_CHECKING:
    from finder.ingest.pipeline import ImportReport
    from finder.online.net import Client, Download
    from finder.storage.store import Store

MAX_BYTES_ENV: Final = "FINDER_FETCH_MAX_BYTES"
DEFAULT_MAX_BYTES: Final = 100 * 1024 * 1024
DEFAULT_MAX_PAGES: Final = 20
#: ``finder import URL --timeout``: the whole fetch, every page and redirect, in seconds.
DEFAULT_TIMEOUT: Final = 120.0
#: A download folder this old is one a killed import left behind (a live one is younger).
STALE_SECONDS: Final = 3600.0

#: Directory sites whose terms forbid scraping or automated downloads (domain -> name).
FORBIDDING: Final[dict[str, str]] = {
    "psychologytoday.com": "Psychology Today",
    "goodtherapy.org": "GoodTherapy",
    "therapyden.com": "TherapyDen",
    "zocdoc.com": "Zocdoc",
    "headway.co": "Headway",
    "helloalma.com": "Alma",
    "growtherapy.com": "Grow Therapy",
    "sondermind.com": "SonderMind",
    "rula.com": "Rula",
    "betterhelp.com": "BetterHelp",
    "talkspace.com": "Talkspace",
    "openpathcollective.org": "Open Path Collective",
    "inclusivetherapists.com": "Inclusive Therapists",
    "therapytribe.com": "TherapyTribe",
    "networktherapy.com": "NetworkTherapy",
    "healthgrades.com": "Healthgrades",
    "thumbtack.com": "Thumbtack",
}

_SUFFIX_BY_TYPE = {
    "application/json": ".json",
    "application/fhir+json": ".json",
    "application/json+fhir": ".json",
    "application/x-ndjson": ".ndjson",
    "application/fhir+ndjson": ".ndjson",
    "application/ndjson": ".ndjson",
    "text/csv": ".csv",
    "text/tab-separated-values": ".tsv",
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "text/vcard": ".vcf",
    "text/x-vcard": ".vcf",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}
_KNOWN_SUFFIXES = {".json", ".ndjson", ".csv", ".tsv", ".txt", ".html", ".htm", ".vcf", ".xlsx"}


def forbidding_site(url: str) -> str | None:
    """The directory's name when ``url`` is on a site that forbids automated access."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    for domain, name in FORBIDDING.items():
        if host == domain or host.endswith("." + domain):
            return name
    return None


def check_url(url: str) -> str:
    """Refuse what must not be fetched: non-http(s) URLs and directories that forbid it."""
    try:
        url = check_http_url(url)
    except NetworkError as err:
        raise ImportRefused(redact(url)[:200], str(err).split(": ", 1)[-1]) from None
    name = forbidding_site(url)
    if name:
        raise ImportRefused(
            redact(url),
            f"{name} does not allow automated downloads, so finder will not fetch it; open the "
            "page in your browser, save it (File > Save Page As), then: finder import FILE",
        )
    return url


def max_bytes() -> int:
    raw = os.environ.get(MAX_BYTES_ENV, "")
    return int(raw) if raw.strip().isdigit() else DEFAULT_MAX_BYTES


@dataclass
class Fetched:
    """The files of one URL: one per page, in order."""

    url: str
    files: list[Path] = field(default_factory=list)
    more: bool = False  # a next page remained when max_pages was reached

    @property
    def pages(self) -> int:
        return len(self.files)


def _suffix(download: Download) -> str:
    by_type = _SUFFIX_BY_TYPE.get(download.content_type)
    if by_type:
        return by_type
    suffix = Path(urlsplit(download.url).path).suffix.lower()
    return suffix if suffix in _KNOWN_SUFFIXES else ""


def _bundle(path: Path) -> dict[str, Any] | None:
    """The FHIR Bundle in ``path``, if that is what it holds."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if b'"resourceType"' not in head or head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] != b"{":
        return None
    try:
        value = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError:
        return None  # the importer names the problem
    if isinstance(value, dict) and value.get("resourceType") == "Bundle":
        return value
    return None


def _next_link(bundle: dict[str, Any]) -> str | None:
    for link in bundle.get("link") or []:
        if isinstance(link, dict) and link.get("relation") == "next":
            target = link.get("url")
            if isinstance(target, str) and target.strip():
                return target.strip()
    return None


def _without_next(bundle: dict[str, Any]) -> dict[str, Any]:
    # The next page is in the set, so the importer must not warn that it was not saved.
    links = [x for x in bundle.get("link") or [] if not (isinstance(x, dict)
             and x.get("relation") == "next")]  # fmt: skip
    return {**bundle, "link": links}


def fetch(
    client: Client,
    url: str,
    folder: Path,
    *,
    max_pages: int = DEFAULT_MAX_PAGES,
    limit: int | None = None,
    warn: Callable[[str], None] = lambda message: None,
    say: Callable[[str], None] = lambda message: None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Fetched:
    """Download ``url`` (and the pages of a FHIR searchset) into ``folder``, all within
    ``timeout`` seconds. Messages name the URL without any ``user:password@``."""
    url = check_url(url)
    deadline = (client.clock() + timeout, timeout)
    shown = redact(url)
    cap = limit or max_bytes()
    out = Fetched(url)
    seen = {url}
    current = url
    while True:
        download = client.download(current, folder, cap, guard=check_url, deadline=deadline)
        path = download.path.with_name(f"page-{out.pages + 1:04d}{_suffix(download)}")
        download.path.rename(path)
        out.files.append(path)
        say(f"Fetched {redact(download.url) if out.pages == 1 else f'page {out.pages}'} "
            f"({_size(download.size)})")  # fmt: skip
        bundle = _bundle(path)
        target = _next_link(bundle) if bundle is not None else None
        if bundle is None or target is None:
            return out
        following = urljoin(download.url, target)
        if urlsplit(following).netloc != urlsplit(url).netloc:
            warn(f"{shown}: the next page is on another host ({urlsplit(following).netloc}); "
                 "not followed")  # fmt: skip
            return out
        if following in seen:
            warn(f"{shown}: the next page link points back to a page already fetched; stopped")
            return out
        if out.pages >= max_pages:
            out.more = True
            warn(
                f"{shown}: stopped after {max_pages} page(s) (--max-pages); the search has more "
                "results: raise --max-pages or narrow the search"
            )
            return out
        path.write_bytes(orjson.dumps(_without_next(bundle)))
        seen.add(following)
        current = following


def import_url(
    store: Store,
    url: str,
    *,
    format: str | None = None,
    column_map: dict[str, str] | None = None,
    dry_run: bool = False,
    max_pages: int = DEFAULT_MAX_PAGES,
    timeout: float = DEFAULT_TIMEOUT,
    warn: Callable[[str], None] = lambda message: None,
    say: Callable[[str], None] = lambda message: None,
    client: Client | None = None,
) -> ImportReport:
    """Fetch ``url`` and import it with the URL as the source; temporary files are removed
    whatever happens. The source is stored without any ``user:password@`` in the URL."""
    url = check_url(url)
    shown = redact(url)
    downloads = paths.ensure_private_dir(paths.data_dir() / "downloads")
    for stale in remove_stale_downloads(downloads):
        say(f"Removed {stale.name}, a download an interrupted import left behind.")
    folder = Path(tempfile.mkdtemp(prefix="fetch-", dir=downloads))
    own = client is None
    net = client or NetClient()
    try:
        fetched = fetch(net, url, folder, max_pages=max_pages, warn=warn, say=say, timeout=timeout)
        labels = {
            path: shown if fetched.pages == 1 else f"{shown} (page {n})"
            for n, path in enumerate(fetched.files, start=1)
        }

        def page_warn(message: str) -> None:
            # Importers name the file they read: name the URL instead of a temporary file.
            for path, label in labels.items():
                message = message.replace(str(path), label).replace(path.name, label)
            warn(message.replace(str(folder), shown))

        report = run_import(
            store,
            fetched.files,
            format=format,
            column_map=column_map,
            dry_run=dry_run,
            warn=page_warn,
            source_label=shown,
        )
    finally:
        if own:
            net.close()
        shutil.rmtree(folder, ignore_errors=True)
        with contextlib.suppress(OSError):
            downloads.rmdir()  # when no other import is using it
    for result in report.files:
        if Path(result.path) in labels:
            result.path = labels[Path(result.path)]
        elif result.path.startswith(str(folder)):
            # The pages of one search are read as one set (references join across them).
            result.path = f"{shown} ({fetched.pages} pages)"
    return report


def remove_stale_downloads(downloads: Path, older_than: float = STALE_SECONDS) -> list[Path]:
    """Delete download folders a killed ``finder import URL`` left; returns them."""
    removed = []
    now = time.time()
    for folder in downloads.glob("fetch-*"):
        with contextlib.suppress(OSError):
            if now - folder.lstat().st_mtime >= older_than:
                shutil.rmtree(folder)
                removed.append(folder)
    return removed


def _size(n: int) -> str:
    return human_size(n)
