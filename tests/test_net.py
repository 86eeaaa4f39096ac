"""The HTTP client against a real local server: retries, Retry-After, timeouts, caps."""

from __future__ import annotations

import socket
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from httpserver import LocalServer, Reply

from finder.errors import NetworkError
from finder.online.net import USER_AGENT, Client, Settings, retry_after


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client(sleeps: Sleeps, **settings: float) -> Client:
    values = {"timeout": 2.0, "retries": 3, "backoff": 0.5, "max_wait": 30.0, "interval": 0.0}
    values.update(settings)
    return Client(Settings(**values), sleep=sleeps)  # type: ignore[arg-type]


def test_retries_429_honouring_retry_after_then_succeeds(server: LocalServer) -> None:
    server.route(
        "/api/",
        Reply(429, {"error": "slow down"}, headers={"Retry-After": "7"}),
        Reply(200, {"result_count": 0, "results": []}),
    )
    sleeps = Sleeps()
    with client(sleeps) as c:
        body = c.get_json(server.url + "/api/", {"number": "1234567893"})
    assert body == {"result_count": 0, "results": []}
    assert sleeps == [7.0]
    assert len(server.requests_to("/api/")) == 2


def test_5xx_backs_off_exponentially_then_gives_up_with_one_line(server: LocalServer) -> None:
    server.route("/api/", Reply(500, {"oops": True}))
    sleeps = Sleeps()
    with client(sleeps) as c, pytest.raises(NetworkError) as err:
        c.get_json(server.url + "/api/", {"last_name": "Whitfield"})
    host = server.url.removeprefix("http://")
    assert str(err.value) == (
        f"{host} answered 500 Internal Server Error 4 times; try again later, nothing was changed"
    )
    assert sleeps == [0.5, 1.0, 2.0]
    assert len(server.requests_to("/api/")) == 4


def test_503_then_ok(server: LocalServer) -> None:
    server.route("/x", Reply(503, b"busy"), Reply(200, [1, 2]))
    sleeps = Sleeps()
    with client(sleeps, backoff=0.25) as c:
        assert c.get_json(server.url + "/x") == [1, 2]
    assert sleeps == [0.25]


def test_retry_after_beyond_the_cap_is_refused_not_waited(server: LocalServer) -> None:
    server.route("/x", Reply(429, b"", headers={"Retry-After": "3600"}))
    sleeps = Sleeps()
    with client(sleeps, max_wait=60) as c, pytest.raises(NetworkError) as err:
        c.get_json(server.url + "/x")
    host = server.url.removeprefix("http://")
    assert str(err.value) == (
        f"{host} asks to wait 3600s before trying again (answered 429); "
        "try again later, nothing was changed"
    )
    assert sleeps == []


def test_retry_after_as_http_date() -> None:
    now = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
    header = format_datetime(now + timedelta(seconds=42), usegmt=True)
    assert retry_after(header, now=now.timestamp()) == 42.0
    assert retry_after("5") == 5.0
    assert retry_after("soon") is None
    assert retry_after(None) is None


def test_slow_answer_times_out_quickly_with_one_line(server: LocalServer) -> None:
    server.route("/slow", Reply(200, {"late": True}, delay=1.5))
    started = time.monotonic()
    with client(Sleeps(), timeout=0.2) as c, pytest.raises(NetworkError) as err:
        c.get_json(server.url + "/slow")
    assert time.monotonic() - started < 1.2
    host = server.url.removeprefix("http://")
    assert (
        str(err.value) == f"{host} did not answer within 0.2s; try again later, nothing was changed"
    )


def test_malformed_json_is_one_line(server: LocalServer) -> None:
    server.route("/bad", Reply(200, b'{"result_count": 1, "results": [', content_type="text/html"))
    with client(Sleeps()) as c, pytest.raises(NetworkError) as err:
        c.get_json(server.url + "/bad")
    host = server.url.removeprefix("http://")
    assert str(err.value) == (
        f"{host} answered with something that is not JSON (text/html, 32 bytes); "
        "nothing was changed"
    )


def test_4xx_is_not_retried_and_the_query_stays_out_of_the_message(server: LocalServer) -> None:
    server.route("/api/", Reply(404, b"missing"))
    sleeps = Sleeps()
    with client(sleeps) as c, pytest.raises(NetworkError) as err:
        c.get_json(server.url + "/api/", {"first_name": "Dana", "last_name": "Whitfield"})
    assert "Whitfield" not in str(err.value)
    assert str(err.value).endswith("answered 404 Not Found for /api/; nothing was changed")
    assert sleeps == [] and len(server.seen) == 1


def test_offline_is_one_line() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with client(Sleeps()) as c, pytest.raises(NetworkError) as err:
        c.get_json(f"http://127.0.0.1:{port}/api/")
    assert str(err.value) == (
        f"cannot reach 127.0.0.1:{port}: connection refused (offline, or blocked?); "
        "nothing was changed"
    )


@pytest.mark.parametrize("url", ["ftp://example.org/list.csv", "file:///etc/passwd", "list.csv"])
def test_only_http_urls(url: str) -> None:
    with client(Sleeps()) as c, pytest.raises(NetworkError, match="only http:// and https://"):
        c.get_json(url)


def test_user_agent_names_finder_and_query_is_kept(server: LocalServer) -> None:
    server.route("/api/", Reply(200, {}))
    with client(Sleeps()) as c:
        c.get_json(server.url + "/api/?version=2.1", {"number": "1234567893"})
    seen = server.seen[0]
    assert seen.headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("finder/")
    assert seen.query == {"version": ["2.1"], "number": ["1234567893"]}


def test_polite_interval_between_requests(server: LocalServer) -> None:
    server.route("/x", Reply(200, {}))
    sleeps = Sleeps()
    with client(sleeps, interval=5.0) as c:
        c.get_json(server.url + "/x")
        c.get_json(server.url + "/x")
    assert len(sleeps) == 1 and 4.0 < sleeps[0] <= 5.0


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FINDER_HTTP_TIMEOUT", "0.5")
    monkeypatch.setenv("FINDER_HTTP_BACKOFF", "0.01")
    monkeypatch.setenv("FINDER_HTTP_RETRIES", "1")
    settings = Settings.from_env()
    assert (settings.timeout, settings.backoff, settings.retries) == (0.5, 0.01, 1)
    monkeypatch.setenv("FINDER_HTTP_TIMEOUT", "soon")
    with pytest.raises(NetworkError, match="FINDER_HTTP_TIMEOUT='soon' is not a number"):
        Settings.from_env()


def test_download_streams_to_a_file(server: LocalServer, tmp_path: Path) -> None:
    body = b"name,city\nDana Whitfield,Cambridge\n" * 100
    server.route("/list.csv", Reply(200, body, content_type="text/csv; charset=utf-8"))
    with client(Sleeps()) as c:
        got = c.download(server.url + "/list.csv", tmp_path, max_bytes=10_000)
    assert got.path.read_bytes() == body
    assert (got.content_type, got.size) == ("text/csv", len(body))
    assert got.path.parent == tmp_path


def test_download_cap_by_content_length(server: LocalServer, tmp_path: Path) -> None:
    server.route("/big", Reply(200, b"x" * 5120))
    with client(Sleeps()) as c, pytest.raises(NetworkError) as err:
        c.download(server.url + "/big", tmp_path, max_bytes=1000)
    assert "the download is 5.0 KB, over the 1000 bytes limit; nothing imported" in str(err.value)
    assert list(tmp_path.iterdir()) == []


def test_download_cap_while_streaming(server: LocalServer, tmp_path: Path) -> None:
    server.route("/big", Reply(200, b"x" * 300_000, length=False))
    with client(Sleeps()) as c, pytest.raises(NetworkError) as err:
        c.download(server.url + "/big", tmp_path, max_bytes=100_000)
    assert "the download passed the 97.7 KB limit; stopped, nothing imported" in str(err.value)
    assert list(tmp_path.iterdir()) == []


def test_guard_sees_redirects(server: LocalServer, tmp_path: Path) -> None:
    server.route("/go", Reply(302, b"", headers={"Location": "/elsewhere"}))
    server.route("/elsewhere", Reply(200, b"ok"))
    seen: list[str] = []

    def guard(url: str) -> None:
        seen.append(url)
        if url.endswith("/elsewhere"):
            raise NetworkError("not there")

    with client(Sleeps()) as c, pytest.raises(NetworkError, match="not there"):
        c.download(server.url + "/go", tmp_path, max_bytes=1000, guard=guard)
    assert seen == [server.url + "/go", server.url + "/elsewhere"]
    assert server.requests_to("/elsewhere") == []
