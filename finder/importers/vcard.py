"""vCard files (2.1, 3.0, 4.0) -> one record per card.

People keep a therapist's details as a contact and share them as ``.vcf``
files, often several cards in one file. The reader copes with what phones and
mail clients write: folded lines (a leading space or tab continues the line;
vCard 2.1 keeps that whitespace), quoted-printable values with soft line breaks
and a ``CHARSET`` parameter, property groups (``item1.TEL`` with an
``item1.X-ABLabel``), bare 2.1 type parameters (``TEL;WORK;FAX:``), vCard 4
``tel:`` URIs and escaped characters (``\\,`` ``\\;`` ``\\n``).

FN/N -> name, ORG -> organization, TITLE -> title, TEL -> phones (fax and pager
numbers go to ``extra``), EMAIL, ADR (a work address first), URL -> website,
NOTE -> statement, LANG -> languages, GEO -> lat/lon. Photos, logos, sounds and
keys are dropped unread and never stored; every other property goes to
``extra``.
"""

from __future__ import annotations

import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from finder.errors import ImportRefused
from finder.importers.base import ParseContext, decode, is_vcard, read_text
from finder.records import normalize
from finder.records.models import Record, RowError
from finder.records.normalize.languages import language_name

NAME = "vcard"
DESCRIPTION = "vCard contacts (.vcf, versions 2.1, 3.0 and 4.0, several cards per file)"

_BINARY = {"PHOTO", "LOGO", "SOUND", "KEY"}
_SKIP = {"BEGIN", "END", "VERSION", "PRODID", "X-ABLABEL", "X-ABADR"}
_NOT_VOICE = {"FAX", "PAGER"}
_LINE = re.compile(
    r"^(?:(?P<group>[A-Za-z0-9-]+)\.)?(?P<name>[A-Za-z0-9-]+)(?P<params>(?:;[^:]*)?):"
)
_ENCODINGS = {"QUOTED-PRINTABLE", "BASE64", "8BIT", "B"}


def sniff(path: Path, head: bytes) -> float:
    return 0.95 if is_vcard(head) else 0.0


class _Prop:
    def __init__(self, group: str | None, name: str, params: dict[str, list[str]], value: str):
        self.group = group.lower() if group else None
        self.name = name.upper()
        self.params = params
        self.value = value

    @property
    def types(self) -> set[str]:
        return {t.upper() for t in self.params.get("TYPE", [])}


def _params(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in re.findall(r';((?:"[^"]*"|[^;])*)', text):
        key, sep, value = part.partition("=")
        if not sep:  # vCard 2.1: a bare value is a type (TEL;WORK;FAX) or an encoding
            key, value = ("ENCODING" if part.upper() in _ENCODINGS else "TYPE"), part
        values = [v.strip('"') for v in re.findall(r'"[^"]*"|[^,]+', value)]
        out.setdefault(key.strip().upper(), []).extend(v for v in values if v)
    return out


def _split(value: str, sep: str = ";") -> list[str]:
    """Split on unescaped ``sep`` and unescape each part."""
    parts = re.split(r"(?<!\\)" + re.escape(sep), value)
    return [_unescape(p) for p in parts]


def _unescape(value: str) -> str:
    # RFC 6350 escapes \\ \, \; \n; Apple also writes \" and \: ("AS IS\", "http\://").
    return re.sub(r'\\([nN,;:"\\])', lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def _cards(text: str) -> Iterator[tuple[int, list[str], bool]]:
    """(card number, raw lines, complete?) for each BEGIN:VCARD ... END:VCARD."""
    lines = re.split(r"\r*\n|\r+", text)
    current: list[str] | None = None
    number = 0
    for line in lines:
        upper = line.strip().upper()
        if upper == "BEGIN:VCARD":
            if current is not None:
                yield number, current, False
            number += 1
            current = []
        elif upper == "END:VCARD" and current is not None:
            yield number, current, True
            current = None
        elif current is not None:
            current.append(line)
    if current is not None:
        yield number, current, False


def _unfold(lines: list[str]) -> tuple[list[str], str]:
    version = next(
        (ln.split(":", 1)[1].strip() for ln in lines if ln.upper().startswith("VERSION:")), "3.0"
    )
    out: list[str] = []
    qp_open = False
    for line in lines:
        if not line.strip() and not qp_open:
            continue
        if out and qp_open:
            out[-1] = out[-1][:-1] + line  # a quoted-printable soft line break
        elif out and line[:1] in (" ", "\t"):
            out[-1] += line if version == "2.1" else line[1:]
        else:
            out.append(line)
        qp_open = "QUOTED-PRINTABLE" in out[-1].split(":", 1)[0].upper() and out[-1].endswith("=")
    return out, version


def _decode_value(prop_params: dict[str, list[str]], value: str) -> str:
    encoding = {e.upper() for e in prop_params.get("ENCODING", [])}
    if "QUOTED-PRINTABLE" in encoding:
        charset = (prop_params.get("CHARSET") or ["utf-8"])[0]
        data = quopri.decodestring(value.encode("ascii", errors="replace"))
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            return decode(data)
    return value


def _phone(prop: _Prop) -> str | None:
    value = prop.value.strip()
    if value.lower().startswith("tel:"):
        number, _, rest = value[4:].partition(";")
        ext = re.search(r"ext=(\d+)", rest)
        value = f"{number} x{ext.group(1)}" if ext else number
    return normalize.phone(_unescape(value))


def _card(number: int, lines: list[str], complete: bool) -> Record | RowError:
    locator = f"card {number}"
    unfolded, version = _unfold(lines)
    warnings: list[str] = [] if complete else ["the card has no END:VCARD; it may be cut short"]
    props = _properties(unfolded, warnings)
    card = _Card(extra={"vcard_version": version})
    labels = {p.group: _unescape(p.value) for p in props if p.name == "X-ABLABEL" and p.group}
    for prop in props:
        _read_property(card, prop, labels)
    raw, extra = card.raw, card.extra
    _address(raw, extra, card.addresses)
    raw["phones"] = card.phones
    if card.emails:
        raw["email"] = card.emails[0]
        if card.emails[1:]:
            extra["more_emails"] = card.emails[1:]
    n_full = raw.pop("_n_full", None)
    if not raw.get("name"):
        raw["name"] = n_full
    if not raw.get("name") and raw.get("organization"):
        raw["name"] = raw["organization"]
        raw["is_organization"] = True
    if not raw.get("name"):
        return RowError(locator, "the card has no name (FN, N or ORG); skipped")
    fields = normalize.build_fields(raw)
    uid = normalize.clean_text(extra.get("uid")) if isinstance(extra.get("uid"), str) else None
    if uid is None and fields.get("name"):
        # No UID: name plus first contact detail survives cards being added or reordered.
        contact = fields.get("email") or next(iter(fields.get("phones") or []), "")
        uid = f"{fields['name'].lower()}|{contact}"
    return Record(fields=fields, locator=locator, key=uid, extra=extra, warnings=warnings)


@dataclass
class _Card:
    """What one card's properties gave so far: mapped fields, extra data, contacts."""

    raw: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    addresses: list[tuple[_Prop, list[str]]] = field(default_factory=list)


def _properties(unfolded: list[str], warnings: list[str]) -> list[_Prop]:
    props: list[_Prop] = []
    for line in unfolded:
        m = _LINE.match(line)
        if not m:
            warnings.append(f"a line that is not a vCard property was ignored: {line[:40]!r}")
            continue
        params = _params(m.group("params"))
        if m.group("name").upper() in _BINARY:
            continue  # photos and keys are never read or stored
        value = _decode_value(params, line[m.end() :])
        props.append(_Prop(m.group("group"), m.group("name"), params, value))
    return props


def _read_property(card: _Card, prop: _Prop, labels: dict[str, str]) -> None:
    raw, extra = card.raw, card.extra
    name, value = prop.name, prop.value
    if name == "FN":
        raw["name"] = _unescape(value)
    elif name == "N":
        _read_n(raw, extra, value)
    elif name == "ORG":
        parts = [p for p in _split(value) if p]
        if parts and "organization" not in raw:  # the first ORG is the card's own
            raw["organization"] = parts[0]
            if parts[1:]:
                extra["org_unit"] = ", ".join(parts[1:])
        elif parts:
            _add(extra, "other_organizations", ", ".join(parts))
    elif name == "TITLE":
        if "title" in raw:
            _add(extra, "other_titles", _unescape(value))
        else:
            raw["title"] = _unescape(value)
    elif name == "TEL":
        _read_tel(card, prop, labels)
    elif name == "EMAIL":
        card.emails.append(_unescape(value).strip())
    elif name == "ADR":
        card.addresses.append((prop, [*_split(value), "", "", "", "", "", "", ""][:7]))
    elif name == "URL":
        url = normalize.url(_unescape(value))
        if url and "website" not in raw:
            raw["website"] = url
        else:
            _add(extra, "urls", _unescape(value))
    elif name == "NOTE":
        raw["statement"] = _unescape(value)
    elif name == "LANG":
        raw.setdefault("languages", []).append(language_name(_unescape(value).strip()))
    elif name == "GENDER":
        sex = _split(value)[0].upper()
        raw["gender"] = {"M": "Male", "F": "Female"}.get(sex, _split(value)[0] or None)
    elif name == "GEO":
        nums = re.findall(r"-?\d+(?:\.\d+)?", value)
        if len(nums) >= 2:
            raw["lat"], raw["lon"] = float(nums[0]), float(nums[1])
    elif (name, value.strip().upper()) in (("KIND", "ORG"), ("X-ABSHOWAS", "COMPANY")):
        raw["is_organization"] = True
    elif name not in _SKIP:
        _add(extra, name.lower(), _unescape(value))


def _read_n(raw: dict[str, Any], extra: dict[str, Any], value: str) -> None:
    family, given, additional, prefix, suffix = [*_split(value), "", "", "", "", ""][:5]
    raw["last_name"], raw["first_name"] = family or None, given or None
    raw["_n_full"] = " ".join(x for x in (given, additional, family) if x) or None
    if suffix:
        raw["credentials"] = [s.strip() for s in suffix.split(",")]
        extra["name_suffix"] = suffix
    if prefix:
        extra["name_prefix"] = prefix


def _read_tel(card: _Card, prop: _Prop, labels: dict[str, str]) -> None:
    kinds = prop.types | {labels.get(prop.group or "", "").upper()}
    number_text = _phone(prop)
    if kinds & _NOT_VOICE or any("FAX" in k for k in kinds):
        _add(card.extra, "fax" if "FAX" in str(kinds) else "pager", number_text or prop.value)
    elif number_text:
        if "PREF" in prop.types or "1" in prop.params.get("PREF", []):
            card.phones.insert(0, number_text)
        else:
            card.phones.append(number_text)
    else:
        _add(card.extra, "unreadable_phones", _unescape(prop.value))


def _add(extra: dict[str, Any], key: str, value: str) -> None:
    if key in extra:
        if not isinstance(extra[key], list):
            extra[key] = [extra[key]]
        extra[key].append(value)
    else:
        extra[key] = value


def _address(
    raw: dict[str, Any], extra: dict[str, Any], found: list[tuple[_Prop, list[str]]]
) -> None:
    if not found:
        return
    # A therapist's work address is the one to visit; a home address is the fallback.
    found = sorted(found, key=lambda a: ("WORK" not in a[0].types, "PREF" not in a[0].types))
    _, (pobox, ext, street, city, region, postal, country) = found[0]
    lines = [x.replace("\n", ", ").strip(" ,") for x in (pobox, ext, street)]
    raw["address"] = ", ".join(x for x in lines if x) or None
    raw["city"], raw["zip"] = city or None, postal or None
    raw["state"] = region or None
    if region and normalize.state(region) is None:
        extra["region"] = region
    if country:
        extra["country"] = country
    others = [
        ", ".join(c for c in (x.replace("\n", ", ").strip(" ,") for x in parts) if c)
        for _, parts in found[1:]
    ]
    if others:
        extra["other_addresses"] = others


def parse(path: Path, ctx: ParseContext) -> Iterator[Record | RowError]:
    text = read_text(path, max_bytes=50 * 1024 * 1024)
    count = 0
    for number, lines, complete in _cards(text):
        count += 1
        yield _card(number, lines, complete)
    if count == 0:
        raise ImportRefused(path, "no vCards (BEGIN:VCARD) found; nothing imported")
