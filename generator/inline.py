"""Python-Markdown's inline pass, without trying patterns that cannot match the text at hand.

Python-Markdown tries each of its fifteen inline patterns (links, emphasis, code, HTML...) on every run of text, one
Python call each even where the text has none of the characters the pattern starts with: a third of the work of
converting an article (docs/performance.md). ``FastInlineExtension`` replaces its inline tree processor by one
that skips a pattern when none of the characters its regular expression needs are in the text: the same patterns,
in the same order, on the same text, so the same HTML. Only patterns whose expression is one of those below, as
written in Python-Markdown 3.x, are ever skipped: any other (an extension's, or one a later release changes) is
always tried.

Two more of its passes skip work that cannot change the HTML at hand: ``_AttrLists`` and ``_HeadingIds`` look at
the document's text once, in C, and do their Python-level walk of every element only where it can find something.
"""
from __future__ import annotations

from xml.etree import ElementTree

from markdown import treeprocessors, util
from markdown.extensions import Extension
from markdown.extensions.attr_list import AttrListExtension, AttrListTreeprocessor
from markdown.extensions.toc import TocExtension, TocTreeprocessor
from markdown.inlinepatterns import DelimiterProcessor

# A pattern's regular expression (as Python-Markdown writes it) -> the strings one of which must be in the text for
# it to match anywhere.
NEEDS: dict[str, tuple[str, ...]] = {
    r'(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)': ("`",),  # code: `...`
    r'\\(.)': ("\\",),  # an escaped character
    r'(?<!\!)\[': ("[",),  # a link, a reference
    r'\!\[': ("![",),  # a picture
    r'\[\^([^\]]*)\]': ("[^",),  # a footnote reference
    r'<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>': ("<",),  # <https://...>
    r'<([^<> !]+@[^@<> ]+)>': ("<",),  # <name@example.org>
    r'(&(?:\#[0-9]+|\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)': ("&",),  # an entity
    r'  \n': ("  \n",),  # a line break
}
HTML_OPENING = r'''(<(\/?+[a-zA-Z]'''  # raw HTML: every one of its forms starts with '<'


def _needs(pattern) -> tuple[str, ...] | None:
    """What a pattern needs in the text to match, or None when it must always be tried."""
    if type(pattern) is DelimiterProcessor:  # emphasis: its expression is the list of its delimiters, '*' or '_'
        return tuple(pattern.tokens) or None
    expression = getattr(pattern, "pattern", None)
    if not isinstance(expression, str):
        return None
    if expression.startswith(HTML_OPENING) and expression.endswith(")>)"):
        return ("<",)
    return NEEDS.get(expression)


class FastInlineProcessor(treeprocessors.InlineProcessor):
    """Python-Markdown's ``InlineProcessor``, whose loop over the patterns skips those that cannot match."""

    def run(self, tree, ancestors=None):
        # The patterns as this document's pass finds them: the registry sorts itself on every lookup by index.
        self.patterns = list(self.inlinePatterns)
        # One string needed: looked for directly, the common case (any() over one string costs three times more).
        self.needs = [found[0] if found and len(found) == 1 else found for found in map(_needs, self.patterns)]
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802 - overrides
        if isinstance(data, util.AtomicString):
            return data
        patterns, needs, apply = self.patterns, self.needs, self._InlineProcessor__applyPattern
        startIndex = 0
        while patternIndex < len(patterns):
            wanted = needs[patternIndex]
            if wanted is not None and (wanted not in data if type(wanted) is str else
                                       not any(part in data for part in wanted)):
                matched, startIndex = False, 0  # what trying it would have given
            else:
                data, matched, startIndex = apply(patterns[patternIndex], data, patternIndex, startIndex)
            if not matched:
                patternIndex += 1
        return data


class FastInlineExtension(Extension):
    def extendMarkdown(self, md) -> None:  # noqa: N802 - Python-Markdown's name
        md.treeprocessors.register(FastInlineProcessor(md), "inline", 20)


class _AttrLists(AttrListTreeprocessor):
    """attr_list's pass, only for a document with a '{' in its text: without one, no element ends in '{: .class }'."""

    def run(self, doc) -> None:
        if "{" in "".join(doc.itertext()):  # every text and tail it would look at
            super().run(doc)


class _HeadingIds(TocTreeprocessor):
    """toc's pass, which gives the headings their ids, making its table of contents only for a document with the
    marker ('[TOC]') in its text, where the table would go. Otherwise the table was built, serialized and
    post-processed for nothing, 6 % of converting an article; ``md.toc`` is then empty, and nothing here reads it."""

    def run(self, doc) -> None:
        marker = self.marker
        self.table = bool(marker) and marker in "".join(doc.itertext())  # where an element's text may be it
        self.marker = marker if self.table else ""
        try:
            super().run(doc)
        finally:
            self.marker = marker

    def build_toc_div(self, toc_list: list) -> ElementTree.Element:
        return super().build_toc_div(toc_list) if self.table else ElementTree.Element("div")


class HeadingIdsExtension(TocExtension):
    """Python-Markdown's toc extension, with the pass above."""
    TreeProcessorClass = _HeadingIds


class AttrListsExtension(AttrListExtension):
    """Python-Markdown's attr_list extension, with the pass above."""

    def extendMarkdown(self, md) -> None:  # noqa: N802 - Python-Markdown's name
        super().extendMarkdown(md)
        md.treeprocessors.register(_AttrLists(md), "attr_list", 8)
