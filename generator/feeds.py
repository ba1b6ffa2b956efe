"""Feeds stage: the Site -> the newsletter as RSS 2.0 and Atom bytes, built with feedgen.

Subscribers and RSS-to-email services see every change as a new post, so everything here is stable: dates come
from the content (never the clock), entries keep their order, every link is absolute, guid = permalink.
"""
from __future__ import annotations

from feedgen.feed import FeedGenerator

from .markup import absolute_links, excerpt
from .models import Article, Site

LIMIT = 20  # newest articles in a feed; readers keep what they fetched before


def _generator(site: Site, articles: tuple[Article, ...], self_url: str, kind: str) -> FeedGenerator:
    config = site.config
    fg = FeedGenerator()
    fg.load_extension("dc")  # RSS <author> needs an email; dc:creator carries the name alone
    fg.id(config.base_url)
    fg.title(config.newsletter_title or config.title)
    fg.subtitle(config.newsletter_description or config.description or config.title)
    fg.language(config.language)
    # feedgen takes the RSS channel <link> from the last link added: add rel=self first, the site last.
    fg.link(href=config.absolute(self_url), rel="self", type=kind)
    fg.link(href=config.base_url, rel="alternate")
    fg.generator("therapist-site", uri=None)
    updated = max((a.modified for a in articles), default=site.updated)
    fg.updated(updated)
    fg.lastBuildDate(updated)
    fg.pubDate(max((a.date for a in articles), default=updated))
    for article in articles:
        _entry(fg.add_entry(order="append"), site, article)
    return fg


def _entry(entry, site: Site, article: Article) -> None:
    config = site.config
    link = config.absolute(article.url)
    entry.id(link)
    entry.guid(link, permalink=True)
    entry.title(article.title)
    entry.link(href=link, rel="alternate")
    entry.published(article.date)
    entry.updated(article.modified)
    # feedgen writes content:encoded only beside a description, so an article without a summary gets an excerpt.
    entry.description(article.summary or excerpt(article.html))
    entry.content(absolute_links(article.html, link), type="html")
    for slug in article.authors:
        therapist = site.therapist_index[slug]
        entry.author(name=therapist.name, uri=config.absolute(therapist.url))
        entry.dc.dc_creator(therapist.name)
    for slug in article.topics:
        topic = site.topic_index[slug]
        entry.category(term=topic.name, label=topic.name, scheme=config.absolute(topic.url))


def rss(site: Site, articles: tuple[Article, ...] | None = None, self_url: str = "/feed.xml") -> bytes:
    """Return the RSS 2.0 feed of ``articles`` (default: the newest of the site), full text in content:encoded."""
    chosen = site.articles[:LIMIT] if articles is None else articles[:LIMIT]
    return _generator(site, chosen, self_url, "application/rss+xml").rss_str(pretty=True)


def atom(site: Site, articles: tuple[Article, ...] | None = None, self_url: str = "/atom.xml") -> bytes:
    """Return the Atom feed of ``articles`` (default: the newest of the site)."""
    chosen = site.articles[:LIMIT] if articles is None else articles[:LIMIT]
    return _generator(site, chosen, self_url, "application/atom+xml").atom_str(pretty=True)
