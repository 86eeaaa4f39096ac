"""Commands about records: import, list, show, add, edit, path, crisis."""

from __future__ import annotations

import contextlib
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from finder.cli.app import App, echo_json, pass_app
from finder.cli.filters import filter_options, filters_given, in_miles
from finder.cli.options import OutputFormat, for_profile_option, output_options, with_id_arg
from finder.cli.output import ImportProgress, print_import_report
from finder.cli.types import WholeNumber
from finder.errors import FinderError, UsageError
from finder.words import plural


@click.command("path")
@pass_app
def path_cmd(app: App) -> None:
    """Print where finder keeps its data.

    FINDER_HOME wins over the platform default; --home wins over both.

    \b
      finder path
    """
    click.echo(str(app.home))


@click.command("crisis")
@click.option("--country", metavar="XX",
              help="Lines for this country first (ISO code: US, CA, GB, IE, AU, ES, ...); "
                   "default: the profile's country, else the US.")  # fmt: skip
@pass_app
def crisis_cmd(app: App, country: str | None) -> None:
    """Crisis lines: where to get help now.

    \b
    finder crisis
    finder crisis --country GB
    """
    # kept here: only `finder crisis` reads the profile (`finder path` opens no store)
    from finder.crisis import DISCLAIMERS, lines_for, profile_country
    from finder.records import normalize

    if country is not None:
        code = normalize.country(country)
        if code is None:  # never an error instead of the lines: all of them, and why
            app.warn(f"--country {country!r} is not a country finder knows (try GB or ES)")
        country = code
    else:
        with contextlib.suppress(FinderError, OSError):  # the store unreadable: US first
            country = profile_country(app.store)
    for line in lines_for(country):
        click.echo(line)
    click.echo("")
    for line in DISCLAIMERS:
        click.echo(line)


def _list_formats(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    # kept here: only `finder import` loads the importers
    from finder import importers

    for imp in importers.all_importers():
        click.echo(f"{imp.name:<18} {imp.description}")
    ctx.exit()


@click.command("import")
@click.argument("sources", nargs=-1, metavar="PATH_OR_URL...")
@click.option("--format", "fmt", metavar="NAME", help="Skip detection; see --list-formats.")
@click.option(
    "--map", "column_map", multiple=True, metavar="COLUMN=FIELD",
    help="Map a column to a field (repeatable); FIELD '-' keeps it as extra data.",
)  # fmt: skip
@click.option(
    "--columns",
    metavar="FIELD,...",
    help="A file without a header row: its columns' fields in order ('-' skips one).",
)
@click.option(
    "--country",
    metavar="XX",
    help="ISO country code for records that do not say theirs (e.g. ES, GB).",
)
@click.option("--dry-run", is_flag=True, help="Show the mapping and first records; store nothing.")
@click.option(
    "--all-taxonomies", is_flag=True, help="NPPES bulk files: keep non-behavioral-health rows too."
)
@click.option("--pages", "pdf_pages", metavar="FIRST-LAST",
              help="PDF directories: read only these pages, e.g. 1405-1485.")  # fmt: skip
@click.option("--all-specialties", is_flag=True,
              help="PDF directories: read every section, not only behavioral health.")  # fmt: skip
@click.option(
    "--state", "states", multiple=True, metavar="ST",
    help="NPPES bulk files: keep clinicians practicing in this state (repeatable).",
)  # fmt: skip
@click.option(
    "--near", metavar="ZIP", help="NPPES bulk files: keep clinicians practicing near this ZIP."
)
@click.option(
    "--radius", type=click.FloatRange(0.1, 3000), default=25.0, show_default=True,
    metavar="MILES", help="With --near: how far from the ZIP, in miles.",
)  # fmt: skip
@click.option("--max-pages", type=WholeNumber("pages", 1, 1000), default=20, show_default=True,
              help="URLs: most pages of a FHIR searchset to follow.")  # fmt: skip
@click.option("--timeout", type=click.FloatRange(min=1, max=86400), default=120, show_default=True,
              metavar="SECONDS", help="URLs: give up the whole fetch after this long.")  # fmt: skip
@click.option(
    "--list-formats", is_flag=True, expose_value=False, is_eager=True, callback=_list_formats,
    help="List the formats finder reads, then exit.",
)  # fmt: skip
@pass_app
def import_cmd(
    app: App,
    sources: tuple[str, ...],
    fmt: str | None,
    column_map: tuple[str, ...],
    columns: str | None,
    country: str | None,
    dry_run: bool,
    all_taxonomies: bool,
    pdf_pages: str | None,
    all_specialties: bool,
    states: tuple[str, ...],
    near: str | None,
    radius: float,
    max_pages: int,
    timeout: float,
) -> None:
    """Import therapist lists, saved directory pages, NPPES, FHIR and vCards.

    Files and folders; the format is recognised from the content.

    \b
      finder import ~/Downloads/therapists.csv saved-pages/
    """
    # kept here: only `finder import` loads the importers
    from finder import importers
    from finder.importers.tabular.columns import parse_columns_option, parse_map_option
    from finder.records.normalize import country as country_code

    if not sources:
        raise UsageError("give at least one file or folder: finder import PATH...")
    mapping = parse_map_option(column_map)
    by_position = parse_columns_option(columns)
    where = country_code(country) if country else None
    if country and where is None:
        raise UsageError(f"--country {country!r}: give an ISO country code such as ES, GB or CA")
    region = _region(states, near, radius)
    if fmt:
        importers.by_name(fmt)
    urls = [s for s in sources if "://" in s]
    files = [Path(s).expanduser() for s in sources if "://" not in s]
    if urls:
        # kept here: only `finder import URL` goes online
        from finder.cli.verify import import_urls

        import_urls(app, urls, fmt=fmt, column_map=mapping, dry_run=dry_run,
                    max_pages=max_pages, timeout=timeout)  # fmt: skip
    if files:
        _import_files(
            app, files, fmt, mapping, dry_run, all_taxonomies or all_specialties, pdf_pages,
            by_position, where, region=region,
        )  # fmt: skip


def _region(states: tuple[str, ...], near: str | None, radius: float) -> Any:
    """``--state`` and ``--near``/``--radius`` as the NPPES importer's ``Region``."""
    # kept here: only `finder import` loads the importers
    from finder.importers.base import Region
    from finder.records import geo
    from finder.records.normalize import places

    codes = set()
    for given in states:
        code = places.state(given)
        if code is None:
            raise UsageError(f"--state {given}: not a US state (use the two-letter code, e.g. MA)")
        codes.add(code)
    point = None
    if near is not None:
        zip_code = places.zip_code(near)
        point = geo.zip_point(zip_code) if zip_code else None
        if point is None:
            raise UsageError(f"--near {near}: not a US ZIP code finder knows")
    return Region(states=frozenset(codes), near=point, radius_miles=radius)


def _import_files(
    app: App,
    files: list[Path],
    fmt: str | None,
    mapping: dict[str, str],
    dry_run: bool,
    all_taxonomies: bool,
    pdf_pages: str | None = None,
    columns: list[str | None] | None = None,
    country: str | None = None,
    source_label: str | None = None,
    region: Any = None,
) -> None:
    # kept here: only `finder import` loads the import pipeline
    from finder.ingest.pipeline import run_import

    store = app.store
    progress = ImportProgress(app)
    try:
        with progress:
            report = run_import(
                store,
                files,
                format=fmt,
                column_map=mapping,
                columns=columns,
                country=country,
                all_taxonomies=all_taxonomies,
                pages=pdf_pages,
                region=region,
                dry_run=dry_run,
                warn=app.warn,
                progress=progress,
                source_label=source_label,
            )
    except KeyboardInterrupt:
        # Every change of an import is written in one transaction at its end: stopped
        # before that, nothing of it is stored. The bar is gone; the terminal's "^C" may
        # still sit on the line, so the message starts on a fresh one.
        fresh = "\n" if sys.stderr.isatty() and progress.bar is None else ""
        click.echo(f"{fresh}{IMPORT_STOPPED}", err=True)
        raise SystemExit(130) from None
    print_import_report(app, report)


IMPORT_STOPPED = "Import stopped; nothing from it was saved; your earlier data is unchanged."


def summary(t: Any) -> dict[str, Any]:
    """A therapist as one flat row: the documented fields of `finder list --json`."""
    location = ", ".join(p for p in (t.best("city"), t.best("state")) if p)
    evidence = t.ipt
    return {
        "id": t.tid,
        "name": t.name,
        "credentials": ", ".join(t.all_list("credentials")),
        "license_type": t.best("license_type"),
        "location": location,
        "zip": t.best("zip"),
        "phone": (t.best("phones") or [None])[0],
        "email": t.best("email"),
        "website": t.best("website"),
        "npi": t.best("npi"),
        "organization": t.is_organization,
        "ipt_class": evidence.level.label,
        "ipt_evidence": evidence.text,
        "ipt_field": evidence.field,
        "ipt_note": evidence.note,
        "sources": len(t.records),
    }


LIST_COLUMNS = [
    "id", "name", "credentials", "license_type", "location", "zip", "phone", "email",
    "website", "npi", "organization", "ipt_class", "ipt_field", "ipt_evidence", "ipt_note",
    "sources",
]  # fmt: skip

#: How wide the evidence is in a table: cut around the words that justify the class.
EVIDENCE_CHARS = 60


def emit_rows(rows: list[dict[str, Any]], output: OutputFormat, columns: list[str]) -> bool:
    """Print rows for machines; ``False`` when the caller should draw a table."""
    if output not in (OutputFormat.JSON, OutputFormat.CSV):
        return False
    # kept here: only listings write rows
    from finder.cli.listing import stream_rows

    stream_rows(rows, output, columns)
    return True


@click.command("list")
@filter_options
@click.option("--limit", type=WholeNumber("therapists"), help="Show at most this many.")
@click.option("--all", "show_all", is_flag=True, help="Show every therapist (a table shows 50).")
@output_options()
@pass_app
def list_cmd(
    app: App, filters: dict[str, Any], limit: int | None, show_all: bool, output: OutputFormat
) -> None:
    """List therapists with their IPT evidence class (filters as in `finder search`).

    A table shows the first 50 (--limit N more, --all every one); json and csv give all.

    \b
    finder list --ipt described --near 02139 --radius 10
    """
    # kept here: only `finder list` loads the listing
    from finder.cli import listing
    from finder.judge import therapists

    store = app.evidence_store
    machine = output in (OutputFormat.JSON, OutputFormat.CSV)
    if not filters_given(filters):
        size = limit if machine else listing.page_size(limit, show_all)
        wanted, total = store.records.therapist_page(size)
        if machine:
            streamed = (summary(t) for t in therapists.stream(store, wanted))
            listing.stream_rows(streamed, output, LIST_COLUMNS)
            return
        found = therapists.load_ids(store, wanted)
    else:
        # kept here: only a filtered listing loads the search module (60 ms)
        from finder.judge import search

        query = search.override(search.Query(), **in_miles(filters, None))
        found = [hit.therapist for hit in search.find(store, query, ranked=False)]
        total = len(found)
        found = found[:limit] if machine else found[: listing.shown_count(limit, show_all, total)]
    rows = [summary(t) for t in found]
    if emit_rows(rows, output, LIST_COLUMNS):
        return
    if not rows:
        app.say("No therapists yet. Start with: finder import FILE")
        return
    # kept here: rich's table loads only for a table on screen
    from rich.table import Table

    table = Table(box=None, show_edge=False, pad_edge=False)
    for header in ("ID", "Name", "License", "Location", "IPT", "Evidence"):
        table.add_column(header, overflow="fold")
    for therapist, row in zip(found, rows, strict=True):
        evidence = therapist.ipt
        table.add_row(
            str(row["id"]),
            row["name"] + (" (organization)" if row["organization"] else ""),
            row["license_type"] or "not stated",  # a degree in this column would read as one
            row["location"] or "-",
            evidence.class_shown,
            evidence.note or evidence.excerpt(EVIDENCE_CHARS),
        )
    listing.print_paged(app.out, table, len(rows))
    shown = plural(len(rows), "therapist")
    if len(rows) < total:
        shown = f"Showing {len(rows):,} of {plural(total, 'therapist')}"
    app.say(f"{shown}. IPT classes show evidence, not verification.")
    if len(rows) < total and not limit:
        app.say("--limit N shows more, --all shows every one.")


@click.command("show")
@with_id_arg
@click.option("--extra", "show_extra", is_flag=True, help="Also show unmapped source data.")
@for_profile_option
@output_options(OutputFormat.TABLE, OutputFormat.JSON)
@pass_app
def show_cmd(app: App, tid: int, show_extra: bool, label: str | None, output: OutputFormat) -> None:
    """Show one therapist: every field, every source, conflicts and IPT evidence.

    The fee headline is what they told you on the call (your consultation answers, for
    the profile --for names), else the most recently imported source.

    \b
    finder show 12
    """
    # kept here: only `finder show` renders one therapist
    from finder.cli.render import render_therapist, therapist_json
    from finder.judge import therapists

    therapist = therapists.get(app.evidence_store, tid)
    if output is OutputFormat.JSON:
        echo_json(therapist_json(app.store, therapist, label))
        return
    render_therapist(app, therapist, show_extra=show_extra, label=label)


ADD_PROMPTS = [
    ("name", "Name"),
    ("credentials", "Credentials (e.g. LCSW, PhD)"),
    ("phones", "Phone"),
    ("email", "Email"),
    ("city", "City"),
    ("state", "State (2 letters)"),
    ("zip", "ZIP"),
    ("referred_by", "Referred by (a friend, your doctor, a list...)"),
]


@click.command("add")
@click.option("--name", help="Full name (credentials after a comma are split off).")
@click.option("--credentials", help="Degrees and license letters, e.g. 'LCSW, PhD'.")
@click.option("--phone", "phones", help="Phone number.")
@click.option("--email")
@click.option("--website")
@click.option("--address")
@click.option("--city")
@click.option("--state")
@click.option("--zip", "zip_")
@click.option("--npi")
@click.option("--license-type")
@click.option("--license-number")
@click.option("--license-state")
@click.option("--statement", help="What you know of their approach, e.g. 'trained in IPT'.")
@click.option("--referred-by", help="Who referred them.")
@click.option("--referred-on", help="When (YYYY-MM-DD); default today.")
@click.option("--yes", "-y", is_flag=True, help="Do not prompt for missing fields.")
@pass_app
def add_cmd(app: App, yes: bool, **given: str | None) -> None:
    """Enter a therapist by hand: a referral from a friend or a doctor.

    \b
    finder add --name "Dana Reyes, LCSW" --phone 617-555-0100 --referred-by "Dr. Kim"
    """
    # kept here: only `finder add` and `finder edit` edit records
    from finder.ingest import editing

    values: dict[str, Any] = {("zip" if k == "zip_" else k): v for k, v in given.items() if v}
    interactive = not yes and (sys.stdin.isatty() or not values.get("name"))
    if interactive:
        for field, label in ADD_PROMPTS:
            if field not in values:
                answer = click.prompt(label, default="", show_default=False, err=True).strip()
                if answer:
                    values[field] = answer
    if not values.get("name"):
        raise UsageError("a name is needed: finder add --name 'First Last'")
    values.setdefault("referred_on", date.today().isoformat())
    tid = editing.add_therapist(app.store, values)
    app.say(f"Added therapist {tid}: {values['name']} (entered by you).")
    click.echo(str(tid))


@click.command("edit")
@with_id_arg
@click.argument("field")
@click.argument("value", required=False)
@click.option("--clear", is_flag=True, help="Remove your correction of FIELD.")
@pass_app
def edit_cmd(app: App, tid: int, field: str, value: str | None, clear: bool) -> None:
    """Correct one field; your value is kept beside imported ones and wins.

    \b
    finder edit 12 phone "617-555-0100"
    """
    # kept here: only `finder add` and `finder edit` edit records
    from finder.ingest import editing

    if clear == (value is not None):
        raise UsageError("give a VALUE, or --clear to drop your correction")
    result = editing.edit_field(app.store, tid, field, value)
    if clear:
        app.say(f"Therapist {tid}: your {result.field} removed.")
    else:
        app.say(f"Therapist {tid}: {result.field} = {result.display} (entered by you).")
