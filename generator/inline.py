"""Python-Markdown's inline pass, without trying patterns that cannot match the text at hand.

Python-Markdown tries each of its fifteen inline patterns (links, emphasis, code, HTML...) on every run of text, one
Python call each even where the text has none of the characters the pattern starts with: a third of the work of
converting an article (docs/performance.md). ``FastInlineExtension`` replaces its inline tree processor by one
that skips a pattern when none of the characters its regular expression needs are in the text: the same patterns,
in the same order, on the same text, so the same HTML. Only patterns whose expression is one of those below, as
written in Python-Markdown 3.x, are ever skipped: any other (an extension's, or one a later release changes) is
always tried.
"""
from __future__ import annotations

from markdown import treeprocessors, util
from markdown.extensions import Extension
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
        self.needs = [_needs(pattern) for pattern in self.patterns]
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802 - overrides
        if isinstance(data, util.AtomicString):
            return data
        patterns, needs, apply = self.patterns, self.needs, self._InlineProcessor__applyPattern
        startIndex = 0
        while patternIndex < len(patterns):
            wanted = needs[patternIndex]
            if wanted is not None and not any(part in data for part in wanted):
                matched, startIndex = False, 0  # what trying it would have given
            else:
                data, matched, startIndex = apply(patterns[patternIndex], data, patternIndex, startIndex)
            if not matched:
                patternIndex += 1
        return data


class FastInlineExtension(Extension):
    def extendMarkdown(self, md) -> None:  # noqa: N802 - Python-Markdown's name
        md.treeprocessors.register(FastInlineProcessor(md), "inline", 20)
