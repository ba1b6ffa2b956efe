"""The route table: every kind of output the site has, declared once.

Each route names its address pattern, and for pages the template, the items it is made for, their context and
its pagination. Everything else derives from this table: the models' ``url`` properties and ``url_for`` in
templates, the output paths (``/x/`` is written as ``x/index.html``), the plan of pages (render.plan), the
sitemap, the addresses sources may not claim (site.py), and the feed addresses.

Adding a page kind is one entry here and its template in ``layouts/`` (see docs/developing.md). Routes whose
output is made by code (feeds, photos, the directory's JSON, assets) have no template: their module makes them
at the address ``url_for`` gives, and the table still claims the address.

This module imports nothing of ours (the models use it): items and context are read from the site by name.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable
from urllib.parse import unquote

FIELD = re.compile(r"\{(\w+)\}")


def _one(site) -> Iterable:
    return (None,)


def _no_context(site, item) -> dict:
    return {}


@dataclass(frozen=True, slots=True)
class Route:
    name: str
    pattern: str  #: the address, with ``{field}`` filled from the item: "/articles/{slug}/"
    template: str = ""  #: the layout that renders it; "" when code makes the output (feeds, photos, assets)
    items: Callable[[Any], Iterable] = _one  #: one page per item (default: one page, item None)
    fields: Callable[[Any], dict] = lambda item: {}  #: the pattern's fields for one item
    context: Callable[[Any, Any], dict] = _no_context  #: the template's variables for (site, item)
    paginate: Callable[[Any], tuple] | None = None  #: the items listed across numbered pages: /page/N/
    sitemap: bool = True  #: listed in /sitemap.xml
    lastmod: Callable[[Any, Any], Any] = lambda site, item: None  #: the sitemap's <lastmod> for an item
    canonical: Callable[[Any], str] | None = None  #: the address a page names as its own, when not its own

    def url(self, **fields) -> str:
        return self.pattern.format(**fields)

    @property
    def prefix(self) -> str:
        """The fixed part of the address before the first field: "/articles/" for "/articles/{slug}/"."""
        return self.pattern.split("{", 1)[0]


def _newest(site, item):
    return site.updated if site.articles else None


def _topic_modified(site, topic):
    return max((a.modified for a in topic.articles), default=None)


ROUTES: tuple[Route, ...] = (
    Route("home", "/", "home.html", lastmod=_newest,
          context=lambda site, _: {"articles": site.articles[:5],
                                   "therapists": [t for t in site.therapists if t.accepting_new_clients][:6]}),
    Route("articles", "/articles/", "articles.html", paginate=lambda site: site.articles, lastmod=_newest),
    Route("article", "/articles/{slug}/", "article.html", items=lambda site: site.articles,
          fields=lambda a: {"slug": a.slug}, context=lambda site, a: {"article": a},
          lastmod=lambda site, a: a.modified),
    Route("topics", "/topics/", "topics.html", lastmod=_newest),
    Route("topic", "/topics/{slug}/", "topic.html", items=lambda site: site.topics,
          fields=lambda t: {"slug": t.slug}, context=lambda site, t: {"topic": t}, lastmod=_topic_modified),
    Route("topic_feed", "/topics/{slug}/feed.xml", sitemap=False),
    Route("therapists", "/therapists/", "therapists.html"),
    Route("therapist", "/therapists/{slug}/", "therapist.html", items=lambda site: site.therapists,
          fields=lambda t: {"slug": t.slug},
          context=lambda site, t: {"therapist": t, "articles": site.written_by.get(t.slug, ())}),
    Route("therapist_feed", "/therapists/{slug}/feed.xml", sitemap=False),
    Route("therapist_photo", "/therapists/{slug}/{name}", sitemap=False),
    Route("therapist_index", "/therapists/index.json", sitemap=False),
    # A facet nobody lists (no insurance taken at all) gets no page and no form control.
    Route("facet", "/therapists/{facet}/", "facet.html", items=lambda site: [f for f in site.facets if f.values],
          fields=lambda f: {"facet": f.name}, context=lambda site, f: {"facet": f}),
    Route("facet_value", "/therapists/{facet}/{value}/", "facet_value.html",
          items=lambda site: [(f, v) for f in site.facets for v in f.values],
          fields=lambda fv: {"facet": fv[0].name, "value": fv[1].slug},
          context=lambda site, fv: {"facet": fv[0], "value": fv[1]}),
    Route("author", "/authors/{slug}/", "author.html", items=lambda site: site.guest_authors,
          fields=lambda g: {"slug": g.slug},
          context=lambda site, g: {"author": g, "articles": site.written_by.get(g.slug, ())}),
    Route("page", "/{slug}/", "page.html", items=lambda site: site.pages, fields=lambda p: {"slug": p.slug},
          context=lambda site, p: {"page": p}),
    # An article's old address: a page that sends the browser on; it names the article as its canonical address.
    Route("redirect", "{address}", "redirect.html", sitemap=False,
          items=lambda site: [(alias, a) for a in site.articles for alias in a.aliases],
          fields=lambda item: {"address": alias_address(item[0])}, context=lambda site, item: {"article": item[1]},
          canonical=lambda item: item[1].url),
    Route("redirects", "/_redirects", sitemap=False),  # the same aliases for Netlify and Cloudflare Pages
    # Feeds only where there are articles: no empty topic or therapist feed is offered.
    Route("subscribe", "/subscribe/", "subscribe.html",
          context=lambda site, _: {"topics": [t for t in site.topics if t.articles],
                                   "writers": [(t, len(site.written_by[t.slug])) for t in site.therapists
                                               if t.slug in site.written_by]}),
    Route("search", "/search/", "search.html", sitemap=False),  # noindex: results are no page of their own
    Route("not_found", "/404.html", "404.html", sitemap=False),
    # The browser editor (editor.py), when site.yaml sets one up: never in the sitemap or the search index.
    Route("admin", "/admin/", "admin.html", sitemap=False, items=lambda site: (None,) if site.config.editor else ()),
    Route("admin_file", "/admin/{name}", sitemap=False),
    Route("rss", "/feed.xml", sitemap=False),
    Route("atom", "/atom.xml", sitemap=False),
    Route("json_feed", "/feed.json", sitemap=False),
    # The practice's icons (icons.py): from its logo, or its initials.
    Route("favicon", "/favicon.ico", sitemap=False),
    Route("favicon_svg", "/favicon.svg", sitemap=False),
    Route("apple_touch_icon", "/apple-touch-icon.png", sitemap=False),
    Route("manifest", "/site.webmanifest", sitemap=False),
    Route("sitemap", "/sitemap.xml", "sitemap.xml", sitemap=False),
    Route("robots", "/robots.txt", "robots.txt", sitemap=False),
    Route("asset", "/assets/{name}", sitemap=False),
    Route("search_index", "/pagefind/{name}", sitemap=False),
)
BY_NAME = {route.name: route for route in ROUTES}


def url_for(route: str, /, **fields) -> str:
    """The address of a route's page: ``url_for("article", slug="x")`` -> "/articles/x/"."""
    return BY_NAME[route].url(**fields)


def output_path(url: str) -> str:
    """Where an address is written in the output folder: "/x/" -> "x/index.html", "/feed.xml" -> "feed.xml"."""
    url = unquote(url)
    return (url + "index.html" if url.endswith("/") else url).lstrip("/")


PAGE_SUFFIXES = (".html", ".htm")  # an alias ending so is a file; any other address becomes a folder's index.html


def alias_address(alias: str) -> str:
    """The address an alias occupies once published: "/old" is served as "/old/" from old/index.html."""
    if alias.endswith("/") or alias.lower().endswith(PAGE_SUFFIXES):
        return alias
    return alias + "/"


def numbered(url: str, number: int) -> str:
    """The address of page ``number`` of a paginated list at ``url``: the first is the list itself."""
    return url if number == 1 else f"{url}page/{number}/"


@dataclass(frozen=True, slots=True)
class Planned:
    """One page of the site, as the route table describes it."""

    route: Route
    url: str  #: where it is published
    context: dict
    item: Any = None
    canonical: str = ""  #: the address it names as its own: its own, but for a redirect


def pages(site) -> Iterable[Planned]:
    """Every page a template renders, route by route in table order."""
    for route in ROUTES:
        if not route.template:
            continue
        for item in route.items(site):
            url = route.url(**route.fields(item))
            context = route.context(site, item)
            if route.paginate is None:
                yield Planned(route, url, context, item, route.canonical(item) if route.canonical else url)
                continue
            listed = route.paginate(site)
            per_page = site.config.articles_per_page
            count = max(1, math.ceil(len(listed) / per_page))
            for number in range(1, count + 1):
                chunk = listed[(number - 1) * per_page: number * per_page]
                page = numbered(url, number)
                yield Planned(route, page, {**context, "articles": chunk, "number": number, "pages": count}, item,
                              page)


def sitemap(site) -> list[tuple[str, Any]]:
    """(address, last modified or None) of every page listed in /sitemap.xml, in table order."""
    return [(page.url, page.route.lastmod(site, page.item)) for page in pages(site) if page.route.sitemap]


def reserved(url: str) -> str | None:
    """The address the site keeps for itself that ``url`` falls on, or None: a page or file it writes ("/feed.xml",
    "/subscribe/"), or a folder of its own ("/articles/", "/assets/") for anything under it."""
    for route in ROUTES:
        if route.prefix in ("", "/"):
            continue  # a standalone page, or an alias: addresses sources choose, checked as collisions
        fixed = "{" not in route.pattern
        if url == route.pattern if fixed else (url == route.prefix or url.startswith(route.prefix)):
            return route.pattern if fixed else route.prefix
    return None
