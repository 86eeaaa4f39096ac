"""Online commands: `finder verify` (NPPES NPI Registry) and `finder import URL`.

Both say they go online before they do. `verify` lists exactly what it will
send and asks first (``--yes`` skips the question); `import URL` only ever
requests the URL the user typed (and the next pages of a FHIR search).
"""

from __future__ import annotations

from typing import Any

import click

from finder.cli.app import App, echo_json, pass_app
from finder.cli.options import OutputFormat, for_profile_option, output_options
from finder.cli.types import THERAPIST_ID
from finder.errors import NetworkError, UsageError
from finder.words import plural


@click.command("verify")
@click.argument("tids", nargs=-1, metavar="ID...", type=THERAPIST_ID)
@click.option("--shortlist", "use_shortlist", is_flag=True, help="Check everyone on the shortlist.")
@for_profile_option
@click.option(
    "--pick", metavar="NPI", help="Choose this candidate of an ambiguous check (offline)."
)
@click.option("--yes", "-y", is_flag=True, help="Do not ask before going online.")
@click.option(
    "--base-url", metavar="URL",
    help="Another NPPES API server (default: $FINDER_NPPES_URL, else the public registry).",
)  # fmt: skip
@output_options(OutputFormat.TABLE, OutputFormat.JSON)
@pass_app
def verify_cmd(
    app: App,
    tids: tuple[int, ...],
    use_shortlist: bool,
    label: str | None,
    pick: str | None,
    yes: bool,
    base_url: str | None,
    output: OutputFormat,
) -> None:
    """Look clinicians up in the NPPES NPI Registry (goes online; asks first).

    Sends only the NPI, or the name and state, of each therapist.

    \b
      finder verify 12 15
      finder verify --shortlist
      finder verify 12 --pick 1234567893
    """
    # kept here: `finder verify --help` loads no store
    from finder.judge import verify

    if pick is not None:
        if use_shortlist or len(tids) != 1:
            raise UsageError("--pick takes exactly one ID: finder verify ID --pick NPI")
        result = verify.pick(app.store, tids[0], pick)
        _show(app, [result.to_doc()], output is OutputFormat.JSON, kept={})
        return
    if use_shortlist and tids:
        raise UsageError("give IDs or --shortlist, not both")
    if label and not use_shortlist:
        raise UsageError("--for only goes with --shortlist")
    registry = verify.registry_url(base_url)
    ids = _shortlisted(app, label) if use_shortlist else list(tids)
    if not ids:
        raise UsageError("give at least one ID, or --shortlist: finder verify ID...")
    queries = verify.plans(app.store, ids)
    online = [q for q in queries if q.by]
    if online:
        _announce(app, registry, queries)
        if not yes and not click.confirm("Go online now?", default=False, err=True):
            app.say("Nothing was sent.")
            raise click.exceptions.Exit(1)
    before = {tid: verify.latest(app.store, tid) for tid in ids}
    results = verify.run(app.store, ids, registry=registry)
    kept = {
        r.tid: before[r.tid]
        for r in results
        if r.status is verify.Status.ERROR and before.get(r.tid) is not None
    }
    _show(app, [r.to_doc() for r in results], output is OutputFormat.JSON, kept)
    if results and all(r.status is verify.Status.ERROR for r in results):
        # Nothing could be checked (offline, or nothing to look up): say so to scripts too.
        raise click.exceptions.Exit(NetworkError.exit_code)


def _shortlisted(app: App, label: str | None) -> list[int]:
    # kept here: only `finder verify --shortlist` reads the shortlist (`finder show` loads this module too)
    from finder.pursue import profiles, shortlist

    who = profiles.resolve(app.store, label)
    ids = [entry.tid for entry in shortlist.entries(app.store, who)]
    if not ids:
        raise UsageError(f"the shortlist of profile {who!r} is empty: finder shortlist add ID")
    return ids


def _announce(app: App, registry: str, queries: list[Any]) -> None:
    # kept here: httpx (100 ms) loads only when verify goes online
    from finder.online.net import host_of

    online = [q for q in queries if q.by]
    app.say(
        f"finder verify goes online: it looks up {plural(len(online), 'therapist')} in the NPPES NPI "
        f"Registry at {host_of(registry)}. It sends only:"
    )
    for q in queries:
        app.say(f"  {q.tid} {q.name}: {q.describe()}")
    app.say("Nothing else leaves this computer: no notes, answers or profile.")


def _show(app: App, docs: list[dict[str, Any]], as_json: bool, kept: dict[int, Any]) -> None:
    # kept here: `finder verify --help` loads no store
    from finder.judge import verify

    if as_json:
        echo_json(docs)
        for line in verify.NOTICE:
            app.say(line)
        return
    # kept here: `finder verify --help` loads no store
    from finder.judge import therapists

    for doc in docs:
        name = therapists.get(app.store, doc["tid"]).name
        lines = summary_lines(doc)
        click.echo(f"{doc['tid']} {name}: {lines[0]}")
        for line in lines[1:]:
            click.echo(f"  {line}")
        earlier = kept.get(doc["tid"])
        if earlier:
            click.echo(
                f"  (kept the earlier result: {earlier['status'].replace('_', ' ')} on "
                f"{earlier['checked_at'][:10]})"
            )
    click.echo("")
    for line in verify.NOTICE:
        click.echo(line)


def import_urls(
    app: App,
    urls: list[str],
    fmt: str | None,
    column_map: dict[str, str],
    dry_run: bool,
    max_pages: int,
    timeout: float,
) -> None:
    """`finder import URL...`: fetch each URL (online) and import it like a saved file."""
    # kept here: only `finder import URL` goes online
    from finder.cli.output import print_import_report
    from finder.ingest import fetch
    from finder.online.net import redact

    checked = [fetch.check_url(url) for url in urls]  # refuse bad URLs before any request
    for url in checked:
        app.say(f"Fetching {redact(url)} (online: only this URL and its next pages are requested)")
        report = fetch.import_url(
            app.store,
            url,
            format=fmt,
            column_map=column_map,
            dry_run=dry_run,
            max_pages=max_pages,
            timeout=timeout,
            warn=app.warn,
            say=app.say,
        )
        print_import_report(app, report)


# --- words for people ------------------------------------------------------------------------


def describe_candidate(found: dict[str, Any]) -> str:
    """One line: NPI, name, credential, licence, place, status."""
    parts = [f"NPI {found.get('npi')}", str(found.get("name") or "?")]
    if found.get("credential"):
        parts[-1] += f", {found['credential']}"
    licence = " ".join(
        str(p) for p in (found.get("license_type"), found.get("license_number")) if p
    )
    if found.get("license_state"):
        licence += f" ({found['license_state']})"
    if licence.strip():
        parts.append(f"license {licence.strip()}")
    slots = found.get("taxonomies") or []
    if slots:
        parts.append(f"{slots[0].get('desc') or slots[0].get('code')}")
    loc = found.get("location") or {}
    place = ", ".join(str(p) for p in (loc.get("city"), loc.get("state")) if p)
    if place:
        parts.append(place)
    parts.append(f"status {found.get('status') or 'unknown'}")
    return "; ".join(parts)


def summary_lines(doc: dict[str, Any]) -> list[str]:
    """A stored verification as lines of text (`finder show`, `finder verify`)."""
    # kept here: `finder verify --help` loads no store
    from finder.judge.verify import Status

    status = Status(doc["status"])
    lines = [f"{status.label} ({doc['checked_at'][:10]}, NPPES NPI Registry)"]
    if status is Status.MATCHED:
        how = "picked by you" if doc.get("picked") else f"by {doc['query']['by']}"
        lines.append(f"{describe_candidate(doc['result'])} ({how})")
        other = [
            f"{t.get('license_type') or t.get('desc') or t.get('code')} "
            f"{t.get('license') or ''} ({t.get('state') or '?'})".replace("  ", " ")
            for t in (doc["result"].get("taxonomies") or [])[1:]
        ]
        if other:
            lines.append("other taxonomies: " + "; ".join(other))
        loc = doc["result"].get("location") or {}
        where = ", ".join(
            str(p) for p in (loc.get("address"), loc.get("city"), loc.get("state"), loc.get("zip"))
            if p
        )  # fmt: skip
        if where:
            lines.append(f"practice location: {where}")
    if doc.get("message"):
        lines.append(str(doc["message"]))
    if status is Status.AMBIGUOUS:
        for found in doc.get("candidates") or []:
            lines.append(f"candidate: {describe_candidate(found)}")
        lines.append(f"choose one: finder verify {doc['tid']} --pick NPI")
    for m in doc.get("mismatches") or []:
        lines.append(
            f"disagrees: {m['field']}: sources say {m['claimed']}, registry says {m['registry']}"
            f" ({m['note']})"
        )
    return lines
