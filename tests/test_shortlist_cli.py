"""`finder search`, `finder shortlist`, `finder merge` and `finder split` as a user sees them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from finder.cli import cli


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input)


@pytest.fixture
def imported(fixtures: Path) -> None:
    result = run("import", str(fixtures / "search" / "therapists.csv"))
    assert result.exit_code == 0, result.output


def test_search_table_with_why(imported: None) -> None:
    result = run("search", "--near", "02139", "--radius", "5", "--why")
    assert result.exit_code == 0
    assert result.stdout == (
        "#  ID  Name        IPT        Distance  Fee   Location\n"
        "1  1   Ana Lima    described  0.0 mi    $120  Cambridge, MA\n"
        "    why: IPT described (statement); 0.0 mi\n"
        "2  2   Ben Okafor  listed?    1.8 mi    $200  Brookline, MA\n"
        "    why: IPT listed (orientations): lists 'Interpersonal' among approaches: "
        "may not mean IPT \u2014 ask; 1.8 mi\n"
        # No ZIP, but a city and state: an approximate distance from the city's centre.
        "3  4   Dev Shah    none       ~2.5 mi   $90   Boston, MA\n"
        "    why: IPT none; ~2.5 mi\n"
    )
    assert result.stderr == (
        "listed?: lists 'Interpersonal' among approaches: may not mean IPT \u2014 ask "
        "(--why names it).\n"
        "3 therapists fit.\n"
        "1 more is outside your 5 mi radius: Cara Diaz 186.6 mi; --radius 187 shows them\n"
        "IPT classes show evidence, not verification: ask about IPT training on the call.\n"
    )


def test_search_uses_profile_and_options_override_it(imported: None) -> None:
    assert (
        run("profile", "set", "--zip", "02139", "--radius", "5", "--budget", "150").exit_code == 0
    )
    result = run("search", "--ipt", "described", "--why")
    assert result.stdout == (
        "#  ID  Name      IPT        Distance  Fee   Location\n"
        "1  1   Ana Lima  described  0.0 mi    $120  Cambridge, MA\n"
        "    why: IPT described (statement); 0.0 mi; fits fee\n"
    )
    assert result.stderr.startswith(
        "Using the needs of profile 'me' (--no-profile to ignore).\n1 therapist fits.\n"
    )
    wide = run("search", "--ipt", "described", "--radius", "500", "--max-fee", "100", "--json")
    rows = json.loads(wide.stdout)
    assert [(r["id"], r["distance_miles"], r["unknown"]) for r in rows] == [
        (3, 186.6, ["fee unknown"])
    ]
    bare = run("search", "--no-profile", "--ipt", "credential", "--csv")
    assert bare.stdout.splitlines()[0].startswith("rank,id,name,credentials,license_type,")
    assert bare.stdout.splitlines()[1].startswith("1,3,Cara Diaz,PhD,,")  # a degree is no licence


def test_search_multi_values_strict_and_nothing_found(imported: None) -> None:
    result = run("search", "--insurance", "blue cross,tufts", "--strict", "--json")
    assert [r["name"] for r in json.loads(result.stdout)] == ["Ana Lima", "Ben Okafor"]
    result = run("search", "--issue", "perinatal", "--issue", "eating disorder", "--strict")
    assert result.stdout.splitlines()[1:] == ["1  2   Ben Okafor  listed?  $200  Brookline, MA"]
    result = run("search", "--near", "02139", "--radius", "1", "--strict")
    assert result.stdout.splitlines()[1:] == ["1  1   Ana Lima  described  0.0 mi    $120  Cambridge, MA"]  # fmt: skip
    nothing = run("search", "--max-fee", "10", "--strict")
    assert (nothing.exit_code, nothing.stdout, nothing.stderr) == (
        0, "", "No therapist fits. Try fewer filters, or drop --strict.\n"
        # Nobody fits, so who one filter alone left out is said (it was not).
        "3 more are over your $10 budget: Ana Lima $120, Ben Okafor $200, Dev Shah $90; "
        "--max-fee 200 shows them\n"
        "1 more has an unknown value: Cara Diaz fee unknown; without --strict they show\n"
    )  # fmt: skip


def test_search_rejects_bad_options_in_one_line(imported: None) -> None:
    result = run("search", "--ipt", "great")
    assert result.exit_code == 2
    assert "Invalid value for '--ipt': unknown IPT class 'great'" in result.stderr
    result = run("search", "--near", "0213")
    assert "Invalid value for '--near': '0213' is not a 5-digit US ZIP code" in result.stderr
    result = run("search", "--near", "00000")
    assert (result.exit_code, result.stderr) == (2, "Error: ZIP 00000 is not a known US ZIP code\n")
    result = run("search", "--session-format", "trio")
    assert "unknown format 'trio'; one of: individual, couple, family, group" in result.stderr
    result = run("search", "--format", "trio")
    assert "Invalid value for '--format': 'trio' is not one of 'table', 'json', 'csv'." in (
        result.stderr
    )
    result = run("search", "--format", "json", "--csv")
    assert result.stderr == "Error: choose one output format, not --format csv and --format json\n"
    result = run("search", "--for", "nobody")
    assert result.stderr == "Error: no profile 'nobody'; `finder profile list` shows them\n"


def test_list_takes_the_same_filters(imported: None) -> None:
    result = run("list", "--json", "--telehealth", "--strict")
    assert [r["id"] for r in json.loads(result.stdout)] == [1, 3]
    result = run("list", "--json", "--ipt", "listed", "--near", "02139", "--radius", "10")
    assert [r["id"] for r in json.loads(result.stdout)] == [1, 2]


def test_shortlist_add_status_list_remove(imported: None) -> None:
    result = run("shortlist", "add", "1", "3")
    assert result.stderr == (
        "Added 1 Ana Lima to the shortlist of 'me' (to contact).\n"
        "Added 3 Cara Diaz to the shortlist of 'me' (to contact).\n"
    )
    again = run("shortlist", "add", "1")
    assert again.stderr == "1 Ana Lima is already on the shortlist of 'me'.\n"
    status = run("shortlist", "status", "3", "consultation", "booked")
    assert status.stderr == "3 Cara Diaz: consultation booked (shortlist of 'me').\n"
    listed = run("shortlist", "list")
    lines = listed.stdout.splitlines()
    assert lines[0] == "ID  Name       Status               IPT         Phone         Updated"
    assert lines[1].startswith("1   Ana Lima   to contact           described   617-555-0101  20")
    assert lines[2].startswith("3   Cara Diaz  consultation booked  credential  212-555-0103  20")
    assert listed.stderr == "2 on the shortlist of 'me'.\n"
    rows = json.loads(run("shortlist", "list", "--json").stdout)
    assert [(r["id"], r["status"]) for r in rows] == [(1, "to-contact"), (3, "consultation-booked")]
    removed = run("shortlist", "remove", "1")
    assert removed.stderr == "Removed 1 Ana Lima from the shortlist of 'me'.\n"
    assert [r["id"] for r in json.loads(run("shortlist", "list", "--json").stdout)] == [3]


def test_each_profile_has_its_own_shortlist(imported: None) -> None:
    run("shortlist", "add", "1")
    result = run("shortlist", "add", "2", "--for", "client-a", "--status", "awaiting reply")
    assert result.stderr == "Added 2 Ben Okafor to the shortlist of 'client-a' (awaiting reply).\n"
    assert (
        run("shortlist", "list", "--for", "client-a", "--csv")
        .stdout.splitlines()[1]
        .startswith("2,Ben Okafor,awaiting-reply,listed,617-555-0102,")
    )
    empty = run("shortlist", "list", "--for", "client-b")
    assert (
        empty.stderr
        == "The shortlist of 'client-b' is empty. Add someone: finder shortlist add ID\n"
    )


def test_shortlist_mistakes_are_one_line(imported: None) -> None:
    result = run("shortlist", "status", "1", "maybe")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: unknown status 'maybe'; one of: to contact, contacted, awaiting reply, "
        "consultation booked, consulted, chosen, declined, no openings, waitlisted\n"
    )
    result = run("shortlist", "add", "99")
    assert (result.exit_code, result.stderr) == (
        3, "Error: no therapist 99; `finder list` shows the ids\n"
    )  # fmt: skip
    result = run("shortlist", "remove", "2")
    assert result.stderr == "Error: therapist 2 is not on the shortlist\n"


def _add(name: str, *extra: str) -> str:
    result = run("add", "--yes", "--name", name, "--referred-on", "2024-01-01", *extra)
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def test_merge_review_interactive_and_split(imported: None) -> None:
    # "B Okafor" in Ben's ZIP: maybe Ben, maybe not; only the user can say.
    assert _add("B Okafor", "--zip", "02446") == "5"
    listing = run("merge")
    pair = listing.stdout.splitlines()
    assert pair[0] == "1/1  given name shortened, same ZIP 02446 (score 89)"
    assert "therapist 2  Ben Okafor, LMHC  Brookline MA 02446" in pair[1] + pair[2]
    assert listing.stderr == (
        "1 pair to review: finder merge --review, or finder merge --same A B / --different A B.\n"
    )
    kept = run("merge", "--review", input="k\n")
    assert kept.stderr.endswith("0 pairs merged, 0 kept apart, 1 left for later.\n")
    merged = run("merge", "--review", input="s\n")
    assert merged.stderr.endswith("1 pair merged, 0 kept apart, 0 left for later.\n")
    shown = json.loads(run("show", "2", "--json").stdout)
    assert json.dumps(shown).count("B Okafor") >= 1
    assert run("merge").stderr == "No uncertain pairs: nothing to review.\n"
    split = run("split", "2", "--yes")
    assert (split.stdout, split.stderr.splitlines()[-1]) == (
        "2 6\n", "Therapist 2 split into 2, 6; they stay apart from now on."
    )  # fmt: skip
    assert run("merge").stderr == "No uncertain pairs: nothing to review.\n"


def test_merge_same_and_different_by_id(imported: None) -> None:
    result = run("merge", "--same", "4", "1", "--yes")
    assert result.stderr.splitlines()[-1] == "4 and 1 are one therapist: 1."
    assert [r["id"] for r in json.loads(run("list", "--json").stdout)] == [1, 2, 3]
    result = run("merge", "--different", "1", "2", input="y\n")
    assert result.stderr.splitlines()[-1] == "1 and 2 are kept apart: therapists 1 and 2."
    result = run("merge", "--same", "1", "--different", "1", "2")
    assert result.exit_code == 2
    result = run("merge", "--yes")
    assert result.stderr == "Error: --yes goes with --review, --same or --different\n"
    result = run("split", "3")
    assert result.stderr == "Error: therapist 3 has only one record; there is nothing to split\n"


def test_split_shows_what_it_will_do_and_asks(imported: None) -> None:
    assert _add("B Okafor", "--zip", "02446") == "5"
    assert run("merge", "--review", input="s\n").exit_code == 0
    assert len(json.loads(run("show", "2", "--json").stdout)["sources"]) == 2
    declined = run("split", "2", input="n\n")
    lines = declined.stderr.splitlines()
    assert declined.exit_code == 1 and declined.stdout == ""
    assert lines[0] == "Therapist 2, B Okafor, is made of 2 records:"
    assert "Ben Okafor, LMHC  Brookline MA 02446" in lines[1] and "set apart" not in lines[1]
    assert "B Okafor  02446  (finder add entered by you)" in lines[2] and lines[2].endswith(
        "  <- set apart"
    )
    assert lines[3:] == [
        "Each record set apart becomes a therapist of its own, remembered as a different "
        "clinician; answers, notes and contacts keep the id 2.",
        "Split therapist 2? [y/N]: n",
        "Nothing was changed.",
    ]
    assert [r["id"] for r in json.loads(run("list", "--json").stdout)] == [1, 2, 3, 4]
    # No answer at all (a script without --yes) changes nothing either.
    assert run("split", "2", input="").exit_code == 1
    assert run("split", "2", input="y\n").stdout == "2 6\n"


def test_merge_same_shows_both_sides_and_asks(imported: None) -> None:
    result = run("merge", "--same", "4", "1", input="n\n")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert [lines[0], lines[2]] == ["4:", "1:"]
    assert "therapist 4  Dev Shah" in lines[1] and "therapist 1  Ana Lima" in lines[3]
    assert lines[4:] == [
        "These records will be one therapist, with their answers, notes and contacts together "
        "(finder split undoes it).",
        "Join them as one clinician? [y/N]: n",
        "Nothing was changed.",
    ]
    assert [r["id"] for r in json.loads(run("list", "--json").stdout)] == [1, 2, 3, 4]


def test_a_waitlist_takes_its_recheck_day_from_contact_as_from_shortlist_status(
    imported: None,
) -> None:
    logged = run(
        "contact", "1", "--via", "phone", "--outcome", "waitlist", "--recheck", "2030-01-15"
    )
    assert logged.exit_code == 0, logged.output
    assert logged.stderr.endswith("Shortlist status: waitlisted, re-check on 2030-01-15.\n")
    set_by_hand = run("shortlist", "status", "2", "waitlisted", "--recheck", "2030-02-01")
    assert set_by_hand.stderr == (
        "2 Ben Okafor: waitlisted, re-check on 2030-02-01 (shortlist of 'me').\n"
    )
    rows = json.loads(run("shortlist", "list", "--json").stdout)
    assert [(r["id"], r["status"], r["recheck_on"]) for r in rows] == [
        (1, "waitlisted", "2030-01-15"),
        (2, "waitlisted", "2030-02-01"),
    ]
    # The same option, the same checks, in both commands.
    for args in (
        ("contact", "1", "--via", "phone", "--outcome", "waitlist", "--recheck", "15/01/2030"),
        ("shortlist", "status", "1", "waitlisted", "--recheck", "15/01/2030"),
    ):
        bad = run(*args)
        assert bad.exit_code == 2
        assert bad.stderr == ("Error: --recheck '15/01/2030': use YYYY-MM-DD, e.g. 2025-03-14\n")
    wrong = run("contact", "1", "--via", "phone", "--outcome", "replied", "--recheck", "2030-01-15")
    assert wrong.exit_code == 2
    assert wrong.stderr == "Error: a date to re-check (--recheck) goes with --outcome waitlist\n"
