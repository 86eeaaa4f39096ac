"""The import pipeline: files in, records stored, a summary out.

``run_import`` walks folders, recognises each file's format from its content,
runs the importer, classifies and geocodes each record once, then writes every
change in one store transaction and links records to therapists (merge). It
never prints: progress and warnings go to callbacks, the result is an
``ImportReport`` the CLI formats.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from finder import importers
from finder.errors import FinderError, ImportRefused, one_line
from finder.importers.base import ParseContext, read_head
from finder.ingest.parallel import Background, map_in_halves
from finder.judge.enrich import enrich
from finder.records import geo
from finder.records.models import Record, RowError, SourceKind, now_iso
from finder.storage.store import Doc, Store

ProgressFn = Callable[[str, int, int], None]  # (path, bytes done, bytes total)


@dataclass
class FileResult:
    path: str
    format: str | None = None
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    refused: str | None = None
    mapping: dict[str, str | None] | None = None
    preview: list[Record] = field(default_factory=list)
    restored: dict[str, int] = field(default_factory=dict)  # finder export: table -> added

    @property
    def stored(self) -> int:
        return self.imported + self.updated + self.unchanged


@dataclass
class ImportReport:
    files: list[FileResult] = field(default_factory=list)
    dry_run: bool = False

    def total(self, attr: str) -> int:
        return sum(
            len(getattr(f, attr)) if attr == "rejected" else getattr(f, attr) for f in self.files
        )

    @property
    def refused(self) -> list[FileResult]:
        return [f for f in self.files if f.refused]


def record_id(source_path: str, identity: str) -> str:
    return hashlib.sha1(f"{source_path}\0{identity}".encode()).hexdigest()[:16]


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


def _sha256_many(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def _parse_group(
    importer: importers.Importer, files: list[Path], ctx: ParseContext, joined: Path | None
) -> Iterator[tuple[Path, Record | RowError]]:
    """Run an importer; one that joins across files (FHIR) gets the whole group at once."""
    if joined is not None:
        for value in importer.module.parse_many(files, ctx):
            yield joined, value
        return
    for path in files:
        for value in importer.module.parse(path, ctx):
            yield path, value


def run_import(store: Store, paths: Iterable[Path], **options: Any) -> ImportReport:
    """Import ``paths`` into ``store``; see ``_run_import`` for the options.

    The cyclic garbage collector is paused meanwhile: an import allocates hundreds of
    thousands of small dicts and no cycles, and each collection would rescan them all
    (a third of the time of a 100,000-row import). Afterwards what the import made is
    frozen (moved out of the collector's sight) before it resumes: otherwise its first
    collection would walk every one of those objects once more. Frozen objects are
    still freed as usual when nothing refers to them.
    """
    files = expand_paths(paths)
    enrichment = _Enrichment(files, active=not options.get("dry_run"))
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _run_import(store, files, enrichment, **options)
    finally:
        enrichment.close()
        if was_enabled:
            gc.freeze()
            gc.enable()


#: From this many bytes of input on, the ZIP table is read by a second process while
#: the files are read (it takes about half a second).
BACKGROUND_ZIP_BYTES = 1 << 20


class _Enrichment:
    """``enrich`` for the records of one import, and the ZIP table it needs.

    A big import has the table read by a second process while this one reads the
    files; importers that make records in two processes call ``enrich`` there
    (``ParseContext.derive``), after ``prepare`` has the table in memory.
    """

    def __init__(self, files: list[Path], *, active: bool) -> None:
        self.active = active
        self._table: Background[dict[str, tuple[float, float]]] | None = None
        if active and not geo.loaded() and _total_bytes(files) >= BACKGROUND_ZIP_BYTES:
            self._table = Background(geo.read_table)

    def prepare(self) -> None:
        """Have the ZIP table in memory (before a second process starts, so both share it)."""
        table, self._table = self._table, None
        geo.load(table)

    def derive(self, fields: dict[str, Any]) -> dict[str, Any]:
        if self._table is not None and fields.get("zip"):
            self.prepare()  # the table being read in the background, rather than again
        return enrich(fields)

    def close(self) -> None:
        if self._table is not None:
            self._table.cancel()
            self._table = None


def _total_bytes(files: list[Path]) -> int:
    total = 0
    for path in files:
        with contextlib.suppress(OSError):
            total += path.stat().st_size
    return total


def _run_import(
    store: Store,
    files: list[Path],
    enrichment: _Enrichment,
    *,
    format: str | None = None,
    column_map: dict[str, str] | None = None,
    all_taxonomies: bool = False,
    dry_run: bool = False,
    preview: int = 5,
    warn: Callable[[str], None] = lambda message: None,
    progress: ProgressFn | None = None,
    source_label: str | None = None,
) -> ImportReport:
    report = ImportReport(dry_run=dry_run)
    results: dict[Path, FileResult] = {p: FileResult(str(p)) for p in files}
    report.files = list(results.values())
    groups: dict[str, tuple[importers.Importer, list[Path]]] = {}
    for path in files:
        result = results[path]
        try:
            head = read_head(path)
            imp = importers.by_name(format) if format else importers.detect(path, head)
        except ImportRefused as err:
            result.refused = err.reason
            continue
        except OSError as err:
            result.refused = f"cannot read: {err.strerror}"
            continue
        result.format = imp.name
        groups.setdefault(imp.name, (imp, []))[1].append(path)

    stamp = now_iso()
    parsed: list[tuple[Path, Record]] = []
    members: dict[Path, list[Path]] = {}
    for imp, group in groups.values():
        if getattr(imp.module, "restore", None) is not None and not dry_run:
            _restore(store, imp, group, results, warn)
            continue
        units: list[tuple[Path, list[Path], Path | None]]
        if getattr(imp.module, "parse_many", None) is not None and len(group) > 1:
            # Resources that reference each other across files are read as one set; the
            # set is one source, named by the folder that holds it.
            joined = Path(os.path.commonpath([str(p.parent) for p in group]))
            for path in group:
                report.files.remove(results.pop(path))
            results[joined] = FileResult(f"{joined} ({len(group)} {imp.name} files)", imp.name)
            report.files.append(results[joined])
            members[joined] = group
            units = [(joined, group, joined)]
        else:
            units = [(path, [path], None) for path in group]
        for unit, files_in_unit, joined_path in units:
            records = _parse_unit(
                imp, unit, files_in_unit, joined_path, results[unit], column_map or {},
                all_taxonomies, warn, progress, source_label, enrichment,
            )  # fmt: skip
            result = results[unit]
            if result.refused:
                continue
            if not records:
                if not result.rejected:
                    result.refused = (
                        "no therapist records recognised in this file; nothing imported"
                    )
                else:
                    result.refused = (
                        f"none of its {len(result.rejected)} rows could be read; nothing imported"
                    )
                continue
            mapper = getattr(imp.module, "describe_mapping", None)
            if mapper is not None and dry_run:
                result.mapping = mapper(unit, ParseContext(column_map=column_map or {}))
            result.preview = records[:preview]
            parsed.extend((unit, r) for r in records)

    if dry_run or not parsed:
        return report
    _store_records(store, parsed, results, stamp, source_label, members, enrichment)
    return report


def _parse_unit(
    imp: importers.Importer,
    unit: Path,
    files: list[Path],
    joined: Path | None,
    result: FileResult,
    column_map: dict[str, str],
    all_taxonomies: bool,
    warn: Callable[[str], None],
    progress: ProgressFn | None,
    source_label: str | None,
    enrichment: _Enrichment,
) -> list[Record]:
    """Parse one file (or one joined set); problems land on ``result``, never raise."""

    def file_warn(message: str) -> None:
        warn(message)
        result.warnings.append(message)

    def file_progress(done: int) -> None:
        if progress is not None and joined is None:
            progress(str(unit), done, unit.stat().st_size)

    ctx = ParseContext(
        column_map=column_map,
        all_taxonomies=all_taxonomies,
        warn=file_warn,
        progress=file_progress,
        source_label=source_label,
        derive=enrichment.derive if enrichment.active else None,
        prepare=enrichment.prepare,
    )
    records: list[Record] = []
    try:
        for _, value in _parse_group(imp, files, ctx, joined):
            if isinstance(value, RowError):
                result.rejected.append(value)
            else:
                records.append(value)
                if "npi_unverified" in value.fields:
                    file_warn(f"{unit.name} {value.locator}: NPI {value.fields['npi_unverified']} "
                              "fails the check digit; kept as an unverified NPI")  # fmt: skip
    except ImportRefused as err:
        result.refused = err.reason
        return []
    except FinderError as err:
        result.refused = one_line(str(err))
        return []
    except OSError as err:
        result.refused = f"cannot read: {err.strerror}"
        return []
    return records


def _restore(
    store: Store,
    imp: importers.Importer,
    group: list[Path],
    results: dict[Path, FileResult],
    warn: Callable[[str], None],
) -> None:
    """finder's own export restores every table, not only records (finder_export.restore)."""
    for path in group:
        result = results[path]
        try:
            done = imp.module.restore(store, path, ParseContext(warn=warn))
        except ImportRefused as err:
            result.refused = err.reason
            continue
        result.imported, result.unchanged = done.imported, done.unchanged
        result.rejected.extend(done.skipped)
        result.restored = done.counts


_IMPORT_KIND = SourceKind.IMPORT.value


def _enrich_all(many_fields: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [enrich(fields) for fields in many_fields]


def _store_records(
    store: Store,
    parsed: list[tuple[Path, Record]],
    results: dict[Path, FileResult],
    stamp: str,
    source_label: str | None,
    members: dict[Path, list[Path]],
    enrichment: _Enrichment,
) -> None:
    from finder.judge import merge

    hashes = {path: _sha256_many(members.get(path, [path])) for path in {p for p, _ in parsed}}
    source_paths = {path: source_label or str(path.resolve()) for path in hashes}
    with store.transaction():
        table = store.records
        # The stored dicts themselves (no copies): only read here, and an update replaces
        # a whole document.
        existing: dict[str, tuple[int, Doc]] = {
            d["rid"]: (doc_id, d) for doc_id, d in table.raw_docs() if "rid" in d
        }
        new_docs: list[Doc] = []
        updates: dict[int, Doc] = {}
        changed: set[str] = set()
        seen: set[str] = set()
        stored: list[tuple[Doc, tuple[int, Doc] | None, FileResult, dict[str, Any] | None]] = []
        for path, record in parsed:
            source_path = source_paths[path]
            result = results[path]
            identity = record.identity
            rid = record_id(source_path, identity)
            occurrence = 1
            while rid in seen:
                # The same profile twice in one file stays two records (each row is
                # evidence); the merge makes them one therapist.
                occurrence += 1
                rid = record_id(source_path, f"{identity}#{occurrence}")
            seen.add(rid)
            fields = record.fields
            found = existing.get(rid)
            old = found[1] if found is not None else None
            if old is not None and old["fields"] == fields and old.get("extra") == record.extra:
                result.unchanged += 1
                continue
            # Source(...).to_dict(), written out: this runs for every imported record.
            source = {
                "path": source_path,
                "format": result.format or "?",
                "locator": record.locator,
                "imported_at": stamp,
                "kind": _IMPORT_KIND,
            }
            doc: Doc = {
                "rid": rid,
                "source": source,
                "key": identity,
                "fields": fields,
                "extra": record.extra,
                "warnings": record.warnings,
            }
            stored.append((doc, found, result, record.derived))
        # Classifying and geocoding is the same pure work for every record: a big import
        # shares it with a second process (which inherits the ZIP table loaded here),
        # unless the importer did it already where it made the records.
        pending = [doc["fields"] for doc, _, _, derived in stored if derived is None]
        if any(fields.get("zip") for fields in pending[:100]):
            enrichment.prepare()
        computed = iter(map_in_halves(_enrich_all, pending))
        for doc, found, result, derived in stored:
            doc.update(derived if derived is not None else next(computed))
            changed.add(doc["rid"])
            if found is None:
                doc["tid"] = None
                new_docs.append(doc)
                result.imported += 1
            else:
                doc["tid"] = found[1].get("tid")
                updates[found[0]] = doc
                result.updated += 1
        if (new_docs or updates) and existing and store.path is not None:
            # An import can merge therapists that carry answers and notes: keep a copy of
            # the file as it is (the transaction has not written yet).
            from finder.storage import backup

            backup.make(store.path, reason="before import")
        if new_docs:
            table.insert_many(new_docs, hand_over=True)
        if updates:
            table.update_many(updates)
        sources = store.sources
        for path, digest in hashes.items():
            result = results[path]
            source_path = source_label or str(path.resolve())
            entry = {
                "path": source_path,
                "format": result.format,
                "sha256": digest,
                "imported_at": stamp,
                "records": result.stored,
            }
            old_source = sources.first(path=source_path)
            if old_source is None:
                sources.insert(entry)
            else:
                sources.update(old_source["_id"], entry)
        if changed:
            merge.relink(store, changed)
