"""Commands for choosing: search and the shortlist.

`finder search` runs often, so this module imports nothing heavy at load time:
its output is plain text (no rich). `finder profile` lives in finder.cli.profile,
merge and split in finder.cli.merge.
"""

from __future__ import annotations

import re
from typing import Any

import click

from finder.cli.app import App, Group, pass_app
from finder.cli.filters import filter_options, in_miles
from finder.cli.options import (
    OutputFormat,
    for_profile_option,
    output_options,
    recheck_option,
    with_id_arg,
)
from finder.cli.profile import profile_group
from finder.cli.types import THERAPIST_ID, WholeNumber
from finder.errors import UsageError
from finder.words import plural

TABLE_LIMIT = 25


def table_lines(headers: list[str], rows: list[list[str]]) -> list[str]:
    """A plain aligned table (two spaces between columns, no trailing blanks)."""
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    out = []
    for cells in [headers, *rows]:
        out.append("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
    return out


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _fee(t: Any) -> str:
    # kept here: `finder profile` and `finder shortlist add` read no claims
    from finder.judge import claims

    stated = claims.fees(t)
    return stated[0].text if stated else "-"


# ------------------------------------------------------------------ search

SEARCH_COLUMNS = [
    "rank", "id", "name", "credentials", "license_type", "location", "zip", "phone",
    "distance_miles", "distance_approximate", "fee", "ipt_class", "ipt_field", "ipt_evidence", "ipt_note", "license_note", "matches", "unknown", "why",
]  # fmt: skip


@click.command("search")
@filter_options
@click.option("--why", is_flag=True, help="Explain each rank in one line.")
@for_profile_option
@click.option("--no-profile", is_flag=True, help="Ignore the profile; use only these options.")
@click.option("--limit", type=WholeNumber("therapists"), help="Show at most this many.")
@output_options()
@pass_app
def search_cmd(
    app: App,
    filters: dict[str, Any],
    why: bool,
    label: str | None,
    no_profile: bool,
    limit: int | None,
    output: OutputFormat,
) -> None:
    """Find therapists that fit the profile, ranked by IPT evidence, fit and distance.

    \b
    finder search --ipt described --near 02139 --radius 10 --why
    """
    # kept here: the help of search, profile and shortlist loads no store
    from finder.cli.records import emit_rows, summary
    from finder.judge import claims, search, truth
    from finder.pursue import profiles

    store = app.evidence_store
    base = search.Query()
    if not no_profile:
        profile = profiles.get(store, label, create=False)
        base = search.from_profile(profile)
        if base != search.Query():
            app.say(f"Using the needs of profile '{profile.label}' (--no-profile to ignore).")
    query = search.override(base, **in_miles(filters, base.country))
    found = search.find_all(store, query)
    hits = found.hits
    shown = hits[:limit] if limit else hits
    if output is not OutputFormat.TABLE:
        rows = [_search_row(h, summary, query.state) for h in shown]
        emit_rows(rows, output, SEARCH_COLUMNS)
        return
    if not hits:
        app.say("No therapist fits. Try fewer filters" + (", or drop --strict." if query.strict
                                                          else "."))  # fmt: skip
        for line in truth.lines(found, query):  # who one filter alone left out
            app.say(line)
        return
    shown = hits[: limit or TABLE_LIMIT]
    headers = ["#", "ID", "Name", "IPT", "Fee", "Location"]
    if query.near:
        headers.insert(4, "Distance")
    cells = [_search_cells(h, bool(query.near), query.country) for h in shown]
    lines = table_lines(headers, cells)
    click.echo(lines[0])
    grouped = False
    for hit, line in zip(shown, lines[1:], strict=True):
        if query.near and hit.miles is None and not grouped:
            click.echo("location unknown:")
            grouped = True
        click.echo(line)
        if why:
            click.echo(f"    why: {hit.why}")
    if any(hit.therapist.ipt.ambiguous for hit in shown):
        app.say(AMBIGUOUS_LEGEND)
    more = f" (first {len(shown)} shown; --limit for more)" if len(shown) < len(hits) else ""
    app.say(f"{plural(len(hits), 'therapist')} {'fits' if len(hits) == 1 else 'fit'}{more}.")
    for hit in shown:
        elsewhere = claims.licence_elsewhere(hit.therapist, query.state)
        if elsewhere:
            app.say(f"{hit.therapist.name} ({hit.therapist.tid}), online only: {elsewhere}.")
    for line in truth.lines(found, query):
        app.say(line)
    if not query.strict and any(h.unknown for h in hits):
        app.say("Unknown values (e.g. no fee listed) are not excluded; --strict excludes them.")
    app.say("IPT classes show evidence, not verification: ask about IPT training on the call.")


AMBIGUOUS_LEGEND = (
    "listed?: lists 'Interpersonal' among approaches: may not mean IPT \u2014 ask (--why names it)."
)


def _search_cells(hit: Any, with_distance: bool, country: str | None) -> list[str]:
    t = hit.therapist
    location = ", ".join(p for p in (t.best("city"), t.best("state")) if p) or "-"
    cells = [str(hit.rank), str(t.tid), _cut(t.name, 32), t.ipt.class_shown, _fee(t),
             _cut(location, 24)]  # fmt: skip
    if with_distance:
        # kept here: the map tables' reader loads only for a search measured from a place
        from finder.records import geo

        known = hit.miles is not None
        cells.insert(4, geo.distance_text(hit.miles, country, approx=hit.approx) if known else "?")
    return cells


def _search_row(hit: Any, summary: Any, home: str | None) -> dict[str, Any]:
    # kept here: `finder profile` and `finder shortlist add` read no claims
    from finder.judge import claims

    row = summary(hit.therapist)
    row.update(
        rank=hit.rank,
        distance_miles=round(hit.miles, 1) if hit.miles is not None else None,
        distance_approximate=hit.approx,
        fee=next((f.low for f in claims.fees(hit.therapist)), None),
        license_note=claims.licence_elsewhere(hit.therapist, home),
        matches=list(hit.matched),
        unknown=list(hit.unknown),
        why=hit.why,
    )
    return row


# ------------------------------------------------------------------ shortlist

SHORTLIST_COLUMNS = [
    "id", "name", "status", "ipt_class", "phone", "added_at", "updated_at", "recheck_on",
]  # fmt: skip


def _status(value: str) -> Any:
    # kept here: `finder profile` reads no shortlist
    from finder.pursue.shortlist import Status

    key = re.sub(r"[\s_]+", "-", value.strip().lower())
    try:
        return Status(key)
    except ValueError:
        raise UsageError(
            f"unknown status {value!r}; one of: {', '.join(s.label for s in Status)}"
        ) from None


@click.group("shortlist", cls=Group)
def shortlist_group() -> None:
    """The candidates this profile is pursuing, each with a status.

    \b
    finder shortlist add 12 40
    """


@shortlist_group.command("add")
@click.argument("tids", nargs=-1, required=True, metavar="ID...", type=THERAPIST_ID)
@click.option("--status", metavar="STATUS", help="Start at this status (default: to contact).")
@for_profile_option
@pass_app
def shortlist_add(app: App, tids: tuple[int, ...], status: str | None, label: str | None) -> None:
    """Add therapists to the shortlist.

    \b
    finder shortlist add 12 40 --for client-a
    """
    # kept here: `finder profile` reads no therapists and no shortlist
    from finder.judge import therapists
    from finder.pursue import profiles, shortlist

    store = app.store
    who = profiles.resolve(store, label)
    start = _status(status) if status else shortlist.Status.TO_CONTACT
    for tid in dict.fromkeys(tids):
        name = therapists.get(store, tid).name
        if shortlist.add(store, who, tid, start):
            app.say(f"Added {tid} {name} to the shortlist of '{who}' ({start.label}).")
        else:
            app.say(f"{tid} {name} is already on the shortlist of '{who}'.")


@shortlist_group.command("remove")
@with_id_arg
@for_profile_option
@pass_app
def shortlist_remove(app: App, tid: int, label: str | None) -> None:
    """Take a therapist off the shortlist (contacts and answers are kept).

    \b
    finder shortlist remove 12
    """
    # kept here: `finder profile` reads no therapists and no shortlist
    from finder.judge import therapists
    from finder.pursue import profiles, shortlist

    store = app.store
    who = profiles.resolve(store, label)
    name = therapists.get(store, tid).name
    shortlist.remove(store, who, tid)
    app.say(f"Removed {tid} {name} from the shortlist of '{who}'.")


@shortlist_group.command("status")
@with_id_arg
@click.argument("status", nargs=-1, required=True)
@recheck_option("With waitlisted: the day to ask again (YYYY-MM-DD).")
@for_profile_option
@pass_app
def shortlist_status(
    app: App, tid: int, status: tuple[str, ...], recheck: str | None, label: str | None
) -> None:
    """Set where things stand with a therapist (added to the shortlist if needed).

    STATUS: to contact, contacted, awaiting reply, consultation booked, consulted,
    chosen, declined, no openings, waitlisted.

    \b
      finder shortlist status 12 consultation booked
      finder shortlist status 12 waitlisted --recheck 2026-01-15
    """
    # kept here: `finder profile` reads no therapists and no shortlist
    from finder.judge import therapists
    from finder.pursue import profiles, shortlist

    store = app.store
    who = profiles.resolve(store, label)
    name = therapists.get(store, tid).name
    entry = shortlist.set_status(store, who, tid, _status(" ".join(status)), recheck_on=recheck)
    again = f", re-check on {entry.recheck_on}" if entry.recheck_on else ""
    app.say(f"{tid} {name}: {entry.status.label}{again} (shortlist of '{who}').")


@shortlist_group.command("list")
@for_profile_option
@output_options()
@pass_app
def shortlist_list(app: App, label: str | None, output: OutputFormat) -> None:
    """Show the shortlist with each status.

    \b
    finder shortlist list
    """
    # kept here: only listings write rows; `finder profile` reads no therapists and no shortlist
    from finder.cli.records import emit_rows
    from finder.judge import therapists
    from finder.pursue import profiles, shortlist

    store = app.evidence_store
    who = profiles.resolve(store, label)
    rows = []
    for entry in shortlist.entries(store, who):
        t = therapists.get(store, entry.tid)
        rows.append({"id": t.tid, "name": t.name, "status": entry.status.value,
                     "ipt_class": t.ipt.level.label, "phone": (t.best("phones") or [None])[0],
                     "added_at": entry.added_at, "updated_at": entry.updated_at,
                     "recheck_on": entry.recheck_on})  # fmt: skip
    if emit_rows(rows, output, SHORTLIST_COLUMNS):
        return
    if not rows:
        app.say(f"The shortlist of '{who}' is empty. Add someone: finder shortlist add ID")
        return
    cells = [[str(r["id"]), _cut(r["name"], 32), _status_cell(r), r["ipt_class"],
              r["phone"] or "-", r["updated_at"][:10]] for r in rows]  # fmt: skip
    for line in table_lines(["ID", "Name", "Status", "IPT", "Phone", "Updated"], cells):
        click.echo(line)
    app.say(f"{len(rows)} on the shortlist of '{who}'.")


def _status_cell(row: dict[str, Any]) -> str:
    status = str(row["status"]).replace("-", " ")
    return f"{status} (re-check {row['recheck_on']})" if row.get("recheck_on") else status


__all__ = ["profile_group", "search_cmd", "shortlist_group"]
