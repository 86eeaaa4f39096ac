"""Regular expressions compiled when first used, not when their module loads.

finder's readers hold many patterns; a command that shows stored records uses a few of
them, and compiling all the others cost about 10 ms of every command's start.
``later(...)`` takes what ``re.compile`` takes and returns a stand-in that compiles on
first use and from then on is the compiled pattern's methods and attributes (``search``,
``sub``, ``pattern``, ...). Give it to those methods, never to ``re.sub(PATTERN, ...)``.
"""

from __future__ import annotations

import re
from typing import Any, cast


class _Deferred:
    def __init__(self, source: str, flags: int) -> None:
        self._source = (source, flags)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "_source":  # pickle and copy ask before __init__
            raise AttributeError(name)
        value = getattr(re.compile(*self._source), name)
        self.__dict__[name] = value  # the next use is a plain attribute
        return value

    def __reduce__(self) -> tuple[Any, ...]:
        return (later, self._source)

    def __repr__(self) -> str:
        return f"later({self._source[0]!r}, {self._source[1]!r})"


def later(source: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(source, flags)``, compiled on first use."""
    return cast("re.Pattern[str]", _Deferred(source, flags))
