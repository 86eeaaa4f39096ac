"""The network: one polite HTTP client, the only module that imports httpx.

Online commands (``finder verify``, ``finder import URL``) go through
``Client``: one connection pool, a User-Agent naming finder, TLS verification
always on, a timeout on every request, a minimum interval between requests,
and a bounded number of retries with exponential backoff on 429 and 5xx
answers, honouring ``Retry-After`` (seconds or an HTTP date) up to a cap.

Every failure becomes a ``NetworkError`` with one line naming the host (never
the query, which may carry a therapist's name) and what went wrong.

Tuning comes from the environment so tests can keep waits short:
``FINDER_HTTP_TIMEOUT`` (seconds per request, default 20),
``FINDER_HTTP_RETRIES`` (default 3), ``FINDER_HTTP_BACKOFF`` (first backoff in
seconds, doubled each retry, default 1), ``FINDER_HTTP_MAX_WAIT`` (longest
``Retry-After`` finder will honour, default 60) and ``FINDER_HTTP_INTERVAL``
(minimum seconds between two requests, default 0.3).
"""

from __future__ import annotations

import email.utils
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson

from finder import __version__
from finder.errors import NetworkError
from finder.importers.base import human_size

USER_AGENT = f"finder/{__version__} (local-first therapist search tool)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        raise NetworkError(f"{name}={raw!r} is not a number of seconds") from None
    if value < 0:
        raise NetworkError(f"{name}={raw!r} must not be negative")
    return value


@dataclass(frozen=True)
class Settings:
    timeout: float = 20.0
    retries: int = 3
    backoff: float = 1.0
    max_wait: float = 60.0
    interval: float = 0.3

    @classmethod
    def from_env(cls) -> Settings:
        d = cls()
        return cls(
            timeout=_env_float("FINDER_HTTP_TIMEOUT", d.timeout),
            retries=int(_env_float("FINDER_HTTP_RETRIES", d.retries)),
            backoff=_env_float("FINDER_HTTP_BACKOFF", d.backoff),
            max_wait=_env_float("FINDER_HTTP_MAX_WAIT", d.max_wait),
            interval=_env_float("FINDER_HTTP_INTERVAL", d.interval),
        )


def host_of(url: str) -> str:
    """The host (and port) of ``url``, never the user name or password it may carry."""
    parts = urlsplit(url)
    return parts.netloc.rpartition("@")[2] or redact(url)


def redact(url: str) -> str:
    """``url`` without ``user:password@``: what finder shows and stores of a URL."""
    parts = urlsplit(url.strip())
    if "@" not in parts.netloc:
        return url.strip()
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


def check_http_url(url: str) -> str:
    """``url`` if it is an absolute http(s) URL; otherwise a clear refusal."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https"):
        shown = parts.scheme or "no scheme"
        raise NetworkError(
            f"{redact(url)[:200]}: only http:// and https:// URLs can be fetched (got {shown})"
        )
    if not parts.hostname:
        raise NetworkError(f"{redact(url)}: the URL has no host name")
    return url.strip()


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta seconds or an HTTP date)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = datetime.now(UTC).timestamp() if now is None else now
    return max(0.0, when.timestamp() - current)


@dataclass(frozen=True)
class Download:
    """A response body saved to a file: where, what the server called it, how big."""

    path: Path
    url: str  # the final URL, after redirects
    content_type: str
    size: int


class Client:
    """A polite HTTP client; use as a context manager so the pool is closed."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings or Settings.from_env()
        self.sleep = sleep
        self.clock = clock
        self.requests = 0
        self._last: float | None = None
        self._guard: Callable[[str], object] | None = None
        self._deadline: tuple[float, float] | None = None  # (clock at the end, seconds)
        self._http = httpx.Client(
            event_hooks={"request": [self._check_request]},
            timeout=httpx.Timeout(self.settings.timeout),
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
            verify=True,
            follow_redirects=True,
            max_redirects=5,
            limits=httpx.Limits(max_connections=4, max_keepalive_connections=2),
        )

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _check_request(self, request: httpx.Request) -> None:
        # Runs for every request, redirects included: a redirect must pass the same guard.
        if self._guard is not None:
            self._guard(str(request.url))

    # -- requests ---------------------------------------------------------------------

    def get_json(self, url: str, params: Mapping[str, str] | None = None) -> Any:
        """GET ``url`` and decode its JSON body; any failure is one ``NetworkError`` line."""
        with self._send(url, params, accept="application/json") as response:
            body = b"".join(self._chunks(response, url))

        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            raise NetworkError(
                f"{host_of(url)} answered with something that is not JSON "
                f"({_content_type(response) or 'no content type'}, {len(body)} bytes); "
                "nothing was changed"
            ) from None

    def download(
        self,
        url: str,
        folder: Path,
        max_bytes: int,
        suffix: str = "",
        guard: Callable[[str], object] | None = None,
        deadline: tuple[float, float] | None = None,
    ) -> Download:
        """Stream ``url`` into a new private file in ``folder``; refuse over ``max_bytes``.

        ``guard(url)`` is called before every request, redirects included, and
        may raise to stop a redirect to a place that must not be fetched.
        ``deadline`` is ``(clock() at which to give up, the seconds that makes)``: a
        server trickling one byte at a time is stopped there, not when it pleases.
        """
        self._guard, self._deadline = guard, deadline
        try:
            return self._download(url, folder, max_bytes, suffix)
        finally:
            self._guard, self._deadline = None, None

    def _left(self, url: str) -> float:
        """Seconds left before the deadline (the per-request timeout when there is none)."""
        if self._deadline is None:
            return self.settings.timeout
        left = self._deadline[0] - self.clock()
        if left <= 0:
            raise NetworkError(
                f"{host_of(url)}: the download took longer than {self._deadline[1]:g}s "
                "(--timeout); stopped, nothing imported"
            )
        return min(self.settings.timeout, left)

    def _download(self, url: str, folder: Path, max_bytes: int, suffix: str) -> Download:
        with self._send(url, None, accept="*/*") as response:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise NetworkError(
                    f"{host_of(url)}: the download is {_size(int(declared))}, over the "
                    f"{_size(max_bytes)} limit; nothing imported"
                )
            fd, name = tempfile.mkstemp(prefix="fetch-", suffix=suffix, dir=folder)
            path = Path(name)
            size = 0
            try:
                with os.fdopen(fd, "wb") as fh:
                    for chunk in self._chunks(response, url):
                        size += len(chunk)
                        if size > max_bytes:
                            raise NetworkError(
                                f"{host_of(url)}: the download passed the {_size(max_bytes)} "
                                "limit; stopped, nothing imported"
                            )
                        fh.write(chunk)
            except BaseException:
                path.unlink(missing_ok=True)
                raise
            return Download(path, str(response.url), _content_type(response), size)

    def _chunks(self, response: httpx.Response, url: str) -> Iterator[bytes]:
        try:
            for chunk in response.iter_bytes():  # as it comes: a trickle meets the deadline
                self._left(url)
                yield chunk
        except httpx.TimeoutException:
            raise NetworkError(
                f"{host_of(url)} stopped sending (no data for {self.settings.timeout:g}s); "
                "nothing was changed"
            ) from None
        except httpx.HTTPError as err:
            raise NetworkError(
                f"{host_of(url)}: the answer broke off ({_why(err)}); nothing was changed"
            ) from None

    def _send(self, url: str, params: Mapping[str, str] | None, accept: str) -> _OpenResponse:
        check_http_url(url)
        host = host_of(url)
        attempt = 0
        while True:
            self._pace()
            # Merge rather than pass params=: httpx would replace the URL's own query.
            target = httpx.URL(url).copy_merge_params(dict(params)) if params else httpx.URL(url)
            request = self._http.build_request(
                "GET", target, headers={"Accept": accept}, timeout=self._left(url)
            )
            try:
                response = self._http.send(request, stream=True)
            except httpx.TimeoutException:
                raise NetworkError(
                    f"{host} did not answer within {self.settings.timeout:g}s; "
                    "try again later, nothing was changed"
                ) from None
            except httpx.TooManyRedirects:
                raise NetworkError(
                    f"{host} redirected too many times; nothing was changed"
                ) from None
            except (httpx.UnsupportedProtocol, httpx.InvalidURL):  # data:, file:, javascript:
                raise NetworkError(
                    f"{host} redirected to a URL that is not http(s); refused, nothing was changed"
                ) from None
            except httpx.HTTPError as err:
                raise NetworkError(
                    f"cannot reach {host}: {_why(err)} (offline, or blocked?); nothing was changed"
                ) from None
            finally:
                self.requests += 1
                self._last = self.clock()
            if response.status_code < 400:
                return _OpenResponse(response)
            status = response.status_code
            reason = response.reason_phrase or ""
            wait = retry_after(response.headers.get("Retry-After"))
            response.close()
            if status not in RETRY_STATUSES:
                raise NetworkError(
                    f"{host} answered {status} {reason}".rstrip()
                    + f" for {_path_only(str(request.url))}; nothing was changed"
                )
            if attempt >= self.settings.retries:
                raise NetworkError(
                    f"{host} answered {status} {reason}".rstrip()
                    + f" {attempt + 1} times; try again later, nothing was changed"
                )
            if wait is None:
                wait = self.settings.backoff * (2**attempt)
            elif wait > self.settings.max_wait:
                raise NetworkError(
                    f"{host} asks to wait {wait:.0f}s before trying again (answered {status}); "
                    "try again later, nothing was changed"
                )
            attempt += 1
            self.sleep(wait)

    def _pace(self) -> None:
        """Keep at least ``interval`` seconds between two requests to be a polite client."""
        if self._last is None or self.settings.interval <= 0:
            return
        gap = self.settings.interval - (self.clock() - self._last)
        if gap > 0:
            self.sleep(gap)


class _OpenResponse:
    """A streamed response that is closed when its ``with`` block ends."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response

    def __enter__(self) -> httpx.Response:
        return self.response

    def __exit__(self, *exc: object) -> None:
        self.response.close()


def _content_type(response: httpx.Response) -> str:
    return response.headers.get("Content-Type", "").split(";")[0].strip().lower()


def _path_only(url: str) -> str:
    # The query may carry a therapist's name: messages show the path only.
    parts = urlsplit(url)
    return parts.path or "/"


def _why(err: httpx.HTTPError) -> str:
    text = str(err).strip()
    if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text.lower():
        return "its TLS certificate could not be verified"
    if "Name or service not known" in text or "nodename nor servname" in text:
        return "the host name could not be resolved"
    if "Connection refused" in text:
        return "connection refused"
    return type(err).__name__ if not text else text.splitlines()[0][:120]


def _size(n: int) -> str:
    return human_size(n)
