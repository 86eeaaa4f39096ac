"""The IPT classifier on real text written by others, read in place (never copied).

The expectations below were checked by reading the files: the rows and pages named
here, and the counts, were found by hand with grep and then confirmed line by line.
"""

from __future__ import annotations

import csv
import functools
import io
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from finder.importers.base import decode
from finder.judge.ipt import IptClass, IptEvidence, assess

pytestmark = pytest.mark.realdata

TSV = "therapist_lists/pt2017_stevenfelix_export.tsv"


def _rows(realdata: Path) -> list[dict[str, str]]:
    # Tab-separated, CR-only line endings, Windows-1252, and quoted profiles that may hold
    # line breaks: csv on the whole decoded text, never a split on "\r".
    text = decode((realdata / TSV).read_bytes(), "cp1252")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t")
    header = next(reader)
    return [dict(zip(header, row, strict=True)) for row in reader]


def _record(row: dict[str, str]) -> dict[str, Any]:
    return {
        "name": row["name"],
        "title": row["title"],
        "statement": row["profile"],
        "orientations": [t.strip() for t in row["treatmentorientation"].split(",") if t.strip()],
    }


@functools.cache
def _read(path: Path) -> tuple[dict[str, str], ...]:
    return tuple(_rows(path))


@pytest.fixture
def rows(realdata: Path) -> list[dict[str, str]]:
    return list(_read(realdata))


def _by_name(rows: list[dict[str, str]], name: str) -> dict[str, str]:
    (row,) = [r for r in rows if r["name"] == name]
    return row


def test_the_export_reads_whole(rows: list[dict[str, str]]) -> None:
    assert len(rows) == 1263


@pytest.mark.parametrize(
    ("name", "text", "supports"),
    [
        (
            "Gayle Clark",
            "I have extensive training in Prolonged Exposure for PTSD, Interpersonal "
            "Psychotherapy and Motivational Interviewing.",
            (),
        ),
        (
            "Deborah Hayes Stone",
            "I also offer Interpersonal Psychotherapy (IPT) for Depression (IPT is a "
            "structured, time-limited treatment with good efficacy for depression).",
            ("time-limited",),
        ),
        (
            "Mary Ellen Crowley",
            "These approaches include Cognitive-Behavioral Therapy, Acceptance and Commitment "
            "Therapy, Dialectical Behavior Therapy and Interpersonal Psychotherapy.",
            (),
        ),
        (
            "Steven Krugman",
            "My methods include coaching strategies and interpersonal psychotherapy models.",
            (),
        ),
    ],
)
def test_profiles_naming_interpersonal_psychotherapy_are_described(
    rows: list[dict[str, str]], name: str, text: str, supports: tuple[str, ...]
) -> None:
    evidence = assess(_record(_by_name(rows, name)))
    assert evidence == IptEvidence(IptClass.DESCRIBED, "statement", text, supports)


def test_a_long_list_naming_ipt_in_full_is_described_with_a_cut_snippet(
    rows: list[dict[str, str]],
) -> None:
    evidence = assess(_record(_by_name(rows, "Heather Nelson")))
    assert evidence.level is IptClass.DESCRIBED
    assert evidence.field == "statement"
    assert evidence.text is not None and len(evidence.text) <= 200
    assert evidence.text.startswith("...")
    assert (
        "Cognitive Behavioral Therapy (CBT), Interpersonal Psychotherapy (IPT), " in evidence.text
    )


@pytest.mark.parametrize("name", ["Meredith Cohen", "Joel M Eichler", "Jodi L. Coochise"])
def test_interpersonal_therapy_in_the_clinicians_own_words_is_described(
    rows: list[dict[str, str]], name: str
) -> None:
    evidence = assess({"statement": _by_name(rows, name)["profile"]})
    assert evidence.level is IptClass.DESCRIBED
    assert not evidence.ambiguous
    assert evidence.text is not None and "interpersonal therapy" in evidence.text


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "Asha Ragin",
            "My therapeutic approach integrates psychodynamic, interpersonal, cognitive "
            "behavioral, DBT/mindfulness, and multi-cultural therapies.",
        ),
        (
            "Julie Kenary",
            "I work with clients from a psychodynamic, interpersonal and existential "
            "perspective, all of which involve personal reflection and honesty.",
        ),
        (
            "Annmarie Mica",
            "To do this, I use Cognitive Behavioral Therapy (CBT), Solution-Focused, "
            "Interpersonal, supportive, and Positive Psychology approaches.",
        ),
        (
            "Elliott Kronenfeld",
            "Narrative therapy, CBT and interpersonal methods are often used.",
        ),
    ],
)
def test_the_bare_word_among_approaches_is_listed_and_ambiguous(
    rows: list[dict[str, str]], name: str, text: str
) -> None:
    evidence = assess({"statement": _by_name(rows, name)["profile"]})
    assert evidence == IptEvidence(IptClass.LISTED, "statement", text, (), ambiguous=True)
    assert evidence.words is not None and evidence.words.casefold() == "interpersonal"
    assert evidence.note == (
        f"lists '{evidence.words}' among approaches: may not mean IPT \u2014 ask"
    )


@pytest.mark.parametrize(
    ("name", "phrase"),
    [
        ("Mark Deyab", "emotional, behavioral, interpersonal and substance abuse problems"),
        ("Joseph M Schwartz", "full range of interpersonal and emotional issues"),
        ("Edward Yeats", "developmental, interpersonal, somatic, and spiritual understanding"),
        ("Jessica K Miller", "your interpersonal and professional goals"),
        ("Diane Grimaldi", "a collaborative interpersonal approach"),
    ],
)
def test_interpersonal_in_other_senses_is_no_evidence(
    rows: list[dict[str, str]], name: str, phrase: str
) -> None:
    row = _by_name(rows, name)
    assert phrase in row["profile"]
    assert assess({"statement": row["profile"]}) == IptEvidence(IptClass.NONE)


@pytest.mark.parametrize(
    "name",
    # Tick "Interpersonal" and write only of interpersonal relationships / skills /
    # effectiveness / the interpersonal school: the tick is all there is.
    ["Melissa Morgan", "Triad Adolescent Services", "Holly Levenkron"],
)
def test_a_tick_alone_is_listed(rows: list[dict[str, str]], name: str) -> None:
    row = _by_name(rows, name)
    assert assess({"statement": row["profile"]}).level is IptClass.NONE
    assert assess(_record(row)) == IptEvidence(
        IptClass.LISTED, "orientations", "Interpersonal", ambiguous=True
    )


@pytest.mark.parametrize(
    ("name", "phrase"),
    [
        ("Adam H Wannie", "Interpersonal Effectiveness"),
        ("Andrea Carusona", "interpersonal process"),
        ("Julia Vittori", "interpersonal relationships"),
        ("Kevin Ketchum", None),
    ],
)
def test_confusables_only_are_none(
    rows: list[dict[str, str]], name: str, phrase: str | None
) -> None:
    row = _by_name(rows, name)
    if phrase is not None:
        assert phrase in row["profile"]
    assert assess(_record(row)) == IptEvidence(IptClass.NONE)


def test_counts_over_the_whole_export(rows: list[dict[str, str]]) -> None:
    # 498 rows tick "Interpersonal"; 5 profiles name Interpersonal Psychotherapy and 3 more
    # "interpersonal therapy" (described); 16 write the bare word as one approach in a list
    # of approaches (listed, ambiguous): 504 rows in all, none of them a credential.
    ticks = sum("Interpersonal" in _record(row)["orientations"] for row in rows)
    assert ticks == 498
    overall = Counter(
        (evidence.level.label, evidence.ambiguous)
        for evidence in (assess(_record(row)) for row in rows)
    )
    assert overall == {("none", False): 759, ("listed", True): 496, ("described", False): 8}
    statements = Counter(
        (evidence.level.label, evidence.ambiguous)
        for evidence in (assess({"statement": row["profile"]}) for row in rows)
    )
    assert statements == {("none", False): 1239, ("listed", True): 16, ("described", False): 8}


# ---------------------------------------------------------------- saved profile pages


@pytest.mark.parametrize(
    ("page", "level", "text"),
    [
        (
            "pt2017_profile_Cambridge_299404.html",
            IptClass.DESCRIBED,
            "I have extensive training in Prolonged Exposure for PTSD, Interpersonal "
            "Psychotherapy and Motivational Interviewing.",
        ),
        # DBT "Interpersonal Effectiveness" only.
        ("pt2017_profile_Sommervile_232780.html", IptClass.NONE, None),
        # No interpersonal mention at all.
        ("pt2017_profile_Allston_121657.html", IptClass.NONE, None),
    ],
)
def test_psychology_today_profiles(
    realdata: Path, page: str, level: IptClass, text: str | None
) -> None:
    pytest.importorskip("finder.importers.psychology_today")
    from finder.importers import detect
    from finder.importers.base import ParseContext
    from finder.records.models import Record

    path = realdata / "psychology_today_html" / page
    parsed = list(detect(path).module.parse(path, ParseContext()))
    records = [item for item in parsed if isinstance(item, Record)]
    assert len(records) == 1
    evidence = assess(records[0].fields)
    assert evidence.level is level
    if text is not None:
        assert evidence.field == "statement"
        assert evidence.text == text
