"""Write an imported blog into a site: articles, pages, guest authors and media, never over an existing file.

Input: a Blog (read by one of the readers) and the site folder. Output: the files written and the notes of
everything that could not be mapped, each with the file and line to look at in the site or the old blog.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import yaml

from ..errors import Problem
from ..slugs import slugify
from .html import IFRAME, embed_link
from .media import Media
from .post import Blog, Note, Post

# Addresses the site writes itself: a page imported with one of these slugs would collide with them.
RESERVED_PAGES = {"articles", "topics", "therapists", "subscribe", "search", "assets", "authors", "admin",
                  "pagefind", "media", "index"}
NOTES_PER_POST = 30  # past this, a post is listed once more with a count: a report is read by a person
DROPPED_TOPICS = {"uncategorized", "uncategorised", "general"}  # defaults of WordPress and themes: no topic
FILE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".avif", ".pdf", ".mp3", ".m4a", ".doc",
                 ".docx", ".odt", ".txt", ".zip")
MD_IMAGE = re.compile(r'(!\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?)([^)\s>]+)(>?(?:\s+"[^"]*")?\s*\))')
MD_LINK = re.compile(r'((?<!!)\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?)([^)\s>]+)(>?(?:\s+"[^"]*")?\s*\))')
MD_REFERENCE = re.compile(r'^(\s{0,3}\[[^\]]+\]:\s*<?)(\S+?)(>?(?:\s.*)?)$', re.M)
HTML_URL = re.compile(r'(<(?:img|a|source)\b[^>]*?\b(?:src|href)=")([^"]+)(")', re.I)


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
                try:
                    data = yaml.safe_load(file.read_text(encoding="utf-8"))
                except (yaml.YAMLError, OSError, UnicodeDecodeError):
                    data = None
                name = data.get("name") if isinstance(data, dict) else None
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
        target.write_text(_yaml({"name": name}), encoding="utf-8")
        self.created += 1
        self.known[key] = self.known[slugify(name)] = slug
        return slug


def _person(name: str) -> str:
    """A name as a key: case, accents, credentials after a comma and spacing do not count."""
    return slugify(name.split(",")[0])


def _yaml(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000, default_flow_style=False)


def _norm(path: str) -> str:
    """An old address as a key: percent signs decoded, no trailing index.html or slash, case ignored."""
    path = unquote(path).lower()
    path = re.sub(r"/index\.html?$", "/", path)
    return path.rstrip("/") or "/"


def write(blog: Blog, site: Path, fetch: bool) -> Written:
    """Write every post of ``blog`` into ``site``; return counts and the notes, sorted by file and line."""
    notes: list[Note] = list(blog.notes)
    authors = _Authors(site)
    media = Media(site)
    planned = _plan(blog.posts, site, notes)
    addresses: dict[str, str] = {}
    for post, _, url in planned:
        for old in post.old_urls:
            addresses.setdefault(_norm(_under(old, blog.base_path)), url)
        for key in post.keys:
            addresses.setdefault(_norm(key), url)
    counts = {"article": 0, "page": 0, "draft": 0}
    for post, target, url in planned:
        if target.exists():
            notes.append(Note(target.relative_to(site).as_posix(), 1, f"already exists: '{post.title}' from "
                              f"{post.origin}:{post.line} was not imported", "delete or rename the file and import "
                              "again to bring it in; nothing was written over"))
            continue
        rel = target.relative_to(site).as_posix()
        body, body_notes = _rewrite(post, blog, media, addresses, fetch, rel)
        front = _front_matter(post, url, authors, blog)
        if post.image and post.kind == "article":
            body_notes += _image(post, front, blog, media, addresses, fetch)
        text = f"---\n{_yaml(front)}---\n\n{body.strip()}\n"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
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
    return Written(counts["article"], counts["draft"], counts["page"], authors.created, media.count, problems)


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


def _under(path: str, base: str) -> str:
    """A path of the old host as a path of the old site (the blog may have lived under /blog/)."""
    return "/" + path[len(base):] if base != "/" and path.startswith(base) else path


def _front_matter(post: Post, url: str, authors: _Authors, blog: Blog) -> dict:
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
    aliases = [old for old in dict.fromkeys(post.old_urls) if _norm(old) != _norm(url)]
    if aliases and post.kind == "article":
        front["aliases"] = aliases
    return front


def _image(post: Post, front: dict, blog: Blog, media: Media, addresses: dict[str, str], fetch: bool) -> list[Note]:
    """Set the post's featured picture as the article's ``image:``, when it is copied and has a description."""
    notes: list[Note] = []
    new = unquote(_resolve(post.image, True, post, blog, media, addresses, fetch, notes, ""))
    if not new.startswith("/media/"):
        return notes
    if not post.image_alt:
        return [Note("", 1, f"the post's picture {new} was copied but is not shown at the top: it has no "
                     "description", f"add 'image: {new}' and 'image_alt:' with a short description of it")]
    front.update(image=new, image_alt=post.image_alt)
    return notes


def _moved_page(post: Post, url: str, rel: str) -> list[Note]:
    """A page's old address that differs from the new one: pages keep no aliases, so the host must redirect."""
    return [Note(rel, 1, f"the page was at {old} and is now at {url}",
                 "change links to the old address; the host's redirect settings can send visitors on")
            for old in dict.fromkeys(post.old_urls)
            if post.kind == "page" and _norm(old) != _norm(url)]


def _line(lines: list[str], snippet: str) -> int:
    first = snippet.strip().split("\n")[0].strip() if snippet else ""
    if first:
        for number, line in enumerate(lines, 1):
            if number > 1 and first in line and not line.startswith(("title:", "summary:")):
                return number
    return 1


def _rewrite(post: Post, blog: Blog, media: Media, addresses: dict[str, str], fetch: bool,
             rel: str) -> tuple[str, list[Note]]:
    """Point the body's pictures at copies in content/media/ and its links at the new addresses."""
    notes: list[Note] = []

    def fix(match: re.Match, picture: bool) -> str:
        raw = html.unescape(match.group(2))
        new = _resolve(raw, picture, post, blog, media, addresses, fetch, notes, match.group(0))
        if new == raw:
            return match.group(0)
        return match.group(1) + (html.escape(new) if match.group(1).lstrip().startswith("<") else new) + \
            match.group(3)

    body = IFRAME.sub(lambda m: embed_link(m.group(2)), post.body)  # a player the page may not load: a link
    body = MD_IMAGE.sub(lambda m: fix(m, True), body)
    body = MD_LINK.sub(lambda m: fix(m, _is_file(m.group(2))), body)
    body = MD_REFERENCE.sub(lambda m: fix(m, _is_picture(m.group(2))), body)
    body = HTML_URL.sub(lambda m: fix(m, m.group(1).lower().startswith(("<img", "<source"))), body)
    return body, notes


def _is_picture(url: str) -> bool:
    return urlsplit(url).path.lower().endswith((".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".avif"))


def _is_file(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(FILE_SUFFIXES)


def _resolve(url: str, picture: bool, post: Post, blog: Blog, media: Media, addresses: dict[str, str],
             fetch: bool, notes: list[Note], snippet: str) -> str:
    """The new address of one link or picture of a post, copying or downloading the file it names."""
    parts = urlsplit(url)
    if parts.scheme and parts.scheme not in ("http", "https") or url.startswith("#"):
        return url
    host = (parts.hostname or "").lower()
    if host and host not in blog.hosts:
        if not picture:
            return url  # a link to another website stays as it is
        if fetch:
            new, why = media.download(url)
            if new:
                return quote(new)
            notes.append(Note("", 0, f"the picture {url} was not downloaded: {why}",
                              "save it into content/media/ and change the address here", snippet))
        else:
            notes.append(Note("", 0, f"the picture {url} is on another website, which pages never load from",
                              "save it into content/media/ and change the address here, or import again with "
                              "--fetch-images", snippet))
        return url
    path = unquote(parts.path)
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    if not host and not path.startswith("/"):
        local = (post.folder / path) if post.folder and path else None
        if local and local.is_file() and _inside(local, blog.root):
            return quote(media.copy(local, _media_name(local, blog)))
        if picture:
            notes.append(Note("", 0, f"the picture {url} was not found next to {post.origin}",
                              "copy it into content/media/ and change the address here", snippet))
        return url
    site_path = _under(path, blog.base_path)
    key = _norm(site_path)
    if parts.query and _norm(f"{site_path}?{parts.query}") in addresses:  # WordPress's /?p=12
        return addresses[_norm(f"{site_path}?{parts.query}")] + fragment
    if key in addresses:
        return addresses[key] + fragment
    for prefix, folder in blog.mounts:
        if site_path.startswith(prefix):
            candidate = folder.joinpath(*[p for p in site_path[len(prefix):].split("/") if p not in ("", ".", "..")])
            if candidate.is_file() and _inside(candidate, blog.root):
                return quote(media.copy(candidate, _media_name(candidate, blog))) + fragment
    if (picture or _is_file(url)) and fetch and blog.hosts:
        new, why = media.download(url if host else f"https://{blog.hosts[0]}{path}")
        if new:
            return quote(new)
    what = "picture" if picture else "file" if _is_file(url) else "link"
    notes.append(Note("", 0, f"the {what} {url} leads to the old site, and nothing imported has that address",
                      "copy the file into content/media/ and change the address here" if what != "link" else
                      "change it to the new address of that page, or remove the link", snippet))
    return url


def _inside(file: Path, root: Path) -> bool:
    """Whether a file really lies in the old blog's folder: a link out of it could publish any file."""
    return file.resolve().is_relative_to(root.resolve())


def _media_name(file: Path, blog: Blog) -> str:
    """The name under content/media/ of a file from the old blog: its path in the folder it was found in."""
    for _, folder in blog.mounts:
        if file.resolve().is_relative_to(folder.resolve()):
            return file.resolve().relative_to(folder.resolve()).as_posix()
    return file.name
