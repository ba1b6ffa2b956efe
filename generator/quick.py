"""Quick preview (serve only): an edited article's page, rendered alone from the last good site, at once.

A full rebuild of a site with thousands of articles takes seconds; the person writing wants to see the paragraph
they just saved. So after a save serve first renders again the page of every article whose body changed, in the
last good site's model and layouts, and writes it into the preview; the full rebuild that follows brings lists,
feeds and the search index up to date and reports any problem. Only a body edit is shown this way: a change to
the front matter can move the article in lists or to another address, which only the full rebuild does right.
"""
from __future__ import annotations

import dataclasses
import os
import zoneinfo
from pathlib import Path

import jinja2

from .errors import Collector
from .files import write_atomic
from .load import TEXT_SUFFIXES, Sources, load_document
from .markup import convert_one
from .models import Article, Site
from .render import article_page, article_path
from .validate import document

ARTICLES = Path("content") / "articles"
BODY = frozenset({"body", "html", "words"})  # what a body edit changes; any other field leaves it to the rebuild


def stamps(source: Path) -> dict[str, tuple[int, int]]:
    """(modification time, size) of every article file: what a later quick preview compares against."""
    found: dict[str, tuple[int, int]] = {}
    try:
        with os.scandir(source / ARTICLES) as entries:
            for entry in entries:
                if entry.name.endswith(TEXT_SUFFIXES) and entry.is_file():
                    stat = entry.stat()
                    found[f"{ARTICLES.as_posix()}/{entry.name}"] = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        pass
    return found


def show(site: Site, env: jinja2.Environment, source: Path, output: Path,
         before: dict[str, tuple[int, int]]) -> list[Article]:
    """Write the page of every article whose body alone changed since ``before``; return those articles."""
    by_source = {article.source: article for article in site.articles}
    shown = []
    for rel, stamp in sorted(stamps(source).items()):
        old = by_source.get(rel)
        if old is None or before.get(rel) == stamp:
            continue
        new = _body_edit(site, source, rel, old)
        if new is not None:
            # Replaced whole, never in place: the preview's files are shared as hard links with the cache.
            write_atomic(output / article_path(new), article_page(env, source, new))
            shown.append(new)
    return shown


def _body_edit(site: Site, source: Path, rel: str, old: Article) -> Article | None:
    """The article with its new body, if the file reads and checks cleanly and nothing but the body changed."""
    problems = Collector()
    doc = load_document(source, rel, "article", problems)
    if doc is None or problems.problems:
        return None
    guests = frozenset(a.slug for a in site.guest_authors)
    sources = Sources((), site.files, site.photos, frozenset(site.author_index) - guests, guests)
    model = document(doc, sources, problems, zoneinfo.ZoneInfo(site.config.timezone))
    if model is None or problems.problems:
        return None
    if any(getattr(model, f.name) != getattr(old, f.name) for f in dataclasses.fields(model) if f.name not in BODY):
        return None
    converted = convert_one(model.body, site.config)
    if converted is None:
        return None  # over the Markdown budget: the full rebuild reports it
    html, words = converted
    return dataclasses.replace(old, body=model.body, html=html, words=words)
