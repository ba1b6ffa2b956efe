"""Read a WordPress (or Squarespace) export, the WXR format: RSS 2.0 with WordPress's own elements.

Posts become articles and pages standalone pages; categories and tags become topics; the post's address becomes
an alias. Shortcodes WordPress expands when it shows a post are mapped where they have a plain equivalent
(captions, embeds) and reported otherwise. Pictures in ``wp-content/uploads`` are taken from an ``uploads`` folder
beside the export when there is one.
"""
from __future__ import annotations

import bisect
import html
import re
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import parse

from ..errors import Problem, SiteError
from .html import embed_html, to_markdown
from .post import Blog, Note, Post, date_text, first_slug, old_path

NAMESPACES = {"http://purl.org/rss/1.0/modules/content/": "content", "http://purl.org/dc/elements/1.1/": "dc"}
SKIPPED_STATUS = {"trash", "auto-draft", "inherit"}
DRAFT_STATUS = {"draft", "pending", "private"}
SHORTCODE = re.compile(r"\[(\w[\w-]*)(\s[^\[\]]*|=[^\[\]]*)?\]")  # the opening tag; the closing one is looked up
ENCLOSED = 100_000  # how far a closing [/name] is looked for: a post of unclosed tags stays fast
KNOWN = {"caption", "wp_caption", "embed", "youtube", "vimeo", "gallery", "audio", "video", "playlist",
         "contact-form-7", "contact-form", "wpforms", "gravityform", "ninja_form", "soundcloud", "tweet", "instagram"}


def _kind(tag: str) -> tuple[str, str]:
    """('wp' | 'excerpt' | 'content' | 'dc' | '', local name) of an element, whatever the WXR version."""
    if not tag.startswith("{"):
        return "", tag
    uri, local = tag[1:].split("}", 1)
    if re.fullmatch(r"https?://wordpress\.org/export/[\d.]+/excerpt/", uri):
        return "excerpt", local
    if re.fullmatch(r"https?://wordpress\.org/export/[\d.]+/", uri):
        return "wp", local
    return NAMESPACES.get(uri, uri), local


def _fields(element) -> dict[tuple[str, str], str]:
    return {_kind(child.tag): (child.text or "") for child in element}


def _item_lines(text: str) -> list[int]:
    """The line of each <item>, read past CDATA (a post may quote XML): ElementTree keeps no line numbers."""
    lines, line, position = [], 1, 0
    for match in re.finditer(r"<!\[CDATA\[.*?\]\]>|<item\b", text, re.S):
        line += text.count("\n", position, match.start())
        position = match.start()
        if match.group(0).startswith("<item"):
            lines.append(line)
    return lines


def read(export: Path, shown: str) -> Blog:
    """Read the export file; raise SiteError when it is not a readable WXR file."""
    try:
        raw = export.read_bytes()
        root = parse(export).getroot()
    except ParseError as exc:
        line, column = getattr(exc, "position", None) or (0, 0)
        reason = re.sub(r": line \d+, column \d+$", "", str(exc))
        raise SiteError([Problem(shown, line, "", f"cannot read this export: {reason} (column {column + 1})",
                                 "export it again (WordPress: Tools > Export > All content)")]) from None
    except DefusedXmlException:
        raise SiteError([Problem(shown, 0, "", "this export declares entities or a DTD, which is refused",
                                 "export it again from WordPress, without editing the file")]) from None
    except OSError as exc:
        raise SiteError([Problem(shown, 0, "", f"cannot read this file ({exc.strerror})")]) from None
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise SiteError([Problem(shown, 1, "", "this is not a WordPress export (no <rss><channel>)",
                                 "in WordPress choose Tools > Export > All content; in Squarespace Settings > "
                                 "Import & Export > Export > WordPress")])
    info = _fields(channel)
    base = info.get(("wp", "base_blog_url")) or info.get(("", "link")) or ""
    site_url = info.get(("wp", "base_site_url")) or base
    hosts = tuple(dict.fromkeys(h for h in (urlsplit(base).hostname, urlsplit(site_url).hostname) if h))
    authors = {}
    for author in channel:
        if _kind(author.tag) == ("wp", "author"):
            values = _fields(author)
            login = values.get(("wp", "author_login"), "")
            name = values.get(("wp", "author_display_name"), "") or " ".join(
                v for v in (values.get(("wp", "author_first_name")), values.get(("wp", "author_last_name"))) if v)
            authors[login] = name.strip() or login
    lines = _item_lines(raw.decode("utf-8", "replace"))
    pictures = {}  # attachment id -> (address, description): posts name their featured picture by id
    for item in channel.findall("item"):
        values = _fields(item)
        if values.get(("wp", "post_type")) == "attachment":
            pictures[values.get(("wp", "post_id"), "")] = (values.get(("wp", "attachment_url"), ""),
                                                           _meta(item).get("_wp_attachment_image_alt", ""))
    posts, notes, skipped, comments = [], [], {}, 0
    for index, item in enumerate(channel.findall("item")):
        line = lines[index] if index < len(lines) else 0
        values = _fields(item)
        kind = values.get(("wp", "post_type"), "post")
        status = values.get(("wp", "status"), "publish")
        comments += sum(1 for child in item if _kind(child.tag) == ("wp", "comment"))
        if kind not in ("post", "page") or status in SKIPPED_STATUS:
            if kind not in ("attachment", "revision", "nav_menu_item") and status not in SKIPPED_STATUS:
                skipped.setdefault(kind, line)
            continue
        posts.append(_post(item, values, kind, status, shown, line, authors, hosts, pictures))
    for kind, line in skipped.items():
        notes.append(Note(shown, line, f"items of type {kind!r} were not imported",
                          "copy what they say into articles or pages by hand"))
    if comments:
        were = "1 comment was" if comments == 1 else f"{comments} comments were"
        notes.append(Note(shown, 1, f"{were} not imported: the site has no comments",
                          "keep the export if you want to keep them"))
    uploads = next((folder for folder in (export.parent / "wp-content" / "uploads", export.parent / "uploads")
                    if folder.is_dir()), None)
    base_path = urlsplit(base).path.rstrip("/") + "/"
    mounts = (("/wp-content/uploads/", uploads),) if uploads else ()
    return Blog(tuple(posts), tuple(notes), export.parent, mounts, hosts, base_path)


def _meta(item) -> dict[str, str]:
    """An item's wp:postmeta as {key: value}."""
    found = {}
    for meta in item:
        if _kind(meta.tag) == ("wp", "postmeta"):
            values = _fields(meta)
            found[values.get(("wp", "meta_key"), "")] = values.get(("wp", "meta_value"), "")
    return found


def _post(item, values: dict, kind: str, status: str, shown: str, line: int, authors: dict,
          hosts: tuple[str, ...], pictures: dict) -> Post:
    title = html.unescape(values.get(("", "title"), "")).strip()
    gmt = values.get(("wp", "post_date_gmt"), "")
    local = values.get(("wp", "post_date"), "")
    date = (date_text(gmt) + "+00:00" if gmt and not gmt.startswith("0000") and date_text(gmt) else
            date_text(local) if local and not local.startswith("0000") else "")
    notes = []
    if not date:
        date = "2000-01-01"
        notes.append(Note(shown, line, f"'{title}' has no date; 2000-01-01 was written", "set the real 'date:'"))
    topics = [html.unescape(c.text or "").strip() for c in item.findall("category")
              if c.get("domain") in ("category", "post_tag")]
    body, body_notes = _body(values.get(("content", "encoded"), ""), shown, line)
    link = values.get(("", "link"), "")
    if values.get(("wp", "post_password")):  # readers needed a password: it must not become public unasked
        status = "private"
        notes.append(Note(shown, line, f"'{title}' was protected by a password on the old site: it is a draft here",
                          "publish it (draft: false) only if everyone may read it; the site has no passwords"))
    old = old_path(link, hosts) if status not in DRAFT_STATUS else ""
    excerpt = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", values.get(("excerpt", "encoded"), ""))))
    creator = values.get(("dc", "creator"), "").strip()
    image, alt = pictures.get(_meta(item).get("_thumbnail_id", ""), ("", ""))
    return Post(
        origin=shown, line=line, title=title or "Untitled", date=date,
        slug=first_slug(values.get(("wp", "post_name"), ""), title, f"post-{values.get(('wp', 'post_id'), '')}"),
        body=body, kind="article" if kind == "post" else "page", draft=status in DRAFT_STATUS,
        topics=tuple(dict.fromkeys(t for t in topics if t)),
        authors=(authors.get(creator, creator),) if creator else (),
        summary=excerpt.strip(), old_urls=(old,) if old and old != "/" else (),
        keys=(f"/?p={values.get(('wp', 'post_id'), '')}", f"/?page_id={values.get(('wp', 'post_id'), '')}"),
        image=image, image_alt=alt.strip(),
        notes=(*notes, *body_notes),
    )


def _body(content: str, shown: str, line: int) -> tuple[str, list[Note]]:
    """A post's HTML with its shortcodes mapped, as Markdown; notes for the shortcodes left as they were."""
    notes: list[Note] = []

    def shortcode(name: str, whole: str, attributes: str, inner: str | None) -> str:
        if name in ("caption", "wp_caption") and inner is not None:
            picture = re.search(r"<img\b[^>]*>", inner)
            caption = re.sub(r"<img\b[^>]*>|</?a\b[^>]*>", "", inner).strip()
            if picture:
                return f"<figure>{picture.group(0)}<figcaption>{caption}</figcaption></figure>"
        if name in ("embed", "youtube", "vimeo"):
            url = re.sub(r"^=|^\s*url=", "", (inner or attributes).strip()).strip().strip("\"'")
            if url:
                return f"<p>{embed_html(url.split()[0])}</p>"
        tag = whole[: whole.find("]") + 1] if whole.startswith("[") else whole
        notes.append(Note("", 0, f"the shortcode [{name}] was kept as text: it only worked inside WordPress",
                          "replace it: pictures with ![description](/media/...), forms with a link to the contact "
                          "page, or delete it", tag[: len(name) + 1]))
        return whole

    closings: dict[str, list[int]] = {}  # where each [/name] is, so pairing a tag is a lookup, not a search
    for found in re.finditer(r"\[/(\w[\w-]*)\]", content):
        closings.setdefault(found.group(1), []).append(found.start())
    out, position = [], 0
    while match := SHORTCODE.search(content, position):
        name, attributes = match.group(1), match.group(2) or ""
        ends = closings.get(name, [])
        after = bisect.bisect_left(ends, match.end())
        closing = ends[after] if after < len(ends) and ends[after] - match.end() < ENCLOSED else -1
        if name.lower() not in KNOWN and closing < 0 and "=" not in attributes:
            out.append(content[position:match.end()])  # "[sic]" and other brackets in the text are not shortcodes
            position = match.end()
            continue
        end = closing + len(name) + 3 if closing >= 0 else match.end()
        inner = content[match.end():closing] if closing >= 0 else None
        out.append(content[position:match.start()])
        out.append(shortcode(name.lower(), content[match.start():end], attributes, inner))
        position = end
    content = "".join(out) + content[position:]
    text, converted = to_markdown(content, shown, line)
    return text, notes + converted
