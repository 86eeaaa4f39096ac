"""The import pipeline: files in, records stored, a summary out.

``run_import`` walks folders, recognises each file's format from its content,
runs the importer, classifies and geocodes each record once, then writes every
change in one store transaction and links records to therapists (merge). It
never prints: progress and warnings go to callbacks, the result is an
``ImportReport`` the CLI formats.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from finder import importers
from finder.errors import FinderError, ImportRefused, NothingToImport, one_line
from finder.importers.base import Deactivation, ParseContext, Region, read_head, stage
from finder.ingest.files import (
    RecordIds,
    expand_paths,
    scrub_record,
    sha256_many,
    source_name,
    unreadable,
)
from finder.ingest.parallel import map_in_halves
from finder.ingest.reimport import StoredNpis, deactivates
from finder.judge import merge, rejudge
from finder.judge.enrich import Enrichment, enrich
from finder.records.models import Record, RowError, SourceKind, now_iso
from finder.storage import backup
from finder.storage.store import Doc, Store

# (path, bytes done, bytes total, (rows read, rows kept) when the importer counts them)
ProgressFn = Callable[[str, int, int, "tuple[int, int] | None"], None]


@dataclass
class FileResult:
    path: str
    format: str | None = None
    imported: int = 0
    updated: int = 0
    deactivated: int = 0  # NPPES: stored records an update or a row deactivated
    unchanged: int = 0
    deactivations: list[Deactivation] = field(default_factory=list)
    rejected: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    refused: str | None = None
    notice: str | None = None  # nothing to import, and that is no error (a search with no results)
    mapping: dict[str, str | None] | None = None
    preview: list[Record] = field(default_factory=list)
    restored: dict[str, int] = field(default_factory=dict)  # finder export: table -> added

    @property
    def stored(self) -> int:
        return self.imported + self.updated + self.deactivated + self.unchanged


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
    given = expand_paths(paths)
    folder = Path(tempfile.mkdtemp(prefix="finder-staged-"))  # private (0700)
    try:
        files, renamed, refused = _stage_all(given, folder, options.get("warn"))
        if renamed and options.get("warn") is not None:
            options["warn"] = _named_as_given(options["warn"], renamed)
        enrichment = Enrichment(active=not options.get("dry_run"))
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            report = _run_import(store, files, enrichment, renamed=renamed, **options)
        finally:
            enrichment.close()
            if was_enabled:
                gc.freeze()
                gc.enable()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    for result in report.files:
        result.path = renamed.get(Path(result.path), result.path)
    report.files[:0] = refused
    return report


def _named_as_given(warn: Callable[[str], None], renamed: dict[Path, str]) -> Callable[[str], None]:
    def named(message: str) -> None:
        for copy, original in renamed.items():
            message = message.replace(str(copy), original)
        warn(message)

    return named


def _stage_all(
    given: list[Path], folder: Path, warn: Callable[[str], None] | None
) -> tuple[list[Path], dict[Path, str], list[FileResult]]:
    """What the importers read (``base.stage``), each copy's original name, the refused."""
    files: list[Path] = []
    renamed: dict[Path, str] = {}
    refused: list[FileResult] = []
    for path in given:
        try:
            ready = stage(path, folder, warn or (lambda message: None))
        except ImportRefused as err:
            refused.append(FileResult(str(path), refused=err.reason))
            continue
        except OSError as err:
            refused.append(FileResult(str(path), refused=f"cannot read: {err.strerror}"))
            continue
        if ready != path:
            renamed[ready] = str(path)
        files.append(ready)
    return files, renamed, refused


def _run_import(
    store: Store,
    files: list[Path],
    enrichment: Enrichment,
    *,
    format: str | None = None,
    column_map: dict[str, str] | None = None,
    columns: list[str | None] | None = None,
    country: str | None = None,
    all_taxonomies: bool = False,
    pages: str | None = None,
    region: Region | None = None,
    dry_run: bool = False,
    preview: int = 5,
    warn: Callable[[str], None] = lambda message: None,
    progress: ProgressFn | None = None,
    source_label: str | None = None,
    renamed: dict[Path, str] | None = None,
) -> ImportReport:
    results: dict[Path, FileResult] = {p: FileResult(str(p)) for p in files}
    report = ImportReport(files=list(results.values()), dry_run=dry_run)
    groups = _formats(files, results, format)

    stamp = now_iso()
    parsed: list[tuple[Path, Record]] = []
    members: dict[Path, list[Path]] = {}
    for imp, group in groups.values():
        if getattr(imp.module, "restore", None) is not None and not dry_run:
            _restore(store, imp, group, results, warn)
            continue
        units: list[tuple[Path, list[Path], Path | None]]
        if getattr(imp.module, "parse_many", None) is not None and len(group) > 1:
            # Files that refer to each other are one set: one source, named by their folder.
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
            options = ParseContext(
                column_map=column_map or {}, columns=columns, country=country,
                all_taxonomies=all_taxonomies, pages=pages, region=region or Region(),
                source_label=source_label,
            )  # fmt: skip
            records = _parse_unit(
                imp, unit, files_in_unit, joined_path, results[unit], options, warn, progress,
                enrichment,
            )  # fmt: skip
            result = results[unit]
            if result.refused or result.notice:
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
                with contextlib.suppress(Exception):  # the records were read: show them
                    result.mapping = mapper(unit, options)
            result.preview = records[:preview]
            parsed.extend((unit, r) for r in records)
            del records  # ``parsed`` holds them: _store_records lets them go once read

    if dry_run or not parsed:
        return report
    _store_records(store, parsed, results, stamp, source_label, members, enrichment, renamed or {})
    return report


def _formats(
    files: list[Path], results: dict[Path, FileResult], format: str | None
) -> dict[str, tuple[importers.Importer, list[Path]]]:
    """The files by the importer that reads each; a file none can read is refused."""
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
        except Exception as err:  # a file no importer expected: refused, the rest goes on
            result.refused = unreadable(err)
            continue
        result.format = imp.name
        groups.setdefault(imp.name, (imp, []))[1].append(path)
    return groups


def _parse_unit(
    imp: importers.Importer,
    unit: Path,
    files: list[Path],
    joined: Path | None,
    result: FileResult,
    options: ParseContext,
    warn: Callable[[str], None],
    progress: ProgressFn | None,
    enrichment: Enrichment,
) -> list[Record]:
    """Parse one file (or one joined set); problems land on ``result``, never raise."""

    def file_warn(message: str) -> None:
        warn(message)
        result.warnings.append(message)

    def file_progress(done: int, rows: tuple[int, int] | None = None) -> None:
        if progress is not None and joined is None:
            progress(str(unit), done, unit.stat().st_size, rows)

    ctx = dataclasses.replace(
        options,
        warn=file_warn,
        progress=file_progress,
        derive=enrichment.derive if enrichment.active else None,
        prepare=enrichment.prepare,
    )
    records: list[Record] = []
    try:
        for _, value in _parse_group(imp, files, ctx, joined):
            if isinstance(value, RowError):
                result.rejected.append(value)
            elif isinstance(value, Deactivation):
                result.deactivations.append(value)
            else:
                records.append(value)
                if "npi_unverified" in value.fields:
                    file_warn(f"{unit.name} {value.locator}: NPI {value.fields['npi_unverified']} "
                              "fails the check digit; kept as an unverified NPI")  # fmt: skip
    except NothingToImport as err:
        result.notice = err.reason
        return []
    except ImportRefused as err:
        result.refused = err.reason
        return []
    except FinderError as err:
        result.refused = one_line(str(err))
        return []
    except OSError as err:
        result.refused = f"cannot read: {err.strerror}"
        return []
    except Exception as err:  # one bad file never stops the others of the same command
        result.refused = unreadable(err)
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
        except (FinderError, OSError):
            raise
        except Exception as err:
            result.refused = unreadable(err)
            continue
        result.imported, result.unchanged = done.imported, done.unchanged
        result.rejected.extend(done.skipped)
        result.restored = done.counts


_IMPORT_KIND = SourceKind.IMPORT.value


def _enrich_all(many_fields: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [enrich(fields) for fields in many_fields]


def _documents(
    parsed: list[tuple[Path, Record]],
    results: dict[Path, FileResult],
    source_paths: dict[Path, str],
    existing: dict[str, tuple[int, Doc]],
    stamp: str,
    npis: StoredNpis,
) -> list[tuple[Doc, tuple[int, Doc] | None, FileResult, dict[str, Any] | None]]:
    """The document of each parsed record that is new or changed (unchanged ones counted)."""
    ids = RecordIds()
    stored: list[tuple[Doc, tuple[int, Doc] | None, FileResult, dict[str, Any] | None]] = []
    for path, record in parsed:
        source_path = source_paths[path]
        result = results[path]
        scrub_record(record)
        identity = record.identity
        rid = ids.new(source_path, identity)
        fields = record.fields
        found = existing.get(rid) or npis.same(result.format, record)
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
    return stored


def _record_sources(
    store: Store,
    hashes: dict[Path, str],
    results: dict[Path, FileResult],
    source_paths: dict[Path, str],
    stamp: str,
) -> None:
    """One entry per imported file: its digest, format and how many records it gave."""
    sources = store.sources
    for path, digest in hashes.items():
        result = results[path]
        source_path = source_paths[path]
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


def _store_records(
    store: Store,
    parsed: list[tuple[Path, Record]],
    results: dict[Path, FileResult],
    stamp: str,
    source_label: str | None,
    members: dict[Path, list[Path]],
    enrichment: Enrichment,
    renamed: dict[Path, str],
) -> None:
    hashes = {
        path: sha256_many(members.get(path, [path])) for path in dict.fromkeys(p for p, _ in parsed)
    }
    source_paths = {path: source_label or source_name(path, renamed) for path in hashes}
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
        npis = StoredNpis(existing)
        stored = _documents(parsed, results, source_paths, existing, stamp, npis)
        parsed.clear()  # the documents hold what is kept of each record (a big import's memory)
        # Classifying and geocoding is the same pure work for every record: a big import
        # shares it with a second process (which inherits the ZIP table read here),
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
                if deactivates(found[1], doc):
                    result.deactivated += 1
                else:
                    result.updated += 1
        del stored, computed, pending
        for result in results.values():
            marked, result_unchanged = npis.deactivate(result.deactivations)
            updates.update(marked)
            result.deactivated += len(marked)
            result.unchanged += result_unchanged
        if (new_docs or updates) and existing and store.path is not None:
            # An import can merge therapists that carry answers and notes: keep a copy of
            # the file as it is (the transaction has not written yet).

            backup.make(store.path, reason="before import")
        if updates:
            table.update_many(updates)
        _record_sources(store, hashes, results, source_paths, stamp)
        if changed:
            # The merge writes the new documents (once, with their therapist ids).
            merge.relink(store, changed, new_docs)
        rejudge.stamp_if_first(store, had_records=bool(existing))
