"""Shared fixtures: every test runs against its own temporary FINDER_HOME."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def finder_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, private data folder for each test; the real home is never touched."""
    home = tmp_path_factory.mktemp("finder-home")
    monkeypatch.setenv("FINDER_HOME", str(home))
    monkeypatch.delenv("FINDER_NPPES_URL", raising=False)
    monkeypatch.setenv("FINDER_NO_FIRST_RUN", "1")
    monkeypatch.setenv("COLUMNS", "120")
    from finder.storage import paths

    paths.set_home_override(None)
    return home


class NetworkBlocked(OSError):
    """Raised by the socket guard: a test tried to reach something other than this machine."""


def _is_loopback(host: object) -> bool:
    text = host.decode() if isinstance(host, bytes) else str(host)
    return text in ("localhost", "::1", "") or text.startswith("127.") or text == "0.0.0.0"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Finder promises nothing goes online unasked: every test runs with the network cut.

    Connections and DNS lookups to anything but loopback raise ``NetworkBlocked``;
    local test servers on 127.0.0.1 and Unix sockets still work.
    """
    import socket

    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def check(sock: socket.socket, address: object) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0] if isinstance(address, tuple) else address
            if not _is_loopback(host):
                raise NetworkBlocked(f"network access blocked in tests: {host}")

    def connect(sock: socket.socket, address: object) -> None:
        check(sock, address)
        real_connect(sock, address)  # type: ignore[arg-type]

    def connect_ex(sock: socket.socket, address: object) -> int:
        check(sock, address)
        return real_connect_ex(sock, address)  # type: ignore[arg-type]

    def getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
        if host is not None and not _is_loopback(host):
            raise NetworkBlocked(f"network access blocked in tests: {host} (name lookup)")
        return real_getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def realdata_dir() -> Path | None:
    env = os.environ.get("FINDER_REALDATA")
    candidate = Path(env) if env else ROOT.parent / "shared" / "realdata"
    return candidate if candidate.is_dir() else None


@pytest.fixture
def realdata() -> Iterator[Path]:
    """The folder of real files written by others; skips the test when it is absent."""
    folder = realdata_dir()
    if folder is None:
        pytest.skip(
            "real data not found: set FINDER_REALDATA or put shared/realdata beside the project"
        )
    yield folder


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


# CI runs are a gate: the same examples every time there (derandomize); on a developer's
# machine hypothesis explores new inputs each run and keeps failures in its database.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    _hypothesis_settings.load_profile("ci")


@pytest.fixture
def server() -> Iterator[object]:
    """A real HTTP server on 127.0.0.1 (tests/httpserver.py), stopped after the test."""
    from httpserver import LocalServer

    with LocalServer() as s:
        yield s


@pytest.fixture
def fast_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Short timeouts and backoff so the online tests' retries take milliseconds."""
    monkeypatch.setenv("FINDER_HTTP_TIMEOUT", "2")
    monkeypatch.setenv("FINDER_HTTP_BACKOFF", "0.01")
    monkeypatch.setenv("FINDER_HTTP_INTERVAL", "0")


def chromium_path() -> str | None:
    """Headless Chromium (the Debian package chromium), or None when it is not installed."""
    names = ("chromium", "chromium-browser", "google-chrome")
    return next((p for p in map(shutil.which, names) if p), None)
