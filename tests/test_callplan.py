"""The call plan: which consultation questions fit 15 minutes for one clinician, in what order.

Cases a user would recognise, on records imported from small CSV files written here.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from finder.ingest.pipeline import run_import
from finder.judge import therapists
from finder.pursue import answers, callplan, checklists, profiles
from finder.pursue.callplan import CallPlan, plan_for
from finder.pursue.profiles import Profile
from finder.storage.store import Store

HEADER = ["Name", "NPI", "City", "State", "Fee", "Insurance", "Languages", "Telehealth",
          "Accepting New Clients", "Bio"]  # fmt: skip
TYPICAL = {
    "Name": "Dana Reyes, LCSW", "NPI": "1234567893", "City": "Cambridge", "State": "MA",
    "Fee": "$120", "Insurance": "Aetna; Blue Cross Blue Shield PPO", "Languages": "English",
    "Telehealth": "yes", "Accepting New Clients": "yes",
    "Bio": "CBT, DBT, Interpersonal, Psychodynamic.",
}  # fmt: skip


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=HEADER)
        writer.writeheader()
        for row in rows:
            writer.writerow({key: row.get(key, "") for key in HEADER})
    return path


def store_with(tmp_path: Path, *sources: list[dict[str, str]]) -> Store:
    store = Store(None)
    for number, rows in enumerate(sources, 1):
        report = run_import(store, [write_csv(tmp_path / f"source{number}.csv", rows)])
        assert not report.refused
    return store


def plan(
    store: Store, profile: Profile | None = None, given: dict[str, Any] | None = None,
    minutes: float = 15,
) -> CallPlan:  # fmt: skip
    checklist = checklists.load(answers.CONSULTATION)
    therapist = therapists.get(store, 1)
    return plan_for(checklist, therapist, profile or Profile(), given or {}, minutes)


def ids(plan: CallPlan, section: str | None = None) -> list[str]:
    return [i.question.id for i in plan.items if section is None or i.section == section]


def text_of(plan: CallPlan, qid: str) -> str:
    return next(i.question.text for i in plan.items if i.question.id == qid)


def test_a_typical_record_gets_8_to_14_questions_claims_first(tmp_path: Path) -> None:
    store = store_with(tmp_path, [TYPICAL])
    profile = Profile(insurance=["Blue Cross Blue Shield PPO"], budget=150, state="MA",
                      issues=["depression"])  # fmt: skip
    made = plan(store, profile)
    assert 8 <= len(made.items) <= 14
    assert made.used <= 15
    sections = [i.section for i in made.items]
    assert sections == sorted(sections, key=list(callplan.SECTIONS).index)
    assert ids(made, "confirm") == ["in_network", "accepting"]
    assert text_of(made, "in_network") == (
        "Your profile lists Blue Cross Blue Shield PPO: are you in network with my plan?"
    )
    assert text_of(made, "accepting") == (
        "Your listing says you are accepting new clients: are you taking new clients now?"
    )
    assert made.left and made.left_note().startswith("Left for a second call: ")
    assert [i.question.id for i in made.after] == ["comfort", "felt_heard"]


def test_fee_known_and_within_budget_is_not_asked_first(tmp_path: Path) -> None:
    store = store_with(tmp_path, [TYPICAL])
    made = plan(store, Profile(budget=150))
    assert "fee_session" not in ids(made, "confirm") + ids(made, "profile")
    assert ids(made)[0] != "fee_session"


def test_fee_above_budget_is_decisive(tmp_path: Path) -> None:
    store = store_with(tmp_path, [TYPICAL])
    made = plan(store, Profile(budget=100))
    assert ids(made, "profile")[0] == "fee_session"
    assert text_of(made, "fee_session") == "Your listing says $120: what is your fee per session?"


def test_fees_that_disagree_are_confirmed_naming_both(tmp_path: Path) -> None:
    ranged = {**TYPICAL, "Fee": "$80-$140"}
    other = {"Name": "Dana Reyes", "NPI": "1234567893", "Fee": "$110"}
    store = store_with(tmp_path, [ranged], [other])
    made = plan(store)
    assert "fee_session" in ids(made, "confirm")
    assert text_of(made, "fee_session") == (
        "One listing says $80-$140 and another $110: what is your fee per session?"
    )


def test_telehealth_needed_and_unknown_is_asked(tmp_path: Path) -> None:
    store = store_with(tmp_path, [{**TYPICAL, "Telehealth": ""}])
    made = plan(store, Profile(telehealth="required"))
    assert "delivery" in ids(made, "profile")
    # The same profile, and a clinician whose listing says telehealth: a claim to confirm.
    listed = plan(store_with(tmp_path, [TYPICAL]), Profile(telehealth="required"))
    assert "delivery" in ids(listed, "confirm")
    assert "delivery" not in ids(plan(store), "profile")  # telehealth ok: not decisive


def test_answered_and_ruled_out_questions_are_skipped(tmp_path: Path) -> None:
    store = store_with(tmp_path, [TYPICAL])
    fresh = plan(store)
    assert {"certified", "certifying_body", "licensed"} <= set(ids(fresh))
    later = plan(store, given={"certified": False, "licensed": True})
    assert not {"certified", "certifying_body", "licensed"} & set(ids(later))
    assert "certifying_body" not in [q.id for q in later.left]


def test_evidence_that_names_a_credential_is_confirmed(tmp_path: Path) -> None:
    bio = "ISIPT certified IPT therapist; I begin with an interpersonal inventory."
    store = store_with(tmp_path, [{**TYPICAL, "Bio": bio}])
    made = plan(store)
    assert text_of(made, "certifying_body").startswith('Your profile says "ISIPT certified')
    assert "ipt_specifically" not in ids(made) + [q.id for q in made.left]  # settled by evidence
    assert "certified" not in ids(made)  # the worded claim covers it


def test_the_profile_weights_order_the_rest(tmp_path: Path) -> None:
    store = store_with(tmp_path, [TYPICAL])
    weights = {**profiles.DEFAULT_WEIGHTS, "cost": 5, "ipt_evidence": 1, "licence": 0}
    made = plan(store, Profile(weights=weights), minutes=40)
    more = [i.question for i in made.items if i.section == "more"]
    assert more[0].category == "money"


def test_time_decides_how_many(tmp_path: Path) -> None:
    store = store_with(tmp_path, [TYPICAL])
    short, long = plan(store, minutes=5), plan(store, minutes=30)
    assert short.used <= 5 < long.used <= 30
    assert set(ids(short)) < set(ids(long))
    assert len(short.left) > len(long.left)


def test_a_copy_without_hints_still_plans(tmp_path: Path, finder_home: Path) -> None:
    text = checklists.load(answers.CONSULTATION).path.read_text("utf-8")
    for key in ("confirms", "decides", "minutes", "settled_by", "stage", "ask_when", "unit"):
        text = "\n".join(line for line in text.splitlines() if not line.startswith(f"{key} ="))
    copy = finder_home / "checklists" / "consultation.toml"
    copy.parent.mkdir()
    copy.write_text(text)
    checklist = checklists.load(answers.CONSULTATION)
    assert checklist.path == copy
    store = store_with(tmp_path, [TYPICAL])
    made = plan_for(checklist, therapists.get(store, 1), Profile(), {}, 15)
    assert ids(made, "confirm") == []
    assert 8 <= len(made.items) <= 15 and made.used <= 15


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ('ask_when = { question = "nope", equals = "yes" }',
         "ask_when: condition refers to unknown question 'nope'"),
        ('ask_when = { equals = "yes" }',
         "ask_when: every test needs 'question', the question it depends on"),
        ('minutes = 40', "'minutes' must be a number from 0 to 15"),
        ('unit = "percent"', "'unit' given for a yes_no question (number only)"),
        ('confirms = "horoscope"', "'confirms' must be one of insurance, accepting, fee, "
         "telehealth, licence, language, ipt_credential, not 'horoscope'"),
    ],
)  # fmt: skip
def test_validate_checks_the_new_fields(tmp_path: Path, extra: str, problem: str) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        '[checklist]\ntitle = "Mine"\n[[category]]\nid = "a"\ntitle = "A"\n'
        '[[question]]\nid = "first"\ncategory = "a"\ntext = "First?"\nhelp = "h"\ntype = "yes_no"\n'
        '[[question]]\nid = "second"\ncategory = "a"\ntext = "Second?"\nhelp = "h"\n'
        f'type = "yes_no"\n{extra}\n'
    )
    assert checklists.validate_file(path) == [f"{path}: question second: {problem}"]


def test_validate_finds_a_cycle(tmp_path: Path) -> None:
    path = tmp_path / "loop.toml"
    path.write_text(
        '[checklist]\ntitle = "Loop"\n[[category]]\nid = "a"\ntitle = "A"\n'
        '[[question]]\nid = "one"\ncategory = "a"\ntext = "One?"\nhelp = "h"\ntype = "yes_no"\n'
        'ask_when = { question = "two", equals = "yes" }\n'
        '[[question]]\nid = "two"\ncategory = "a"\ntext = "Two?"\nhelp = "h"\ntype = "yes_no"\n'
        'ask_when = { question = "one", equals = "yes" }\n'
    )
    assert checklists.validate_file(path) == [
        f"{path}: question one: ask_when: questions depend on each other: one -> two -> one"
    ]


def test_answers_show_what_was_ruled_out_and_keep_older_answers() -> None:
    store = Store(None)
    from finder.ingest import editing

    tid = editing.add_therapist(store, {"name": "Dana Reyes"})
    # Recorded before the condition existed: an answer to a question now ruled out is kept.
    answers.save_answers(store, "me", tid, answers.CONSULTATION,
                         {"certified": False, "certifying_body": "ISIPT",
                          "in_network": "yes"})  # fmt: skip
    summary = answers.summary(store, "me", tid)
    lines = summary.lines()
    assert "    Which body certified you, at what level, and in which year? ISIPT" in lines
    at = lines.index("Not asked: earlier answers ruled them out")
    assert lines[at + 1 : at + 3] == [
        "  If you are out of network, do you give superbills so I can claim reimbursement? "
        "(in_network: yes)",
        "  If I pay myself, will you give me a written Good Faith Estimate of the cost? "
        "(in_network: yes)",
    ]
    assert summary.unanswered == 56 - 3 - 2
