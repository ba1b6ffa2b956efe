"""Read a Hugo site: ``content/<section>/`` posts (single files or page bundles) with YAML, TOML or JSON front
matter, ``content/*.md`` pages, ``static/`` files, and the permalinks of ``hugo.toml`` (or config.*).

Shortcodes with a plain equivalent are mapped (youtube and vimeo to links, figure to a picture, ref and relref to
the new address, highlight to a fenced block); the others stay in the text and are reported.
"""
from __future__ import annotations

import json
import re
import tomllib
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from ..errors import Problem, SiteError
from ..load import Loader  # as the build reads YAML: 007 stays 007 (YAML 1.1: the number 7)
from ..slugs import slugify
from .html import embed_link
from .post import (Blog, Note, Post, as_list, date_text, first_slug, front_matter_line, names, picture,
                   split_front_matter)

CONFIGS = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml", "config.yaml", "config.yml",
           "config.json")
SILENT = {"layout", "type", "weight", "toc", "menu", "comments", "showtoc", "tocopen", "hidemeta", "disableshare",
          "cover", "keywords", "markup", "outputs", "build", "headless", "cascade", "resources", "translationkey"}
MAPPED = {"title", "date", "lastmod", "draft", "tags", "categories", "summary", "description", "slug", "url",
          "aliases", "author", "authors", "publishdate", "images", "image", "featured_image", "cover"}
SHORTCODE = re.compile(r"\{\{([<%])\s*(/?)(\w[\w-]*)\s*(.*?)\s*[>%]\}\}", re.S)
PAIRED = re.compile(r"\{\{[<%]\s*highlight\s+(\w+)[^}]*[>%]\}\}\n?(.*?)\{\{[<%]\s*/highlight\s*[>%]\}\}", re.S)
# Embeds of other websites: pages load nothing from them, so each becomes a link to the post it showed.
LINKED = {
    "instagram": lambda named, given: f"https://www.instagram.com/p/{named.get('id') or given[0]}/",
    "tweet": lambda named, given: (f"https://x.com/{named.get('user') or given[0]}/status/"
                                   f"{named.get('id') or given[-1]}"),
    "x": lambda named, given: f"https://x.com/{named.get('user') or given[0]}/status/{named.get('id') or given[-1]}",
    "gist": lambda named, given: f"https://gist.github.com/{'/'.join(given[:2])}",
}
ARGUMENT = re.compile(r'(\w+)\s*=\s*"([^"]*)"|(\w+)\s*=\s*(\S+)|"([^"]*)"|(\S+)')


def _config(folder: Path) -> dict:
    for name in CONFIGS:
        file = folder / name
        if file.is_file():
            text = file.read_text(encoding="utf-8")
            try:
                data = (tomllib.loads(text) if name.endswith(".toml") else json.loads(text)
                        if name.endswith(".json") else yaml.load(text, Loader))
            except (tomllib.TOMLDecodeError, ValueError, yaml.YAMLError):
                return {}
            return {str(k).lower(): v for k, v in data.items()} if isinstance(data, dict) else {}
    return {}


def read(folder: Path, shown: str) -> Blog:
    """Read the Hugo site in ``folder``; raise SiteError when it has no content folder."""
    content = folder / "content"
    if not content.is_dir():
        raise SiteError([Problem(shown, 0, "", "no content folder: this is not a Hugo site",
                                 "give the folder that holds hugo.toml (or config.toml) and content/")])
    config = _config(folder)
    base = str(config.get("baseurl") or "")
    permalinks = {str(k): str(v) for k, v in (config.get("permalinks") or {}).items() if isinstance(v, str)}
    base_path = urlsplit(base).path.rstrip("/") + "/"
    params = {str(k).lower(): v for k, v in (config.get("params") or {}).items()} \
        if isinstance(config.get("params"), dict) else {}
    # Themes name the site's one author in params (author = "Ana Lima", or [params.author] name = ...), older
    # sites at the top level: every post without an author of its own is by them.
    site_author = names(params.get("author"), config.get("author"))
    posts, notes = [], []
    for path in sorted(content.rglob("*.md")):
        rel = path.relative_to(content)
        if path.name.startswith("_index") or any(p.startswith((".", "_")) for p in rel.parts):
            continue
        post = _post(path, rel, permalinks, base_path, f"{shown.rstrip('/')}/{path.relative_to(folder).as_posix()}",
                     site_author)
        notes.append(post) if isinstance(post, Note) else posts.append(post)
    hosts = tuple(h for h in (urlsplit(base).hostname,) if h)
    mounts = (("/", folder / "static"), ("/", content))
    return Blog(tuple(posts), tuple(notes), folder, mounts, hosts, base_path)


def _post(path: Path, rel: Path, permalinks: dict, base_path: str, shown: str,
          site_author: tuple[str, ...] = ()) -> Post | Note:
    text = path.read_text(encoding="utf-8", errors="replace")
    split = split_front_matter(text)
    if split is None:
        return Note(shown, 1, "cannot read the front matter of this post: it was not imported",
                    "check the lines between the --- (or +++) at the top, then import again")
    _, raw, body, _ = split
    data = {str(k).lower(): v for k, v in raw.items()}
    bundle = path.name == "index.md"
    name = path.parent.name if bundle else path.stem
    parts = rel.parts[:-2] if bundle else rel.parts[:-1]
    section = parts[0] if parts else ""
    title = str(data.get("title") or name.replace("-", " ").capitalize())
    when = date_text(data.get("date") or data.get("publishdate") or "")
    notes = [Note(shown, front_matter_line(text, key), f"{key}: not carried over: the site has no such field",
                  "copy what matters into the article's text by hand, or ignore it")
             for key in raw if str(key).lower() not in MAPPED | SILENT]
    if not when and section:
        return Note(shown, front_matter_line(text, "date"), "date: missing or unreadable: the post was not imported",
                    "add 'date = 2019-05-01' (TOML) or 'date: 2019-05-01' (YAML), then import again")
    slug = str(data.get("slug") or name)
    old = []
    if not data.get("draft"):
        if data.get("url"):  # like aliases, relative to the site's base address
            old.append(base_path + str(data["url"]).lstrip("/"))
        else:
            old.append(_address(permalinks.get(section, ""), parts, when, slug, title, name, base_path))
    old += [base_path + str(a).lstrip("/") if "://" not in str(a) else urlsplit(str(a)).path
            for a in as_list(data.get("aliases"))]
    body, shortcodes = _shortcodes(body)
    image, alt = picture(data.get("images") or data.get("image") or data.get("featured_image") or data.get("cover"))
    page = not section
    called = (rel.as_posix(), rel.with_suffix("").as_posix(), name, f"{name}.md", rel.parent.as_posix() if bundle
              else "")  # how a ref shortcode may name the post
    keys = tuple(dict.fromkeys("/" + k for k in called if k and k != "."))
    return Post(
        origin=shown, line=1, title=title, date=when, slug=first_slug(slug, title), body=body,
        kind="page" if page else "article", draft=bool(data.get("draft")),
        topics=tuple(dict.fromkeys(as_list(data.get("categories")) + as_list(data.get("tags")))),
        authors=names(data.get("author"), data.get("authors")) or site_author,
        summary=re.sub(r"\s+", " ", str(data.get("summary") or data.get("description") or "")).strip(),
        updated=date_text(data.get("lastmod") or ""), old_urls=tuple(o for o in old if o), keys=keys,
        folder=path.parent, notes=(*notes, *shortcodes), image=image, image_alt=alt,
    )


def _address(pattern: str, parts: tuple[str, ...], when: str, slug: str, title: str, name: str,
             base_path: str) -> str:
    """The address Hugo gave the post: the section's permalink pattern, or /<section>/<slug>/."""
    moment = datetime.fromisoformat(when[:10]) if when else datetime(2000, 1, 1)
    values = {"year": f"{moment.year:04d}", "month": f"{moment.month:02d}", "day": f"{moment.day:02d}",
              "monthname": moment.strftime("%B").lower(), "yearday": str(moment.timetuple().tm_yday),
              "title": slugify(title), "slug": slug, "filename": name, "contentbasename": name,
              "section": parts[0] if parts else "", "sections": "/".join(parts)}
    if not pattern:
        pattern = "/" + "/".join((*parts, ":slug")) + "/"
    address = re.sub(r":(\w+)", lambda m: values.get(m.group(1), m.group(0)), pattern)
    return base_path.rstrip("/") + re.sub(r"/{2,}", "/", "/" + address)


def _arguments(text: str) -> tuple[dict, list]:
    named, positional = {}, []
    for match in ARGUMENT.finditer(text):
        if match.group(1) or match.group(3):
            named[match.group(1) or match.group(3)] = match.group(2) if match.group(1) else match.group(4)
        else:
            positional.append(match.group(5) if match.group(5) is not None else match.group(6))
    return named, positional


def _shortcodes(body: str) -> tuple[str, list[Note]]:
    """Map the shortcodes that have a Markdown equivalent; report the others."""
    body = PAIRED.sub(lambda m: f"```{m.group(1)}\n{m.group(2).rstrip()}\n```", body)
    notes: list[Note] = []

    def one(match: re.Match) -> str:
        name, (named, positional) = match.group(3).lower(), _arguments(match.group(4))
        first = named.get("id") or (positional[0] if positional else "")
        if name == "youtube" and first:
            return embed_link(f"https://www.youtube.com/watch?v={first}")
        if name == "vimeo" and first:
            return embed_link(f"https://vimeo.com/{first}")
        if name in ("ref", "relref") and first:
            return "/" + first.lstrip("/")  # a key of the post it names (write.py)
        if name in LINKED and (first or named.get("user")):
            return embed_link(LINKED[name](named, positional))
        if name == "figure" and named.get("src"):
            caption = named.get("caption") or named.get("title") or ""
            alt = named.get("alt") or caption
            return f"![{alt}]({named['src']})" + (f"\n\n*{caption}*" if caption else "")
        notes.append(Note("", 0, f"the shortcode {match.group(0)!r} was kept as text: only Hugo understood it",
                          "replace it with what it showed on the old site, or delete it", match.group(0)))
        return match.group(0)

    return SHORTCODE.sub(one, body), notes
