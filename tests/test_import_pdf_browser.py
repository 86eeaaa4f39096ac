"""Directories printed from a browser (headless Chromium): glyph-by-glyph text, CSS columns."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import chromium_path

from finder.importers import pdf
from finder.importers.base import ParseContext

pytestmark = pytest.mark.browser

CHROMIUM = chromium_path()
if CHROMIUM is None:
    pytest.skip(
        "headless Chromium not found: install the Debian package chromium", allow_module_level=True
    )

# Valid made-up NPIs (the Luhn check digit holds).
NPIS = ["1234567893", "1245319599", "1003000126", "1003000118", "1003000134", "1003000142"]


def _print(tmp_path: Path, html: str) -> Path:
    page, out = tmp_path / "page.html", tmp_path / "page.pdf"
    page.write_text(html, encoding="utf-8")
    command = [
        str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}", "--no-pdf-header-footer",
        f"--print-to-pdf={out}", page.as_uri(),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return out


def _entry(n: int) -> str:
    return (
        f'<div class="e"><b>Person{n}, Alex M, PhD, (F)</b><br><b>Group Name: Practice {n}</b>'
        f"<br><b>Provider ID: 00123450{n:04d}</b><br>NPI: {NPIS[n % len(NPIS)]}<br>"
        f"{n} Main St<br>Springfield, IL 62701<br>(217) 555-01{n:02d}, W, P, R<br>"
        "Languages Spoken:<br>&nbsp;&nbsp;Provider: Spanish<br>Accepting New Patients<br>"
        "Ages: 0-99</div>"
    )


def test_css_columns_over_pages(tmp_path: Path) -> None:
    style = (
        "@page{size:Letter;margin:0.5in} body{font:9pt serif} .c{column-count:3}"
        ".e{margin-bottom:12px} h2{font-size:10pt;text-align:center}"
    )
    body = "".join(_entry(n) for n in range(1, 41))
    html = f"<html><head><style>{style}</style></head><body><div class=c>"
    html += f"<h2>Psychology / Psicología</h2>{body}</div></body></html>"
    records = list(pdf.parse(_print(tmp_path, html), ParseContext()))
    numbers = sorted(int(r.fields["name"].split("Person")[1]) for r in records)
    assert numbers == list(range(1, 41))  # every entry, whichever column or page it broke on
    for r in records:
        n = int(r.fields["name"].split("Person")[1])
        assert r.fields["phones"] == [f"217-555-01{n:02d}"]
        assert r.fields["npi"] == NPIS[n % len(NPIS)]
        assert r.fields["credentials"] == ["PhD"] and r.fields["specialties"] == ["Psychology"]


def test_search_results_one_column(tmp_path: Path) -> None:
    people = [
        ("Frau Dipl.-Psych. Gabriele Scholz", "Musterstraße 5, 10115 Berlin", "030 1234567"),
        ("Herr Dr. phil. Jan Berg", "Lindenallee 12, 10585 Berlin", "030 7654321"),
    ]
    items = "".join(
        f"<div style='margin-bottom:14px'><b>{name}</b><br>Psychologische Psychotherapeutin"
        f"<br>{where}<br>Tel.: {tel}</div>"
        for name, where, tel in people
    )
    html = f"<html><body style='font:11pt sans-serif'><h1>Suchergebnisse</h1>{items}</body></html>"
    records = list(pdf.parse(_print(tmp_path, html), ParseContext()))
    got = {r.fields["name"]: r for r in records}
    assert sorted(got) == ["Gabriele Scholz", "Jan Berg"]
    assert got["Gabriele Scholz"].fields["credentials"] == ["Dipl.-Psych."]
    assert got["Jan Berg"].fields["phones"] == ["+49 30 7654321"]
    assert got["Gabriele Scholz"].fields["address"] == "Musterstraße 5"
