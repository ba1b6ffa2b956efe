"""Read a Jekyll blog: ``_posts/YYYY-MM-DD-title.md`` (or ``.markdown``), ``_drafts/``, and ``_config.yml``.

Front matter is mapped field by field; the old address comes from the post's ``permalink`` or the site's
permalink style, so it can live on as an alias. Liquid tags with a plain equivalent are mapped (``highlight``,
``post_url``, ``link``, ``site.baseurl``, ``relative_url`` and ``absolute_url`` on a quoted path, ``raw``); the
others stay in the text and are reported.
"""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from ..errors import Problem, SiteError
from ..load import Loader  # as the build reads YAML: 007 stays 007 (YAML 1.1: the number 7)
from .post import (Blog, Note, Post, as_list, date_text, first_slug, front_matter_line, names, picture,
                   split_front_matter)

SUFFIXES = (".md", ".markdown", ".mkd", ".mkdn", ".html")
NAME = re.compile(r"(\d{4})-(\d{2})-(\d{2})-(.+)")
STYLES = {"date": "/:categories/:year/:month/:day/:title:output_ext",
          "pretty": "/:categories/:year/:month/:day/:title/",
          "ordinal": "/:categories/:year/:y_day/:title:output_ext",
          "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
          "none": "/:categories/:title:output_ext"}
# Front matter the site has no use for: the theme's choices, not the post's content.
SILENT = {"layout", "comments", "share", "sitemap", "toc", "toc_sticky", "toc_label", "classes", "header",
          "sidebar", "author_profile", "read_time", "related", "show_date"}
MAPPED = {"title", "date", "categories", "category", "tags", "tag", "published", "author", "authors", "excerpt",
          "description", "summary", "permalink", "redirect_from", "last_modified_at", "modified", "slug", "image",
          "image_alt"}
HIGHLIGHT = re.compile(r"\{%-?\s*highlight\s+(\w+)[^%]*-?%\}\n?(.*?)\{%-?\s*endhighlight\s*-?%\}", re.S)
POST_URL = re.compile(r"\{%-?\s*post_url\s+([^\s%]+)\s*-?%\}")
LINK = re.compile(r"\{%-?\s*link\s+([^\s%]+)\s*-?%\}")
BASEURL = re.compile(r"\{\{-?\s*(site\.baseurl|site\.url|site\.url\s*\}\}\{\{\s*site\.baseurl)\s*-?\}\}")
RAW = re.compile(r"\{%-?\s*(end)?raw\s*-?%\}")
# {{ "/assets/pic.png" | relative_url }}: a path of the site, as Jekyll's docs write every picture and link
URL_FILTER = re.compile(r"""\{\{-?\s*(["'])([^"'{}|]*)\1\s*\|\s*(?:relative|absolute)_url\s*-?\}\}""")
LIQUID = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)


def read(folder: Path, shown: str) -> Blog:
    """Read the Jekyll site in ``folder``; raise SiteError when it has no posts folder."""
    config, notes = _config(folder, shown)
    files = [(path, False) for path in sorted((folder / "_posts").rglob("*")) if path.suffix in SUFFIXES]
    files += [(path, True) for path in sorted((folder / "_drafts").rglob("*")) if path.suffix in SUFFIXES]
    if not (folder / "_posts").is_dir():
        raise SiteError([Problem(shown, 0, "", "no _posts folder: this is not a Jekyll site",
                                 "give the folder that holds _config.yml and _posts/")])
    url = str(config.get("url") or "")
    base = "/" + str(config.get("baseurl") or "").strip("/")
    posts = []
    for path, draft in files:
        if any(part.startswith((".", "_")) for part in path.relative_to(folder).parts[1:-1]):
            continue
        post = _post(folder, path, draft, config, f"{shown.rstrip('/')}/{path.relative_to(folder).as_posix()}")
        if isinstance(post, Note):
            notes.append(post)
        else:
            posts.append(post)
    hosts = tuple(h for h in (urlsplit(url).hostname,) if h)
    return Blog(tuple(posts), tuple(notes), folder, (("/", folder),), hosts, base.rstrip("/") + "/")


def _config(folder: Path, shown: str) -> tuple[dict, list[Note]]:
    file = folder / "_config.yml"
    if not file.is_file():
        return {}, []
    try:
        data = yaml.load(file.read_text(encoding="utf-8"), Loader)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", -1) + 1
        return {}, [Note(f"{shown.rstrip('/')}/_config.yml", line, "cannot read _config.yml: its permalink style "
                         "and author were not used", "check the old addresses in 'aliases:' of the new articles")]
    return (data if isinstance(data, dict) else {}), []


def _post(folder: Path, path: Path, draft: bool, config: dict, shown: str) -> Post | Note:
    text = path.read_text(encoding="utf-8", errors="replace")
    split = split_front_matter(text)
    if split is None:
        return Note(shown, 1, "cannot read the front matter of this post: it was not imported",
                    "check the lines between the --- at the top, then import again")
    _, data, body, body_line = split
    named = NAME.fullmatch(path.stem)
    name = named.group(4) if named else path.stem
    moment = data.get("date") or (named and f"{named.group(1)}-{named.group(2)}-{named.group(3)}")
    if not moment and draft:
        moment = datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d")
    notes = [Note(shown, front_matter_line(text, key), f"{key}: not carried over: the site has no such field",
                  "copy what matters into the article's text by hand, or ignore it")
             for key in data if key not in MAPPED | SILENT]
    if draft and not data.get("date") and not named and moment:  # Jekyll dates a draft when it is published
        notes.append(Note(shown, 1, f"date: a draft without a date: dated {moment}, the day its file was last "
                          "saved", "set the date to the day you publish it, and remove 'draft: true' then"))
    when = date_text(moment) if moment else ""
    if not moment:  # Jekyll itself skips such a file in _posts: it is no post
        return Note(shown, 1, "date: none: Jekyll takes a post's date from its file name (2019-05-01-title.md) or "
                    "a 'date:' line, and this file has neither, so it was not imported",
                    "add a line 'date: 2019-05-01' at the top, or rename the file, then import again")
    if not when:
        return Note(shown, front_matter_line(text, "date"), f"date: cannot read {moment!r}: the post was not "
                    "imported", "write the date as 2019-05-01 or 2019-05-01 09:30:00 +0200, then import again")
    categories = as_list(data.get("categories")) + as_list(data.get("category"))
    categories = [*path.relative_to(folder / ("_drafts" if draft else "_posts")).parts[:-1], *categories]
    tags = as_list(data.get("tags")) + as_list(data.get("tag"))
    slug = str(data.get("slug") or name)
    old = []
    if not draft and data.get("published") is not False:
        old.append(_address(str(data.get("permalink") or config.get("permalink") or "date"), categories,
                            when, slug, data.get("title") or name, path, config))
    old += [str(a) for a in as_list(data.get("redirect_from"))]
    summary = data.get("excerpt") or data.get("description") or data.get("summary") or ""
    body, liquid = _liquid(body)
    image, alt = picture(data.get("image"))
    return Post(
        origin=shown, line=1, title=str(data.get("title") or name.replace("-", " ").capitalize()),
        date=when, slug=first_slug(slug, str(data.get("title") or "")), body=body,
        draft=draft or data.get("published") is False, topics=tuple(dict.fromkeys([*categories, *tags])),
        authors=names(data.get("author"), data.get("authors"), config.get("author")),
        summary=re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", str(summary))).strip(),
        updated=date_text(data.get("last_modified_at") or data.get("modified") or ""),
        old_urls=tuple(o for o in old if o), keys=(f"/_posts/{path.stem}", f"/_posts/{path.name}"),
        folder=path.parent, notes=(*notes, *liquid), image=image, image_alt=str(data.get("image_alt") or alt),
    )


def _address(pattern: str, categories: list[str], when: str, slug: str, title: str, path: Path,
             config: dict) -> str:
    """The address Jekyll gave the post: its permalink pattern with the post's values put in."""
    pattern = STYLES.get(pattern, pattern)
    moment = datetime.fromisoformat(when[:10])
    values = {
        "year": f"{moment.year:04d}", "month": f"{moment.month:02d}", "day": f"{moment.day:02d}",
        "i_month": str(moment.month), "i_day": str(moment.day), "short_year": f"{moment.year % 100:02d}",
        "y_day": f"{moment.timetuple().tm_yday:03d}", "week": f"{moment.isocalendar()[1]:02d}",
        "short_day": moment.strftime("%a"), "title": slug, "slug": slug, "name": slug,
        "categories": "/".join(c.lower().replace(" ", "-") for c in dict.fromkeys(categories)),
        "output_ext": ".html",
    }
    address = re.sub(r":(\w+)", lambda m: values.get(m.group(1), m.group(0)), pattern)
    address = re.sub(r"/{2,}", "/", "/" + address)
    base = str(config.get("baseurl") or "").strip("/")
    return (f"/{base}" if base else "") + address


def _liquid(body: str) -> tuple[str, list[Note]]:
    """Map the Liquid tags that have a Markdown equivalent; report the others."""
    body = HIGHLIGHT.sub(lambda m: f"```{m.group(1)}\n{m.group(2).rstrip()}\n```", body)
    body = POST_URL.sub(lambda m: f"/_posts/{m.group(1).rsplit('/', 1)[-1]}", body)  # a key of the post (write.py)
    body = LINK.sub(lambda m: "/" + m.group(1).lstrip("/").removeprefix("_drafts/"), body)
    body = BASEURL.sub("", body)
    body = URL_FILTER.sub(lambda m: "/" + m.group(2).lstrip("/"), body)
    body = RAW.sub("", body)
    notes = [Note("", 0, f"the Liquid tag {match.group(0)!r} was kept as text: only Jekyll understood it",
                  "replace it with what it showed on the old site, or delete it", match.group(0))
             for match in LIQUID.finditer(body)]
    return body, notes
