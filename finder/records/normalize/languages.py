"""Languages: a language code (BCP-47, ISO 639) as the name people read."""

from __future__ import annotations

from finder.records.reference import mapping

#: ISO 639 code -> English name (data/reference/languages.csv).
_LANGUAGES = mapping("languages.csv", "code", "name")


def language_name(code: str) -> str:
    """A BCP-47 tag as a language name ("pt-BR" -> "Portuguese"); unknown tags unchanged."""
    return _LANGUAGES.get(code.split("-")[0].strip().lower(), code)
