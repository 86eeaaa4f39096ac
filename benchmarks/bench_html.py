"""Benchmark: extracting a ~1 MB saved results page vs. BeautifulSoup merely building its tree.

Target: finder's Psychology Today importer returns every record of a ~1 MB results
page in no more time than ``BeautifulSoup(page, "html.parser")`` takes just to
parse it, measured in the same run. The page is generated here by repeating a
self-written results row in the 2025 markup's shape (long lines, inline SVG
icons, duplicated statements, a JSON-LD list, a filter sidebar). When the real
saved page is available ($FINDER_REALDATA or ../shared/realdata) it is measured
in place as well.

Run: ``.venv/bin/python benchmarks/bench_html.py``; exits 1 if a target is missed.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from finder.importers import psychology_today  # noqa: E402
from finder.importers.base import ParseContext  # noqa: E402

ICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" fill="none" class="icon">'
    '<path stroke="#2C2D30" stroke-linecap="round" d="M4.461 6.328H6.77m3.563.272V3.8a.934.934 '
    '0 0 0-.933-.933H1.933A.934.934 0 0 0 1 3.8v8.4c0 .515.418.933.933.933H9.4"></path></svg>'
)
STATEMENT = (
    "I work with adults facing depression, anxiety and life transitions. Together we look at "
    "the relationships that matter most to you and the patterns that keep you stuck, and we "
    "agree on clear goals and a plan for our work. "
) * 2


def row(i: int) -> str:
    url = f"https://www.psychologytoday.com/us/therapists/clinician-{i}-chicago-il/{100000 + i}"
    statement = (
        f'<div class="profile-statement"><div class="statements"><span>{STATEMENT}</span>'
        "</div></div>"
    )
    phone = f"(312) 555-{i % 10000:04d}"
    return (
        f'<div class="results-row" data-x="profile-result-{100000 + i}" data-v-5e6eb650>'
        f'<a href="{url}" class="results-row-image"><span class="profile-image"><img class="image" '
        f'src="https://photos.example/{i}.jpeg" alt="Photo of Clinician {i}, Counselor, LPC">'
        "</span></a>"
        f'<div class="results-row-info"><div class="results-row-heading">'
        f'<a href="{url}" class="profile-title"><!--[-->Clinician {i}<!--]--></a>'
        f'<div class="profile-subtitle"><div class="verified-badge VERIFIED"></div>'
        f'<div class="profile-subtitle-credentials">Counselor, MA, LPC</div></div>'
        f'<div class="profile-location"><span class="icons-container">{ICON}{ICON}</span>'
        f'<span class="address"><a href="https://www.psychologytoday.com/us/therapists/il/chicago">'
        f"Chicago</a>, IL 606{i % 100:02d}</span></div></div>"
        f"{statement}{statement.replace('profile-statement', 'profile-statement sm-only')}</div>"
        f'<div class="results-row-contact"><span class="results-row-phone">{phone}</span>'
        f'<button class="email">Email</button><a href="{url}" class="results-row-cta-view">View</a>'
        f'<a href="tel:+1-312-555-{i % 10000:04d}">(312) 555-{i % 10000:04d}</a></div></div> '
    )


def synthetic_page(target_bytes: int = 1_000_000) -> str:
    head = (
        '<!DOCTYPE html><html lang="en-us"><head><meta charset="utf-8">'
        "<title>Find Therapists and Psychologists in Chicago, IL - Psychology Today</title>"
        '<link rel="canonical" href="https://www.psychologytoday.com/us/therapists/il/chicago">'
        "<style>" + ".results-row{display:flex;padding:16px}" * 2000 + "</style></head><body>"
        '<aside><form><label><input type="checkbox">Interpersonal</label></form></aside>'
        '<div class="results">'
    )
    rows: list[str] = []
    size = len(head)
    i = 0
    while size < target_bytes * 0.85:
        rows.append(row(i))
        size += len(rows[-1])
        i += 1
    listed = [
        {
            "@type": "Person",
            "url": "https://www.psychologytoday.com/us/therapists/"
            f"clinician-{n}-chicago-il/{100000 + n}",
            "name": f"Clinician {n}",
            "telephone": f"(312) 555-{n % 10000:04d}",
        }
        for n in range(i)
    ]
    ld = json.dumps(
        {"@context": "http://schema.org/", "@type": "SearchResultsPage", "mainEntity": listed}
    )
    return (
        f'{head}<script type="application/ld+json">{ld}</script>{"".join(rows)}</div></body></html>'
    )


def best_of(fn: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(label: str, path: Path, expected: int | None) -> bool:
    from bs4 import BeautifulSoup

    data = path.read_bytes()
    records = list(psychology_today.parse(path, ParseContext()))
    if expected is not None and len(records) != expected:
        print(f"{label}: expected {expected} records, got {len(records)}")
        return False
    ours = best_of(lambda: list(psychology_today.parse(path, ParseContext())))
    soup = best_of(lambda: BeautifulSoup(data, "html.parser"))
    ratio = ours / soup
    ok = ratio <= 1.0
    print(
        f"{label}: {len(data) / 1e6:.2f} MB, {len(records)} records; "
        f"finder extract {ours * 1000:.1f} ms, "
        f"bs4 html.parser tree only {soup * 1000:.1f} ms, ratio {ratio:.3f} "
        f"({'OK' if ok else 'TOO SLOW'})"
    )
    return ok


def main() -> int:
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "results.html"
        text = synthetic_page()
        page.write_text(text, encoding="utf-8")
        rows = text.count('class="results-row"')
        ok &= measure("synthetic 2025-style results page", page, rows)
    env = os.environ.get("FINDER_REALDATA")
    real_dir = Path(env) if env else ROOT.parent / "shared" / "realdata"
    real = real_dir / "psychology_today_html" / "pt2025_results_il_chicago_page_1.html"
    if real.is_file():
        ok &= measure("real Chicago results page (read in place)", real, 20)
    else:
        print("real page not found: set FINDER_REALDATA to measure it too")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
