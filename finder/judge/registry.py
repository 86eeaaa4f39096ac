"""Reading the NPPES NPI Registry's answer: candidates, the registry's errors, and where its
record disagrees with what the user's sources claim."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from finder.errors import NetworkError
from finder.records import normalize, taxonomy
from finder.records.models import Record, SourceKind

if TYPE_CHECKING:
    from finder.judge.therapists import Therapist


def claims(therapist: Therapist, name: str) -> list[Any]:
    """Values of ``name`` the user's sources claim: imports and the user's own entries."""
    return [c.value for c in therapist.values(name) if c.source.kind is not SourceKind.VERIFY]


def first_claim(therapist: Therapist, name: str) -> Any:
    values = claims(therapist, name)
    return values[0] if values else None


def candidate(result: dict[str, Any]) -> dict[str, Any]:
    """One ``results[]`` item of the API as a stored CANDIDATE (see the module docstring)."""
    # kept here: only a registry answer is read as a record; `finder show` loads this module too
    from finder.importers import nppes_json as nj

    entry = nj.entry_from_result(result)
    built = nj.build_record(entry, "result")
    fields = built.fields if isinstance(built, Record) else {}
    slots = nj.primary_first([s for s in entry.slots if taxonomy.normalize_code(s.code)])
    taxonomies = [
        {
            "code": taxonomy.normalize_code(s.code),
            "desc": s.desc or taxonomy.name(s.code),
            "primary": s.primary,
            "license": s.license,
            "state": normalize.state(s.state) or s.state,
            "license_type": taxonomy.license_type(s.code),
        }
        for s in slots
    ]
    primary = taxonomies[0] if taxonomies else {}
    loc = entry.location
    phone = normalize.phone(loc.get("telephone_number"))
    return {
        "npi": fields.get("npi") or nj.text(entry.npi),
        "name": fields.get("name"),
        "credential": nj.text(entry.credential),
        "organization": entry.is_organization,
        "status": entry.extra.get("status"),
        "last_updated": entry.extra.get("last_updated"),
        "license_type": fields.get("license_type"),
        "license_number": primary.get("license"),
        "license_state": primary.get("state"),
        "taxonomies": taxonomies,
        "location": {
            "address": fields.get("address"),
            "city": fields.get("city"),
            "state": fields.get("state"),
            "zip": fields.get("zip"),
            "phone": phone,
        },
    }


def errors_text(errors: Any) -> str:
    items = errors if isinstance(errors, list) else [errors]
    out = []
    for item in items:
        if isinstance(item, dict):
            desc = item.get("description") or item.get("message")
            if desc:
                out.append(str(desc).strip())
        elif item:
            out.append(str(item).strip())
    return "; ".join(out) or "an error with no description"


def read_results(body: Any, host: str) -> list[dict[str, Any]] | str:
    """The results of one answer, or the registry's own error text."""
    if isinstance(body, dict) and "Errors" in body:
        return errors_text(body["Errors"])
    if not isinstance(body, dict) or not isinstance(body.get("results", []), list):
        raise NetworkError(
            f"{host} answered with JSON that is not an NPI registry response; nothing was changed"
        )
    return [r for r in body.get("results") or [] if isinstance(r, dict)]


def _key(value: Any) -> str:
    return re.sub(r"[^0-9A-Z]", "", str(value).upper()).lstrip("0")


def mismatches(therapist: Therapist, found: dict[str, Any], by: str) -> list[dict[str, Any]]:
    """Where the registry's record disagrees with what the imported records claim."""
    out: list[dict[str, Any]] = []

    def add(name: str, claimed: Any, registry: Any, note: str) -> None:
        out.append({"field": name, "claimed": claimed, "registry": registry, "note": note})

    slots = found.get("taxonomies") or []
    types = {t["license_type"] for t in slots if t.get("license_type")}
    families = {normalize.licence_family(t) for t in types}
    states = {t["state"] for t in slots if t.get("state")}
    numbers = {_key(t["license"]) for t in slots if t.get("license")}
    status = found.get("status")
    if status and status != "active":
        add("status", "listed as practising", status,
            "the NPI record is not active; ask the clinician, check the state board")  # fmt: skip
    for npi in {normalize.npi(v) for v in claims(therapist, "npi")} - {None, found.get("npi")}:
        add("npi", npi, found.get("npi"), "a source gives a different NPI")
    for kind in dict.fromkeys(str(v) for v in claims(therapist, "license_type")):
        if types and normalize.licence_family(kind) not in families:
            add("license_type", kind, ", ".join(sorted(types)),
                "a different licence type in the registry")  # fmt: skip
    for st in dict.fromkeys(normalize.state(v) for v in claims(therapist, "license_state")):
        if st and states and st not in states:
            add("license_state", st, ", ".join(sorted(states)),
                "the registry lists no licence in this state")  # fmt: skip
    location_state = (found.get("location") or {}).get("state")
    for st in dict.fromkeys(normalize.state(v) for v in claims(therapist, "state")):
        if st and states and st not in states and st != location_state:
            add("state", st, ", ".join(sorted(states)),
                "practises in a state where the registry lists no licence")  # fmt: skip
    for number in dict.fromkeys(str(v) for v in claims(therapist, "license_number")):
        if numbers and _key(number) not in numbers:
            listed = ", ".join(t["license"] for t in slots if t.get("license"))
            add("license_number", number, listed, "a different licence number in the registry")
    if by != "name" and not found.get("organization"):
        last = str(found.get("name") or "").split()[-1:] or [""]
        claimed = [str(v) for v in claims(therapist, "last_name")]
        if claimed and last[0] and _key(last[0]) not in {_key(c) for c in claimed}:
            note = "this NPI belongs to someone of another name: is the NPI in the source right?"
            add("name", therapist.name, found.get("name"), note)
    return out
