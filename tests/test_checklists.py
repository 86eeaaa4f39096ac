"""Checklists as data: the shipped files, validation messages, typed answers and every rule."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from finder.errors import NotFound, UsageError
from finder.pursue import checklists
from finder.pursue.checklists import (
    AnswerType,
    ChecklistError,
    Finding,
    Question,
    evaluate,
    format_answer,
    parse_answer,
)

SHIPPED = ("consultation", "insurer")

# Every rule of the shipped checklists: answers that fire it, answers that must not, context.
# (checklist, question, kind, message, fires, quiet, context)
RULES: list[tuple[str, str, str, str, dict[str, Any], dict[str, Any], dict[str, Any]]] = [
    ("consultation", "licensed", "red_flag", "Not licensed to practise psychotherapy.",
     {"licensed": "no"}, {"licensed": "yes"}, {}),
    ("consultation", "licence_type_number", "caution",
     "No licence number recorded: you cannot check the licence with the state board.",
     {"licensed": "yes"}, {"licensed": "yes", "licence_type_number": "LCSW 12345"}, {}),
    ("consultation", "licensed_in_my_state", "red_flag",
     "Not licensed in the state where you live (telehealth follows your state).",
     {"licensed_in_my_state": "n"}, {"licensed_in_my_state": "y"}, {}),
    ("consultation", "pre_licensed", "caution",
     "Pre-licensed: note the supervisor, and ask your insurer whether pre-licensed clinicians "
     "are covered.",
     {"pre_licensed": "yes"}, {"pre_licensed": "no"}, {}),
    ("consultation", "board_discipline", "caution",
     "Past board discipline: read the board's public record.",
     {"board_discipline": True}, {"board_discipline": False}, {}),
    ("consultation", "ipt_specifically", "con",
     "Works in a general interpersonal way, not IPT itself.",
     {"ipt_specifically": "general interpersonal"}, {"ipt_specifically": "IPT itself"}, {}),
    ("consultation", "ipt_specifically", "caution", "Unclear whether they practise IPT itself.",
     {"ipt_specifically": "3"}, {"ipt_specifically": "1"}, {}),
    ("consultation", "training_hours", "caution",
     "Less IPT training than an introductory course (14 to 16 hours).",
     {"training_hours": 8}, {"training_hours": 14}, {}),
    ("consultation", "supervised_cases", "caution",
     "No supervised IPT cases: training without supervised cases is not certification.",
     {"supervised_cases": 0}, {"supervised_cases": 1}, {}),
    ("consultation", "certifying_body", "red_flag",
     "Says 'certified' but names no certifying body.",
     {"certified": "yes", "certifying_body": "none named"},
     {"certified": "no", "certifying_body": "none named"}, {}),
    ("consultation", "certifying_body", "caution",
     "Certified by a body other than ISIPT, the IPT Institute or IPTUK: look the body up.",
     {"certifying_body": "other body"}, {"certifying_body": "IPTUK"}, {}),
    ("consultation", "certifying_body", "pro",
     "Certified by a recognised IPT body, with supervised IPT cases.",
     {"certifying_body": "ISIPT", "supervised_cases": 3},
     {"certifying_body": "ISIPT", "supervised_cases": 1}, {}),
    ("consultation", "proof_of_training", "red_flag",
     "Would not share proof of IPT training (certificate, trainer or supervisor).",
     {"proof_of_training": "no"}, {"proof_of_training": "yes"}, {}),
    ("consultation", "describes_ipt", "red_flag",
     "Could not describe IPT's phases or problem areas.",
     {"describes_ipt": "could not"}, {"describes_ipt": "clearly"}, {}),
    ("consultation", "describes_ipt", "caution",
     "Described IPT's phases and problem areas only in part.",
     {"describes_ipt": "partly"}, {"describes_ipt": "could not"}, {}),
    ("consultation", "ipt_caseload_percent", "pro", "IPT is a large part of their practice.",
     {"ipt_caseload_percent": "60%"}, {"ipt_caseload_percent": 49}, {}),
    ("consultation", "ipt_caseload_percent", "caution", "Rarely or never uses IPT with clients.",
     {"ipt_caseload_percent": 5}, {"ipt_caseload_percent": 6}, {}),
    ("consultation", "adaptations", "pro", "Has used an IPT adaptation that fits you.",
     {"adaptations": "yes"}, {"adaptations": "no"}, {}),
    ("consultation", "planned_sessions", "caution", "Fewer sessions than even brief IPT (8).",
     {"planned_sessions": 6}, {"planned_sessions": 8}, {}),
    ("consultation", "planned_sessions", "caution",
     "More sessions than an IPT course (12 to 16; about 20 for eating disorders): "
     "IPT is time-limited.",
     {"planned_sessions": 30}, {"planned_sessions": 20}, {}),
    ("consultation", "end_point_agreed", "pro", "Agrees the end point at the start, as IPT does.",
     {"end_point_agreed": "yes"}, {"end_point_agreed": "no"}, {}),
    ("consultation", "end_point_agreed", "caution",
     "Does not agree an end point up front, as IPT does.",
     {"end_point_agreed": "no"}, {"end_point_agreed": "yes"}, {}),
    ("consultation", "session_minutes", "caution",
     "Sessions under 38 minutes bill as a short session (CPT 90832).",
     {"session_minutes": "30 min"}, {"session_minutes": 38}, {}),
    ("consultation", "frequency", "caution", "Not weekly: IPT is designed as weekly sessions.",
     {"frequency": "every two weeks"}, {"frequency": "weekly"}, {}),
    ("consultation", "final_phase", "pro", "Plans a final phase with follow-up or maintenance.",
     {"final_phase": "yes"}, {"final_phase": "no"}, {}),
    ("consultation", "measures_progress", "pro",
     "Measures progress with a questionnaire (e.g. PHQ-9).",
     {"measures_progress": "questionnaire"}, {"measures_progress": "informally"}, {}),
    ("consultation", "measures_progress", "caution", "Does not measure progress.",
     {"measures_progress": "not measured"}, {"measures_progress": "questionnaire"}, {}),
    ("consultation", "condition_experience", "pro", "Has treated your condition with IPT.",
     {"condition_experience": "yes"}, {"condition_experience": "no"}, {}),
    ("consultation", "condition_experience", "con", "Has not treated your condition with IPT.",
     {"condition_experience": "no"}, {"condition_experience": "yes"}, {}),
    ("consultation", "expectations", "red_flag", "Promised a cure or guaranteed results.",
     {"expectations": "promised a cure"}, {"expectations": "realistic"}, {}),
    ("consultation", "age_group", "con", "Does not usually work with your age group.",
     {"age_group": "no"}, {"age_group": "yes"}, {}),
    ("consultation", "language", "con", "Cannot work in your preferred language.",
     {"language": "no"}, {"language": "yes"}, {}),
    ("consultation", "cultural_fit", "caution",
     "You felt they did not understand your background well.",
     {"cultural_fit": 2}, {"cultural_fit": 3}, {}),
    ("consultation", "formats", "caution",
     "No individual sessions (IPT is mostly individual; group IPT exists).",
     {"formats": ["group"]}, {"formats": ["individual", "group"]}, {}),
    ("consultation", "accepting", "con", "Not taking new clients now.",
     {"accepting": "no"}, {"accepting": "yes"}, {}),
    ("consultation", "wait_weeks", "con", "Wait of more than four weeks before starting.",
     {"wait_weeks": 6}, {"wait_weeks": 4}, {}),
    ("consultation", "wait_weeks", "pro", "Can start within a week.",
     {"wait_weeks": 1}, {"wait_weeks": 2}, {}),
    ("consultation", "fee_session", "con", "Fee per session is above your budget.",
     {"fee_session": "$180"}, {"fee_session": "$120"}, {"budget_per_session": 150}),
    ("consultation", "sliding_scale", "pro", "Offers a sliding scale or payment plan.",
     {"sliding_scale": "yes"}, {"sliding_scale": "no"}, {}),
    ("consultation", "in_network", "caution", "Network status unclear: ask your insurer.",
     {"in_network": "not sure"}, {"in_network": "yes"}, {}),
    ("consultation", "superbill", "con",
     "Out of network and no superbill: you cannot claim reimbursement.",
     {"in_network": "no", "superbill": "no"}, {"in_network": "yes", "superbill": "no"}, {}),
    ("consultation", "good_faith_estimate", "caution",
     "No written Good Faith Estimate for self-pay (US law entitles you to one).",
     {"good_faith_estimate": "no"}, {"good_faith_estimate": "not paying myself"}, {}),
    ("consultation", "cancellation_fee", "caution",
     "The cancellation fee is higher than the session fee.",
     {"fee_session": 150, "cancellation_fee": 200}, {"fee_session": 150, "cancellation_fee": 150},
     {}),
    ("consultation", "confidentiality", "caution",
     "Did not explain the limits of confidentiality.",
     {"confidentiality": "no"}, {"confidentiality": "yes"}, {}),
    ("consultation", "crisis_plan", "caution", "No clear plan for a crisis or after hours.",
     {"crisis_plan": "no"}, {"crisis_plan": "yes"}, {}),
    ("consultation", "professional_references", "pro",
     "Offers a professional reference (supervisor or trainer).",
     {"professional_references": "yes"}, {"professional_references": "no"}, {}),
    ("consultation", "professional_references", "caution",
     "Would not give a professional reference.",
     {"professional_references": "no"}, {"professional_references": "yes"}, {}),
    ("consultation", "client_contacts", "red_flag",
     "Offered client contacts as references (ethics codes forbid this).",
     {"client_contacts": "offered"}, {"client_contacts": "declined"}, {}),
    ("consultation", "client_contacts", "pro",
     "Declined to share client contacts, as ethics codes require.",
     {"client_contacts": "declined"}, {"client_contacts": "not offered"}, {}),
    ("consultation", "prescriber_referral", "caution", "Cannot refer you to a prescriber.",
     {"prescriber_referral": "no"}, {"prescriber_referral": "yes"}, {}),
    ("consultation", "coordinate_doctor", "pro", "Will coordinate with your doctor.",
     {"coordinate_doctor": "yes"}, {"coordinate_doctor": "no"}, {}),
    ("consultation", "comfort", "pro", "You felt comfortable talking to them.",
     {"comfort": 4}, {"comfort": 3}, {}),
    ("consultation", "comfort", "caution", "You did not feel comfortable talking to them.",
     {"comfort": "2/5"}, {"comfort": 3}, {}),
    ("consultation", "felt_heard", "pro", "You felt heard.",
     {"felt_heard": "yes"}, {"felt_heard": "no"}, {}),
    ("consultation", "felt_heard", "con", "You did not feel heard.",
     {"felt_heard": "no"}, {"felt_heard": "yes"}, {}),
    ("consultation", "board_lookup", "red_flag", "The state board shows no active licence.",
     {"board_lookup": "not found"}, {"board_lookup": "active"}, {}),
    ("consultation", "board_lookup", "caution", "The state board lists discipline on the licence.",
     {"board_lookup": "active with discipline"}, {"board_lookup": "active"}, {}),
    ("insurer", "clinician_in_network", "con",
     "Not in network for your plan: out-of-network costs apply.",
     {"clinician_in_network": "no"}, {"clinician_in_network": "yes"}, {}),
    ("insurer", "session_limit", "caution",
     "Fewer sessions covered a year than the clinician plans.",
     {"has_session_limit": "yes", "session_limit": 10},
     {"has_session_limit": "yes", "session_limit": 20}, {"planned_sessions": 16}),
    ("insurer", "prior_authorisation", "caution",
     "A referral or prior authorisation is needed before the first session.",
     {"prior_authorisation": "yes"}, {"prior_authorisation": "no"}, {}),
    ("insurer", "oon_reimbursement_percent", "con",
     "No reimbursement for out-of-network sessions.",
     {"oon_reimbursement_percent": 0}, {"oon_reimbursement_percent": 60}, {}),
    ("insurer", "telehealth_covered", "con",
     "Telehealth sessions are not covered the same as in person.",
     {"telehealth_covered": "no"}, {"telehealth_covered": "yes"}, {}),
    ("insurer", "prelicensed_covered", "caution",
     "Sessions with pre-licensed clinicians are not covered.",
     {"prelicensed_covered": "no"}, {"prelicensed_covered": "yes"}, {}),
    ("insurer", "long_sessions_covered", "caution",
     "60-minute sessions (CPT 90837) are not covered: ask about 45-minute sessions.",
     {"long_sessions_covered": "no"}, {"long_sessions_covered": "yes"}, {}),
]  # fmt: skip

RULE_IDS = [f"{row[0]}:{row[1]}:{row[2]}:{i}" for i, row in enumerate(RULES)]


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_checklists_validate_and_load(name: str) -> None:
    shipped = {n: path for n, _, path in checklists.available()}
    assert checklists.validate_file(shipped[name]) == []
    checklist = checklists.load(name)
    assert checklist.name == name
    assert checklist.path == shipped[name]
    # Questions run category by category, in the order the categories are declared.
    order = [cid for cid, _ in checklist.categories]
    positions = [order.index(q.category) for q in checklist.questions]
    assert positions == sorted(positions)
    assert all(q.text and q.help for q in checklist.questions)


def test_shipped_checklist_sizes_and_after_call_section() -> None:
    consultation = checklists.load("consultation")
    assert 40 <= len(consultation.questions) <= 60
    assert [cid for cid, _ in consultation.categories] == [
        "licence", "training", "how_ipt_runs", "fit", "format", "money", "policies",
        "references", "medication", "after_call",
    ]  # fmt: skip
    after = {q.id: q.type for q in consultation.in_category("After the call")}
    assert after["comfort"] is AnswerType.RATING
    assert after["felt_heard"] is AnswerType.YES_NO
    assert after["notes"] is AnswerType.TEXT
    assert 10 <= len(checklists.load("insurer").questions) <= 15


def test_every_shipped_rule_is_in_the_rule_table() -> None:
    shipped = {
        (name, q.id, rule.kind, rule.message)
        for name in SHIPPED
        for q in checklists.load(name).questions
        for rule in q.rules
    }
    assert shipped == {row[:4] for row in RULES}


@pytest.mark.parametrize(("name", "qid", "kind", "message", "fires", "quiet", "ctx"), RULES,
                         ids=RULE_IDS)  # fmt: skip
def test_rule_fires_and_stays_quiet(
    name: str,
    qid: str,
    kind: str,
    message: str,
    fires: dict[str, Any],
    quiet: dict[str, Any],
    ctx: dict[str, Any],
) -> None:
    checklist = checklists.load(name)
    expected = Finding(kind, message, qid)
    assert expected in evaluate(checklist, fires, ctx)
    assert expected not in evaluate(checklist, quiet, ctx)
    # Nothing fires on a question that has not been answered.
    assert expected not in evaluate(checklist, {}, ctx)


def test_cross_checklist_rule_needs_its_context() -> None:
    insurer = checklists.load("insurer")
    answers = {"has_session_limit": True, "session_limit": 10}
    assert evaluate(insurer, answers) == []
    assert evaluate(insurer, answers, {"planned_sessions": 16}) == [
        Finding(
            "caution", "Fewer sessions covered a year than the clinician plans.", "session_limit"
        )
    ]


def test_old_answers_survive_an_edited_checklist() -> None:
    consultation = checklists.load("consultation")
    answers = {
        "question_removed_since": "yes",
        "licensed": "perhaps",  # no longer a valid yes/no
        "session_minutes": 30,
        "certifying_body": "a body renamed since",
    }
    before = dict(answers)
    findings = evaluate(consultation, answers)
    assert findings == [
        Finding(
            "caution",
            "Sessions under 38 minutes bill as a short session (CPT 90832).",
            "session_minutes",
        )
    ]
    assert answers == before
    body = consultation.question("certifying_body")
    assert format_answer(body, "a body renamed since") == "a body renamed since"


def test_findings_come_in_question_order() -> None:
    consultation = checklists.load("consultation")
    answers = {"felt_heard": "no", "licensed": "no", "expectations": "promised a cure"}
    assert [(f.kind, f.question_id) for f in evaluate(consultation, answers)] == [
        ("red_flag", "licensed"),
        ("red_flag", "expectations"),
        ("con", "felt_heard"),
    ]


# --- loading ---------------------------------------------------------------------------------


def test_a_users_copy_wins_over_the_shipped_checklist(finder_home: Path) -> None:
    shipped = checklists.load("consultation").path
    folder = finder_home / "checklists"
    folder.mkdir()
    copy = folder / "consultation.toml"
    text = shipped.read_text("utf-8")
    copy.write_text(text.replace('title = "Consultation call with a therapist"', 'title = "Mine"'))
    (folder / "extra.toml").write_text(
        (Path(__file__).parent / "fixtures" / "checklists" / "mini.toml").read_text("utf-8")
    )
    mine = checklists.load("consultation")  # user_dir defaults to FINDER_HOME
    assert (mine.title, mine.path) == ("Mine", copy)
    listed = {name: (title, path) for name, title, path in checklists.available()}
    assert listed["consultation"] == ("Mine", copy)
    assert listed["extra"] == ("Mini call", folder / "extra.toml")
    assert listed["insurer"][0] == "Call to your insurer"
    other_home = finder_home / "elsewhere"
    assert checklists.load("consultation", user_dir=other_home).path == shipped


def test_unknown_checklist_names_the_available_ones() -> None:
    with pytest.raises(NotFound) as err:
        checklists.load("nosuch")
    assert str(err.value) == "no checklist named 'nosuch' (available: consultation, insurer)"
    with pytest.raises(NotFound) as err:
        checklists.load("../consultation")
    assert str(err.value) == "../consultation: no such checklist file"


def test_unknown_category_and_question() -> None:
    consultation = checklists.load("consultation")
    assert consultation.category_id("MONEY") == "money"
    assert consultation.category_id("Policies and safety") == "policies"
    with pytest.raises(UsageError) as err:
        consultation.in_category("cash")
    assert str(err.value).startswith("checklist consultation has no category 'cash' (categories: ")
    with pytest.raises(NotFound) as err2:
        consultation.question("nope")
    assert str(err2.value) == "checklist consultation has no question 'nope'"


# --- validation ------------------------------------------------------------------------------


def test_broken_questions_are_all_reported(fixtures: Path) -> None:
    path = fixtures / "checklists" / "bad_questions.toml"
    types = "yes_no, money, number, minutes, choice, multi_choice, text, rating"
    assert checklists.validate_file(path) == [
        f"{path}: checklist: unknown key 'surprise' (expected context, description, title)",
        f"{path}: category main: duplicate category id",
        f"{path}: question fee: duplicate id (question #1 has it too)",
        f"{path}: question nohelp: missing 'help' (a non-empty string)",
        f"{path}: question badtype: unknown type 'bool' (expected one of {types})",
        f"{path}: question lost: unknown key 'hepl' "
        "(expected ask_when, category, choices, confirms, decides, help, id, key, minutes, rules, "
        "settled_by, stage, text, type, unit, weighs)",
        f"{path}: question lost: unknown category 'elsewhere'",
        f"{path}: question nochoices: a choice question needs 'choices', "
        "a list of at least 2 names",
        f"{path}: question oddchoices: choice '2' cannot be a number, a command or hold a comma",
        f"{path}: question oddchoices: choice 'back' cannot be a number, a command or hold a comma",
        f"{path}: question oddchoices: choice 'a, b' cannot be a number, a command or hold a comma",
        f"{path}: question #8: missing 'id' (a non-empty string)",
    ]


def test_broken_rules_are_all_reported(fixtures: Path) -> None:
    path = fixtures / "checklists" / "bad_rules.toml"
    problems = checklists.validate_file(path)
    assert problems == [
        f"{path}: question licensed: rule #1: 'equals' on question licensed: "
        "expected yes or no, not 'maybe'",
        f"{path}: question licensed: rule #2: kind must be one of red_flag, caution, con, pro, "
        "not 'disaster'",
        f"{path}: question licensed: rule #3: unknown test 'is' (expected one of equals, "
        "not_equals, in, not_in, less_than, at_most, greater_than, at_least, less_than_answer, "
        "greater_than_answer, contains, not_contains, missing)",
        f"{path}: question licensed: rule #4: condition refers to unknown question 'superbill'",
        f"{path}: question body: rule #1: 'in' on question body: "
        "'IPT Institute' is not one of its choices (ISIPT, IPTUK)",
        f"{path}: question comfort: rule #1: 'at_most' on question comfort: "
        "rating 7 is outside 1-5",
        f"{path}: question comfort: rule #2: a condition needs exactly one test "
        "(found: at_least, at_most)",
        f"{path}: question notes: rule #1: 'equals' on question notes: "
        "text answers can only be tested with 'missing'",
        f"{path}: question notes: rule #2: missing 'when' (the condition)",
        f"{path}: question limit: rule #1: 'less_than_answer' on question limit: "
        "'planned_sessions' is neither a question id nor a declared context name",
        f"{path}: question limit: rule #2: 'contains' on question limit: "
        "'contains' works on multi-choice answers only",
        f"{path}: question limit: rule #2: 'missing' on question limit: must be true or false",
    ]
    with pytest.raises(ChecklistError) as err:
        checklists.load(path)
    assert str(err.value) == problems[0] + " (and 11 more)"
    assert err.value.problems == problems


def test_a_file_that_is_not_toml(fixtures: Path) -> None:
    path = fixtures / "checklists" / "not_toml.toml"
    assert checklists.validate_file(path) == [
        f"{path}: not valid TOML (Illegal character '\\n' (at line 2, column 18))"
    ]


def test_empty_and_headless_files(tmp_path: Path) -> None:
    path = tmp_path / "empty.toml"
    path.write_text("")
    assert checklists.validate_file(path) == [
        f"{path}: file: missing the [checklist] table (title, description)",
        f"{path}: checklist: missing 'title' (a non-empty string)",
        f"{path}: file: no [[category]] tables",
        f"{path}: file: no [[question]] tables",
    ]
    assert checklists.validate_file(tmp_path / "absent.toml") == [
        f"{tmp_path / 'absent.toml'}: cannot be read (No such file or directory)"
    ]


def test_an_edited_copy_with_a_new_question_validates(tmp_path: Path) -> None:
    shipped = checklists.load("insurer").path
    copy = tmp_path / "insurer.toml"
    shutil.copy(shipped, copy)
    with copy.open("a", encoding="utf-8") as fh:
        fh.write(
            '\n[[question]]\nid = "mail_order"\ncategory = "coverage"\n'
            'text = "Can I get claim forms by post?"\nhelp = "Some people prefer paper."\n'
            'type = "yes_no"\n'
        )
    insurer = checklists.load(copy)
    # Kept with its category (before the closing "call" category), last in it.
    assert [q.id for q in insurer.questions][-2:] == ["mail_order", "reference_number"]
    assert insurer.in_category("coverage")[-1].id == "mail_order"


# --- typed answers ---------------------------------------------------------------------------


def _q(kind: AnswerType, choices: tuple[str, ...] = ()) -> Question:
    return Question("q", "c", "Question?", "Help.", kind, choices)


BODIES = ("ISIPT", "IPT Institute", "IPTUK", "other body")

GOOD = [
    (AnswerType.YES_NO, "y", True),
    (AnswerType.YES_NO, " No ", False),
    (AnswerType.MONEY, "$150", 150.0),
    (AnswerType.MONEY, "150.00", 150.0),
    (AnswerType.MONEY, "150/session", 150.0),
    (AnswerType.MONEY, "$1,200.50", 1200.5),
    (AnswerType.MONEY, "175 per session", 175.0),
    (AnswerType.MONEY, "free", 0.0),
    (AnswerType.NUMBER, "16", 16),
    (AnswerType.NUMBER, "2.5", 2.5),
    (AnswerType.NUMBER, "about 20", 20),
    (AnswerType.NUMBER, "80%", 80),
    (AnswerType.MINUTES, "50", 50),
    (AnswerType.MINUTES, "50 min", 50),
    (AnswerType.MINUTES, "45 minutes", 45),
    (AnswerType.MINUTES, "1 hour", 60),
    (AnswerType.MINUTES, "an hour", 60),
    (AnswerType.MINUTES, "1.5 hours", 90),
    (AnswerType.MINUTES, "1h 15m", 75),
    (AnswerType.MINUTES, "53-minute", 53),
    (AnswerType.RATING, "4", 4),
    (AnswerType.RATING, "5/5", 5),
    (AnswerType.TEXT, "  Warm, direct.  ", "Warm, direct."),
]


@pytest.mark.parametrize(("kind", "text", "value"), GOOD)
def test_parse_answer_accepts(kind: AnswerType, text: str, value: object) -> None:
    parsed = parse_answer(_q(kind), text)
    assert parsed == value
    assert type(parsed) is type(value)


@pytest.mark.parametrize(
    ("text", "value"),
    [("2", "IPT Institute"), ("iptuk", "IPTUK"), ("IPT I", "IPT Institute"), ("o", "other body")],
)
def test_parse_choice_by_number_name_or_prefix(text: str, value: str) -> None:
    assert parse_answer(_q(AnswerType.CHOICE, BODIES), text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,3", ["ISIPT", "IPTUK"]),
        ("3 1", ["ISIPT", "IPTUK"]),
        ("iptuk, isipt, 1", ["ISIPT", "IPTUK"]),
    ],
)
def test_parse_multi_choice(text: str, value: list[str]) -> None:
    assert parse_answer(_q(AnswerType.MULTI_CHOICE, BODIES), text) == value


BAD = [
    (AnswerType.YES_NO, "maybe", "answer yes or no (y/n), not 'maybe'"),
    (AnswerType.MONEY, "lots", "not an amount of money: 'lots' (type e.g. 150 or $150)"),
    (AnswerType.MONEY, "$150-$200",
     "give one amount, not a range: '$150-$200' (note the range in your notes)"),
    (AnswerType.MONEY, "-5", "not an amount of money: '-5' (type e.g. 150 or $150)"),
    (AnswerType.NUMBER, "12-16", "not a number: '12-16' (give one number, e.g. 16)"),
    (AnswerType.MINUTES, "soon", "not a length of time: 'soon' (type e.g. 50, 50 min or 1 hour)"),
    (AnswerType.MINUTES, "0", "0 minutes is not a session length"),
    (AnswerType.MINUTES, "10 hours", "600 minutes is not a session length"),
    (AnswerType.RATING, "6", "give a rating from 1 to 5, not '6'"),
    (AnswerType.RATING, "0", "give a rating from 1 to 5, not '0'"),
    (AnswerType.TEXT, "   ", "empty answer"),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "text", "message"), BAD)
def test_parse_answer_rejects(kind: AnswerType, text: str, message: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_answer(_q(kind), text)
    assert str(err.value) == message


def test_parse_choice_rejects_with_the_choices() -> None:
    question = _q(AnswerType.CHOICE, BODIES)
    listing = "1) ISIPT; 2) IPT Institute; 3) IPTUK; 4) other body"
    for text, message in [
        ("5", f"choose a number from 1 to 4: {listing}"),
        ("IPT", "'IPT' could be IPT Institute or IPTUK: type more of it"),
        ("APA", f"'APA' is not one of the choices: {listing}"),
    ]:
        with pytest.raises(ValueError) as err:
            parse_answer(question, text)
        assert str(err.value) == message


@pytest.mark.parametrize(
    ("kind", "value", "shown"),
    [
        (AnswerType.YES_NO, True, "yes"),
        (AnswerType.MONEY, 150.0, "$150"),
        (AnswerType.MONEY, 1200.5, "$1,200.50"),
        (AnswerType.MINUTES, 50, "50 min"),
        (AnswerType.RATING, 4, "4/5"),
        (AnswerType.NUMBER, 2.5, "2.5"),
        (AnswerType.TEXT, "Kind.", "Kind."),
        (AnswerType.YES_NO, "perhaps", "perhaps"),
        (AnswerType.NUMBER, None, ""),
    ],
)
def test_format_answer(kind: AnswerType, value: object, shown: str) -> None:
    assert format_answer(_q(kind), value) == shown


def test_format_multi_choice() -> None:
    assert format_answer(_q(AnswerType.MULTI_CHOICE, BODIES), ["IPTUK", "ISIPT"]) == "ISIPT, IPTUK"


def test_a_long_answer_is_cut_short_in_messages() -> None:
    note = "yes, though she asked about my brother's death first"
    with pytest.raises(ValueError) as err:
        parse_answer(_q(AnswerType.YES_NO), note)
    assert str(err.value) == "answer yes or no (y/n), not 'yes, though she aske...'"


# --- the condition language ------------------------------------------------------------------

LANGUAGE = """
[checklist]
title = "Conditions"
context = ["budget"]

[[category]]
id = "all"
title = "All"

[[question]]
id = "yn"
category = "all"
text = "Yes or no?"
help = "."
type = "yes_no"

[[question]]
id = "pick"
category = "all"
text = "Pick?"
help = "."
type = "choice"
choices = ["red", "green", "blue"]

[[question]]
id = "cost"
category = "all"
text = "Cost?"
help = "."
type = "money"

[[question]]
id = "probe"
category = "all"
text = "Probe?"
help = "."
type = "text"

  [[question.rules]]
  kind = "caution"
  message = "fired"
  when = WHEN
"""


@pytest.mark.parametrize(
    ("when", "answers", "fires"),
    [
        ('{ question = "yn", not_equals = "yes" }', {"yn": False}, True),
        ('{ question = "yn", not_equals = "yes" }', {}, False),
        ('{ question = "pick", not_in = ["red", "Green"] }', {"pick": "blue"}, True),
        ('{ question = "pick", not_in = ["red", "Green"] }', {"pick": "green"}, False),
        ('{ question = "cost", at_least = 100 }', {"cost": 100.0}, True),
        ('{ question = "cost", greater_than = 100 }', {"cost": 100.0}, False),
        ('{ question = "cost", less_than_answer = "budget" }', {"cost": 90.0}, False),
        ("{ missing = true }", {}, True),
        ("{ missing = true }", {"probe": "noted"}, False),
        ("{ missing = false }", {"probe": "noted"}, True),
        # `not` of an unanswered question is unknown, so it does not fire.
        ('{ not = { question = "yn", equals = "yes" } }', {}, False),
        ('{ not = { question = "yn", equals = "yes" } }', {"yn": False}, True),
        # any: one true answer is enough even when another is unknown.
        ('{ any = [{ question = "yn", equals = "yes" }, { question = "cost", at_most = 50 }] }',
         {"cost": 40.0}, True),
        ('{ any = [{ question = "yn", equals = "yes" }, { question = "cost", at_most = 50 }] }',
         {"cost": 60.0}, False),
        # all: one false answer decides even when another is unknown.
        ('{ all = [{ question = "yn", equals = "yes" }, { question = "pick", equals = "red" }] }',
         {"yn": True, "pick": "red"}, True),
        ('{ all = [{ question = "yn", equals = "yes" }, { question = "pick", equals = "red" }] }',
         {"yn": True}, False),
    ],
)  # fmt: skip
def test_condition_language(
    tmp_path: Path, when: str, answers: dict[str, Any], fires: bool
) -> None:
    path = tmp_path / "conditions.toml"
    path.write_text(LANGUAGE.replace("WHEN", when))
    checklist = checklists.load(path)
    assert (Finding("caution", "fired", "probe") in evaluate(checklist, answers)) is fires
    if "budget" in when:
        findings = evaluate(checklist, answers, {"budget": 120})
        assert findings == [Finding("caution", "fired", "probe")]
