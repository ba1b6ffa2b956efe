"""What every importer reads a blog into: posts as plain values, and notes for the report.

Readers (wordpress.py, jekyll.py, hugo.py) know their format and nothing of the site; write.py knows the site and
nothing of the formats. This module holds what both share, and imports nothing of ours but the slug helper.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from ..load import Loader  # as the build reads YAML: 007 stays 007 (YAML 1.1: the number 7)
from ..slugs import slugify


@dataclass(frozen=True, slots=True)
class Note:
    """A thing the import could not map: where it is, what it is, and what to do.

    ``snippet``: text of the body the note is about; the writer turns it into the line of the new file.
    """

    path: str
    line: int
    message: str
    hint: str = ""
    snippet: str = ""


@dataclass(frozen=True, slots=True)
class Post:
    """One post (or standalone page) of the old blog, mapped to this site's fields but not yet written."""

    origin: str  #: the old file, as the report names it ("old-blog/_posts/2019-05-01-hello.md", "export.xml")
    line: int  #: where the post starts in it
    title: str
    date: str  #: as the front matter will say it: "2019-05-01 09:30:00+00:00" or "2019-05-01"
    slug: str
    body: str  #: Markdown
    kind: str = "article"  #: or "page"
    draft: bool = False
    topics: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()  #: the authors' names (or logins) as the old blog wrote them
    summary: str = ""
    updated: str = ""
    old_urls: tuple[str, ...] = ()  #: old addresses (paths from the site root), first the main one
    keys: tuple[str, ...] = ()  #: other addresses links use for this post (Jekyll's post_url, Hugo's ref)
    folder: Path | None = None  #: where its relative pictures are (a Hugo page bundle, the post's folder)
    image: str = ""  #: the address of its featured picture on the old blog, or ""
    image_alt: str = ""
    notes: tuple[Note, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Blog:
    """Everything a reader found: the posts, notes about the blog as a whole, and where its files are."""

    posts: tuple[Post, ...]
    notes: tuple[Note, ...]
    root: Path  #: the old blog's folder: no file outside it is ever copied
    mounts: tuple[tuple[str, Path], ...]  #: (old address prefix, folder it is in): where files are found, in order
    hosts: tuple[str, ...]  #: the old site's host names: links to them are internal
    base_path: str = "/"  #: the old site's path under its host ("/blog/")


def first_slug(*candidates: str) -> str:
    """The first candidate that makes a usable slug (a WordPress post_name may be percent-encoded or a path)."""
    for candidate in candidates:
        last = [part for part in unquote(candidate or "").split("/") if part]
        slug = slugify(last[-1]) if last else ""
        if slug:
            return slug
    return "untitled"


def old_path(url: str, hosts: tuple[str, ...] = ()) -> str:
    """The path of an old address from the site root, or "" when it is on another host or has a query."""
    parts = urlsplit(url.strip())
    if parts.netloc and parts.netloc.lower() not in hosts or parts.query or not (parts.path or "").startswith("/"):
        return ""
    return parts.path


def as_list(value) -> list[str]:
    """Front matter lists come as lists, comma or space separated text, or a single value."""
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value)
    return [part.strip() for part in re.split(r"[,\s]+" if "," not in text else r",", text) if part.strip()]


def names(*values) -> tuple[str, ...]:
    """Authors as front matter writes them: a name, a list of names, or {name: ...}; the first value given wins."""
    for value in values:
        found = []
        for item in value if isinstance(value, list) else [value]:
            name = item.get("name") or item.get("display_name") if isinstance(item, dict) else item
            if isinstance(name, (str, int, float)) and str(name).strip():
                found.append(str(name).strip())
        if found:
            return tuple(dict.fromkeys(found))
    return ()


def picture(value) -> tuple[str, str]:
    """(address, description) of a featured picture as themes write it: a path, a list, or {src|path|image, alt}."""
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        address = value.get("src") or value.get("path") or value.get("image") or value.get("url") or ""
        return (str(address), str(value.get("alt") or value.get("image_alt") or "")) if address else ("", "")
    return (str(value), "") if isinstance(value, str) and value.strip() else ("", "")


def date_text(value) -> str:
    """A date from YAML, TOML or text as the site's front matter writes it."""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value).strip()
    text = re.sub(r"\.\d+", "", text).replace("T", " ", 1)  # no fractions of a second
    text = re.sub(r" ?Z$", "+00:00", text)
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})( \d{2}:\d{2}(:\d{2})?)? ?([+-]\d{2}:?\d{2})?", text)
    if not match:
        return ""
    offset = match.group(4) or ""
    if offset and ":" not in offset:
        offset = offset[:3] + ":" + offset[3:]
    return match.group(1) + (match.group(2) or "") + offset


#: Fields that are text whatever they look like: YAML reads an unquoted "title: Yes" as true, "No" as false and
#: "3.10" as the number 3.1, which nobody meant for a title.
TEXT_FIELDS = {"title", "summary", "description", "excerpt", "subtitle", "slug"}


def _as_typed(data: dict, raw: str) -> dict:
    """``data`` with each text field that YAML read as a yes/no or a number given back as it was typed."""
    for key, value in data.items():
        if str(key).lower() in TEXT_FIELDS and isinstance(value, (bool, int, float)):
            typed = re.search(rf"^{re.escape(str(key))}[ \t]*:[ \t]*(.*?)[ \t]*(?:#.*)?$", raw, re.M)
            if typed:
                data[key] = typed.group(1)
    return data


def split_front_matter(text: str) -> tuple[str, dict, str, int] | None:
    """(format, data, body, body_line) of a Jekyll or Hugo file: YAML between ---, TOML between +++, or JSON."""
    import json
    import tomllib

    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    for fence, kind in (("---", "yaml"), ("+++", "toml")):
        if text.startswith(fence + "\n"):
            end = text.find(f"\n{fence}", len(fence))
            if end < 0:
                return None
            raw, rest = text[len(fence) + 1:end], text[end + len(fence) + 1:]
            line = raw.count("\n") + 3
            if rest.startswith("\n"):
                rest = rest[1:]
            try:
                data = yaml.load(raw, Loader) if kind == "yaml" else tomllib.loads(raw)
            except (yaml.YAMLError, tomllib.TOMLDecodeError):
                return None
            data = data if isinstance(data, dict) else {}
            return kind, _as_typed(data, raw) if kind == "yaml" else data, rest, line
    if text.startswith("{"):
        try:
            data, end = json.JSONDecoder().raw_decode(text)
        except ValueError:
            return None
        return "json", data if isinstance(data, dict) else {}, text[end:].lstrip("\n"), text[:end].count("\n") + 2
    return "none", {}, text, 1


def front_matter_line(text: str, key: str) -> int:
    """The line where ``key`` is set in a file's front matter (YAML ``key:`` or TOML ``key =``), else 1."""
    for number, line in enumerate(text.splitlines(), 1):
        if re.match(rf"\s*{re.escape(key)}\s*[:=]", line):
            return number
    return 1
