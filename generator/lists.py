"""Lists as people type them (a Python-Markdown extension of the markup stage).

Python-Markdown follows the original Markdown.pl: a list needs an empty line before it, and a nested list needs
four spaces. Most editors and other Markdown tools (CommonMark, GitHub) accept a list right after a paragraph
and nesting by two spaces, so articles written or pasted from elsewhere lost their lists. This preprocessor
rewrites list lines to what Python-Markdown expects: an empty line before a list that follows a paragraph, and
four spaces per level of nesting, however many were typed. Code blocks are already set aside when it runs.

mdx_truly_sane_lists does the nesting part, but is unmaintained since 2022 and does not start a list after a
paragraph; this is the few lines both need.
"""
from __future__ import annotations

import re

from markdown import Extension
from markdown.preprocessors import Preprocessor

MARKER = re.compile(r"( *)([-*+]|(\d{1,9})[.)])[ \t]+\S")
INDENT = 4  # Python-Markdown's tab length: one level of nesting


class ListLines(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        levels: list[int] = []  # the indentation typed for each open level of the list
        previous = "blank"  # the line before: blank, text (a paragraph), list (an item) or paragraph in item
        for line in lines:
            if not line.strip():
                out.append(line)
                previous = "blank"
                continue
            indent = len(line) - len(line.lstrip(" "))
            marker = MARKER.match(line)
            if marker and (levels or indent < INDENT):
                if previous == "paragraph in item":  # the item's own paragraphs end here, not go on
                    out.append("")
                if not levels and previous == "text":
                    # CommonMark: a bullet list, or a numbered list starting at 1, may follow a paragraph at once
                    if marker.group(3) is not None and marker.group(3) != "1":
                        out.append(line)
                        continue
                    out.append("")
                while levels and indent < levels[-1]:
                    levels.pop()
                if not levels or indent > levels[-1]:
                    levels.append(indent)
                out.append(" " * (INDENT * (len(levels) - 1)) + line.lstrip(" "))
                previous = "list"
                continue
            if levels and indent > 0:  # text inside an item: indent it to that item's content
                depth = sum(1 for level in levels if level < indent)
                out.append(" " * (INDENT * depth) + line.lstrip(" "))
                previous = "paragraph in item" if previous in ("blank", "paragraph in item") else previous
                continue
            if previous == "blank":
                levels = []  # a paragraph after an empty line ends the list
            out.append(line)
            previous = "text" if not levels else previous
        return out


class ListsExtension(Extension):
    def extendMarkdown(self, md) -> None:
        # After fenced code (25) and HTML blocks (20) are set aside, so code and raw HTML are never touched.
        md.preprocessors.register(ListLines(md), "typed_lists", 15)
