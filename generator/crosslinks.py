"""Cross-links between articles (part of assembling the site): published articles -> related, older and newer.

Input: the published articles, newest first. Output: by article slug, up to ``RELATED`` articles that share the
most topics with it (ties: newest first, then slug), and its neighbours in publication order. The order is total,
so two builds of the same sources always link the same articles.

Articles are grouped by their set of topics, and the ranking is made once per set: a site has far fewer distinct
topic sets than articles, so 10,000 articles take a fraction of a second, not (articles x articles) comparisons.
"""
from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

from .models import Article

RELATED = 3


def related(articles: tuple[Article, ...]) -> Mapping[str, tuple[Article, ...]]:
    """Map every article's slug to up to three others sharing topics with it: most shared first, then newest."""
    groups: dict[frozenset[str], list[Article]] = {}
    for article in articles:  # newest first, so each group is too
        if article.topics:
            groups.setdefault(frozenset(article.topics), []).append(article)
    by_topic: dict[str, list[frozenset[str]]] = {}
    for key in groups:
        for topic in key:
            by_topic.setdefault(topic, []).append(key)
    ranked: dict[frozenset[str], list[Article]] = {}
    found: dict[str, tuple[Article, ...]] = {}
    order = sorted(articles, key=lambda a: (-a.date.timestamp(), a.slug))  # newest first, then slug
    position = {article.slug: number for number, article in enumerate(order)}
    for article in articles:
        mine = frozenset(article.topics)
        if mine not in ranked:  # articles with the same topics have the same relatives (but themselves)
            ranked[mine] = _ranking(mine, groups, by_topic, position)
        found[article.slug] = tuple(other for other in ranked[mine] if other.slug != article.slug)[:RELATED]
    return MappingProxyType(found)


def _ranking(mine: frozenset[str], groups: Mapping[frozenset[str], list[Article]],
             by_topic: Mapping[str, list[frozenset[str]]], position: Mapping[str, int]) -> list[Article]:
    """The first RELATED + 1 articles for these topics (one of them may be the article asking); ``position``: each
    article's place in the order newest first, then slug."""
    shared: dict[frozenset[str], int] = {}
    for topic in mine:
        for key in by_topic.get(topic, ()):
            shared[key] = shared.get(key, 0) + 1
    levels: dict[int, list[Article]] = {}
    for key, count in shared.items():
        # Within a group all share as many topics and are newest first: only its first few can be chosen.
        levels.setdefault(count, []).extend(groups[key][:RELATED + 1])
    chosen: list[Article] = []
    for level in sorted(levels, reverse=True):
        pool = sorted(levels[level], key=lambda other: position[other.slug])
        chosen += pool[:RELATED + 1 - len(chosen)]
        if len(chosen) > RELATED:
            break
    return chosen


def neighbours(articles: tuple[Article, ...]) -> tuple[Mapping[str, Article], Mapping[str, Article]]:
    """Return (older, newer): by slug, the article published just before and just after each one."""
    older = {a.slug: b for a, b in zip(articles, articles[1:])}
    newer = {b.slug: a for a, b in zip(articles, articles[1:])}
    return MappingProxyType(older), MappingProxyType(newer)
