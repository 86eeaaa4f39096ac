"""`finder import URL`: one deadline for the whole fetch, no partial download left behind,
no redirect out of http(s), no password from a URL stored or printed. Loopback only."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from httpserver import LocalServer, Reply

from finder.cli import cli

CSV = "name,credentials,bio\nSam Roe,LCSW,Trained in interpersonal psychotherapy\n"


class _Trickle(BaseHTTPRequestHandler):
    """Sends a CSV one byte every 0.3 s: each read is quick, the whole never ends."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        body = CSV.encode() * 100
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            for byte in body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.3)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def trickle() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Trickle)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}/list.csv"
    finally:
        server.shutdown()
        server.server_close()


def test_a_trickling_server_meets_the_deadline_and_leaves_nothing(
    trickle: str, finder_home: Path, fast_network: None
) -> None:
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["import", trickle, "--timeout", "2"])
    took = time.monotonic() - started
    assert took < 8, took
    assert result.exit_code == 7, result.output
    assert result.stderr.splitlines()[-1] == (
        f"Error: {trickle.split('/')[2]}: the download took longer than 2s (--timeout); "
        "stopped, nothing imported"
    )
    assert list((finder_home / "downloads").glob("*")) == [] if (
        finder_home / "downloads"
    ).exists() else True  # fmt: skip


def test_a_download_left_by_a_killed_import_is_removed(
    server: LocalServer, finder_home: Path, fast_network: None
) -> None:
    left = finder_home / "downloads" / "fetch-killed"
    left.mkdir(parents=True)
    (left / "fetch-1.csv").write_text("name\nhalf")
    old = time.time() - 7200
    import os

    os.utime(left, (old, old))
    server.route("/list.csv", Reply(body=CSV, content_type="text/csv"))
    assert CliRunner().invoke(cli, ["--home", str(finder_home), "list"]).exit_code == 0
    result = CliRunner().invoke(cli, ["import", f"{server.url}/list.csv"])
    assert result.exit_code == 0, result.output
    assert "Removed fetch-killed, a download an interrupted import left behind." in result.stderr
    assert not left.exists()


def test_a_redirect_to_a_data_url_is_refused_in_one_line(
    server: LocalServer, finder_home: Path, fast_network: None
) -> None:
    server.route("/list.csv", Reply(302, b"", headers={"Location": "data:text/csv,name%0AEve"}))
    result = CliRunner().invoke(cli, ["import", f"{server.url}/list.csv"])
    assert result.exit_code in (4, 7), result.output
    assert "unexpected problem" not in result.stderr
    error = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(error) == 1 and "http" in error[0], result.stderr
    assert list((finder_home / "downloads").glob("fetch-*")) == []


def test_a_password_in_a_url_is_never_stored_or_printed(
    server: LocalServer, finder_home: Path, fast_network: None
) -> None:
    server.route("/list.csv", Reply(body=CSV, content_type="text/csv"))
    url = server.url.replace("http://", "http://jo:s3cret-pw@") + "/list.csv"
    runner = CliRunner()
    result = runner.invoke(cli, ["import", url])
    assert result.exit_code == 0, result.output
    shown = result.output + runner.invoke(cli, ["show", "1"]).output
    shown += runner.invoke(cli, ["export"]).output
    assert "s3cret-pw" not in shown and "jo:" not in shown
    assert f"{server.url}/list.csv" in shown
    for path in finder_home.rglob("*"):
        if path.is_file():
            assert b"s3cret-pw" not in path.read_bytes(), path
    # The server was still asked with the credentials the person gave.
    assert server.requests_to("/list.csv")[0].headers.get("Authorization", "").startswith("Basic ")
    # A refused URL does not print them either.
    refused = runner.invoke(cli, ["import", "ftp://jo:s3cret-pw@example.org/x.csv"])
    assert refused.exit_code != 0 and "s3cret-pw" not in refused.output
