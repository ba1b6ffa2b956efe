"""Write an imported blog into a site: articles, pages, guest authors and media, never over an existing file.

Input: a Blog (read by one of the readers) and the site folder. Output: the files written and the notes of
everything that could not be mapped, each with the file and line to look at in the site or the old blog.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from ..errors import Problem
from ..load import Loader  # as the build reads YAML: 007 stays 007 (YAML 1.1: the number 7)
from ..slugs import slugify
from .media import Media
from .post import Blog, Note, Post, split_front_matter
from .rewrite import Rewriter, norm, under

# Addresses the site writes itself: a page imported with one of these slugs would collide with them.
RESERVED_PAGES = {"articles", "topics", "therapists", "subscribe", "search", "assets", "authors", "admin",
                  "pagefind", "media", "index"}
NOTES_PER_POST = 30  # past this, a post is listed once more with a count: a report is read by a person
DROPPED_TOPICS = {"uncategorized", "uncategorised", "general"}  # defaults of WordPress and themes: no topic


@dataclass(frozen=True, slots=True)
class Written:
    """What an import wrote and what it could not map."""

    articles: int
    drafts: int
    pages: int
    authors: int
    files: int
    notes: tuple[Problem, ...]


class _Authors:
    """Names of the old blog's authors -> slugs of therapist profiles or guest authors (made when needed)."""

    def __init__(self, site: Path):
        self.site = site
        self.known: dict[str, str] = {}
        self.created = 0
        for folder, kind in ((site / "therapists", "therapist"), (site / "content" / "authors", "guest")):
            for file in sorted(folder.glob("*.y*ml")) if folder.is_dir() else ():
                name = _yaml_file(file).get("name")
                self.known.setdefault(file.stem, file.stem)
                if isinstance(name, str) and name.strip():
                    self.known.setdefault(_person(name), file.stem)

    def slug(self, name: str) -> str:
        """The slug of a therapist or guest author of this name, writing a guest author file if there is none."""
        key = _person(name)
        for candidate in (key, slugify(name)):
            if candidate in self.known:
                return self.known[candidate]
        slug = base = slugify(name) or "guest"
        number = 2
        while (self.site / "therapists" / f"{slug}.yaml").exists() or \
                (self.site / "content" / "authors" / f"{slug}.yaml").exists():
            slug, number = f"{base}-{number}", number + 1
        target = self.site / "content" / "authors" / f"{slug}.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8") as file:
            file.write(_yaml({"name": name}))
        self.created += 1
        self.known[key] = self.known[slugify(name)] = slug
        return slug


class _Topics:
    """Topic names by slug, as the site already writes them: an old blog's tag 'anxiety' joins the site's topic
    'Anxiety' under that name, and the first spelling an import brings is kept for the rest of it."""

    def __init__(self, site: Path):
        self.names: dict[str, str] = {}
        for file in sorted((site / "content" / "topics").glob("*.md")):  # a described topic: its title
            self._add(_front(file).get("title"))
        for file in sorted((site / "content" / "articles").glob("*.md")):
            for name in _listed(_front(file).get("topics")):
                self._add(name)
        for file in sorted((site / "therapists").glob("*.y*ml")):  # specialties link to the topic of that name
            for name in _listed(_yaml_file(file).get("specialties")):
                self._add(name)

    def _add(self, name) -> None:
        if isinstance(name, str) and name.strip() and slugify(name):
            self.names.setdefault(slugify(name), name.strip())

    def name(self, name: str) -> str:
        self._add(name)
        return self.names.get(slugify(name), name)


def _listed(value) -> list:
    return value if isinstance(value, list) else [value] if isinstance(value, str) else []


def _yaml_file(file: Path) -> dict:
    try:
        data = yaml.load(file.read_text(encoding="utf-8"), Loader)
    except (yaml.YAMLError, OSError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _front(file: Path) -> dict:
    """The front matter of a Markdown file of the site (post.split_front_matter); {} when it cannot be read."""
    try:
        split = split_front_matter(file.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError):
        return {}
    return split[1] if split else {}


def _person(name: str) -> str:
    """A name as a key: case, accents, credentials after a comma and spacing do not count."""
    return slugify(name.split(",")[0])


def _yaml(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000, default_flow_style=False)


def write(blog: Blog, site: Path, fetch: bool) -> Written:
    """Write every post of ``blog`` into ``site``; return counts and the notes, sorted by file and line."""
    notes: list[Note] = list(blog.notes)
    authors, topics = _Authors(site), _Topics(site)
    zone = _zone(site)
    planned = _plan(blog.posts, site, notes)
    addresses: dict[str, str] = {}
    for post, _, url in planned:
        for old in post.old_urls:
            addresses.setdefault(norm(under(old, blog.base_path)), url)
        for key in post.keys:
            addresses.setdefault(norm(key), url)
    rewriter = Rewriter(blog, Media(site), addresses, fetch)
    counts = {"article": 0, "page": 0, "draft": 0}
    for post, target, url in planned:
        if target.exists() or target.with_suffix(".markdown").exists():
            notes.append(Note(target.relative_to(site).as_posix(), 1, f"already exists: '{post.title}' from "
                              f"{post.origin}:{post.line} was not imported", "delete or rename the file and import "
                              "again to bring it in; nothing was written over"))
            continue
        rel = target.relative_to(site).as_posix()
        body, body_notes = rewriter.body(post)
        front = _front_matter(replace(post, date=_in_zone(post.date, zone), updated=_in_zone(post.updated, zone),
                                      topics=tuple(map(topics.name, post.topics))), url, authors)
        if post.image and post.kind == "article":
            body_notes += rewriter.featured(post, front)
        text = f"---\n{_yaml(front)}---\n\n{body.strip()}\n"
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8") as file:  # "x": never over a file, even one made meanwhile
            file.write(text)
        counts[post.kind] += 1
        counts["draft"] += post.draft
        lines = text.split("\n")
        found = [*post.notes, *body_notes, *_moved_page(post, url, rel)]
        if len(found) > NOTES_PER_POST:
            found = found[:NOTES_PER_POST] + [Note(rel, 1, f"{len(found) - NOTES_PER_POST} more things like the "
                                                   "ones above were not listed", "search the file for them")]
        for note in found:
            if note.path:
                notes.append(note)
            else:
                notes.append(replace(note, path=rel, line=_line(lines, note.snippet), snippet=""))
    problems = tuple(sorted({Problem(n.path, n.line, "", n.message, n.hint) for n in notes}))
    return Written(counts["article"], counts["draft"], counts["page"], authors.created, rewriter.media.count,
                   problems)


def _plan(posts: tuple[Post, ...], site: Path, notes: list[Note]) -> list[tuple[Post, Path, str]]:
    """Give each post a file and an address: slugs made unique within the import, reserved page slugs refused."""
    taken: set[tuple[str, str]] = set()
    planned = []
    for post in sorted(posts, key=lambda p: (p.kind, p.date, p.slug, p.origin, p.line)):
        if post.kind == "page" and post.slug in RESERVED_PAGES:
            notes.append(Note(post.origin, post.line, f"the page '{post.title}' was not imported: /{post.slug}/ is "
                              "an address the site writes itself", "copy its text into a page with another name "
                              "in content/pages/"))
            continue
        slug, number = post.slug, 2
        while (post.kind, slug) in taken:
            slug, number = f"{post.slug}-{number}", number + 1
        taken.add((post.kind, slug))
        folder = "articles" if post.kind == "article" else "pages"
        url = f"/articles/{slug}/" if post.kind == "article" else f"/{slug}/"
        planned.append((replace(post, slug=slug), site / "content" / folder / f"{slug}.md", url))
    return planned


def _zone(site: Path) -> ZoneInfo | None:
    """The time zone site.yaml names (``timezone``); None when it names none (dates then stay as the blog gave
    them) or it cannot be read."""
    try:
        data = yaml.load((site / "site.yaml").read_text(encoding="utf-8"), Loader)
        name = data.get("timezone") if isinstance(data, dict) else None
        return ZoneInfo(name) if isinstance(name, str) and name else None
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError, ZoneInfoNotFoundError):
        return None


def _in_zone(text: str, zone: ZoneInfo | None) -> str:
    """A date with an offset (WordPress gives UTC) as the same moment in the site's time zone, so the page shows
    the day it had on the old blog: a post of 8 pm in California is 04:00 the next day in UTC."""
    if zone is None or not text or len(text) <= 10 or text[-6] not in "+-":
        return text
    try:
        return datetime.fromisoformat(text).astimezone(zone).isoformat(sep=" ")
    except ValueError:
        return text


def _front_matter(post: Post, url: str, authors: _Authors) -> dict:
    front: dict = {"title": post.title}
    if post.kind == "article":
        front["date"] = post.date
        if post.updated and post.updated != post.date:
            front["updated"] = post.updated
        slugs = list(dict.fromkeys(authors.slug(name) for name in post.authors))
        if slugs:
            front["author"] = slugs[0] if len(slugs) == 1 else slugs
        topics: dict[str, str] = {}
        for name in post.topics:
            if slugify(name) and slugify(name) not in DROPPED_TOPICS:
                topics.setdefault(slugify(name), name)
        if topics:
            front["topics"] = list(topics.values())
    if post.summary:
        front["summary"] = post.summary
    if post.draft:
        front["draft"] = True
    aliases = [old for old in dict.fromkeys(post.old_urls) if norm(old) != norm(url)]
    if aliases and post.kind == "article":
        front["aliases"] = aliases
    return front


def _moved_page(post: Post, url: str, rel: str) -> list[Note]:
    """A page's old address that differs from the new one: pages keep no aliases, so the host must redirect."""
    return [Note(rel, 1, f"the page was at {old} and is now at {url}",
                 "change links to the old address; the host's redirect settings can send visitors on")
            for old in dict.fromkeys(post.old_urls)
            if post.kind == "page" and norm(old) != norm(url)]


def _line(lines: list[str], snippet: str) -> int:
    """The line of the new file where a note's snippet is, after the front matter's title and summary."""
    first = snippet.strip().split("\n")[0].strip() if snippet else ""
    if first:
        for number, line in enumerate(lines, 1):
            if number > 1 and first in line and not line.startswith(("title:", "summary:")):
                return number
    return 1
