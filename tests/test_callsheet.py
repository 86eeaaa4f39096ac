"""`finder consult` with a call plan, `finder callsheet` and the one call to the insurer, as a
user runs them (CliRunner, scripted stdin)."""

from __future__ import annotations

import csv
import re
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from finder.cli import cli
from finder.crisis import CRISIS_SHORT
from finder.pursue import answers, profiles
from finder.pursue.profiles import Profile
from finder.storage.store import open_store

FIRST = {
    "Name": "Dana Reyes, LCSW", "NPI": "1234567893", "City": "Cambridge", "State": "MA",
    "Phone": "617-555-0100", "Fee": "$80-$140", "Insurance": "Aetna; Blue Cross Blue Shield PPO",
    "Languages": "English; Spanish", "Telehealth": "yes", "Accepting New Clients": "yes",
    "License Number": "LC-1001", "License State": "MA",
    "Bio": "Trained in Interpersonal Psychotherapy (IPT) for depression.",
}  # fmt: skip
SECOND = {"Name": "Dana Reyes", "NPI": "1234567893", "Fee": "$110", "Accepting New Clients": "no"}

SHEET = """\
# Call sheet: Dana Reyes

14 questions, about 15 of 15 minutes. Therapist 1 in finder.

- Phone: 617-555-0100
- Practice: Cambridge, MA
- IPT evidence: described: "Trained in Interpersonal Psychotherapy (IPT) for depression."

## What the sources claim

- Licence: LCSW LC-1001 (MA) (to confirm)
- Fee per session: $80-$140; $110 (to confirm)
- Plans taken: Aetna, Blue Cross Blue Shield PPO (to confirm)
- Languages: English, Spanish (to confirm)
- Accepting new clients: yes / no (to confirm)
- Telehealth: yes (to confirm)

## Claims to confirm

1. Your profile lists Blue Cross Blue Shield PPO: are you in network with my plan?
   [ ] yes   [ ] no   [ ] not sure
2. One listing says you are accepting new clients and another says you are not: are you taking new clients now?
   [ ] yes   [ ] no
3. One listing says $80-$140 and another $110: what is your fee per session?
   $________

## What matters for you

4. Have you treated people with depression, using IPT?
   [ ] yes   [ ] no

## IPT training

5. How many IPT cases have you had supervised?
   ________ cases
6. Are you certified in IPT?
   [ ] yes   [ ] no
7. Which body certified you, at what level, and in which year?
   [ ] ISIPT   [ ] IPT Institute   [ ] IPTUK   [ ] other body   [ ] none named
8. Could you show me your IPT certificate, or put me in touch with your trainer or supervisor?
   [ ] yes   [ ] no
9. Could you describe how IPT works: its phases and the problem areas it focuses on?
   [ ] clearly   [ ] partly   [ ] could not

## Red-flag checks

10. Are you licensed to practise psychotherapy?
   [ ] yes   [ ] no
11. Is your licence active in the state where I live?
   [ ] yes   [ ] no
12. What improvement could I expect, and by when?
   [ ] realistic   [ ] vague   [ ] promised a cure

## If there is time

13. How many sessions would you plan for me?
   ________ sessions
14. How long is each session?
   ________ minutes

## After the call

15. How comfortable did you feel talking to them?
   [ ] 1   [ ] 2   [ ] 3   [ ] 4   [ ] 5
16. Did you feel heard?
   [ ] yes   [ ] no

Left for a second call: 33 questions (about 36 minutes).

Afterwards: finder consult 1 asks these questions in this order.

*In crisis? In the US call or text 988 (Suicide and Crisis Lifeline), or 911 in immediate danger. Canada 9-8-8; UK and Ireland 116 123; Australia 13 11 14; elsewhere your local emergency number.*
"""


def invoke(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def write_csv(path: Path, row: dict[str, str]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    return path


@pytest.fixture
def dana(tmp_path: Path) -> int:
    first, second = write_csv(tmp_path / "a.csv", FIRST), write_csv(tmp_path / "b.csv", SECOND)
    assert invoke("import", str(first), str(second))[0] == 0
    store = open_store()
    try:
        profiles.save(store, Profile(insurance=["Blue Cross Blue Shield PPO"], budget=130,
                                     issues=["depression"], state="MA"))  # fmt: skip
    finally:
        store.close()
    return 1


def stored(tid: int) -> dict[str, object]:
    store = open_store()
    try:
        return answers.answers_for(store, "me", tid, answers.CONSULTATION)
    finally:
        store.close()


def headings(out: str) -> list[str]:
    return [line.split("] ", 1)[1] for line in out.splitlines() if line.startswith("[")]


def test_the_sheet_in_markdown(dana: int) -> None:
    code, out, err = invoke("callsheet", str(dana))
    assert code == 0
    assert out == SHEET
    assert err == "After the call: finder consult 1 asks the sheet's questions in its order.\n"


def test_after_the_sheet_consult_walks_its_questions_in_its_order(dana: int) -> None:
    _, sheet, _ = invoke("callsheet", str(dana))
    on_sheet = [line.split(". ", 1)[1].rstrip() for line in sheet.splitlines()
                if re.match(r"\d+\. ", line)]  # fmt: skip
    code, out, err = invoke("consult", str(dana), input="y\nn\n$120\nq\n")
    assert code == 0
    assert err.startswith("The call sheet of ")
    assert "16 questions in its order (--all for the whole checklist)." in err
    walked = headings(out)
    assert len(walked) == 4
    texts = [h.split(": ", 1)[1] for h in walked]
    assert texts == on_sheet[:4]
    assert stored(dana) == {"in_network": "yes", "accepting": False, "fee_session": 120.0}
    # The next run resumes the sheet where the walk stopped.
    _, out, _ = invoke("consult", str(dana), input="q\n")
    assert out.splitlines()[4] == "[4/16] Fit: Have you treated people with depression, using IPT?"


def test_the_first_consult_plans_15_minutes_and_finishing_it_resumes_the_checklist(
    dana: int,
) -> None:
    replies = "y\n" + "\n" * 15
    code, out, err = invoke("consult", str(dana), input=replies)
    assert code == 0
    assert err.splitlines()[0] == (
        "A 15-minute call: 14 questions, claims to confirm first (--all for the whole checklist)."
    )
    assert out.splitlines()[1] == CRISIS_SHORT
    walked = headings(out)
    assert walked[0] == (
        "Money: Your profile lists Blue Cross Blue Shield PPO: are you in network with my plan?"
    )
    assert len(walked) == 16
    assert "Left for a second call: 33 questions (about 36 minutes). Next call: " in err
    _, out, err = invoke("consult", str(dana), input="q\n")
    assert "The whole checklist, from the first open question." in err
    assert headings(out)[0].startswith("Licence: Are you licensed")
    assert "[1/56] Licence: " in out


def test_minutes_and_answers_and_bad_combinations(dana: int, tmp_path: Path) -> None:
    _, out, err = invoke("consult", str(dana), "--minutes", "5", input="q\n")
    assert err.startswith("A 5-minute call: ")
    assert all(h.split("] ")[0] for h in out.splitlines() if h.startswith("["))
    file = tmp_path / "call.toml"
    file.write_text('accepting = "yes"\n')
    code, _, err = invoke("consult", str(dana), "--answers", str(file))
    assert code == 0 and err.startswith("Saved 1 answer(s) for Dana Reyes (therapist 1).")
    assert invoke("consult", str(dana), "--answers", str(file), "--minutes", "10")[2] == (
        "Error: --answers answers from the file alone: drop --minutes\n"
    )
    assert invoke("consult", str(dana), "--minutes", "10", "--all")[2] == (
        "Error: --minutes plans the call itself: drop --only, --from and --all\n"
    )


def test_html_sheet_to_a_private_file(dana: int, tmp_path: Path) -> None:
    target = tmp_path / "calls.html"
    code, out, err = invoke("callsheet", str(dana), "-o", str(target))
    assert (code, out) == (0, "")
    assert err.startswith(f"Wrote 1 call sheet to {target}.\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    html = target.read_text()
    assert "<h2>Claims to confirm</h2>" in html and "(to confirm)</li>" in html
    assert "988" in html and "<script" not in html
    assert invoke("callsheet", str(dana), "-o", str(tmp_path / "x.pdf"))[2] == (
        f"Error: {tmp_path / 'x.pdf'}: give a .html or .md file, or --format html|md\n"
    )


def test_insurer_call_covers_the_shortlist_in_one_call(dana: int) -> None:
    assert invoke("shortlist", "add", str(dana))[0] == 0
    replies = "\n" * 13 + "y\nREF-123 Pat\n"
    code, out, _ = invoke("insurer-call", input=replies)
    assert code == 0
    assert out.startswith(
        "One call to your insurer about Blue Cross Blue Shield PPO:\n"
        "  - Your plan's benefits (Blue Cross Blue Shield PPO): 13 of 13 open\n"
        "  - Network status: Dana Reyes (therapist 1), NPI 1234567893: 1 of 1 open\n"
        "  - Before you hang up: 1 of 1 open\n"
    )
    assert "Before you hang up\n" in out
    store = open_store()
    try:
        mine = answers.answers_for(store, "me", 1, answers.INSURER)
        plan = answers.answers_for(store, "me", None, answers.INSURER, "Blue Cross Blue Shield PPO")
    finally:
        store.close()
    assert mine == {"clinician_in_network": True}
    assert plan == {"reference_number": "REF-123 Pat"}


def test_checklist_help_shows_crisis_resources() -> None:
    for args in (["consult", "--help"], ["checklists", "--help"], ["callsheet", "--help"]):
        assert "988" in invoke(*args)[1]
