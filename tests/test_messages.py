"""Messages that name the real problem and its fix, each pinned to its exact text; every problem of a file, and
every unknown author, in one run."""
from __future__ import annotations

import pytest


def report(result) -> list[str]:
    assert result.code == 1, result.err
    return result.err.splitlines()[1:-1]


def test_contact_fields_written_at_the_margin_say_to_indent_them(make_site, run):
    source = make_site({"therapists/ana-lima.yaml": "name: Ana Lima\ncontact:\nemail: ana@riverside.org\n"
                                                    "phone: '+1 555 0100'\n"})
    assert report(run("build", "--source", source)) == [
        "therapists/ana-lima.yaml:3: email: is a field of 'contact', but is not indented under it; indent the line "
        "with two spaces below the line 'contact:'",
        "therapists/ana-lima.yaml:4: phone: is a field of 'contact', but is not indented under it; indent the line "
        "with two spaces below the line 'contact:'"]


def test_curly_quotes_from_a_word_processor_are_named(make_site, run):
    source = make_site({"content/articles/a.md": "---\ntitle: “Grief: what helps”\ndate: 2026-01-05\n---\nHi.\n"})
    assert report(run("build", "--source", source)) == [
        "content/articles/a.md:2: cannot read this file: this line has curly quotes (“ ” or ‘ ’), which these files "
        "do not read as quotes; replace them with straight ones (\"), e.g. summary: \"Grief: what helps\"; word "
        "processors type curly quotes, so turn off their smart quotes or type the value in a plain text editor"]


def test_a_date_without_its_zeros_says_so_and_shows_it_written_right(make_site, run):
    source = make_site({"content/articles/a.md": "---\ntitle: A\ndate: 2026-12-1 9:00\n---\nHi.\n"})
    assert report(run("build", "--source", source)) == [
        "content/articles/a.md:3: date: expected two digits for the month, the day, the hour and the minutes, found "
        "'2026-12-1 9:00'; write 2026-12-01 09:00"]


@pytest.mark.parametrize("written, meant", [("2026-11-2 9:00am", "2026-11-02 09:00"),
                                            ("2026-11-02 12:30 PM", "2026-11-02 12:30"),
                                            ("2026-11-02 12 a.m.", "2026-11-02 00:00"),
                                            ("2026-11-02 7.15pm", "2026-11-02 19:15")])
def test_a_time_with_am_or_pm_is_shown_on_the_24_hour_clock(make_site, run, written, meant):
    source = make_site({"content/articles/a.md": f"---\ntitle: A\ndate: {written}\n---\nHi.\n"})
    assert report(run("build", "--source", source)) == [
        f"content/articles/a.md:3: date: expected the time on the 24-hour clock, found {written!r}; write {meant}"]


def test_a_date_in_curly_quotes_says_to_remove_them(make_site, run):
    source = make_site({"content/articles/a.md": "---\ntitle: A\ndate: “2026-12-01”\n---\nHi.\n"})
    assert report(run("build", "--source", source)) == [
        "content/articles/a.md:3: date: the date '“2026-12-01”' is between curly quotes (“ ”), which these files do "
        "not read as quotes; remove them, or use straight quotes: date: 2026-12-01"]


def test_an_author_written_as_a_name_suggests_the_profiles_file_name(make_site, run):
    source = make_site({"therapists/tom-whitfield.yaml": "name: Tom Whitfield\n",
                        "content/articles/a.md": "---\ntitle: A\ndate: 2026-01-05\nauthor: Tom Whitfield\n---\nHi.\n"})
    assert report(run("build", "--source", source)) == [
        "content/articles/a.md:4: author: no therapist profile 'Tom Whitfield': an author is written as the file "
        "name of a profile, without .yaml; did you mean 'tom-whitfield'?"]


def test_a_heic_photo_and_a_photo_name_in_other_capitals_say_what_to_do(make_site, run):
    source = make_site({"therapists/ana-lima.yaml": "name: Ana Lima\nphoto: ana.heic\nphoto_alt: Ana\n",
                        "therapists/ana.heic": b"\x00",
                        "therapists/ben-ode.yaml": "name: Ben Ode\nphoto: ben.jpg\nphoto_alt: Ben\n",
                        "therapists/Ben.JPG": b"\xff\xd8"})
    assert report(run("build", "--source", source)) == [
        "therapists/ana-lima.yaml:2: photo: ana.heic is a HEIC photo (the iPhone's own format), which web browsers "
        "cannot show; save it as JPEG (on the iPhone: share it and choose Save as JPEG, or Settings, Camera, "
        "Formats, Most Compatible), put it in therapists/ and write its name, e.g. ana.jpg",
        "therapists/ben-ode.yaml:2: photo: file therapists/ben.jpg not found, but there is 'Ben.JPG'; write the "
        "name exactly as it is, capitals included: photo: Ben.JPG"]


def test_a_yaml_syntax_error_does_not_hide_the_files_other_problems(make_site, run):
    source = make_site({"therapists/ana-lima.yaml": "name: Ana Lima\nlanguages: [English\n"
                                                    "accepting_new_clients: maybe\ncontact: {email: ana}\n"})
    assert report(run("build", "--source", source)) == [
        "therapists/ana-lima.yaml:2: cannot read this file: the list that starts with '[' on this line is not "
        "closed properly; end the list with ']' and separate the values with commas; put a value that contains a "
        "comma or ': ' in quotes",
        "therapists/ana-lima.yaml:3: accepting_new_clients: expected true or false, found the text 'maybe'; write "
        "true or false without quotes",
        "therapists/ana-lima.yaml:4: contact.email: expected an email address like name@example.org, found 'ana'"]


def test_a_broken_required_line_is_not_also_called_missing(make_site, run):
    source = make_site({"content/articles/a.md": "---\ntitle: “A: B”\ndate: 2026-13-01\n---\nHi.\n"})
    lines = report(run("build", "--source", source))
    assert len(lines) == 2 and lines[0].startswith("content/articles/a.md:2: cannot read this file: this line has "
                                                   "curly quotes")
    assert lines[1].startswith("content/articles/a.md:3: date: is not a real date or time: '2026-13-01'")


def test_every_unknown_author_and_every_problem_of_an_article_come_in_one_run(make_site, run):
    source = make_site({
        "therapists/ana-lima.yaml": "name: Ana Lima\n",
        "content/articles/a.md": "---\ntitle: A\ndate: 2026-1-5\nauthor: [ana-lim, ben-ode]\ntopics: Grief\n---\n",
        "content/articles/b.md": "---\ntitle: B\ndate: 2026-01-05\nauthor: carla-diaz\n---\nHi.\n",
    })
    assert report(run("build", "--source", source)) == [
        "content/articles/a.md:3: date: expected two digits for the month, the day, the hour and the minutes, found "
        "'2026-1-5'; write 2026-01-05",
        "content/articles/a.md:4: author[0]: no therapist profile 'ana-lim' (expected therapists/ana-lim.yaml); did "
        "you mean 'ana-lima'?",
        "content/articles/a.md:4: author[1]: no therapist profile 'ben-ode' (expected therapists/ben-ode.yaml); "
        "create the profile, use the file name of one, or add a guest author who is not in the directory as "
        "content/authors/ben-ode.yaml",
        "content/articles/a.md:5: topics: expected a list like [Trauma, Anxiety], found the text 'Grief'; put the "
        "values in square brackets, separated by commas",
        "content/articles/b.md:4: author: no therapist profile 'carla-diaz' (expected therapists/carla-diaz.yaml); "
        "create the profile, use the file name of one, or add a guest author who is not in the directory as "
        "content/authors/carla-diaz.yaml"]


def test_a_state_that_is_not_a_us_state_code_says_what_to_write(make_site, run):
    """A typo would otherwise become a directory filter of its own ("ZZ (1)") and a page for it."""
    source = make_site({"therapists/ana-lima.yaml": "name: Ana Lima\nformats: [in-person, telehealth]\n"
                        "locations: [{city: Reno, state: ZZ}]\ntelehealth_states: [CA, CS, Nevada, ca, NV]\n"
                        "licenses: [{type: LMFT, state: Oregon, number: \"1\"}]\n"})
    assert report(run("build", "--source", source)) == [
        "therapists/ana-lima.yaml:3: locations[0].state: 'ZZ' is not the code of a US state or territory; use the "
        "state's two-letter postal code, e.g. CA for California",
        "therapists/ana-lima.yaml:4: telehealth_states[1]: 'CS' is not the code of a US state or territory; use the "
        "state's two-letter postal code, e.g. CA for California",
        "therapists/ana-lima.yaml:4: telehealth_states[2]: expected a two-letter state code like CA, found 'Nevada'; "
        "write its code instead: NV",
        "therapists/ana-lima.yaml:4: telehealth_states[3]: expected a two-letter state code like CA, found 'ca'; "
        "write it in capitals: CA",
        "therapists/ana-lima.yaml:5: licenses[0].state: expected a two-letter state code like CA, found 'Oregon'; "
        "write its code instead: OR"]


def test_a_time_zone_said_as_people_say_it_is_given_its_name(make_site, run):
    source = make_site({"site.yaml": "title: T\nbase_url: https://test-practice.org/\ntimezone: Pacific Time\n"})
    assert report(run("build", "--source", source)) == [
        "site.yaml:3: timezone: unknown time zone 'Pacific Time'; write America/Los_Angeles"]


def test_a_photo_name_off_by_a_letter_or_an_ending_names_the_photo_that_is_there(make_site, run):
    source = make_site({"therapists/ana-lima.yaml": "name: Ana Lima\nphoto: ana-lima.jpg\nphoto_alt: Ana\n",
                        "therapists/ana-lima.jpeg": b"\xff\xd8",
                        "therapists/ben-ode.yaml": "name: Ben Ode\nphoto: ben-odee.png\nphoto_alt: Ben\n",
                        "therapists/ben-ode.png": b"\x89PNG"})
    assert report(run("build", "--source", source)) == [
        "therapists/ana-lima.yaml:2: photo: file therapists/ana-lima.jpg not found, but there is 'ana-lima.jpeg'; "
        "if that is the photo, write its name exactly: photo: ana-lima.jpeg",
        "therapists/ben-ode.yaml:2: photo: file therapists/ben-odee.png not found, but there is 'ben-ode.png'; if "
        "that is the photo, write its name exactly: photo: ben-ode.png"]
