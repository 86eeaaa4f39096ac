"""The registry's gates: a format's reader is loaded only for a file it may claim (issue 17)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import realdata_dir

from finder import importers
from finder.importers.base import read_head

FIXTURES = Path(__file__).parent / "fixtures"

# Heads that pass no gate, or pass one only just: sniffs are held to their gate with them.
MADE_UP = [
    b"Name,Phone\nDana Reyes,617-555-0100\n",
    b"<p>not a page, a fragment</p>",
    b"\x00\x00%PDF-1.7 after padding",
    b"   %PD",
    b"<HTML>\n<body>psychologytoday.com</body>",
    b'{"resourceType": "Practitioner"}',
    b"BEGIN:VCARD\r\nFN:Dana Reyes\r\nEND:VCARD\r\n",
    '\ufeff  [{"name": "Dana Reyes"}]'.encode("utf-16"),
    b'\xef\xbb\xbf\r\n {"result_count": 1, "results": []}',
    b"PK\x03\x04 xl/workbook.xml",
    b'"NPI","Entity Type Code","Healthcare Provider Taxonomy Code_1"\n"1234567893","1","101YP2500X"\n',
    b"<!-- finder-export markdown -->\n# finder export\n",
    b"Provider Name,Phone\nDana Reyes,617-555-0100\n",
]


def _heads() -> list[tuple[Path, bytes]]:
    folders = [FIXTURES]
    real = realdata_dir()
    if real is not None:
        folders.append(real)
    files = sorted(p for folder in folders for p in folder.rglob("*") if p.is_file())
    return [(p, read_head(p)) for p in files] + [(Path("made-up"), h) for h in MADE_UP]


@pytest.mark.parametrize("module_name", sorted(importers.GATES))
def test_a_gated_sniff_claims_nothing_its_gate_turns_away(module_name: str) -> None:
    gate = importers.GATES[module_name]
    imp = importers._load(module_name)
    turned_away = [(p, h) for p, h in _heads() if not gate(h)]
    assert turned_away
    claimed = [p.name for p, h in turned_away if imp.sniff(p, h) > 0]
    assert claimed == []


def test_every_gate_names_an_importer() -> None:
    assert set(importers.GATES) <= set(importers._module_names())


@pytest.mark.parametrize("path", [p for p, _ in _heads() if p.name != "made-up"][:400])
def test_detect_picks_what_trying_every_importer_picks(path: Path) -> None:
    head = read_head(path)
    if not head.strip():
        return
    scored = [(imp.sniff(path, head), imp) for imp in importers.all_importers()]
    best = max((s for s, _ in scored), default=0.0)
    if best < 0.5:
        return  # refused or a weak guess: the refusal paths are tested elsewhere
    expected = next(imp.name for s, imp in scored if s == best)
    assert importers.detect(path, head).name == expected


def test_a_csv_import_loads_no_reader_of_another_format(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("Name,Phone\nDana Reyes,617-555-0100\n", encoding="utf-8")
    code = (
        "import sys; from pathlib import Path; from finder import importers; "
        "print(importers.detect(Path(sys.argv[1])).name); "
        "print(' '.join(sorted(m for m in sys.modules if m.startswith(('pypdfium2', "
        "'finder.importers.html', 'finder.importers.printed', 'finder.importers.pdf', "
        "'finder.importers.fhir', 'finder.importers.nppes', 'finder.importers.jsonlist', "
        "'finder.importers.vcard', 'finder.importers.xlsx', 'finder.importers.finder_export', "
        "'openpyxl')))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], check=True, capture_output=True, text=True
    ).stdout.splitlines()
    assert out[0] == "csv"
    assert out[1:] == [""]
