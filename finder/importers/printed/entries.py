"""The stream of a directory's lines cut into headings and entries.

Lines come in reading order over all pages read, each marked where blank space
or a new column starts. Blank space ends a block; a block that starts a column
goes on the entry before it when it is plainly its continuation (it starts with
a field, or the entry before has not reached its identifiers yet), so an entry
split across columns and pages stays one. A block with no field in it is a
heading; an entry starts with its name, the lines before its first field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from finder.importers.printed.layout import Line
from finder.records.normalize import address_place

_LABELS: list[tuple[str, str]] = [
    ("group", r"(?:group name|group|practice name|practice|praxis|organi[sz]ation)\s*:"),
    ("provider_id", r"(?:provider id|provider #|provider number|provider no\.?)\s*[:#]?\s*\S"),
    ("npi", r"npi\s*(?:#|number)?\s*:?\s*\d"),
    ("languages", r"(?:languages spoken|languages?|sprachen|idiomas|langues)\s*:"),
    ("lang_part", r"(?:provider|staff|interpreter|office)\s*:"),
    ("hours", r"(?:office hours|hours|sprechzeiten|horario)\s*:"),
    (
        "accepting",
        r"(?:accepting new (?:patients|clients)|does not accept new (?:patients|clients)|"
        r"not accepting new (?:patients|clients)|"
        r"accepting existing patients only|closed panel|open panel|"
        r"nimmt (?:keine )?neue patient\w*)",
    ),
    ("ages", r"(?:ages?|age range|altersgruppen?)\s*:"),
    ("hospitals", r"hospital affiliations?\s*:"),
    ("expertise", r"areas? of expertise\s*:"),
    ("culture", r"cultural competency\s*:"),
    ("web", r"(?:web address|website|web|internet|homepage)\s*:"),
    ("telehealth", r"(?:telemedicine|telehealth|videosprechstunde)\s*:?"),
    ("gender", r"(?:gender|sex|geschlecht)\s*:"),
    ("email", r"(?:e-?mail)\s*:"),
    ("fax", r"fax\s*[:.]"),
    ("phone", r"(?:tel\.?|telefon|phone|ph\.|telephone|teléfono)\s*[:.]?\s*[+(\d]"),
    ("specialty", r"(?:specialt(?:y|ies)|fachgebiet|schwerpunkte?|focus)\s*:"),
    ("license", r"(?:license|licence|approbation)\s*(?:#|no\.?|number)?\s*:"),
]
_LABEL = re.compile("|".join(f"(?P<{kind}>{rx})" for kind, rx in _LABELS), re.I)
_DAY = r"(?:mo|tu|we|th|fr|sa|su|di|mi|do)[a-z]{0,7}\.?"
_HOURS = re.compile(
    rf"^{_DAY}(?:\s*[,\-–]\s*{_DAY})*\s*[-–:]?\s*\d{{1,2}}(?::\d\d|\s*(?:am|pm))", re.I
)
_PHONE = re.compile(r"^(?:\+\d{1,3}[\s-]?)?\(?\d{2,5}\)?[\s./-]?\d{2,4}[\s./-]?\d{2,5}(?:,|$|\s)")
_CITY = re.compile(r"^[^\d,]{2,40},\s*[A-Z]{2}\s+\d{5}(?:-\d{4})?$|^\d{4,5}\s+[A-ZÄÖÜ][^\d]*$")
_US_STREET = re.compile(
    r"\b(?:ave|avenue|st|street|rd|road|blvd|pkwy|parkway|dr|drive|ln|lane|pl|place|way|ct|"
    r"expy|hwy|plz|ste|apt|fl|unit|rm|concourse|broadway|ter|sq)\b",
    re.I,
)
_STREET = re.compile(
    r"^\d+[A-Za-z]?(?:-\d+)?\s+\S|^[A-ZÄÖÜ][\wäöüß.\- ]{2,40}?\s\d+\s?[a-z]?(?:[,\s]|$)"
)
_CODES = re.compile(r"^(?:[A-Z]{1,3},\s*)*[A-Z]{1,3},?$")
_NUMBERED = re.compile(r"^\d{1,4}[.)]\s+\S")
HEAD_KINDS = frozenset({"group", "provider_id", "npi"})
_IDENTIFIED = frozenset({"provider_id", "npi", "phone", "city", "address"})
#: A whole address on one line: "12 Elm St, Ste 4, Springfield, IL 62701", "Musterstr. 5,
#: 10115 Berlin", "12 Elm St, Boston, Massachusetts 02139" (the US place as ``address_place``
#: reads it, see ``line_kind``).
ONE_LINE_ADDRESS = re.compile(
    r"^(?P<street>\d+[^,]*(?:,\s*[^,]+)*?),\s*(?P<place>[^,\d]+,\s*(?:[A-Z]{2}\s+\d{5}(?:-\d{4})?"
    r"|[A-Za-z][A-Za-z .]+?(?:\s+\d{5}(?:-\d{4})?)?))$"
    r"|^(?P<street2>[A-ZÄÖÜ][^,\d]*\s\d+\s?[a-z]?),\s*(?P<place2>\d{4,5}\s+[^\d,]+)$"
)


def _us_city_line(text: str) -> bool:
    """``"Wheeling, West Virginia 26003"``, ``"Springfield, Illinois"``: a city line with the
    state written out, as the one place reader reads it (the two-letter form is ``_CITY``'s)."""
    if text[:1].isdigit() or "," in text.partition(",")[2]:
        return False
    return "state" in address_place(text)


ADDRESS_LABEL = re.compile(
    r"^(?:address|adresse|anschrift|direcci[oó]n|praxisadresse)\s*:\s*", re.I
)


def line_kind(text: str) -> str:
    """What a line is: a labelled field, a phone, an address, hours, codes, or "text"."""
    m = _LABEL.match(text)
    if m is not None and m.lastgroup:
        return m.lastgroup
    if _HOURS.match(text):
        return "hours"
    text = ADDRESS_LABEL.sub("", text)
    one_line = ONE_LINE_ADDRESS.match(text)
    if one_line and (one_line["place2"] or address_place(one_line["place"])):
        return "address"
    if (_CITY.match(text) or _us_city_line(text)) and not (
        text[:1].isdigit() and _US_STREET.search(text)
    ):
        return "city"
    number = text.split(",", 1)[0]  # "2739-45 Third Ave" is a street, not a phone
    digits, letters = sum(c.isdigit() for c in number), sum(c.isalpha() for c in number)
    if _PHONE.match(text) and digits >= 7 and letters <= 3:
        return "phone"
    if _STREET.match(text):
        return "street"
    if "@" in text and " " not in text.strip():
        return "email"
    if _CODES.match(text):
        return "codes"
    return "text"


@dataclass
class Entry:
    name_lines: list[Line]
    lines: list[Line] = field(default_factory=list)
    heading: str | None = None
    kinds: list[str] = field(default_factory=list)

    @property
    def first_page(self) -> int:
        return self.name_lines[0].page if self.name_lines else self.lines[0].page

    def identified(self) -> bool:
        return any(k in _IDENTIFIED for k in self.kinds)


@dataclass
class Heading:
    text: str
    page: int
    index: int  # how many entries came before it


def _blocks(lines: list[Line]) -> list[list[Line]]:
    blocks: list[list[Line]] = []
    for line in lines:
        if not blocks or line.gap or line.brk or _NUMBERED.match(line.text):
            blocks.append([line])
        else:
            blocks[-1].append(line)
    return blocks


def _looks_like_heading(block: list[Line]) -> bool:
    if len(block) > 4:
        return False
    text = " ".join(line.text for line in block)
    if any(c.isdigit() for c in text) or text.endswith(":"):
        return False
    return all(line.bold for line in block) or " / " in text or _centred(block[0])


def _centred(line: Line) -> bool:
    if line.col_x1 <= line.col_x0:
        return False
    middle = (line.col_x0 + line.col_x1) / 2
    return line.x0 - line.col_x0 > 3 and abs((line.x0 + line.x1) / 2 - middle) < 8


def _heading_lines(name_lines: list[Line]) -> int:
    """How many of an entry's first lines are a heading printed right above its name."""
    count = 0
    while count < len(name_lines) - 1 and (
        _centred(name_lines[count])
        or " / " in name_lines[count].text
        or name_lines[count].text.endswith("/")
        or (count and name_lines[count - 1].text.endswith("/"))
    ):
        count += 1
    return count


def _continues(block: list[Line], kinds: list[str], prev: Entry | None) -> bool:
    """Whether a block that starts a column goes on the entry before it."""
    if prev is None:
        return False
    if kinds[0] != "text" and kinds[0] not in HEAD_KINDS:
        return True
    if kinds[0] in HEAD_KINDS or not prev.identified():
        return True
    return not any(k != "text" for k in kinds) and not _looks_like_heading(block)


def split_entries(lines: list[Line]) -> tuple[list[Entry], list[Heading]]:
    """Entries (name lines and field lines) and headings, in reading order."""
    entries: list[Entry] = []
    headings: list[Heading] = []
    heading: str | None = None
    pending: list[list[Line]] = []
    for block in _blocks(lines):
        kinds = [line_kind(line.text) for line in block]
        prev = entries[-1] if entries else None
        starts_column = block[0].brk and not block[0].gap
        if starts_column and kinds[0] in HEAD_KINDS and pending:
            # A name printed last in a column, its fields at the top of the next one.
            name = pending.pop()
            block, kinds = [*name, *block], ["text"] * len(name) + kinds
        elif (starts_column and _continues(block, kinds, prev)) or (
            prev is not None and kinds[0] != "text" and not block[0].gap and not starts_column
        ):
            assert prev is not None
            prev.lines.extend(block)
            prev.kinds.extend(kinds)
            continue
        if all(k == "text" for k in kinds):
            if _looks_like_heading(block) or prev is None or block[0].gap:
                pending.append(block)
                continue
            prev.lines.extend(block)
            prev.kinds.extend(kinds)
            continue
        for done in pending:
            heading = " ".join(line.text for line in done)
            headings.append(Heading(heading, done[0].page, len(entries)))
        pending = []
        first_field = next(i for i, k in enumerate(kinds) if k != "text")
        lead = _heading_lines(block[:first_field])
        if lead:
            heading = " ".join(line.text for line in block[:lead])
            headings.append(Heading(heading, block[0].page, len(entries)))
            block, kinds, first_field = block[lead:], kinds[lead:], first_field - lead
        if first_field == 0:
            if prev is not None:
                prev.lines.extend(block)
                prev.kinds.extend(kinds)
            continue
        entries.append(
            Entry(block[:first_field], block[first_field:], heading, kinds[first_field:])
        )
    for done in pending:
        headings.append(Heading(" ".join(line.text for line in done), done[0].page, len(entries)))
    return entries, headings


def last_heading(lines: list[Line]) -> str | None:
    """The last heading among ``lines`` (``split_entries``'s reading of them).

    What ends the lines with no entry after it may be a name whose fields are on the
    next page ("Okafor, Ada, LCSW"): a comma says so, and it is no heading.
    """
    entries, headings = split_entries(lines)
    for heading in reversed(headings):
        if heading.index < len(entries) or "," not in heading.text:
            return heading.text
    return None
