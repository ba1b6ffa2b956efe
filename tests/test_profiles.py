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
