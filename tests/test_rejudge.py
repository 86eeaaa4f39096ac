"""IPT evidence stored by a finder with other rules is judged again, once, from the stored
fields, when a command that shows evidence opens the store; the person is told in one line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from finder.cli import cli
from finder.judge import ipt, rejudge
from finder.storage.store import open_store

LIST = (
    "name,credentials,city,state,bio\n"
    "Rosa Quinn,LCSW,Austin,TX,I am trained in interpersonal psychotherapy for depression.\n"
    "Sam Roe,LMFT,Austin,TX,I offer interpersonal therapy (IPT) for grief.\n"
    "Uma Ode,LPC,Austin,TX,I help with relationships and anxiety.\n"
)
REREAD = "IPT evidence re-read with finder's current rules"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def classes() -> dict[str, str]:
    result = run("list", "--json")
    assert result.exit_code == 0, result.output
    return {row["name"]: row["ipt_class"] for row in json.loads(result.stdout)}


def use_rules(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr(ipt, "rules_text", lambda: text)
    ipt.rules.cache_clear()
    rejudge.rules_fingerprint.cache_clear()


@pytest.fixture(autouse=True)
def fresh_rules() -> Iterator[None]:
    yield
    ipt.rules.cache_clear()
    rejudge.rules_fingerprint.cache_clear()


@pytest.fixture
def judged_by_older_rules(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A store imported by a finder whose rules read a named IPT as a related therapy."""
    reader = ipt.rules_text
    current = reader()
    use_rules(monkeypatch, current.replace('kind = "described"', 'kind = "related"'))
    (tmp_path / "list.csv").write_text(LIST)
    assert run("import", str(tmp_path / "list.csv")).exit_code == 0
    assert classes()["Rosa Quinn"] == "related_not_ipt"
    monkeypatch.setattr(ipt, "rules_text", reader)  # this finder's rules again
    ipt.rules.cache_clear()
    rejudge.rules_fingerprint.cache_clear()


def test_a_rules_change_rejudges_stored_evidence_once(judged_by_older_rules: None) -> None:
    result = run("list")
    assert result.exit_code == 0, result.output
    assert f"{REREAD}: 2 clinicians changed class" in result.stderr
    assert classes() == {
        "Rosa Quinn": "described",
        "Sam Roe": "described",
        "Uma Ode": "none",
    }
    again = run("search", "--no-profile")
    assert again.exit_code == 0 and REREAD not in again.stderr


@pytest.mark.parametrize("command", [["show", "1"], ["compare", "1", "2"], ["export"]])
def test_every_command_that_shows_evidence_reads_it_current(
    judged_by_older_rules: None, command: list[str]
) -> None:
    result = run(*command)
    assert result.exit_code == 0, result.output
    assert f"{REREAD}: 2 clinicians changed class" in result.stderr
    assert "related_not_ipt" not in result.stdout


def test_evidence_judged_by_these_rules_is_not_read_again(tmp_path: Path) -> None:
    (tmp_path / "list.csv").write_text(LIST)
    assert run("import", str(tmp_path / "list.csv")).exit_code == 0
    store = open_store()
    try:
        assert store.meta()[rejudge.META_KEY] == rejudge.rules_fingerprint()
        assert rejudge.refresh(store) is None
    finally:
        store.close()
    result = run("list")
    assert result.exit_code == 0 and REREAD not in result.stderr


def test_a_new_judging_version_is_a_rules_change(
    judged_by_older_rules: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("list").exit_code == 0
    monkeypatch.setattr(ipt, "JUDGE_VERSION", ipt.JUDGE_VERSION + 1)
    rejudge.rules_fingerprint.cache_clear()
    result = run("list")
    assert f"{REREAD}: no clinician changed class" in result.stderr


def test_a_busy_store_shows_the_stored_evidence_and_says_so(
    judged_by_older_rules: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FINDER_LOCK_TIMEOUT", "0.2")
    writer = open_store()
    try:
        with writer.transaction():  # another finder writing
            result = run("list")
    finally:
        writer.close()
    assert result.exit_code == 0, result.output
    assert "another finder is writing, so it is re-read next time" in result.stderr
    assert REREAD not in result.stderr
    later = run("list")
    assert f"{REREAD}: 2 clinicians changed class" in later.stderr


def test_a_store_from_before_fingerprints_is_judged_once(judged_by_older_rules: None) -> None:
    store = open_store()
    try:
        with store.transaction():
            store.set_meta(**{rejudge.META_KEY: None})  # as a finder before this one left it
    finally:
        store.close()
    result = run("list")
    assert f"{REREAD}: 2 clinicians changed class" in result.stderr
    assert REREAD not in run("list").stderr


def test_an_export_carries_the_rules_its_evidence_was_judged_with(tmp_path: Path) -> None:
    (tmp_path / "list.csv").write_text(LIST)
    assert run("import", str(tmp_path / "list.csv")).exit_code == 0
    saved = tmp_path / "export.json"
    assert run("export", "-o", str(saved)).exit_code == 0
    data = json.loads(saved.read_text())
    assert data["meta"][rejudge.META_KEY] == rejudge.rules_fingerprint()
    assert run("wipe", "--yes").exit_code == 0
    assert run("import", str(saved)).exit_code == 0
    result = run("list")
    assert result.exit_code == 0 and REREAD not in result.stderr  # judged by these rules
    data["meta"][rejudge.META_KEY] = "older rules"
    saved.write_text(json.dumps(data))
    assert run("wipe", "--yes").exit_code == 0
    assert run("import", str(saved)).exit_code == 0
    result = run("list")
    assert f"{REREAD}: no clinician changed class" in result.stderr
