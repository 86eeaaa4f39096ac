"""What the readers remember between rows never leaks from one record into another.

A list import reads the same raw strings on thousands of rows (plans, orientations,
credentials after a name, websites): the readers remember what each string read as.
A record's lists are its own: changing one record's list changes no other record.
"""

from __future__ import annotations

import importlib

import pytest

from finder.importers.tabular.rows import RowReader
from finder.judge import ipt
from finder.records.normalize import names

# The module (the package's ``phones`` is the function of that name).
phones = importlib.import_module("finder.records.normalize.phones")

MAPPING = {
    "Name": "name",
    "Insurance": "insurance",
    "Types": "orientations",
    "Languages": "languages",
    "State": "state",
    "Website": "website",
}


def _two_rows() -> tuple[dict, dict]:
    reader = RowReader(MAPPING)
    row = {
        "Insurance": "Aetna, Cigna",
        "Types": "CBT, Interpersonal",
        "Languages": "Spanish, English",
        "State": "MA",
        "Website": "https://example.org/a",
    }
    first = reader({**row, "Name": "Ana Diaz, LCSW, PhD"}, "line 2")
    second = reader({**row, "Name": "Ben Ito, LCSW, PhD"}, "line 3")
    return first.fields, second.fields  # type: ignore[union-attr]


def test_a_records_lists_are_its_own() -> None:
    first, second = _two_rows()
    for field in ("insurance", "orientations", "languages", "credentials"):
        assert first[field] == second[field], field
        assert first[field] is not second[field], field
        first[field].append("changed")
        assert "changed" not in second[field], field
    reader_again = _two_rows()[1]
    for field in ("insurance", "orientations", "languages", "credentials"):
        assert "changed" not in reader_again[field], field


def test_a_names_credentials_are_a_new_list_each_time() -> None:
    _, creds = names.split_name("Ana Diaz, LCSW, PhD")
    creds.append("changed")
    assert names.split_name("Ben Ito, LCSW, PhD") == ("Ben Ito", ["LCSW", "PhD"])


def test_a_list_judged_once_gives_each_record_the_same_evidence() -> None:
    fields = {"name": "Ana Diaz", "orientations": ["CBT", "Interpersonal Psychotherapy"]}
    first = ipt.assess(fields).to_dict()
    first["supports"] = ["changed"]
    assert ipt.assess(dict(fields)).to_dict() != first
    assert (
        ipt.assess({"name": "Ben Ito", "orientations": ["CBT", "DBT"]}).level == ipt.IptClass.NONE
    )


def test_the_area_code_table_gives_phonenumbers_answers() -> None:
    area_country = phones._area_country.__wrapped__  # type: ignore[attr-defined]
    for code in range(200, 1000):
        area = str(code)
        assert area_country(area) == phones.area_country_by_metadata(area), area


def test_a_memo_makes_each_answer_once_and_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from finder.records.normalize import text

    monkeypatch.setattr(text, "MEMO_LIMIT", 3)
    made: list[str] = []
    memo: text.Memo[str, str] = text.Memo(lambda key: made.append(key) or key.upper())
    assert [memo[k] for k in ("a", "b", "a", "c", "b")] == ["A", "B", "A", "C", "B"]
    assert made == ["a", "b", "c"]  # each made once
    assert memo["d"] == "D" and len(memo) == 1  # full at 3: cleared, then "d"
    assert memo.get("a") is None  # forgotten; asking again makes it again
    assert memo["a"] == "A" and made == ["a", "b", "c", "d", "a"]
