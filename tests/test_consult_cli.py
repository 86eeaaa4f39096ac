"""The contact and consultation commands, driven as a user would (scripted stdin)."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from finder.cli import cli
from finder.crisis import CRISIS_SHORT
from finder.pursue import answers, profiles, shortlist
from finder.pursue.profiles import Profile
from finder.storage.store import open_store

CONSULT_COUNT = 56  # questions in the shipped consultation checklist


def invoke(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def add(name: str, phone: str | None = None) -> int:
    extra = ["--phone", phone] if phone else []
    code, out, err = invoke("add", "--name", name, *extra, "--yes")
    assert code == 0, err
    return int(out.strip())


def with_store(action: Callable[[Any], Any]) -> Any:
    store = open_store()
    try:
        return action(store)
    finally:
        store.close()


def stored(tid: int, checklist: str = "consultation", profile: str = "me") -> dict[str, Any]:
    return dict(with_store(lambda s: answers.answers_for(s, profile, tid, checklist)))


def status(tid: int, profile: str = "me") -> str | None:
    entry = with_store(lambda s: shortlist.get(s, profile, tid))
    return None if entry is None else str(entry.status.value)


def set_profile(**values: Any) -> None:
    with_store(lambda s: profiles.save(s, Profile(**values)))


# --- contact ---------------------------------------------------------------------------------


def test_contact_logs_and_lists() -> None:
    tid = add("Dana Reyes", "617-555-0100")
    code, out, err = invoke("contact", str(tid), "--via", "phone", "--outcome", "left-message",
                            "--on", "2025-03-01", "--note", "spoke to the front desk")  # fmt: skip
    assert (code, out) == (0, "")
    assert err == (
        "Logged for Dana Reyes (therapist 1): phone, left message, 2025-03-01.\n"
        "Shortlist status: awaiting reply.\n"
    )
    assert status(tid) == "awaiting-reply"
    code, out, err = invoke("contact", str(tid), "--via", "email", "--outcome", "booked",
                            "--on", "2025-03-03", "--at", "2025-03-12 14:30")  # fmt: skip
    assert code == 0
    assert "Shortlist status: consultation booked." in err
    assert "`finder followups --ics FILE` puts the consultation in your calendar." in err
    code, out, _ = invoke("contact", str(tid))
    assert out == (
        "2025-03-01  phone   left message  (spoke to the front desk)\n"
        "2025-03-03  email   booked        consultation 2025-03-12 14:30\n"
    )
    code, out, _ = invoke("contact", str(tid), "--json")
    log = json.loads(out)
    assert [(c["outcome"], c["at"]) for c in log] == [
        ("left-message", None), ("booked", "2025-03-12T14:30"),
    ]  # fmt: skip


def test_contact_after_consultation_keeps_the_status() -> None:
    tid = add("Dana Reyes")
    with_store(lambda s: shortlist.set_status(s, "me", tid, "consulted"))
    _, _, err = invoke("contact", str(tid), "--via", "email", "--outcome", "emailed")
    assert "Shortlist status stays consulted.\n" in err
    assert status(tid) == "consulted"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--via", "phone"], 2, "Error: give both --via and --outcome, e.g. --via phone --outcome left-message"),
        (["--via", "phone", "--outcome", "replied", "--on", "3/12"], 2,
         "Error: --on '3/12': use YYYY-MM-DD, e.g. 2025-03-14"),
        (["--via", "phone", "--outcome", "booked", "--at", "friday"], 2,
         "Error: consultation time 'friday': use \"YYYY-MM-DD HH:MM\", e.g. \"2025-03-14 15:30\""),
        (["--via", "phone", "--outcome", "replied", "--at", "2025-03-14 15:30"], 2,
         "Error: a consultation time (--at) goes with --outcome booked"),
        (["--via", "phone", "--outcome", "replied", "--for", "ghost"], 3,
         "Error: no profile 'ghost'; `finder profile list` shows them"),
        (["--note", "hello"], 2, "Error: give --via and --outcome to log a contact"),
        (["--via", "phone", "--outcome", "replied", "--json"], 2,
         "Error: --json shows the log: drop --via and --outcome"),
    ],
)  # fmt: skip
def test_contact_mistakes_are_one_line(args: list[str], code: int, message: str) -> None:
    tid = add("Dana Reyes")
    got_code, out, err = invoke("contact", str(tid), *args)
    assert (got_code, out, err) == (code, "", message + "\n")
    assert with_store(lambda s: s.contacts.all()) == []


def test_contact_unknown_therapist() -> None:
    code, _, err = invoke("contact", "7", "--via", "phone", "--outcome", "replied")
    assert (code, err) == (3, "Error: no therapist 7; `finder list` shows the ids\n")


# --- followups -------------------------------------------------------------------------------


def test_followups_as_of_a_day() -> None:
    dana = add("Dana Reyes", "617-555-0100")
    ann = add("Ann Lee")
    bo = add("Bo Chen", "617-555-0102")
    invoke(
        "contact", str(dana), "--via", "phone", "--outcome", "left-message", "--on", "2025-03-01"
    )
    invoke("contact", str(ann), "--via", "email", "--outcome", "emailed", "--on", "2025-03-08")
    invoke("contact", str(bo), "--via", "email", "--outcome", "booked", "--on", "2025-03-05",
           "--at", "2025-03-12 09:00")  # fmt: skip
    code, out, err = invoke("followups", "--as-of", "2025-03-10")
    assert code == 0
    assert out == (
        "Chase (no reply after 5 days):\n"
        "  #1 Dana Reyes, 617-555-0100: left a message by phone on 2025-03-01, 9 days ago\n"
        "\n"
        "Consultations in the next 7 days:\n"
        "  #3 Bo Chen, 617-555-0102: Wed 2025-03-12 09:00\n"
    )
    assert err == "1 more awaiting a reply, not due yet (next on 2025-03-13).\n"
    code, out, err = invoke("followups", "--as-of", "2025-03-10", "--set-days", "2")
    assert err.startswith("Follow-ups now chase after 2 days without a reply.\n")
    assert "Chase (no reply after 2 days):" in out and "#2 Ann Lee: sent an email" in out
    # The new default stays.
    _, out, _ = invoke("followups", "--as-of", "2025-03-10", "--json")
    assert [(f["kind"], f["tid"], f["due"]) for f in json.loads(out)] == [
        ("chase", 1, "2025-03-03"), ("chase", 2, "2025-03-10"), ("consultation", 3, "2025-03-12"),
    ]  # fmt: skip


def test_followups_nothing_to_do() -> None:
    assert invoke("followups") == (0, "", "Nothing to follow up.\n")


def test_followups_writes_a_private_calendar_file(tmp_path: Path) -> None:
    tid = add("Dana Reyes", "617-555-0100")
    invoke("contact", str(tid), "--via", "email", "--outcome", "booked", "--on", "2025-03-05",
           "--at", "2025-03-12 09:00", "--note", "she sounded kind")  # fmt: skip
    target = tmp_path / "f.ics"
    target.write_text("old")
    target.chmod(0o644)
    code, _, err = invoke("followups", "--as-of", "2025-03-10", "--ics", str(target))
    assert code == 0
    assert f"Wrote 1 event to {target} (names and phone numbers only).\n" in err
    data = target.read_bytes()
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
    assert b"DTSTART:20250312T090000\r\n" in data and b"kind" not in data
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    code, _, err = invoke("followups", "--ics", str(tmp_path / "no" / "such" / "f.ics"))
    assert code == 2 and err.startswith(f"Error: {tmp_path}/no/such/f.ics: cannot be written")


# --- draft -----------------------------------------------------------------------------------


def test_draft_voicemail_from_the_profile() -> None:
    tid = add("Dana Reyes")
    set_profile(insurance=["Aetna"], telehealth="required", state="MA")
    code, out, err = invoke("draft", str(tid), "--voicemail")
    assert code == 0
    assert out == (
        "Hello, this message is for Dana Reyes. My name is [your name], and I am looking for a "
        "therapist trained in Interpersonal Psychotherapy, IPT. I would like to know whether you "
        "are taking new clients and when you have openings, whether you are trained in IPT "
        "itself, whether you are in network with Aetna, and whether you offer telehealth in MA. "
        "Please call me back at [your phone number]. Again, that is [your name], at [your phone "
        "number]. Thank you.\n"
    )
    assert err == (
        "No phone number is on record: look for one on their profile or website.\n"
        "Nothing was sent. Once sent: finder contact 1 --via phone --outcome left-message\n"
    )
    _, email, _ = invoke("draft", str(tid))
    assert email.startswith("Subject: New client inquiry: Interpersonal Psychotherapy (IPT)\n")
    assert "- Are you in network with Aetna?\n" in email and email.endswith("[your name]\n")


# --- consult ---------------------------------------------------------------------------------


def test_consult_walk_with_help_invalid_back_and_quit_then_resume() -> None:
    tid = add("Dana Reyes")
    script = "y\n?\nLCSW 4471\nmaybe\nn\nb\n\nq\n"
    code, out, err = invoke("consult", str(tid), "--all", input=script)
    assert code == 0
    lines = out.splitlines()
    assert lines[:3] == [
        "Consultation with Dana Reyes (therapist 1), profile me",
        CRISIS_SHORT,
        "Commands: ? help, Enter skip, b back, - clear the answer, q quit.",
    ]
    assert "answer yes or no (y/n), not 'maybe'" in out  # re-asked, not saved
    assert "(text) >   With the type (LCSW, LMFT, LPC, psychologist ...)" in out  # '?' help
    headings = [line for line in lines if line.startswith("[")]
    assert headings == [
        "[1/56] Licence: Are you licensed to practise psychotherapy?",
        "[2/56] Licence: What type of licence do you hold, and what is the number?",
        "[2/56] Licence: What type of licence do you hold, and what is the number?",
        "[3/56] Licence: Is your licence active in the state where I live?",
        "[3/56] Licence: Is your licence active in the state where I live?",
        "[4/56] Licence: Are you pre-licensed, an associate or intern?",
        "[3/56] Licence: Is your licence active in the state where I live?",
        "[4/56] Licence: Are you pre-licensed, an associate or intern?",
    ]
    assert "  now: no (Enter keeps it)" in lines
    assert lines[-2:] == [
        "Stopped. Your answers so far are saved.",
        "53 questions are still unanswered; the next walk starts at the first of them.",
    ]
    assert stored(tid) == {"licensed": True, "licence_type_number": "LCSW 4471",
                           "licensed_in_my_state": False}  # fmt: skip
    assert "Findings: 1 red flag: finder answers 1" in err
    assert status(tid) is None  # not finished: not consulted yet
    # Resume: the walk starts at the first unanswered question.
    _, out, _ = invoke("consult", str(tid), "--all", input="s\nq\n")
    assert next(line for line in out.splitlines() if line.startswith("[")) == (
        "[4/56] Licence: Are you pre-licensed, an associate or intern?"
    )


def test_ctrl_c_mid_walk_keeps_the_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    from finder.cli import walks as consult_cli

    tid = add("Dana Reyes")
    replies: list[str | BaseException] = ["y", "LCSW 4471", KeyboardInterrupt()]

    def read_line(prompt: str) -> str:
        reply = replies.pop(0)
        if isinstance(reply, BaseException):
            raise reply
        return reply

    monkeypatch.setattr(consult_cli, "_read_line", read_line)
    code, out, _ = invoke("consult", str(tid), "--all")
    assert code == 130
    assert "Stopped. Your answers so far are saved." in out
    assert stored(tid) == {"licensed": True, "licence_type_number": "LCSW 4471"}


def test_finishing_a_part_marks_the_therapist_consulted() -> None:
    tid = add("Dana Reyes")
    code, out, err = invoke("consult", str(tid), "--only", "After the call",
                            input="4\ny\n1\nwarm\n\n\n")  # fmt: skip
    assert code == 0
    assert next(line for line in out.splitlines() if line.startswith("[")) == (
        "[1/6] After the call: How comfortable did you feel talking to them?"
    )
    assert stored(tid) == {"comfort": 4, "felt_heard": True, "board_lookup": "active",
                           "my_pros": "warm"}  # fmt: skip
    assert "Shortlist status: consulted." in err
    assert "Findings: 2 pros: finder answers 1" in err
    assert status(tid) == "consulted"


def test_consult_from_a_question_and_bad_options() -> None:
    tid = add("Dana Reyes")
    _, out, _ = invoke("consult", str(tid), "--from", "fee_session", input="$140\nq\n")
    assert "[36/56] Money: What is your fee per session?" in out
    assert stored(tid) == {"fee_session": 140.0}
    assert invoke("consult", str(tid), "--only", "snacks")[2].startswith(
        "Error: checklist consultation has no category 'snacks' (categories: licence, training,"
    )
    assert invoke("consult", str(tid), "--from", "nope", input="q\n")[2] == (
        "Error: checklist consultation has no question 'nope'\n"
    )


def test_consult_answers_from_a_file(tmp_path: Path) -> None:
    tid = add("Dana Reyes")
    set_profile(budget=120.0)
    answers_file = tmp_path / "call.toml"
    answers_file.write_text(
        'licensed = "yes"\nsupervised_cases = 3\n[money]\nfee_session = "$150 per session"\n'
    )
    code, out, err = invoke("consult", str(tid), "--answers", str(answers_file))
    assert (code, out) == (0, "")
    assert err == (
        "Saved 3 answer(s) for Dana Reyes (therapist 1).\n"
        "Shortlist status: consulted.\n"
        "Findings: 1 caution, 1 con: finder answers 1\n"
    )
    assert stored(tid) == {"licensed": True, "supervised_cases": 3, "fee_session": 150.0}
    bad = tmp_path / "bad.json"
    bad.write_text('{"licensed": "perhaps", "snack": 1}')
    code, _, err = invoke("consult", str(tid), "--answers", str(bad))
    assert code == 1
    assert (
        err
        == f"Error: {bad}: question licensed: answer yes or no (y/n), not 'perhaps' (and 1 more)\n"
    )


def test_answers_shows_what_was_recorded(tmp_path: Path) -> None:
    tid = add("Dana Reyes")
    assert invoke("answers", str(tid)) == (
        0, "", "Nothing recorded for Dana Reyes (therapist 1) yet: finder consult 1\n",
    )  # fmt: skip
    answers_file = tmp_path / "call.json"
    answers_file.write_text(json.dumps({
        "licensed": True, "ipt_specifically": "general interpersonal", "session_minutes": "1 hour",
        "delivery": ["telehealth", "in person"], "comfort": 2,
    }))  # fmt: skip
    invoke("consult", str(tid), "--answers", str(answers_file))
    invoke("note", str(tid), "--pro", "explained IPT phases", "--con", "no evenings")
    code, out, err = invoke("answers", str(tid))
    assert code == 0
    assert out == (
        "Dana Reyes (therapist 1), profile me\n"
        "\n"
        "Consultation call with a therapist\n"
        "  Licence\n"
        "    Are you licensed to practise psychotherapy? yes\n"
        "  IPT training\n"
        "    Do you practise Interpersonal Psychotherapy (IPT) itself, the Klerman and Weissman "
        "model, or a general interpersonal approach? general interpersonal\n"
        "  How IPT would run\n"
        "    How long is each session? 60 min\n"
        "  Format and availability\n"
        "    Do you see clients in person, by telehealth, or both? in person, telehealth\n"
        "  After the call\n"
        "    How comfortable did you feel talking to them? 2/5\n"
        "\n"
        "Cautions\n"
        "  - No licence number recorded: you cannot check the licence with the state board.\n"
        "  - You did not feel comfortable talking to them.\n"
        "\n"
        "Cons\n"
        "  - Works in a general interpersonal way, not IPT itself.\n"
        "\n"
        "Your notes\n"
        "  pro: explained IPT phases\n"
        "  con: no evenings\n"
    )
    assert err == f"{CONSULT_COUNT - 5} consultation question(s) unanswered: finder consult 1\n"
    data = json.loads(invoke("answers", str(tid), "--json")[1])
    assert sorted(data) == ["answers", "findings", "name", "notes", "plans", "profile", "ruled_out", "tid",
                            "unanswered"]  # fmt: skip
    assert data["answers"][2] == {
        "answer": "60 min", "category": "how_ipt_runs", "checklist": "consultation",
        "id": "session_minutes", "question": "How long is each session?", "value": 60,
    }  # fmt: skip
    assert [(f["kind"], f["question"]) for f in data["findings"]] == [
        ("caution", "licence_type_number"), ("con", "ipt_specifically"), ("caution", "comfort"),
    ]  # fmt: skip


def test_answers_are_per_profile() -> None:
    tid = add("Dana Reyes")
    with_store(lambda s: profiles.save(s, Profile(label="client-a")))
    invoke("consult", str(tid), "--for", "client-a", "--only", "after_call", input="5\nq\n")
    assert stored(tid, profile="client-a") == {"comfort": 5}
    assert stored(tid) == {}
    assert "No notes about Dana Reyes (therapist 1) yet." in invoke("note", str(tid))[2]


def test_note_adds_and_lists() -> None:
    tid = add("Dana Reyes")
    code, _, err = invoke("note", str(tid), "--pro", "warm", "--con", "far", "--note", "call back")
    assert (code, err) == (0, "Noted 3 item(s) about therapist 1: finder answers 1 shows them.\n")
    out = invoke("note", str(tid))[1]
    assert [line[12:] for line in out.splitlines()] == ["pro: warm", "con: far", "note: call back"]
    code, _, err = invoke("note", str(tid), "--pro", "ok", "--con", "  ")
    assert (code, err) == (2, "Error: the con is empty: give a few words\n")
    assert len(out.splitlines()) == len(invoke("note", str(tid))[1].splitlines())  # all or nothing


# --- insurer-call ----------------------------------------------------------------------------


def test_insurer_call_asks_the_plan_then_each_clinician() -> None:
    dana = add("Dana Reyes")
    set_profile(insurance=["Aetna PPO"])
    plan_replies = "$500\n$120\n$30\n\nn\n\nq\n"
    code, out, _ = invoke("insurer-call", str(dana), input=plan_replies)
    assert code == 0
    assert out.startswith(
        "One call to your insurer about Aetna PPO:\n"
        "  - Your plan's benefits (Aetna PPO): 13 of 13 open\n"
        "  - Network status: Dana Reyes (therapist 1): 1 of 1 open\n"
        "  - Before you hang up: 1 of 1 open\n"
        f"\nYour plan's benefits (Aetna PPO)\n{CRISIS_SHORT}\n"
    )
    # No session limit: how many sessions it allows is not asked.
    assert "How many sessions a year are covered?" not in out
    assert stored(dana, "insurer") == {}
    plan_answers = with_store(lambda s: answers.answers_for(s, "me", None, "insurer", "Aetna PPO"))
    assert plan_answers == {"deductible": 500.0, "deductible_met": 120.0, "copay": 30.0,
                            "has_session_limit": False}  # fmt: skip
    # Only the network part: about the clinician, under the same plan.
    code, out, _ = invoke("insurer-call", "--only", "network", str(dana), input="y\n")
    assert code == 0
    assert "Network status: Dana Reyes (therapist 1)" in out and "Your plan" not in out
    assert stored(dana, "insurer") == {"clinician_in_network": True}
    docs = with_store(lambda s: s.answers.find(tid=dana, checklist="insurer"))
    assert [d["plan"] for d in docs] == ["Aetna PPO"]


def test_insurer_call_needs_a_plan_and_an_id_for_network(tmp_path: Path) -> None:
    assert invoke("insurer-call")[2] == (
        'Error: name the plan: finder insurer-call --plan "Aetna PPO" (or add it to the profile)\n'
    )
    assert invoke("insurer-call", "--plan", "Cigna", "--only", "network")[2] == (
        "Error: the network questions are about a clinician: give an ID\n"
    )
    file = tmp_path / "insurer.toml"
    file.write_text('copay = 25\nclinician_in_network = "no"\n')
    assert invoke("insurer-call", "--plan", "Cigna", "--answers", str(file))[2] == (
        "Error: answers about a clinician (clinician_in_network) need an ID\n"
    )
    tid = add("Dana Reyes")
    code, _, err = invoke("insurer-call", "--plan", "Cigna", str(tid), "--answers", str(file))
    assert (code, err) == (0, "Saved 1 answer(s) about Cigna and 1 about each clinician named.\n")
    assert stored(tid, "insurer") == {"clinician_in_network": False}


# --- checklists ------------------------------------------------------------------------------


def test_checklists_list_copy_show_validate(finder_home: Path, fixtures: Path) -> None:
    assert invoke("checklists", "list")[1] == (
        "consultation   Consultation call with a therapist (shipped)\n"
        "insurer        Call to your insurer (shipped)\n"
    )
    code, out, err = invoke("checklists", "copy", "insurer")
    target = finder_home / "checklists" / "insurer.toml"
    assert (code, out) == (0, f"{target}\n")
    assert "finder checklists validate" in err
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert "insurer        Call to your insurer (your copy)" in invoke("checklists", "list")[1]
    assert invoke("checklists", "copy", "insurer")[2] == (
        f"Error: {target} already exists: edit it, or add --force to start over\n"
    )
    assert invoke("checklists", "copy", "snacks")[2] == (
        "Error: no shipped checklist named 'snacks' (shipped: consultation, insurer)\n"
    )
    target.write_text(target.read_text().replace('title = "Call to your insurer"',
                                                 'title = "My insurer call"'))  # fmt: skip
    out = invoke("checklists", "show", "insurer")[1]
    assert out.startswith("My insurer call\n")
    assert (
        "  session_limit [number in sessions, 1 min] (key)\n"
        "    How many sessions a year are covered?\n"
        "      asked only when has_session_limit equals yes\n"
        "      caution when (has_session_limit equals yes and less than answer planned_sessions):"
        " Fewer sessions covered a year than the clinician plans.\n"
    ) in out
    assert invoke("checklists", "validate", str(target)) == (
        0, f"{target}: valid (15 questions)\n", "",
    )  # fmt: skip
    bad = fixtures / "checklists" / "bad_rules.toml"
    code, out, err = invoke("checklists", "validate", str(bad))
    assert code == 1
    assert out.splitlines()[0] == (
        f"{bad}: question licensed: rule #1: 'equals' on question licensed: "
        "expected yes or no, not 'maybe'"
    )
    assert err == f"Error: {bad}: {len(out.splitlines())} problem(s)\n"


@pytest.mark.parametrize(
    "command", ["contact", "followups", "draft", "consult", "insurer-call", "answers", "note"]
)
def test_help_carries_the_crisis_line(command: str) -> None:
    code, out, _ = invoke(command, "--help")
    assert code == 0
    assert "988" in out and "`finder crisis --country XX`" in " ".join(out.split())


@pytest.mark.parametrize(
    ("fields", "where"),
    [
        ({"email": "dana@example.org", "phones": "617-555-0100"},
         "Send it to dana@example.org.\n"
         "Nothing was sent. Once sent: finder contact 1 --via email --outcome emailed\n"),
        ({"website": "https://dana.example.org/contact", "phones": "617-555-0100"},
         "No email address is on record: use the contact form at https://dana.example.org/contact"
         ", or call 617-555-0100 and read it out.\n"
         "Nothing was sent. Once sent: finder contact 1 --via form --outcome emailed\n"),
        ({"phones": "617-555-0100"},
         "No email address is on record: call 617-555-0100 and read it out.\n"
         "Nothing was sent. Once sent: finder contact 1 --via phone --outcome left-message\n"),
    ],
)  # fmt: skip
def test_a_draft_says_where_to_send_it(fields: dict[str, str], where: str) -> None:
    from finder.ingest import editing
    from finder.storage.store import open_store

    store = open_store()
    editing.add_therapist(store, {"name": "Dana Reyes", **fields})
    store.close()
    code, _, err = invoke("draft", "1")
    assert (code, err) == (0, where)
