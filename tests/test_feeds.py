"""The newsletter feeds: valid, full content with absolute URLs, stable between builds."""
from __future__ import annotations

import re

import feedparser
import pytest
from sitegen import _png

ARTICLES = {
    "content/articles/newer.md": """\
        ---
        title: Newer & Better
        date: 2026-06-02 10:00
        author: ana-lima
        topics: [Grief and Loss]
        ---
        Read [the older one](/articles/older/), [relative](../older/) and see ![a map](map.png).
        """,
    "content/articles/map.png": _png(1),  # a real picture: pictures are published cleaned
    "content/articles/older.md": """\
        ---
        title: Older
        date: 2026-06-01
        summary: The first post.
        ---
        Hello.
        """,
    "content/articles/same-day.md": """\
        ---
        title: Same day, later slug
        date: 2026-06-01
        ---
        Tie.
        """,
    "therapists/ana-lima.yaml": "name: Ana Lima\n",
}


@pytest.fixture
def built(make_site, run, tmp_path):
    source = make_site(ARTICLES)
    result = run("build", "--source", source, "--output", tmp_path / "out")
    assert result.code == 0, result.err
    return tmp_path / "out"


@pytest.mark.parametrize("name", ["feed.xml", "atom.xml"])
def test_feed_parses_without_bozo_and_lists_articles_newest_first_with_slug_tiebreak(built, name):
    feed = feedparser.parse((built / name).read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert [e.title for e in feed.entries] == ["Newer & Better", "Older", "Same day, later slug"]


def test_rss_carries_full_content_with_only_absolute_urls(built):
    feed = feedparser.parse((built / "feed.xml").read_bytes())
    entry = feed.entries[0]
    html = entry.content[0].value
    assert "Read <a href=" in html
    urls = re.findall(r'(?:href|src)="([^"]*)"', html)
    assert urls == ["https://test-practice.org/articles/older/", "https://test-practice.org/articles/older/",
                    "https://test-practice.org/articles/newer/map.png"]
    assert entry.id == entry.link == "https://test-practice.org/articles/newer/"
    assert b"<content:encoded>" in (built / "feed.xml").read_bytes()


def test_rss_channel_links_to_the_site_and_itself(built):
    xml = (built / "feed.xml").read_text()
    assert "<link>https://test-practice.org/</link>" in xml
    assert 'href="https://test-practice.org/feed.xml" rel="self"' in xml


def test_feed_dates_come_from_the_content_and_are_timezone_aware(built):
    xml = (built / "feed.xml").read_text()
    assert "<lastBuildDate>Tue, 02 Jun 2026 10:00:00 +0000</lastBuildDate>" in xml
    assert "<pubDate>Mon, 01 Jun 2026 00:00:00 +0000</pubDate>" in xml
    atom = (built / "atom.xml").read_text()
    assert "<updated>2026-06-02T10:00:00+00:00</updated>" in atom


def test_feed_names_author_and_topic(built):
    entry = feedparser.parse((built / "feed.xml").read_bytes()).entries[0]
    assert entry.author == "Ana Lima"
    assert [t.term for t in entry.tags] == ["Grief and Loss"]


def test_feeds_are_byte_identical_across_builds_and_do_not_depend_on_the_clock(make_site, run, tmp_path,
                                                                                monkeypatch):
    source = make_site(ARTICLES)
    run("build", "--source", source, "--output", tmp_path / "a")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1893000000")  # years later: dates in the feed must not move
    run("build", "--source", source, "--output", tmp_path / "b")
    for name in ("feed.xml", "atom.xml"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_article_without_summary_still_gets_full_content_and_an_excerpt(built):
    entry = feedparser.parse((built / "feed.xml").read_bytes()).entries[2]
    assert entry.summary == "Tie."
    assert entry.content[0].value.strip() == "<p>Tie.</p>"


def test_making_a_feed_looks_for_no_module_it_cannot_find(make_site, monkeypatch):
    """feedgen's load_extension looks for a module it does not have on every feed (0.2 ms each, 220 feeds on a
    site of 200 therapists): the feeds register the Dublin Core extension themselves, and still name the author
    in dc:creator."""
    import builtins

    from generator import feeds
    from generator.build import Options, load_site

    source = make_site(ARTICLES)
    site = load_site(Options(source=source, output=source / "public"))
    missing: list[str] = []
    real = builtins.__import__

    def recording(name, *args, **kwargs):
        try:
            return real(name, *args, **kwargs)
        except ImportError:  # a search of every folder on the path, each time
            missing.append(name)
            raise

    monkeypatch.setattr(builtins, "__import__", recording)
    xml = feeds.rss(site)
    assert missing == []
    assert b"<dc:creator>Ana Lima</dc:creator>" in xml
