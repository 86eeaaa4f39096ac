"""JSON nested far deeper than any record (a fuzz test found a RecursionError in a saved
page's JSON-LD): the deep part is left out with one line, the rest is read, never a crash."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from finder.cli import cli

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def deep_object(levels: int) -> str:
    return '{"a": ' * levels + "1" + "}" * levels


def deep_list(levels: int) -> str:
    return "[" * levels + "]" * levels


def no_crash(result: object, finder_home: Path) -> None:
    stderr = getattr(result, "stderr", "")
    assert "unexpected problem" not in stderr and "Traceback" not in stderr, stderr
    assert not (finder_home / "crash-reports").exists()


# 900 levels parse but overflow a recursive reader; 5,000 overflow the parser itself.
@pytest.mark.parametrize("block", [deep_object(900), deep_list(5000)], ids=["900", "5000"])
def test_a_deep_jsonld_block_is_left_out_and_the_page_still_read(
    block: str, tmp_path: Path, finder_home: Path
) -> None:
    page = (FIXTURES / "html" / "pt_profile_2017_style.html").read_bytes()
    script = b'<script type="application/ld+json">' + block.encode() + b"</script>\n</head>"
    saved = tmp_path / "profile.html"
    saved.write_bytes(page.replace(b"</head>", script, 1))
    result = CliRunner().invoke(cli, ["import", str(saved)])
    assert result.exit_code == 0, result.output
    no_crash(result, finder_home)
    assert (
        f"Warning: {saved}: a JSON-LD block nested over 64 levels deep left out; "
        "the rest of the page was read"
    ) in result.stderr
    assert f"{saved} [psychology-today]: 1 imported" in result.stderr
    listed = CliRunner().invoke(cli, ["list"])
    assert "José Alvarez" in listed.stdout


def test_a_deep_object_in_a_json_list_is_one_rejected_row(
    tmp_path: Path, finder_home: Path
) -> None:
    listed = tmp_path / "list.json"
    listed.write_text(
        '[{"name": "Sam Roe", "city": "Boston"}, {"name": "Jane Doe", "city": '
        + deep_object(900)
        + "}]"
    )
    result = CliRunner().invoke(cli, ["import", str(listed)])
    assert result.exit_code == 0, result.output
    no_crash(result, finder_home)
    assert f"{listed} [json]: 1 imported, 1 rejected" in result.stderr
    assert f"rejected {listed} element 2: nested over 64 levels deep; skipped" in result.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[{"name": "Jane Doe", "city": ' + deep_object(900) + "}]",
         "JSON nested over 64 levels deep; nothing imported"),
        (deep_list(5000), "JSON nested too deeply to read (depth limit exceeded: "),
    ],
    ids=["900", "5000"],
)  # fmt: skip
def test_a_json_list_nested_too_deep_is_one_line(
    text: str, message: str, tmp_path: Path, finder_home: Path
) -> None:
    bad = tmp_path / "deep.json"
    bad.write_text(text)
    result = CliRunner().invoke(cli, ["import", str(bad)])
    assert result.exit_code == 4, result.output
    no_crash(result, finder_home)
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert errors == [errors[0]] and errors[0].startswith(f"Error: {bad}: {message}"), errors


def test_a_deep_json_cell_in_a_csv_is_kept_as_text(tmp_path: Path, finder_home: Path) -> None:
    cell = deep_object(900).replace('"', '""')
    table = tmp_path / "list.csv"
    table.write_text(f'name,address\nSam Roe,Boston\nJane Doe,"{cell}"\n')
    result = CliRunner().invoke(cli, ["import", str(table)])
    assert result.exit_code == 0, result.output
    no_crash(result, finder_home)
    assert f"{table} [csv]: 2 imported" in result.stderr


def test_a_finder_export_nested_too_deep_is_one_line(tmp_path: Path, finder_home: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["add", "--name", "Jo Smith", "-y"]).exit_code == 0
    export = tmp_path / "export.json"
    assert runner.invoke(cli, ["export", "-o", str(export)]).exit_code == 0
    data = json.loads(export.read_text())
    data["tables"]["notes"] = [{"tid": 1, "text": json.loads(deep_object(900))}]
    export.write_text(json.dumps(data))
    result = runner.invoke(cli, ["import", str(export)])
    assert result.exit_code == 4, result.output
    no_crash(result, finder_home)
    assert f"Error: {export}: nested over 72 levels deep; not a finder export" in result.stderr


def test_broken_json_lines_are_each_read_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fuzz case: thousands of lines cut after a key ('{"city": '). Each broken line is
    skipped on its own; it was parsed with every line after it nested in it as its value,
    to the recursion limit, which made 40,000 such lines cost over 10 s."""
    from finder.importers.tabular import recover

    raised: list[str] = []
    decoder = recover._DECODER

    class Spy:
        def raw_decode(self, text: str, pos: int = 0) -> tuple[Any, int]:
            try:
                return decoder.raw_decode(text, pos)
            except (ValueError, RecursionError) as err:
                raised.append(type(err).__name__)
                raise

    monkeypatch.setattr(recover, "_DECODER", Spy())
    broken = 1500
    listed = tmp_path / "cut.jsonl"
    listed.write_text('{"name": "Dana Reyes"}\n' + '{"name": "Sam Okafor", "city": \n' * broken)
    result = CliRunner().invoke(cli, ["import", str(listed)])
    assert result.exit_code == 0, result.output
    assert f"{listed} [json]: 1 imported, {broken} rejected" in result.stderr
    assert len(raised) == broken and "RecursionError" not in raised
