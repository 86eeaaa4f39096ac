"""`finder import URL` against a local server: FHIR paging, CSV, refusals and caps."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from httpserver import LocalServer, Reply, Seen

from finder.cli import cli
from finder.ingest import fetch
from finder.judge import therapists
from finder.online.net import Client, Settings
from finder.storage.store import open_store

pytestmark = pytest.mark.usefixtures("fast_network")

PLANNET = Path(__file__).parent / "fixtures" / "plannet"
SEARCH = "/fhir/PractitionerRole?specialty=1041C0700X&_include=PractitionerRole:practitioner"


def plannet_pages(server: LocalServer, edit: dict[str, str] | None = None) -> None:
    """Serve the three fixture pages; ``edit`` replaces text in page 1 (a changed next link)."""

    def respond(seen: Seen) -> Reply:
        page = seen.param("page") or "1"
        text = (PLANNET / f"page{page}.json").read_text(encoding="utf-8")
        for old, new in (edit or {}).items() if page == "1" else ():
            text = text.replace(old, new)
        return Reply(200, text.replace("{BASE}", server.url), content_type="application/fhir+json")

    server.route("/fhir/PractitionerRole", respond)


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


def names() -> list[str]:
    return sorted(t.name for t in therapists.load_all(open_store()))


def downloads_left(home: Path) -> list[Path]:
    folder = home / "downloads"
    return sorted(folder.rglob("*")) if folder.exists() else []


def test_searchset_pages_are_followed_and_joined(server: LocalServer, finder_home: Path) -> None:
    plannet_pages(server)
    url = server.url + SEARCH
    warnings: list[str] = []
    with Client(Settings(interval=0)) as client:
        report = fetch.import_url(open_store(), url, warn=warnings.append, client=client)
    assert [s.param("page") for s in server.seen] == [None, "2", "3"]
    assert [(f.path, f.imported, f.refused) for f in report.files] == [
        (f"{url} (3 pages)", 3, None)
    ]
    assert warnings == []
    assert names() == ["Chidi Okafor", "Dana Whitfield", "Maren Lindqvist"]
    whitfield = next(t for t in therapists.load_all(open_store()) if t.name == "Dana Whitfield")
    # the role is on page 1, the practitioner on page 2, the location on page 3
    assert (whitfield.best("npi"), whitfield.best("city"), whitfield.best("zip")) == (
        "1555000011", "Cambridge", "02139",
    )  # fmt: skip
    assert whitfield.best("phones") == ["617-555-0140"]
    assert {s.path for s in whitfield.sources} == {url}
    assert downloads_left(finder_home) == []


def test_max_pages_stops_and_says_so(server: LocalServer, finder_home: Path) -> None:
    plannet_pages(server)
    url = server.url + SEARCH
    result = invoke("import", url, "--max-pages", "2")
    assert result.exit_code == 0, result.output
    assert len(server.seen) == 2
    assert (
        f"Warning: {url}: stopped after 2 page(s) (--max-pages); the search has more results: "
        "raise --max-pages or narrow the search"
    ) in result.stderr.splitlines()
    assert f"{url} (2 pages) [fhir]: 2 imported" in result.stderr.splitlines()
    assert names() == ["Chidi Okafor", "Dana Whitfield"]
    assert downloads_left(finder_home) == []


def test_next_page_on_another_host_is_not_followed(server: LocalServer) -> None:
    plannet_pages(server, {"{BASE}/fhir/PractitionerRole?spec": "https://elsewhere.example/x?spec"})
    url = server.url + SEARCH
    result = invoke("import", url)
    assert result.exit_code == 0, result.output
    assert (
        f"Warning: {url}: the next page is on another host (elsewhere.example); not followed"
        in result.stderr.splitlines()
    )
    assert len(server.seen) == 1
    assert names() == ["Chidi Okafor"]


def test_a_next_link_back_to_a_fetched_page_stops(server: LocalServer) -> None:
    plannet_pages(server, {"&page=2": ""})
    url = server.url + SEARCH
    result = invoke("import", url)
    assert result.exit_code == 0, result.output
    assert len(server.seen) == 1
    assert "the next page link points back to a page already fetched; stopped" in result.stderr


def test_csv_from_a_url_keeps_the_url_as_source(server: LocalServer) -> None:
    body = "name,credentials,city,state,statement\nAva Lund,LMHC,Worcester,MA,Trained in IPT-A\n"
    server.route("/lists/ma.csv", Reply(200, body, content_type="text/csv"))
    url = server.url + "/lists/ma.csv"
    first = invoke("import", url)
    assert first.exit_code == 0, first.output
    assert first.stderr.splitlines() == [
        f"Fetching {url} (online: only this URL and its next pages are requested)",
        f"Fetched {url} ({len(body)} bytes)",
        f"{url} [csv]: 1 imported",
    ]
    [t] = therapists.load_all(open_store())
    assert (t.name, t.best("license_type"), t.ipt.level.label) == ("Ava Lund", "LMHC", "described")
    assert [s.path for s in t.sources] == [url]
    again = invoke("import", url)
    assert f"{url} [csv]: 0 imported, 1 unchanged (already imported; nothing new)" in again.stderr


def test_dry_run_stores_nothing(server: LocalServer) -> None:
    server.route("/a.csv", Reply(200, "name,city\nAva Lund,Worcester\n", content_type="text/csv"))
    result = invoke("import", server.url + "/a.csv", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "(dry run: nothing stored)" in result.stdout
    assert names() == []


@pytest.mark.parametrize(
    ("url", "site"),
    [
        ("https://www.psychologytoday.com/us/therapists/ma/boston", "Psychology Today"),
        ("https://www.goodtherapy.org/therapists/co/denver", "GoodTherapy"),
        ("http://therapyden.com/therapists", "TherapyDen"),
        ("https://www.zocdoc.com/search", "Zocdoc"),
        ("https://care.headway.co/providers", "Headway"),
        ("https://secure.helloalma.com/providers", "Alma"),
        ("https://growtherapy.com/find", "Grow Therapy"),
    ],
)
def test_directories_that_forbid_scraping_are_refused(url: str, site: str) -> None:
    result = invoke("import", url)
    assert result.exit_code == 4
    assert result.stderr.splitlines()[-1] == (
        f"Error: {url}: {site} does not allow automated downloads, so finder will not fetch it; "
        "open the page in your browser, save it (File > Save Page As), then: finder import FILE"
    )


def test_lookalike_domains_are_not_refused() -> None:
    assert fetch.forbidding_site("https://notpsychologytoday.com/list.csv") is None
    assert fetch.forbidding_site("https://psychologytoday.com.example.org/x") is None
    assert fetch.forbidding_site("https://PsychologyToday.com/x") == "Psychology Today"


@pytest.mark.parametrize("url", ["ftp://example.org/list.csv", "file:///etc/passwd"])
def test_non_http_urls_are_refused(url: str) -> None:
    result = invoke("import", url)
    assert result.exit_code == 4
    scheme = url.split(":")[0]
    assert result.stderr.splitlines()[-1] == (
        f"Error: {url}: only http:// and https:// URLs can be fetched (got {scheme})"
    )


def test_a_redirect_to_a_forbidding_site_is_refused_before_it_is_followed(
    server: LocalServer,
) -> None:
    server.route("/go", Reply(302, b"", headers={"Location": "https://www.zocdoc.com/search"}))
    result = invoke("import", server.url + "/go")
    assert result.exit_code == 4
    assert result.stderr.splitlines()[-1].startswith(
        "Error: https://www.zocdoc.com/search: Zocdoc does not allow automated downloads"
    )
    assert names() == []


def test_size_cap(server: LocalServer, monkeypatch: pytest.MonkeyPatch, finder_home: Path) -> None:
    monkeypatch.setenv("FINDER_FETCH_MAX_BYTES", "200")
    rows = "".join(f"Person {n},Boston\n" for n in range(100))
    server.route(
        "/big.csv", Reply(200, "name,city\n" + rows, content_type="text/csv", length=False)
    )
    result = invoke("import", server.url + "/big.csv")
    assert result.exit_code == 7
    host = server.url.removeprefix("http://")
    assert result.stderr.splitlines()[-1] == (
        f"Error: {host}: the download passed the 200 bytes limit; stopped, nothing imported"
    )
    assert names() == []
    assert downloads_left(finder_home) == []


def test_http_errors_and_server_error_pages(server: LocalServer) -> None:
    server.route("/gone.csv", Reply(404, b"not here", content_type="text/plain"))
    result = invoke("import", server.url + "/gone.csv")
    assert result.exit_code == 7
    host = server.url.removeprefix("http://")
    assert result.stderr.splitlines()[-1] == (
        f"Error: {host} answered 404 Not Found for /gone.csv; nothing was changed"
    )
    outcome = {
        "resourceType": "OperationOutcome",
        "issue": [
            {"severity": "error", "code": "processing", "diagnostics": "Unknown search parameter"}
        ],
    }
    server.route("/fhir/Practitioner", Reply(200, outcome, content_type="application/fhir+json"))
    url = server.url + "/fhir/Practitioner?bogus=1"
    refused = invoke("import", url)
    assert refused.exit_code == 4
    assert (
        f"Error: {url}: the FHIR server returned an error: Unknown search parameter"
        in refused.stderr.splitlines()
    )
    assert names() == []


@pytest.mark.realdata
def test_real_plannet_resources_served_as_a_paged_search(
    server: LocalServer, realdata: Path, tmp_path: Path
) -> None:
    from finder.ingest.pipeline import run_import

    files = sorted((realdata / "fhir_plannet").glob("*.json"))
    resources = [json.loads(p.read_text(encoding="utf-8")) for p in files]
    half = len(resources) // 2

    def page(seen: Seen) -> Reply:
        number = int(seen.param("page") or "1")
        chunk = resources[:half] if number == 1 else resources[half:]
        links = [{"relation": "self", "url": f"{server.url}/fhir/PractitionerRole?page={number}"}]
        if number == 1:
            links.append({"relation": "next", "url": f"{server.url}/fhir/PractitionerRole?page=2"})
        bundle = {"resourceType": "Bundle", "type": "searchset", "link": links,
                  "entry": [{"resource": r} for r in chunk]}  # fmt: skip
        return Reply(200, bundle, content_type="application/fhir+json")

    server.route("/fhir/PractitionerRole", page)
    result = invoke("import", server.url + "/fhir/PractitionerRole")
    assert result.exit_code == 0, result.output

    def rows(store: Any) -> list[tuple[Any, ...]]:
        return sorted(
            (d["fields"].get("name"), d["fields"].get("npi"), d["fields"].get("city"))
            for d in store.records.all()
        )

    from_url = rows(open_store())
    # The same resources imported from the folder give the same records.
    from finder.storage.store import Store

    store = Store(tmp_path / "other.json")
    report = run_import(store, [realdata / "fhir_plannet"])
    assert report.total("imported") == len(from_url) >= 3
    assert rows(store) == from_url
    assert {s.path for t in therapists.load_all(open_store()) for s in t.sources} == {
        server.url + "/fhir/PractitionerRole"
    }
