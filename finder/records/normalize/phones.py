"""Phone numbers."""

from __future__ import annotations

import re
from typing import Any

from finder.records.normalize.text import clean_text, split_list

_PHONE_DIGITS = re.compile(r"\d")
_EXT = re.compile(r"(?:x|ext\.?|extension|#)\s*(\d{1,6})\s*$", re.I)
# The shape nearly every export writes ("(650) 273-9927", "650.273.9927"): read in one
# match, with the same result the general path below gives it.
_PLAIN_PHONE = re.compile(r"\(?([2-9][0-9][0-9])\)?[ .-]?([0-9]{3})[ .-]?([0-9]{4})")


def phone(raw: Any, region: str | None = None) -> str | None:
    """``"(650) 273-9927 x3"`` -> ``"650-273-9927 x3"``.

    A number outside North America is kept in international form (``"+49 30 1234567"``)
    when it says its country (a leading ``+``) or ``region`` (ISO code, e.g. "DE") says
    where a national number was printed; anything else that is not 10 US digits is None.
    """
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


def _phone_fallback(text: str, ext: str | None, region: str | None = None) -> str | None:
    # Rare shapes ("+1 650.273.9927", letters, other countries) go through phonenumbers;
    # imported lazily because parsing every phone with it would dominate a large import.
    import phonenumbers

    try:
        parsed = phonenumbers.parse(text, region or "US")
    except phonenumbers.NumberParseException:
        return None
    if parsed.country_code != 1:
        if not phonenumbers.is_valid_number(parsed):
            return None
        out = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        return f"{out} x{ext}" if ext else out
    if not phonenumbers.is_possible_number(parsed):
        return None
    digits = str(parsed.national_number)
    if len(digits) != 10:
        return None
    out = f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    return f"{out} x{ext}" if ext else out


def phones(raw: Any, region: str | None = None) -> list[str]:
    if type(raw) is str and region is None:
        plain = _PLAIN_PHONE.fullmatch(raw.strip())
        if plain is not None:
            return ["-".join(plain.groups())]
    out: list[str] = []
    for item in split_list(raw, separators=";|/\n") if not isinstance(raw, list) else raw:
        p = phone(item, region)
        if p and p not in out:
            out.append(p)
    return out
