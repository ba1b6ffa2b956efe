"""Cross-links between articles (part of assembling the site): published articles -> related, older and newer.

Input: the published articles, newest first. Output: by article slug, up to ``RELATED`` articles that share the
most topics with it (ties: newest first, then slug), and its neighbours in publication order. The order is total,
so two builds of the same sources always link the same articles.

Articles are grouped by their set of topics first: a site has far fewer distinct topic sets than articles, so
choosing the related ones costs about (articles x topic sets), not (articles x articles).
"""
from __future__ import annotations

import heapq
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
    found: dict[str, tuple[Article, ...]] = {}
    for article in articles:
        mine = frozenset(article.topics)
        keys = {key for topic in mine for key in by_topic.get(topic, ())}
        # Within a group every article shares the same number of topics, so its first RELATED + 1 (one may be
        # the article itself) are the only candidates it can offer.
        candidates = (other for key in keys for other in groups[key][:RELATED + 1] if other.slug != article.slug)
        best = heapq.nsmallest(RELATED, candidates,
                               key=lambda other: (-len(mine & frozenset(other.topics)), -other.date.timestamp(),
                                                  other.slug))
        found[article.slug] = tuple(best)
    return MappingProxyType(found)


def neighbours(articles: tuple[Article, ...]) -> tuple[Mapping[str, Article], Mapping[str, Article]]:
    """Return (older, newer): by slug, the article published just before and just after each one."""
    older = {a.slug: b for a, b in zip(articles, articles[1:])}
    newer = {b.slug: a for a, b in zip(articles, articles[1:])}
    return MappingProxyType(older), MappingProxyType(newer)
