"""`finder callsheet`: the call plan on paper, one page per clinician."""

from __future__ import annotations

from pathlib import Path

import click

from finder.cli.app import CRISIS_LINE, App, pass_app
from finder.cli.consult import _label, _write_private
from finder.cli.options import for_profile_option
from finder.errors import UsageError


@click.command("callsheet", epilog=CRISIS_LINE)
@click.argument("tids", nargs=-1, required=True, metavar="ID...", type=click.IntRange(min=1))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to FILE (its suffix picks the format) instead of the screen.")  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(["html", "md"]),
              help="html prints one page per clinician; md (default on screen) reads anywhere.")  # fmt: skip
@click.option("--minutes", type=click.FloatRange(min=1, max=120), default=15, show_default=True,
              metavar="N", help="How long the call is.")  # fmt: skip
@for_profile_option
@pass_app
def callsheet_cmd(
    app: App, tids: tuple[int, ...], output: Path | None, fmt: str | None, minutes: float,
    label: str | None,
) -> None:  # fmt: skip
    """Print the call plan: one page per clinician to hold during the call.

    Who they are, what the sources claim (to confirm), the questions that fit the
    time with boxes to tick, the crisis line at the foot. After the call, `finder consult ID` asks the sheet's questions in its order.

    \b
      finder callsheet 12 15 -o calls.html
      finder callsheet 12 --minutes 10
    """
    # kept here: `finder callsheet --help` stays fast: the call plan costs 50 ms
    from finder.crisis import profile_country
    from finder.judge import therapists
    from finder.pursue import callplan, kept_plans
    from finder.records.models import now_iso
    from finder.report import callsheet

    chosen = fmt or (output.suffix.lower().lstrip(".") if output else "md")
    chosen = {"htm": "html", "markdown": "md"}.get(chosen, chosen)
    if chosen not in ("html", "md"):
        raise UsageError(f"{output}: give a .html or .md file, or --format html|md")
    store = app.evidence_store
    profile = _label(app, label)
    pages = []
    for tid in dict.fromkeys(tids):
        plan = callplan.make(store, profile, tid, minutes)
        pages.append((therapists.get(store, tid), plan))
    country = profile_country(store, profile)
    text = callsheet.render(
        [callsheet.sheet(t, plan, country) for t, plan in pages], callsheet.SheetFormat(chosen)
    )
    if output is None:
        click.echo(text, nl=False)
    else:
        _write_private(output, text.encode("utf-8"))
    # Kept only once printed: the walk after the call asks exactly these questions.
    for _, plan in pages:
        kept_plans.keep(store, profile, plan, now_iso())
    if output is not None:
        count = len(pages)
        app.say(f"Wrote {count} call sheet{'s' * (count != 1)} to {output}.")
    first = pages[0][1].tid
    app.say(f"After the call: finder consult {first} asks the sheet's questions in its order.")
