"""No control character from a file or from the person's own text reaches a terminal or a
file raw: removed at import, shown visibly (``\\x1b``) at output, in every command and format.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from finder.cli import cli
from finder.ingest.files import scrub_record
from finder.records.models import Record
from finder.records.normalize.text import (
    clean_text,
    strip_controls,
    strip_controls_deep,
    visible,
)

ESC = "\x1b[2J\x1b[31m"
OSC8 = "\x1b]8;;https://evil.example/\x1b\\"
C1 = "\x9b31m"
BEL = "\x07"
RLO = "\u202e"
HOSTILE = (ESC, OSC8, C1, BEL, RLO)
# What must never appear raw: C0 but tab and newline, DEL, C1, bidi overrides and marks.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def hostile(word: str) -> str:
    return f"{ESC}{word}{BEL} {OSC8}click{OSC8} {C1}{RLO}txt"


def assert_clean(text: str, where: str) -> None:
    found = RAW.search(text)
    assert found is None, (
        f"{where}: raw {found.group()!r} in {text[max(0, found.start() - 40) : found.end() + 40]!r}"
    )


def test_strip_controls_removes_whole_sequences() -> None:
    assert strip_controls(f"{ESC}Jane{BEL} {OSC8}Doe{OSC8}") == "Jane Doe"
    assert strip_controls(f"a{C1}b{RLO}c") == "abc"
    assert strip_controls("line one\nline\ttwo") == "line one\nline\ttwo"
    assert clean_text(f"  {ESC}Jane\r\nDoe{BEL} ") == "Jane Doe"
    assert clean_text("a\ud800b") == "ab"


def test_visible_shows_what_is_there() -> None:
    assert visible("a\x1b[2Jb\x9b\x07\u202e") == "a\\x1b[2Jb\\x9b\\x07\\u202e"
    assert visible("plain\ttext\n") == "plain\ttext\n"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run(runner: CliRunner, *args: str, input: str | None = None) -> str:
    result = runner.invoke(cli, list(args), input=input)
    assert result.exit_code == 0, (args, result.output, result.exception)
    return result.output


def _hostile_csv(folder: Path) -> Path:
    path = folder / "list.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Name", "Credentials", "City", "State", "Zip", "Phone", "Bio",
                         "Insurance", "Specialties", "Custom Column"])  # fmt: skip
        writer.writerow([
            f"{ESC}Jane{BEL} Doe{RLO}", "LCSW", hostile("Boston"), "MA", "02139",
            "617-555-0100", hostile("Trained in interpersonal psychotherapy (IPT)."),
            hostile("Aetna"), hostile("Depression"), hostile("other"),
        ])  # fmt: skip
        writer.writerow(["Sam Roe", "PhD", "Cambridge", "MA", "02139", "617-555-0101",
                         "IPT certified", "Aetna", "Grief", "x"])  # fmt: skip
    return path


def _outputs(runner: CliRunner, tmp: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    out["list"] = run(runner, "list")
    out["list --json"] = run(runner, "list", "--json")
    out["list --csv"] = run(runner, "list", "--csv")
    for tid in ("1", "2"):
        out[f"show {tid}"] = run(runner, "show", tid, "--extra")
        out[f"show {tid} --json"] = run(runner, "show", tid, "--json")
    out["search"] = run(runner, "search")
    out["search --json"] = run(runner, "search", "--json")
    out["shortlist add"] = run(runner, "shortlist", "add", "1")
    run(runner, "shortlist", "add", "2")
    out["note"] = run(runner, "note", "1", "--pro", hostile("pro"), "--note", hostile("n"))
    out["contact"] = run(runner, "contact", "1", "--via", "phone", "--outcome",
                         "left-message", "--note", hostile("called"))  # fmt: skip
    out["contact log"] = run(runner, "contact", "1")
    out["contact --json"] = run(runner, "contact", "1", "--json")
    out["answers"] = run(runner, "answers", "1")
    out["answers --json"] = run(runner, "answers", "1", "--json")
    out["shortlist list"] = run(runner, "shortlist", "list")
    out["shortlist list --json"] = run(runner, "shortlist", "list", "--json")
    out["shortlist list --csv"] = run(runner, "shortlist", "list", "--csv")
    out["draft"] = run(runner, "draft", "1")
    out["draft --voicemail"] = run(runner, "draft", "1", "--voicemail")
    for fmt in ("terminal", "md", "html", "csv", "json"):
        out[f"compare {fmt}"] = run(runner, "compare", "--format", fmt)
        target = tmp / f"report.{fmt}"
        run(runner, "compare", "--format", fmt, "-o", str(target))
        out[f"compare -o {fmt}"] = target.read_text(encoding="utf-8")
    for fmt in ("json", "md"):
        out[f"export {fmt}"] = run(runner, "export", "--format", fmt)
        target = tmp / f"export.{fmt}"
        run(runner, "export", "--format", fmt, "-o", str(target))
        out[f"export -o {fmt}"] = target.read_text(encoding="utf-8")
    return out


def test_hostile_text_never_reaches_output_raw(runner: CliRunner, tmp_path: Path) -> None:
    source = _hostile_csv(tmp_path)
    imported = run(runner, "import", str(source))
    assert_clean(imported, "import")
    outputs = _outputs(runner, tmp_path)
    for where, text in outputs.items():
        assert_clean(text, where)
    # Removed at import: the name reads as written without its codes.
    assert "Jane Doe" in outputs["show 1"]
    assert "click" in outputs["show 1 --json"] and "evil.example" not in outputs["show 1 --json"]


def test_output_shows_controls_already_in_the_store(runner: CliRunner, tmp_path: Path) -> None:
    """Text stored before import cleaned it (an older finder) is shown as ``\\x1b``."""
    from finder.storage.store import open_store

    run(runner, "import", str(_hostile_csv(tmp_path)))
    store = open_store()
    with store.transaction():
        table = store.records
        changes = {}
        for doc_id, doc in table.raw_docs():
            fields = dict(doc["fields"])
            fields["name"] = f"{ESC}Old{BEL} {C1}Name{RLO}" + fields["name"]
            fields["bio"] = hostile("old bio, trained in IPT")
            changes[doc_id] = {"fields": fields}
        table.update_many(changes)  # update_many writes as given: the test's back door
    store.close()
    outputs = _outputs(runner, tmp_path)
    for where, text in outputs.items():
        assert_clean(text, where)
    assert "\\x1b[2J" in outputs["list"] or "\\x1b" in outputs["show 1"]
    assert "\\u202e" in outputs["show 1"] or "\\u202e" in outputs["compare md"]


def test_colour_terminal_keeps_its_styles_and_shows_the_data_codes() -> None:
    import io

    from rich.text import Text

    from finder.cli.app import safe_console

    buffer = io.StringIO()
    console = safe_console(buffer, force_terminal=True, color_system="standard", width=80)
    console.print(Text(f"{ESC}Jane{RLO}", style="bold"))
    shown = buffer.getvalue()
    assert "\x1b[1m" in shown  # rich's own bold
    assert "\\x1b[2J\\x1b[31mJane\\u202e" in shown
    assert "\x1b[2J" not in shown and RLO not in shown


@pytest.mark.parametrize(
    "text",
    [
        "plain", 'a "quoted" name', "back\\slash \\u001b not an escape", "line\nline\ttab",
        f"{ESC}[31mred", f"bell{BEL}", f"a{C1}b", f"r{RLO}l", "del\x7f", "cr\rlf",
        "nbsp\u00a0and\u2028line", "zero\u200bwidth", "lone\ud800surrogate", "\\\x1b",
    ],
)  # fmt: skip
def test_an_import_scrubs_each_record_as_it_scrubs_each_string(text: str) -> None:
    """The quick look over a whole record finds every string the full walk would change."""
    record = Record(
        {"name": text, "orientations": ["CBT", text], "nested": {text: [text, 1.5, None]}},
        "line 2",
        key=f"key {text}",
        extra={"column": text, "n": 3},
        warnings=[text],
        derived={"ipt": {"snippet": text}},
    )
    scrub_record(record)
    assert record.fields == strip_controls_deep(
        {"name": text, "orientations": ["CBT", text], "nested": {text: [text, 1.5, None]}}
    )
    assert record.extra == {"column": strip_controls(text), "n": 3}
    assert record.warnings == [strip_controls(text)]
    assert record.derived == {"ipt": {"snippet": strip_controls(text)}}
    assert record.key == f"key {strip_controls(text)}"
