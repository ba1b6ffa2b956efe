"""Found by search engines: a sitemap of exactly the published pages, robots.txt pointing at it, canonical URLs,
Open Graph and Twitter card tags, and JSON-LD (the practice on the home page, BlogPosting on articles with authors
linking their profiles, ProfilePage on profiles), all through the serializer that escapes what could close <script>.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest

import followed
from conftest import write_files
from followed import BASE, UNPUBLISHED

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return followed.build(followed.make(tmp_path_factory))


def sitemap(out: Path) -> dict[str, str | None]:
    root = ElementTree.parse(out / "sitemap.xml").getroot()
    return {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for url in root}


def meta(html: str) -> dict[str, str]:
    found = {}
    for tag in re.findall(r"<meta [^>]*>", html):
        key = re.search(r'(?:property|name)="([^"]+)"', tag)
        value = re.search(r'content="([^"]*)"', tag)
        if key and value:
            found.setdefault(key.group(1), value.group(1))
    return found


def json_ld(html: str) -> list[dict]:
    return [json.loads(block) for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html)]


def test_the_sitemap_lists_every_published_page_and_nothing_else(out):
    pages = followed.html_pages(out)
    expected = {BASE + url.lstrip("/") for url, html in pages.items()
                if url != "/404.html" and '<meta name="robots" content="noindex">' not in html}
    assert set(sitemap(out)) == expected
    assert len(sitemap(out)) == len(ElementTree.parse(out / "sitemap.xml").getroot())  # no address twice


def test_the_sitemap_has_paginated_lists_and_facet_pages_but_no_draft_future_search_or_404(out):
    urls = sitemap(out)
    for address in ("articles/", "articles/page/2/", "therapists/language/portuguese/", "therapists/accepting/yes/",
                    "therapists/ana-lima/", "topics/grief-and-loss/", "about/", "subscribe/"):
        assert BASE + address in urls, address
    for address in (*UNPUBLISHED, "/search/", "/404.html", "/articles/page/3/"):
        assert BASE + address.lstrip("/") not in urls, address


def test_sitemap_lastmod_comes_from_the_content(out):
    urls = sitemap(out)
    assert urls[BASE + "articles/on-grief/"] == "2026-07-01T10:00:00-04:00"  # updated, not published
    assert urls[BASE + "articles/calm-breathing/"] == "2026-06-10T09:00:00-04:00"
    assert urls[BASE] == urls[BASE + "articles/"] == "2026-07-05T09:00:00-04:00"
    assert urls[BASE + "topics/anxiety/"] == "2026-07-01T10:00:00-04:00"
    assert urls[BASE + "topics/couples/"] is None and urls[BASE + "therapists/ana-lima/"] is None


def test_robots_txt_points_at_the_sitemap(out):
    assert f"Sitemap: {BASE}sitemap.xml" in (out / "robots.txt").read_text().splitlines()


def test_every_page_names_its_absolute_canonical_address(out):
    for url, html in followed.html_pages(out).items():
        assert re.findall(r'<link rel="canonical" href="([^"]+)">', html) == [BASE + url.lstrip("/")], url


def test_every_page_has_open_graph_and_twitter_card_tags(out):
    for url, html in followed.html_pages(out).items():
        tags = meta(html)
        for key in ("og:title", "og:description", "og:url", "og:type", "twitter:card", "twitter:title",
                    "twitter:description"):
            assert tags.get(key), (url, key)


def test_an_article_with_an_image_shares_it_absolute_with_a_large_card(out):
    tags = meta((out / "articles/on-grief/index.html").read_text())
    assert tags["og:image"] == tags["twitter:image"] == BASE + "articles/on-grief/image.jpg"
    assert tags["og:image:alt"] == tags["twitter:image:alt"] == "A calm lake at dawn"
    assert tags["twitter:card"] == "summary_large_image" and tags["og:type"] == "article"
    assert tags["article:published_time"] == "2026-06-01T09:00:00-04:00"
    plain = meta((out / "articles/calm-breathing/index.html").read_text())
    assert plain["og:image"] == plain["twitter:image"] == BASE + "assets/social.png"  # the site's default
    assert plain["og:image:alt"] == "Follow Practice" and plain["twitter:card"] == "summary"


def test_a_profile_with_a_photo_shares_its_largest_jpeg(out):
    tags = meta((out / "therapists/ana-lima/index.html").read_text())
    assert tags["og:image"] == BASE + "therapists/ana-lima/photo.jpg"
    assert (out / "therapists/ana-lima/photo.jpg").is_file()
    assert tags["og:image:alt"] == "Ana Lima smiling in her office" and tags["og:type"] == "profile"
    assert meta((out / "therapists/ben-okafor/index.html").read_text())["og:image"] == BASE + "assets/social.png"


def test_articles_are_blog_postings_whose_authors_link_their_profiles(out):
    [data] = json_ld((out / "articles/trauma-and-trust/index.html").read_text())
    assert data["@context"] == "https://schema.org" and data["@type"] == "BlogPosting"
    assert data["headline"] == "Trauma and Trust"
    assert data["url"] == data["mainEntityOfPage"] == BASE + "articles/trauma-and-trust/"
    assert data["datePublished"] == "2026-07-05T09:00:00-04:00"
    assert [(a["@type"], a["name"], a["url"]) for a in data["author"]] == [
        ("Person", "Ana Lima", BASE + "therapists/ana-lima/"), ("Person", "Ben Okafor", BASE + "therapists/ben-okafor/")]
    assert data["keywords"] == ["Trauma", "Grief and Loss"]
    assert data["publisher"]["name"] == "Follow Counseling"
    [grief] = json_ld((out / "articles/on-grief/index.html").read_text())
    assert grief["image"]["url"] == BASE + "articles/on-grief/image.jpg" and grief["dateModified"] == "2026-07-01T10:00:00-04:00"


def test_the_authors_person_on_an_article_is_the_same_as_on_the_profile(out):
    [article] = json_ld((out / "articles/calm-breathing/index.html").read_text())
    [profile] = json_ld((out / "therapists/ana-lima/index.html").read_text())
    assert profile["@type"] == "ProfilePage" and profile["mainEntity"]["@type"] == "Person"
    assert article["author"][0]["@id"] == profile["mainEntity"]["@id"] == BASE + "therapists/ana-lima/#person"
    assert profile["mainEntity"]["image"] == BASE + "therapists/ana-lima/photo.jpg"


def test_the_home_page_describes_the_practice_with_its_address_and_telephone(out):
    [data] = json_ld((out / "index.html").read_text())
    business = next(node for node in data["@graph"] if node["@type"] == "MedicalBusiness")
    assert business["name"] == "Follow Counseling" and business["url"] == BASE
    assert business["telephone"] == "+1-212-555-0100" and business["email"] == "hello@follow.example.org"
    assert business["address"] == {"@type": "PostalAddress", "streetAddress": "5 Example Street",
                                   "addressLocality": "New York", "addressRegion": "NY", "postalCode": "10001",
                                   "addressCountry": "US"}
    website = next(node for node in data["@graph"] if node["@type"] == "WebSite")
    assert website["potentialAction"]["target"] == BASE + "search/?q={search_term_string}"


def test_an_address_of_another_shape_is_kept_as_written(make_site, run, tmp_path):
    source = make_site({"site.yaml": "title: T\nbase_url: https://t.example.org/\n"
                                     "practice: {name: T, address: '1 Quay Road, Dublin 2, Ireland'}\n"})
    assert run("build", "--source", source, "--output", tmp_path / "out").code == 0
    [data] = json_ld((tmp_path / "out/index.html").read_text())
    assert data["@graph"][0]["address"] == {"@type": "PostalAddress", "streetAddress": "1 Quay Road, Dublin 2, Ireland"}
    assert "telephone" not in data["@graph"][0]


def test_json_ld_cannot_be_closed_by_a_title(make_site, run, tmp_path):
    source = make_site({
        "content/articles/x.md": "---\ntitle: \"</script><script>alert(1)</script>\"\ndate: 2026-01-01\n---\nHi.\n"})
    assert run("build", "--source", source, "--output", tmp_path / "out").code == 0
    html = (tmp_path / "out/articles/x/index.html").read_text()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block and json.loads(block)["headline"] == "</script><script>alert(1)</script>"


def test_a_page_cannot_take_the_search_bundles_address(make_site, run, tmp_path):
    source = make_site({"content/pages/pagefind.md": "---\ntitle: P\n---\nHi.\n"})
    result = run("build", "--source", source, "--output", tmp_path / "out")
    assert result.code == 1 and "the address /pagefind/ is used by the site itself" in result.err


def test_check_does_not_suggest_a_feed_for_a_mistyped_page(make_site, run):
    source = write_files(make_site(), {"site.yaml": "title: T\nbase_url: https://t.example.org/\n"
                                                    "nav: [{title: Fees, url: /fees/}]\n"})
    result = run("check", "--source", source)
    assert result.code == 1 and "/fees/ leads nowhere" in result.err and "feed" not in result.err
