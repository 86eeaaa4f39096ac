"""The IPT evidence classifier: classes, confusables, fields, snippets, supports."""

from __future__ import annotations

import time
import tomllib
from importlib import resources
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from finder.judge.ipt import IptClass, IptEvidence, assess, compile_rules, strongest

# (text of a therapist's own statement, expected class). Written for these tests.
STATEMENTS: list[tuple[str, str]] = [
    ("ISIPT certified IPT therapist", "credential"),
    ("Certified by ISIPT in 2019.", "credential"),
    ("IPT Institute Level B", "credential"),
    ("Level B IPT Certified Therapist (IPT Institute)", "credential"),
    ("IPTUK accredited practitioner", "credential"),
    ("I have completed 3 supervised IPT cases.", "credential"),
    ("four supervised interpersonal psychotherapy cases", "credential"),
    ("IPT-UK accredited supervisor", "credential"),
    ("accredited by IPTUK as a practitioner", "credential"),
    (
        "Certified IPT therapist through the International Society of Interpersonal Psychotherapy",
        "credential",
    ),
    ("I am trained in Interpersonal Psychotherapy.", "described"),
    ("INTERPERSONAL PSYCHOTHERAPY", "described"),
    ("Interpersonal Therapy (IPT)", "described"),
    ("IPT-A for teens", "described"),
    ("IPT\u2013A for adolescents", "described"),
    ("IPT\u2014A", "described"),
    ("IPSRT for bipolar disorder", "described"),
    ("Interpersonal and Social Rhythm Therapy", "described"),
    ("group IPT for new mothers", "described"),
    ("Interpersonal Counselling (IPC) in primary care", "described"),
    ("Psicoterapia Interpersonal (IPT)", "described"),
    ("interpersonelle Psychotherapie", "described"),
    ("\u00ab psychoth\u00e9rapie interpersonnelle \u00bb", "described"),
    ("Interpersonal\u00a0Psychotherapy", "described"),
    ("\uff29\uff30\uff34\uff0d\uff21", "described"),
    ("Inter\u00adpersonal Psychotherapy", "described"),
    ("IPT (interpersonal therapy) for depression", "described"),
    ("member of ISIPT", "described"),
    ("IPT, a time-limited treatment", "described"),
    ("IPT focusing on role disputes and role transitions", "described"),
    ("interpersonal therapy, 12-16 weekly sessions", "described"),
    ("Interpersonal Psychotherapy Group for postpartum depression", "described"),
    ("psicoterapia interpessoal", "described"),
    ("psicoterapia interpersonale", "described"),
    ("interpersoonlijke psychotherapie", "described"),
    ("th\u00e9rapie interpersonnelle (TIP)", "described"),
    ("Interpersonal Psycho-therapy", "described"),
    ("Klerman and Weissman's IPT", "described"),
    ("certified IPT therapist", "listed"),  # a bare acronym, and no body named
    ("a certified counselor and a member of ISIPT", "described"),
    ("\u201cInterpersonal Psychotherapy\u201d", "described"),
    ("Interpersonal\u2011Psychotherapy", "described"),
    ("IPC in primary care, 6 sessions on role transitions", "described"),
    ("DIT and Interpersonal Psychotherapy", "described"),
    ("CBT, DBT, IPT, EMDR", "listed"),
    ("I use IPT.", "listed"),
    # "Interpersonal therapy" is a name of IPT: in the clinician's own words, described.
    ("CBT, interpersonal therapy and narrative therapy", "described"),
    ("I offer interpersonal therapy for depression.", "described"),
    ("terapia interpersonal", "described"),
    ("interpersonal counseling", "listed"),
    # The bare word as one approach in a list of approaches: listed (and ambiguous).
    ("I take a psychodynamic, interpersonal and existential approach.", "listed"),
    ("CBT, interpersonal and psychodynamic", "listed"),
    ("Types of therapy: CBT, DBT, Interpersonal, Psychodynamic", "listed"),
    ("I combine mindfulness with interpersonal and behavioral therapies.", "listed"),
    ("cognitive-behavioral, interpersonal/relational and narrative models", "listed"),
    ("Narrative therapy, CBT and interpersonal methods are often used.", "listed"),
    ("Dynamic Interpersonal Therapy practitioner", "related_not_ipt"),
    ("Dynamic Interpersonal Therapy (DIT)", "related_not_ipt"),
    ("Metacognitive Interpersonal Therapy", "related_not_ipt"),
    ("Interpersonal Reconstructive Therapy (IRT)", "related_not_ipt"),
    ("Interpersonal Process Therapy (IPT)", "none"),
    ("interpersonal process-oriented psychotherapy", "none"),
    ("DBT skills: interpersonal effectiveness", "none"),
    ("INTERPERSONAL EFFECTIVENESS", "none"),
    ("Interpersonal Neurobiology (IPNB)", "none"),
    ("interpersonal issues", "none"),
    ("help with interpersonal relationships and interpersonal conflicts", "none"),
    ("Interpersonal Skills Group", "none"),
    ("the interpersonal theory of suicide", "none"),
    ("Integrated Psychological Therapy (IPT) for schizophrenia", "none"),
    ("IPT (Integrated Psychological Therapy)", "none"),
    ("isoniazid preventive therapy (IPT)", "none"),
    ("intermittent preventive treatment in pregnancy (IPTp)", "none"),
    ("infection prevention and control (IPC)", "none"),
    ("intermittent pneumatic compression (IPC)", "none"),
    # "Interpersonal" in other senses: no IPT evidence at all.
    ("help with emotional, behavioral, interpersonal and substance abuse problems", "none"),
    ("clients with a range of interpersonal and emotional issues", "none"),
    ("to reach your interpersonal and professional goals", "none"),
    ("substance use and PTSD are issues that are interpersonal, not biological", "none"),
    ("psychological, developmental, interpersonal, somatic and spiritual understanding", "none"),
    ("I use a collaborative interpersonal approach.", "none"),
    ("anxiety, depression, interpersonal", "none"),
    ("improving interpersonal skills", "none"),
    ("She is interpersonally warm, with CBT and DBT training.", "none"),
    ("receipt, description, prescription, script", "none"),
    ("", "none"),
    ("Relational and Interpersonal psychoanalysis", "none"),
    ("IPC nurse", "none"),
    ("Interpersonal Process Therapy (IPT): time-limited", "none"),
    ("Individual Psychotherapy (IPT)", "none"),
    ("psychodynamic interpersonal therapy (PIT)", "none"),
]


@pytest.mark.parametrize(("text", "expected"), STATEMENTS)
def test_statement_class(text: str, expected: str) -> None:
    assert assess({"statement": text}).level.label == expected


def test_the_table_is_big_and_covers_every_class() -> None:
    assert len(STATEMENTS) >= 60
    assert {label for _, label in STATEMENTS} == {member.label for member in IptClass}


@pytest.mark.parametrize(
    ("fields", "level", "field", "text"),
    [
        # A directory tick is the bare word, and only in the orientations list.
        (
            {"orientations": ["CBT", "Interpersonal", "DBT"]},
            "listed",
            "orientations",
            "Interpersonal",
        ),
        ({"orientations": "CBT, Interpersonal"}, "listed", "orientations", "Interpersonal"),
        ({"issues": ["Depression", "Interpersonal"]}, "none", None, None),
        ({"specialties": ["Interpersonal"]}, "none", None, None),
        # A directory's vocabulary never rises above "listed", whatever it says.
        (
            {"orientations": ["Interpersonal Psychotherapy (IPT)"]},
            "listed",
            "orientations",
            "Interpersonal Psychotherapy (IPT)",
        ),
        ({"specialties": ["ISIPT certified"]}, "listed", "specialties", "ISIPT certified"),
        (
            {"orientations": ["Dynamic Interpersonal Therapy (DIT)"]},
            "related_not_ipt",
            "orientations",
            "Dynamic Interpersonal Therapy (DIT)",
        ),
        (
            {"orientations": ["Interpersonal Neurobiology", "Interpersonal Process"]},
            "none",
            None,
            None,
        ),
        (
            {"groups": ["Interpersonal Process Group", "Interpersonal Skills Group"]},
            "none",
            None,
            None,
        ),
        (
            {"groups": ["IPT Group for New Mothers"]},
            "described",
            "groups",
            "IPT Group for New Mothers",
        ),
        (
            {"title": "ISIPT Certified IPT Therapist", "orientations": ["Interpersonal"]},
            "credential",
            "title",
            "ISIPT Certified IPT Therapist",
        ),
        # The strongest field wins; on a tie the statement comes first.
        (
            {
                "statement": "I offer Interpersonal Psychotherapy.",
                "orientations": ["Interpersonal"],
            },
            "described",
            "statement",
            "I offer Interpersonal Psychotherapy.",
        ),
        (
            {"statement": "I use IPT.", "orientations": ["Interpersonal"]},
            "listed",
            "statement",
            "I use IPT.",
        ),
        (
            {"statement": "Warm and direct.", "orientations": ["Interpersonal"]},
            "listed",
            "orientations",
            "Interpersonal",
        ),
        # Only the record's own text fields are read, never addresses or URLs.
        (
            {"website": "https://ipt.example", "address": "1 Interpersonal Psychotherapy Way"},
            "none",
            None,
            None,
        ),
        (
            {"statement": None, "orientations": ["CBT", 3, None, "Interpersonal"]},
            "listed",
            "orientations",
            "Interpersonal",
        ),
        ({}, "none", None, None),
    ],
)
def test_fields(fields: dict[str, Any], level: str, field: str | None, text: str | None) -> None:
    evidence = assess(fields)
    assert (evidence.level.label, evidence.field, evidence.text) == (level, field, text)


def test_snippet_is_the_sentence_of_the_match() -> None:
    statement = (
        "I see adults and couples. I am trained in \u201cInterpersonal\u00a0Psychotherapy\u201d "
        "for depression.  Call   me!"
    )
    evidence = assess({"statement": statement})
    assert evidence.text == 'I am trained in "Interpersonal Psychotherapy" for depression.'


def test_snippet_of_a_long_sentence_is_cut_at_words() -> None:
    statement = (
        "Welcome. My practice has grown over twenty years of work with adults, couples and "
        "families in the city, and alongside my general work I offer Interpersonal "
        "Psychotherapy (IPT) for depression, which I learned in a year-long programme with "
        "weekly consultation and which I still use with many of the people I see today. Call me."
    )
    evidence = assess({"statement": statement})
    assert evidence.text == (
        "...couples and families in the city, and alongside my general work I offer "
        "Interpersonal Psychotherapy (IPT) for depression, which I learned in a year-long "
        "programme with weekly..."
    )
    assert evidence.text is not None and len(evidence.text) <= 200


def test_supports_are_recorded_in_order_once() -> None:
    statement = (
        "Interpersonal Psychotherapy (IPT) is time-limited: 12 to 16 sessions on grief, role "
        "disputes, role transitions or interpersonal deficits, as Klerman and Weissman "
        "designed it. Time-limited, again."
    )
    evidence = assess({"statement": statement})
    assert evidence.level is IptClass.DESCRIBED
    assert evidence.supports == (
        "time-limited",
        "12-16 sessions",
        "grief as a problem area",
        "role disputes",
        "role transitions",
        "interpersonal deficits",
        "Klerman",
        "Weissman",
    )


def test_supports_make_a_bare_ipt_described() -> None:
    evidence = assess({"statement": "IPT: an interpersonal inventory, then the role dispute."})
    assert evidence.level is IptClass.DESCRIBED
    assert evidence.supports == ("interpersonal inventory", "role disputes")


def test_supports_far_away_or_in_another_field_do_not_count() -> None:
    far = "I use IPT. " + "We talk about what matters to you. " * 12 + "Therapy is time-limited."
    assert assess({"statement": far}) == IptEvidence(IptClass.LISTED, "statement", "I use IPT.")
    other_field = {"statement": "I use IPT.", "issues": ["Role transitions", "Grief"]}
    assert assess(other_field).level is IptClass.LISTED


def test_a_confusable_hides_the_acronym_inside_it_even_with_supports_near() -> None:
    text = "Interpersonal Process Therapy (IPT) is time-limited and looks at role transitions."
    assert assess({"statement": text}).level is IptClass.NONE


def test_dashes_and_widths_are_normalised_in_the_snippet() -> None:
    evidence = assess({"statement": "Teens: \uff29\uff30\uff34\u2013\uff21 (12\u201316 weeks)."})
    assert evidence == IptEvidence(
        IptClass.DESCRIBED, "statement", "Teens: IPT-A (12-16 weeks).", ("12-16 sessions",)
    )


def test_letters_that_fold_to_two_keep_the_snippet_aligned() -> None:
    # "ẞ" and "İ" case-fold to two characters; the snippet must still be the right text.
    evidence = assess(
        {"statement": "GROẞE Erfahrung. İch biete interpersonelle Psychotherapie (IPT)."}
    )
    assert evidence == IptEvidence(
        IptClass.DESCRIBED, "statement", "İch biete interpersonelle Psychotherapie (IPT)."
    )


_WORDS = st.sampled_from(
    [
        "interpersonal",
        "IPT",
        "IPC",
        "psychotherapy",
        "therapy",
        "process",
        "(",
        ")",
        "-",
        "\n",
        "\u2013",
        "\u00a0",
        "group",
        "level B",
        "ISIPT",
        "certified",
        "Klerman",
        "ẞ",
        "İ",
        ".",
        ",",
    ]
)
_TEXT = st.one_of(st.text(max_size=300), st.lists(_WORDS, max_size=40).map(" ".join))


@settings(max_examples=300, deadline=None)
@given(statement=_TEXT, ticks=st.lists(_TEXT, max_size=5), odd=st.one_of(st.none(), st.integers()))
def test_any_text_gets_a_class_and_a_short_snippet(
    statement: str, ticks: list[str], odd: int | None
) -> None:
    evidence = assess({"statement": statement, "orientations": [*ticks, odd], "issues": odd})
    assert evidence.level in IptClass
    assert (evidence.text is None) == (evidence.level is IptClass.NONE)
    assert evidence.text is None or 0 < len(evidence.text) <= 200


def test_no_class_reads_verified() -> None:
    assert all("verif" not in member.label for member in IptClass)


# ---------------------------------------------------------------- IptClass, IptEvidence


def test_classes_are_ordered_for_filters() -> None:
    assert (
        IptClass.NONE
        < IptClass.RELATED_NOT_IPT
        < IptClass.LISTED
        < IptClass.DESCRIBED
        < IptClass.CREDENTIAL
    )
    assert [c for c in IptClass if c >= IptClass.DESCRIBED] == [
        IptClass.DESCRIBED,
        IptClass.CREDENTIAL,
    ]


def test_class_labels_and_display() -> None:
    assert [c.label for c in IptClass] == [
        "none",
        "related_not_ipt",
        "listed",
        "described",
        "credential",
    ]
    assert str(IptClass.RELATED_NOT_IPT) == "related_not_ipt"
    assert f"[{IptClass.LISTED:>10}]" == "[    listed]"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("described", IptClass.DESCRIBED),
        ("CREDENTIAL", IptClass.CREDENTIAL),
        (" Related_Not_IPT ", IptClass.RELATED_NOT_IPT),
        ("related-not-ipt", IptClass.RELATED_NOT_IPT),
        ("none", IptClass.NONE),
    ],
)
def test_parse(text: str, expected: IptClass) -> None:
    assert IptClass.parse(text) is expected


@pytest.mark.parametrize("text", ["verified", "", "3", "list"])
def test_parse_refuses_other_words(text: str) -> None:
    with pytest.raises(ValueError, match="expected one of: none, related_not_ipt, listed"):
        IptClass.parse(text)


def test_evidence_round_trips_through_a_dict() -> None:
    evidence = assess({"statement": "IPT, time-limited"})
    data = evidence.to_dict()
    assert data == {
        "level": "described",
        "field": "statement",
        "text": "IPT, time-limited",
        "supports": ["time-limited"],
        "ambiguous": False,
        "words": "IPT",
        "at": 0,
    }
    again = IptEvidence.from_dict(data)
    assert again == evidence
    assert (again.words, again.at) == ("IPT", 0)
    # Evidence stored before the justifying words were kept still reads.
    old = {"level": "listed", "field": "orientations", "text": "Interpersonal", "supports": []}
    assert IptEvidence.from_dict(old) == IptEvidence(
        IptClass.LISTED, "orientations", "Interpersonal"
    )
    assert IptEvidence.from_dict({"level": "none"}) == IptEvidence(IptClass.NONE)


@pytest.mark.parametrize(
    "data",
    [
        {"level": "verified"},
        {"level": "listed", "supports": "Klerman"},
        {"level": "listed", "supports": [1]},
    ],
)
def test_from_dict_refuses_bad_data(data: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        IptEvidence.from_dict(data)


def test_strongest() -> None:
    listed = IptEvidence(IptClass.LISTED, "orientations", "Interpersonal")
    described = IptEvidence(IptClass.DESCRIBED, "statement", "Interpersonal Psychotherapy")
    supported = IptEvidence(IptClass.DESCRIBED, "statement", "IPT, time-limited", ("time-limited",))
    related = IptEvidence(IptClass.RELATED_NOT_IPT, "statement", "DIT")
    assert strongest([listed, described, related]) is described
    assert strongest([described, supported]) is supported
    assert strongest([supported, described]) is supported
    assert strongest(iter([related, listed])) is listed
    assert strongest([]) == IptEvidence(IptClass.NONE, None, None, ())


# ---------------------------------------------------------------- the rule table


def _table() -> dict[str, Any]:
    text = resources.files("finder.judge").joinpath("ipt_rules.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


_EXPECTED_BY_KIND = {
    "confusable": "none",
    "credential": "credential",
    "described": "described",
    "related": "related_not_ipt",
    "weak": "listed",
    "hint": "described",  # the example carries its supporting term
    "tick": "listed",
    "approach": "listed",
}


@pytest.mark.parametrize(
    ("kind", "example"),
    [(rule["kind"], example) for rule in _table()["rule"] for example in rule.get("examples", [])],
)
def test_every_rule_example_gets_its_class(kind: str, example: str) -> None:
    field = "orientations" if kind == "tick" else "statement"
    value: Any = [example] if kind == "tick" else example
    assert assess({field: value}).level.label == _EXPECTED_BY_KIND[kind]


def test_every_rule_but_the_supports_has_an_example() -> None:
    rules = _table()["rule"]
    assert [r["name"] for r in rules if r["kind"] != "support" and not r.get("examples")] == []


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"name": "odd", "kind": "maybe", "pattern": "ipt"}, "rule 'odd': unknown kind 'maybe'"),
        ({"name": "odd", "kind": "described", "pattern": "ipt("}, "rule 'odd': bad pattern"),
        ({"name": "odd", "kind": "described", "pattern": "(ipt)"}, "rule 'odd': a pattern must"),
        ({"name": "odd", "kind": "described", "pattern": "x?"}, "rule 'odd': a pattern must"),
        ({"name": "odd", "kind": "described", "pattern": r"\bipt"}, "rule 'odd': drop the leading"),
        (
            {"name": "odd", "kind": "described", "pattern": r"ipc|\bipt"},
            "rule 'odd': drop the leading",
        ),
        ({"name": "odd", "kind": "described", "pattern": "{nope}"}, "rule 'odd': unknown fragment"),
    ],
)
def test_a_broken_rule_table_names_the_rule(rule: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        compile_rules({"rule": [rule]})


def test_a_broken_field_role_is_named() -> None:
    with pytest.raises(ValueError, match="field 'statement': unknown role 'prose'"):
        compile_rules({"rule": [], "fields": {"statement": "prose"}})


# ---------------------------------------------------------------- speed


def test_ten_thousand_records_classify_quickly() -> None:
    # 300-character bios, a tenth of them mentioning IPT or a confusable, with directory
    # ticks: the benchmark target is 100,000 such records in a second or two.
    bios = [
        "I help adults with anxiety, depression and life transitions using CBT and mindfulness. "
        "Sessions are warm, practical and collaborative; we set goals together and review "
        "them often. Evening appointments are available and I offer a sliding scale for "
        "students and for people between jobs. Prescriptions are handled by your own doctor.",
        "I offer Interpersonal Psychotherapy (IPT) for depression: a time-limited treatment of "
        "12-16 sessions. We look at role transitions, role disputes and grief. I also teach DBT "
        "interpersonal effectiveness skills to teens and their parents in a weekly group.",
    ]
    records = [
        {
            "name": "Jane Doe",
            "statement": bios[1] if i % 10 == 0 else bios[0],
            "orientations": ["CBT", "DBT", "Interpersonal"] if i % 3 == 0 else ["CBT"],
            "issues": ["Anxiety", "Depression", "Grief"],
        }
        for i in range(10_000)
    ]
    started = time.process_time()
    levels = [assess(record).level for record in records]
    elapsed = time.process_time() - started
    assert levels.count(IptClass.DESCRIBED) == 1000
    assert levels.count(IptClass.LISTED) == 3000
    assert elapsed < 2.0
