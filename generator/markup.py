"""Markup stage: Markdown bodies -> sanitized HTML, and the link rewriting feeds need.

Raw HTML in Markdown is cleaned through an nh3 allow-list unless site.yaml says ``unsafe_html: true``: content
is typed by many people and pasted from elsewhere, so it must never become script on a client's screen.
"""
from __future__ import annotations

import re
from dataclasses import replace
from html import unescape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import markdown
import nh3

from .files import digest
from .models import Config, Models
from .pool import ordered_map

EXTENSIONS = ["abbr", "attr_list", "def_list", "fenced_code", "footnotes", "md_in_html", "tables", "toc",
              "sane_lists"]
TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details", "dfn", "div", "dl",
    "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
    "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
}
ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading"},
    "ol": {"start", "reversed", "type"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "time": {"datetime"},
    "blockquote": {"cite"},
    "q": {"cite"},
}
SCHEMES = {"http", "https", "mailto", "tel"}
ALIGN_STYLE = re.compile(r' style="text-align: (left|right|center);"')
URL_ATTR = re.compile(r'\b(href|src)="([^"]*)"')
ROOTED = re.compile(r'\b(href|src)="/(?!/)')
TAG = re.compile(r"<[^>]+>")

_converter = markdown.Markdown(extensions=EXTENSIONS, output_format="html")
# Everything that changes the HTML of a text: part of each cached conversion's key.
SETTINGS = digest(markdown.__version__, nh3.__version__, Path(__file__).read_bytes())


def to_html(text: str, unsafe: bool = False) -> str:
    """Convert one Markdown document to HTML, sanitized unless ``unsafe``."""
    html = _converter.reset().convert(text)
    # Table alignment comes as inline style, which the Content-Security-Policy blocks: use classes instead.
    html = ALIGN_STYLE.sub(r' class="align-\1"', html)
    return html if unsafe else nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES,
                                               link_rel=None)


def count_words(html: str) -> int:
    return len(TAG.sub(" ", html).split())


def excerpt(html: str, words: int = 50) -> str:
    """Return the first ``words`` words of the text, for places that need a summary the author did not write."""
    parts = unescape(TAG.sub(" ", html)).split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def convert(models: Models, config: Config, cache: dict | None = None) -> tuple[Models, dict]:
    """Return the models with every Markdown body converted to HTML, and the cache entries this site uses.

    ``cache`` maps a digest of (settings, text) to (html, words) from an earlier build; only texts missing from
    it are converted, on all cores.
    """
    cache = {} if cache is None else cache
    unsafe = config.unsafe_html
    texts = [a.body for a in models.articles] + [p.body for p in models.pages] + [n.body for n in models.notes]
    texts += [t.bio for t in models.therapists] + [g.bio for g in models.authors]
    keys = [digest(SETTINGS, str(unsafe), text) for text in texts]
    missing = list(dict.fromkeys(key for key in keys if key not in cache))
    by_key = dict(zip(keys, texts))
    converted = ordered_map(_convert_one, [(by_key[key], unsafe) for key in missing])
    used = {key: cache[key] for key in keys if key in cache}
    used.update(zip(missing, converted))
    relink = _relinker(config)
    results = iter([(relink(used[key][0]), used[key][1]) for key in keys])
    articles = tuple(replace(a, html=html, words=words) for a, (html, words) in zip(models.articles, results))
    pages = tuple(replace(p, html=html) for p, (html, _) in zip(models.pages, results))
    notes = tuple(replace(n, html=html) for n, (html, _) in zip(models.notes, results))
    therapists = tuple(replace(t, bio_html=html) for t, (html, _) in zip(models.therapists, results))
    authors = tuple(replace(g, bio_html=html) for g, (html, _) in zip(models.authors, results))
    return replace(models, articles=articles, pages=pages, notes=notes, therapists=therapists,
                   authors=authors), used


def convert_one(text: str, config: Config) -> tuple[str, int]:
    """One Markdown text -> (HTML as convert makes it, its word count), without the cache or the pool."""
    html, words = _convert_one((text, config.unsafe_html))
    return _relinker(config)(html), words


def _relinker(config: Config):
    """Links written from the site root ('/about/') must follow the site when it lives under a path."""
    prefix = urlsplit(config.base_url).path
    return (lambda html: ROOTED.sub(lambda m: f'{m.group(1)}="{prefix}', html)) if prefix != "/" else str


def _convert_one(item: tuple[str, bool]) -> tuple[str, int]:
    html = to_html(*item)
    return html, count_words(html)


def absolute_links(html: str, page_url: str) -> str:
    """Make every href and src absolute against the page's absolute URL, as feed readers require."""
    return URL_ATTR.sub(lambda m: f'{m.group(1)}="{urljoin(page_url, m.group(2))}"', html)
