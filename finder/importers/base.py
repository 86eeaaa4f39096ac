"""What every importer shares: the parse context, decoding, and refusing bad files.

An importer is a module with the same face (see ``finder.importers``)::

    NAME: str                     # the --format name
    DESCRIPTION: str              # one line for --list-formats
    def sniff(path: Path, head: bytes) -> float      # 0.0 (not mine) .. 1.0 (certainly mine)
    def parse(path: Path, ctx: ParseContext) -> Iterator[Record | RowError]

``parse`` yields records as it reads (so large files stream), yields a
``RowError`` for each part it cannot read, and raises ``ImportRefused`` when
the file as a whole is not something it can import. A bulk NPPES file also yields
a ``Deactivation`` for a row that only says an NPI was deactivated.
"""

from __future__ import annotations

import codecs
import os
import re
import select
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from finder.errors import ImportRefused
from finder.records.normalize.text import SURROGATE_ESCAPE, drop_surrogates

HEAD_BYTES = 65536

#: Above this a file is refused before it is read; streaming formats raise it.
DEFAULT_MAX_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class Region:
    """Where the clinicians kept from a bulk file practise (``--state``, ``--near``)."""

    states: frozenset[str] = frozenset()
    near: tuple[float, float] | None = None
    radius_miles: float = 25.0

    @property
    def active(self) -> bool:
        return bool(self.states) or self.near is not None


@dataclass
class ParseContext:
    """Options and callbacks an importer may use; all have safe defaults."""

    column_map: dict[str, str] = field(default_factory=dict)  # --map COLUMN=FIELD
    columns: list[str | None] | None = None  # --columns: a headerless file's fields by position
    country: str | None = None  # --country: the ISO code of records that do not say theirs
    all_taxonomies: bool = False  # NPPES, PDF: keep non behavioural-health providers
    pages: str | None = None  # PDF: read only these pages ("1405-1485")
    region: Region = field(default_factory=Region)  # NPPES: --state, --near
    warn: Callable[[str], None] = lambda message: None  # a file-level warning for stderr
    # Bytes consumed so far; a bulk importer that filters also gives (rows read, rows kept).
    progress: Callable[..., None] = lambda nbytes, rows=None: None
    source_label: str | None = None  # a URL when the file was fetched
    # What the import works out from each record's fields (IPT evidence, coordinates).
    # An importer may call it where it makes each record and keep the result on
    # ``Record.derived`` (otherwise the import calls it later); one that makes records
    # in two processes calls ``prepare`` first, so that both share what it loads.
    derive: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    prepare: Callable[[], None] = lambda: None


#: Therapist data nests a handful of levels (a FHIR bundle about ten); far deeper JSON is
#: garbage or an attack on the recursive readers after the parser, so it is refused first.
MAX_JSON_DEPTH = 64


def nested_too_deep(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether parsed JSON nests lists and objects more than ``limit`` levels (walked with
    a stack, not recursion, so the check itself cannot overflow)."""
    if not isinstance(value, dict | list):
        return False
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


HTML_SNIFF = re.compile(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s", re.I)


def is_html(head: bytes) -> bool:
    """Whether a file's first bytes are a web page's."""
    return bool(HTML_SNIFF.search(head[:4096])) or bool(re.search(rb"<html[\s>]", head, re.I))


def is_pdf(head: bytes) -> bool:
    return head[:1024].lstrip(b"\r\n\t \x00").startswith(b"%PDF")


def is_zip(head: bytes) -> bool:
    """Whether a file's first bytes are a ZIP archive's (an .xlsx workbook is one)."""
    return head.startswith(b"PK\x03\x04")


def is_json(head: bytes) -> bool:
    """Whether a file's text starts like JSON (``{`` or ``[``), past a byte-order mark and
    blank space, in its bytes or in the text they decode to."""
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return True
    return decode(head).lstrip("\ufeff").lstrip()[:1] in ("{", "[")


def is_vcard(head: bytes) -> bool:
    """Whether a file's text starts with a vCard."""
    return decode(head[:4096]).lstrip("\ufeff \t\r\n")[:11].upper() == "BEGIN:VCARD"


def names_npi(head: bytes) -> bool:
    """Whether a file is a ZIP archive or its first line names an NPI column somewhere."""
    if is_zip(head):
        return True
    first = decode(head[:40000]).split("\n", 1)[0]
    return "npi" in first.replace("\ufeff", "").lower()


@dataclass(frozen=True)
class Deactivation:
    """A bulk file's word that an NPI is deactivated, in a row with nothing else (NPPES).

    Not a record: the import marks the record it already holds for that NPI, if any.
    """

    locator: str
    npi: str
    date: str


def read_head(path: Path, size: int = HEAD_BYTES) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(size)


def detect_encoding(data: bytes) -> str:
    """The encoding of ``data``: a BOM wins, then UTF-8 if it decodes, else Windows-1252.

    Windows-1252 is the right fallback for what US directories and Excel write;
    every byte sequence decodes under it (five undefined bytes are mapped below).
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if looks_utf16_without_bom(data):
        return "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        # A multi-byte character cut at the end of a sample is still UTF-8.
        if err.start < len(data) - 4:
            return "cp1252"
    return "utf-8"


def looks_utf16_without_bom(data: bytes) -> bool:
    sample = data[:400]
    if len(sample) < 8:
        return False
    zeros_odd = sample[1::2].count(0)
    zeros_even = sample[0::2].count(0)
    half = len(sample) // 2
    return zeros_odd > half * 0.6 or zeros_even > half * 0.6


def _cp1252_lenient(err: UnicodeError) -> tuple[str, int]:
    # cp1252 leaves 0x81, 0x8D, 0x8F, 0x90 and 0x9D undefined; read them as Latin-1.
    assert isinstance(err, UnicodeDecodeError)
    return err.object[err.start : err.end].decode("latin-1"), err.end


codecs.register_error("finder-cp1252", _cp1252_lenient)


def decode(data: bytes, encoding: str | None = None) -> str:
    encoding = encoding or detect_encoding(data)
    errors = "finder-cp1252" if encoding == "cp1252" else "replace"
    return data.decode(encoding, errors=errors)


def read_text(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, encoding: str | None = None) -> str:
    """The whole file as text, refusing files over ``max_bytes`` with a clear message."""
    check_size(path, max_bytes)
    data = path.read_bytes()
    return decode(data, encoding)


def check_size(path: Path, max_bytes: int) -> None:
    size = path.stat().st_size
    if size > max_bytes:
        raise ImportRefused(
            path,
            f"file is {human_size(size)}, over the {human_size(max_bytes)} limit for this "
            "format; is it really a therapist list?",
        )


def human_size(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


_ERROR_PAGE = re.compile(
    r"\b(404|403|500|502|503)\b[^\n]{0,40}\b(not found|forbidden|error|unavailable)\b"
    r"|\bpage not found\b|\baccess denied\b|\bfile not found\b|\bforbidden\b"
    r"|\bunder maintenance\b|\bdown for maintenance\b|\bservice unavailable\b"
    r"|\bare you a (?:human|robot)\b|\bcaptcha\b|\bplease enable (?:javascript|cookies)\b",
    re.I,
)


def error_page_reason(text: str) -> str | None:
    """If ``text`` (a small page's visible text) is an error page, say which kind."""
    sample = re.sub(r"<[^>]+>", " ", text[:20000])
    sample = re.sub(r"\s+", " ", sample).strip()
    if len(sample) > 3000:
        return None
    m = _ERROR_PAGE.search(sample)
    if not m:
        return None
    return f"this is a saved error page ({sample[:60]!r}), not a therapist page; nothing imported"


# --- what is handed to the importers -----------------------------------------------------------
# Importers read regular files. A named pipe or a process substitution (`<(cat list.csv)`)
# is read as a stream into a private copy, within the size limit; a device (/dev/zero) or
# a socket is refused. NUL bytes, which no therapist list holds and which make a text file
# look binary, are dropped from a copy, with a warning naming the line.

STREAM_WAIT = 30.0  # seconds a pipe may stay silent before it is given up
_COPY_CHUNK = 1 << 20


def stage(path: Path, folder: Path, warn: Callable[[str], None]) -> Path:
    """The file the importers should read for ``path``: itself, or a copy in ``folder``."""
    mode = path.stat().st_mode
    if stat.S_ISFIFO(mode):
        return _copy(path, folder, warn, stream=True)
    if not stat.S_ISREG(mode):
        raise ImportRefused(
            path,
            "is a device or a socket, not a file; save what it holds to a file and import that",
        )
    head = read_head(path)
    if path.stat().st_size > DEFAULT_MAX_BYTES:
        return path  # its importer refuses it (or streams it) without this reading it first
    if (
        head.startswith((b"PK", b"\x89PNG", b"%PDF", b"\x1f\x8b", b"GIF8", b"\xff\xd8\xff"))
        or head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        or looks_utf16_without_bom(head)
        or head.count(b"\0") > 16 + len(head) // 100
    ):
        return path  # a workbook, an image, UTF-16 text or a binary file: named as it is
    if b"\0" not in head and not _has_nul(path):
        return path
    return _copy(path, folder, warn, stream=False)


def _has_nul(path: Path) -> bool:
    with open(path, "rb") as fh:
        return any(b"\0" in chunk for chunk in iter(lambda: fh.read(_COPY_CHUNK), b""))


def _copy(path: Path, folder: Path, warn: Callable[[str], None], *, stream: bool) -> Path:
    target = folder / f"{len(list(folder.iterdir())):04d}-{path.name or 'stream'}"
    lines: list[int] = []
    line = 1
    size = 0
    fd = os.open(path, os.O_RDONLY | (os.O_NONBLOCK if stream else 0))
    try:
        with open(target, "wb") as out:
            os.chmod(target, 0o600)
            chunks = _chunks(fd, path) if stream else iter(lambda: os.read(fd, _COPY_CHUNK), b"")
            for chunk in chunks:
                size += len(chunk)
                if size > DEFAULT_MAX_BYTES:
                    raise ImportRefused(
                        path, f"passed the {human_size(DEFAULT_MAX_BYTES)} limit while being "
                        "read; is it really a therapist list?",
                    )  # fmt: skip
                if b"\0" in chunk:
                    pieces = chunk.split(b"\n")  # piece i is on line `line + i`
                    lines.extend(line + i for i, piece in enumerate(pieces) if b"\0" in piece)
                    chunk = chunk.replace(b"\0", b"")
                line += chunk.count(b"\n")
                out.write(chunk)
    finally:
        os.close(fd)
    if stream and size == 0:
        raise ImportRefused(path, "nothing was written to this pipe; nothing imported")
    lines = sorted(set(lines))
    if lines:
        more = f" (and {len(lines) - 1} more line(s))" if len(lines) > 1 else ""
        warn(f"{path}: NUL bytes dropped on line {lines[0]}{more}")
    return target


def _chunks(fd: int, path: Path) -> Iterator[bytes]:
    """What a pipe delivers, until its writer closes it; silence over STREAM_WAIT ends it."""
    try:
        first = os.read(fd, _COPY_CHUNK)
    except BlockingIOError:
        first = None  # a writer is there, it has not written yet
    if first == b"":
        return  # no writer at all: an empty pipe, said by the caller
    if first:
        yield first
    while True:
        ready, _, _ = select.select([fd], [], [], STREAM_WAIT)
        if not ready:
            raise ImportRefused(path, f"the pipe sent nothing for {STREAM_WAIT:g}s; stopped")
        try:
            chunk = os.read(fd, _COPY_CHUNK)
        except BlockingIOError:
            continue
        if not chunk:
            return
        yield chunk


class BrokenCharacters:
    """Lone surrogates in parsed JSON: a "\\udXXX" escape without its partner is half a
    character, which no screen or file can hold. Bad input is normal input: each value
    loses the broken character, its record is imported, and one warning names the rows
    and fields (at most 20, the rest counted)."""

    SHOWN = 20

    def __init__(self, path: Path, warn: Callable[[str], None]) -> None:
        self.path, self.warn = path, warn
        self.found: list[str] = []

    @classmethod
    def watch(cls, text: str, path: Path, warn: Callable[[str], None]) -> BrokenCharacters | None:
        """A watcher for a file's JSON ``text``; ``None`` when it has no such escape."""
        return cls(path, warn) if SURROGATE_ESCAPE.search(text) else None

    def dropped(self, value: Any, locator: str) -> Any:
        """``value`` (a row, a resource) without lone surrogates; where they were is noted."""
        clean, where = drop_surrogates(value)
        self.found += [f"{locator} {key!r}" for key in where]
        return clean

    def report(self) -> None:
        if not self.found:
            return
        named = ", ".join(self.found[: self.SHOWN])
        more = len(self.found) - self.SHOWN
        self.warn(
            f"{self.path}: {len(self.found):,} value(s) held a broken character (an unpaired "
            f"\\ud800-\\udfff escape), dropped from: {named}"
            + (f" and {more:,} more" if more > 0 else "")
        )
        self.found.clear()
