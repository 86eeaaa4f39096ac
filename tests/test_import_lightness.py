"""A small import loads only what it uses, and its short cuts answer as the long way (issue 17)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from importlib import resources
from pathlib import Path

import phonenumbers

from finder.judge import ipt
from finder.records.normalize import places

LIST = "Name,Phone,City,State,Zip,Types of Therapy\nDana Reyes LCSW,(617) 555-0100,Boston,MA,02115,IPT\n"


def _modules_after_import(tmp_path: Path, prefixes: tuple[str, ...]) -> list[str]:
    path = tmp_path / "list.csv"
    path.write_text(LIST, encoding="utf-8")
    code = (
        "import sys; from pathlib import Path; from finder.ingest.pipeline import run_import; "
        "from finder.storage.store import Store; "
        "report = run_import(Store(None), [Path(sys.argv[1])]); "
        "assert report.files[0].imported == 1, report; "
        f"print(sorted(m for m in sys.modules if m.startswith({prefixes!r})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], check=True, capture_output=True, text=True
    )
    return list(eval(out.stdout))  # a printed list of module names


def test_a_us_list_loads_no_phone_library(tmp_path: Path) -> None:
    assert _modules_after_import(tmp_path, ("phonenumbers",)) == []


def test_every_country_code_answered_without_the_phone_library_is_one_it_knows() -> None:
    assert places._NAMED_CODES <= phonenumbers.SUPPORTED_REGIONS
    for code in sorted(places._NAMED_CODES):
        assert places.country(code) == code
        assert places.country(code.lower()) == code


def test_the_packaged_ipt_rules_pass_the_checks_their_fast_reading_leaves_out() -> None:
    text = resources.files("finder.judge").joinpath("ipt_rules.toml").read_text("utf-8")
    table = tomllib.loads(text)
    checked, fast = ipt.compile_rules(table), ipt.rules()
    assert checked.text_regex.pattern == fast.text_regex.pattern
    assert checked.list_regex.pattern == fast.list_regex.pattern
    assert (checked.kinds, checked.labels) == (fast.kinds, fast.labels)
