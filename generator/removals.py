"""What the sanitizer removes (part of the warnings stage): raw HTML in a Markdown text -> warnings with lines.

markup.py cleans raw HTML through an allow-list, so a pasted video player, form or ``style=`` simply vanishes from
the page. This reads the same text the way the sanitizer will see it (code blocks and code spans set aside, as
Markdown shows those as text) and names, with its line, every element and attribute that will not reach the page,
and what to do instead. Video players and gist scripts are not removals: embeds.py turns them into links.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from . import embeds
from .markup import ATTRIBUTES, REMOVED_WITH_CONTENT, SCHEMES, TAGS

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})[^\n]*\n.*?^ {0,3}\1[`~]*[ \t]*$", re.MULTILINE | re.DOTALL)
SPAN = re.compile(r"(`+)[^`].*?\1", re.DOTALL)
INDENTED = re.compile(r"(?:^|\n\n)((?: {4}|\t)[^\n]*(?:\n(?: {4}|\t)[^\n]*|\n[ \t]*(?=\n))*)")
TAG_NAME = re.compile(r"[a-z][a-z0-9-]*")
Warning = tuple[int, str, str]  # (line within the text, message, hint)

ELEMENTS = {  # why an element goes, and what to do instead
    "script": ("scripts never run on this site", "delete it; to show code, put it between lines of ```"),
    "style": ("colours and layout come from the theme", "delete it; brand colours go in site.yaml's colors:"),
    "noscript": ("the site works without JavaScript, so it needs no fallback", "delete it"),
    "iframe": ("pages here load nothing from other websites",
               "link to the page instead, e.g. [Open it on {host}]({src})"),
    "form": ("pages here collect nothing from visitors", "link to the form on the service that runs it"),
    "object": ("pages here load no plug-ins", "link to the file instead"),
    "embed": ("pages here load no plug-ins", "link to the file instead"),
    "video": ("pages here play no media", "link to the video instead"),
    "audio": ("pages here play no media", "link to the recording instead"),
}


def _mask(match: re.Match) -> str:
    """Blank out code, keeping its line breaks so that the lines of what follows stay right."""
    return re.sub(r"[^\n]", " ", match.group(0))


def removals(text: str) -> list[Warning]:
    """Every element and attribute of the raw HTML in ``text`` that the sanitizer will remove, by line (from 1)."""
    if "<" not in text:
        return []
    masked = SPAN.sub(_mask, INDENTED.sub(_mask, FENCE.sub(_mask, text)))
    finder = _Finder()
    finder.feed(masked)
    finder.close()
    return finder.found


class _Finder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[Warning] = []
        self.inside = 0  # within an element removed with its content: what is inside goes with it

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        if not TAG_NAME.fullmatch(tag):  # <https://…> and <name@host> are Markdown's links, not HTML
            return
        values = {name: value or "" for name, value in attrs}
        if self.inside:
            self.inside += tag in REMOVED_WITH_CONTENT
            return
        if tag in REMOVED_WITH_CONTENT:
            self.inside = 1
        if tag == "iframe" and embeds.video(self.get_starttag_text() or ""):
            return  # a YouTube or Vimeo player: becomes a link card
        if tag == "script" and values.get("src", "").startswith("https://gist.github.com/"):
            return  # a gist: becomes a link
        if tag not in TAGS:
            why, hint = ELEMENTS.get(tag, ("it is not among the HTML allowed in articles",
                                           "write it in Markdown instead, or delete it"))
            src = values.get("src", "")
            hint = hint.format(host=urlsplit(src).hostname or "its website", src=src)
            kept = "" if tag in REMOVED_WITH_CONTENT or tag in ELEMENTS else " (its text is kept)"
            self.found.append((line, f"the <{tag}> element is removed{kept}: {why}", hint))
            return
        allowed = ATTRIBUTES["*"] | ATTRIBUTES.get(tag, set())
        for name, value in values.items():
            if name not in allowed:
                self.found.append((line, *_attribute(tag, name)))
            elif name in ("href", "src") and ":" in value.split("/")[0]:
                scheme = value.split(":", 1)[0].strip().lower()
                if scheme not in SCHEMES:
                    self.found.append((line, f"the link {value[:60]!r} of <{tag}> is removed: only web (https:), "
                                             "email (mailto:) and phone (tel:) links are kept",
                                       "link to a web page instead"))

    def handle_endtag(self, tag: str) -> None:
        if self.inside and tag in REMOVED_WITH_CONTENT:
            self.inside -= 1


def _attribute(tag: str, name: str) -> tuple[str, str]:
    if name == "style":
        return (f"the style attribute of <{tag}> is removed: the site's security policy blocks inline styles",
                "delete it; for emphasis use Markdown (**bold**, *italics*), brand colours go in site.yaml")
    if name.startswith("on"):
        return f"the {name} attribute of <{tag}> is removed: scripts never run on this site", "delete it"
    return (f"the {name} attribute of <{tag}> is removed: it is not among the attributes allowed in articles",
            "delete it")
