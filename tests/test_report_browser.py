"""The HTML report in a real headless browser: printing, page breaks, hostile text.

Needs Chromium (Debian package ``chromium``) and poppler-utils (``pdfinfo``,
``pdftotext``); without them these tests skip and say which package is missing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from test_report_store import full_store, note, pin_time

from finder.ingest import editing
from finder.pursue import shortlist
from finder.report.compare import build
from finder.report.formats import ReportFormat, render
from finder.storage.store import Store

pytestmark = pytest.mark.browser

CHROMIUM = next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
)
if CHROMIUM is None:
    pytest.skip(
        "headless Chromium not found: install the Debian package chromium "
        "(apt-get install -y chromium)",
        allow_module_level=True,
    )
if not (shutil.which("pdfinfo") and shutil.which("pdftotext")):
    pytest.skip(
        "pdfinfo/pdftotext not found: install the Debian package poppler-utils",
        allow_module_level=True,
    )

TODAY = date(2025, 1, 15)
PAGE_SIZES = {
    "Letter": ("letter", (612, 792)),
    "A4": ("A4", (595, 842)),
    "Letter landscape": ("letter landscape", (792, 612)),
    "A4 landscape": ("A4 landscape", (842, 595)),
}


def chromium(tmp_path: Path, *args: str) -> str:
    profile = tmp_path / "chromium-profile"
    command = [
        str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", *args,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def print_pdf(tmp_path: Path, html: str, page_css: str, name: str) -> Path:
    # The report leaves the paper to the printer; the test picks it like a print dialog would.
    page = tmp_path / f"{name}.html"
    page.write_text(
        html.replace("</head>", f"<style>@page {{ size: {page_css}; }}</style></head>", 1)
    )
    pdf = tmp_path / f"{name}.pdf"
    chromium(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri())
    return pdf


def pdf_pages(pdf: Path) -> tuple[int, tuple[int, int]]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+)", info, re.M)
    assert size is not None
    return pages, (round(float(size.group(1))), round(float(size.group(2))))


def page_text(pdf: Path, number: int) -> str:
    args = ["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def assert_candidates_whole(pdf: Path, pages: int, candidates: int) -> None:
    """Every candidate block starts ("SCORE" heading) and ends ("Records:") on one page."""
    starts = ends = 0
    for number in range(1, pages + 1):
        lines = page_text(pdf, number).splitlines()
        page_starts = sum(1 for line in lines if line.strip() == "SCORE")
        page_ends = sum(1 for line in lines if line.strip().startswith("Records:"))
        assert page_starts == page_ends, f"page {number}: a candidate is split across pages"
        starts += page_starts
        ends += page_ends
    assert starts == ends == candidates


@pytest.fixture
def twelve(monkeypatch: pytest.MonkeyPatch) -> Store:
    store = full_store(monkeypatch)
    names = ["Avery Lindqvist", "Bruno Castellano", "Chioma Eze", "Dmitri Volkov", "Esther Nakamura",
             "Farid Haddad", "Greta Solberg", "Hiroshi Tanaka", "Imani Brooks"]  # fmt: skip
    for n, name in enumerate(names):
        tid = editing.add_therapist(
            store,
            {"name": name, "statement": "Trained in Interpersonal Psychotherapy.",
             "fee": f"${100 + n}", "city": f"Town{n}", "telehealth": "yes"},
        )  # fmt: skip
        shortlist.add(store, "me", tid)
        note(store, tid, "con", "Only evening slots. " * (n + 1))
    return store


@pytest.mark.parametrize("paper", list(PAGE_SIZES))
def test_prints_on_letter_and_a4_without_splitting_a_candidate(
    twelve: Store, tmp_path: Path, paper: str
) -> None:
    css, expected_size = PAGE_SIZES[paper]
    comparison = build(twelve, None, None, today=TODAY)
    assert len(comparison.candidates) == 12
    pdf = print_pdf(tmp_path, render(comparison, ReportFormat.HTML), css, "twelve")
    pages, size = pdf_pages(pdf)
    assert size == expected_size
    # The at-a-glance tables (three groups of four), then the candidates, one or two to a
    # page, then the footer: at most a page per candidate plus four.
    assert 7 <= pages <= 12 + 4, pages
    assert_candidates_whole(pdf, pages, 12)
    last = page_text(pdf, pages)
    assert "If you are in crisis:" in last and "13 11 14" in last
    first = page_text(pdf, 1)
    assert "Comparison of candidates" in first and "Dana Reyes (id 1)" in first


def test_one_candidate_report(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    store = full_store(monkeypatch)
    pdf = print_pdf(
        tmp_path, render(build(store, [1], None, today=TODAY), ReportFormat.HTML), "A4", "one"
    )
    pages, _ = pdf_pages(pdf)
    assert pages <= 3  # the glance, the candidate, the footer at most
    assert_candidates_whole(pdf, pages, 1)


HOSTILE = "<script>document.title='pwned'</script><img src=x onerror=alert(1)>"


def test_hostile_text_runs_no_script_and_shows_as_text(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pin_time(monkeypatch)
    store = Store(None)
    tid = editing.add_therapist(store, {"name": HOSTILE, "statement": HOSTILE + " IPT"})
    note(store, tid, "pro", "<b onmouseover=alert(2)>bold</b>")
    html = render(build(store, [tid], None, today=TODAY), ReportFormat.HTML)
    page = tmp_path / "hostile.html"
    page.write_text(html)
    dom = chromium(tmp_path, "--dump-dom", page.as_uri())
    assert "<title>Comparison of candidates: profile me, 2025-01-15</title>" in dom
    assert "pwned" not in dom.split("</title>")[0]
    assert "<img" not in dom and "<script" not in dom and "<b " not in dom
    assert (
        "&lt;script&gt;document.title='pwned'&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
        in dom
    )
    assert "&lt;b onmouseover=alert(2)&gt;bold&lt;/b&gt; (yours)" in dom
