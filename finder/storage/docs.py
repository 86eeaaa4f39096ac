"""What every table stores: plain dicts, cleaned on the way in."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

Doc = dict[str, Any]


class Tables(Protocol):
    """What code below the store needs of it: tables by name, and the write guard."""

    def table(self, name: str) -> Any: ...

    def _require_tx(self) -> None: ...


class Lookups:
    """What every table answers the same way from its own ``find`` and ``remove``."""

    def find(self, predicate: Callable[[Doc], bool] | None = None, **equals: Any) -> list[Doc]:
        raise NotImplementedError

    def remove(self, doc_ids: Iterable[int]) -> None:
        raise NotImplementedError

    def first(self, **equals: Any) -> Doc | None:
        found = self.find(**equals)
        return found[0] if found else None

    def remove_where(self, predicate: Callable[[Doc], bool] | None = None, **equals: Any) -> int:
        ids = [d["_id"] for d in self.find(predicate, **equals)]
        self.remove(ids)
        return len(ids)


def strip_id(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The document as stored: without its database id, control characters removed.

    Every document a command writes passes here, what a person typed (a note, an
    answer) as much as what a file held.
    """
    # kept here: the text readers (finder.records.normalize, 35 ms) load only when a document is written
    from finder.records.normalize.text import strip_controls_deep

    return {k: strip_controls_deep(v) for k, v in doc.items() if k != "_id"}
