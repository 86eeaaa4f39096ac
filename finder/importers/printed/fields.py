"""One printed entry's lines -> the raw values of a record (normalised by the caller).

Each labelled field gathers the lines that wrap after it; the name line gives
the name, its credentials, a printed gender "(F)" and legend codes ("B"); a phone
line's trailing codes are decoded through the page legend when it defines them
and kept as written otherwise. Nothing here normalises a name, credential,
phone or place: those go through ``finder.records.normalize``.
"""

from __future__ import annotations

import re
from typing import Any

from finder.importers.printed.entries import ADDRESS_LABEL, HEAD_KINDS, ONE_LINE_ADDRESS, Entry
from finder.importers.printed.sections import english_part
from finder.records.normalize.credentials import is_credential
from finder.records.normalize.names import from_last_first, split_name, split_titles

_WRAPS = frozenset(
    {"group", "languages", "lang_part", "hospitals", "expertise", "web", "ages", "phone",
     "specialty", "telehealth", "hours", "email", "culture", "gender"}
)  # fmt: skip
_GENDER = re.compile(r"^\(([A-Za-z]{1,2})\)$")
_NUMBER = re.compile(r"^\d{1,4}[.)]\s+")
_HOURS_LABEL = re.compile(r"^(?:office hours|hours|sprechzeiten|horario)\s*:", re.I)
_PHONE_PART = re.compile(r"^[^,]*\d[^,]*")


def _wrapped_word(text: str) -> bool:
    """A hospital name's last word on a line of its own ("Ctr"), or a lower-case carry-on."""
    return text[:1].islower() or (len(text) <= 4 and " " not in text)


def _label_value(text: str) -> str:
    return text.split(":", 1)[1].strip() if ":" in text else text


def _gather(entry: Entry) -> list[tuple[str, str]]:
    """(kind, text) per field, wrapped lines joined to the field they continue."""
    out: list[tuple[str, str]] = []
    for line, kind in zip(entry.lines, entry.kinds, strict=True):
        text = line.text
        if out and kind in ("text", "codes") and out[-1][0] in _WRAPS:
            last_kind, last = out[-1]
            joiner = "" if last.endswith(("-", ".")) or text.startswith(".") else " "
            if last_kind == "hospitals" and not _wrapped_word(text):
                joiner = "\n"
            out[-1] = (last_kind, f"{last}{joiner}{text}")
        elif kind == "street" and out and out[-1][0] == "street":
            out[-1] = ("street", f"{out[-1][1]}, {text}")
        else:
            out.append((kind, text))
    return out


def name_values(entry: Entry, legend: dict[str, str]) -> dict[str, Any]:
    """Name, credentials, printed gender and legend codes from an entry's name lines."""
    labelled = any(k in HEAD_KINDS for k in entry.kinds)
    lines = [line.text for line in entry.name_lines]
    text = " ".join(lines) if labelled else lines[0]
    text = _NUMBER.sub("", text).strip()
    values: dict[str, Any] = {}
    if not labelled and len(lines) > 1:
        values["title"] = " ".join(lines[1:])
    parts = [p.strip() for p in text.split(",")]
    codes: list[str] = []
    while len(parts) > 1:
        tail = parts[-1]
        gender = _GENDER.match(tail)
        if gender and "gender" not in values:
            values["gender"] = gender.group(1)
        elif tail in legend and not is_credential(tail):
            codes.append(legend[tail])
        else:
            break
        parts.pop()
    if codes:
        values["name_codes"] = codes[::-1]
    bare, titles = split_titles(", ".join(parts))
    name, creds = split_name(bare)
    if name and "," in name:
        values["name"], values["first_name"], values["last_name"] = from_last_first(name)
    elif name:
        values["name"] = name
    values["credentials"] = [*titles, *creds]
    return values


def _phone_values(text: str, legend: dict[str, str], out: dict[str, Any]) -> None:
    value = text
    if not text[:1].isdigit() and text[:1] not in "(+":
        value = _label_value(text)
        out.setdefault("phone_label", text.split(":", 1)[0].strip())
    m = _PHONE_PART.match(value)
    number = m.group(0).strip() if m else value
    out.setdefault("phones", []).append(number)
    codes = [c.strip() for c in value[len(number) :].split(",") if c.strip()]
    for code in codes:
        meaning = legend.get(code)
        key = "accessibility" if meaning else "phone_codes"
        bucket = out.setdefault(key, [])
        if (meaning or code) not in bucket:
            bucket.append(meaning or code)


def _address(text: str, kind: str, out: dict[str, Any]) -> None:
    if kind == "address":
        m = ONE_LINE_ADDRESS.match(text)
        assert m is not None
        out.setdefault("address", m["street"] or m["street2"])
        out.setdefault("city_line", m["place"] or m["place2"])
    else:
        out.setdefault("address" if kind == "street" else "city_line", text)


def _languages(text: str, out: dict[str, Any]) -> None:
    """ "Provider: French, Spanish Staff: Spanish" -> own languages apart from the office's."""
    value = _label_value(text) if text.lower().startswith(("lang", "sprach", "idioma")) else text
    parts = re.split(r"\b(Provider|Staff|Interpreter|Office)\s*:", value)
    if parts[0].strip():
        out.setdefault("languages", []).extend(_items(parts[0]))
    for who, said in zip(parts[1::2], parts[2::2], strict=False):
        key = "languages" if who == "Provider" else f"languages_{who.lower()}"
        out.setdefault(key, []).extend(_items(said))


def _items(text: str) -> list[str]:
    return [p.strip(" .;") for p in text.split(",") if p.strip(" .;")]


def entry_values(entry: Entry, legend: dict[str, str]) -> dict[str, Any]:
    """Every value an entry prints, keyed by canonical field or by an extra-data name."""
    out = name_values(entry, legend)
    if entry.heading:
        out["specialties"] = [english_part(entry.heading)]
    for kind, text in _gather(entry):
        value = _label_value(text) if kind != "hours" or _HOURS_LABEL.match(text) else text
        if kind == "phone":
            _phone_values(text, legend, out)
        elif kind in ("languages", "lang_part"):
            _languages(text, out)
        elif kind in ("street", "city", "address"):
            _address(ADDRESS_LABEL.sub("", text), kind, out)
        elif kind == "accepting":
            out["accepting_text"] = text
        elif kind in ("hospitals", "expertise", "ages", "hours"):
            items = _items(value) if kind == "expertise" else value.split("\n")
            out.setdefault(kind, []).extend(items)
        elif kind in ("group", "provider_id", "npi", "web", "email", "fax", "gender"):
            out.setdefault(kind, value.strip())
        else:
            out.setdefault(kind if kind != "text" else "other", []).append(value)
    return out
