"""Warnings stage: the frozen Site -> things that build fine but that a practice will probably want to fix.

Input: the Site and the source folder (read only to find the line of a field). Output: Problems, sorted, in the
same shape as errors, so ``--strict`` can turn them into errors without another format. Nothing here fails a
build by itself.
"""
from __future__ import annotations

import re
from pathlib import Path

from .errors import Collector, Problem, did_you_mean
from .models import Site


def warnings(site: Site, source: Path) -> tuple[Problem, ...]:
    """Return every warning about the site: profiles without a photo, articles without a summary, lone topics."""
    found = Collector()
    for therapist in site.therapists:
        if not therapist.photo:
            found.add(therapist.source, line_of(source, therapist.source, "photo"), "photo",
                      "no photo: the profile and the directory show initials instead of a face",
                      "put a .jpg, .png or .webp photo in therapists/, write its file name after 'photo:' "
                      "and describe it after 'photo_alt:'")
    for article in site.articles:
        if not article.summary:
            found.add(article.source, line_of(source, article.source, "summary"), "summary",
                      "no summary: lists, search engines and newsletters will show the first words instead",
                      "add a line 'summary: ...' with one or two sentences about the article")
    names = [topic.name for topic in site.topics]
    for topic in site.topics:
        if len(topic.articles) == 1 and not topic.therapists and not topic.description_html:
            article = topic.articles[0]
            others = [name for name in names if name != topic.name]
            close = did_you_mean(topic.name, others) if others else ""
            found.add(article.source, line_of(source, article.source, "topics"), "topics",
                      f"the topic {topic.name!r} has only this article and nothing else on its page",
                      close if close.startswith("did") else
                      "add it to other articles, describe it in content/topics/, or use an existing topic")
    return tuple(sorted(set(found.problems)))


def line_of(source: Path, path: str, field: str) -> int:
    """Return the line where ``field:`` starts in a source file, or 0 when it is not written there."""
    try:
        text = (source / path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return 0
    pattern = re.compile(rf"{re.escape(field)}\s*:")
    for number, line in enumerate(text.splitlines(), 1):
        if path.endswith(".md") and number > 1 and line.rstrip() in ("---", "..."):
            break  # the front matter ends here; the body may say anything
        if pattern.match(line):
            return number
    return 0
