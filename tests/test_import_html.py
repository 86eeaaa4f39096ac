"""The saved-web-page importers on small pages written for these tests (tests/fixtures/html)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finder.errors import ImportRefused
from finder.importers import detect
from finder.importers.base import ParseContext
from finder.importers.html.fields import license_parts, split_subtitle
from finder.importers.html.page import declared_charset
from finder.judge.ipt import assess
from finder.records.models import Record, RowError
from finder.records.normalize import canonical_profile_url


def records(path: Path) -> list[Record]:
    out = list(detect(path).module.parse(path, ParseContext()))
    assert not [r for r in out if isinstance(r, RowError)]
    return [r for r in out if isinstance(r, Record)]


@pytest.fixture
def html(fixtures: Path) -> Path:
    return fixtures / "html"


# --- registry -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "importer"),
    [
        ("pt_profile_2017_style.html", "psychology-today"),
        ("pt_results_2025_style.html", "psychology-today"),
        ("gt_profile.html", "goodtherapy"),
        ("gt_results.html", "goodtherapy"),
        ("schema_jsonld.html", "schema-org"),
        ("schema_hcard.html", "schema-org"),
    ],
)
def test_registry_picks_importer_from_content(
    html: Path, tmp_path: Path, name: str, importer: str
) -> None:
    # Renamed to a neutral name: the choice must come from the content.
    copy = tmp_path / "saved.dat"
    copy.write_bytes((html / name).read_bytes())
    assert detect(copy).name == importer


def test_sniffers_ignore_non_html(tmp_path: Path) -> None:
    from finder.importers import goodtherapy, psychology_today, schema_org

    for content in (
        b"404 File Not Found",
        b"name,phone\nA,1\n",
        b'[{"name": "x"}]',
        b"BEGIN:VCARD",
    ):
        for module in (psychology_today, goodtherapy, schema_org):
            assert module.sniff(tmp_path / "x", content) == 0.0


# --- Psychology Today profile ---------------------------------------------------------


def test_pt_profile_reads_one_clinician_in_declared_latin1(html: Path) -> None:
    (rec,) = records(html / "pt_profile_2017_style.html")
    f = rec.fields
    assert rec.locator == "profile"
    assert rec.key == "https://www.psychologytoday.com/us/therapists/555123"
    assert f["name"] == "José Alvarez"
    assert f["title"] == "Psychologist"
    assert f["credentials"] == ["PhD"]
    assert f["license_type"] == "Psychologist"
    assert f["license_number"] == "PSY 071234"
    assert f["license_state"] == "IL"
    assert f["phones"] == ["217-555-0142"]
    assert (f["address"], f["city"], f["state"], f["zip"]) == (
        "12 Elm Street, Suite 3",
        "Springfield",
        "IL",
        "62701",
    )
    assert (f["fee"], f["fee_max"], f["sliding_scale"]) == (120.0, 180.0, False)
    assert f["insurance"] == ["Aetna", "Cigna"]
    assert f["specialties"] == ["Depression"]
    assert f["issues"] == ["Grief", "Life Transitions"]
    assert f["ages"] == ["Adults"]
    assert f["languages"] == ["Spanish"]
    assert f["orientations"] == ["Interpersonal", "Psychodynamic"]
    assert f["formats"] == ["individual", "group"]
    assert f["groups"] == ["Grief Support Group"]
    assert f["years_in_practice"] == 20
    assert f["telehealth"] is True
    assert f["accepting"] is False
    # Windows-1252 curly quote in a page that declares ISO-8859-1; entities decoded.
    assert f["statement"] == (
        "I\u2019m trained in Interpersonal Psychotherapy (IPT) for depression. "
        "Sessions are weekly & time-limited."
    )
    assert rec.extra["sexuality"] == ["Bisexual"]


def test_pt_profile_leaves_page_chrome_out(html: Path) -> None:
    (rec,) = records(html / "pt_profile_2017_style.html")
    dumped = repr(rec.fields) + repr(rec.extra)
    for chrome in (
        "Mary Previous",
        "Nick Next",
        "Other Clinician",
        "Interpersonal Therapists",
        "contact details",
    ):
        assert chrome not in dumped
    assert "Springfield, IL" not in rec.fields.get("issues", [])


# --- Psychology Today results ---------------------------------------------------------


def test_pt_results_one_record_per_row(html: Path) -> None:
    recs = records(html / "pt_results_2025_style.html")
    assert [r.fields["name"] for r in recs] == ["Ann Lee", "Lakeview Counseling", "Bo Chen"]
    assert [r.locator for r in recs] == ["result 1", "result 2", "result 3"]
    ann, lakeview, bo = recs
    assert ann.key == "https://www.psychologytoday.com/us/therapists/900001"
    assert ann.fields["credentials"] == ["LCSW"]
    assert ann.fields["title"] == "Clinical Social Work/Therapist"
    assert (ann.fields["city"], ann.fields["state"], ann.fields["zip"]) == (
        "Chicago",
        "IL",
        "60614",
    )
    assert ann.fields["phones"] == ["312-555-0101"]
    assert ann.fields["statement"] == (
        "I offer Interpersonal Psychotherapy (IPT), a time-limited treatment for depression."
    )
    assert lakeview.fields["is_organization"] is True
    assert (lakeview.fields["telehealth"], lakeview.fields["in_person"]) == (True, False)
    assert "is_organization" not in ann.fields
    # "Waitlist" is its own answer, not "not accepting".
    assert bo.fields["waitlist"] is True
    assert "accepting" not in bo.fields


def test_pt_results_filter_sidebar_is_not_a_record(html: Path) -> None:
    recs = records(html / "pt_results_2025_style.html")
    assert all("Interpersonal" not in r.fields.get("orientations", []) for r in recs)
    assert len(recs) == 3


def test_pt_unknown_generation_is_refused_clearly(html: Path) -> None:
    path = html / "pt_unknown_generation.html"
    with pytest.raises(ImportRefused) as err:
        records(path)
    assert str(err.value) == (
        f"{path}: no therapist records recognised in pt_unknown_generation.html: a Psychology "
        "Today page, but neither a profile nor a list of results that finder can read; "
        "nothing imported"
    )


def test_pt_maintenance_page_is_refused(html: Path) -> None:
    with pytest.raises(ImportRefused, match=r"saved error page .*maintenance"):
        records(html / "pt_maintenance.html")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty; nothing imported"),
        (b"   \n", "file is empty; nothing imported"),
        (
            b"<html><head><title>404 Not Found</title></head><body>nope</body></html>",
            "saved error page (title '404 Not Found')",
        ),
        (
            b"<html><head><title>x</title></head><body><h1>403 Forbidden</h1></body></html>",
            "saved error page",
        ),
    ],
)
def test_error_pages_are_refused(tmp_path: Path, content: bytes, message: str) -> None:
    from finder.importers import psychology_today

    path = tmp_path / "page.html"
    path.write_bytes(content)
    with pytest.raises(ImportRefused) as err:
        list(psychology_today.parse(path, ParseContext()))
    assert message in str(err.value)
    assert "\n" not in str(err.value)


# --- GoodTherapy ----------------------------------------------------------------------


def test_gt_profile(html: Path) -> None:
    (rec,) = records(html / "gt_profile.html")
    f = rec.fields
    # The "saved from url" comment gives the address; the query string is dropped.
    assert rec.key == "https://www.goodtherapy.org/therapists/profile/dana-whitfield-20150101"
    assert f["name"] == "Dana Whitfield"
    assert f["credentials"] == ["MA", "LPC"]
    assert f["title"] == "Counselor, Psychotherapist"
    assert (f["license_type"], f["license_number"]) == (
        "Licensed Professional Counselor",
        "LPC.0012345",
    )
    assert "license_state" not in f
    assert f["address"] == "100 Main St, Floor 2"
    assert (f["city"], f["state"], f["zip"]) == ("Denver", "CO", "80202")
    assert f["fee"] == 110.0
    assert f["accepting"] is True
    assert f["orientations"] == [
        "Interpersonal Psychotherapy (IPT)",
        "Cognitive Behavioral Therapy (CBT)",
    ]
    assert f["languages"] == ["English", "French"]
    assert f["formats"] == ["individual", "couples"]
    assert f["website"] == "http://www.danawhitfield.example/"
    assert f["statement"] == "I am certified by ISIPT in Interpersonal Psychotherapy."
    assert "is_organization" not in f
    assert "See other therapists" not in repr(rec.extra)
    assert "About Us" not in repr(rec.extra)


def test_gt_results(html: Path) -> None:
    recs = records(html / "gt_results.html")
    assert [r.fields["name"] for r in recs] == ["Kim Ortiz", "Rocky Mountain Wellness Center"]
    kim, centre = recs
    assert kim.fields["credentials"] == ["MSW", "LCSW"]
    assert kim.fields["title"] == "Clinical Social Worker"
    assert kim.fields["phones"] == ["303-555-0111 x2"]
    assert (kim.fields["city"], kim.fields["zip"]) == ("Aurora", "80012")
    assert kim.fields["telehealth"] is True
    assert kim.extra["distanceshow"] == "Distance:1.5 miles"
    assert centre.fields["is_organization"] is True
    assert "telehealth" not in centre.fields


# --- schema.org / hCard ---------------------------------------------------------------


def test_schema_jsonld_people_and_practices(html: Path) -> None:
    ruth, clinic = records(html / "schema_jsonld.html")
    assert ruth.fields["name"] == "Ruth Gold"
    assert ruth.fields["credentials"] == ["LMFT"]
    assert ruth.fields["profile_url"] == "https://www.findcare.example/providers/ruth-gold"
    assert ruth.fields["website"] == "https://ruthgoldtherapy.example"
    assert ruth.fields["languages"] == ["English", "Hebrew"]
    assert ruth.fields["organization"] == "Bay Family Therapy"
    assert ruth.fields["zip"] == "94110"
    assert clinic.fields == {
        "name": "Mission Mood Clinic",
        "phones": ["415-555-0180"],
        "website": "https://missionmood.example",
        "is_organization": True,
    }


def test_schema_microdata_and_hcard_skip_site_chrome(html: Path) -> None:
    recs = records(html / "schema_hcard.html")
    assert sorted(r.fields["name"] for r in recs) == ["Lee Park", "Sam Hart"]
    sam = next(r for r in recs if r.fields["name"] == "Sam Hart")
    assert (sam.fields["city"], sam.fields["state"], sam.fields["phones"]) == (
        "Portland",
        "OR",
        ["503-555-0190"],
    )
    lee = next(r for r in recs if r.fields["name"] == "Lee Park")
    assert lee.fields["license_type"] == "Psychiatrist"


def test_plain_page_is_refused(html: Path) -> None:
    path = html / "plain_page.html"
    assert detect(path).name == "schema-org"
    with pytest.raises(ImportRefused, match=r"no therapist records recognised in plain_page\.html"):
        records(path)


def _page(tmp_path: Path, name: str, head: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">{head}</head>'
        f"<body>{body}</body></html>",
        encoding="utf-8",
    )
    return path


def test_own_site_with_a_directory_badge_is_not_the_directorys_page(tmp_path: Path) -> None:
    # A clinician's own site showing "verified by Psychology Today" / GoodTherapy badges:
    # one link each to the directory does not make it a directory page, and nothing on it
    # ("Contact Clay", "My Approach") may become a Psychology Today result.
    badges = (
        '<a title="verified by Psychology Today" href="https://therapists.psychologytoday.com'
        '/rms/prof_detail.php?profid=35335&amp;tr=Ext_Verify"><img alt="verified"></a>'
        '<a href="https://www.goodtherapy.org/therapists/profile/clay-cooper-20190101">'
        '<img alt="GoodTherapy member"></a>'
    )
    path = _page(
        tmp_path,
        "about.html",
        "<title>About Clay | Clay Cooper Counseling</title>"
        '<link rel="canonical" href="https://claycooper.example/about/">',
        "<main><h1>About Clay</h1><h4>Contact Clay</h4>"
        '<a href="tel:+15035550111">(503) 555-0111</a>'
        f"<div>{badges}</div><h4>My Approach</h4><p>I use IPT for depression.</p></main>",
    )
    assert detect(path).name == "schema-org"
    with pytest.raises(ImportRefused, match=r"no therapist records recognised in about\.html"):
        records(path)
    # With schema.org markup the same page gives the clinician, read by the generic importer.
    person = (
        '<script type="application/ld+json">{"@context": "https://schema.org",'
        ' "@type": "Person", "name": "Clay Cooper, LMFT", "telephone": "503-555-0111"}</script>'
    )
    path.write_text(path.read_text().replace("</head>", person + "</head>"), encoding="utf-8")
    assert detect(path).name == "schema-org"
    (clay,) = records(path)
    assert (clay.fields["name"], clay.fields["phones"]) == ("Clay Cooper", ["503-555-0111"])


def test_profile_page_jsonld_reads_place_phone_and_street_lines(tmp_path: Path) -> None:
    profile = {
        "@context": "https://schema.org",
        "@type": "ProfilePage",
        "mainEntity": {
            "@type": "Person",
            "name": "Ana Ruiz, PsyD",
            "workLocation": {
                "@type": "Place",
                "telephone": "(512) 555-0175",
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": ["1100 S Lamar Blvd", "Suite 210"],
                    "addressLocality": "Austin",
                    "addressRegion": "TX",
                    "postalCode": "78704",
                },
            },
        },
    }
    import json

    similar = (
        '<section class="similar-therapists"><h3>Similar therapists</h3>'
        '<div itemscope itemtype="https://schema.org/Person">'
        '<span itemprop="name">Bob Lee, LPC</span></div></section>'
    )
    path = _page(
        tmp_path,
        "ana.html",
        f'<script type="application/ld+json">{json.dumps(profile)}</script>',
        f"<h1>Ana Ruiz, PsyD</h1>{similar}",
    )
    (ana,) = records(path)  # Bob Lee, a "similar therapist", is not a record
    assert ana.fields["name"] == "Ana Ruiz"
    assert ana.fields["phones"] == ["512-555-0175"]
    assert ana.fields["address"] == "1100 S Lamar Blvd, Suite 210"
    assert (ana.fields["city"], ana.fields["state"], ana.fields["zip"]) == ("Austin", "TX", "78704")


def test_similar_therapists_microdata_block_is_skipped_without_profile_page(
    tmp_path: Path,
) -> None:
    path = _page(
        tmp_path,
        "p.html",
        "<title>Sam Hart</title>",
        '<div itemscope itemtype="https://schema.org/Person"><h1 itemprop="name">Sam Hart</h1>'
        '<span itemprop="telephone">503-555-0190</span></div>'
        '<aside-like class="related-providers"><div class="vcard"><span class="fn">Other One'
        "</span></div></aside-like>",
    )
    assert [r.fields["name"] for r in records(path)] == ["Sam Hart"]


def test_blog_post_byline_is_not_a_therapist(tmp_path: Path) -> None:
    graph = (
        '{"@context":"https://schema.org","@graph":[{"@type":"Article","@id":"https://x.example/'
        'post/#article","author":{"name":"webadmin","@id":"https://x.example/#/schema/person/9f"},'
        '"headline":"5 Signs Grief Has Become Complicated"},{"@type":"Person","@id":'
        '"https://x.example/#/schema/person/9f","name":"webadmin","url":'
        '"https://x.example/author/webadmin/"}]}'
    )
    path = _page(
        tmp_path,
        "post.html",
        f'<script type="application/ld+json">{graph}</script>',
        "<article><h1>5 Signs Grief Has Become Complicated</h1><p>IPT treats grief.</p></article>",
    )
    with pytest.raises(ImportRefused, match="no therapist records recognised"):
        records(path)


def test_profile_without_microdata_takes_its_own_tel_link_not_nearby_cards(
    tmp_path: Path,
) -> None:
    path = _page(
        tmp_path,
        "jane.html",
        "<title>Jane Q. Doe, Clinical Social Work/Therapist, Evanston, IL | Psychology Today"
        "</title><link rel=canonical "
        'href="https://www.psychologytoday.com/us/therapists/jane-q-doe-evanston-il/1012345">',
        '<header><a href="tel:+18005550100">Member help line</a></header><main>'
        "<h1>Jane Q. Doe</h1><div>Clinical Social Work/Therapist, LCSW</div>"
        '<a href="tel:+18475550142">(847) 555-0142</a>'
        "<h2>Types of Therapy</h2><ul><li>Cognitive Behavioral (CBT)</li></ul>"
        '<section class="nearby-profiles"><h2>Nearby therapists</h2><div>'
        '<a href="https://www.psychologytoday.com/us/therapists/mark-roe-evanston-il/777777">'
        "<h3>Mark Roe</h3></a><h3>Types of Therapy</h3><ul><li>Interpersonal Psychotherapy (IPT)"
        '</li></ul><a href="tel:+18475550199">(847) 555-0199</a></div></section></main>',
    )
    (jane,) = records(path)
    assert jane.fields["name"] == "Jane Q. Doe"
    assert jane.fields["phones"] == ["847-555-0142"]
    assert jane.fields["orientations"] == ["Cognitive Behavioral (CBT)"]
    dumped = repr(jane.fields) + repr(jane.extra)
    assert "Mark Roe" not in dumped and "Interpersonal" not in dumped and "0199" not in dumped


# --- helpers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "https://therapists.psychologytoday.com/rms/prof_detail.php?profid=299404",
            "https://www.psychologytoday.com/us/therapists/299404",
        ),
        (
            "https://therapists.psychologytoday.com/rms/name/Gayle_Clark_LICSW_Cambridge_Massachusetts_299404",
            "https://www.psychologytoday.com/us/therapists/299404",
        ),
        (
            "http://www.psychologytoday.com/us/therapists/gayle-clark-cambridge-ma/299404?sid=1#x",
            "https://www.psychologytoday.com/us/therapists/299404",
        ),
        (
            "https://www.psychologytoday.com/ca/psychiatrists/a-b-toronto-on/12345/",
            "https://www.psychologytoday.com/ca/psychiatrists/12345",
        ),
        ("HTTP://Example.COM/a/b/?q=1", "https://example.com/a/b"),
        (
            "//www.goodtherapy.org/therapists/profile/x-1/",
            "https://www.goodtherapy.org/therapists/profile/x-1",
        ),
        (
            "https://www.psychologytoday.com/us/therapists/il/chicago",
            "https://www.psychologytoday.com/us/therapists/il/chicago",
        ),
        ("mailto:someone@example.com", None),
        ("", None),
    ],
)
def test_canonical_profile_url(url: str, canonical: str | None) -> None:
    assert canonical_profile_url(url) == canonical


@pytest.mark.parametrize(
    ("data", "codec"),
    [
        (b'<meta charset="ISO-8859-1">', "cp1252"),
        (b"<meta http-equiv='content-type' content='text/html; charset=utf-8'>", "utf-8"),
        (b'<meta charset="windows-1251">', "cp1251"),
        (b'<meta charset="no-such-codec">', None),
        (b"<p>none</p>", None),
    ],
)
def test_declared_charset(data: bytes, codec: str | None) -> None:
    assert declared_charset(data) == codec


def test_license_and_subtitle_parts() -> None:
    assert license_parts("118148 Massachusetts") == {
        "license_number": "118148",
        "license_state": "MA",
    }
    assert license_parts("Psychologist - 3123") == {
        "license_number": "3123",
        "license_type": "Psychologist",
    }
    assert split_subtitle("Licensed Clinical Professional Counselor\t, LCPC, CADC") == (
        "Licensed Clinical Professional Counselor",
        ["LCPC", "CADC"],
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.text(
        alphabet=st.sampled_from(list("<>/=\"' abcdiv plh1h2strong:$0123456789\n&;#")), max_size=400
    )
)
def test_importers_never_crash_on_garbage(tmp_path: Path, body: str) -> None:
    from finder.importers import goodtherapy, psychology_today, schema_org

    path = tmp_path / "g.html"
    path.write_text(
        '<html><head><link rel="canonical" href="https://www.psychologytoday.com/us/therapists/x/123">'
        f"</head><body>{body}</body></html>",
        encoding="utf-8",
    )
    for module in (psychology_today, goodtherapy, schema_org):
        try:
            list(module.parse(path, ParseContext()))
        except ImportRefused as err:
            assert "\n" not in str(err)


def test_a_declared_charset_with_a_nul_in_it_is_ignored(tmp_path: Path) -> None:
    from finder.importers.html.page import declared_charset

    assert declared_charset(b'<html><head><meta charset=\x00UTF-8"></head></html>') is None


JSONLD_KNOWS = """<html><head><script type="application/ld+json">{"@context": "https://schema.org",
"@type": "Person", "name": "Jamie Cole", "jobTitle": "LPC", "telephone": "(303) 555-0144",
"knowsAbout": ["Interpersonal Therapy", "EMDR"]}</script></head><body><h1>Jamie Cole, LPC</h1>
</body></html>"""
MICRODATA_KNOWS = """<html><body><div itemscope itemtype="https://schema.org/Person">
<h1 itemprop="name">Ria Sen</h1><span itemprop="telephone">617-555-0177</span>
<ul><li itemprop="knowsAbout">Interpersonal Psychotherapy</li><li itemprop="knowsAbout">Grief</li>
</ul></div></body></html>"""


@pytest.mark.parametrize(
    ("page", "topics"),
    [
        (JSONLD_KNOWS, ["Interpersonal Therapy", "EMDR"]),
        (MICRODATA_KNOWS, ["Interpersonal Psychotherapy", "Grief"]),
    ],
)
def test_what_a_person_knows_about_is_listed_evidence(
    page: str, topics: list[str], tmp_path: Path
) -> None:
    path = tmp_path / "profile.html"
    path.write_text(page, encoding="utf-8")
    (rec,) = records(path)
    assert rec.fields["specialties"] == topics
    assert assess(rec.fields).level.label == "listed"
