"""Everything finder holds, in one file a person can read and a program can load.

Two forms, chosen by ``ExportFormat``:

- ``json``: every table of the store, document by document, with sorted keys
  and indentation. ``finder import`` recognises it (the ``finder-export``
  importer) and restores records, profiles, shortlist, contact log, answers,
  notes, verifications and merge decisions.
- ``md``: the same content laid out for reading, therapist by therapist. It is
  for people; every imported value is escaped so it shows as the text it is.

Documents are exported without their database ids (``_id``): therapist ids
(``tid``) are data and are kept, so references between tables survive.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Any, Final, assert_never

import orjson

from finder import __version__
from finder.errors import UsageError
from finder.records.models import now_iso
from finder.records.normalize.text import json_visible, visible
from finder.storage.atomic import atomic_write_bytes
from finder.storage.store import SCHEMA_VERSION, Doc, Store

#: The marker the importer looks for; ``EXPORT_VERSION`` changes only if the layout does.
EXPORT_FORMAT: Final = "finder-export"
EXPORT_VERSION: Final = 1

#: Tables in the order they are restored (records first: the others point at therapists).
TABLES: Final[tuple[str, ...]] = (
    "records",
    "merge_decisions",
    "profiles",
    "shortlist",
    "contacts",
    "answers",
    "notes",
    "verifications",
    "sources",
)

#: The rules the records' IPT evidence was judged with (``judge.rejudge.META_KEY``).
RULES_KEY: Final = "ipt_rules"
#: Meta keys that describe the data (not the installation) and travel with it.
META_KEYS: Final[tuple[str, ...]] = ("active_profile", "next_tid", RULES_KEY)

MARKDOWN_MARKER: Final = "<!-- finder-export markdown -->"


class ExportFormat(StrEnum):
    JSON = "json"
    MD = "md"


def _clean(doc: Doc) -> Doc:
    return {k: v for k, v in doc.items() if k != "_id"}


def table_names(store: Store) -> list[str]:
    """Known tables first, then any other table a newer module keeps (never ``meta``)."""
    present = [name for name in store.table_names() if name != "meta"]
    return [*TABLES, *sorted(n for n in present if n not in TABLES)]


def collect(store: Store, exported_at: str | None = None) -> dict[str, Any]:
    """The export as one JSON-ready dict."""
    meta = store.meta()
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "schema": SCHEMA_VERSION,
        "finder_version": __version__,
        "exported_at": exported_at or now_iso(),
        "about": (
            "Everything finder held about your search. Restore it with `finder import FILE`. "
            "It contains notes and answers about someone's mental health care: keep it private."
        ),
        "meta": {k: meta[k] for k in META_KEYS if k in meta},
        "tables": {
            name: [_clean(d) for d in store.table(name).all()] for name in table_names(store)
        },
    }


def render(data: dict[str, Any], fmt: ExportFormat) -> bytes:
    """The export's bytes; a control character left in the data is escaped, never raw."""
    if fmt is ExportFormat.JSON:
        text = orjson.dumps(data, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2).decode()
        return json_visible(text).encode() + b"\n"
    if fmt is ExportFormat.MD:
        return visible(to_markdown(data)).encode("utf-8")
    assert_never(fmt)


def write(store: Store, fmt: ExportFormat, target: Path | None) -> tuple[bytes, dict[str, int]]:
    """Render the export; write it to ``target`` (private, atomic) when given.

    Returns the bytes (the CLI prints them when there is no target) and the
    number of documents per table, for the summary line.
    """
    data = collect(store)
    payload = render(data, fmt)
    if target is not None:
        target = target.expanduser()
        if target.is_dir():
            raise UsageError(
                f"{target} is a folder; give a file name, e.g. -o {target}/finder.{fmt}"
            )
        atomic_write_bytes(target.resolve(), payload)
        os.chmod(target, 0o600)
    counts = {name: len(docs) for name, docs in data["tables"].items() if docs}
    return payload, counts


# --- Markdown --------------------------------------------------------------------------------


def _md(value: Any) -> str:
    # kept here: markupsafe loads only for a Markdown export
    from finder.report.safe import markdown_text

    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(markdown_text(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{markdown_text(k)}: {_md(v)}" for k, v in sorted(value.items()))
    return markdown_text(value)


def _by_tid(docs: Iterable[Doc]) -> dict[Any, list[Doc]]:
    out: dict[Any, list[Doc]] = defaultdict(list)
    for doc in docs:
        out[doc.get("tid")].append(doc)
    return out


def to_markdown(data: dict[str, Any]) -> str:
    """The export for reading: profiles, then each therapist with everything about them."""
    tables: dict[str, list[Doc]] = data["tables"]
    lines = [
        MARKDOWN_MARKER,
        "# finder export",
        "",
        f"Exported {_md(data['exported_at'])} by finder {_md(data['finder_version'])}. "
        "This file is for reading; `finder export --format json` writes the copy "
        "`finder import` restores.",
        "",
        "It holds notes and answers about someone's mental health care: keep it private.",
        "",
    ]
    lines += ["## Profiles", ""]
    for profile in tables.get("profiles", []) or [{"label": "me"}]:
        lines.append(f"### {_md(profile.get('label'))}")
        for key in sorted(profile):
            if key != "label" and profile[key] not in (None, [], {}, ""):
                lines.append(f"- {_md(key)}: {_md(profile[key])}")
        lines.append("")

    records = _by_tid(tables.get("records", []))
    per_tid = {name: _by_tid(tables.get(name, [])) for name in
               ("shortlist", "contacts", "answers", "notes", "verifications")}  # fmt: skip
    lines += ["## Therapists", ""]
    tids: list[int | None] = [*sorted(t for t in records if isinstance(t, int))]
    if None in records:
        tids.append(None)
    for tid in tids:
        lines += _therapist_md(tid, records[tid], per_tid)
    plan_answers = per_tid["answers"].get(None, [])
    if plan_answers:
        lines += ["## Insurer answers (plan level)", ""]
        lines += [_answer_line(a) for a in plan_answers] + [""]
    decisions = tables.get("merge_decisions", [])
    if decisions:
        lines += ["## Merge decisions", ""]
        for d in decisions:
            rids = " and ".join(_md(r) for r in d.get("rids", []))
            lines.append(f"- {rids}: {_md(d.get('decision'))} ({_md(d.get('at'))})")
        lines.append("")
    others = [n for n in tables if n not in TABLES and tables[n]]
    for name in others:
        lines += [f"## {_md(name)}", ""]
        lines += [f"- {_md(doc)}" for doc in tables[name]] + [""]
    return "\n".join(lines).rstrip() + "\n"


def _therapist_md(
    tid: Any, records: list[Doc], per_tid: dict[str, dict[Any, list[Doc]]]
) -> list[str]:
    name = next((r["fields"]["name"] for r in records if r.get("fields", {}).get("name")), None)
    title = f"{_md(name or 'unnamed')} (id {tid})" if tid is not None else "Records not yet linked"
    lines = [f"### {title}", ""]
    for record in records:
        source = record.get("source", {})
        lines.append(
            f"Source: {_md(source.get('path'))} {_md(source.get('locator'))} "
            f"({_md(source.get('format'))}, {_md(source.get('kind'))}, "
            f"{_md(str(source.get('imported_at', ''))[:10])})"
        )
        for key, value in sorted(record.get("fields", {}).items()):
            if value not in (None, [], ""):
                lines.append(f"- {_md(key)}: {_md(value)}")
        ipt = record.get("ipt") or {}
        if ipt:
            evidence = f" ({_md(ipt.get('text'))})" if ipt.get("text") else ""
            lines.append(f"- IPT evidence: {_md(ipt.get('level'))}{evidence}")
        for key, value in sorted((record.get("extra") or {}).items()):
            lines.append(f"- extra {_md(key)}: {_md(value)}")
        lines.append("")
    if tid is None:
        return lines
    for entry in per_tid["shortlist"].get(tid, []):
        lines.append(f"Shortlist ({_md(entry.get('profile'))}): {_md(entry.get('status'))}")
    for contact in per_tid["contacts"].get(tid, []):
        note = f": {_md(contact.get('note'))}" if contact.get("note") else ""
        lines.append(
            f"- contact {_md(contact.get('on'))} via {_md(contact.get('via'))}, "
            f"{_md(contact.get('outcome'))}{note}"
        )
    answers = per_tid["answers"].get(tid, [])
    if answers:
        lines.append("")
        lines.append("Answers:")
        lines += [_answer_line(a) for a in answers]
    for entry in per_tid["notes"].get(tid, []):
        who = _md(entry.get("profile"))
        lines.append(f"- {_md(entry.get('kind'))} ({who}): {_md(entry.get('text'))}")
    for check in per_tid["verifications"].get(tid, []):
        lines.append(
            f"- NPI lookup {_md(check.get('checked_at'))}: {_md(check.get('status'))} "
            f"{_md(check.get('npi') or '')}"
        )
    lines.append("")
    return lines


def _answer_line(answer: Doc) -> str:
    plan = f", plan {_md(answer.get('plan'))}" if answer.get("plan") else ""
    return (
        f"- {_md(answer.get('checklist'))}/{_md(answer.get('qid'))} "
        f"({_md(answer.get('profile'))}{plan}): {_md(answer.get('value'))}"
    )
