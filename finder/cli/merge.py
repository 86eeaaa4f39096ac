"""Commands that join or separate records: merge and split.

Both change which records make up a therapist, and with them whose answers,
notes and contacts are whose: each shows what it will do and asks first
(``--yes`` for scripts). The merge machinery (rapidfuzz) loads only here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from finder.cli.app import App, confirm_change, echo_json, pass_app
from finder.cli.options import OutputFormat, output_options, with_id_arg
from finder.errors import UsageError


def _describe_record(doc: dict[str, Any]) -> str:
    fields = doc["fields"]
    name = fields.get("name", "?")
    if fields.get("credentials"):
        name += ", " + ", ".join(fields["credentials"])
    place = " ".join(p for p in (fields.get("city"), fields.get("state"), fields.get("zip")) if p)
    ids = "; ".join(f"{k.upper()} {fields[k]}" for k in ("npi",) if fields.get(k))
    if fields.get("license_number"):
        ids = "; ".join(x for x in (ids, f"license {fields['license_number']}") if x)
    source = doc["source"]
    origin = Path(source["path"]).name if "://" not in source["path"] else source["path"]
    bits = [name, place or "-", ids, f"({origin} {source['locator']})"]
    return "  ".join(b for b in bits if b)


@click.command("merge")
@click.option("--review", is_flag=True, help="Go through the uncertain pairs one by one.")
@click.option("--same", nargs=2, metavar="A B", help="Records or therapist ids of one clinician.")
@click.option("--different", nargs=2, metavar="A B", help="Records or ids of two clinicians.")
@click.option("--yes", "-y", is_flag=True,
              help="Do not ask: with --review, every pair is the same clinician.")  # fmt: skip
@output_options(OutputFormat.TABLE, OutputFormat.JSON)
@pass_app
def merge_cmd(
    app: App,
    review: bool,
    yes: bool,
    same: tuple[str, str] | None,
    different: tuple[str, str] | None,
    output: OutputFormat,
) -> None:
    """List records that may be one clinician; confirm them or keep them apart.

    \b
    finder merge --review            (or: finder merge --same A B / --different A B)
    """
    # kept here: `finder merge --help` and `finder split --help` load no store
    from finder.judge import merge

    if sum(bool(x) for x in (review, same, different)) > 1:
        raise UsageError("choose one of --review, --same and --different")
    if yes and not (review or same or different):
        raise UsageError("--yes goes with --review, --same or --different")
    store = app.store
    for pair, decision in ((same, "same"), (different, "different")):
        if pair:
            _preview_decision(store, pair, decision)
            confirm_change(app, _QUESTION[decision], yes)
            outcome = merge.decide(store, pair[0], pair[1], decision)
            _say_outcome(app, pair, decision, outcome)
            return
    candidates = merge.review(store)
    records = {d["rid"]: d for d in store.records.all()}
    if output is OutputFormat.JSON:
        echo_json([{"a": c.a, "b": c.b, "score": c.score, "reason": c.reason,
                    "tid_a": records[c.a].get("tid"), "tid_b": records[c.b].get("tid")}
                   for c in candidates])  # fmt: skip
        return
    if not candidates:
        app.say("No uncertain pairs: nothing to review.")
        return
    if not review:
        for n, cand in enumerate(candidates, 1):
            _print_pair(n, len(candidates), cand, records)
        app.say(f"{_pairs(len(candidates))} to review: finder merge --review, "
                "or finder merge --same A B / --different A B.")  # fmt: skip
        return
    _review(app, candidates, records, yes)


_QUESTION = {"same": "Join them as one clinician?", "different": "Keep them apart?"}


def _pairs(count: int) -> str:
    return f"{count} pair" + ("" if count == 1 else "s")


def _review(app: App, candidates: list[Any], records: dict[str, Any], yes: bool) -> None:
    # kept here: `finder merge --help` and `finder split --help` load no store
    from finder.judge import merge

    decisions: list[tuple[str, str, str]] = []
    for n, cand in enumerate(candidates, 1):
        _print_pair(n, len(candidates), cand, records)
        if yes:
            answer = "s"
        else:
            answer = click.prompt("Same clinician? [s]ame, [d]ifferent, [k]eep for later, [q]uit",
                                  type=click.Choice(["s", "d", "k", "q"]), show_choices=False,
                                  err=True)  # fmt: skip
        if answer == "q":
            break
        if answer in ("s", "d"):
            decisions.append((cand.a, cand.b, "same" if answer == "s" else "different"))
    if decisions:
        merge.decide_many(app.store, decisions)
    together = sum(1 for d in decisions if d[2] == "same")
    app.say(f"{_pairs(together)} merged, {len(decisions) - together} kept apart, "
            f"{len(candidates) - len(decisions)} left for later.")  # fmt: skip


def _print_pair(n: int, total: int, cand: Any, records: dict[str, Any]) -> None:
    click.echo(f"{n}/{total}  {cand.reason} (score {cand.score})")
    for letter, rid in (("A", cand.a), ("B", cand.b)):
        doc = records[rid]
        click.echo(f"  {letter} {rid}  therapist {doc.get('tid')}  {_describe_record(doc)}")


def _preview_decision(store: Any, pair: tuple[str, str], decision: str) -> None:
    # kept here: `finder merge --help` and `finder split --help` load no store
    from finder.judge import merge

    for ref in pair:
        docs = merge.records_of(store, ref)
        click.echo(f"{ref}:", err=True)
        for doc in docs:
            click.echo(f"  {doc['rid']}  therapist {doc.get('tid')}  {_describe_record(doc)}",
                       err=True)  # fmt: skip
    if decision == "same":
        click.echo("These records will be one therapist, with their answers, notes and "
                   "contacts together (finder split undoes it).", err=True)  # fmt: skip
    else:
        click.echo("These records will be separate therapists from now on "
                   "(finder merge --same undoes it).", err=True)  # fmt: skip


def _say_outcome(app: App, pair: tuple[str, str], decision: str, outcome: Any) -> None:
    first = ", ".join(map(str, outcome.first))
    second = ", ".join(map(str, outcome.second))
    if decision == "same":
        app.say(f"{pair[0]} and {pair[1]} are one therapist: {first}.")
    else:
        app.say(f"{pair[0]} and {pair[1]} are kept apart: therapists {first} and {second}.")


@click.command("split")
@with_id_arg
@click.argument("refs", nargs=-1, metavar="[RECORD]...")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@pass_app
def split_cmd(app: App, tid: int, refs: tuple[str, ...], yes: bool) -> None:
    """Undo a merge: a therapist's records (or just those named) become separate therapists.

    Shows which records go apart and asks first. They are remembered as different
    clinicians; `finder merge --same` undoes this.

    \b
      finder split 12
      finder split 12 3f9c2a1b77 --yes
    """
    # kept here: `finder merge --help` and `finder split --help` load no store
    from finder.judge import merge, therapists

    store = app.store
    own, apart = merge.split_parts(store, tid, refs)
    name = therapists.get(store, tid).name
    click.echo(f"Therapist {tid}, {name}, is made of {len(own)} records:", err=True)
    for doc in own:
        mark = "  <- set apart" if doc in apart else ""
        click.echo(f"  {doc['rid']}  {_describe_record(doc)}{mark}", err=True)
    click.echo(f"Each record set apart becomes a therapist of its own, remembered as a different "
               f"clinician; answers, notes and contacts keep the id {tid}.", err=True)  # fmt: skip
    confirm_change(app, f"Split therapist {tid}?", yes)
    tids = merge.split(store, tid, refs)
    app.say(f"Therapist {tid} split into {', '.join(map(str, tids))}; "
            "they stay apart from now on.")  # fmt: skip
    click.echo(" ".join(map(str, tids)))


__all__ = ["merge_cmd", "split_cmd"]
