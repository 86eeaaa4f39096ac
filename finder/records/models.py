"""What a record is.

An importer turns one file into ``Record`` values (and ``RowError`` values for
the parts it could not read). A record holds *canonical fields* (the names in
``FIELDS``), already normalised by ``finder.records.normalize``, plus ``extra``: every
column or property the importer did not map, kept as it was so nothing the
user saved is silently dropped.

Provenance is per field by construction: every value of a record comes from
that record's ``Source``, and a therapist is the merge of several records, so
each value of each field keeps the source it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Final

from finder.errors import one_line


class Kind(StrEnum):
    """The type of a canonical field, used by normalisation, display and export."""

    TEXT = "text"  # one short string
    LONGTEXT = "longtext"  # a statement or bio
    LIST = "list"  # list of short strings
    BOOL = "bool"  # True / False / None (unknown)
    MONEY = "money"  # float amount in US dollars; the original text goes to FIELD_text
    NUMBER = "number"  # int or float
    PHONES = "phones"  # list of "555-123-4567", "555-123-4567 x12" or "+44 20 7946 0958"


#: The canonical fields, their kind and a one-line meaning (shown by `finder show`).
FIELDS: Final[dict[str, tuple[Kind, str]]] = {
    "name": (Kind.TEXT, "full name without credentials (or the organization's name)"),
    "first_name": (Kind.TEXT, "given name"),
    "last_name": (Kind.TEXT, "family name"),
    "credentials": (Kind.LIST, "degrees and license letters after the name, e.g. LCSW, PhD"),
    "license_type": (Kind.TEXT, "license type, e.g. LCSW, LMFT, LPC, Psychologist"),
    "license_number": (Kind.TEXT, "license or registration number as issued"),
    "license_state": (Kind.TEXT, "two-letter state of the license"),
    "supervisor": (Kind.TEXT, "who supervises a supervised license, as the source names them"),
    "npi": (Kind.TEXT, "10-digit National Provider Identifier"),
    "npi_unverified": (Kind.TEXT, "10 digits given as an NPI that fail its check digit"),
    "taxonomies": (Kind.LIST, "NUCC taxonomy codes, primary first"),
    "title": (Kind.TEXT, "profession as the source words it, e.g. Psychologist"),
    "is_organization": (Kind.BOOL, "a group practice or center rather than a person"),
    "organization": (Kind.TEXT, "practice or clinic name"),
    "phones": (Kind.PHONES, "phone numbers"),
    "email": (Kind.TEXT, "email address"),
    "website": (Kind.TEXT, "the clinician's own website"),
    "profile_url": (Kind.TEXT, "the directory profile the record came from"),
    "address": (Kind.TEXT, "street address"),
    "city": (Kind.TEXT, "city"),
    "state": (Kind.TEXT, "two-letter state of the practice location"),
    "zip": (Kind.TEXT, "5-digit ZIP code"),
    "postal_code": (Kind.TEXT, "postal code outside the US, as written"),
    "country": (Kind.TEXT, "ISO country code of the practice (US, CA, GB, ES, ...)"),
    "lat": (Kind.NUMBER, "latitude of the practice"),
    "lon": (Kind.NUMBER, "longitude of the practice"),
    "insurance": (Kind.LIST, "insurance plans the source says are accepted (a claim)"),
    "accepts_insurance": (Kind.BOOL, "takes insurance at all, when no plan is named (a claim)"),
    "networks": (Kind.LIST, "payer networks the clinician is listed in"),
    "fee": (Kind.MONEY, "fee per session (lowest when a range is given)"),
    "fee_max": (Kind.MONEY, "highest fee per session when a range is given"),
    "sliding_scale": (Kind.BOOL, "offers a sliding scale"),
    "orientations": (Kind.LIST, "treatment orientations / types of therapy as listed"),
    "specialties": (Kind.LIST, "top specialties"),
    "issues": (Kind.LIST, "issues treated"),
    "ages": (Kind.LIST, "age groups seen"),
    "languages": (Kind.LIST, "languages spoken"),
    "formats": (Kind.LIST, "individual, couples, family, group"),
    "groups": (Kind.LIST, "groups the clinician runs"),
    "statement": (Kind.LONGTEXT, "the clinician's own statement or bio"),
    "telehealth": (Kind.BOOL, "offers sessions online"),
    "in_person": (Kind.BOOL, "offers sessions in person"),
    "accepting": (Kind.BOOL, "accepting new clients (a claim)"),
    "waitlist": (Kind.BOOL, "keeps a waitlist for new clients (a claim; not 'not accepting')"),
    "years_in_practice": (Kind.NUMBER, "years in practice"),
    "gender": (Kind.TEXT, "gender as stated"),
    "referred_by": (Kind.TEXT, "who referred this clinician (entered by you)"),
    "referred_on": (Kind.TEXT, "when the referral was made (entered by you)"),
}

#: Fields whose original text is kept beside the normalised value ("$150-$200" -> 150.0).
TEXT_KEPT: Final[frozenset[str]] = frozenset({"fee", "fee_max"})

#: Claims a directory makes that the user must confirm on the call.
CLAIM_FIELDS: Final[frozenset[str]] = frozenset(
    {"insurance", "accepts_insurance", "accepting", "waitlist", "networks"}
)

#: Fields where a disagreement between sources matters to the user.
CONFLICT_FIELDS: Final[tuple[str, ...]] = (
    "accepting",
    "insurance",
    "fee",
    "telehealth",
    "license_type",
    "license_number",
    "license_state",
    "npi",
)


def now_iso() -> str:
    """The time now, as sources and the user's work record it (UTC, to the second)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class SourceKind(StrEnum):
    IMPORT = "import"  # a file or URL the user imported
    USER = "user"  # entered or corrected by the user: never overwritten by imports
    VERIFY = "verify"  # an online lookup the user asked for


@dataclass(frozen=True)
class Source:
    """Where a record came from: the file (or URL), the format, the place in it, the time."""

    path: str
    format: str
    locator: str
    imported_at: str
    kind: SourceKind = SourceKind.IMPORT

    def describe(self) -> str:
        if self.kind is SourceKind.USER:
            return f"entered by you ({self.imported_at[:10]})"
        return f"{self.short_path} {self.locator} ({self.format}, {self.imported_at[:10]})"

    @property
    def short_path(self) -> str:
        """The file name (a URL stays whole): what a person recognises in a table."""
        if self.kind is SourceKind.USER:
            return "entered by you"
        return self.path if "://" in self.path else self.path.rsplit("/", 1)[-1]

    def to_dict(self) -> dict[str, str]:
        return {
            "path": self.path,
            "format": self.format,
            "locator": self.locator,
            "imported_at": self.imported_at,
            "kind": self.kind.value,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Source:
        return cls(
            path=data["path"],
            format=data["format"],
            locator=data["locator"],
            imported_at=data["imported_at"],
            kind=SourceKind(data.get("kind", "import")),
        )


@dataclass
class Record:
    """One therapist (or organisation) as one source describes it.

    ``locator`` says where in the file it is ("line 12", "card 2",
    "PractitionerRole/abc"). ``key`` is a stable identity inside the file (a
    profile URL, an NPI, a resource id); it defaults to the locator and is what
    makes a re-import update the same record instead of adding a copy.
    ``warnings`` are per-record problems worth telling the user (a phone that
    could not be read) that did not stop the record from being imported.
    """

    fields: dict[str, Any]
    locator: str
    key: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    derived: dict[str, Any] | None = None  # ParseContext.derive's result, when it ran

    @property
    def identity(self) -> str:
        return self.key or self.locator


@dataclass(frozen=True)
class RowError:
    """A part of a file that could not be read; the rest of the file still imports."""

    locator: str
    reason: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "locator", one_line(self.locator, 120))
        object.__setattr__(self, "reason", one_line(self.reason))

    def __str__(self) -> str:
        return f"{self.locator}: {self.reason}"
