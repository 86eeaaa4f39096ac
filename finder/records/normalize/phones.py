"""Phone numbers: US and Canadian ones as "650-273-9927", others in international form.

A number outside the North American plan is kept as "+34 633 70 89 57" (phonenumbers'
international format): written with its prefix ("+44 20 ...", "0034 ...") or read in the
record's country (``phones(raw, region="ES")``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from finder.patterns import later
from finder.records.normalize.text import Memo, clean_text, split_list
from finder.records.reference import mapping

_PHONE_DIGITS = later(r"\d")
_EXT = later(r"(?:x|ext\.?|extension|#)\s*(\d{1,6})\s*$", re.I)
# The shape nearly every export writes ("(650) 273-9927", "650.273.9927"): read in one
# match, with the same result the general path below gives it.
_PLAIN_PHONE = later(r"\(?([2-9][0-9][0-9])\)?[ .-]?([0-9]{3})[ .-]?([0-9]{4})")


_NANP = frozenset({"US", "CA"})
_NANP_WRITTEN = later(r"\s*(?:\+?1[ .-]?)?\([2-9]\d\d\)\s*\d{3}[ .-]\d{4}\s*$")


def phone(raw: Any, region: str | None = None) -> str | None:
    """``"(650) 273-9927 x3"`` -> ``"650-273-9927 x3"``; ``"+44 20 7946 0958"`` ->
    ``"+44 20 7946 0958"``; ``"633708957"`` read in ``region="ES"`` -> ``"+34 633 70 89 57"``.
    ``None`` for what is not a possible number."""
    if type(raw) is str:
        # An importer may read the same number twice (a registry's location and mailing
        # phones are compared), and an office's number recurs across its clinicians.
        return _PHONE_MEMO[(raw, region)]
    return _phone(raw, region)


def _phone(raw: Any, region: str | None) -> str | None:
    # "(617) 555-0101" is written the North American way wherever it was printed.
    written_nanp = type(raw) is str and _NANP_WRITTEN.match(raw) is not None
    if region is not None and region not in _NANP and not written_nanp:
        return _international(raw, region)
    if type(raw) is str:
        plain = _PLAIN_PHONE.fullmatch(raw.strip())
        if plain is not None:
            return "-".join(plain.groups())
    text = clean_text(raw)
    if text is None:
        return None
    ext = None
    m = _EXT.search(text)
    if m:
        ext = m.group(1)
        text = text[: m.start()]
    digits = "".join(_PHONE_DIGITS.findall(text))
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    if len(digits) != 10 or digits[0] in "01" or (region and region != "US"):
        return _phone_fallback(text, ext, region)
    out = f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    return f"{out} x{ext}" if ext else out


_PHONE_MEMO: Memo[tuple[str, str | None], str | None] = Memo(lambda key: _phone(*key), 4096)


def _phone_fallback(text: str, ext: str | None, region: str | None = None) -> str | None:
    # Rare shapes ("+1 650.273.9927", letters, other countries) go through phonenumbers;
    # kept here: phonenumbers (20 ms) loads only for a number that is not plainly North American
    import phonenumbers

    if text.startswith("00"):
        return _international(text, None)
    try:
        parsed = phonenumbers.parse(text, region or "US")
    except phonenumbers.NumberParseException:
        return None
    if parsed.country_code != 1:
        return _international(text, region)
    if not phonenumbers.is_possible_number(parsed):
        return None
    digits = str(parsed.national_number)
    if len(digits) != 10:
        return None
    out = f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    return f"{out} x{ext}" if ext else out


def _international(raw: Any, region: str | None) -> str | None:
    # kept here: phonenumbers (20 ms) loads only for a number that is not plainly North American
    import phonenumbers

    text = clean_text(raw)
    if text is None:
        return None
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    if parsed.country_code == 1:
        digits = str(parsed.national_number)
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL))


def phone_country(number: str) -> str | None:
    """The country a normalised number belongs to: ``"+34 633 ..."`` -> ``"ES"``,
    ``"416-555-0101"`` -> ``"CA"`` (by its area code), ``"617-555-0101"`` -> ``"US"``."""
    if number.startswith("+"):
        # kept here: phonenumbers (20 ms) loads only for a number that is not plainly North American
        import phonenumbers

        try:
            return phonenumbers.region_code_for_number(phonenumbers.parse(number)) or None
        except phonenumbers.NumberParseException:
            return None
    return _area_country(number[:3]) if number[:3].isdigit() else None


@lru_cache(maxsize=1024)
def _area_country(area: str) -> str | None:
    if len(area) == 3 and "200" <= area <= "999":
        # The table phonenumbers' own answers were written to (the same answer, without
        # loading phonenumbers' metadata: 60 ms, for a list whose rows name no US state).
        return mapping("nanp_areas.csv", "area", "country").get(area, "US")
    return area_country_by_metadata(area)


def area_country_by_metadata(area: str) -> str | None:
    """The country of a North American area code, as phonenumbers' metadata says
    (``data/reference/nanp_areas.csv`` holds these answers: ``scripts/build_nanp_areas.py``)."""
    # kept here: phonenumbers (20 ms) loads only for a number that is not plainly North American
    import phonenumbers

    found = phonenumbers.region_code_for_number(phonenumbers.parse(f"+1{area}2345678"))
    return found if found in _NANP else "US" if found in (None, "ZZ") else found


def phones(raw: Any, region: str | None = None) -> list[str]:
    if region is not None and region not in _NANP:
        items = raw if isinstance(raw, list) else split_list(raw, separators=";|/\n")
        found = (phone(item, region) for item in items)
        return list(dict.fromkeys(p for p in found if p))
    if type(raw) is str:
        plain = _PLAIN_PHONE.fullmatch(raw.strip())
        if plain is not None:
            return ["-".join(plain.groups())]
    out: list[str] = []
    for item in split_list(raw, separators=";|/\n") if not isinstance(raw, list) else raw:
        p = phone(item, region)
        if p and p not in out:
            out.append(p)
    return out
