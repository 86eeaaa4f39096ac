"""The comparison report: model, score and exact renderings of a fixed small store."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from test_report_store import FIXTURES, STAMP, answer, base_profile, full_store, pin_time

from finder.errors import NotFound, UsageError
from finder.ingest import editing
from finder.pursue import profiles, shortlist
from finder.report.compare import build
from finder.report.formats import ReportFormat, render, to_format
from finder.storage.store import Store

TODAY = date(2025, 1, 15)


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> Store:
    return full_store(monkeypatch)


def _cells(comparison, section: str, row: str) -> list:  # type: ignore[no-untyped-def]
    for r in comparison.section(section).rows:
        if r.key == row:
            return list(r.cells)
    raise AssertionError(f"no row {row} in {section}")


@pytest.mark.parametrize(
    ("fmt", "golden"),
    [
        (ReportFormat.TERMINAL, "expected_terminal_100.txt"),
        (ReportFormat.MARKDOWN, "expected.md"),
        (ReportFormat.CSV, "expected.csv"),
        (ReportFormat.JSON, "expected.json"),
    ],
)
def test_exact_rendering(store: Store, fmt: ReportFormat, golden: str) -> None:
    comparison = build(store, None, None, today=TODAY)
    expected = (FIXTURES / golden).read_text(encoding="utf-8")
    assert render(comparison, fmt, width=100) == expected


def test_every_format_renders_and_ends_with_date_sources_disclaimers_crisis(store: Store) -> None:
    comparison = build(store, None, None, today=TODAY)
    for fmt in ReportFormat:
        text = to_format(fmt)(comparison, 100)
        assert "2025-01-15" in text, fmt
        names = ("candidates.csv", "second_source.csv")  # the same in Markdown: nothing to escape
        assert all(name in text for name in names), fmt
        assert "finder does not diagnose, recommend or endorse any therapist." in text, fmt
        assert "988" in text and "Samaritans" in text and "13 11 14" in text, fmt
        tail = text[text.index("988") :]
        assert "Dana Reyes" not in tail, f"{fmt}: the crisis lines must come last"


def test_score_counts_only_known_criteria(store: Store) -> None:
    comparison = build(store, [3], None, today=TODAY)
    score = comparison.candidates[0].score
    by = {p.criterion: p for p in score.parts}
    assert by["comfort"].value is None and by["comfort"].reason == "no consultation yet"
    assert by["insurance"].value is None
    # ipt 0 (w5), cost 1.0 (w4), distance 0.24 (w2), availability 0.5 (w4), fit 1/3 (w3),
    # licence 0.5 (w3): unknown comfort and insurance are left out, not counted as zero.
    known = [(5, 0.0), (4, 1.0), (2, by["distance"].value), (4, 0.5), (3, 1 / 3), (3, 0.5)]
    expected = round(100 * sum(w * v for w, v in known) / sum(w for w, _ in known))
    assert score.value == expected == 43
    assert score.summary() == "43/100 from 6 of 8 criteria"


def test_weights_change_the_score_and_zero_ignores_a_criterion(store: Store) -> None:
    profile = profiles.get(store, "me")
    profile.weights = {**profile.weights, "ipt_evidence": 0}
    profiles.save(store, profile)
    score = build(store, [3], None, today=TODAY).candidates[0].score
    assert "ipt_evidence" not in {p.criterion for p in score.parts}
    # cost 1.0 (w4), distance (w2), availability 0.5 (w4), fit 1/3 (w3), licence 0.5 (w3)
    distance = next(p.value for p in score.parts if p.criterion == "distance")
    expected = (4 * 1.0 + 2 * distance + 4 * 0.5 + 3 / 3 + 3 * 0.5) / 16
    assert score.value == round(100 * expected) == 56


def test_red_flags_shown_beside_a_high_score(store: Store) -> None:
    comparison = build(store, [1], None, today=TODAY)
    candidate = comparison.candidates[0]
    assert candidate.score.value == 90
    assert candidate.red_flags == (
        "Offered client contacts as references (ethics codes forbid this).",
    )
    headline = _cells(comparison, "score", "score")[0]
    assert [(i.kind, i.text) for i in headline.items] == [("red_flag", "1 red flag: see below")]


def test_expected_cost_in_network_with_deductible(store: Store) -> None:
    comparison = build(store, [1], None, today=TODAY)
    cell = _cells(comparison, "money", "expected_cost")[0]
    # $300 of deductible left at $150 a session: two sessions in full, then 14 x $30 copay.
    assert cell.text == (
        "$720 for 16 sessions in network ($30 copay, $300 deductible left; "
        "the fee stands in for the allowed amount)"
    )


def test_session_limit_and_coinsurance(monkeypatch: pytest.MonkeyPatch) -> None:
    pin_time(monkeypatch)
    store = Store(None)
    tid = editing.add_therapist(store, {"name": "Ana Lima", "fee": "$100"})
    profiles.save(store, base_profile())
    answer(store, tid, "consultation", {"planned_sessions": 12})
    answer(store, tid, "insurer", {
        "clinician_in_network": True, "coinsurance_percent": 20, "has_session_limit": True,
        "session_limit": 10,
    })  # fmt: skip
    comparison = build(store, [tid], None, today=TODAY)
    cell = _cells(comparison, "money", "expected_cost")[0]
    assert cell.text == (
        "$400 for 12 sessions in network (20% coinsurance, 2 sessions over the yearly limit "
        "at $100; the fee stands in for the allowed amount)"
    )
    flags = comparison.candidates[0].cautions
    assert "Fewer sessions covered a year than the clinician plans." in flags


def test_no_answers_at_all_reads_as_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    pin_time(monkeypatch)
    store = Store(None)
    tid = editing.add_therapist(store, {"name": "Noor Haddad"})
    comparison = build(store, [tid], None, today=TODAY)
    candidate = comparison.candidates[0]
    assert candidate.score.value == 0  # only the IPT class (none) is known
    # Unknown: cost, distance, availability, comfort, licence; not counted: insurance, fit.
    assert candidate.score.summary() == "0/100 from 1 of 6 criteria"
    red = _cells(comparison, "flags", "red_flags")[0]
    assert red.text == "none yet (no consultation answers)"
    comfort = _cells(comparison, "consultation", "consultation.comfort")[0]
    assert (comfort.known, comfort.lines()) == (False, [("empty", "not asked yet")])
    text = render(comparison, ReportFormat.TERMINAL, width=80)
    assert "Comfort (weight 5): unknown, no consultation yet" in text
    assert "Insurance (weight 3): not counted, no insurance plan" in text


def test_twelve_candidates_page_in_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    pin_time(monkeypatch)
    store = Store(None)
    tids = [editing.add_therapist(store, {"name": f"Therapist Number{n}"}) for n in range(12)]
    comparison = build(store, tids, None, today=TODAY)
    text = render(comparison, ReportFormat.TERMINAL, width=80)
    assert [line for line in text.splitlines() if line.startswith("Candidate")] == [
        "Candidates 1-2 of 12", "Candidates 3-4 of 12", "Candidates 5-6 of 12",
        "Candidates 7-8 of 12", "Candidates 9-10 of 12", "Candidates 11-12 of 12",
    ]  # fmt: skip
    assert max(len(line) for line in text.splitlines()) <= 90  # footer lines are prose
    assert all(len(line) <= 80 for line in text.splitlines() if line.startswith(("│", "┌", "└")))
    wide = render(comparison, ReportFormat.TERMINAL, width=200)
    assert "Candidates 1-6 of 12" in wide
    md = render(comparison, ReportFormat.MARKDOWN)
    assert md.count("## Candidates ") == 3


def test_one_candidate_has_no_paging(store: Store) -> None:
    text = render(build(store, [2], None, today=TODAY), ReportFormat.TERMINAL, width=100)
    assert "Candidates" not in text and "Sam Okafor (id 2)" in text


def test_conflicting_sources_are_shown_with_their_files(store: Store) -> None:
    comparison = build(store, [1], None, today=TODAY)
    conflicts = _cells(comparison, "sources", "conflicts")[0]
    assert [(i.kind, i.text) for i in conflicts.items] == [
        ("caution", "accepting: yes (candidates.csv) vs no (second_source.csv)"),
        ("caution", "fee: $150 (candidates.csv) vs $130 (second_source.csv)"),
    ]
    # Insurance was confirmed with the insurer, so only "accepting" remains a claim to confirm.
    unconfirmed = _cells(comparison, "sources", "unconfirmed")[0]
    assert [i.text for i in unconfirmed.items] == ["accepting: yes (directory claim; confirm)"]


def test_hostile_text_is_escaped_in_markdown_and_csv(monkeypatch: pytest.MonkeyPatch) -> None:
    pin_time(monkeypatch)
    store = Store(None)
    tid = editing.add_therapist(
        store,
        {"name": "=HYPERLINK(1) <img src=x onerror=alert(1)>", "statement": "[x](javascript:1)"},
    )
    with store.transaction():
        store.notes.insert(
            {"profile": "me", "tid": tid, "kind": "pro", "text": "<b>*hi*</b> | x", "at": STAMP}
        )
    comparison = build(store, [tid], None, today=TODAY)
    md = render(comparison, ReportFormat.MARKDOWN)
    assert "<img" not in md and "<b>" not in md
    assert "&lt;img src=x onerror=alert(1)&gt;" in md
    assert "&lt;b&gt;\\*hi\\*&lt;/b&gt; \\| x (yours)" in md
    rows = list(csv.reader(io.StringIO(render(comparison, ReportFormat.CSV))))
    assert rows[0][2] == "'=HYPERLINK(1) <img src=x onerror=alert(1)> (id 1)"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_json_is_documented_shape(store: Store) -> None:
    data = json.loads(render(build(store, None, None, today=TODAY), ReportFormat.JSON))
    assert data["format"] == "finder-compare" and data["version"] == 1
    assert [c["id"] for c in data["candidates"]] == [1, 2, 3]
    assert [s["key"] for s in data["sections"]] == [
        "score", "who", "ipt", "fit", "money", "availability", "consultation", "flags",
        "pros_cons", "sources",
    ]  # fmt: skip
    comfort = next(
        p for p in data["candidates"][2]["score"]["parts"] if p["criterion"] == "comfort"
    )
    assert comfort == {
        "counted": True, "criterion": "comfort", "label": "Comfort", "reason": "no consultation yet",
        "value": None, "weight": 5,
    }  # fmt: skip


def test_build_errors(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(NotFound, match="no therapist 99"):
        build(store, [99], None)
    with pytest.raises(NotFound, match="no profile 'nobody'"):
        build(store, None, "nobody")
    profiles.save(store, profiles.Profile(label="client-a"))
    with pytest.raises(UsageError, match="the shortlist of profile 'client-a' is empty"):
        build(store, None, "client-a")
    shortlist.add(store, "client-a", 2)
    comparison = build(store, None, "client-a", today=TODAY)
    assert [c.tid for c in comparison.candidates] == [2]
    # Answers and notes belong to a profile: client-a sees none of "me"'s. Known: IPT
    # described 0.75 (w5), availability claim "no" 0.2 (w4); unknown: licence (a PhD is a
    # degree, no licence is stated), cost (no budget), distance (no ZIP), comfort; not
    # counted: insurance, fit: (0.75 * 5 + 0.2 * 4) / 9 = 51%.
    assert comparison.candidates[0].score.summary() == "51/100 from 2 of 6 criteria"


def test_markdown_parses_as_tables_with_no_raw_html(monkeypatch: pytest.MonkeyPatch) -> None:
    from markdown_it import MarkdownIt

    pin_time(monkeypatch)
    store = Store(None)
    tid = editing.add_therapist(store, {"name": "<script>x</script> | Pipe"})
    md = render(build(store, [tid], None, today=TODAY), ReportFormat.MARKDOWN)
    html = MarkdownIt("commonmark").enable("table").render(md)
    assert html.count("<table>") == 10  # one per section
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt; | Pipe (id 1)" in html


HOSTILE = "<script>document.title='pwned'</script><img src=x onerror=alert(1)>"


def test_html_report_shows_hostile_text_as_text_without_a_browser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bs4 import BeautifulSoup

    pin_time(monkeypatch)
    store = Store(None)
    tid = editing.add_therapist(store, {"name": HOSTILE, "statement": HOSTILE + " IPT"})
    page = render(build(store, [tid], None, today=TODAY), ReportFormat.HTML)
    soup = BeautifulSoup(page, "lxml")
    assert soup.find("img") is None
    assert soup.find_all("script") == []
    assert "pwned" not in (soup.title.string or "")
    # The hostile name reads back as the very text that was imported.
    assert HOSTILE in soup.get_text()
    assert "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;" in page
