"""The therapist directory on a generated site of 30 profiles and 60 articles: profiles, facet pages, the JSON
index, the filter form's markup and the links between articles, profiles and topics.

Expectations are computed here from the generated YAML, not from generator/facets.py, so the two can disagree.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from conftest import EPOCH
from generator.build import Options, build
from generator.slugs import slugify
from sitegen import NO_ARTICLE_SPECIALTY, generate_site

FACETS = ("specialty", "insurance", "language", "state", "city", "format", "population", "ages", "availability",
          "gender", "accepting", "sliding-scale", "free-consultation")
SELECTS = tuple(f for f in FACETS if f not in ("accepting", "sliding-scale", "free-consultation"))
CARD = re.compile(r'<article class="card therapist-card" data-slug="([^"]+)"([^>]*)>')
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


@dataclass
class Built:
    out: Path
    profiles: dict[str, dict]  #: slug -> the YAML as written
    articles: dict[str, dict]  #: article slug -> front matter

    def page(self, url: str) -> str:
        return (self.out / url.strip("/") / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Built:
    root = generate_site(tmp_path_factory.mktemp("generated") / "site", therapists=30, articles=60, seed=1)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SOURCE_DATE_EPOCH", EPOCH)
        build(Options(source=root, output=root / "public"))
    profiles = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in (root / "therapists").glob("*.yaml")}
    articles = {}
    for path in (root / "content" / "articles").glob("*.md"):
        articles[path.stem] = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
    return Built(root / "public", profiles, articles)


def expected_facets(profiles: dict[str, dict]) -> dict[str, dict[str, set[str]]]:
    """facet -> value slug -> therapist slugs, straight from the profiles as written."""
    facets: dict[str, dict[str, set[str]]] = {facet: defaultdict(set) for facet in FACETS}
    for slug, p in profiles.items():
        states = [loc["state"] for loc in p.get("locations", [])] + p.get("telehealth_states", [])
        cities = [f"{loc['city']}, {loc['state']}" for loc in p.get("locations", [])]
        for facet, names in (("specialty", p.get("specialties", [])), ("insurance", p.get("insurance", [])),
                             ("language", p.get("languages", [])), ("state", states), ("city", cities),
                             ("format", p.get("formats", [])), ("population", p.get("populations", [])),
                             ("ages", p.get("ages", [])), ("availability", p.get("availability", [])),
                             ("gender", [p["gender"]] if p.get("gender") else [])):
            for name in names:
                facets[facet][slugify(name)].add(slug)
        if p.get("accepting_new_clients"):
            facets["accepting"]["yes"].add(slug)
        if p.get("fees", {}).get("sliding_scale"):
            facets["sliding-scale"]["yes"].add(slug)
        if p.get("free_consultation"):
            facets["free-consultation"]["yes"].add(slug)
    return facets


def directory_order(profiles: dict[str, dict]) -> list[str]:
    return sorted(profiles, key=lambda s: (not profiles[s].get("accepting_new_clients"),
                                           profiles[s]["name"].split()[-1].lower(), s))


def cards(html: str) -> list[str]:
    return [slug for slug, _ in CARD.findall(html)]


def person(html: str) -> dict:
    (block,) = JSON_LD.findall(html)
    page = json.loads(block)
    assert page["@type"] == "ProfilePage"
    return page["mainEntity"]


def test_every_profile_page_shows_its_license_numbers_and_a_person_in_json_ld(site):
    assert len(site.profiles) == 30
    for slug, profile in site.profiles.items():
        html = site.page(f"/therapists/{slug}/")
        entity = person(html)
        assert entity["@type"] == "Person" and entity["name"] == profile["name"]
        assert entity["url"] == f"https://generated.example.org/therapists/{slug}/"
        assert entity["jobTitle"] == profile["title"]
        assert entity["knowsLanguage"] == profile["languages"]
        assert set(profile["specialties"]) <= set(entity["knowsAbout"])
        credentials = entity["hasCredential"]
        assert [c["identifier"] for c in credentials] == [lic["number"] for lic in profile["licenses"]]
        for credential, lic in zip(credentials, profile["licenses"]):
            assert credential["@type"] == "EducationalOccupationalCredential"
            assert credential["validIn"]["@type"] == "AdministrativeArea"
            assert credential["validIn"]["identifier"] == f"US-{lic['state']}"
            assert lic["number"] in html and lic["type"] in html


@pytest.mark.parametrize("facet", FACETS)
def test_every_facet_page_lists_exactly_the_matching_therapists_in_directory_order(site, facet):
    expected = expected_facets(site.profiles)[facet]
    order = directory_order(site.profiles)
    written = {p.parent.name for p in (site.out / "therapists" / facet).glob("*/index.html")}
    assert written == set(expected) and expected, f"one page per value of {facet}, no other"
    for value, members in expected.items():
        html = site.page(f"/therapists/{facet}/{value}/")
        assert cards(html) == [slug for slug in order if slug in members], f"/therapists/{facet}/{value}/"
        assert 'href="/therapists/"' in html
        if facet == "specialty":
            assert f'href="/topics/{value}/"' in html, "a specialty page leads to the articles on it"


def test_the_accepting_and_sliding_scale_pages_list_only_therapists_who_say_yes(site):
    accepting = site.page("/therapists/accepting/yes/")
    sliding = site.page("/therapists/sliding-scale/yes/")
    assert set(cards(accepting)) == {s for s, p in site.profiles.items() if p["accepting_new_clients"]}
    assert set(cards(sliding)) == {s for s, p in site.profiles.items() if p["fees"]["sliding_scale"]}
    assert "<h1>Therapists accepting new clients</h1>" in accepting
    assert "<h1>Therapists offering a sliding scale</h1>" in sliding


def test_a_state_page_joins_office_states_and_telehealth_states(site):
    online_only = next(s for s, p in site.profiles.items() if p["formats"] == ["telehealth"])
    for state in site.profiles[online_only]["telehealth_states"]:
        assert online_only in cards(site.page(f"/therapists/state/{state.lower()}/"))
    in_person_only = next(s for s, p in site.profiles.items() if p["formats"] == ["in-person"])
    for location in site.profiles[in_person_only]["locations"]:
        assert in_person_only in cards(site.page(f"/therapists/state/{location['state'].lower()}/"))


def test_the_json_index_has_one_object_per_therapist_with_every_facet_value(site):
    rows = json.loads((site.out / "therapists" / "index.json").read_text(encoding="utf-8"))
    assert [row["slug"] for row in rows] == directory_order(site.profiles)
    facets = expected_facets(site.profiles)
    for row in rows:
        slug = row["slug"]
        assert list(row) == sorted(row)
        assert set(row) == {"slug", "name", "url", *FACETS, "free_consultation", "session_length", "offices"}
        profile = site.profiles[slug]
        assert (row["free_consultation"], row["session_length"]) == (profile.get("free_consultation"),
                                                                     profile.get("session_length"))
        assert [(o["city"], o["state"], o["postal_code"]) for o in row["offices"]] == [
            (loc["city"], loc["state"], loc["postal_code"]) for loc in profile.get("locations", [])]
        assert all(isinstance(o["lat"], float) and isinstance(o["lon"], float) for o in row["offices"])
        assert row["name"] == site.profiles[slug]["name"]
        assert row["url"] == f"https://generated.example.org/therapists/{slug}/"
        for facet in FACETS:
            assert row[facet] == sorted(v for v, members in facets[facet].items() if slug in members), (slug, facet)


def test_the_directory_lists_every_therapist_accepting_first_then_by_family_name(site):
    html = site.page("/therapists/")
    assert cards(html) == directory_order(site.profiles)


def test_directory_cards_carry_each_facet_value_slug_for_the_script(site):
    facets = expected_facets(site.profiles)
    for slug, attributes in CARD.findall(site.page("/therapists/")):
        data = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', attributes))
        for facet in FACETS:
            assert data[facet].split() == sorted(v for v, members in facets[facet].items() if slug in members)


def test_the_filter_form_has_a_labelled_control_for_every_facet_with_value_slugs_as_options(site):
    html = site.page("/therapists/")
    start = html.index('<form class="filters"')
    form = html[start: html.index("</form>", start)]
    assert 'method="get"' in form and 'action="/therapists/"' in form
    facets = expected_facets(site.profiles)
    for facet in SELECTS:
        assert f'<label for="filter-{facet}">' in form
        select = re.search(rf'<select id="filter-{facet}" name="{facet}">(.*?)</select>', form, re.DOTALL).group(1)
        assert re.findall(r'<option value="([^"]*)"', select)[1:] != []
        assert set(re.findall(r'<option value="([^"]*)"', select)) == {"", *facets[facet]}
    for facet in ("accepting", "sliding-scale", "free-consultation"):
        assert f'<input type="checkbox" id="filter-{facet}" name="{facet}" value="yes">' in form
        assert f'<label for="filter-{facet}"' in form
    assert 'id="filter-clear"' in form
    assert 'role="status"' in html
    assert '<script src="/assets/directory.js" defer blocking="render"></script>' in html
    assert (site.out / "assets" / "directory.js").is_file()


def test_without_javascript_the_directory_links_every_facet_page(site):
    html = site.page("/therapists/")
    browse = html[html.index('<section class="browse"'):]
    browse = browse[: browse.index("</section>")]
    linked = set(re.findall(r'href="(/therapists/[a-z-]+/[a-z0-9-]+/)"', browse))
    pages = {f"/therapists/{p.parent.parent.name}/{p.parent.name}/"
             for p in site.out.glob("therapists/*/*/index.html") if p.parent.parent.name in FACETS}
    assert linked == pages
    # The form that needs the script is hidden by the stylesheet where scripts never run, and shown from the first
    # paint where they do (not by the script, which would push the cards down once they are on screen).
    assert not re.search(r'<form class="filters"[^>]* hidden>', html)
    assert "@media (scripting: none) { .filters { display: none; } }" in (site.out / "assets/site.css").read_text()


def test_facet_value_slugs_are_lowercase_ascii_words_joined_by_dashes(make_site, run, tmp_path):
    source = make_site({"therapists/ana-lima.yaml": """
        name: Ana Lima
        specialties: [Men's Issues, Grief and Loss]
        populations: [LGBTQ+]
        languages: [Français]
        insurance: [Blue Cross Blue Shield]
        locations: [{city: Austin, state: TX}]
        """})
    assert run("build", "--source", source, "--output", tmp_path / "out").code == 0
    for url in ("specialty/mens-issues", "specialty/grief-and-loss", "population/lgbtq", "language/francais",
                "insurance/blue-cross-blue-shield", "state/tx"):
        page = tmp_path / "out" / "therapists" / url / "index.html"
        assert 'data-slug="ana-lima"' in page.read_text(), url
    assert "Therapists seeing clients in Texas" in (tmp_path / "out/therapists/state/tx/index.html").read_text()


def test_every_topic_page_lists_the_therapists_whose_specialties_include_it(site):
    specialists = expected_facets(site.profiles)["specialty"]
    for topic, members in specialists.items():
        listed = cards(site.page(f"/topics/{topic}/"))
        assert listed == [slug for slug in directory_order(site.profiles) if slug in members], topic


def test_a_specialty_that_no_article_is_about_still_gets_a_topic_page(site):
    topic = slugify(NO_ARTICLE_SPECIALTY)
    assert all(NO_ARTICLE_SPECIALTY not in a["topics"] for a in site.articles.values())
    html = site.page(f"/topics/{topic}/")
    assert f"<h1>{NO_ARTICLE_SPECIALTY}</h1>" in html
    assert set(cards(html)) == expected_facets(site.profiles)["specialty"][topic]


def test_bylines_link_to_profiles_and_profiles_list_every_article_of_theirs(site):
    written: dict[str, set[str]] = defaultdict(set)
    for slug, front in site.articles.items():
        authors = front.get("author", [])
        for author in [authors] if isinstance(authors, str) else authors:
            written[author].add(slug)
            assert f'href="/therapists/{author}/"' in site.page(f"/articles/{slug}/")
    assert len(written) > 10
    for author in site.profiles:
        html = site.page(f"/therapists/{author}/")
        section = html[html.index('class="profile-articles"'):] if written[author] else ""
        assert set(re.findall(r'href="/articles/([^/"]+)/"', section)) == written[author], author


def test_a_profile_links_its_specialties_to_their_topics_and_its_languages_to_facet_pages(site):
    slug, profile = next(iter(sorted(site.profiles.items())))
    html = site.page(f"/therapists/{slug}/")
    for name in profile["specialties"]:
        assert f'<a href="/topics/{slugify(name)}/">{name.replace(chr(39), "&#39;")}</a>' in html
    for name in profile["languages"]:
        assert f'href="/therapists/language/{slugify(name)}/"' in html


def test_facet_pages_are_in_the_sitemap(site):
    sitemap = (site.out / "sitemap.xml").read_text()
    assert "<loc>https://generated.example.org/therapists/language/spanish/</loc>" in sitemap
    assert "<loc>https://generated.example.org/therapists/accepting/yes/</loc>" in sitemap


def test_the_photo_is_published_in_the_profiles_folder_and_shown_with_its_alt_text(site):
    slug, profile = next((s, p) for s, p in sorted(site.profiles.items()) if p.get("photo"))
    html = site.page(f"/therapists/{slug}/")
    # A 2 x 2 photo is never enlarged: one size, in WebP and in JPEG (tests/test_photos.py covers the sizes).
    assert f'src="/therapists/{slug}/photo.jpg"' in html and f'alt="{profile["photo_alt"]}"' in html
    assert (site.out / "therapists" / slug / "photo.jpg").read_bytes().startswith(b"\xff\xd8")
    assert (site.out / "therapists" / slug / "photo.webp").read_bytes()[8:12] == b"WEBP"
    assert person(html)["image"] == f"https://generated.example.org/therapists/{slug}/photo.jpg"


def test_generate_site_writes_the_same_bytes_for_the_same_seed(tmp_path):
    def files(root):
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
    first = files(generate_site(tmp_path / "a", therapists=12, articles=20, seed=7))
    assert first == files(generate_site(tmp_path / "b", therapists=12, articles=20, seed=7))
    assert first != files(generate_site(tmp_path / "c", therapists=12, articles=20, seed=8))
    assert sum(name.endswith(".yaml") for name in first) == 12 + 1
    assert sum(name.endswith(".md") for name in first) == 20
