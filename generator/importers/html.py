"""HTML bodies (WordPress, Squarespace) -> Markdown, with markdownify where Markdown says the same thing.

Embedded players become links (pages load nothing from other sites); tables that span cells stay HTML, which the
sanitizer accepts; scripts and styles are dropped and reported.
"""
from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

from markdownify import MarkdownConverter

from .post import Note

BLOCK = re.compile(r"^\s*<(p|div|h[1-6]|ul|ol|li|blockquote|pre|table|figure|hr|dl|section|iframe|!--)\b", re.I)
COMMENT = re.compile(r"<!--.*?-->", re.S)
MORE = re.compile(r"<!--\s*more\s*-->|<!--\s*noteaser\s*-->", re.I)
IFRAME = re.compile(r"<(iframe|embed|object|video|audio)\b[^>]*?\bsrc=[\"']([^\"']+)[\"'][^>]*>(?:.*?</\1>)?",
                    re.I | re.S)
DROPPED = re.compile(r"<(script|style|form)\b.*?</\1>", re.I | re.S)


def embed_target(url: str) -> tuple[str, str]:
    """(link text, address) standing in for an embedded player: the page may not load it, a visitor may follow it."""
    address = url.strip()
    address = "https:" + address if address.startswith("//") else address if "://" in address else "https://" + address
    parts = urlsplit(address)
    host = parts.netloc.lower().removeprefix("www.").removeprefix("m.")
    if host in ("youtube.com", "youtube-nocookie.com", "youtu.be"):
        if host == "youtu.be" or "/embed/" in parts.path:
            video = parts.path.rstrip("/").rsplit("/", 1)[-1]
        else:
            video = parse_qs(parts.query).get("v", [""])[0]
        if video:
            return "Watch the video on YouTube", f"https://www.youtube.com/watch?v={video}"
    if host in ("vimeo.com", "player.vimeo.com"):
        video = parts.path.rstrip("/").rsplit("/", 1)[-1]
        if video.isdigit():
            return "Watch the video on Vimeo", f"https://vimeo.com/{video}"
    return f"See it on {host or address}", address


def embed_link(url: str) -> str:
    """The Markdown link that replaces an embedded player."""
    text, address = embed_target(url)
    return f"[{text}]({address})"


def autop(html: str) -> str:
    """WordPress stores paragraphs as blank lines (its wpautop adds <p> when showing them): add them here."""
    chunks = re.split(r"\n\s*\n", html.replace("\r\n", "\n").strip())
    out = []
    for chunk in chunks:
        if BLOCK.match(chunk) or not chunk.strip():
            out.append(chunk)
        else:
            out.append("<p>" + re.sub(r"(?<!>)\n(?!<)", "<br>\n", chunk.strip()) + "</p>")
    return "\n\n".join(out)


class Converter(MarkdownConverter):
    """markdownify, keeping tables with joined cells as HTML (Markdown tables cannot join cells), and a picture's
    caption in italics under it, as a Hugo figure's comes."""

    def convert_figcaption(self, el, text, parent_tags):
        caption = " ".join(text.split())
        return f"\n\n*{caption}*\n\n" if caption else ""

    def convert_table(self, el, text, parent_tags):
        if el.find(attrs={"colspan": True}) or el.find(attrs={"rowspan": True}):
            return "\n\n" + str(el) + "\n\n"
        return super().convert_table(el, text, parent_tags)


def _language(el) -> str:
    for name in el.get("class") or []:
        if name.startswith(("language-", "lang-")):
            return name.split("-", 1)[1]
    code = el.find("code")
    return _language(code) if code is not None and code is not el else ""


def to_markdown(html: str, origin: str, line: int) -> tuple[str, list[Note]]:
    """Convert one HTML body; return the Markdown and notes about what could not come along."""
    notes = []
    html = MORE.sub("", html)
    for match in DROPPED.finditer(html):
        notes.append(Note(origin, line, f"a <{match.group(1).lower()}> element was left out",
                          "pages run no scripts or forms from old posts: add what it did in another way"))
    html = DROPPED.sub("", html)
    html = IFRAME.sub(lambda m: f"<p>{embed_html(m.group(2))}</p>", html)
    html = autop(COMMENT.sub("", html))
    try:
        text = Converter(heading_style="ATX", bullets="-", code_language_callback=_language, escape_misc=False,
                         escape_underscores=False, escape_asterisks=False).convert(html)
    except RecursionError:  # elements nested thousands deep: kept as HTML, which the build sanitizes
        notes.append(Note(origin, line, "the post's HTML is nested too deeply to turn into Markdown: it was kept "
                          "as HTML", "read the article once it is built, and simplify it if it looks wrong"))
        return html, notes
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    return text, notes


def embed_html(url: str) -> str:
    """The <a> element that replaces an embedded player (markdownify makes it the same Markdown link)."""
    text, address = embed_target(url)
    return f'<a href="{html.escape(address)}">{text}</a>'
