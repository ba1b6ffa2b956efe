"""Feeds for every interest: the newsletter in RSS, Atom and JSON Feed, one RSS per topic and per therapist; each
valid for readers (feedparser without bozo, the W3C validator's rules that matter: absolute URLs, unique guids,
RFC 822 dates), found from every page, listed on /subscribe/, and stable between builds.
"""
from __future__ import annotations

import email.utils
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest

import followed
from followed import BASE, UNPUBLISHED

RFC_822 = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} "
                     r"\d{2}:\d{2}:\d{2} [+-]\d{4}$")
TOPICS = ("anxiety", "couples", "grief-and-loss", "trauma")
THERAPISTS = ("ana-lima", "ben-okafor", "cara-nguyen")


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return followed.build(followed.make(tmp_path_factory))


def xml_feeds(out: Path) -> list[str]:
    return ["feed.xml", "atom.xml", *(f"topics/{t}/feed.xml" for t in TOPICS),
            *(f"therapists/{t}/feed.xml" for t in THERAPISTS)]


def entries(out: Path, name: str) -> list:
    return feedparser.parse((out / name).read_bytes()).entries


def test_every_topic_and_every_therapist_has_an_rss_feed_and_nothing_else_claims_one(out):
    found = sorted(p.relative_to(out).as_posix() for p in out.rglob("feed.*"))
    assert found == sorted(["feed.json", *(n for n in xml_feeds(out) if n != "atom.xml")])


@pytest.mark.parametrize("name", ["feed.xml", "atom.xml", *(f"topics/{t}/feed.xml" for t in TOPICS),
                                  *(f"therapists/{t}/feed.xml" for t in THERAPISTS)])
def test_every_xml_feed_parses_in_feedparser_without_bozo(out, name):
    parsed = feedparser.parse((out / name).read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title.startswith("Follow Notes")
    assert parsed.version in ("rss20", "atom10")


def test_the_json_feed_has_what_the_json_feed_1_1_specification_requires(out):
    # feedparser 6 reads no JSON Feed, so the specification's rules are checked one by one.
    data = json.loads((out / "feed.json").read_bytes().decode("utf-8"))
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(data["title"], str) and data["title"] == "Follow Notes"
    assert isinstance(data["items"], list) and data["items"]
    for item in data["items"]:
        assert isinstance(item["id"], str) and item["id"]
        assert item.get("content_html") or item.get("content_text")
        for key in ("date_published", "date_modified"):
            if key in item:
                assert re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}([+-]\d{2}:\d{2}|Z)$", item[key]), item[key]
        assert "author" not in item, "1.1 has authors (a list), not author"
        for author in item.get("authors", []):
            assert set(author) <= {"name", "url", "avatar"}
    assert len({item["id"] for item in data["items"]}) == len(data["items"])


def test_a_topic_feed_lists_exactly_the_topics_published_articles_newest_first(out):
    assert [e.title for e in entries(out, "topics/grief-and-loss/feed.xml")] == [
        "Trauma and Trust", "After a Loss", "On Grief"]
    feed = feedparser.parse((out / "topics/grief-and-loss/feed.xml").read_bytes()).feed
    assert feed.title == "Follow Notes: Grief and Loss"
    assert feed.link == BASE + "topics/grief-and-loss/"
    assert [link.href for link in feed.links if link.rel == "self"] == [BASE + "topics/grief-and-loss/feed.xml"]


def test_a_therapist_feed_lists_exactly_their_articles_and_one_with_none_is_valid_and_empty(out):
    assert [e.title for e in entries(out, "therapists/ben-okafor/feed.xml")] == ["Trauma and Trust", "After a Loss"]
    assert [e.title for e in entries(out, "therapists/ana-lima/feed.xml")] == [
        "Trauma and Trust", "Calm Breathing", "On Grief"]
    empty = feedparser.parse((out / "therapists/cara-nguyen/feed.xml").read_bytes())
    assert not empty.bozo and empty.entries == []
    assert empty.feed.title == "Follow Notes: articles by Cara Nguyen"
    assert empty.feed.link == BASE + "therapists/cara-nguyen/"


@pytest.mark.parametrize("name", ["feed.xml", "atom.xml", *(f"topics/{t}/feed.xml" for t in TOPICS),
                                  *(f"therapists/{t}/feed.xml" for t in THERAPISTS)])
def test_every_url_in_a_feed_is_absolute(out, name):
    text = (out / name).read_text(encoding="utf-8")
    urls = re.findall(r'(?:href|src|url)="([^"]*)"', text)
    urls += [u for u in re.findall(r"<(?:link|guid|id)\b[^>]*>([^<]+)<", text) if u.strip()]
    # the full content is escaped inside the XML: its links are there as href=&quot;...&quot;
    urls += re.findall(r'(?:href|src)=&quot;(.*?)&quot;', text)
    assert urls, "expected some links"
    assert [u for u in urls if not u.startswith(BASE)] == []


def test_json_feed_urls_are_absolute_too(out):
    data = json.loads((out / "feed.json").read_text())
    urls = [data["home_page_url"], data["feed_url"]]
    for item in data["items"]:
        urls += [item["id"], item["url"], *(a["url"] for a in item.get("authors", ())), item.get("image", BASE)]
        urls += re.findall(r'(?:href|src)="([^"]*)"', item["content_html"])
    assert [u for u in urls if not u.startswith(BASE)] == []


@pytest.mark.parametrize("name", ["feed.xml", "atom.xml", *(f"topics/{t}/feed.xml" for t in TOPICS),
                                  *(f"therapists/{t}/feed.xml" for t in THERAPISTS)])
def test_guids_are_unique_permalinks_within_every_feed(out, name):
    ids = [e.id for e in entries(out, name)]
    assert len(ids) == len(set(ids))
    assert all(i.startswith(BASE + "articles/") and i.endswith("/") for i in ids)


@pytest.mark.parametrize("name", ["feed.xml", *(f"topics/{t}/feed.xml" for t in TOPICS),
                                  *(f"therapists/{t}/feed.xml" for t in THERAPISTS)])
def test_rss_dates_are_rfc_822(out, name):
    dates = re.findall(r"<(pubDate|lastBuildDate)>([^<]*)<", (out / name).read_text())
    assert dates
    for tag, value in dates:
        assert RFC_822.match(value), (tag, value)
        assert email.utils.parsedate_to_datetime(value).tzinfo is not None


def test_an_articles_image_is_an_enclosure_with_its_length_and_type(out, tmp_path):
    size = (out / "articles/on-grief/image.jpg").stat().st_size  # its largest web size, without metadata
    rss = (out / "feed.xml").read_text()
    assert f'<enclosure url="{BASE}articles/on-grief/image.jpg" length="{size}" type="image/jpeg"/>' in rss
    assert rss.count("<enclosure") == 1  # only the article that has an image
    for name in ("feed.xml", "atom.xml", "topics/anxiety/feed.xml", "therapists/ana-lima/feed.xml"):
        grief = next(e for e in entries(out, name) if e.title == "On Grief")
        assert [(e.href, int(e.length), e.type) for e in grief.enclosures] == [
            (BASE + "articles/on-grief/image.jpg", size, "image/jpeg")]
    item = next(i for i in json.loads((out / "feed.json").read_text())["items"] if i["title"] == "On Grief")
    assert item["image"] == BASE + "articles/on-grief/image.jpg"


def test_each_item_has_its_topics_as_categories_and_its_authors(out):
    item = next(e for e in entries(out, "topics/trauma/feed.xml") if e.title == "Trauma and Trust")
    assert [t.term for t in item.tags] == ["Trauma", "Grief and Loss"]
    assert [a.name for a in item.authors] == ["Ana Lima", "Ben Okafor"]


def test_json_feed_is_version_1_1_with_full_items(out):
    data = json.loads((out / "feed.json").read_text())
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["feed_url"] == BASE + "feed.json" and data["home_page_url"] == BASE
    assert [i["title"] for i in data["items"]] == ["Trauma and Trust", "After a Loss", "Calm Breathing", "On Grief"]
    grief = data["items"][-1]
    assert grief["id"] == grief["url"] == BASE + "articles/on-grief/"
    assert f'<a href="{BASE}articles/calm-breathing/">calm breathing</a>' in grief["content_html"]
    assert grief["date_published"] == "2026-06-01T09:00:00-04:00"
    assert grief["date_modified"] == "2026-07-01T10:00:00-04:00"
    assert grief["authors"] == [{"name": "Ana Lima", "url": BASE + "therapists/ana-lima/"}]
    assert grief["tags"] == ["Grief and Loss", "Anxiety"]
    assert grief["summary"] == "Grief has no timetable."
    assert "date_modified" not in data["items"][0]


def test_drafts_and_future_articles_are_in_no_feed(out):
    for file in [*(out / n for n in xml_feeds(out)), out / "feed.json"]:
        text = file.read_text()
        for address in UNPUBLISHED:
            assert address not in text, (file, address)
        assert "Quillwort" not in text and "Moonwhistle" not in text


class Head(HTMLParser):
    def __init__(self):
        super().__init__()
        self.alternates: list[tuple[str, str]] = []
        self.scripts: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and a.get("rel") == "alternate":
            self.alternates.append((a.get("type", ""), a.get("href", "")))
        if tag == "script":
            self.scripts.append(a)


def head(html: str) -> Head:
    parser = Head()
    parser.feed(html)
    return parser


def test_every_page_has_feed_autodiscovery_and_its_own_feed_comes_first(out):
    site = [("application/rss+xml", BASE + "feed.xml"), ("application/atom+xml", BASE + "atom.xml"),
            ("application/feed+json", BASE + "feed.json")]
    for url, html in followed.html_pages(out).items():
        found = head(html).alternates
        if url.startswith("/topics/") and url.count("/") == 3:
            assert found == [("application/rss+xml", f"{BASE}{url.lstrip('/')}feed.xml"), *site], url
        elif url.startswith("/therapists/") and url.strip("/").split("/")[-1] in THERAPISTS:
            assert found == [("application/rss+xml", f"{BASE}{url.lstrip('/')}feed.xml"), *site], url
        else:
            assert found == site, url


def test_the_subscribe_page_offers_every_feed_with_articles_with_a_copy_button_and_explains_email(out):
    html = (out / "subscribe/index.html").read_text()
    for name in ("feed.xml", "atom.xml", "feed.json"):
        assert f"<code>{BASE}{name}</code>" in html, name
    copied = ["feed.xml", *(f"topics/{t}/feed.xml" for t in TOPICS if t != "couples"),
              *(f"therapists/{t}/feed.xml" for t in THERAPISTS if t != "cara-nguyen")]
    for name in copied:
        assert f'data-copy="{BASE}{name}"' in html, name
    assert html.count("data-copy=") == len(copied)
    assert "topics/couples/feed.xml" not in html and "therapists/cara-nguyen/feed.xml" not in html, "empty feeds"
    assert "In a feed reader" in html and "RSS-to-email" in html
    scripts = head(html).scripts
    assert {"src": "/assets/copy.js", "defer": None} in scripts
    assert all("src" in s or s.get("type") == "application/ld+json" for s in scripts), "no inline script (CSP)"
    assert (out / "assets/copy.js").is_file()


def test_feeds_are_byte_identical_across_builds_whatever_the_clock_says(tmp_path_factory):
    root = followed.make(tmp_path_factory, "twice")
    first = followed.build(root, "--no-cache", output=root / "a")
    second = followed.build(root, "--no-cache", epoch="1850000000", output=root / "b")  # 2028: still before 2030
    for name in [*xml_feeds(first), "feed.json"]:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
