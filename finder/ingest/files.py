"""The files of an import: folders expanded, contents hashed, record ids, and what a file or
record that cannot be read becomes (one line, controls stripped)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from finder.errors import ImportRefused, one_line
from finder.records.models import Record
from finder.records.normalize.text import has_unsafe, strip_controls, strip_controls_deep


def record_id(source_path: str, identity: str) -> str:
    return hashlib.sha1(f"{source_path}\0{identity}".encode()).hexdigest()[:16]


class RecordIds:
    """The record ids of one import. The same profile twice in one file stays two records
    (each row is evidence; the merge makes them one therapist): a copy is numbered on from
    the last copy's number, never by counting up from 1 for each of thousands of copies."""

    def __init__(self) -> None:
        self.seen: set[str] = set()
        self.taken: dict[tuple[str, str], int] = {}  # the last copy's number

    def new(self, source_path: str, identity: str) -> str:
        occurrence = self.taken.get((source_path, identity), 1)
        rid = record_id(source_path, identity if occurrence == 1 else f"{identity}#{occurrence}")
        while rid in self.seen:
            occurrence += 1
            rid = record_id(source_path, f"{identity}#{occurrence}")
        self.taken[(source_path, identity)] = occurrence
        self.seen.add(rid)
        return rid


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given, folders walked (sorted, hidden files and folders skipped)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = [
                child
                for child in sorted(path.rglob("*"))
                if child.is_file()
                and not any(p.startswith(".") for p in child.relative_to(path).parts)
            ]
            if not found:
                raise ImportRefused(path, "folder holds no files to import; nothing imported")
            out.extend(found)
        elif path.exists():
            out.append(path)
        else:
            raise ImportRefused(path, "no such file or folder")
    return out


def sha256_many(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def unreadable(err: Exception) -> str:
    """One line for a file an importer could not cope with (an odd shape it did not expect)."""
    if isinstance(err, MemoryError | RecursionError):
        return "too large or too deeply nested to read; nothing imported"
    if "integer string conversion" in str(err):
        return "holds a number thousands of digits long; not a therapist list, nothing imported"
    detail = one_line(str(err), 120)
    return f"could not be read ({type(err).__name__}{': ' + detail if detail else ''}); nothing imported"


def source_name(path: Path, renamed: dict[Path, str]) -> str:
    # A pipe read into a copy is named as given (/dev/fd/63); a file by its full path.
    original = renamed.get(path)
    if original is None:
        return str(path.resolve())
    return str(Path(original).resolve()) if Path(original).is_file() else original


def scrub_record(record: Record) -> None:
    """No control character from a file is stored, whichever importer read it."""
    if _clean((record.fields, record.extra, record.warnings, record.derived)):
        # Nearly every record: nothing to strip, and nothing is copied.
        record.locator = strip_controls(record.locator)
        if record.key is not None:
            record.key = strip_controls(record.key)
        return
    record.fields = strip_controls_deep(record.fields)
    record.extra = strip_controls_deep(record.extra)
    record.warnings = strip_controls_deep(record.warnings)
    if record.derived is not None:
        record.derived = strip_controls_deep(record.derived)
    record.locator = strip_controls(record.locator)
    if record.key is not None:
        record.key = strip_controls(record.key)


#: A JSON escape: a backslash and the character after it (``\\uXXXX``'s digits follow).
_JSON_ESCAPE = re.compile(rb"\\(.)")
#: The escapes of characters ``strip_controls`` keeps: quote, backslash, newline, tab.
_KEPT_ESCAPES = frozenset((b'"', b"\\", b"n", b"t"))


def _clean(values: Any) -> bool:
    """Whether ``strip_controls_deep`` would change no string in ``values`` (known from
    one orjson pass, without a call per value; ``False`` when unsure).

    orjson writes every character below a space as an escape and every other one as it
    is, so the text holds an unsafe character itself, or an escape of one.
    """
    try:
        text = orjson.dumps(values)
    except (TypeError, orjson.JSONEncodeError):  # a key or a value JSON cannot hold
        return False
    if b"\\" in text and not _KEPT_ESCAPES.issuperset(_JSON_ESCAPE.findall(text)):
        return False
    return not has_unsafe(text.decode())
