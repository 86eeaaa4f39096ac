"""`finder profile`: show, set, list, use, weights, with exact output."""

from __future__ import annotations

import json

from click.testing import CliRunner, Result

from finder.cli import cli


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


EMPTY = """\
Profile me (active)
  ZIP               not set
  Radius            not set
  Telehealth        ok
  Insurance         not set
  Budget            not set
  Sliding scale     not needed
  Formats           not set
  Issues            not set
  Age group         not set
  Languages         any
  State             not set
  Country           not set
  City              not set
  Planned sessions  16
"""


def test_profile_shows_the_active_profile() -> None:
    result = run("profile")
    assert (result.exit_code, result.stdout) == (0, EMPTY)


def test_profile_set_changes_only_what_is_given() -> None:
    result = run("profile", "set", "--zip", "02139-4307", "--radius", "10", "--telehealth", "ok",
                 "--insurance", "Blue Cross", "--budget", "150", "--sliding-scale",
                 "--session-format", "individuals", "--issue", "depression,perinatal", "--age", "adults",
                 "--language", "Spanish", "--state", "massachusetts", "--sessions", "12")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stderr == "Saved profile 'me'.\n"
    assert (
        result.stdout
        == """\
Profile me (active)
  ZIP               02139
  Radius            10 mi
  Telehealth        ok
  Insurance         Blue Cross
  Budget            $150 per session
  Sliding scale     needed
  Formats           individual
  Issues            depression, perinatal
  Age group         adult
  Languages         Spanish
  State             MA
  Country           not set
  City              not set
  Planned sessions  12
"""
    )
    run("profile", "set", "--telehealth", "required", "--clear", "budget", "--clear", "issue")
    doc = json.loads(run("profile", "--json").stdout)
    assert (doc["telehealth"], doc["budget"], doc["issues"], doc["zip"], doc["active"]) == (
        "required", None, [], "02139", True
    )  # fmt: skip


def test_profile_set_refuses_bad_values() -> None:
    cases = [
        (["--zip", "0213"], "Error: --zip '0213' is not a 5-digit US ZIP code\n"),
        (["--zip", "00000"], "Error: --zip 00000 is not a known US ZIP code\n"),
        (["--state", "Atlantis"], "Error: --state 'Atlantis' is not a US state\n"),
        (["--age", "toddler"], "Error: unknown age group 'toddler'; one of: child, teen, adult, elder\n"),
        (["--clear", "mood"], "Error: --clear mood: not a profile field (age_group, budget, "
         "city, country, formats, insurance, issues, languages, planned_sessions, radius_miles, "
         "sliding_scale_needed, state, telehealth, zip)\n"),
        ([], "Error: nothing to set; see `finder profile set --help`\n"),
    ]  # fmt: skip
    for args, message in cases:
        result = run("profile", "set", *args)
        assert (result.exit_code, result.stderr) == (2, message), args
    assert run("profile").stdout == EMPTY


def test_profiles_for_clients_under_labels() -> None:
    result = run("profile", "set", "--zip", "60601", "--radius", "5", "--for", "client-a")
    assert result.stderr == (
        "Saved profile 'client-a' (active is 'me'; use --for or `finder profile use`).\n"
    )
    assert result.stdout.splitlines()[0] == "Profile client-a"
    assert run("profile", "list").stdout == (
        "  client-a  ZIP 60601 within 5 mi; 0 on the shortlist\n"
        "* me        no ZIP; 0 on the shortlist\n"
    )
    used = run("profile", "use", "client-a")
    assert used.stderr == "Now using profile 'client-a'.\n"
    assert run("profile").stdout.splitlines()[:2] == [
        "Profile client-a (active)",
        "  ZIP               60601",
    ]
    assert run("profile", "list").stdout.startswith("* client-a")
    bad = run("profile", "use", "Jane Doe!")
    assert bad.stderr == (
        "Error: profile label 'Jane Doe!': use 1-40 letters, digits, '.', '-' or '_' "
        "(a pseudonym is fine)\n"
    )
    missing = run("profile", "--for", "client-z")
    assert missing.stderr == "Error: no profile 'client-z'; `finder profile list` shows them\n"


def test_profile_weights_show_defaults_and_set() -> None:
    shown = run("profile", "weights")
    assert (
        shown.stdout
        == """\
Weights of profile me (0 = ignore, 5 = matters most):
  ipt_evidence  5
  cost          4
  insurance     3
  distance      2
  availability  4
  fit           3
  comfort       5
  licence       3
"""
    )
    changed = run("profile", "weights", "cost=5", "distance=0")
    assert changed.stderr == "Saved the weights of profile 'me'.\n"
    assert changed.stdout.splitlines()[2:5] == [
        "  cost          5  (default 4)", "  insurance     3", "  distance      0  (default 2)"
    ]  # fmt: skip
    bad = run("profile", "weights", "cost=9")
    assert bad.stderr == "Error: 'cost=9': the weight must be a whole number from 0 to 5\n"
    unknown = run("profile", "weights", "vibes=3")
    assert unknown.stderr.startswith("Error: 'vibes=3': use CRITERION=N with CRITERION one of ")
    reset = run("profile", "weights", "--reset")
    assert reset.stdout == shown.stdout
