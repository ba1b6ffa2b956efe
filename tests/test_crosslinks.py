"""Related articles (most topics shared, then newest, then slug; up to three) and the older and newer neighbours."""
from __future__ import annotations

import random
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import followed
from generator.crosslinks import neighbours, related
from generator.models import Article

START = datetime(2026, 1, 1, tzinfo=timezone.utc)


def article(slug: str, day: int, *topics: str) -> Article:
    return Article(source=f"content/articles/{slug}.md", slug=slug, title=slug.title(), date=START + timedelta(days=day),
                   updated=None, authors=(), topics=topics, topic_names=topics, summary="", draft=False, image="",
                   image_alt="", body="", body_line=1, aliases=())


def newest_first(*articles: Article) -> tuple[Article, ...]:
    return tuple(sorted(articles, key=lambda a: (-a.date.timestamp(), a.slug)))


def slugs(found) -> list[str]:
    return [a.slug for a in found]


def test_more_shared_topics_come_first_then_the_newest_then_the_slug():
    site = newest_first(article("x", 1, "grief", "trauma"), article("both-old", 0, "grief", "trauma"),
                        article("grief-new", 9, "grief"), article("trauma-mid", 5, "trauma"),
                        article("tie-b", 3, "grief"), article("tie-a", 3, "grief"), article("other", 10, "anxiety"))
    found = related(site)
    assert slugs(found["x"]) == ["both-old", "grief-new", "trauma-mid"]
    assert slugs(found["tie-b"]) == ["grief-new", "tie-a", "x"]
    assert slugs(found["trauma-mid"]) == ["x", "both-old"]
    assert slugs(related(newest_first(*site[:-1], article("tie-c", 2, "x-topic", "grief")))["tie-c"])[:3] == [
        "grief-new", "tie-a", "tie-b"]
    assert found["other"] == ()


def test_an_article_is_never_its_own_relative_and_at_most_three_are_given():
    site = newest_first(*(article(f"a{i}", i, "grief") for i in range(10)))
    found = related(site)
    assert all(len(found[a.slug]) == 3 and a.slug not in slugs(found[a.slug]) for a in site)
    assert slugs(found["a9"]) == ["a8", "a7", "a6"]
    assert slugs(found["a0"]) == ["a9", "a8", "a7"]


def test_related_agrees_with_the_plain_definition_on_random_sites():
    rng = random.Random(3)
    topics = ["t1", "t2", "t3", "t4", "t5"]
    for _ in range(30):
        site = newest_first(*(article(f"s{i}", rng.randrange(40), *rng.sample(topics, rng.randint(0, 3)))
                              for i in range(rng.randint(1, 25))))
        found = related(site)
        for a in site:
            plain = sorted((b for b in site if b.slug != a.slug and set(a.topics) & set(b.topics)),
                           key=lambda b: (-len(set(a.topics) & set(b.topics)), -b.date.timestamp(), b.slug))[:3]
            assert slugs(found[a.slug]) == slugs(plain)


def test_neighbours_are_the_articles_published_just_before_and_after():
    site = newest_first(article("c", 3), article("a", 1), article("b", 2))
    older, newer = neighbours(site)
    assert {k: v.slug for k, v in older.items()} == {"c": "b", "b": "a"}
    assert {k: v.slug for k, v in newer.items()} == {"a": "b", "b": "c"}


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return followed.build(followed.make(tmp_path_factory))


def test_an_article_page_links_its_related_articles_and_its_neighbours(out):
    html = (out / "articles/on-grief/index.html").read_text()
    section = html[html.index('<section class="related"'):]
    section = section[: section.index("</section>")]
    assert re.findall(r'<a href="/articles/([^/]+)/">', section) == ["trauma-and-trust", "after-a-loss",
                                                                     "calm-breathing"]
    assert 'rel="next" href="/articles/calm-breathing/"' in html
    assert 'rel="prev"' not in html[html.index('<nav class="pagination article-neighbours"'):]  # the oldest one
    newest = (out / "articles/trauma-and-trust/index.html").read_text()
    assert 'rel="prev" href="/articles/after-a-loss/"' in newest and 'rel="next"' not in newest


def test_drafts_and_future_articles_are_neither_related_nor_neighbours(out):
    for page in (out / "articles").glob("*/index.html"):
        text = page.read_text()
        for address in followed.UNPUBLISHED:
            assert address not in text, page
