"""Rewrite an imported post's body: pictures and files copied into content/media/, links to the new addresses.

Input: a post, the old blog's folders and hosts, and every old address with its new one. Output: the new body and
notes for what could not be resolved. Links to other websites stay; pictures there are downloaded only when
allowed, since pages never load anything from another host.
"""
from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from .html import IFRAME, embed_link
from .media import Media
from .post import Blog, Note, Post

PICTURE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg")  # what a build publishes
REFUSED = (".avif", ".tif", ".tiff", ".heic", ".heif", ".bmp", ".jxl")  # pictures it refuses (docs/security.md)
FILE_SUFFIXES = (*PICTURE_SUFFIXES, ".pdf", ".mp3", ".m4a", ".doc", ".docx", ".odt", ".txt", ".zip")
MD_IMAGE = re.compile(r'(!\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?)([^)\s>]+)(>?(?:\s+"[^"]*")?\s*\))')
MD_LINK = re.compile(r'((?<!!)\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?)([^)\s>]+)(>?(?:\s+"[^"]*")?\s*\))')
MD_REFERENCE = re.compile(r'^(\s{0,3}\[[^\]]+\]:\s*<?)(\S+?)(>?(?:\s.*)?)$', re.M)
HTML_URL = re.compile(r'(<(?:img|a|source)\b[^>]*?\b(?:src|href)=")([^"]+)(")', re.I)


def norm(path: str) -> str:
    """An old address as a key: percent signs decoded, no trailing index.html or slash, case ignored."""
    path = unquote(path).lower()
    path = re.sub(r"/index\.html?$", "/", path)
    return path.rstrip("/") or "/"


def under(path: str, base: str) -> str:
    """A path of the old host as a path of the old site (the blog may have lived under /blog/)."""
    return "/" + path[len(base):] if base != "/" and path.startswith(base) else path


def _is_picture(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(PICTURE_SUFFIXES)


def _is_file(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(FILE_SUFFIXES)


def _refused(file: Path, url: str, notes: list[Note], snippet: str) -> bool:
    """A picture in a format the build refuses is not copied (the build would stop on it): it is reported."""
    if file.suffix.lower() not in REFUSED:
        return False
    notes.append(Note("", 0, f"the picture {url} is a {file.suffix.lower()} file, which the site does not publish",
                      "convert it to .jpg, .png or .webp, put it in content/media/ and change the address here",
                      snippet))
    return True


def _inside(file: Path, root: Path) -> bool:
    """Whether a file really lies in the old blog's folder: a link out of it could publish any file."""
    return file.resolve().is_relative_to(root.resolve())


class Rewriter:
    """Rewrites the posts of one import, sharing what was copied so a file is brought in once."""

    def __init__(self, blog: Blog, media: Media, addresses: dict[str, str], fetch: bool):
        self.blog, self.media, self.addresses, self.fetch = blog, media, addresses, fetch

    def body(self, post: Post) -> tuple[str, list[Note]]:
        """Point the body's pictures at copies in content/media/ and its links at the new addresses."""
        notes: list[Note] = []

        def fix(match: re.Match, picture: bool) -> str:
            raw = html.unescape(match.group(2))
            new = self.resolve(raw, picture, post, notes, match.group(0))
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

    def featured(self, post: Post, front: dict) -> list[Note]:
        """Set the post's featured picture as the article's ``image:``, when it is copied and has a description."""
        notes: list[Note] = []
        new = unquote(self.resolve(post.image, True, post, notes, ""))
        if not new.startswith("/media/"):
            return notes
        if not post.image_alt:
            return [Note("", 1, f"the post's picture {new} was copied but is not shown at the top: it has no "
                         "description", f"add 'image: {new}' and 'image_alt:' with a short description of it")]
        front.update(image=new, image_alt=post.image_alt)
        return notes

    def resolve(self, url: str, picture: bool, post: Post, notes: list[Note], snippet: str) -> str:
        """The new address of one link or picture of a post, copying or downloading the file it names."""
        blog, parts = self.blog, urlsplit(url)
        if parts.scheme and parts.scheme not in ("http", "https") or url.startswith("#"):
            return url
        host = (parts.hostname or "").lower()
        if host and host not in blog.hosts:
            return self._elsewhere(url, picture, notes, snippet)
        path = unquote(parts.path)
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        if not host and not path.startswith("/"):
            local = (post.folder / path) if post.folder and path else None
            if local and local.is_file() and _inside(local, blog.root):
                if _refused(local, url, notes, snippet):
                    return url
                return quote(self.media.copy(local, self._media_name(local)))
            if picture:
                notes.append(Note("", 0, f"the picture {url} was not found next to {post.origin}",
                                  "copy it into content/media/ and change the address here", snippet))
            return url
        site_path = under(path, blog.base_path)
        for key in ((norm(f"{site_path}?{parts.query}"),) if parts.query else ()) + (norm(site_path),):
            if key in self.addresses:  # a post's address (or WordPress's /?p=12)
                return self.addresses[key] + fragment
        for prefix, folder in blog.mounts:
            if site_path.startswith(prefix):
                parts_in = [p for p in site_path[len(prefix):].split("/") if p not in ("", ".", "..")]
                candidate = folder.joinpath(*parts_in)
                if candidate.is_file() and _inside(candidate, blog.root):
                    if _refused(candidate, url, notes, snippet):
                        return url
                    return quote(self.media.copy(candidate, self._media_name(candidate))) + fragment
        if (picture or _is_file(url)) and self.fetch and blog.hosts:
            new, _ = self.media.download(url if host else f"https://{blog.hosts[0]}{path}")
            if new:
                return quote(new)
        what = "picture" if picture else "file" if _is_file(url) else "link"
        notes.append(Note("", 0, f"the {what} {url} leads to the old site, and nothing imported has that address",
                          "copy the file into content/media/ and change the address here" if what != "link" else
                          "change it to the new address of that page, or remove the link", snippet))
        return url

    def _elsewhere(self, url: str, picture: bool, notes: list[Note], snippet: str) -> str:
        """A link to another website stays as it is; a picture there is downloaded when allowed, else listed."""
        if not picture:
            return url
        if self.fetch:
            new, why = self.media.download(url)
            if new:
                return quote(new)
            notes.append(Note("", 0, f"the picture {url} was not downloaded: {why}",
                              "save it into content/media/ and change the address here", snippet))
        else:
            notes.append(Note("", 0, f"the picture {url} is on another website, which pages never load from",
                              "save it into content/media/ and change the address here, or import again with "
                              "--fetch-images", snippet))
        return url

    def _media_name(self, file: Path) -> str:
        """The name under content/media/ of a file from the old blog: its path in the folder it was found in."""
        for _, folder in self.blog.mounts:
            if file.resolve().is_relative_to(folder.resolve()):
                return file.resolve().relative_to(folder.resolve()).as_posix()
        return file.name
