"""Which parts of a printed directory are behavioural health, found by their headings.

A heading is a short line of its own. It names a behavioural-health section when
its words (the first language of a bilingual heading "Psychology / Psicología",
or any part) are one of the professions and fields below: behavioral/mental
health, psychology, psychiatry, social work, counseling, psychotherapy,
psychiatric nurse practitioners, marriage and family therapy, and the same in
Spanish, German and French. Facilities, agencies and hospitals are not
clinicians: "Behavioral Health Facilities" is not read.
"""

from __future__ import annotations

import re

_FIELD = (
    r"behaviou?ral\s+health|mental\s+health|psycholog\w*|psychiatr\w*|psych\s+np|"
    r"(?:clinical\s+)?social\s+work\w*|counsel+(?:ing|ors?|lors?)|psychotherap\w*|"
    r"therapists?|marriage\s+(?:and|&)\s+family\s+therap\w*|addiction\s+medicine|"
    r"substance\s+(?:use|abuse)|salud\s+mental|psicolog\w*|psiquiatr\w*|trabajo\s+social|"
    r"consejer\w*|psicoterap\w*|kinder-?\s+und\s+jugendlichenpsychotherap\w*|"
    r"psychologische\s+psychotherap\w*|sant[ée]\s+mentale|psychologues?|"
    r"nurse\s+practitioners?\s+(?:-\s+)?psychiatric|psychiatric\s+nurse\s+practitioners?"
)
_AROUND = (
    r"(?:licensed|clinical|adult|child|children|adolescent|and|&|of|the|for|y|de|und|"
    r"advanced|adv|practice|reg|registered|np|nurse|practitioners?|providers?|"
    r"specialists?|services|professionals?|clinicians?|proveedores|especialistas|"
    r"[äa]rztliche|psychological|medicine|medical|doctors?|physicians?|pediatric|"
    r"geriatric|forensic|child\s+and\s+adolescent|independent|masters?|workers?|"
    r"counselors?|ärztinnen|ärzte|psychotherapeut\w*|en|la|el|los|las|\W)*"
)
_HEADING = re.compile(rf"^{_AROUND}(?:{_FIELD}){_AROUND}(?:(?:{_FIELD}){_AROUND})*$", re.I)
_NOT_CLINICIANS = re.compile(
    r"\b(facilit\w*|agenc\w*|hospitals?|centers?|centres?|programs?|servicios|clinics?)\b", re.I
)


def english_part(heading: str) -> str:
    """``"Psychology / Psicología"`` -> ``"Psychology"`` (a bilingual heading's first part)."""
    return heading.split(" / ", 1)[0].strip(" /")


def is_behavioural(heading: str) -> bool:
    """Whether ``heading`` names a behavioural-health section of clinicians."""
    text = " ".join(heading.split())
    if len(text) > 120 or _NOT_CLINICIANS.search(english_part(text)):
        return False
    parts = [p.strip(" /") for p in text.split(" / ")] if " / " in text else [text]
    return any(p and _HEADING.match(p) for p in parts)


def scan_page(text: str) -> bool:
    """Whether a page's plain text (PDFium's order) holds a behavioural-health heading."""
    lines = [line.strip() for line in text.splitlines()]
    for i, line in enumerate(lines):
        if not line or len(line) > 120 or ".." in line or any(c.isdigit() for c in line):
            continue
        if is_behavioural(line):
            return True
        if (
            i + 1 < len(lines)
            and line.endswith(("/", "-"))
            and is_behavioural(f"{line} {lines[i + 1]}")
        ):
            return True
    return False


def parse_page_range(text: str) -> tuple[int, int]:
    """``"1405-1485"`` (or ``"12"``) -> ``(1405, 1485)``; ValueError when it is not one."""
    m = re.fullmatch(r"\s*(\d+)\s*(?:[-–:]\s*(\d+))?\s*", text)
    if not m:
        raise ValueError(f"pages {text!r}: give FIRST-LAST, e.g. 1405-1485")
    first, last = int(m.group(1)), int(m.group(2) or m.group(1))
    if first < 1 or last < first:
        raise ValueError(f"pages {text!r}: give FIRST-LAST with 1 <= FIRST <= LAST")
    return first, last
