"""vCard importer: 2.1 quoted-printable, 3.0 groups and escapes, 4.0 URIs, bad cards."""

from __future__ import annotations

from pathlib import Path

import pytest

from finder.errors import ImportRefused
from finder.importers import detect, vcard
from finder.importers.base import ParseContext
from finder.records.models import Record, RowError


def parse(path: Path) -> list[Record | RowError]:
    return list(vcard.parse(path, ParseContext()))


def test_cards_of_every_version(fixtures: Path) -> None:
    path = fixtures / "vcard" / "cards.vcf"
    assert detect(path).name == "vcard"
    lucia, samuel, nameless, maya = parse(path)

    assert isinstance(lucia, Record)
    assert lucia.locator == "card 1"
    assert lucia.fields["name"] == "Lucía Fernández"  # quoted-printable UTF-8
    assert lucia.fields["credentials"] == ["LMHC"]
    assert lucia.fields["license_type"] == "LMHC"
    assert lucia.fields["organization"] == "Riverside Counseling"
    assert lucia.fields["title"] == "Mental Health Counselor"
    assert lucia.fields["phones"] == ["718-555-0134"]
    assert lucia.fields["email"] == "lucia@riverside.example"
    assert lucia.fields["website"] == "https://www.riverside.example"
    assert lucia.fields["address"] == "Suite 210, 120 Court St"
    assert (lucia.fields["city"], lucia.fields["state"], lucia.fields["zip"]) == (
        "Brooklyn",
        "NY",
        "11201",
    )
    # A soft line break inside a quoted-printable NOTE is joined.
    assert lucia.fields["statement"] == (
        "Trained in Interpersonal Psychotherapy (IPT) for depression, 12-16 sessions."
    )
    assert lucia.extra["fax"] == "718-555-0135"
    assert lucia.extra["org_unit"] == "Adult Services"
    assert "photo" not in lucia.extra and "PHOTO" not in str(lucia.extra)

    assert isinstance(samuel, Record)
    assert samuel.key == "urn:uuid:6f1c2d3e-0000-4000-8000-00000000abcd"
    assert samuel.fields["name"] == "Samuel Okoro"
    assert samuel.fields["credentials"] == ["PhD"]
    assert samuel.fields["phones"] == ["617-555-0188"]  # the item2 "Fax" label is not a phone
    assert samuel.extra["fax"] == "617-555-0199"
    assert samuel.fields["address"] == "200 Boylston St, Floor 3"  # work before home
    assert samuel.fields["state"] == "MA"
    assert samuel.extra["other_addresses"] == ["1 Home Rd, Newton, MA, 02458"]
    assert samuel.fields["statement"] == (
        "Individual and group therapy; sliding scale. Telehealth in MA."
    )
    assert samuel.fields["languages"] == ["Spanish"]
    assert samuel.extra["x-socialprofile"] == "https://www.linkedin.com/in/samuel-okoro"
    assert samuel.extra["categories"] == "therapist,ipt"
    assert not any("AAgAAgESAAMAAAAB" in str(v) for v in samuel.extra.values())

    assert nameless == RowError("card 3", "the card has no name (FN, N or ORG); skipped")

    assert isinstance(maya, Record)
    assert maya.fields["phones"] == ["415-555-0166 x4"]  # tel: URI with ;ext=
    assert (maya.fields["lat"], maya.fields["lon"]) == (37.7749, -122.4194)
    assert maya.fields["gender"] == "Female"
    assert maya.warnings == ["the card has no END:VCARD; it may be cut short"]


def test_windows_1252_file(fixtures: Path) -> None:
    (card,) = parse(fixtures / "vcard" / "windows1252.vcf")
    assert isinstance(card, Record)
    assert card.fields["name"] == "José Núñez"
    assert card.fields["city"] == "Miami"
    assert card.fields["phones"] == ["305-555-0147"]


def test_not_a_vcard_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.vcf"
    path.write_text("VERSION:3.0\nFN:Nobody\n")
    with pytest.raises(ImportRefused) as err:
        parse(path)
    assert err.value.reason == "no vCards (BEGIN:VCARD) found; nothing imported"
    assert vcard.sniff(path, path.read_bytes()) == 0.0


def test_organisation_card(tmp_path: Path) -> None:
    path = tmp_path / "org.vcf"
    path.write_text("BEGIN:VCARD\nVERSION:4.0\nKIND:org\nORG:Lakeside Family Therapy\nEND:VCARD\n")
    (card,) = parse(path)
    assert isinstance(card, Record)
    assert card.fields["name"] == "Lakeside Family Therapy"
    assert card.fields["is_organization"] is True


def test_apple_escapes_and_repeated_org_title(tmp_path: Path) -> None:
    # macOS Contacts writes \" and \:; a FullContact export repeats ORG and TITLE.
    path = tmp_path / "mac.vcf"
    path.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ruth Gold\nORG:Bay Family Therapy;Adult\n"
        "ORG:County Clinic;Outpatient\nTITLE:Therapist\nTITLE:Clinical Supervisor\n"
        'NOTE:Trained in \\"IPT\\"\\nWebsite\\: ruthgold.example\n'
        "item1.URL:http\\://ruthgold.example\nEND:VCARD\n",
        encoding="utf-8",
    )
    (card,) = parse(path)
    assert isinstance(card, Record)
    assert card.fields["organization"] == "Bay Family Therapy"  # the first one, not the last
    assert card.fields["title"] == "Therapist"
    assert card.extra["other_organizations"] == "County Clinic, Outpatient"
    assert card.extra["other_titles"] == "Clinical Supervisor"
    assert card.fields["statement"] == 'Trained in "IPT" Website: ruthgold.example'
    assert card.fields["website"] == "http://ruthgold.example"
