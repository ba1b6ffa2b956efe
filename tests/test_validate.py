"""Validation messages: every mistake a practice can make names its file, line and field, and the fix."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from generator.build import Options, load_site
from generator.errors import SiteError
from generator.slugs import slugify


def problems(source) -> list[str]:
    with pytest.raises(SiteError) as caught:
        load_site(Options(source=source, output=source / "public"))
    return [str(p) for p in caught.value.problems]


def article(front: str, body: str = "Body.\n") -> str:
    return f"---\n{front}---\n{body}"


def test_profile_with_unknown_key_suggests_closest_field(make_site):
    source = make_site({"therapists/ana.yaml": "name: Ana\nlanguage: [English]\n"})
    assert problems(source) == ["therapists/ana.yaml:2: language: unknown field; did you mean 'languages'?"]


def test_unknown_key_with_no_close_match_lists_the_valid_fields(make_site):
    source = make_site({"content/pages/about.md": article("title: About\ncolour: blue\n")})
    assert problems(source) == [
        "content/pages/about.md:3: colour: unknown field; valid fields are: draft, slug, summary, title"]


def test_a_field_given_twice_is_reported_with_both_lines(make_site):
    source = make_site({"content/articles/a.md": article("title: One\ndate: 2026-01-01\ntitle: Two\n")})
    assert problems(source) == ["content/articles/a.md:4: title: appears twice (first on line 2); keep one of them"]


def test_list_items_are_named_by_index_and_line(make_site):
    source = make_site({"therapists/ana.yaml": "name: Ana\nlanguages:\n  - English\n  - 42.5\n  - [x]\n"})
    assert problems(source) == ["therapists/ana.yaml:5: languages[2]: expected text, found a list"]


def test_author_without_profile_names_the_expected_file_and_the_closest_slug(make_site):
    source = make_site({
        "therapists/ana-lima.yaml": "name: Ana Lima\n",
        "content/articles/a.md": article("title: A\ndate: 2026-01-01\nauthor: [ana-lima, ana-lim]\n"),
    })
    assert problems(source) == [
        "content/articles/a.md:4: author[1]: no therapist profile 'ana-lim' (expected therapists/ana-lim.yaml); "
        "did you mean 'ana-lima'?"]


def test_author_of_a_profile_with_its_own_errors_is_not_reported_as_missing(make_site):
    source = make_site({
        "therapists/ana.yaml": "name: [Ana\n",
        "content/articles/a.md": article("title: A\ndate: 2026-01-01\nauthor: ana\n"),
    })
    assert [p.split(":")[0] for p in problems(source)] == ["therapists/ana.yaml"]


def test_missing_image_and_missing_alt_are_errors(make_site):
    source = make_site({
        "content/articles/a.md": article("title: A\ndate: 2026-01-01\nimage: nope.jpg\nimage_alt: x\n"),
        "content/articles/b.md": article("title: B\ndate: 2026-01-01\nimage: /pic.png\n"),
        "content/pic.png": b"png",
    })
    assert problems(source) == [
        "content/articles/a.md:4: image: file content/articles/nope.jpg not found; "
        "check the spelling and the folder of the picture",
        "content/articles/b.md:4: image_alt: is required when 'image' is set; "
        "describe the picture in a short sentence for people who cannot see it",
    ]


def test_image_outside_the_content_folder_is_refused(make_site):
    source = make_site({"content/articles/a.md": article("title: A\ndate: 2026-01-01\nimage: ../../site.yaml\n"
                                                         "image_alt: x\n")})
    assert problems(source) == [
        "content/articles/a.md:4: image: expected a picture inside the content folder, found '../../site.yaml'; "
        "put the picture in content/ and give its path, e.g. /images/photo.jpg"]


def test_profile_photo_must_exist_and_have_alt_text(make_site):
    source = make_site({
        "therapists/ana.yaml": "name: Ana\nphoto: ana.jpg\n",
        "therapists/ben.yaml": "name: Ben\nphoto: ben.png\n",
        "therapists/ben.png": b"png",
    })
    assert problems(source) == [
        "therapists/ana.yaml:2: photo: file therapists/ana.jpg not found; "
        "check the spelling, or put the photo (.jpg, .png or .webp) next to the profile",
        "therapists/ben.yaml:2: photo_alt: is required when 'photo' is set; "
        "describe the photo in a few words, e.g. 'Ana Lima smiling in her office'",
    ]


@pytest.mark.parametrize("name", ["index", "language", "sliding-scale"])
def test_profile_slug_that_collides_with_a_directory_page_is_an_error(make_site, name):
    source = make_site({f"therapists/{name}.yaml": "name: Someone\n"})
    assert problems(source) == [f"therapists/{name}.yaml:1: the file name {name!r} is reserved for a directory "
                                "page; rename the file, e.g. to the therapist's full name"]


def test_profile_file_name_that_is_not_a_slug_suggests_one(make_site):
    source = make_site({"therapists/Ana Lima.yaml": "name: Ana Lima\n"})
    assert problems(source) == ["therapists/Ana Lima.yaml:1: the file name 'Ana Lima' is not a valid slug; "
                                "rename it to ana-lima.yaml (lowercase letters, digits and dashes)"]


def test_a_file_that_is_not_utf8_names_its_line(make_site):
    source = make_site({"content/articles/a.md": "---\ntitle: Caf\xe9\n".encode("latin-1")})
    assert problems(source) == ["content/articles/a.md:2: is not saved as UTF-8 text; "
                                "open it in your editor, choose Save As, and pick the UTF-8 encoding"]


def test_file_without_front_matter_says_how_to_start_it(make_site):
    source = make_site({"content/articles/a.md": "# Just markdown\n"})
    assert problems(source) == ["content/articles/a.md:1: no front matter at the top of the file; start the file "
                                "with a line '---', then fields such as 'title: ...', then another '---'"]


def test_front_matter_that_is_a_list_is_explained(make_site):
    source = make_site({"content/articles/a.md": "---\n- title\n---\n"})
    assert problems(source) == ["content/articles/a.md:2: expected fields such as 'title: ...', found list"]


def test_windows_line_endings_and_a_byte_order_mark_are_accepted(make_site):
    source = make_site({"content/articles/a.md": "\ufeff---\r\ntitle: Win\r\ndate: 2026-01-01\r\n---\r\nHi\r\n"})
    site = load_site(Options(source=source, output=source / "public"))
    assert site.articles[0].title == "Win" and site.articles[0].html == "<p>Hi</p>"


def test_dates_without_offset_are_in_the_site_time_zone_and_offsets_are_kept(make_site):
    source = make_site({
        "site.yaml": "title: T\nbase_url: https://t.example.org\ntimezone: America/New_York\n",
        "content/articles/a.md": article("title: A\ndate: 2026-07-01 09:30\n"),
        "content/articles/b.md": article("title: B\ndate: 2026-07-01T09:30:00+02:00\n"),
        "content/articles/c.md": article("title: C\ndate: 2026-07-01\n"),
    })
    site = load_site(Options(source=source, output=source / "public"))
    moments = {a.slug: a.date.astimezone(timezone.utc) for a in site.articles}
    assert moments == {
        "a": datetime(2026, 7, 1, 13, 30, tzinfo=timezone.utc),
        "b": datetime(2026, 7, 1, 7, 30, tzinfo=timezone.utc),
        "c": datetime(2026, 7, 1, 4, 0, tzinfo=timezone.utc),
    }


def test_site_yaml_problems_are_reported_with_the_documents_problems(make_site):
    source = make_site({
        "site.yaml": "title: T\nbase_url: ftp://t.example.org\ncrisis: {text: Help, numbers: [{label: Call}]}\n",
        "content/articles/a.md": article("title: A\n"),
    })
    assert problems(source) == [
        "content/articles/a.md:2: date: is required but missing; add a line 'date: ...'",
        "site.yaml:2: base_url: expected an absolute address like https://www.example.org/, found "
        "'ftp://t.example.org'; write the address where the site will live, starting with https://",
        "site.yaml:3: crisis.numbers[0].number: is required but missing; add a line 'number: ...'",
    ]


def test_custom_crisis_line_replaces_the_988_default(make_site, run, tmp_path):
    source = make_site({"site.yaml": "title: T\nbase_url: https://t.example.org\nlanguage: en-GB\ncrisis:\n"
                        "  text: Samaritans are there day or night.\n"
                        "  numbers: [{label: 'Call Samaritans free on', number: '116 123'}]\n"})
    assert run("build", "--source", source, "--output", tmp_path / "out").code == 0
    html = (tmp_path / "out" / "index.html").read_text()
    assert '<a href="tel:116123">116 123</a>' in html and "Samaritans are there" in html
    assert "988" not in html


@pytest.mark.parametrize("text, slug", [("Grief and Loss", "grief-and-loss"), ("Men's Issues", "mens-issues"),
                                        ("  Café / Ñandú ", "cafe-nandu"), ("LGBTQ+", "lgbtq"), ("!!!", "")])
def test_slugify_makes_lowercase_ascii_dash_separated_slugs(text, slug):
    assert slugify(text) == slug


def test_topic_that_makes_no_slug_is_an_error(make_site):
    source = make_site({"content/articles/a.md": article("title: A\ndate: 2026-01-01\ntopics: ['???']\n")})
    assert problems(source) == [
        "content/articles/a.md:4: topics[0]: the topic '???' has no letters or digits to make an address from"]


def test_an_offset_without_a_time_is_not_a_date(make_site):
    source = make_site({"content/articles/a.md": article("title: A\ndate: 2026-10-05+02:00\n")})
    assert problems(source) == [
        "content/articles/a.md:3: date: expected a date like 2026-10-05 or 2026-10-05 09:30, found the text "
        "'2026-10-05+02:00'; write the year, month and day with dashes"]


def test_specialty_that_makes_no_slug_is_an_error(make_site):
    source = make_site({"therapists/ana.yaml": "name: Ana\nspecialties: [Trauma, '---']\n"})
    assert problems(source) == [
        "therapists/ana.yaml:2: specialties[1]: the specialty '---' has no letters or digits to make a topic "
        "address from"]


def test_route_collisions_are_reported_together_with_field_problems(make_site):
    source = make_site({
        "content/articles/a.md": article("title: A\ndate: 2026-01-01\nslug: same\n"),
        "content/articles/b.md": article("title: B\ndate: 2026-01-01\nslug: same\n"),
        "content/articles/c.md": article("title: C\ndate: soon\n"),
    })
    assert [p.split(": ")[0] for p in problems(source)] == [
        "content/articles/a.md", "content/articles/b.md", "content/articles/c.md:3"]


def test_a_custom_crisis_block_does_not_keep_the_us_emergency_number(make_site, run, tmp_path):
    source = make_site({"site.yaml": "title: T\nbase_url: https://t.example.org\ncrisis:\n  text: Help is here.\n"
                        "  numbers: [{label: 'Call', number: '116 123'}]\n  emergency: Call 999 in an emergency.\n"})
    assert run("build", "--source", source, "--output", tmp_path / "out").code == 0
    html = (tmp_path / "out" / "index.html").read_text()
    assert "Call 999 in an emergency." in html and "911" not in html


def test_an_invisible_character_yaml_refuses_is_reported_with_its_line(make_site):
    source = make_site({"therapists/ana.yaml": "name: Ana\npronouns: she/her\x85\x7f\n"})
    assert problems(source) == ["therapists/ana.yaml:2: contains an invisible control character (#x007f); "
                                "delete it: retype the line, or paste it again as plain text"]
