"""A bad file beside good ones: one line for it, the good ones imported, never a crash.

Hypothesis (derandomised: the same cases every run) mutates the shapes of real files, the
project's fixtures for every importer, in the ways hostile files found were bad: broken
XML tags and cell references inside a workbook, a zip directory that understates a size,
a number thousands of digits long, lone surrogates, control characters, NUL bytes. Each
mutant is imported in one command with a good CSV. ``benchmarks/fuzz_batches.py`` runs
the same for many more cases, over the real files too.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fuzz_importers import SEEDS, mutated, time_limit

from finder.ingest.pipeline import run_import
from finder.storage.store import Store

GOOD_CSV = b"name,credentials,bio\nSam Roe,LCSW,Trained in interpersonal psychotherapy\n"

BATCH = settings(
    max_examples=40,
    derandomize=True,
    deadline=timedelta(seconds=20),
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _rezip(data: bytes, change: callable) -> bytes:  # type: ignore[valid-type]
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return data
    out = io.BytesIO()
    with source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                body = change(body)
            target.writestr(info.filename, body)
    return out.getvalue()


def understate_sizes(data: bytes) -> bytes:
    """Every central-directory entry says it holds 10 bytes (a zip that lies about sizes)."""
    out = bytearray(data)
    at = out.find(b"PK\x01\x02")
    while at != -1 and at + 28 <= len(out):
        out[at + 24 : at + 28] = struct.pack("<I", 10)
        at = out.find(b"PK\x01\x02", at + 4)
    return bytes(out)


HOSTILE_EDITS = {
    "broken-tag": lambda d: _rezip(d, lambda b: b.replace(b"</v>", b"</", 1).replace(b"</t>", b"<t", 1)),
    "bad-cell-ref": lambda d: _rezip(d, lambda b: re.sub(rb'r="([A-Z]+)(\d+)"', rb'r="\2\1ZZZZZZ"', b, count=3)),
    "understated-zip": understate_sizes,
    "huge-number": lambda d: re.sub(rb"\d{3,}", b"9" * 5000, d, count=1),
    "lone-surrogate": lambda d: d.replace(b'"', b'"\\ud800', 2),
    "lone-surrogate-list": lambda d: d.replace(b",", b",\"['a', '\\udc80']\",", 1),
    "controls": lambda d: d.replace(b" ", b" \x1b[2J\x9b\x07\xe2\x80\xae", 5),
    "nul-bytes": lambda d: d.replace(b"\n", b"\n\x00", 3),
}  # fmt: skip


@st.composite
def hostile(draw: st.DrawFn, seeds: list[tuple[str, bytes]]) -> tuple[str, bytes]:
    if draw(st.booleans()):
        return draw(mutated(seeds))
    suffix, data = draw(st.sampled_from(seeds))
    edit = draw(st.sampled_from(sorted(HOSTILE_EDITS)))
    return suffix, HOSTILE_EDITS[edit](data)


def import_beside_good(folder: Path, suffix: str, data: bytes) -> None:
    bad = folder / f"bad{suffix}"
    bad.write_bytes(data)
    good = folder / "good.csv"
    good.write_bytes(GOOD_CSV)
    store = Store(None)
    with time_limit(30):
        report = run_import(store, [bad, good])  # raises nothing: a bad file is a result
    by_path = {Path(r.path).name: r for r in report.files}
    assert by_path["good.csv"].imported == 1, by_path["good.csv"]
    refused = by_path["bad" + suffix].refused
    assert refused is None or "\n" not in refused


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_a_hostile_file_never_stops_the_good_one(
    name: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp(f"batch-{name}")

    @BATCH
    @given(case=hostile(SEEDS[name]))
    def check(case: tuple[str, bytes]) -> None:
        import_beside_good(folder, *case)

    check()


@pytest.mark.parametrize("edit", sorted(HOSTILE_EDITS))
def test_each_hostile_edit_of_a_workbook_and_a_json_list(edit: str, tmp_path: Path) -> None:
    for name in ("xlsx", "json", "nppes-json", "fhir", "csv"):
        for suffix, data in SEEDS.get(name, [])[:2]:
            import_beside_good(tmp_path, suffix, HOSTILE_EDITS[edit](data))
