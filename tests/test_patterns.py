"""Patterns compiled on first use (finder.patterns.later) behave as compiled ones."""

from __future__ import annotations

import copy
import pickle
import re

from finder.patterns import later
from finder.records.normalize import licences


def test_a_deferred_pattern_is_the_compiled_one() -> None:
    deferred, compiled = later(r"(?P<n>\d+)\s*min", re.I), re.compile(r"(?P<n>\d+)\s*min", re.I)
    assert deferred.search("about 50 MIN")["n"] == compiled.search("about 50 MIN")["n"] == "50"  # type: ignore[index]
    assert deferred.sub("x", "5 min, 10min") == compiled.sub("x", "5 min, 10min") == "x, x"
    assert (deferred.pattern, deferred.flags, deferred.groupindex) == (
        compiled.pattern, compiled.flags, compiled.groupindex,
    )  # fmt: skip


def test_a_deferred_pattern_survives_pickle_and_copy_before_and_after_use() -> None:
    for used in (False, True):
        deferred = later(r"a+b")
        if used:
            assert deferred.fullmatch("aab")
        for twin in (
            pickle.loads(pickle.dumps(deferred)),
            copy.copy(deferred),
            copy.deepcopy(deferred),
        ):
            assert twin.findall("ab aab b") == ["ab", "aab"]
    table = pickle.loads(pickle.dumps(licences._WORDS))
    assert table[0][0].search("Licensed Psychoanalyst")
