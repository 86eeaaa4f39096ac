"""Answers and notes in the store, and what they imply (findings) for one therapist."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from finder.errors import NotFound, UsageError
from finder.ingest import editing
from finder.pursue import answers, checklists, profiles
from finder.pursue.answers import CONSULTATION, INSURER
from finder.pursue.profiles import Profile
from finder.storage.store import Store, open_store


@pytest.fixture(params=["memory", "file"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    s = Store(None) if request.param == "memory" else open_store(tmp_path / "db" / "finder.json")
    yield s
    s.close()


@pytest.fixture
def tid(store: Store) -> int:
    return editing.add_therapist(store, {"name": "Dana Reyes", "phones": "617-555-0100"})


def test_each_save_replaces_the_answer_and_none_removes_it(store: Store, tid: int) -> None:
    answers.save_answer(store, "me", tid, CONSULTATION, "licensed", True, now="2025-03-01T10:00:00")
    answers.save_answer(
        store, "me", tid, CONSULTATION, "fee_session", 150.0, now="2025-03-01T10:01:00"
    )
    answers.save_answer(
        store, "me", tid, CONSULTATION, "licensed", False, now="2025-03-01T10:02:00"
    )
    assert answers.answers_for(store, "me", tid, CONSULTATION) == {
        "licensed": False,
        "fee_session": 150.0,
    }
    assert len(store.answers.find(profile="me", tid=tid, qid="licensed")) == 1
    doc = store.answers.first(qid="licensed")
    assert doc is not None
    assert {k: v for k, v in doc.items() if k != "_id"} == {
        "profile": "me",
        "tid": tid,
        "checklist": "consultation",
        "qid": "licensed",
        "plan": None,
        "value": False,
        "answered_at": "2025-03-01T10:02:00",
    }
    answers.save_answer(store, "me", tid, CONSULTATION, "licensed", None)
    assert answers.answers_for(store, "me", tid, CONSULTATION) == {"fee_session": 150.0}


def test_answers_are_kept_per_profile(store: Store, tid: int) -> None:
    answers.save_answer(store, "me", tid, CONSULTATION, "comfort", 5)
    answers.save_answer(store, "client-a", tid, CONSULTATION, "comfort", 2)
    assert answers.answers_for(store, "me", tid, CONSULTATION) == {"comfort": 5}
    assert answers.answers_for(store, "client-a", tid, CONSULTATION) == {"comfort": 2}


def test_a_failed_batch_saves_nothing(store: Store, tid: int) -> None:
    with pytest.raises(UsageError, match="plan-level answer needs the plan"):
        answers.save_answers(store, "me", None, INSURER, {"copay": 30.0})
    assert store.answers.all() == []


def test_plan_level_answers_are_per_plan(store: Store, tid: int) -> None:
    answers.save_answers(store, "me", None, INSURER, {"copay": 30.0, "deductible": 500.0},
                         plan="Aetna PPO", now="2025-03-01T10:00:00")  # fmt: skip
    answers.save_answers(store, "me", None, INSURER, {"copay": 45.0}, plan="Cigna",
                         now="2025-03-02T10:00:00")  # fmt: skip
    assert answers.answers_for(store, "me", None, INSURER, plan="aetna ppo") == {
        "copay": 30.0,
        "deductible": 500.0,
    }
    assert answers.answers_for(store, "me", None, INSURER, plan="Cigna") == {"copay": 45.0}
    assert answers.plans(store, "me") == ["Aetna PPO", "Cigna"]
    # The profile's own plan wins over a plan asked about later; the clinician's own answers
    # are added on top.
    answers.save_answer(store, "me", tid, INSURER, "clinician_in_network", True, plan="Aetna PPO")
    assert answers.insurer_answers(store, "me", tid, ["Aetna PPO"]) == {
        "copay": 30.0,
        "deductible": 500.0,
        "clinician_in_network": True,
    }
    assert answers.insurer_answers(store, "me", tid)["copay"] == 45.0


def test_insurer_answers_from_a_file_go_to_the_plan_and_each_clinician(
    store: Store, tid: int
) -> None:
    other = editing.add_therapist(store, {"name": "Ann Lee"})
    checklist = checklists.load(INSURER)
    given = {"clinician_in_network": False, "copay": 25.0}
    assert answers.save_insurer_answers(store, "me", "Aetna", [tid, other], checklist, given) == (
        1,
        1,
    )
    assert answers.answers_for(store, "me", None, INSURER, plan="Aetna") == {"copay": 25.0}
    for who in (tid, other):
        assert answers.answers_for(store, "me", who, INSURER) == {"clinician_in_network": False}
    with pytest.raises(
        UsageError, match=r"answers about a clinician \(clinician_in_network\) need an ID"
    ):
        answers.save_insurer_answers(store, "me", "Aetna", [], checklist, given)


def test_insurer_parts_split_the_network_questions_off() -> None:
    plan_part, clinician_part = answers.insurer_parts(checklists.load(INSURER))
    assert [q.id for q in clinician_part.questions] == ["clinician_in_network"]
    assert [c for c, _ in clinician_part.categories] == ["network"]
    assert "network" not in [c for c, _ in plan_part.categories]
    assert len(plan_part.questions) == len(checklists.load(INSURER).questions) - 1


def test_findings_use_the_profile_budget_and_planned_sessions(store: Store, tid: int) -> None:
    profiles.save(
        store, Profile(label="me", budget=120.0, insurance=["Aetna"], planned_sessions=12)
    )
    answers.save_answers(store, "me", tid, CONSULTATION, {"fee_session": 150.0, "licensed": False})
    limit = {"has_session_limit": True, "session_limit": 10}
    answers.save_answers(store, "me", None, INSURER, limit, plan="Aetna")
    messages = [(f.kind, f.message) for f in answers.findings_for(store, "me", tid)]
    assert messages == [
        ("red_flag", "Not licensed to practise psychotherapy."),
        ("con", "Fee per session is above your budget."),
        ("caution", "Fewer sessions covered a year than the clinician plans."),
    ]
    # The sessions the clinician plans (consultation answer) win over the profile's default.
    answers.save_answer(store, "me", tid, CONSULTATION, "planned_sessions", 8)
    kinds = [f.message for f in answers.findings_for(store, "me", tid)]
    assert "Fewer sessions covered a year than the clinician plans." not in kinds
    assert answers.context_for(store, "me", tid) == {
        "planned_sessions": 8,
        "budget_per_session": 120.0,
    }


def test_no_budget_means_no_budget_finding(store: Store, tid: int) -> None:
    answers.save_answer(store, "me", tid, CONSULTATION, "fee_session", 400.0)
    assert answers.findings_for(store, "me", tid) == []


def test_notes_are_kept_in_order_and_validated(store: Store, tid: int) -> None:
    answers.add_note(store, "me", tid, "con", "no  evening\nslots", now="2025-03-02T09:00:00")
    answers.add_note(store, "me", tid, "pro", "warm, direct", now="2025-03-01T09:00:00")
    assert [(n.kind, n.text) for n in answers.notes_for(store, "me", tid)] == [
        ("pro", "warm, direct"),
        ("con", "no evening slots"),
    ]
    assert answers.notes_for(store, "other", tid) == []
    with pytest.raises(UsageError, match="unknown note kind 'idea'"):
        answers.add_note(store, "me", tid, "idea", "x")
    with pytest.raises(UsageError, match="the pro is empty"):
        answers.add_note(store, "me", tid, "pro", "   ")
    with pytest.raises(NotFound, match="no therapist 99"):
        answers.add_note(store, "me", 99, "pro", "x")


def test_summary_lines_group_answers_and_findings(store: Store, tid: int) -> None:
    answers.save_answers(store, "me", tid, CONSULTATION, {
        "licensed": True, "certified": True, "certifying_body": "none named",
        "session_minutes": 30, "fee_session": 150.0, "comfort": 4,
    })  # fmt: skip
    answers.save_answer(store, "me", tid, INSURER, "clinician_in_network", True, plan="Aetna")
    answers.add_note(store, "me", tid, "con", "parking is hard")
    summary = answers.summary(store, "me", tid)
    assert summary.lines() == [
        "Dana Reyes (therapist 1), profile me",
        "",
        "Consultation call with a therapist",
        "  Licence",
        "    Are you licensed to practise psychotherapy? yes",
        "  IPT training",
        "    Are you certified in IPT? yes",
        "    Which body certified you, at what level, and in which year? none named",
        "  How IPT would run",
        "    How long is each session? 30 min",
        "  Money",
        "    What is your fee per session? $150",
        "  After the call",
        "    How comfortable did you feel talking to them? 4/5",
        "",
        "Call to your insurer",
        "  Network",
        "    Is this clinician in network for my plan? (give the name and NPI): yes",
        "",
        "Red flags",
        "  - Says 'certified' but names no certifying body.",
        "",
        "Cautions",
        "  - No licence number recorded: you cannot check the licence with the state board.",
        "  - Sessions under 38 minutes bill as a short session (CPT 90832).",
        "",
        "Pros",
        "  - You felt comfortable talking to them.",
        "",
        "Your notes",
        "  con: parking is hard",
    ]
    assert summary.unanswered == len(checklists.load(CONSULTATION).questions) - 6


def test_an_edited_checklist_keeps_old_answers(store: Store, tid: int, finder_home: Path) -> None:
    shipped = checklists.load(CONSULTATION).path.read_text("utf-8")
    given = {"licensed": True, "evening_weekend": False, "fee_session": 90.0}
    answers.save_answers(store, "me", tid, CONSULTATION, given)
    # The user removes a question from their own copy of the checklist.
    start = shipped.index('[[question]]\nid = "evening_weekend"')
    end = shipped.index("[[question]]", start + 10)
    (finder_home / "checklists").mkdir()
    (finder_home / "checklists" / "consultation.toml").write_text(shipped[:start] + shipped[end:])
    summary = answers.summary(store, "me", tid)
    assert summary.lines()[2:] == [
        "Consultation call with a therapist",
        "  Licence",
        "    Are you licensed to practise psychotherapy? yes",
        "  Money",
        "    What is your fee per session? $90",
        "  No longer in the checklist",
        "    evening_weekend: no",
        "",
        "Cautions",
        "  - No licence number recorded: you cannot check the licence with the state board.",
    ]
    assert answers.answers_for(store, "me", tid, CONSULTATION) == given
