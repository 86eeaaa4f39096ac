"""`finder verify` against a local NPPES look-alike serving recorded and self-written answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from httpserver import LocalServer, Reply, Responder, Seen

from finder.cli import cli
from finder.errors import NetworkError, NotFound, UsageError
from finder.ingest.pipeline import run_import
from finder.judge import therapists, verify
from finder.online.net import Client, Settings
from finder.storage.store import Store, open_store

pytestmark = pytest.mark.usefixtures("fast_network")

FIX = Path(__file__).parent / "fixtures" / "nppes_api"
HEADER = "name,credentials,npi,city,state,zip,license_type,license_state,license_number\n"


def registry(*files: Path) -> Responder:
    """A tiny NPPES: filters the results of recorded responses the way the API does."""
    results: list[dict[str, Any]] = []
    for path in files:
        results.extend(json.loads(path.read_text(encoding="utf-8")).get("results") or [])

    def same(value: Any, wanted: str | None) -> bool:
        return wanted is None or str(value or "").upper() == wanted.upper()

    def respond(seen: Seen) -> Reply:
        if seen.param("version") != "2.1":
            return Reply(200, {"Errors": [{"description": "version 2.1 required"}]})
        state = seen.param("state")
        hits = [
            r
            for r in results
            if same(r.get("number"), seen.param("number"))
            and same(r["basic"].get("first_name"), seen.param("first_name"))
            and same(r["basic"].get("last_name"), seen.param("last_name"))
            and same(r.get("enumeration_type"), seen.param("enumeration_type"))
            and (state is None or any(a.get("state") == state for a in r.get("addresses", [])))
        ]
        return Reply(200, {"result_count": len(hits), "results": hits})

    return respond


def stock(server: LocalServer) -> str:
    server.route("/api/", registry(*sorted(FIX.glob("*.json"))))
    return server.url + "/api/"


def load(tmp_path: Path, rows: str) -> Store:
    """Import a small CSV of therapists into this test's data folder."""
    path = tmp_path / "list.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    store = open_store()
    report = run_import(store, [path])
    assert report.total("imported") == rows.count("\n")
    return store


def fast_client() -> Client:
    return Client(Settings(timeout=2, retries=2, backoff=0.01, interval=0))


def check(store: Store, url: str, *tids: int) -> list[verify.Verification]:
    with fast_client() as client:
        return verify.run(store, tids, registry=url, client=client)


WHITFIELD = "Dana Whitfield,LICSW,1555000011,Cambridge,MA,02139,LCSW,MA,LICSW-10452\n"


# --- what is sent --------------------------------------------------------------------------


def test_plan_by_npi_else_name_and_state(tmp_path: Path) -> None:
    store = load(
        tmp_path,
        WHITFIELD + "Jo Davis,LISW,,Albuquerque,NM,87102,,,\n"
        "Harbor Counseling Group,,,Boston,MA,02110,,,\nPrince,,,,,,,,\n",
    )
    queries = {q.tid: q for q in verify.plans(store, [1, 2, 3, 4])}
    assert queries[1].params == {"version": "2.1", "number": "1555000011"}
    assert queries[1].describe() == "NPI 1555000011"
    assert queries[2].params == {
        "version": "2.1", "limit": "50", "enumeration_type": "NPI-1",
        "first_name": "Jo", "last_name": "Davis", "state": "NM",
    }  # fmt: skip
    assert queries[2].describe() == "name Jo Davis, state NM"
    assert queries[2].license_types == frozenset({"social worker"})  # matched by family
    assert queries[3].params["organization_name"] == "Harbor Counseling Group"
    assert queries[3].params["enumeration_type"] == "NPI-2"
    assert (queries[4].by, queries[4].params) == ("", {})


def test_only_therapist_identifiers_leave_the_computer(tmp_path: Path, server: LocalServer) -> None:
    url = stock(server)
    store = load(tmp_path, WHITFIELD + "Jo Davis,LISW,,Albuquerque,NM,87102,,,\n")
    with store.transaction():
        store.notes.insert(
            {"profile": "me", "tid": 1, "kind": "note", "text": "SECRET-NOTE", "at": "x"}
        )
        store.answers.insert({"profile": "me", "tid": 2, "checklist": "c", "qid": "q",
                              "value": "SECRET-ANSWER", "answered_at": "x"})  # fmt: skip
        store.profiles.insert({"label": "me", "zip": "99999", "issues": ["SECRET-ISSUE"]})
    check(store, url, 1, 2)
    sent = [s.query for s in server.seen]
    assert [sorted(q) for q in sent] == [
        ["number", "version"],
        ["enumeration_type", "first_name", "last_name", "limit", "state", "version"],
    ]
    flat = json.dumps(sent) + json.dumps([s.headers for s in server.seen])
    for secret in ("SECRET", "99999", "Cambridge", "02139"):
        assert secret not in flat


# --- results --------------------------------------------------------------------------------


def test_match_by_npi_is_stored_with_a_pinned_verify_record(
    tmp_path: Path, server: LocalServer
) -> None:
    url = stock(server)
    store = load(tmp_path, WHITFIELD)
    [result] = check(store, url, 1)
    assert result.status is verify.Status.MATCHED
    doc = verify.latest(open_store(), 1)  # a fresh store: it survives a restart
    assert doc is not None
    assert {k: doc[k] for k in ("tid", "status", "npi", "picked", "mismatches", "message")} == {
        "tid": 1, "status": "matched", "npi": "1555000011", "picked": False,
        "mismatches": [], "message": None,
    }  # fmt: skip
    assert doc["query"] == {"by": "npi", "sent": {"number": "1555000011"}}
    assert doc["registry"] == url
    assert doc["result"]["license_number"] == "LICSW-10452"
    assert doc["result"]["license_state"] == "MA"
    assert doc["result"]["license_type"] == "LICSW"
    assert doc["result"]["status"] == "active"
    assert doc["result"]["location"] == {
        "address": "12 ELM ST STE 3", "city": "Cambridge", "state": "MA", "zip": "02139",
        "phone": "617-555-0140",
    }  # fmt: skip
    slots = doc["result"]["taxonomies"]
    assert [(t["code"], t["license"], t["state"], t["primary"]) for t in slots] == [
        ("1041C0700X", "LICSW-10452", "MA", True), ("1041C0700X", "2077", "NH", False),
    ]  # fmt: skip
    record = open_store().records.first(rid="verify-1")
    assert record is not None
    assert (record["tid"], record["pinned"], record["source"]["kind"]) == (1, True, "verify")
    assert record["fields"]["npi"] == "1555000011"
    assert record["fields"]["taxonomies"] == ["1041C0700X"]
    t = therapists.get(open_store(), 1)
    assert t.values("license_number")[0].source.kind.value == "verify"
    # The registry states LICSW, the import LCSW: two licences of Massachusetts, shown
    # as a disagreement, never silently made one.
    assert list(t.conflicts()) == ["license_type"]


def test_mismatches_with_imported_claims(tmp_path: Path, server: LocalServer) -> None:
    url = stock(server)
    store = load(tmp_path, "Dana Whitfield,LMFT,1555000011,Albany,NY,12207,LMFT,NY,99-123\n")
    [result] = check(store, url, 1)
    assert result.status is verify.Status.MATCHED
    assert [(m["field"], m["claimed"], m["registry"]) for m in result.mismatches] == [
        ("license_type", "LMFT", "Clinical Social Worker"),
        ("license_state", "NY", "MA, NH"),
        ("state", "NY", "MA, NH"),
        ("license_number", "99-123", "LICSW-10452, 2077"),
    ]
    conflicts = therapists.get(open_store(), 1).conflicts()
    assert sorted(conflicts) == ["license_number", "license_state", "license_type"]
    assert [c.value for c in conflicts["license_type"]] == ["LICSW", "LMFT"]


def test_an_npi_of_someone_else_is_flagged(tmp_path: Path, server: LocalServer) -> None:
    url = stock(server)
    store = load(tmp_path, "Robin Hale,LICSW,1555000011,Cambridge,MA,02139,LCSW,MA,\n")
    [result] = check(store, url, 1)
    assert [(m["field"], m["claimed"], m["registry"]) for m in result.mismatches] == [
        ("name", "Robin Hale", "Dana Whitfield")
    ]


def test_deactivated_npi_is_a_mismatch(tmp_path: Path, server: LocalServer) -> None:
    url = stock(server)
    store = load(tmp_path, "Marisol Reyes,LMFT,1555000045,San Diego,CA,92101,LMFT,CA,LMFT 88123\n")
    [result] = check(store, url, 1)
    assert result.status is verify.Status.MATCHED
    assert result.mismatches == [
        {
            "field": "status",
            "claimed": "listed as practising",
            "registry": "deactivated",
            "note": "the NPI record is not active; ask the clinician, check the state board",
        }
    ]


def test_name_search_narrowed_by_the_claimed_licence_type(
    tmp_path: Path, server: LocalServer
) -> None:
    url = stock(server)
    store = load(tmp_path, "Jo Davis,LISW,,Albuquerque,NM,87102,,,\n")
    [result] = check(store, url, 1)
    assert (result.status, result.npi) == (verify.Status.MATCHED, "1555000029")
    assert result.result["license_number"] == "I-07777"


def test_ambiguous_name_then_pick_offline(tmp_path: Path, server: LocalServer) -> None:
    url = stock(server)
    store = load(tmp_path, "Jo Davis,,,Santa Fe,NM,87501,,,\n")
    [result] = check(store, url, 1)
    assert result.status is verify.Status.AMBIGUOUS
    assert [c["npi"] for c in result.candidates] == ["1555000029", "1555000037"]
    assert result.message == "2 records of that name"
    assert open_store().records.first(rid="verify-1") is None
    requests = len(server.seen)
    picked = verify.pick(open_store(), 1, "1555000037")
    assert len(server.seen) == requests  # picking is offline
    assert (picked.status, picked.npi, picked.picked) == (verify.Status.MATCHED, "1555000037", True)
    t = therapists.get(open_store(), 1)
    assert t.best("license_type") == "LPCC"
    assert t.best("npi") == "1555000037"
    [again] = check(open_store(), url, 1)  # checking again keeps to the picked NPI
    assert server.seen[-1].query == {"version": ["2.1"], "number": ["1555000037"]}
    assert (again.status, again.npi) == (verify.Status.MATCHED, "1555000037")


def test_pick_refuses_what_it_cannot_pick(tmp_path: Path, server: LocalServer) -> None:
    url = stock(server)
    store = load(tmp_path, "Jo Davis,,,Santa Fe,NM,87501,,,\n" + WHITFIELD)
    with pytest.raises(UsageError, match="'12345' is not a valid 10-digit NPI"):
        verify.pick(store, 1, "12345")
    with pytest.raises(NotFound, match="therapist 1 has no ambiguous check to pick from"):
        verify.pick(store, 1, "1555000029")
    check(store, url, 1)
    with pytest.raises(NotFound) as err:
        verify.pick(open_store(), 1, "1234567893")
    assert str(err.value) == (
        "NPI 1234567893 is not among the candidates of therapist 1 (1555000029, 1555000037); "
        "if you know it is theirs: finder edit 1 npi 1234567893 && finder verify 1"
    )


def test_a_lone_namesake_without_a_state_is_not_a_match(
    tmp_path: Path, server: LocalServer
) -> None:
    url = stock(server)
    store = load(tmp_path, "Marisol Reyes,,,,,,,,\n")
    [result] = check(store, url, 1)
    assert result.status is verify.Status.AMBIGUOUS
    assert (
        result.message == "one record of that name, but no state to confirm it is the same person"
    )


def test_not_found_after_a_match_drops_the_verify_record(
    tmp_path: Path, server: LocalServer
) -> None:
    server.route(
        "/api/",
        Reply(200, FIX / "by_npi_whitfield.json"),
        Reply(200, FIX / "zero.json"),
    )
    store = load(tmp_path, WHITFIELD)
    check(store, server.url + "/api/", 1)
    assert open_store().records.first(rid="verify-1") is not None
    [result] = check(open_store(), server.url + "/api/", 1)
    assert (result.status, result.message) == (
        verify.Status.NOT_FOUND,
        "no NPI record with number 1555000011",
    )
    fresh = open_store()
    assert fresh.records.first(rid="verify-1") is None
    assert len(fresh.verifications) == 1


def test_errors_body_is_reported_and_keeps_the_earlier_answer(
    tmp_path: Path, server: LocalServer
) -> None:
    server.route(
        "/api/", Reply(200, FIX / "by_npi_whitfield.json"), Reply(200, FIX / "errors.json")
    )
    store = load(tmp_path, WHITFIELD)
    check(store, server.url + "/api/", 1)
    [result] = check(open_store(), server.url + "/api/", 1)
    assert result.status is verify.Status.ERROR
    assert result.message == (
        "the registry answered with an error: Field number requires a 10 digit number"
    )
    doc = verify.latest(open_store(), 1)
    assert doc is not None and doc["status"] == "matched"


def test_network_failure_part_way_stores_nothing(tmp_path: Path, server: LocalServer) -> None:
    def flaky(seen: Seen) -> Reply:
        if seen.param("number"):
            return Reply(200, FIX / "by_npi_whitfield.json")
        return Reply(503, b"down")

    server.route("/api/", flaky)
    store = load(tmp_path, WHITFIELD + "Jo Davis,LISW,,Albuquerque,NM,87102,,,\n")
    with pytest.raises(NetworkError, match="answered 503 Service Unavailable 3 times"):
        check(store, server.url + "/api/", 1, 2)
    fresh = open_store()
    assert len(fresh.verifications) == 0
    assert fresh.records.first(rid="verify-1") is None


def test_malformed_answer_is_one_line(tmp_path: Path, server: LocalServer) -> None:
    server.route("/api/", Reply(200, b"<html>maintenance</html>", content_type="text/html"))
    store = load(tmp_path, WHITFIELD)
    with pytest.raises(NetworkError, match="answered with something that is not JSON"):
        check(store, server.url + "/api/", 1)
    server.route("/api/", Reply(200, ["not", "a", "response"]))
    with pytest.raises(NetworkError, match="JSON that is not an NPI registry response"):
        check(store, server.url + "/api/", 1)
    assert len(open_store().verifications) == 0


# --- real recorded responses ----------------------------------------------------------------


@pytest.mark.realdata
def test_real_2026_response_name_search(
    tmp_path: Path, server: LocalServer, realdata: Path
) -> None:
    path = realdata / "nppes_api_json" / "provider_2026_nppes_200_individuals_pretty.json"
    results = json.loads(path.read_text(encoding="utf-8"))["results"]

    def key(r: dict[str, Any]) -> tuple[str, str, str]:
        loc = next(a for a in r["addresses"] if a["address_purpose"] == "LOCATION")
        return (r["basic"]["first_name"], r["basic"]["last_name"], loc["state"])

    counts: dict[tuple[str, str, str], int] = {}
    for r in results:
        counts[key(r)] = counts.get(key(r), 0) + 1
    chosen = next(
        r for r in results
        if counts[key(r)] == 1 and r["basic"].get("credential")
        and any(t["primary"] and t["license"] and t["code"] == "1041C0700X"
                for t in r["taxonomies"])
    )  # fmt: skip
    first, last, state = key(chosen)
    primary = next(t for t in chosen["taxonomies"] if t["primary"])
    server.route("/api/", registry(path))
    store = load(tmp_path, f"{first.title()} {last.title()},,,,{state},,LCSW,,\n")
    [result] = check(store, server.url + "/api/", 1)
    assert (result.status, result.npi) == (verify.Status.MATCHED, chosen["number"])
    assert result.result["license_number"] == primary["license"]
    assert result.result["license_state"] == primary["state"]
    assert result.result["license_type"] == "LISW"
    assert result.result["credential"] == chosen["basic"]["credential"]


@pytest.mark.realdata
def test_real_2019_response_with_integer_numbers(
    tmp_path: Path, server: LocalServer, realdata: Path
) -> None:
    path = realdata / "nppes_api_json" / "ropensci_npi_2019_api-6d6b1d.json"
    real = json.loads(path.read_text(encoding="utf-8"))["results"][0]
    assert isinstance(real["number"], int)
    server.route("/api/", registry(path))
    name = f"{real['basic']['first_name'].title()} {real['basic']['last_name'].title()}"
    store = load(tmp_path, f"{name},,{real['number']},,,,,,\n")
    [result] = check(store, server.url + "/api/", 1)
    assert (result.status, result.npi) == (verify.Status.MATCHED, str(real["number"]))
    assert server.seen[0].param("number") == str(real["number"])
    assert [t["state"] for t in result.result["taxonomies"]] == [
        t["state"] for t in sorted(real["taxonomies"], key=lambda t: not t["primary"])
    ]


@pytest.mark.realdata
def test_real_errors_and_zero_responses(
    tmp_path: Path, server: LocalServer, realdata: Path
) -> None:
    folder = realdata / "nppes_api_json"
    errors = json.loads((folder / "ropensci_npi_2019_api-8d2d52.json").read_text())["Errors"]
    server.route(
        "/api/",
        Reply(200, folder / "ropensci_npi_2019_api-8d2d52.json"),
        Reply(200, folder / "ropensci_npi_2019_api-a2f836.json"),
    )
    store = load(tmp_path, WHITFIELD)
    [first] = check(store, server.url + "/api/", 1)
    assert first.status is verify.Status.ERROR
    assert first.message == f"the registry answered with an error: {errors[0]['description']}"
    [second] = check(open_store(), server.url + "/api/", 1)
    assert second.status is verify.Status.NOT_FOUND


# --- the command ----------------------------------------------------------------------------


def run_cli(*args: str, input: str | None = None) -> Any:
    return CliRunner().invoke(cli, list(args), input=input)


def test_cli_asks_first_and_no_sends_nothing(tmp_path: Path, server: LocalServer) -> None:
    url = stock(server)
    load(tmp_path, WHITFIELD + "Jo Davis,LISW,,Albuquerque,NM,87102,,,\n")
    result = run_cli("verify", "1", "2", "--base-url", url, input="n\n")
    assert result.exit_code == 1
    host = server.url.removeprefix("http://")
    assert result.stderr == (
        f"finder verify goes online: it looks up 2 therapists in the NPPES NPI Registry at "
        f"{host}. It sends only:\n"
        "  1 Dana Whitfield: NPI 1555000011\n"
        "  2 Jo Davis: name Jo Davis, state NM\n"
        "Nothing else leaves this computer: no notes, answers or profile.\n"
        "Go online now? [y/N]: n\n"
        "Nothing was sent.\n"
    )
    assert server.seen == []
    assert len(open_store().verifications) == 0


def test_cli_yes_then_show_after_restart(
    tmp_path: Path, server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FINDER_NPPES_URL", stock(server))
    load(tmp_path, "Jo Davis,LMFT,,Albuquerque,NM,87102,LCSW,NM,\n")
    result = run_cli("verify", "1", "--yes")
    assert result.exit_code == 0, result.output
    today = verify.latest(open_store(), 1)["checked_at"][:10]  # type: ignore[index]
    assert result.stdout == (
        f"1 Jo Davis: matched ({today}, NPPES NPI Registry)\n"
        "  NPI 1555000029; Jo Davis, LISW; license LISW I-07777 (NM); Social Worker, Clinical; "
        "Albuquerque, NM; status active (by name)\n"
        "  practice location: 400 GOLD AVE SW, Albuquerque, NM, 87102\n"
        "\n"
        "The NPI registry is self-reported: it supports, but does not prove, an active license.\n"
        "The state licensing board is the authority for whether a license is active.\n"
        "The registry says nothing about IPT training: ask about it on the call.\n"
    )
    shown = run_cli("show", "1")
    assert shown.exit_code == 0
    assert "Verification: matched" in shown.stdout
    assert "NPI 1555000029; Jo Davis, LISW" in shown.stdout
    assert "The registry says nothing about IPT training" in shown.stdout
    assert "NPPES NPI Registry" in shown.stdout.split("Sources (2):")[1]
    as_json = json.loads(run_cli("show", "1", "--json").stdout)
    assert as_json["verification"]["npi"] == "1555000029"
    assert as_json["fields"]["license_number"][0]["kind"] == "verify"


def test_cli_json_and_pick(tmp_path: Path, server: LocalServer) -> None:
    url = stock(server)
    load(tmp_path, "Jo Davis,,,Santa Fe,NM,87501,,,\n")
    result = run_cli("verify", "1", "--yes", "--json", "--base-url", url)
    assert result.exit_code == 0
    [doc] = json.loads(result.stdout)
    assert (doc["status"], len(doc["candidates"])) == ("ambiguous", 2)
    assert "choose one: finder verify 1 --pick NPI" in run_cli("show", "1").stdout
    picked = run_cli("verify", "1", "--pick", "1555000037")
    assert picked.exit_code == 0
    assert picked.stdout.splitlines()[1].endswith("(picked by you)")
    assert "goes online" not in picked.stderr


def test_cli_offline_is_one_line_and_changes_nothing(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    load(tmp_path, WHITFIELD)
    result = run_cli("verify", "1", "--yes", "--base-url", f"http://127.0.0.1:{port}/api/")
    assert result.exit_code == 7
    assert result.stderr.splitlines()[-1] == (
        f"Error: cannot reach 127.0.0.1:{port}: connection refused (offline, or blocked?); "
        "nothing was changed"
    )
    assert len(open_store().verifications) == 0


def test_cli_shortlist(tmp_path: Path, server: LocalServer) -> None:
    from finder.pursue import profiles, shortlist

    url = stock(server)
    store = load(tmp_path, WHITFIELD + "Jo Davis,LISW,,Albuquerque,NM,87102,,,\n")
    shortlist.add(store, profiles.DEFAULT_LABEL, 2)
    result = run_cli("verify", "--shortlist", "--yes", "--base-url", url)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("2 Jo Davis: matched")
    assert [s.param("last_name") for s in server.seen] == ["Davis"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "Error: give at least one ID, or --shortlist: finder verify ID..."),
        (["1", "2", "--pick", "1555000011"], "Error: --pick takes exactly one ID"),
        (["1", "--shortlist"], "Error: give IDs or --shortlist, not both"),
        (["--shortlist"], "Error: the shortlist of profile 'me' is empty"),
        (["9"], "Error: no therapist 9; `finder list` shows the ids"),
        (["1", "--base-url", "ftp://example.org/"], "Error: ftp://example.org/: only http://"),
    ],
)
def test_cli_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    load(tmp_path, WHITFIELD)
    result = run_cli("verify", *args, "--yes")
    assert result.exit_code != 0
    assert result.stderr.splitlines()[-1].startswith(message)
    assert len(open_store().verifications) == 0


def test_nothing_to_look_up_fails_without_going_online(server: LocalServer) -> None:
    run_cli("add", "--name", "Ann", "--yes")  # one word: no first and last name to send
    result = run_cli("verify", "1", "--yes", "--base-url", f"{server.url}/api/")
    assert result.exit_code == NetworkError.exit_code
    assert "nothing to look up: no NPI and no first and last name" in result.stdout
    assert server.seen == []
