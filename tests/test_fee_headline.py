"""The fee headline: what the clinician said on the call wins over every source, then the
most recently imported source, then "another source says ...". `show` and every format of
`compare` (terminal, HTML, Markdown, CSV, JSON) say the same."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from finder.cli import cli
from finder.judge import claims
from finder.pursue import answers
from finder.storage.store import open_store

FORMATS = ("terminal", "html", "md", "csv", "json")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def two_sources(fixtures: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """Heather Nelson: $110 in a spreadsheet imported first, $80-$140 in a directory list
    imported a day later. Returns her id."""
    import finder.ingest.pipeline

    older, newer = fixtures / "fees" / "spreadsheet.csv", fixtures / "fees" / "directory.csv"
    for path, day in ((older, "2026-03-01"), (newer, "2026-03-02")):
        monkeypatch.setattr(finder.ingest.pipeline, "now_iso", lambda d=day: f"{d}T09:00:00+00:00")
        assert run("import", str(path)).exit_code == 0
    rows = json.loads(run("list", "--json").stdout)
    (heather,) = [r["id"] for r in rows if r["name"] == "Heather Nelson"]
    assert run("shortlist", "add", str(heather)).exit_code == 0
    return int(heather)


def _shown(tid: int, tmp_path: Path) -> dict[str, str]:
    """The text `show` and each `compare` format give the user."""
    out = {"show": run("show", str(tid)).stdout}
    out["show --json"] = json.loads(run("show", str(tid), "--json").stdout)["fee"]
    for fmt in FORMATS:
        if fmt == "terminal":
            out[fmt] = run("compare", str(tid)).stdout
            continue
        target = tmp_path / f"r.{fmt}"
        result = run("compare", str(tid), "-o", str(target))
        assert result.exit_code == 0, result.output
        out[fmt] = target.read_text(encoding="utf-8")
    return out


def _say(tid: int, fee: float) -> None:
    store = open_store()
    answers.save_answer(store, "me", tid, answers.CONSULTATION, claims.FEE_ANSWER, fee)
    store.close()


@pytest.mark.parametrize(
    ("said", "headline"),
    [
        # Nothing said on the call: the newest import's own range, the older source named.
        (None, "$80-$140 per session (listed); another source says $110"),
        # Their own answer wins over every source; both sources are still named.
        (120.0, "$120 per session (they said); other sources say $80-$140, $110"),
        # An answer equal to a source's fee does not repeat it.
        (110.0, "$110 per session (they said); another source says $80-$140"),
    ],
)
def test_show_and_every_compare_format_give_one_fee_headline(
    two_sources: int, tmp_path: Path, said: float | None, headline: str
) -> None:
    if said is not None:
        _say(two_sources, said)
    shown = _shown(two_sources, tmp_path)
    assert shown.pop("show --json") == headline
    show = shown.pop("show")
    assert f"Fee: {headline}\n" in show
    assert "fee: $80-$140 (directory.csv); $110 (spreadsheet.csv)" in show
    for fmt, text in shown.items():
        flat = " ".join(text.split())  # the terminal table wraps long cells
        assert headline in flat, (fmt, flat[:2000])
        # Where the sources disagree, each fee is its source's own range.
        assert "$80-$140 (directory.csv)" in flat, fmt
    # No format shows a range that no source states.
    for text in shown.values():
        assert "$110-$140" not in text and "$80-$110" not in text


def test_the_fee_answer_is_the_checklists_fee_question() -> None:
    import tomllib

    root = Path(__file__).resolve().parent.parent / "checklists" / "consultation.toml"
    questions = tomllib.loads(root.read_text(encoding="utf-8"))["question"]
    assert [q["id"] for q in questions if q.get("confirms") == "fee"] == [claims.FEE_ANSWER]
    assert os.path.basename(root) == "consultation.toml"
