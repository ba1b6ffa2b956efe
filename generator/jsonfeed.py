"""JSON Feed 1.1 (part of the feeds stage): the newsletter's articles -> /feed.json bytes.

The same promises as the XML feeds (feeds.py): full content with absolute links, ids that are the permalinks,
dates from the content and never from the clock, keys in a fixed order, so two builds give the same bytes.
Specification: https://www.jsonfeed.org/version/1.1/
"""
from __future__ import annotations

import json
from typing import Mapping

from .markup import absolute_links, email_sized, excerpt
from .models import Article, Site

VERSION = "https://jsonfeed.org/version/1.1"


def feed(site: Site, articles: tuple[Article, ...], self_url: str,
         images: Mapping | None = None, sizes: Mapping | None = None) -> bytes:
    """Return the JSON Feed of ``articles`` (newest first) as UTF-8 bytes; ``images``: feeds.Enclosure by slug;
    ``sizes``: feeds.body_images, to size body images for email."""
    config = site.config
    images = images or {}
    data: dict = {
        "version": VERSION,
        "title": config.newsletter_name,
        "home_page_url": config.base_url,
        "feed_url": config.absolute(self_url),
        "description": config.newsletter_summary,
        "language": config.language,
        "icon": config.absolute("/assets/icon-512.png"),
        "favicon": config.absolute("/assets/icon-144.png"),
        "authors": [{"name": config.practice_name, "url": config.base_url}],
        "items": [],
    }
    for article in articles:
        url = config.absolute(article.url)
        item: dict = {
            "id": url,
            "url": url,
            "title": article.title,
            "content_html": email_sized(absolute_links(article.html, url), (sizes or {}).get(article.slug, ())),
            "summary": article.summary or excerpt(article.html),
            "date_published": article.date.isoformat(),
        }
        if article.updated:
            item["date_modified"] = article.updated.isoformat()
        if article.slug in images:
            item["image"] = images[article.slug].url
        authors = [site.author_index[slug] for slug in article.authors]
        if authors:
            item["authors"] = [{"name": t.name, **({"url": config.absolute(t.url)} if site.profile(t.slug) else {})}
                               for t in authors]
        if article.topics:
            item["tags"] = [site.topic_index[slug].name for slug in article.topics]
        data["items"].append(item)
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()
