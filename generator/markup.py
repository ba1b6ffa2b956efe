"""Markup stage: Markdown bodies -> sanitized HTML, and the link rewriting feeds need.

Raw HTML in Markdown is cleaned through an nh3 allow-list unless site.yaml says ``unsafe_html: true``: content
is typed by many people and pasted from elsewhere, so it must never become script on a client's screen.
"""
from __future__ import annotations

import re
from html import unescape
from dataclasses import replace
from urllib.parse import urljoin, urlsplit

import markdown
import nh3

from .models import Config, Models

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


def convert(models: Models, config: Config) -> Models:
    """Return the models with every Markdown body converted to HTML."""
    prefix = urlsplit(config.base_url).path

    def html(text: str) -> str:
        out = to_html(text, config.unsafe_html)
        # Links written from the site root ('/about/') must follow the site when it lives under a path.
        return ROOTED.sub(lambda m: f'{m.group(1)}="{prefix}', out) if prefix != "/" else out

    articles = []
    for article in models.articles:
        body = html(article.body)
        articles.append(replace(article, html=body, words=count_words(body)))
    return replace(
        models,
        articles=tuple(articles),
        pages=tuple(replace(p, html=html(p.body)) for p in models.pages),
        notes=tuple(replace(n, html=html(n.body)) for n in models.notes),
        therapists=tuple(replace(t, bio_html=html(t.bio)) for t in models.therapists),
    )


def absolute_links(html: str, page_url: str) -> str:
    """Make every href and src absolute against the page's absolute URL, as feed readers require."""
    return URL_ATTR.sub(lambda m: f'{m.group(1)}="{urljoin(page_url, m.group(2))}"', html)
