"""Site stage: validated models -> the frozen Site: what is published, routes, topics, facets and cross-links.

Routes are checked here: two sources that would write the same address are reported together, both named.
"""
from __future__ import annotations

import re
from urllib.parse import unquote
from datetime import datetime
from types import MappingProxyType

from .aliases import alias_address
from .crosslinks import neighbours, related
from .errors import Collector, Problem
from .facets import build_facets
from .models import Article, Config, Models, Site, Therapist, Topic
from .routes import reserved
from .slugs import slugify

# An old address of a renamed article may sit among the articles, where only the articles' own addresses are taken.
ARTICLE_ALIAS = re.compile(r"/articles/(?!page/)[^/]+/")


def assemble(models: Models, config: Config, now: datetime, drafts: bool, problems: Collector) -> Site:
    """Join the models into a Site; report route collisions."""
    articles = tuple(sorted((a for a in models.articles if drafts or _published(a, now)),
                            key=lambda a: (-a.date.timestamp(), a.slug)))
    pages = tuple(sorted((p for p in models.pages if drafts or not p.draft), key=lambda p: p.slug))
    everyone = tuple(sorted(models.therapists,
                            key=lambda t: (not t.accepting_new_clients, t.family_name.lower(), t.slug)))
    # Former staff keep their bylines only; a profile that is not listed yet shows only in a --drafts preview.
    therapists = tuple(t for t in everyone if not t.former and (t.listed or drafts))
    guests = tuple(sorted(models.authors, key=lambda g: g.slug))
    _check_routes(articles, pages, models.files, problems, guests)
    topics = _topics(models, articles, therapists)
    older, newer = neighbours(articles)
    return Site(
        config=config, now=now, articles=articles, scheduled=() if drafts else _scheduled(models, now),
        drafts=() if drafts else tuple(sorted((a for a in models.articles if a.draft), key=lambda a: a.slug)),
        pages=pages, topics=topics, therapists=therapists,
        files=models.files, photos=models.photos,
        therapist_index=MappingProxyType({t.slug: t for t in therapists}),
        topic_index=MappingProxyType({t.slug: t for t in topics}),
        facets=build_facets(therapists),
        related=related(articles), older=older, newer=newer, written_by=_written_by(articles),
        guest_authors=guests, author_index=MappingProxyType({a.slug: a for a in (*everyone, *guests)}),
    )


def _written_by(articles: tuple[Article, ...]) -> MappingProxyType:
    """Each therapist's articles, newest first: one pass, not one per therapist."""
    written: dict[str, list[Article]] = {}
    for article in articles:
        for slug in dict.fromkeys(article.authors):
            written.setdefault(slug, []).append(article)
    return MappingProxyType({slug: tuple(found) for slug, found in written.items()})


def _published(article: Article, now: datetime) -> bool:
    return not article.draft and article.date <= now


def _scheduled(models: Models, now: datetime) -> tuple[Article, ...]:
    """The articles dated in the future, soonest first: each comes out at the first build after its date."""
    return tuple(sorted((a for a in models.articles if not a.draft and a.date > now),
                        key=lambda a: (a.date.timestamp(), a.slug)))


def _check_routes(articles, pages, files, problems: Collector, guests=()) -> None:
    claims: dict[str, list[str]] = {}
    for article in articles:
        claims.setdefault(article.url, []).append(article.source)
    for guest in guests:
        claims.setdefault(guest.url, []).append(guest.source)
    for page in pages:
        claims.setdefault(page.url, []).append(page.source)
        if reserved(page.url):
            problems.add(page.source, 0, "slug", f"the address {page.url} is used by the site itself",
                         "choose another slug")
    for file in files:
        url = "/" + file[len("content/"):]
        claims.setdefault(url, []).append(file)
        if url.endswith("/index.html"):
            claims.setdefault(url[: -len("index.html")], []).append(file)
    _check_aliases(articles, claims, problems)
    # Addresses that differ only in case collide on the case-insensitive disks of many hosts and laptops.
    folded: dict[str, list[tuple[str, str]]] = {}
    for url, sources in sorted(claims.items()):
        folded.setdefault(url.lower(), []).extend((url, source) for source in sources)
    for url, claimants in sorted(folded.items()):
        if len(claimants) > 1:
            for address, source in claimants:
                others = ", ".join(s for _, s in claimants if s != source)
                case = " (upper and lower case count as one)" if len({a for a, _ in claimants}) > 1 else ""
                problems.add(source, 0, "", f"the address {address} is also claimed by {others}",
                             f"give one of them another file name or 'slug:'{case}")


def _check_aliases(articles, claims: dict[str, list[str]], problems: Collector) -> None:
    """An old address may not be a real one, nor lie among the addresses the site writes for itself.

    Addresses are compared as a disk sees them: percent escapes decoded, upper and lower case as one.
    """
    real = {unquote(url).lower(): sources for url, sources in claims.items()}
    taken: dict[str, str] = {}
    for article in articles:
        for index, alias in enumerate(article.aliases):
            field, folded = f"aliases[{index}]", unquote(alias_address(alias)).lower()
            others = real.get(folded) or real.get(folded.removesuffix("index.html"))
            built_in = None if ARTICLE_ALIAS.fullmatch(folded) else reserved(folded) or reserved(folded.rstrip("/"))
            if others:
                problems.add(article.source, 0, field, f"the old address {alias} is also the address of "
                             f"{', '.join(others)}", "remove this alias: that address already shows a page")
            elif built_in:
                problems.add(article.source, 0, field, f"the old address {alias} is among the addresses the site "
                             f"writes itself ({built_in})",
                             "remove this alias, or let the host's own redirects send it on")
            elif folded in taken:
                where = "this article" if taken[folded] == article.source else taken[folded]
                problems.add(article.source, 0, field, f"the old address {alias} is also an alias of {where}",
                             "keep it once")
            taken.setdefault(folded, article.source)


def generated_collisions(files: tuple[str, ...], generated: frozenset[str]) -> list[Problem]:
    """A file in content/ whose address is one the site writes itself (``generated``: output paths, a folder ending
    in '/'), or a folder of one, or lies where one of them is a file, would silently replace it: name both."""
    by_path = {path.lower().rstrip("/"): path for path in generated}
    folders = {}
    for path in generated:
        parts = path.rstrip("/").split("/")
        for depth in range(1, len(parts)):
            folders.setdefault("/".join(parts[:depth]).lower(), path)
    found = []
    for file in files:
        rel = file[len("content/"):]
        parts = rel.lower().split("/")
        parents = ["/".join(parts[:depth]) for depth in range(1, len(parts))]
        made = by_path.get(rel.lower()) or folders.get(rel.lower()) or next(
            (by_path[parent] for parent in parents if parent in by_path), None)
        if made:
            found.append(Problem(file, 0, "", f"would replace {made}, which the site makes itself",
                                 "rename or move the file; to change what the site makes, put your own version of "
                                 "its layout in layouts/"))
    return found


def _topics(models: Models, articles: tuple[Article, ...], therapists: tuple[Therapist, ...]) -> tuple[Topic, ...]:
    names: dict[str, str] = {}
    for article in sorted(articles, key=lambda a: a.source):
        for name, slug in zip(article.topic_names, article.topics):
            names.setdefault(slug, name)
    for therapist in sorted(therapists, key=lambda t: t.slug):
        for name in therapist.specialties:
            if slugify(name):
                names.setdefault(slugify(name), name)
    notes = {note.slug: note for note in models.notes}
    for slug, note in notes.items():
        names[slug] = note.title
    topics = []
    for slug in names:
        topics.append(Topic(
            slug=slug, name=names[slug], description_html=notes[slug].html if slug in notes else "",
            articles=tuple(a for a in articles if slug in a.topics),
            therapists=tuple(t for t in therapists if slug in {slugify(s) for s in t.specialties}),
        ))
    return tuple(sorted(topics, key=lambda t: (t.name.lower(), t.slug)))
