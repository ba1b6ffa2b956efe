"""Embeds (part of the markup stage): video players and gist scripts pasted into Markdown -> plain links.

A YouTube or Vimeo player is a page from another company that knows who watched, and a gist script runs code from
GitHub: pages here load nothing from other websites. Instead of silently dropping what was pasted, each becomes a
link card saying where it leads ("Watch on YouTube: <title>"), which the reader can choose to follow.
"""
from __future__ import annotations

import html
import re

IFRAME = re.compile(r"<iframe\b([^>]*)>(.*?)</iframe\s*>|<iframe\b([^>]*)/>", re.IGNORECASE | re.DOTALL)
GIST = re.compile(r"""<script\b[^>]*\bsrc\s*=\s*["'](https://gist\.github\.com/[\w.-]+/\w+)(?:\.js)?[^"']*["'][^>]*>"""
                  r"\s*</script\s*>", re.IGNORECASE)
ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
VIDEOS = (
    (re.compile(r"(?:https?:)?//(?:www\.)?(?:youtube(?:-nocookie)?\.com/embed/|youtu\.be/)([\w-]{6,})", re.I),
     "https://www.youtube.com/watch?v={}", "YouTube"),
    (re.compile(r"(?:https?:)?//player\.vimeo\.com/video/(\d+)", re.I), "https://vimeo.com/{}", "Vimeo"),
)


def _attributes(text: str) -> dict[str, str]:
    return {m.group(1).lower(): html.unescape(next(g for g in m.groups()[1:] if g is not None))
            for m in ATTRIBUTE.finditer(text)}


def video(tag_attributes: str) -> tuple[str, str, str] | None:
    """(watch URL, service, title) of a YouTube or Vimeo player's attributes; None for any other iframe."""
    found = _attributes(tag_attributes)
    for pattern, watch, service in VIDEOS:
        match = pattern.match(found.get("src", "").strip())
        if match:
            return watch.format(match.group(1)), service, found.get("title", "").strip()
    return None


def _card(url: str, label: str) -> str:
    return f'<p class="embed-card"><a href="{html.escape(url)}">{html.escape(label)}</a></p>'


def _iframe(match: re.Match) -> str:
    found = video(match.group(1) if match.group(1) is not None else match.group(3))
    if found is None:
        return match.group(0)  # any other iframe is the sanitizer's to remove (and the warnings' to report)
    url, service, title = found
    return _card(url, f"Watch on {service}: {title}" if title else f"Watch on {service}")


def cards(text: str) -> str:
    """Replace video players and gist scripts in Markdown or HTML with link cards; leave everything else."""
    if "<iframe" not in text.lower() and "gist.github.com" not in text:
        return text
    text = IFRAME.sub(_iframe, text)
    return GIST.sub(lambda m: _card(m.group(1), "View the code on GitHub"), text)
