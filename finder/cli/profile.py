"""`finder profile`: what this person needs, one profile per client under a pseudonym.

Each profile has its own shortlist, contacts, answers and notes; the imported
therapists are shared. Commands print plain text (no rich) to stay quick.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import click

from finder.cli.app import App, Group, echo_json, pass_app
from finder.cli.options import OutputFormat, for_profile_option, output_options
from finder.cli.types import DISTANCE, MONEY, WholeNumber
from finder.errors import UsageError
from finder.records.normalize.money import dollars, home_mark

_PROFILE_ROWS = [
    ("zip", "ZIP"), ("radius_miles", "Radius"), ("telehealth", "Telehealth"),
    ("insurance", "Insurance"), ("budget", "Budget"), ("sliding_scale_needed", "Sliding scale"),
    ("formats", "Formats"), ("issues", "Issues"), ("age_group", "Age group"),
    ("languages", "Languages"), ("state", "State"), ("country", "Country"), ("city", "City"),
    ("planned_sessions", "Planned sessions"),
]  # fmt: skip


def _profile_value(name: str, value: Any, country: str | None) -> str:
    if name == "radius_miles":
        # kept here: the map module loads only to show a profile
        from finder.records import geo

        return geo.radius_text(value, country) if value is not None else "not set"
    if name == "budget":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return f"{dollars(value, home_mark(country))} per session"
        return "not set" if value is None else "-"
    if name == "sliding_scale_needed":
        return "needed" if value else "not needed"
    if name == "languages":
        return ", ".join(value) if value else "any"
    if isinstance(value, list):
        return ", ".join(value) if value else "not set"
    return "not set" if value is None else str(value)


def _print_profile(app: App, profile: Any) -> None:
    # kept here: the help of search, profile and shortlist loads no store
    from finder.pursue import profiles

    active = profiles.active_label(app.store) == profile.label
    click.echo(f"Profile {profile.label}" + (" (active)" if active else ""))
    width = max(len(title) for _, title in _PROFILE_ROWS)
    for name, title in _PROFILE_ROWS:
        shown = _profile_value(name, getattr(profile, name), profile.country)
        click.echo(f"  {title:<{width}}  {shown}")


_CLEAR_ALIASES = {"radius": "radius_miles", "age": "age_group", "sessions": "planned_sessions",
                  "session-format": "formats", "format": "formats", "issue": "issues", "language": "languages",
                  "sliding-scale": "sliding_scale_needed"}  # fmt: skip


@click.group("profile", cls=Group, invoke_without_command=True)
@for_profile_option
@output_options(OutputFormat.TABLE, OutputFormat.JSON)
@click.pass_context
def profile_group(ctx: click.Context, label: str | None, output: OutputFormat) -> None:
    """What this person needs; one profile per client under a pseudonym.

    \b
    finder profile set --zip 02139 --radius 10 --telehealth ok --budget 150
    """
    if ctx.invoked_subcommand is not None:
        return
    # kept here: the help of search, profile and shortlist loads no store
    from finder.pursue import profiles

    app = ctx.find_object(App)
    assert app is not None
    profile = profiles.get(app.store, label, create=False)
    if output is OutputFormat.JSON:
        echo_json({**profile.to_doc(), "active": profiles.active_label(app.store) == profile.label})
        return
    _print_profile(app, profile)


@profile_group.command("set")
@click.option("--zip", "zip_", metavar="ZIP", help="Where the person lives (5-digit ZIP).")
@click.option("--radius", "radius_miles", type=DISTANCE, metavar="DISTANCE",
              help="How far they will travel: 10mi, 25km, or a number in the country's "
                   "unit (km outside the US and UK).")  # fmt: skip
@click.option("--telehealth", type=click.Choice(["ok", "required", "no"]),
              help="Online sessions: ok, required, or no.")  # fmt: skip
@click.option("--insurance", multiple=True, metavar="PLAN", help="Insurance plan (repeatable).")
@click.option("--budget", type=MONEY, metavar="DOLLARS",
              help="Most they can pay per session.")  # fmt: skip
@click.option("--sliding-scale/--no-sliding-scale", default=None,
              help="A sliding scale is needed.")  # fmt: skip
@click.option("--session-format", "formats", multiple=True, metavar="FORMAT",
              help="individual, couple, family or group (repeatable).")  # fmt: skip
@click.option("--issue", "issues", multiple=True, metavar="ISSUE",
              help="e.g. depression, PTSD, perinatal, eating disorder (repeatable).")  # fmt: skip
@click.option("--age", "age_group", metavar="AGE", help="child, teen, adult or elder.")
@click.option("--language", "languages", multiple=True, metavar="LANGUAGE",
              help="Languages (repeatable).")  # fmt: skip
@click.option("--state", metavar="XX", help="State they live in (telehealth license follows it).")
@click.option("--country", metavar="XX", help="Country they live in (ISO code: US, GB, ES, ...).")
@click.option("--city", metavar="CITY", help="City they live in (therapists there rank first).")
@click.option("--sessions", "planned_sessions", type=WholeNumber("sessions", 1, 100),
              help="Sessions planned (IPT: usually 12 to 16).")  # fmt: skip
@click.option("--clear", multiple=True, metavar="FIELD",
              help="Unset a field, e.g. --clear budget (repeatable).")  # fmt: skip
@for_profile_option
@pass_app
def profile_set(app: App, label: str | None, clear: tuple[str, ...], **given: Any) -> None:
    """Record what this person needs (only the options given change).

    \b
    finder profile set --zip 02139 --radius 10 --insurance "Blue Cross" --issue depression
    """
    # kept here: the help of search, profile and shortlist loads no store
    from finder.cli.filters import _split
    from finder.judge import search
    from finder.pursue import profiles
    from finder.records import normalize

    store = app.store
    profile = profiles.get(store, label)
    known = {name for name, _ in _PROFILE_ROWS}
    changes: dict[str, Any] = {}
    for name in clear:
        key = _CLEAR_ALIASES.get(name, name.replace("-", "_"))
        if key not in known:
            raise UsageError(f"--clear {name}: not a profile field ({', '.join(sorted(known))})")
        changes[key] = getattr(profiles.Profile(), key)
    for key in ("insurance", "formats", "issues", "languages"):
        values = _split(given.pop(key))
        if key == "formats":
            values = tuple(dict.fromkeys(search.normalise_format(v) for v in values))
        if values:
            changes[key] = list(values)
    zip_text = given.pop("zip_")
    if zip_text is not None:
        zip_code = normalize.zip_code(zip_text) if len(zip_text.strip()) >= 5 else None
        if zip_code is None:
            raise UsageError(f"--zip {zip_text!r} is not a 5-digit US ZIP code")
        if search.zip_point(zip_code) is None:
            raise UsageError(f"--zip {zip_code} is not a known US ZIP code")
        changes["zip"] = zip_code
    if given["age_group"] is not None:
        given["age_group"] = search.normalise_age(given["age_group"])
    if given["state"] is not None:
        state = normalize.state(given["state"])
        if state is None:
            raise UsageError(f"--state {given['state']!r} is not a US state")
        given["state"] = state
    if given["country"] is not None:
        country = normalize.country(given["country"])
        if country is None:
            raise UsageError(f"--country {given['country']!r}: give an ISO code such as ES or GB")
        given["country"] = country
    if given["city"] is not None:
        given["city"] = normalize.clean_text(given["city"])
    scale = given.pop("sliding_scale")
    if scale is not None:
        changes["sliding_scale_needed"] = scale
    radius = given.pop("radius_miles")
    if radius is not None:  # a bare number is in the unit of the profile's country
        changes["radius_miles"] = radius.miles(given["country"] or profile.country)
    changes.update({k: v for k, v in given.items() if v is not None})
    if not changes:
        raise UsageError("nothing to set; see `finder profile set --help`")
    profile = replace(profile, **changes)
    profiles.save(store, profile)
    active = profiles.active_label(store)
    note = (
        ""
        if active == profile.label
        else f" (active is '{active}'; use --for or `finder profile use`)"
    )
    app.say(f"Saved profile '{profile.label}'{note}.")
    if "city" in changes or "country" in changes or "state" in changes:
        _town_note(app, profile)
    _print_profile(app, profile)


def _town_note(app: App, profile: Any) -> None:
    """Say when search cannot measure from the profile's town (it still ranks it first)."""
    # kept here: the place tables (records.geo) load only when the profile's town changes
    from finder.records import geo

    if (
        not profile.city
        or profile.zip
        or geo.town_point(profile.city, profile.country, profile.state)
    ):
        return
    us = not profile.country or profile.country == "US"
    hint = " (give --state to measure from it)" if us and not profile.state else ""
    app.say(
        f"finder has no map point for {profile.city}{hint}: therapists there rank first, "
        "distances from it are unknown."
    )


@profile_group.command("list")
@pass_app
def profile_list(app: App) -> None:
    """List the profiles; the active one is marked with *.

    \b
    finder profile list
    """
    # kept here: the help of search, profile and shortlist loads no store
    from finder.pursue import profiles

    store = app.store
    active = profiles.active_label(store)
    counts: dict[str, int] = {}
    for doc in store.shortlist.all():
        counts[doc.get("profile", "")] = counts.get(doc.get("profile", ""), 0) + 1
    found = profiles.all_profiles(store)
    width = max(len(p.label) for p in found)
    for profile in found:
        where = f"ZIP {profile.zip}" if profile.zip else "no ZIP"
        if profile.zip and profile.radius_miles is not None:
            # kept here: the map module loads only for a profile with a radius
            from finder.records import geo

            where += f" within {geo.radius_text(profile.radius_miles, profile.country)}"
        mark = "*" if profile.label == active else " "
        click.echo(f"{mark} {profile.label:<{width}}  {where}; "
                   f"{counts.get(profile.label, 0)} on the shortlist")  # fmt: skip


@profile_group.command("use")
@click.argument("label")
@pass_app
def profile_use(app: App, label: str) -> None:
    """Switch the active profile (created empty if new); a pseudonym is fine.

    \b
    finder profile use client-a
    """
    # kept here: the help of search, profile and shortlist loads no store
    from finder.pursue import profiles

    profile = profiles.use(app.store, label)
    app.say(f"Now using profile '{profile.label}'.")


@profile_group.command("weights")
@click.argument("settings", nargs=-1, metavar="[CRITERION=N]...")
@click.option("--reset", is_flag=True, help="Back to the default weights.")
@for_profile_option
@pass_app
def profile_weights(app: App, settings: tuple[str, ...], reset: bool, label: str | None) -> None:
    """Show or set how much each criterion weighs in the comparison (0 to 5).

    \b
    finder profile weights cost=5 distance=0
    """
    # kept here: the help of search, profile and shortlist loads no store
    from finder.pursue import profiles

    store = app.store
    profile = profiles.get(store, label)
    weights = dict(profiles.DEFAULT_WEIGHTS) if reset else dict(profile.weights)
    for setting in settings:
        name, sep, number = setting.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or name not in profiles.DEFAULT_WEIGHTS:
            raise UsageError(f"{setting!r}: use CRITERION=N with CRITERION one of "
                             f"{', '.join(profiles.DEFAULT_WEIGHTS)}")  # fmt: skip
        if not number.strip().isdigit() or not 0 <= int(number) <= 5:
            raise UsageError(f"{setting!r}: the weight must be a whole number from 0 to 5")
        weights[name] = int(number)
    if settings or reset:
        profile = replace(profile, weights=weights)
        profiles.save(store, profile)
        app.say(f"Saved the weights of profile '{profile.label}'.")
    click.echo(f"Weights of profile {profile.label} (0 = ignore, 5 = matters most):")
    width = max(len(name) for name in profiles.DEFAULT_WEIGHTS)
    for name, default in profiles.DEFAULT_WEIGHTS.items():
        value = profile.weights.get(name, default)
        note = "" if value == default else f"  (default {default})"
        click.echo(f"  {name:<{width}}  {value}{note}")
