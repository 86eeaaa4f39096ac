"""How strongly a record's own text says the therapist practises IPT.

``assess`` reads a record's canonical fields and returns an ``IptEvidence``: a
class (``IptClass``, DOMAIN.md section 3) together with the field and the
snippet of text that justifies it, so the user can always see *why*. No class
ever means "verified": even a credential is a claim to confirm on the call.

The rules are data, in ``ipt_rules.toml`` beside this module: it is read once
and compiled into one alternation per kind of field, so a record costs one
regular-expression pass per field that survives a cheap substring prefilter
(most records never reach a regex at all). Rule order in that file decides
which rule wins at a position, and a matched span is consumed, which is how a
confusable such as "Interpersonal Process Therapy (IPT)" hides the "IPT"
inside it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from enum import IntEnum
from functools import cache, cached_property
from typing import Any, Final

from finder.judge.ipt_text import ApproachWords, approach_in_list, cut, snippet, top_alternatives
from finder.patterns import later
from finder.records.reference import shipped

__all__ = ["IptClass", "IptEvidence", "assess", "compile_rules", "rules", "strongest"]


class IptClass(IntEnum):
    """The IPT evidence classes, weakest first, so ``level >= IptClass.DESCRIBED`` filters."""

    NONE = 0
    RELATED_NOT_IPT = 1
    LISTED = 2
    DESCRIBED = 3
    CREDENTIAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    def __str__(self) -> str:
        return self.label

    def __format__(self, spec: str) -> str:
        return format(self.label, spec)

    @classmethod
    def parse(cls, text: str) -> IptClass:
        """``"Described"`` -> ``IptClass.DESCRIBED``; raises ``ValueError`` for anything else."""
        key = re.sub(r"[\s-]+", "_", str(text).strip()).upper()
        if key in cls.__members__:
            return cls[key]
        labels = ", ".join(member.label for member in cls)
        raise ValueError(f"unknown IPT class {text!r}; expected one of: {labels}")


@dataclass(frozen=True)
class IptEvidence:
    """A class and what justifies it: the field, the snippet, and supporting IPT terms.

    ``words`` are the words in ``text`` that justify the class, starting at ``at``;
    ``ambiguous`` marks the bare word "interpersonal" among approaches (a directory tick
    or a list in the clinician's own text), which may mean an orientation, not IPT.
    """

    level: IptClass
    field: str | None = None
    text: str | None = None
    supports: tuple[str, ...] = ()
    ambiguous: bool = False
    words: str | None = dataclass_field(default=None, compare=False)
    at: int | None = dataclass_field(default=None, compare=False)

    @property
    def class_shown(self) -> str:
        """The class as a table shows it: "listed?" when it may not mean IPT."""
        return _LABELS[self.level] + ("?" if self.ambiguous else "")

    @property
    def note(self) -> str | None:
        """What the user is told about an ambiguous mention, else ``None``."""
        if not self.ambiguous:
            return None
        return (
            f"lists '{self.words or 'Interpersonal'}' among approaches: may not mean IPT \u2014 ask"
        )

    def excerpt(self, limit: int) -> str:
        """The evidence text cut to about ``limit`` characters around the words that
        justify the class (never cut before them); "" without text."""
        text = self.text or ""
        if self.words is None or self.at is None or text[self.at :].find(self.words) != 0:
            return cut(text, 0, 0, limit)
        return cut(text, self.at, len(self.words), limit)

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": _LABELS[self.level],
            "field": self.field,
            "text": self.text,
            "supports": list(self.supports),
            "ambiguous": self.ambiguous,
            "words": self.words,
            "at": self.at,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> IptEvidence:
        supports = data.get("supports") or ()
        if isinstance(supports, str) or not all(isinstance(s, str) for s in supports):
            raise ValueError(f"IPT evidence: 'supports' must be a list of strings: {supports!r}")
        at = data.get("at")
        return cls(
            level=IptClass.parse(data["level"]),
            field=data.get("field"),
            text=data.get("text"),
            supports=tuple(supports),
            ambiguous=bool(data.get("ambiguous")),
            words=data.get("words"),
            at=at if isinstance(at, int) else None,
        )


NO_EVIDENCE: Final = IptEvidence(IptClass.NONE)
# ``IptClass.label`` for every member (an enum's ``name`` is slow to reach per record).
_LABELS: Final = {member: member.label for member in IptClass}


def strongest(evidences: Iterable[IptEvidence]) -> IptEvidence:
    """The strongest of several records' evidence; on a tie the first, unless a later one
    is not ambiguous or has more supporting terms. No evidence at all is ``none``."""
    best = NO_EVIDENCE
    best_key = (best.level, True, 0)
    for evidence in evidences:
        key = (evidence.level, not evidence.ambiguous, len(evidence.supports))
        if key > best_key:
            best, best_key = evidence, key
    return best


# ---------------------------------------------------------------- the rule table

_KINDS: Final = (
    "confusable", "credential", "described", "related", "weak", "hint", "tick", "approach",
)  # fmt: skip
_SUPPORT: Final = "support"
_ROLES: Final = ("text", "ticks", "vocabulary")
_FIXED_LEVEL: Final = {
    "credential": IptClass.CREDENTIAL, "described": IptClass.DESCRIBED,
    "related": IptClass.RELATED_NOT_IPT, "tick": IptClass.LISTED, "approach": IptClass.LISTED,
}  # fmt: skip
# The bare word "interpersonal": an orientation as often as IPT.
_AMBIGUOUS: Final = frozenset({"tick", "approach"})


# (level, start, end, supports, ambiguous)
_Found = tuple[tuple[IptClass, int, int, tuple[str, ...], bool], ...]
_MEMO_SIZE: Final = 4096


@dataclass(frozen=True)
class _Rules:
    text_pattern: str  # every rule but the tick (compiled when first needed: 8 ms)
    list_pattern: str  # every rule, for "ticks" fields (a list may need only one)
    kinds: dict[str, str]  # group name -> kind
    labels: dict[str, str]  # group name -> rule name (the support's label)
    fields: tuple[tuple[str, str], ...]  # (field, role) in order of preference
    prefilter: tuple[str, ...]
    reach: int
    window: int
    snippet_chars: int
    approach: ApproachWords
    # The strongest mention in a list field, by (role, items); bounded by _MEMO_SIZE.
    memo: dict[tuple[str, tuple[str, ...]], Any] = dataclass_field(
        default_factory=dict, compare=False
    )

    @cached_property
    def text_regex(self) -> re.Pattern[str]:
        return re.compile(self.text_pattern)

    @cached_property
    def list_regex(self) -> re.Pattern[str]:
        return re.compile(self.list_pattern)


_FRAGMENT = later(r"\{([a-z_]+)\}")


def _expand(pattern: str, fragments: Mapping[str, str], where: str) -> str:
    def fragment(m: re.Match[str]) -> str:
        if m.group(1) not in fragments:
            raise ValueError(f"ipt_rules.toml: {where}: unknown fragment {{{m.group(1)}}}")
        return f"(?:{fragments[m.group(1)]})"

    return _FRAGMENT.sub(fragment, pattern)


def compile_rules(table: Mapping[str, Any], *, checked: bool = True) -> _Rules:
    """Check a parsed rule table and compile it; a broken table fails with the rule's name
    (``checked=False``, for the packaged table its tests check: no rule compiled alone)."""
    fragments = table.get("fragments", {})
    text_parts: list[str] = []
    list_parts: list[str] = []
    kinds: dict[str, str] = {}
    labels: dict[str, str] = {}
    for index, rule in enumerate(table.get("rule", [])):
        name = rule.get("name", f"rule {index + 1}")
        kind = rule.get("kind")
        if kind not in (*_KINDS, _SUPPORT):
            raise ValueError(f"ipt_rules.toml: rule {name!r}: unknown kind {kind!r}")
        pattern = _expand(rule.get("pattern", ""), fragments, f"rule {name!r}")
        try:
            compiled = re.compile(pattern) if checked else None
        except re.error as err:
            raise ValueError(f"ipt_rules.toml: rule {name!r}: bad pattern: {err}") from None
        if compiled is not None and (compiled.groups or not pattern or compiled.match("")):
            raise ValueError(
                f"ipt_rules.toml: rule {name!r}: a pattern must match text and use (?:...) groups"
            )
        # Speed: the engine skips a branch that starts with a literal or a character set
        # with a one-character test, so each alternative of a rule becomes its own
        # branch, and the empty group naming the rule goes AFTER the pattern.
        for number, alternative in enumerate(top_alternatives(pattern)):
            if alternative.startswith("\\b"):
                raise ValueError(
                    f"ipt_rules.toml: rule {name!r}: drop the leading \\b (rules start at words)"
                )
            group = f"r{index}_{number}"
            kinds[group] = kind
            labels[group] = name
            part = f"{alternative}(?P<{group}>)"
            list_parts.append(part)
            if kind != "tick":
                text_parts.append(part)
    fields = tuple(table.get("fields", {}).items())
    for field_name, role in fields:
        if role not in _ROLES:
            raise ValueError(f"ipt_rules.toml: field {field_name!r}: unknown role {role!r}")
    settings = table.get("settings", {})
    return _Rules(
        text_pattern=r"\b(?:" + "|".join(text_parts) + ")",
        list_pattern=r"\b(?:" + "|".join(list_parts) + ")",
        kinds=kinds,
        labels=labels,
        fields=fields,
        prefilter=tuple(settings.get("prefilter", ())),
        reach=int(settings.get("keyword_reach", 120)),
        window=int(settings.get("support_window", 300)),
        snippet_chars=int(settings.get("snippet_chars", 200)),
        approach=ApproachWords.read(table.get("approach_lists", {})),
    )


#: Bump when ``assess`` judges differently: stores judged before are judged again (rejudge).
JUDGE_VERSION: Final = 1


@cache
def rules_text() -> str:
    return shipped("finder.judge", "ipt_rules.toml").read_text(encoding="utf-8")


@cache
def rules() -> _Rules:
    """The packaged rule table, read and compiled on first use only."""
    # kept here: tomllib (4 ms) loads only when records are judged
    import tomllib

    return compile_rules(tomllib.loads(rules_text()), checked=False)


# ---------------------------------------------------------------- normalisation

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\ufe58\ufe63\uff0d"
_REPLACE: Final = {
    **dict.fromkeys(_DASHES, "-"),
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033", '"'),
    # Invisible characters that split words: soft hyphen, zero-width space and joiners.
    **dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff", ""),
}
# A regex, not str.translate: translate with a dict is slow on long non-ASCII text.
_ODD: Final = later("[" + "".join(_REPLACE) + "]")


def _unodd(text: str) -> str:
    return _ODD.sub(lambda m: _REPLACE[m.group()], unicodedata.normalize("NFKC", text))


def normalise(text: str) -> str:
    """NFKC, dashes to "-", straight quotes, whitespace collapsed (case is kept for display)."""
    if not text.isascii():
        text = _unodd(text)
    return " ".join(text.split())


def _fold(display: str) -> str:
    """Case-folded ``display`` with the same length, so match offsets index ``display``."""
    folded = display.casefold()
    if len(folded) != len(display):
        # A few characters fold to two ("ß" -> "ss"); keep those as they are.
        folded = "".join(c if len(c.casefold()) != 1 else c.casefold() for c in display)
    return folded


# ---------------------------------------------------------------- assessing a record


def assess(fields: Mapping[str, Any]) -> IptEvidence:
    """The IPT evidence in one record's canonical fields (see ``finder.records.models.FIELDS``)."""
    table = rules()
    prefilter = table.prefilter
    quick = _quick_prefilter(prefilter)
    memo = table.memo
    best_key: tuple[int, bool, int, int, int] | None = None
    best: tuple[str, _Best] | None = None
    for rank, (name, role) in enumerate(table.fields):
        value = fields.get(name)
        if not value:
            continue
        texts: Sequence[str]
        if isinstance(value, str):
            if role != "text":
                # A list field given as one string ("CBT, Interpersonal"): its items.
                texts = _LIST_SEPARATORS.split(value)
                joined = "\n".join(texts)
            else:
                texts = (value,)
                joined = value
        elif isinstance(value, list | tuple):
            try:
                joined = "\n".join(value)
                texts = value
            except TypeError:
                texts = [item for item in value if isinstance(item, str)]
                joined = "\n".join(texts)
        else:
            continue
        if role == "text":
            folded = _keywords_in(joined, quick, prefilter)
            if folded is None:
                continue
            found = _field_best(table, role, texts, folded)
        else:
            # The same few ticks ("Interpersonal") recur in thousands of records: a list
            # is judged once, with or without a keyword.
            key = (role, tuple(texts))
            found = memo.get(key, _UNSEEN)
            if found is _UNSEEN:
                folded = _keywords_in(joined, quick, prefilter)
                found = None if folded is None else _field_best(table, role, texts, folded)
                if len(memo) < _MEMO_SIZE:
                    memo[key] = found
        if found is not None:
            # The strongest mention wins, then the preferred field, then the one with
            # more supports, then the earliest.
            order = (found[0], not found[4], -rank, len(found[3]), -found[1])
            if best_key is None or order > best_key:
                best_key = order
                best = (name, found)
    if best is None:
        return NO_EVIDENCE
    name, (level, _start, shown, supports, ambiguous, words, at) = best
    return IptEvidence(level, name, shown, supports, ambiguous, words, at)


_UNSEEN: Final = object()


def _keywords_in(joined: str, quick: re.Pattern[str], prefilter: tuple[str, ...]) -> str | None:
    """``joined`` case-folded (NFKC for non-ASCII text) when it holds a prefilter keyword.

    This runs on every imported record: a cheap look for the keywords first, and most
    fields stop here without the rules' expression."""
    folded = joined.lower() if joined.isascii() else _unodd(joined).casefold()
    if len(folded) < 100:
        return None if quick.search(folded) is None else folded
    return folded if any(map(folded.__contains__, prefilter)) else None


# (level, start, snippet, supports, ambiguous, justifying words, where they start in the snippet)
_Best = tuple[IptClass, int, str, tuple[str, ...], bool, str, int]


@cache
def _quick_prefilter(prefilter: tuple[str, ...]) -> re.Pattern[str]:
    """The prefilter keywords as one expression: faster than ``in`` on short text."""
    return re.compile("|".join(map(re.escape, prefilter)) or "(?!)")


def _field_best(table: _Rules, role: str, texts: Sequence[str], folded: str) -> _Best | None:
    """The strongest mention in one field, with its snippet."""
    prefilter = table.prefilter
    if role == "text":
        display = " ".join(normalise(text) for text in texts)
    else:
        if folded.count("\n") == len(texts) - 1:
            # Only the items holding a keyword: a long list of ticks costs one short scan.
            hits = _keyword_hits(folded, prefilter)
            texts = [texts[i] for i in sorted({folded.count("\n", 0, k) for k in hits})]
        # Whitespace is collapsed inside an item, so a newline separates items and no
        # rule reaches across two of them.
        display = "\n".join(filter(None, map(normalise, texts)))
    low = _fold(display)
    hits = _keyword_hits(low, prefilter)
    if not hits:
        return None
    # Every mention holds a keyword and starts at most `reach` characters before it,
    # and supports only count within `window` of a mention: scan only that stretch.
    margin = table.reach + table.window
    span = (max(0, hits[0] - margin), hits[-1] + margin)
    best: tuple[IptClass, int, int, tuple[str, ...], bool] | None = None
    best_key: tuple[IptClass, bool, int, int] | None = None
    # One field's mentions: the strongest wins, then one that is not ambiguous, then the
    # one with more supports, then the earliest.
    for found in _scan(table, role, low, span):
        key = (found[0], not found[4], len(found[3]), -found[1])
        if best_key is None or key > best_key:
            best, best_key = found, key
    if best is None or best[0] == IptClass.NONE:
        return None
    level, start, end, supports, ambiguous = best
    shown, at = snippet(display, start, end, table.snippet_chars)
    return level, start, shown, supports, ambiguous, display[start:end], at


def _keyword_hits(folded: str, prefilter: tuple[str, ...]) -> list[int]:
    """Where the prefilter's keywords occur, in order; usually empty, found at C speed."""
    hits: list[int] = []
    for word in prefilter:
        at = folded.find(word)
        while at != -1:
            hits.append(at)
            at = folded.find(word, at + len(word))
    hits.sort()
    return hits


def _scan(table: _Rules, role: str, low: str, span: tuple[int, int]) -> _Found:
    """The mentions in one field's folded text: one pass of one combined expression."""
    regex = table.list_regex if role == "ticks" else table.text_regex
    found: list[tuple[str, int, int]] = []  # (kind, start, end)
    support_spots: list[tuple[int, str]] = []
    for m in regex.finditer(low, *span):
        group = m.lastgroup
        assert group is not None
        kind = table.kinds[group]
        if kind == _SUPPORT:
            support_spots.append((m.start(), table.labels[group]))
        elif kind != "confusable":
            found.append((kind, m.start(), m.end()))
    own_text = role == "text"
    out: list[tuple[IptClass, int, int, tuple[str, ...], bool]] = []
    for kind, start, end in found:
        if kind == "approach" and (
            role == "vocabulary" or not approach_in_list(low, start, end, table.approach)
        ):
            continue
        supports: tuple[str, ...] = ()
        if own_text and support_spots:
            near = (
                label
                for spot, label in support_spots
                if start - table.window <= spot <= end + table.window
            )
            supports = tuple(dict.fromkeys(near))
        if kind in _FIXED_LEVEL:
            level = _FIXED_LEVEL[kind]
        elif supports:  # weak or hint, strengthened by supporting terms
            level = IptClass.DESCRIBED
        elif kind == "weak":
            level = IptClass.LISTED
        else:
            continue
        if not own_text:
            # A directory's vocabulary is a tick whatever it says.
            level = min(level, IptClass.LISTED)
        out.append((level, start, end, supports, kind in _AMBIGUOUS))
    return tuple(out)


_LIST_SEPARATORS: Final = later(r"\s*[,;|\n]\s*")
