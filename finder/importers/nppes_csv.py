"""The NPPES bulk data file (``npidata_pfile_*.csv``) -> records, streamed row by row.

The CMS data dissemination file has one row per NPI and about 330 columns:
names, mailing and practice-location addresses, 15 taxonomy/licence slots
("Healthcare Provider Taxonomy Code_1..15", "Provider License Number_1..15",
"Provider License Number State Code_1..15", "Healthcare Provider Primary
Taxonomy Switch_1..15"), 50 other-identifier slots and a few more. The full
file holds about 9 million rows (over 10 GB), so it is read one row at a time
in constant memory: nothing is kept between rows but counters.

By default only providers with at least one behavioural-health taxonomy are
kept (``finder.records.taxonomy.is_behavioral``); ``ctx.all_taxonomies`` keeps all.
How many were skipped is reported through ``ctx.warn``. Columns are found by
name, not position, so older layouts ("Provider Gender Code") and newer ones
("Provider Sex Code", "Certification Date", the longer v2 name fields) read
the same; any non-empty column not mapped to a field goes into ``extra``.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import operator
import re
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from finder.errors import ImportRefused
from finder.importers import nppes_scan
from finder.importers.base import HEAD_BYTES, Deactivation, ParseContext, decode, detect_encoding
from finder.importers.nppes_json import NpiEntry, Slot, build_record, str_text
from finder.records.models import Record, RowError

NAME = "nppes-csv"
DESCRIPTION = "NPPES bulk data dissemination file (npidata_pfile CSV, 15 taxonomy slots)"

SLOTS = 15
_REQUIRED = ("npi", "entity type code", "healthcare provider taxonomy code_1")

_PERSON = {
    "first_name": "provider first name",
    "middle_name": "provider middle name",
    "last_name": "provider last name (legal name)",
    "name_suffix": "provider name suffix text",
    "credential": "provider credential text",
    "organization_name": "provider organization name (legal business name)",
}
_PLACE = {
    "address_1": "first line business {} address",
    "address_2": "second line business {} address",
    "city": "business {} address city name",
    "state": "business {} address state name",
    "postal_code": "business {} address postal code",
    "country_code": "business {} address country code (if outside u.s.)",
    "telephone_number": "business {} address telephone number",
    "fax_number": "business {} address fax number",
}
_EXTRA_NAMES = {
    "last update date": "last_updated",
    "provider enumeration date": "enumeration_date",
    "npi deactivation date": "deactivation_date",
    "npi reactivation date": "reactivation_date",
    "is sole proprietor": "sole_proprietor",
}


def _key(header: str) -> str:
    return re.sub(r"\s+", " ", header.replace("\ufeff", "")).strip().strip('"').lower()


def _place_column(kind: str, template: str) -> str:
    return "provider " + template.format(kind)


def sniff(path: Path, head: bytes) -> float:
    if head.startswith(b"PK\x03\x04"):
        # The monthly ZIP archive: its main file is named in the head when it comes first,
        # else in the archive's directory (the endpoint and other-name files come before).
        return 0.95 if b"npidata_pfile" in head[:4096].lower() or _main_member(path) else 0.0
    first = decode(head[:40000]).lstrip("\ufeff").split("\n", 1)[0]
    keys = {_key(h) for h in first.split(",")}
    if all(k in keys for k in _REQUIRED):
        return 0.95
    if "npi" in keys and any(k.startswith("healthcare provider taxonomy code_") for k in keys):
        return 0.9
    return 0.0


class _Columns:
    """Where each field lives in this file's header."""

    def __init__(self, path: Path, header: list[str]) -> None:
        index: dict[str, int] = {}
        for i, name in enumerate(header):
            index.setdefault(_key(name), i)
        missing = [k for k in _REQUIRED if k not in index]
        if missing:
            raise ImportRefused(
                path,
                "not an NPPES data file: no column "
                + ", ".join(repr(m) for m in missing)
                + "; nothing imported",
            )
        self.width = len(header)
        self.header = header
        self.npi = index["npi"]
        self.entity = index["entity type code"]
        self.person = {f: index.get(col) for f, col in _PERSON.items()}
        self.gender = index.get("provider gender code", index.get("provider sex code"))
        self.location = {
            f: index.get(_place_column("practice location", t)) for f, t in _PLACE.items()
        }
        self.mailing = {f: index.get(_place_column("mailing", t)) for f, t in _PLACE.items()}
        self.slots: list[tuple[int, int | None, int | None, int | None]] = []
        for n in range(1, SLOTS + 1):
            code = index.get(f"healthcare provider taxonomy code_{n}")
            if code is None:
                continue
            self.slots.append(
                (
                    code,
                    index.get(f"provider license number_{n}"),
                    index.get(f"provider license number state code_{n}"),
                    index.get(f"healthcare provider primary taxonomy switch_{n}"),
                )
            )
        used: set[int] = {self.npi, self.entity}
        used.update(i for i in self.person.values() if i is not None)
        used.update(i for i in self.location.values() if i is not None)
        used.update(i for i in self.mailing.values() if i is not None)
        for slot in self.slots:
            used.update(i for i in slot if i is not None)
        if self.gender is not None:
            used.add(self.gender)
        self.missing = [
            _PERSON["last_name"] if self.person["last_name"] is None else "",
            *(
                _place_column("practice location", _PLACE[f])
                for f in ("city", "state", "postal_code")
                if self.location[f] is None
            ),
        ]
        self.missing = [m for m in self.missing if m]
        self.scan = nppes_scan.Columns(
            width=self.width,
            entity=self.entity,
            slots=[slot[0] for slot in self.slots],
            state=self.location["state"],
            postal=self.location["postal_code"],
            npi=self.npi,
            deactivated=index.get("npi deactivation date"),
        )
        # Everything else (identifiers, authorised official, taxonomy groups, ...) -> extra:
        # each column with its label, or ``None`` for a column read into a field.
        rest = {i: _EXTRA_NAMES.get(_key(name), name.strip()) for i, name in enumerate(header)}
        self.labels = [(i, None if i in used else rest[i]) for i in range(self.width)]
        # A missing column is read as "": a row is given one more, empty, field at the end.
        at = lambda i: self.width if i is None else i  # noqa: E731
        self.person_at = _getter([at(i) for i in self.person.values()])
        self.location_at = _getter([at(i) for i in self.location.values()])
        self.mailing_at = _getter([at(i) for i in self.mailing.values()])
        self.codes_at = _getter([slot[0] for slot in self.slots])
        self.slot_at = [tuple(map(at, slot[1:])) for slot in self.slots]
        self.gender_at = at(self.gender)


def _getter(indexes: list[int]) -> Callable[[list[str]], tuple[str, ...]]:
    """The fields at ``indexes`` of a row, as a tuple (made in C)."""
    if len(indexes) == 1:
        return lambda row: (row[indexes[0]],)
    return operator.itemgetter(*indexes) if indexes else (lambda row: ())


def _entry(cols: _Columns, row: list[str], codes: list[tuple[str, int]]) -> NpiEntry:
    """A row (with one empty field added at its end) -> ``NpiEntry``."""
    slots = []
    for code, n in codes:
        lic, state, switch = cols.slot_at[n]
        slots.append(
            Slot(
                code=code,
                license=str_text(row[lic]),
                state=str_text(row[state]),
                primary=row[switch].strip().upper() == "Y",
            )
        )
    extra: dict[str, Any] = {}
    # Most of the 330 columns are empty: those are left out in C before reading the value.
    for i, label in itertools.compress(cols.labels, row):
        if label is not None and (value := str_text(row[i])) is not None:
            extra[label] = value
    extra["status"] = (
        "deactivated"
        if extra.get("deactivation_date") and not extra.get("reactivation_date")
        else "active"
    )
    # By name, not by place: a reordered ``_PERSON`` must not swap a first and last name.
    person = dict(zip(_PERSON, cols.person_at(row), strict=True))
    return NpiEntry(
        npi=row[cols.npi],
        is_organization=row[cols.entity].strip() == "2",
        organization_name=person["organization_name"],
        first_name=person["first_name"],
        middle_name=person["middle_name"],
        last_name=person["last_name"],
        name_suffix=person["name_suffix"],
        credential=person["credential"],
        gender=row[cols.gender_at],
        slots=slots,
        location=dict(zip(_PLACE, cols.location_at(row), strict=True)),
        mailing=dict(zip(_PLACE, cols.mailing_at(row), strict=True)),
        extra=extra,
    )


def _main_member(path: Path) -> str | None:
    with contextlib.suppress(OSError, zipfile.BadZipFile), zipfile.ZipFile(path) as archive:
        return next((n for n in archive.namelist() if _is_main(n)), None)
    return None


def _is_main(name: str) -> bool:
    low = name.lower()
    return "npidata_pfile" in low and low.endswith(".csv") and "fileheader" not in low


@contextlib.contextmanager
def _open(path: Path) -> Iterator[tuple[IO[bytes], Callable[[], int]]]:
    """The file's bytes and how far through the file they are; a ZIP archive is read
    from inside (NPPES ships the CSV in one, beside a header-only file and a PDF)."""
    if not zipfile.is_zipfile(path):
        with open(path, "rb") as raw:
            yield raw, raw.tell
        return
    with zipfile.ZipFile(path) as archive:
        members = [
            m
            for m in archive.infolist()
            if m.filename.lower().endswith(".csv") and "fileheader" not in m.filename.lower()
        ]
        if not members:
            raise ImportRefused(path, "a ZIP archive with no CSV file in it; nothing imported")
        main = [m for m in members if _is_main(m.filename)]
        member = max(main or members, key=lambda m: m.file_size)
        share = path.stat().st_size / max(1, member.file_size)
        with archive.open(member) as inner:
            raw = io.BufferedReader(inner, 1 << 20)  # type: ignore[arg-type]
            yield raw, lambda: int(inner.tell() * share)


def _columns_missing(path: Path, cols: _Columns, ctx: ParseContext) -> None:
    """Refuse a filter that needs a column the file lacks; warn of other missing ones."""
    if ctx.region.states and cols.location["state"] is None:
        raise ImportRefused(
            path,
            f"--state needs the column {_place_column('practice location', _PLACE['state'])!r}, "
            "not found in the header; nothing imported",
        )
    if ctx.region.near is not None and cols.location["postal_code"] is None:
        raise ImportRefused(
            path,
            f"--near needs the column {_place_column('practice location', _PLACE['postal_code'])!r}, "
            "not found in the header; nothing imported",
        )
    if cols.missing:
        ctx.warn(f"{path}: columns not found (renamed?), left empty: " + ", ".join(cols.missing))


def parse(path: Path, ctx: ParseContext) -> Iterator[Record | RowError | Deactivation]:
    counts: dict[str, int] = dict.fromkeys(("keep", "inactive", "taxonomy", "region"), 0)
    kept = 0
    with _open(path) as (raw, where):
        head = raw.peek(HEAD_BYTES)[:HEAD_BYTES] if hasattr(raw, "peek") else b""
        encoding = detect_encoding(head)
        errors = "finder-cp1252" if encoding == "cp1252" else "replace"
        first = raw.readline()
        if not first.strip():
            raise ImportRefused(path, "file is empty; nothing imported")
        try:
            header = next(csv.reader([first.decode(encoding, errors).lstrip("\ufeff")]))
        except (csv.Error, StopIteration) as err:
            raise ImportRefused(path, f"header line is not valid CSV ({err})") from None
        cols = _Columns(path, header)
        _columns_missing(path, cols, ctx)
        rule = nppes_scan.RowFilter(cols.scan, ctx.region, all_taxonomies=ctx.all_taxonomies)
        # csv's own field limit is 128 KB; a broken quote in a 10 GB file would otherwise
        # swallow the rest of it into one field.
        csv.field_size_limit(min(sys.maxsize, 1 << 20))
        cut: nppes_scan.Line | None = None

        def tick(number: int) -> None:
            ctx.progress(where(), (number - 1, kept))

        decode = lambda b: b.decode(encoding, errors)  # noqa: E731
        for line, row in nppes_scan.scan(raw, rule, decode, counts, tick):
            if isinstance(row, nppes_scan.Deactivated):
                yield Deactivation(f"line {line.number}", row.npi, row.date)
                continue
            if isinstance(row, csv.Error):
                yield RowError(f"line {line.number}", f"not valid CSV ({row}); skipped")
                continue
            if len(row) != cols.width:
                if not line.complete:
                    cut = line
                    break
                yield RowError(
                    f"line {line.number}",
                    f"has {len(row)} columns, the header has {cols.width}; skipped",
                )
                continue
            row.append("")  # what a missing column reads as
            record = build_record(_entry(cols, row, _codes(cols, row)), f"line {line.number}")
            if isinstance(record, Record):
                kept += 1
            yield record
        ctx.progress(where(), (sum(counts.values()), kept))
    if cut is not None:
        yield RowError(
            f"line {cut.number}",
            f"the file ends in the middle of this row (an interrupted download?): the {kept:,} "
            "provider(s) before it were read; download the file again for the rest",
        )
    _summarise(path, ctx, counts, kept)


def _codes(cols: _Columns, row: list[str]) -> list[tuple[str, int]]:
    """The row's taxonomy codes (stripped, in capitals), each with its slot's number."""
    values = cols.codes_at(row)
    found = []
    for n, raw in itertools.compress(enumerate(values), values):
        if code := raw.strip().upper():
            found.append((code, n))
    return found


def _summarise(path: Path, ctx: ParseContext, counts: dict[str, int], kept: int) -> None:
    skipped, outside, inactive = counts["taxonomy"], counts["region"], counts["inactive"]
    if skipped:
        ctx.warn(
            f"{path}: skipped {skipped:,} provider(s) with no behavioural-health taxonomy "
            "(import with --all-taxonomies to keep them)"
        )
    if outside:
        ctx.warn(f"{path}: skipped {outside:,} provider(s) outside the --state/--near area")
    if inactive:
        ctx.warn(f"{path}: skipped {inactive:,} deactivated NPI(s) with no details")
    if kept == 0:
        if outside:
            raise ImportRefused(
                path,
                f"no provider among {skipped + outside:,} NPPES rows practises in the "
                "--state/--near area with a behavioural-health taxonomy; nothing imported",
            )
        if skipped:
            raise ImportRefused(
                path,
                f"no behavioural-health providers among {skipped:,} NPPES rows; nothing "
                "imported (use --all-taxonomies to keep every provider)",
            )
        raise ImportRefused(path, "no therapist records recognised in this NPPES file")
