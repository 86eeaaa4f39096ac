"""What counts as an option the user gave: read by ``search.override`` and by ``finder
list``, which lists without loading the search when nothing was given."""

from __future__ import annotations

from typing import Any


def given(value: Any) -> bool:
    """Whether an option holds a value the user set (not ``None``, ``()`` or ``False``)."""
    return value is not None and value != () and value is not False
