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


#: Headless Chromium with nothing to say to the internet: background networking off, and
#: every host name resolved to nothing (the suite's socket guard does not reach a child
#: process; ``test_chromium_connects_to_nothing_outside_loopback`` checks these do).
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-domain-reliability", "--disable-breakpad", "--no-pings",
    "--disable-client-side-phishing-detection", "--disable-default-apps",
    "--disable-features=OptimizationHints,MediaRouter,Translate,AutofillServerCommunication",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost",
)  # fmt: skip


def chromium_command(tmp_path: Path, *args: str) -> list[str]:
    return [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'chromium-profile'}",
            *args]  # fmt: skip


def chromium(tmp_path: Path, *args: str) -> str:
    command = chromium_command(tmp_path, *args)
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
    """The first candidate starts ("SCORE" heading) on page 1; every other one starts and
    ends ("Records:") on one page."""
    events: list[tuple[str, int]] = []
    for number in range(1, pages + 1):
        for line in page_text(pdf, number).splitlines():
            if line.strip() == "SCORE":
                events.append(("start", number))
            elif line.strip().startswith("Records:"):
                events.append(("end", number))
    assert [kind for kind, _ in events] == ["start", "end"] * candidates
    spans = [(events[i][1], events[i + 1][1]) for i in range(0, len(events), 2)]
    assert spans[0][0] == 1, "the first candidate does not start on page 1"
    for n, (start, end) in enumerate(spans[1:], 2):
        assert start == end, f"candidate {n} is split across pages {start} and {end}"


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
    # The candidates, one or two to a page, then the at-a-glance tables (three groups of
    # four) and the footer: at most a page per candidate plus four.
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


# Measures the page as laid out: words whose letters land on two lines, and a page wider
# than the window (a second column pushed off screen). Added to a copy of the report
# without its Content-Security-Policy, which (rightly) forbids scripts.
MEASURE = """<script>
const broken = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  if (!node.parentElement.offsetParent) continue;  // not displayed
  for (const m of node.data.matchAll(/[A-Za-z]{2,}/g)) {
    const range = document.createRange();
    range.setStart(node, m.index);
    range.setEnd(node, m.index + m[0].length);
    const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
    if (tops.size > 1) broken.push(m[0]);
  }
}
document.body.setAttribute("data-broken", JSON.stringify(broken));
document.body.setAttribute("data-wide", String(document.documentElement.scrollWidth > innerWidth));
</script>"""


@pytest.mark.parametrize("width", [360, 412, 700])
def test_below_tablet_width_one_column_and_no_word_broken(
    twelve: Store, tmp_path: Path, width: int
) -> None:
    html = render(build(twelve, None, None, today=TODAY), ReportFormat.HTML)
    measured = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    page = tmp_path / "phone.html"
    page.write_text(measured.replace("</body>", MEASURE + "</body>"))
    dom = chromium(tmp_path, f"--window-size={width},900", "--dump-dom", page.as_uri())
    found = re.search(r'data-broken="([^"]*)" data-wide="(\w+)"', dom)
    assert found is not None, dom[:500]
    assert (html_unescape(found.group(1)), found.group(2)) == ("[]", "false")
    shot = tmp_path / "phone.png"
    chromium(tmp_path, f"--window-size={width},900", f"--screenshot={shot}", page.as_uri())
    header = shot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(header[16:20], "big") == width


def html_unescape(text: str) -> str:
    import html

    return html.unescape(text)


_CONNECT = re.compile(r"connect\(\d+, \{sa_family=(AF_INET6?), (?:sin6?_port=htons\(\d+\), )?"
                      r"(?:inet_pton\(AF_INET6?, |sin_addr=inet_addr\()?\"([^\"]+)\"")  # fmt: skip


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace not installed")
def test_chromium_connects_to_nothing_outside_loopback(tmp_path: Path) -> None:
    """The browser tests' Chromium, traced: every internet socket it opens is loopback.

    A page that asks for an outside host (an image on example.org) must not reach it.
    """
    page = tmp_path / "page.html"
    page.write_text(
        '<html><body><img src="https://www.google.com/favicon.ico">'
        '<script>fetch("https://example.org/x")</script>Report</body></html>'
    )
    trace = tmp_path / "trace.txt"
    command = ["strace", "-f", "-e", "trace=connect", "-o", str(trace),
               *chromium_command(tmp_path, "--virtual-time-budget=3000", "--dump-dom",
                                 page.as_uri())]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Report" in done.stdout
    outside = [
        (family, address)
        for family, address in _CONNECT.findall(trace.read_text())
        if not (address.startswith("127.") or address in ("::1", "::ffff:127.0.0.1", "0.0.0.0"))
    ]
    assert outside == []
