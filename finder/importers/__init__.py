"""The importer registry: which module reads which file.

Every module in this package except ``base`` is an importer with the face
described in ``finder.importers.base``. Adding a format is adding a file here:
the registry discovers modules by listing the package, so nothing else changes.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from finder.errors import ImportRefused, UsageError
from finder.importers.base import (
    decode,
    error_page_reason,
    is_html,
    is_json,
    is_pdf,
    is_vcard,
    is_zip,
    names_npi,
    read_head,
)

_NOT_IMPORTERS = {"base", "nppes_scan"}  # helpers, not formats

#: Importers whose ``sniff`` answers 0 for any file whose first bytes fail this test.
#: ``detect`` tries the test before it imports the module: the PDF reader loads
#: pypdfium2 and the saved-page readers compile a hundred patterns, 60 ms that a CSV
#: import does not need, and the JSON, vCard, workbook and NPPES readers another 17 ms.
#: (tests/test_importer_registry.py holds each sniff to its gate.)
GATES: dict[str, Callable[[bytes], bool]] = {
    "pdf": is_pdf,
    "psychology_today": is_html,
    "goodtherapy": is_html,
    "schema_org": is_html,
    "fhir": is_json,
    "nppes_json": is_json,
    "jsonlist": is_json,
    # A finder export in JSON, or its Markdown form (which starts with an HTML comment).
    "finder_export": lambda head: head.lstrip()[:1] in (b"{", b"<"),
    "vcard": is_vcard,
    "xlsx": is_zip,
    "nppes_csv": names_npi,
}


@dataclass(frozen=True)
class Importer:
    name: str
    description: str
    module: ModuleType

    def sniff(self, path: Path, head: bytes) -> float:
        return float(self.module.sniff(path, head))


def _module_names() -> Iterator[str]:
    for info in pkgutil.iter_modules(__path__):
        if not (info.ispkg or info.name in _NOT_IMPORTERS or info.name.startswith("_")):
            yield info.name


def _load(module_name: str) -> Importer:
    module = importlib.import_module(f"{__name__}.{module_name}")
    return Importer(module.NAME, module.DESCRIPTION, module)


def all_importers() -> list[Importer]:
    return sorted((_load(name) for name in _module_names()), key=lambda imp: imp.name)


def _candidates(head: bytes) -> list[Importer]:
    """The importers that may claim ``head``, by name (the gated ones only past their gate)."""
    found = [_load(name) for name in _module_names() if name not in GATES or GATES[name](head)]
    return sorted(found, key=lambda imp: imp.name)


def by_name(name: str) -> Importer:
    for imp in all_importers():
        if imp.name == name:
            return imp
    names = ", ".join(imp.name for imp in all_importers())
    raise UsageError(f"unknown format {name!r}; known formats: {names}")


_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
    b"Rar!": "a RAR archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
    b"\x00\x00\x00\x18ftyp": "a video",
    b"\x00\x00\x00\x1cftyp": "a video",
    b"\x00\x00\x00\x20ftyp": "a video",
    b"\x1aE\xdf\xa3": "a video",
    b"ID3": "an audio file",
    b"\xd0\xcf\x11\xe0": "an old-style Office file (.xls/.doc); save it as .xlsx or .csv",
    b"SQLite format 3": "a SQLite database",
    b"\x7fELF": "a program",
    b"MZ": "a Windows program",
}


def detect(path: Path, head: bytes | None = None) -> Importer:
    """The importer for ``path``, recognised from its content; refuses what none can read."""
    if head is None:
        head = read_head(path)
    if not head.strip():
        raise ImportRefused(path, "file is empty; nothing imported")
    best: tuple[float, Importer] | None = None
    for imp in _candidates(head):
        try:
            score = imp.sniff(path, head)
        except Exception:  # a sniffer must never stop another from trying
            score = 0.0
        if score > 0 and (best is None or score > best[0]):
            best = (score, imp)
    if best is not None and best[0] >= 0.5:
        return best[1]

    reason = error_page_reason(decode(head)) if len(head) < 20000 else None
    if reason:
        raise ImportRefused(path, reason)
    for magic, what in _MAGIC.items():
        if head.startswith(magic) or (magic.startswith(b"\x00") and head[:12].find(b"ftyp") == 4):
            raise ImportRefused(path, f"this is {what}, not a therapist list; nothing imported")
    if best is not None:  # a weak guess, but better than nothing once no signature matched
        return best[1]
    raise ImportRefused(
        path,
        "not a format finder can read (see `finder import --list-formats`); nothing imported",
    )
