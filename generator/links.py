"""Link check stage: the frozen Site and its rendered route set -> problems for internal links that lead nowhere.

Input: the Site (the HTML of every article, page, topic description and bio; the menu in site.yaml) and the route
set, ``{output path: ids on that page}``, taken from the rendered outputs without writing them. Output: one
Problem per broken link, naming the source file and the line where the link is written. Links to other websites
are not fetched: that needs the network, and they break for reasons no edit here can fix.
"""
from __future__ import annotations

import difflib
import html
import re
from pathlib import Path
from typing import Iterable, Iterator, Mapping
from urllib.parse import unquote, urljoin, urlsplit

from .errors import Problem
from .models import Site

LINK = re.compile(r'<(?:a|img)\b[^>]*?\b(?:href|src)="([^"]*)"', re.IGNORECASE)
ID = re.compile(r'\b(?:id|name)="([^"]*)"')
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")  # a link to another site, by mail or phone: not relative
Routes = Mapping[str, frozenset[str]]


def route_map(outputs: Iterable[tuple[str, bytes | Path]]) -> Routes:
    """Map every output path to the ids its page defines (anchors a link may point at); none for other files."""
    return {path: _ids(path, data) for path, data in outputs}


def _ids(path: str, data: bytes | Path) -> frozenset[str]:
    if not path.endswith(".html"):
        return frozenset()
    text = data.read_text(errors="replace") if isinstance(data, Path) else data.decode(errors="replace")
    return frozenset(html.unescape(value) for value in ID.findall(text))


class PlannedRoutes(Mapping):
    """The route set of a build's planned outputs, without rendering them all: a page is rendered for its ids
    only when a link points at a section of it, so ``build`` checks links at the cost of a few pages."""

    def __init__(self, jobs):
        self._jobs = {job.path: job for job in jobs}
        self._ids: dict[str, frozenset[str]] = {}

    def __getitem__(self, path: str) -> frozenset[str]:
        if path not in self._ids:
            data = self._jobs[path].run()
            self._ids[path] = _ids(path, data) if isinstance(data, (bytes, Path)) else frozenset()
        return self._ids[path]

    def __contains__(self, path) -> bool:
        return path in self._jobs

    def __iter__(self):
        return iter(self._jobs)

    def __len__(self) -> int:
        return len(self._jobs)


def documents(site: Site) -> Iterator[tuple[str, str, str]]:
    """Yield (source file, page URL, HTML) for every text a person wrote: articles, pages, topics, bios."""
    for article in site.articles:
        yield article.source, article.url, article.html
    for page in site.pages:
        yield page.source, page.url, page.html
    for topic in site.topics:
        if topic.description_html:
            yield f"content/topics/{topic.slug}.md", topic.url, topic.description_html
    for therapist in site.therapists:
        yield therapist.source, therapist.url, therapist.bio_html
    for guest in site.guest_authors:
        yield guest.source, guest.url, guest.bio_html


def check_links(site: Site, routes: Routes, source: Path) -> list[Problem]:
    """Return a problem for every internal link, image or download whose page, file or section is missing."""
    prefix = urlsplit(site.config.base_url).path
    found: list[Problem] = []
    texts: dict[str, list[str]] = {}

    def report(path: str, written: str, message: str, hint: str, field: str = "") -> None:
        if path not in texts:
            texts[path] = _read_lines(source / path)
        found.append(Problem(path, _line_of(texts[path], written), field, message, hint))

    judged: dict = {}  # a link that does not depend on its page (to another site, or from the root) is judged once
    waiting = _waiting(site)
    for path, page_url, body in documents(site):
        for raw in LINK.findall(body):
            link = html.unescape(raw)
            written = "/" + link[len(prefix):] if prefix != "/" and link.startswith(prefix) else link
            key = link if link.startswith("/") or SCHEME.match(link) else (link, page_url)
            if key not in judged:
                judged[key] = _broken(link, prefix + page_url.lstrip("/"), prefix, site.config.base_url, routes,
                                      waiting)
            broken = judged[key]
            if broken:
                report(path, written, *broken)
    for item in site.config.nav:
        if item.url.startswith("/"):
            broken = _broken(prefix + item.url.lstrip("/"), prefix, prefix, site.config.base_url, routes, waiting)
            if broken:
                report("site.yaml", item.url, *broken, field="nav")
    return sorted(set(found))


def _waiting(site: Site) -> dict[str, tuple[str, str]]:
    """The addresses of articles not published yet -> why, and what to do: a link to one leads nowhere for now."""
    found = {a.url: (f"which is a draft ({a.source} has draft: true)",
                     "publish it (remove draft: true) or take the link out until then") for a in site.drafts}
    found |= {a.url: (f"which waits for its date ({a.source}: {a.date:%Y-%m-%d %H:%M})",
                      "the link works from the build on or after that date; until then, take it out or date the "
                      "article earlier") for a in site.scheduled}
    return found


def _broken(link: str, page: str, prefix: str, base_url: str, routes: Routes,
            waiting: dict[str, tuple[str, str]] | None = None) -> tuple[str, str] | None:
    """Return (message, hint) when ``link``, found on the page at site path ``page``, leads nowhere; ``waiting``:
    what ``_waiting`` gives, to say why an article's address has no page yet."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc:
        if not link.startswith(base_url):
            return None  # another website, an email address or a phone number
        parts = urlsplit(urlsplit(base_url).path + link[len(base_url):])
    target = urlsplit(urljoin(page, parts.path)).path if parts.path else page
    if not target.startswith(prefix):
        return f"the link {link} leads outside the site", "links to this site's pages start with /"
    site_path = unquote("/" + target[len(prefix):])
    file = _file(site_path, routes)
    if file is None:
        waiting = waiting or {}
        why = waiting.get(site_path) or waiting.get(site_path + "/")
        if why:
            return f"the link {link} leads to an article that is not published yet, {why[0]}", why[1]
        return f"the link {link} leads nowhere: there is no page or file at that address", _suggest(site_path, routes)
    anchor = unquote(parts.fragment)
    if anchor and file.endswith(".html") and anchor not in routes[file]:
        close = difflib.get_close_matches(anchor, sorted(routes[file]), n=1, cutoff=0.6)
        hint = (f"did you mean '#{close[0]}'?" if close else
                "sections are named after their headings: '## First steps' becomes #first-steps")
        return f"the link {link} points to a section #{anchor} that its page does not have", hint
    return None


def _file(path: str, routes: Routes) -> str | None:
    """Return the output file a site path is served from: /a/ -> a/index.html; /a also finds a/index.html."""
    rel = path.lstrip("/")
    candidates = (rel + "index.html",) if not rel or rel.endswith("/") else (rel, rel + "/index.html")
    return next((candidate for candidate in candidates if candidate in routes), None)


def _suggest(target: str, routes: Routes) -> str:
    urls = ["/" + (path[: -len("index.html")] if path.endswith("index.html") else path) for path in routes]
    urls = [url for url in urls if not target.startswith(url)]  # "/articles/" is no answer for "/articles/x/"
    if target.endswith("/"):  # a page was meant: "/fees/" is no typo of "/feed.json"
        urls = [url for url in urls if url.endswith("/")]
    # Beside pages of the same folder, only the last part counts: a long shared "/articles/" would make any
    # article look like a typo of any other.
    folder, name = _folder_and_name(target)
    siblings = {leaf: url for url in urls if (split := _folder_and_name(url))[0] == folder and (leaf := split[1])}
    if siblings:
        close = [siblings[leaf] for leaf in difflib.get_close_matches(name, sorted(siblings), n=1, cutoff=0.6)]
    else:
        close = difflib.get_close_matches(target, sorted(urls), n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    if target.startswith("/articles/"):
        return "check the spelling; an article that is a draft or dated in the future is not published yet"
    return "check the spelling; a picture or download must be inside the content/ folder to be linked"


def _folder_and_name(url: str) -> tuple[str, str]:
    """"/articles/nope/" -> ("/articles/", "nope"); "/images/a.png" -> ("/images/", "a.png")."""
    folder, _, name = url.rstrip("/").rpartition("/")
    return folder + "/", name


def _read_lines(file: Path) -> list[str]:
    try:
        return file.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def _line_of(lines: list[str], written: str) -> int:
    """Return the line where a link is written, so the problem can point at it; 0 when it cannot be found."""
    for candidate in (f"({written}", written, html.escape(written), written.split("#")[0] or written):
        for number, line in enumerate(lines, 1):
            if candidate in line:
                return number
    return 0
