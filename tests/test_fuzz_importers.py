"""Hostile and broken input: every importer yields records or a clear error, nothing else.

Three layers:

- property tests (hypothesis) per importer, found with ``all_importers()``:
  arbitrary bytes, and the project's own small fixtures mutated (truncated,
  bit-flipped, re-encoded, spliced, a piece repeated into a huge cell);
- fixed hostile shapes for every importer: deep nesting, one huge line, HTML
  that never closes, NUL bytes, a lone BOM;
- the heavy ones (a zip-bomb-shaped XLSX, a 30 MB cell) in a child process
  with capped memory and a time limit, through the real `finder import`.

"Clear" means a ``FinderError`` (``ImportRefused`` for a file) whose message is
one line, or ``RowError`` values; records must be storable (plain JSON).
"""

from __future__ import annotations

import codecs
import io
import os
import signal
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finder import importers
from finder.errors import FinderError
from finder.importers.base import Deactivation, ParseContext
from finder.ingest.pipeline import run_import
from finder.records.models import Record, RowError
from finder.storage.store import Store

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
IMPORTERS = importers.all_importers()
NAMES = [imp.name for imp in IMPORTERS]
TIME_LIMIT = 20  # seconds for one parse: anything longer is a hang

FUZZ = settings(
    max_examples=50,
    deadline=timedelta(seconds=10),
    database=None,  # no .hypothesis folder in the project
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    def expired(signum: int, frame: Any) -> None:
        raise TimeoutError(f"still parsing after {seconds}s: a hang")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def outcome(importer: importers.Importer, path: Path) -> list[Record | RowError] | FinderError:
    """Parse ``path``; any exception but a one-line FinderError fails the test."""
    items: list[Record | RowError] = []
    with time_limit(TIME_LIMIT):
        try:
            for item in importer.module.parse(path, ParseContext()):
                if isinstance(item, Deactivation):  # NPPES: a deactivated NPI, no record
                    assert importer.name == "nppes-csv" and isinstance(item.npi, str), item
                    continue
                assert isinstance(item, Record | RowError), type(item)
                if isinstance(item, Record):
                    orjson.dumps(item.fields)  # storable as it is
                    orjson.dumps(item.extra)
                else:
                    assert "\n" not in str(item), str(item)
                items.append(item)
        except FinderError as err:
            message = str(err)
            assert message and "\n" not in message, message
            assert "Traceback" not in message
            return err
    return items


def via_pipeline(path: Path) -> None:
    """Detection plus the whole import pipeline, into a memory store."""
    with time_limit(TIME_LIMIT):
        try:
            report = run_import(Store(None), [path])
        except FinderError as err:
            assert "\n" not in str(err)
            return
    for result in report.files:
        assert result.refused is None or "\n" not in result.refused


# --- seeds: the project's own small fixtures, grouped by the importer that reads them -------


def _xlsx_seed() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Name", "Credentials", "City", "Types of Therapy"])
    sheet.append(["Dana Reyes", "LCSW", "Boston", "Interpersonal Psychotherapy (IPT)"])
    sheet.append(["Sam Okafor", "PhD", "Cambridge", "CBT"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _export_seed() -> bytes:
    from finder.ingest import editing
    from finder.storage.export import ExportFormat, collect, render

    store = Store(None)
    editing.add_therapist(store, {"name": "Dana Reyes", "statement": "IPT trained"})
    return render(collect(store, exported_at="2026-01-01T00:00:00+00:00"), ExportFormat.JSON)


def _pdf_seed() -> bytes:
    import tempfile

    import printed_fixtures

    with tempfile.TemporaryDirectory() as folder:
        return printed_fixtures.one_column(Path(folder) / "list.pdf", numbered=True).read_bytes()


def _seeds() -> dict[str, list[tuple[str, bytes]]]:
    found: dict[str, list[tuple[str, bytes]]] = {name: [] for name in NAMES}
    for path in sorted(FIXTURES.rglob("*")):
        if not path.is_file() or path.stat().st_size > 200_000 or "checklists" in path.parts:
            continue
        try:
            imp = importers.detect(path)
        except FinderError:
            continue
        found[imp.name].append((path.suffix, path.read_bytes()))
    found.setdefault("xlsx", []).append((".xlsx", _xlsx_seed()))
    found.setdefault("finder-export", []).append((".json", _export_seed()))
    found.setdefault("pdf", []).append((".pdf", _pdf_seed()))
    return found


SEEDS = _seeds()


@st.composite
def mutated(draw: st.DrawFn, seeds: list[tuple[str, bytes]]) -> tuple[str, bytes]:
    suffix, data = draw(st.sampled_from(seeds))
    how = draw(st.sampled_from(["truncate", "flip", "insert", "reencode", "repeat", "splice"]))
    at = draw(st.integers(0, max(len(data) - 1, 0)))
    if how == "truncate":
        return suffix, data[:at]
    if how == "flip":
        out = bytearray(data)
        for _ in range(draw(st.integers(1, 20))):
            i = draw(st.integers(0, max(len(out) - 1, 0)))
            if out:
                out[i] = draw(st.integers(0, 255))
        return suffix, bytes(out)
    if how == "insert":
        return suffix, data[:at] + draw(st.binary(min_size=1, max_size=200)) + data[at:]
    if how == "reencode":
        text = data.decode("utf-8", errors="replace")
        codec = draw(st.sampled_from(["utf-16", "utf-16-be", "utf-32", "cp1252", "latin-1"]))
        return suffix, text.encode(codec, errors="replace")
    if how == "repeat":  # one piece repeated into a huge cell or line
        piece = data[at : at + draw(st.integers(1, 40))] or b"x"
        return suffix, data[:at] + piece * draw(st.integers(1000, 20000)) + data[at:]
    _, other = draw(st.sampled_from(seeds))
    return suffix, data[:at] + other[draw(st.integers(0, max(len(other) - 1, 0))) :]


def test_every_importer_has_a_seed() -> None:
    assert [name for name in NAMES if not SEEDS.get(name)] == []


@pytest.mark.parametrize("name", NAMES)
def test_arbitrary_bytes(name: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    importer = importers.by_name(name)
    folder = tmp_path_factory.mktemp(f"bytes-{name}")
    suffix = SEEDS[name][0][0]

    @FUZZ
    @given(data=st.binary(max_size=3000))
    def check(data: bytes) -> None:
        path = folder / f"input{suffix}"
        path.write_bytes(data)
        outcome(importer, path)
        via_pipeline(path)

    check()


@pytest.mark.parametrize("name", NAMES)
def test_mutated_files(name: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    importer = importers.by_name(name)
    folder = tmp_path_factory.mktemp(f"mutated-{name}")

    @FUZZ
    @given(case=mutated(SEEDS[name]))
    def check(case: tuple[str, bytes]) -> None:
        suffix, data = case
        path = folder / f"input{suffix}"
        path.write_bytes(data)
        outcome(importer, path)
        via_pipeline(path)

    check()


HOSTILE: dict[str, bytes] = {
    "deep-json-array": b"[" * 200_000,
    "deep-json-object": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    "deep-ndjson": b'{"resourceType": "Practitioner"}\n' + b"[" * 200_000 + b"\n",
    "deep-but-valid-json": b'{"resourceType": "Bundle", "entry": ' + b"[" * 900 + b"]" * 900 + b"}",
    "deep-but-valid-object": b'{"results": ' + b'{"a": ' * 900 + b"1" + b"}" * 901,
    "deep-list-literal": b'name,languages\nDana,"' + b"[" * 50_000 + b'"\n',
    "one-huge-line": b"name,city," + b"x" * 5_000_000,
    "html-never-closed": b"<html><body>" + b"<div><p>Interpersonal Psychotherapy " * 20_000,
    "html-deep": b"<html><body>" + b"<div>" * 100_000 + b"Dana Reyes",
    "html-deep-microdata": b'<html><body><div itemscope itemtype="https://schema.org/Person">'
    + b'<span itemprop="name">Dana Reyes</span>'
    + b"<div>" * 5_000
    + b'<span itemprop="telephone">617-555-0101</span>',
    "nul-bytes": b"name,city\n" + b"\x00" * 100_000,
    "lone-bom": codecs.BOM_UTF8,
    "carriage-returns": b"name\r" + b"\r" * 1_000_000,
    "vcard-unfolding": b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Dana\r\n" + b" x\r\n" * 200_000,
    "json-huge-string": b'[{"name": "' + b"a" * 5_000_000 + b'"}]',
}


@pytest.mark.parametrize("shape", sorted(HOSTILE))
@pytest.mark.parametrize("name", NAMES)
def test_hostile_shapes(name: str, shape: str, tmp_path: Path) -> None:
    path = tmp_path / f"hostile{SEEDS[name][0][0]}"
    path.write_bytes(HOSTILE[shape])
    outcome(importers.by_name(name), path)


# --- heavy shapes: a real `finder import` in a child with capped memory ---------------------


def run_capped(home: Path, path: Path, memory_mb: int = 1200) -> subprocess.CompletedProcess[str]:
    import resource

    def cap() -> None:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    env = {**os.environ, "FINDER_HOME": str(home), "FINDER_NO_FIRST_RUN": "1"}
    return subprocess.run(
        [sys.executable, "-m", "finder", "import", str(path)], capture_output=True, text=True,
        env=env, cwd=ROOT, timeout=120, preexec_fn=cap,
    )  # fmt: skip


def _xlsx_bomb(path: Path, sheet_bytes: int) -> Path:
    """A small file that unpacks to a huge sheet: rows of the same cell, highly compressible."""
    seed = zipfile.ZipFile(io.BytesIO(_xlsx_seed()))
    row = b'<row><c t="inlineStr"><is><t>Dana Reyes</t></is></c></row>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for info in seed.infolist():
            if info.filename.endswith("sheet1.xml"):
                with bomb.open(info.filename, "w", force_zip64=True) as out:
                    out.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.'
                              b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>')  # fmt: skip
                    chunk = row * (1 << 14)
                    for _ in range(sheet_bytes // len(chunk)):
                        out.write(chunk)
                    out.write(b"</sheetData></worksheet>")
            else:
                bomb.writestr(info, seed.read(info))
    return path


@pytest.mark.slow
def test_zip_bomb_shaped_xlsx_is_refused(tmp_path: Path) -> None:
    bomb = _xlsx_bomb(tmp_path / "bomb.xlsx", 300 * 1024 * 1024)
    assert bomb.stat().st_size < 3 * 1024 * 1024
    done = run_capped(tmp_path / "home", bomb)
    assert done.returncode == 4, done.stderr
    assert done.stderr.splitlines()[0].startswith(f"Error: {bomb}: ")
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("suffix", [".csv", ".json", ".html", ".vcf"])
def test_a_30_mb_cell_is_handled_in_bounded_memory(tmp_path: Path, suffix: str) -> None:
    big = b"x" * (30 * 1024 * 1024)
    content = {
        ".csv": b'name,statement\nDana Reyes,"' + big + b'"\n',
        ".json": b'[{"name": "Dana Reyes", "statement": "' + big + b'"}]',
        ".html": b"<html><body><h1>Dana Reyes</h1><p>" + big + b"</p></body></html>",
        ".vcf": b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Dana Reyes\r\nNOTE:"
        + big
        + b"\r\nEND:VCARD\r\n",
    }[suffix]
    path = tmp_path / f"big{suffix}"
    path.write_bytes(content)
    done = run_capped(tmp_path / "home", path, memory_mb=1500)
    assert "Traceback" not in done.stderr
    assert done.returncode in (0, 4), done.stderr
    if done.returncode == 4:
        assert done.stderr.splitlines()[0].startswith(f"Error: {path}: ")
