"""How one therapist is shown: `finder show` as text and as JSON."""

from __future__ import annotations

from typing import Any

from rich.markup import escape

from finder.cli.app import App
from finder.cli.verify import summary_lines
from finder.judge import claims, verify
from finder.judge.therapists import Claim, Therapist
from finder.pursue import answers, profiles
from finder.records.models import FIELDS
from finder.records.normalize.money import home_mark
from finder.storage.store import Store


def display(value: Any) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"${value:,.0f}" if value.is_integer() else f"{value:,.2f}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _field_display(name: str, claim: Claim) -> str:
    if name in ("fee", "fee_max") and isinstance(claim.value, int | float):
        return f"${claim.value:,.0f}"
    return display(claim.value)


def _conflict_display(therapist: Therapist, name: str, claim: Claim) -> str:
    return claims.fee_text(therapist, claim) if name == "fee" else _field_display(name, claim)


_HIDDEN = ("first_name", "last_name", "lat", "lon", "is_organization")


def _print_by_source(app: App, therapist: Therapist) -> None:
    """The fields under each source that states them, once per source.

    Lines are soft-wrapped: the terminal wraps a long URL or email where it must,
    but it stays one piece to select and copy.
    """
    groups: dict[str, list[tuple[str, str]]] = {}
    for name in FIELDS:
        if name in _HIDDEN or name == "fee_max":
            continue
        if name == "fee":  # each source's own fee, its range whole
            for fee in claims.fees(therapist):
                groups.setdefault(fee.source.describe(), []).append(("fee", fee.text))
            continue
        for claim in therapist.values(name):
            value = _field_display(name, claim)
            if name == "license_type":
                value += claims.licence_claim_note(therapist, claim)
            if name == "statement" and len(value) > 600:
                value = value[:600] + "..."
            groups.setdefault(claim.source.describe(), []).append((name, " ".join(value.split())))
    width = max((len(name) for rows in groups.values() for name, _ in rows), default=0)
    for source, rows in groups.items():
        app.out.print(f"[bold]From {escape(source)}[/bold]", soft_wrap=True)
        for name, value in rows:
            app.out.print(f"  {name:<{width}}  {escape(value)}", soft_wrap=True)


def fee_line(store: Store, therapist: Therapist, label: str | None = None) -> str | None:
    """The fee headline `show` prints, as `compare` does: what they told you on the call
    (the consultation answers of profile ``label``, default the active one) wins."""
    who = profiles.resolve(store, label)
    said = claims.said_fee(answers.answers_for(store, who, therapist.tid, answers.CONSULTATION))
    mark = home_mark(profiles.get(store, who).country) if said is not None else "$"
    return claims.fee_headline(therapist, said, per=" per session", mark=mark)


def render_therapist(
    app: App, therapist: Therapist, show_extra: bool = False, label: str | None = None
) -> None:
    out = app.out
    kind = " (organization)" if therapist.is_organization else ""
    out.print(f"[bold]{escape(therapist.name)}[/bold]{kind}  (id {therapist.tid})")
    evidence = therapist.ipt
    out.print(f"IPT evidence: [bold]{evidence.level.label}[/bold]", end="")
    if evidence.text:
        out.print(f" from {evidence.field}: \u201c{escape(evidence.text)}\u201d", end="")
    out.print("")
    if evidence.note:
        out.print(f"  {escape(evidence.note)}")
    if evidence.supports:
        out.print(f"  supporting terms: {escape(', '.join(evidence.supports))}")
    out.print("  (evidence, not verification: ask about IPT training on the call)")
    fee = fee_line(app.store, therapist, label)
    if fee:
        out.print(f"Fee: {escape(fee)}")
    out.print("")

    _print_by_source(app, therapist)

    conflicts = therapist.conflicts()
    if conflicts:
        out.print("\n[bold]Sources disagree[/bold] (ask on the call):")
        for name, stated in conflicts.items():
            values = "; ".join(f"{_conflict_display(therapist, name, c)} ({c.source.short_path})"
                               for c in stated)  # fmt: skip
            out.print(f"  {name}: {escape(values)}")
    unconfirmed = therapist.unconfirmed()
    if unconfirmed:
        out.print("\n[bold]Directory claims to confirm[/bold] on the call or with the insurer:")
        for name, value in unconfirmed.items():
            out.print(f"  {name}: {escape(display(value))}")

    checked = verify.latest(app.store, therapist.tid)
    if checked:
        lines = summary_lines(checked)
        out.print(f"\n[bold]Verification[/bold]: {escape(lines[0])}")
        for line in [*lines[1:], *verify.NOTICE]:
            out.print(f"  {escape(line)}")
    if show_extra:
        for doc in therapist.records:
            if doc.get("extra"):
                out.print(f"\n[dim]Other data from {escape(doc['source']['path'])}:[/dim]")
                for key, value in doc["extra"].items():
                    out.print(f"  {escape(str(key))}: {escape(str(value)[:300])}")
    out.print(f"\nSources ({len(therapist.records)}):")
    for source in therapist.sources:
        out.print(f"  {escape(source.describe())}")


def therapist_json(store: Store, therapist: Therapist, label: str | None = None) -> dict[str, Any]:
    """The documented JSON of `finder show --json`."""
    fields = {
        name: [
            {
                "value": c.value,
                "source": c.source.path,
                "locator": c.source.locator,
                "kind": c.source.kind.value,
                "date": c.source.imported_at,
            }
            for c in claims
        ]
        for name, claims in therapist.claims.items()
    }
    return {
        "id": therapist.tid,
        "name": therapist.name,
        "organization": therapist.is_organization,
        "ipt": therapist.ipt.to_dict(),
        "fee": fee_line(store, therapist, label),
        "fields": fields,
        "conflicts": {
            name: [c.value for c in claims] for name, claims in therapist.conflicts().items()
        },
        "unconfirmed_claims": therapist.unconfirmed(),
        "sources": [s.to_dict() for s in therapist.sources],
        "verification": _verification(store, therapist.tid),
    }


def _verification(store: Store, tid: int) -> dict[str, Any] | None:
    return verify.latest(store, tid)
