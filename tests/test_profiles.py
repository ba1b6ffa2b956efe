"""Profile pages and directory edge cases on small hand-written sites: what each field becomes on the page."""
from __future__ import annotations

import json
import re

FULL = """
name: Ana Lima
credentials: [PsyD, MA]
pronouns: she/her
title: Clinical Psychologist
bio: |
  Ana works with **adults** after trauma.
specialties: [Trauma, Anxiety]
modalities: [EMDR, CBT]
populations: [Adults, Veterans]
languages: [English, Portuguese]
fees: {individual: 180, couples: 150.5, sliding_scale: true, currency: USD}
formats: [in-person, telehealth]
locations: [{name: Downtown, address: "1 Main St", city: San Diego, state: CA, postal_code: "92101"}]
telehealth_states: [CA, NV]
licenses: [{type: Psychologist, state: CA, number: "PSY 12345"}]
accepting_new_clients: true
contact: {email: ana@example.org, phone: "+1 619 555 0100", booking_url: "https://book.example.org/ana", website: "https://ana.example.org/"}
"""


def build(make_site, run, tmp_path, profiles: dict[str, str]):
    source = make_site({f"therapists/{slug}.yaml": text for slug, text in profiles.items()})
    result = run("build", "--source", source, "--output", tmp_path / "out")
    assert result.code == 0, result.err
    return lambda url: (tmp_path / "out" / url.strip("/") / "index.html").read_text(encoding="utf-8")


def test_a_profile_shows_every_field_of_its_yaml(make_site, run, tmp_path):
    page = build(make_site, run, tmp_path, {"ana-lima": FULL})("/therapists/ana-lima/")
    assert '<h1 id="profile-name">Ana Lima, PsyD, MA</h1>' in page
    assert "Pronouns: she/her" in page and '<p class="lead">Clinical Psychologist</p>' in page
    assert "<strong>adults</strong>" in page
    assert '<a href="/topics/trauma/">Trauma</a>' in page and '<a href="/topics/anxiety/">Anxiety</a>' in page
    assert '<h2 id="profile-approaches">Approaches</h2>' in page and "<li>EMDR</li>" in page
    assert '<a href="/therapists/population/veterans/">Veterans</a>' in page
    assert '<a href="/therapists/language/portuguese/">Portuguese</a>' in page
    assert "Individual session: $180<" in page and "Couples session: $150.50<" in page
    assert "Sliding scale available" in page
    assert "1 Main St<br>San Diego, CA 92101" in page
    assert ">California</a>, <a href=\"/therapists/state/nv/\">Nevada</a>." in page
    assert "Psychologist, California: license number PSY 12345" in page
    assert "Ana Lima is accepting new clients." in page
    assert '<a href="mailto:ana@example.org">' in page and '<a href="tel:+16195550100">' in page
    assert '<a class="button" href="https://book.example.org/ana">' in page
    assert '<a href="https://ana.example.org/">ana.example.org</a>' in page


def test_a_profile_without_insurance_says_self_pay_and_states_that_it_is_not_accepting(make_site, run, tmp_path):
    page = build(make_site, run, tmp_path, {"ben-ode": "name: Ben Ode\naccepting_new_clients: false\n"})
    profile = page("/therapists/ben-ode/")
    assert "<p>Self-pay (no insurance)</p>" in profile
    assert "Ben Ode is not accepting new clients right now." in profile
    assert "Self-pay (no insurance)" in page("/therapists/")


def test_fees_in_another_currency_show_its_code(make_site, run, tmp_path):
    page = build(make_site, run, tmp_path, {"eva-roth": "name: Eva Roth\nfees: {individual: 90, currency: EUR}\n"})
    assert "Individual session: 90 EUR<" in page("/therapists/eva-roth/")


def test_no_profile_value_can_close_the_json_ld_script(make_site, run, tmp_path):
    hostile = 'name: "Ana </script><script>alert(1)</script> Lima"\ntitle: "A & B <i>"\n'
    page = build(make_site, run, tmp_path, {"ana-lima": hostile})("/therapists/ana-lima/")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    assert len(blocks) == 1 and "<" not in blocks[0]
    person = json.loads(blocks[0])["mainEntity"]
    assert person["name"] == "Ana </script><script>alert(1)</script> Lima"
    assert person["jobTitle"] == "A & B <i>"
    assert "<script>alert(1)" not in page


def test_the_yes_pages_exist_and_say_so_when_nobody_matches(make_site, run, tmp_path):
    page = build(make_site, run, tmp_path, {"ben-ode": "name: Ben Ode\n"})
    for url in ("/therapists/accepting/yes/", "/therapists/sliding-scale/yes/"):
        assert "No therapist matches right now." in page(url)
        assert 'data-slug="ben-ode"' not in page(url)
    assert 'href="/therapists/accepting/yes/"' in page("/therapists/")


def test_a_facet_index_page_lists_its_values_with_counts(make_site, run, tmp_path):
    page = build(make_site, run, tmp_path, {"ana-lima": FULL, "ben-ode": "name: Ben Ode\nlanguages: [English]\n"})
    languages = page("/therapists/language/")
    assert '<a href="/therapists/language/english/">English</a> <span class="muted">(2 therapists)</span>' in languages
    assert '<a href="/therapists/language/portuguese/">Portuguese</a> <span class="muted">(1 therapist)</span>' in languages


def test_a_value_spelled_two_ways_is_one_facet_page_named_by_the_first_profile(make_site, run, tmp_path):
    page = build(make_site, run, tmp_path, {"ana-lima": "name: Ana Lima\nlanguages: [Español]\n",
                                             "ben-ode": "name: Ben Ode\nlanguages: [espanol]\n"})
    spanish = page("/therapists/language/espanol/")
    assert "<h1>Therapists who speak Español</h1>" in spanish
    assert re.findall(r'data-slug="([^"]+)"', spanish) == ["ana-lima", "ben-ode"]


def test_a_facet_that_no_profile_lists_gets_no_page_and_no_form_control(make_site, run, tmp_path):
    page = build(make_site, run, tmp_path, {"ben-ode": "name: Ben Ode\nlanguages: [English]\n"})
    assert not (tmp_path / "out" / "therapists" / "insurance").exists()
    directory = page("/therapists/")
    assert 'id="filter-insurance"' not in directory and 'id="filter-language"' in directory


ARTICLE_BY = "---\ntitle: On grief\ndate: 2026-01-05\nauthor: {author}\nsummary: S.\n---\nBody.\n"


def test_an_unlisted_profile_is_off_the_site_while_its_articles_keep_an_unlinked_byline(make_site, run, tmp_path):
    source = make_site({"therapists/ana-lima.yaml": "name: Ana Lima\nlisted: false\n",
                        "content/articles/grief.md": ARTICLE_BY.format(author="ana-lima")})
    assert run("build", "--source", source, "--output", tmp_path / "out", "--strict").code == 0
    out = tmp_path / "out"
    assert not (out / "therapists" / "ana-lima").exists()
    assert "ana-lima" not in (out / "therapists" / "index.json").read_text()
    article = (out / "articles" / "grief" / "index.html").read_text()
    assert re.search(r"· by\s+Ana Lima\s+·", article) and 'href="/therapists/ana-lima/"' not in article
    feed = json.loads((out / "feed.json").read_text())
    assert feed["items"][0]["authors"] == [{"name": "Ana Lima"}]
    assert run("build", "--source", source, "--output", tmp_path / "preview", "--drafts").code == 0
    assert (tmp_path / "preview" / "therapists" / "ana-lima" / "index.html").is_file()


def test_a_former_therapist_keeps_the_byline_but_leaves_the_directory_and_its_facets(make_site, run, tmp_path):
    source = make_site({"therapists/ana-lima.yaml": FULL + "former: true\n",
                        "content/articles/grief.md": ARTICLE_BY.format(author="ana-lima")})
    assert run("build", "--source", source, "--output", tmp_path / "out", "--drafts").code == 0
    out = tmp_path / "out"
    article = (out / "articles" / "grief" / "index.html").read_text()
    assert re.search(r"· by\s+Ana Lima, PsyD, MA \(formerly with the practice\)\s+·", article)
    assert not (out / "therapists" / "ana-lima").exists()
    assert not (out / "therapists" / "language" / "portuguese").exists()
    assert "Ana" not in (out / "therapists" / "index.html").read_text()
    assert "ana@example.org" not in "".join(p.read_text() for p in out.rglob("*.html"))


def test_placeholder_text_from_new_therapist_is_a_warning_naming_its_line(make_site, run, tmp_path):
    source = make_site()
    assert run("new", "therapist", "Ana Lima", "--source", source).code == 0
    result = run("build", "--source", source, "--output", tmp_path / "out")
    assert result.code == 0
    assert result.err.splitlines()[1:] == [
        "therapists/ana-lima.yaml:9: bio: still holds the example text 'Write here who you work with and how you "
        "work.', which would be published as it is; write your own text in its place, or add 'listed: false' to "
        "keep the profile off the site until it is ready"]
    strict = run("build", "--source", source, "--output", tmp_path / "out", "--strict")
    assert strict.code == 1 and "therapists/ana-lima.yaml:9: bio: still holds the example text" in strict.err
    text = (source / "therapists" / "ana-lima.yaml").read_text().replace("listed: true ", "listed: false")
    (source / "therapists" / "ana-lima.yaml").write_text(text)
    assert run("build", "--source", source, "--output", tmp_path / "out", "--strict").code == 0


def test_not_accepting_shows_the_practice_waitlist_contact_instead_of_a_booking_button(make_site, run, tmp_path):
    profile = FULL.replace("accepting_new_clients: true", "accepting_new_clients: false")
    source = make_site({"therapists/ana-lima.yaml": profile, "site.yaml": "title: T\nbase_url: https://t.org/\n"
                        "practice: {name: Riverside, phone: '+1 555 0100', email: intake@riverside.org}\n"})
    assert run("build", "--source", source, "--output", tmp_path / "out").code == 0
    page = (tmp_path / "out" / "therapists" / "ana-lima" / "index.html").read_text()
    assert "Book a consultation" not in page and "https://book.example.org/ana" not in page
    assert ("<p>Ana Lima is not taking new clients right now. To join the waitlist, or to find another therapist "
            "who can see you sooner, contact Riverside:</p>") in page
    assert '<a href="mailto:intake@riverside.org">intake@riverside.org</a>' in page
    other = make_site({"therapists/ana-lima.yaml": FULL}, name="accepting")
    assert run("build", "--source", other, "--output", tmp_path / "b").code == 0
    accepting = (tmp_path / "b" / "therapists" / "ana-lima" / "index.html").read_text()
    assert '<a class="button" href="https://book.example.org/ana">Book a consultation</a>' in accepting
    assert "waitlist" not in accepting.split('<section class="contact"')[1].split("</section>")[0]


SESSIONS = """
free_consultation: 15
session_length: 50
availability: [weekdays, evenings]
gender: woman
ages: [adults, older adults]
"""
PRACTICE = "title: T\nbase_url: https://t.org/\npractice: {name: Riverside, phone: '+1 555 0100', email: intake@riverside.org}\n"


def test_a_profile_shows_consultation_session_length_hours_gender_and_ages_linked_to_their_facet_pages(
        make_site, run, tmp_path):
    page = build(make_site, run, tmp_path, {"ana-lima": FULL + SESSIONS})
    profile = page("/therapists/ana-lima/")
    assert '<li><a href="/therapists/free-consultation/yes/">Free consultation</a>: 15 minutes</li>' in profile
    assert "<li>A session lasts 50 minutes</li>" in profile
    assert ('<li>Sees clients: <a href="/therapists/availability/weekdays/">weekdays</a>, '
            '<a href="/therapists/availability/evenings/">evenings</a></li>') in profile
    assert ('<li>Ages: <a href="/therapists/ages/adults/">adults</a>, '
            '<a href="/therapists/ages/older-adults/">older adults</a></li>') in profile
    assert '<li>Gender: <a href="/therapists/gender/woman/">woman</a></li>' in profile
    card = page("/therapists/")
    assert '<p class="sessions">Free 15-minute consultation · 50-minute sessions · Sees clients weekdays, evenings</p>' in card
    assert "<h1>Therapists who see clients in the evening</h1>" in page("/therapists/availability/evenings/")
    assert "<h1>Therapists who see older adults</h1>" in page("/therapists/ages/older-adults/")
    assert "<h1>Therapists who describe their gender as woman</h1>" in page("/therapists/gender/woman/")
    assert "<h1>Therapists offering a free consultation</h1>" in page("/therapists/free-consultation/yes/")
    assert "<h1>Therapists with an office in San Diego, CA</h1>" in page("/therapists/city/san-diego-ca/")
    assert '<option value="woman" data-name="Woman">Woman (1)</option>' in card
    assert '<option value="older-adults" data-name="Older adults">Older adults (1)</option>' in card


def test_the_new_fields_reach_json_ld_and_the_json_index(make_site, run, tmp_path):
    page = build(make_site, run, tmp_path, {"ana-lima": FULL + SESSIONS})
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>',
                                page("/therapists/ana-lima/"), re.DOTALL).group(1))
    person = data["mainEntity"]
    assert person["gender"] == "woman"
    assert person["contactPoint"] == {"@type": "ContactPoint", "contactType": "new clients",
                                      "url": "https://book.example.org/ana", "email": "ana@example.org",
                                      "telephone": "+1 619 555 0100"}
    assert person["workLocation"][0]["geo"] == {"@type": "GeoCoordinates", "latitude": 32.718, "longitude": -117.159}
    row = json.loads((tmp_path / "out" / "therapists" / "index.json").read_text())[0]
    assert (row["free_consultation"], row["session_length"], row["gender"], row["ages"], row["availability"]) == (
        15, 50, ["woman"], ["adults", "older-adults"], ["evenings", "weekdays"])
    assert row["offices"] == [{"city": "San Diego", "state": "CA", "postal_code": "92101", "lat": 32.718,
                               "lon": -117.159}]
    assert row["free-consultation"] == ["yes"] and row["city"] == ["san-diego-ca"]


def test_office_coordinates_in_the_profile_win_over_the_zip_code(make_site, run, tmp_path):
    placed = FULL.replace('postal_code: "92101"}', 'postal_code: "92101", lat: 32.75, lon: -117.2}')
    build(make_site, run, tmp_path, {"ana-lima": placed})
    row = json.loads((tmp_path / "out" / "therapists" / "index.json").read_text())[0]
    assert (row["offices"][0]["lat"], row["offices"][0]["lon"]) == (32.75, -117.2)


def test_the_words_people_use_instead_of_a_choice_or_a_number_get_the_one_to_write(make_site, run, tmp_path):
    profile = FULL.replace("formats: [in-person, telehealth]", "formats: [online, In person]") + (
        "free_consultation: 15 minutes\navailability: [Saturday, nights]\n")
    result = run("build", "--source", make_site({"therapists/ana-lima.yaml": profile}), "--output", tmp_path / "out")
    assert result.code == 1
    assert [line.split(": ", 1)[1] for line in result.err.splitlines()[1:-1]] == [
        "formats[0]: expected one of 'in-person', 'telehealth', found 'online'; write 'telehealth' for 'online'",
        "formats[1]: expected one of 'in-person', 'telehealth', found 'In person'; write 'in-person' for 'In person'",
        "free_consultation: expected a whole number, found the text '15 minutes'; write digits only: 15",
        "availability[0]: expected one of 'weekdays', 'evenings', 'weekends', found 'Saturday'; write 'weekends' for "
        "'Saturday'",
        "availability[1]: expected one of 'weekdays', 'evenings', 'weekends', found 'nights'; write 'evenings' for "
        "'nights'"]


def test_wrong_new_fields_are_reported_with_their_line_and_the_fix(make_site, run, tmp_path):
    profile = FULL.replace('postal_code: "92101"}', 'postal_code: "92101", lat: 32.7}') + (
        "free_consultation: fifteen\nsession_length: 0\navailability: [mornings]\nages: adults\ngender: [woman]\n")
    source = make_site({"therapists/ana-lima.yaml": profile})
    result = run("build", "--source", source, "--output", tmp_path / "out")
    assert result.code == 1
    for line in (
        "therapists/ana-lima.yaml:13: locations[0].lon: is required when 'lat' is set; give both lat and lon (e.g. "
        "lat: 32.7185, lon: -117.1593), or neither to use the ZIP code",
        "therapists/ana-lima.yaml:18: free_consultation: expected a whole number, found the text 'fifteen'; "
        "write digits only, e.g. 150",
        "therapists/ana-lima.yaml:19: session_length: expected a number of at least 1, found 0",
        "therapists/ana-lima.yaml:20: availability[0]: expected one of 'weekdays', 'evenings', 'weekends', found "
        "'mornings'; did you mean 'evenings'?",
        "therapists/ana-lima.yaml:21: ages: expected a list like [adults, older adults], found the text 'adults'; "
        "put the values in square brackets, separated by commas",
        "therapists/ana-lima.yaml:22: gender: expected text, found a list",
    ):
        assert line in result.err


def test_an_office_whose_zip_code_is_unknown_is_a_warning(make_site, run, tmp_path):
    unknown = FULL.replace('postal_code: "92101"', 'postal_code: "00000"')
    source = make_site({"therapists/ana-lima.yaml": unknown})
    result = run("build", "--source", source, "--output", tmp_path / "out")
    assert result.code == 0
    assert ("therapists/ana-lima.yaml:13: locations[0].postal_code: the ZIP code '00000' is not a US ZIP code we "
            "know, so 'near you' cannot sort this office by distance; check the ZIP code, or give the office's lat "
            "and lon") in result.err


def test_home_and_profiles_show_the_practice_contact_with_a_contact_point(make_site, run, tmp_path):
    source = make_site({"therapists/ana-lima.yaml": "name: Ana Lima\naccepting_new_clients: true\n",
                        "site.yaml": PRACTICE})
    assert run("build", "--source", source, "--output", tmp_path / "out").code == 0
    home = (tmp_path / "out" / "index.html").read_text()
    contact = home.split('<section class="contact home-contact"')[1].split("</section>")[0]
    assert '<a href="tel:+15550100">+1 555 0100</a>' in contact
    assert '<a href="mailto:intake@riverside.org">intake@riverside.org</a>' in contact
    business = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', home,
                                    re.DOTALL).group(1))["@graph"][0]
    assert business["contactPoint"] == {"@type": "ContactPoint", "contactType": "new clients",
                                        "telephone": "+1 555 0100", "email": "intake@riverside.org"}
    profile = (tmp_path / "out" / "therapists" / "ana-lima" / "index.html").read_text()
    assert "<p>To book a first session with Ana Lima, contact Riverside:</p>" in profile
    assert '<a href="mailto:intake@riverside.org">' in profile


def test_office_coordinates_far_from_their_zip_code_are_a_warning(make_site, run, tmp_path):
    copied = FULL.replace('city: San Diego, state: CA, postal_code: "92101"}',
                          'city: Portland, state: OR, postal_code: "97201", lat: 32.7185, lon: -117.1593}')
    source = make_site({"therapists/ana-lima.yaml": copied})
    result = run("build", "--source", source, "--output", tmp_path / "out")
    assert result.code == 0
    assert ("therapists/ana-lima.yaml:13: locations[0].lat: lat and lon are 931 miles from the ZIP code '97201', so "
            "'near you' would place this office there; check lat and lon (they may be the example's), or remove "
            "them to use the ZIP code") in result.err


def test_a_value_one_profile_writes_close_to_one_others_share_is_a_warning(make_site, run, tmp_path):
    """'Aetan' beside two profiles' 'Aetna': a filter page of its own, and missing from Aetna's."""
    files = {f"therapists/{slug}.yaml": f"name: {name}\ninsurance: [{plan}, Cigna]\nlanguages: [English]\n"
             for slug, name, plan in (("ana-lima", "Ana Lima", "Aetna"), ("ben-okafor", "Ben Okafor", "Aetna"),
                                      ("cara-nguyen", "Cara Nguyen", "Aetan"), ("dev-rao", "Dev Rao", "TRICARE"))}
    result = run("build", "--source", make_site(files), "--output", tmp_path / "out")
    assert result.code == 0, result.err
    assert [line for line in result.err.splitlines() if "written by this profile alone" in line] == [
        "therapists/cara-nguyen.yaml:2: insurance[0]: 'Aetan' is written by this profile alone, and 'Aetna' by 2 "
        "others, so clients who choose 'Aetna' do not find this therapist; if it is meant to be the same, write "
        "'Aetna'"]  # TRICARE, alone too, is like no other value


def test_self_pay_written_as_an_insurance_plan_is_a_warning(make_site, run, tmp_path):
    files = {"therapists/ana-lima.yaml": "name: Ana Lima\ninsurance: [Aetna, Self-pay]\n",
             "therapists/ben-okafor.yaml": "name: Ben Okafor\ninsurance: [out of pocket]\n"}
    result = run("build", "--source", make_site(files), "--output", tmp_path / "out")
    assert result.code == 0, result.err
    assert [line for line in result.err.splitlines() if "is not an insurance plan" in line] == [
        f"therapists/{slug}.yaml:2: insurance[{index}]: {plan!r} is not an insurance plan: its filter page would list "
        "only the therapists who wrote it, while clients can pay any therapist directly; remove it (a profile without "
        "insurance shows 'Self-pay'); the fees show what a session costs"
        for slug, index, plan in (("ana-lima", 1, "Self-pay"), ("ben-okafor", 0, "out of pocket"))]
