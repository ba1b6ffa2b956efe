"""Feeds stage: the Site -> every feed as bytes: the newsletter (RSS 2.0, Atom, JSON Feed) and one RSS per topic
and per therapist, built with feedgen (JSON Feed: jsonfeed.py).

Subscribers and RSS-to-email services see every change as a new post, so everything here is stable: dates come
from the content (never the clock), entries keep their order, every link is absolute, guid = permalink. An
article's image travels as an enclosure (its largest web size) with its size and type, which is what mail services and readers show; the
images in its body get a width and height no wider than an email's column, since RSS-to-email services paste the
feed's HTML into their emails as it is.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Iterator, Mapping
from urllib.parse import unquote, urljoin, urlsplit

from feedgen.feed import FeedGenerator
from feedgen.ext.dc import DcEntryExtension, DcExtension  # after feedgen.feed, which imports lxml.etree for it
from lxml import etree

from . import jsonfeed, photos
from .markup import absolute_links, email_sized, excerpt
from .models import Article, Site, Therapist, Topic
from .routes import output_path, url_for

LIMIT = 20  # newest articles in a feed; readers keep what they fetched before
RSS, ATOM = "application/rss+xml", "application/atom+xml"
ATOM_NS = "http://www.w3.org/2005/Atom"
BODY_IMAGE = re.compile(r'<img\b[^>]*\bsrc="([^"]+)"')


@dataclass(frozen=True, slots=True)
class Enclosure:
    """An article's image as feeds carry it: absolute URL, size in bytes and media type."""

    url: str
    length: int
    type: str


@dataclass(frozen=True, slots=True)
class Channel:
    """What a feed is about: its title, description, the page it follows and its own address (site URLs)."""

    title: str
    description: str
    link: str
    self_url: str


def newsletter(site: Site, self_url: str) -> Channel:
    config = site.config
    return Channel(config.newsletter_name,
                   config.newsletter_summary, "/", self_url)


def topic_channel(site: Site, topic: Topic) -> Channel:
    config = site.config
    return Channel(f"{config.newsletter_name}: {topic.name}",
                   f"New articles about {topic.name} from {config.practice_name}.",
                   topic.url, topic_feed_url(topic))


def therapist_channel(site: Site, therapist: Therapist) -> Channel:
    config = site.config
    return Channel(f"{config.newsletter_name}: articles by {therapist.display_name}",
                   f"New articles by {therapist.display_name} at {config.practice_name}.",
                   therapist.url, therapist_feed_url(therapist))


def topic_feed_url(topic: Topic) -> str:
    return url_for("topic_feed", slug=topic.slug)


def therapist_feed_url(therapist: Therapist) -> str:
    return url_for("therapist_feed", slug=therapist.slug)


def enclosures(site: Site, pictures: Mapping, cache: Path | None) -> Mapping[str, Enclosure]:
    """Return, by article slug, the enclosure of every article that has an image: its largest web size (as
    photos.py makes it, without metadata), whose length the enclosure must state."""
    found = {}
    for article in site.articles:
        picture = pictures.get(article.url) if article.image else None
        if picture:
            data = photos.make(picture, article.image_url.rsplit("/", 1)[1], cache)
            found[article.slug] = Enclosure(site.config.absolute(article.image_url), len(data), "image/jpeg")
    return found


def body_images(site: Site, source: Path) -> Mapping[str, tuple[tuple[str, int, int], ...]]:
    """Return, by article slug, (absolute URL, width, height) of each image in its body that lives in content/."""
    content = (source / "content").resolve()
    found = {}
    for article in site.articles:
        sizes = []
        page = site.config.absolute(article.url)
        for src in BODY_IMAGE.findall(article.html):
            url = urljoin(page, src)
            if not url.startswith(site.config.base_url):
                continue
            file = (content / unquote(urlsplit(url).path[len(urlsplit(site.config.base_url).path):])).resolve()
            try:
                if file.is_relative_to(content):
                    sizes.append((url, *photos.image_size(file)))
            except (OSError, ValueError):  # not a picture Pillow reads (an SVG): left as it is
                continue
        if sizes:
            found[article.slug] = tuple(sizes)
    return found


def plan(site: Site, source: Path, pictures: Mapping, cache: Path | None) -> Iterator[tuple[str, partial]]:
    """Describe every feed: (output path, how to make it), newsletter first, then topics, then therapists.

    Each maker is handed the articles, enclosures and image sizes it shows: what the cache keys the feed on."""
    images, sizes = enclosures(site, pictures, cache), body_images(site, source)
    newest = site.articles[:LIMIT]
    rss_url, atom_url, json_url = url_for("rss"), url_for("atom"), url_for("json_feed")
    yield output_path(rss_url), partial(rss, site, newest, newsletter(site, rss_url), images, sizes)
    yield output_path(atom_url), partial(atom, site, newest, newsletter(site, atom_url), images, sizes)
    yield output_path(json_url), partial(jsonfeed.feed, site, newest, json_url, images, sizes)
    for topic in site.topics:
        yield (output_path(topic_feed_url(topic)),
               partial(rss, site, topic.articles[:LIMIT], topic_channel(site, topic), images, sizes))
    by_author: dict[str, list[Article]] = {}
    for article in site.articles:
        for slug in article.authors:
            by_author.setdefault(slug, []).append(article)
    for therapist in site.therapists:
        theirs = tuple(by_author.get(therapist.slug, ()))[:LIMIT]
        yield (output_path(therapist_feed_url(therapist)),
               partial(rss, site, theirs, therapist_channel(site, therapist), images, sizes))


def _generator(site: Site, articles: tuple[Article, ...], channel: Channel, kind: str,
               images: Mapping[str, Enclosure], sizes: Mapping[str, tuple]) -> FeedGenerator:
    config = site.config
    fg = FeedGenerator()
    # RSS <author> needs an email; dc:creator carries the name alone. What load_extension("dc") does, without its
    # failing import of a module feedgen does not have (feedgen.ext.dc_entry) for each of the 220 feeds: 10 % of them.
    fg.register_extension("dc", DcExtension, DcEntryExtension)
    fg.id(config.absolute(channel.link))
    fg.title(channel.title)
    fg.subtitle(channel.description)
    fg.language(config.language)
    # feedgen takes the RSS channel <link> from the last link added: add rel=self first, the page last.
    fg.link(href=config.absolute(channel.self_url), rel="self", type=kind)
    fg.link(href=config.absolute(channel.link), rel="alternate")
    fg.generator("therapist-site", uri=None)
    # The practice's icon (icons.py), so reader apps show it instead of a generic tile: RSS <image>, which
    # feedgen also writes as Atom's <logo>, and Atom's small square <icon>.
    fg.image(url=config.absolute("/assets/icon-144.png"), title=channel.title, link=config.absolute(channel.link),
             width="144", height="144")
    fg.icon(config.absolute("/assets/icon-192.png"))
    # A feed with no article yet (a new topic, a therapist who has not written) dates from the site's newest one.
    updated = max(a.modified for a in articles) if articles else site.updated  # site.updated reads every article
    fg.updated(updated)
    fg.lastBuildDate(updated)
    fg.pubDate(max((a.date for a in articles), default=updated))
    for article in articles:
        _entry(fg.add_entry(order="append"), site, article, images.get(article.slug), kind, sizes.get(article.slug, ()))
    return fg


def _entry(entry, site: Site, article: Article, image: Enclosure | None, kind: str, sizes: tuple = ()) -> None:
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
    entry.content(full_html(article.html, link, sizes), type="html")
    if image and kind == RSS:  # Atom's enclosure links are added by _atom_enclosures: feedgen drops their rel
        entry.enclosure(image.url, str(image.length), image.type)
    for slug in article.authors:
        author = site.author_index[slug]  # a therapist or a guest author
        if site.profile(slug):
            entry.author(name=author.name, uri=config.absolute(author.url))
        else:  # no profile page to point to (not listed, or no longer with the practice)
            entry.author(name=author.name)
        entry.dc.dc_creator(author.name)
    for slug in article.topics:
        topic = site.topic_index[slug]
        entry.category(term=topic.name, label=topic.name, scheme=config.absolute(topic.url))


@lru_cache(maxsize=256)
def full_html(html: str, link: str, sizes: tuple = ()) -> str:
    """The article's HTML with absolute links and images sized for email (``sizes``: body_images of the article);
    remembered, as one article appears in several feeds."""
    return email_sized(absolute_links(html, link), sizes)


def rss(site: Site, articles: tuple[Article, ...] | None = None, channel: Channel | None = None,
        images: Mapping[str, Enclosure] | None = None, sizes: Mapping[str, tuple] | None = None) -> bytes:
    """Return an RSS 2.0 feed of ``articles`` (default: the newest of the site), full text in content:encoded."""
    chosen = (site.articles if articles is None else articles)[:LIMIT]
    return _generator(site, chosen, channel or newsletter(site, url_for("rss")), RSS, images or {},
                      sizes or {}).rss_str(pretty=True)


def atom(site: Site, articles: tuple[Article, ...] | None = None, channel: Channel | None = None,
         images: Mapping[str, Enclosure] | None = None, sizes: Mapping[str, tuple] | None = None) -> bytes:
    """Return the Atom feed of ``articles`` (default: the newest of the site)."""
    chosen = (site.articles if articles is None else articles)[:LIMIT]
    xml = _generator(site, chosen, channel or newsletter(site, url_for("atom")), ATOM, images or {},
                     sizes or {}).atom_str(pretty=True)
    wanted = {site.config.absolute(a.url): images[a.slug] for a in chosen if images and a.slug in images}
    return _atom_enclosures(xml, wanted) if wanted else xml


def _atom_enclosures(xml: bytes, images: Mapping[str, Enclosure]) -> bytes:
    """Add <link rel="enclosure"> to the entries whose id is in ``images`` (feedgen 1.0 writes entry links without
    their rel, which would turn an image into a second link to the article)."""
    root = etree.fromstring(xml)
    for entry in root.iter(f"{{{ATOM_NS}}}entry"):
        image = images.get(entry.findtext(f"{{{ATOM_NS}}}id", ""))
        if image:
            link = entry.find(f"{{{ATOM_NS}}}link")
            enclosure = etree.Element(f"{{{ATOM_NS}}}link", href=image.url, rel="enclosure", type=image.type,
                                      length=str(image.length))
            enclosure.tail = link.tail
            link.addnext(enclosure)
    return etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8")
