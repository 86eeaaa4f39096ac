"""The HTML call sheet printed by headless Chromium: one page per clinician, Letter and A4.

Needs the Debian packages chromium and poppler-utils (the helpers of
test_report_browser skip the module without them).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_report_browser import PAGE_SIZES, page_text, pdf_pages, print_pdf
from test_report_store import base_profile, import_fixture

from finder.ingest import editing
from finder.judge import therapists
from finder.pursue import callplan, profiles
from finder.report import callsheet
from finder.storage.store import Store

pytestmark = pytest.mark.browser

LONG_BIO = (
    "ISIPT certified IPT therapist and supervisor, IPT Institute Level C, trained with the "
    "Interpersonal Psychotherapy Institute; perinatal IPT, IPT-A, group IPT and IPSRT. " * 4
)


def sheets_html(monkeypatch: pytest.MonkeyPatch) -> tuple[str, list[str]]:
    store = Store(None)
    import_fixture(store, "candidates.csv")
    import_fixture(store, "second_source.csv")
    profiles.save(store, base_profile())
    # A record that fills a page: a long name, many plans and languages, a long statement.
    editing.add_therapist(store, {
        "name": "Maria-Concepción Wojciechowska-Abernathy-Lindqvist", "statement": LONG_BIO,
        "insurance": "; ".join(f"Plan number {n} Preferred Provider Organization" for n in range(30)),
        "languages": "English; Spanish; Portuguese; French; Polish; Swedish; Tagalog",
        "phones": "617-555-0101; 617-555-0102", "city": "Cambridge", "state": "MA",
        "fee": "$80-$240", "telehealth": "yes", "accepting": "no",
    })  # fmt: skip
    pages = []
    names = []
    for t in therapists.load_all(store):
        plan = callplan.make(store, "me", t.tid)
        pages.append(callsheet.sheet(t, plan))
        names.append(t.name)
    return callsheet.render(pages, callsheet.SheetFormat.HTML), names


@pytest.mark.parametrize("paper", ["Letter", "A4"])
def test_each_clinician_prints_on_one_page(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, paper: str
) -> None:
    html, names = sheets_html(monkeypatch)
    css, expected_size = PAGE_SIZES[paper]
    pdf = print_pdf(tmp_path, html, css, f"sheets-{paper}")
    pages, size = pdf_pages(pdf)
    assert size == expected_size
    assert pages == len(names) == 4
    for number, name in enumerate(names, 1):
        text = " ".join(page_text(pdf, number).split())
        # pdftotext joins a name wrapped at its hyphen: compare without hyphens.
        assert f"Call sheet: {name}".replace("-", "") in text.replace("-", "")
        assert "988" in text  # the crisis line at the foot of every page
        assert "CLAIMS TO CONFIRM" in text or "(to confirm)" in text
