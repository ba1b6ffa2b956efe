"""Markdown conversion: each thread converts with its own converter, so serve's two threads never mix documents."""
from __future__ import annotations

import functools
import random
import re
import threading

import pytest
from hypothesis import given, settings, strategies as st

from conftest import REPO
from generator.markup import to_html


def document(number: int) -> str:
    """A text that uses what keeps state inside a converter: footnotes, abbreviations, heading ids, code, HTML."""
    return (f"# Heading {number}\n\n## Part {number}\n\nParagraph {number} with a note[^n{number}] and "
            f"ABBR{number}.\n\n*[ABBR{number}]: Abbreviation {number}\n\n"
            f"```\ncode {number}\n```\n\n<div markdown=\"1\">inside *{number}*</div>\n\n"
            f"| a | b |\n|:-:|--:|\n| {number} | {number * 2} |\n\n"
            f"[^n{number}]: Footnote {number}.\n" + f"\nMore text {number}. " * (number % 7))


def test_many_threads_converting_at_once_each_get_what_one_thread_alone_gets():
    texts = [document(number) for number in range(60)]
    expected = [to_html(text) for text in texts]
    threads, rounds = 8, 4
    start = threading.Barrier(threads)
    wrong: list[int] = []

    def convert(seed: int) -> None:
        order = list(range(len(texts))) * rounds
        random.Random(seed).shuffle(order)
        start.wait()
        for index in order:
            if to_html(texts[index]) != expected[index]:
                wrong.append(index)

    workers = [threading.Thread(target=convert, args=(seed,)) for seed in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
    assert not any(worker.is_alive() for worker in workers)
    assert wrong == [], f"{len(wrong)} of {threads * rounds * len(texts)} conversions differ"


class Recording:
    """A stand-in for the worker pool that converts in this process and notes what each call was given."""

    def __init__(self):
        self.asked: list[list[str]] = []

    def imap(self, func, items, chunksize):
        self.asked.append([text for text, _ in items])
        return map(func, items)


def test_texts_started_early_are_converted_once_and_the_rest_by_the_same_workers(tmp_path):
    from contextlib import ExitStack
    from types import SimpleNamespace

    from generator.markup import Early, _convert_one

    config = SimpleNamespace(unsafe_html=False, base_url="https://example.com/")
    (tmp_path / "one.md").write_text("---\ntitle: One\n---\n# One\n")
    (tmp_path / "two.md").write_text("\ufeff---\r\ntitle: Two\r\n---\r\n# Two\r\n")  # read as load.py reads it
    (tmp_path / "bad.md").write_text("# No front matter\n")
    with ExitStack() as stack:
        cold = Early(config, {}, stack)
        cold.pool = pool = Recording()
        cold.read([tmp_path / "one.md", tmp_path / "two.md", tmp_path / "bad.md", tmp_path / "gone.md"])
        cold.add(["# One\n", "# Two\n"])  # read by the workers already: not started again
        texts = ["# Two\n", "A bio, *checked*.", "# One\n", "A bio, *checked*.", "# No front matter\n"]
        got = list(cold.map(texts, False))
    assert len(pool.asked) == 2 and pool.asked[1] == ["A bio, *checked*.", "# No front matter\n"]
    assert got == [_convert_one((text, False)) for text in texts]

    # With a Markdown cache (a rebuild), the bodies are started as read, but for those it holds.
    from generator.markup import _key
    with ExitStack() as stack:
        warm = Early(config, {_key(config, "# Kept"): ("<h1>Kept</h1>", 1)}, stack)
        warm.pool = pool = Recording()
        warm.read([tmp_path / "one.md"])
        warm.add(["# Kept", "# New"])
        assert list(warm.map(["# New"], False)) == [_convert_one(("# New", False))]
    assert pool.asked == [["# New"]]
    # Converted under other settings than the early ones: nothing early is taken.
    with ExitStack() as stack:
        other = Early(config, {}, stack)
        other.pool = pool = Recording()
        other.add(["<b>x</b>"])
        assert list(other.map(["<b>x</b>"], True)) == [_convert_one(("<b>x</b>", True))]
    assert pool.asked == [["<b>x</b>"]]


@pytest.mark.parametrize("waits", ["load_sources", "validate"])
def test_bodies_are_converted_while_the_sources_are_still_being_read_and_checked(tmp_path, monkeypatch, waits):
    """On a cold build the workers read and convert the Markdown files from the start: reading the sources here,
    or checking them, waits until one of them has converted a text."""
    import time

    from generator import build as build_module, markup
    from generator.options import Options
    from sitegen import generate_site

    site = generate_site(tmp_path / "site", therapists=10, articles=80, seed=2)  # enough for the process pool
    log = tmp_path / "converted.log"
    convert = markup.to_html

    def noted(text, unsafe=False):
        with open(log, "a") as file:
            file.write(f"{hash(text)}\n")
        return convert(text, unsafe)

    step = getattr(build_module, waits)

    def after_a_conversion(*args, **kwargs):
        deadline = time.monotonic() + 60
        while not (log.exists() and log.read_text()) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert log.exists() and log.read_text(), f"no body was converted before {waits} ended"
        return step(*args, **kwargs)

    monkeypatch.setenv("THERAPIST_SITE_JOBS", "2")
    monkeypatch.setattr(markup, "to_html", noted)  # the workers fork after this: they log too
    monkeypatch.setattr(build_module, waits, after_a_conversion)
    site_model = build_module.load_site(Options(source=site, output=tmp_path / "out"))
    assert len(site_model.articles) == 80 and all(article.html for article in site_model.articles)
    converted = log.read_text().split()
    assert len(converted) >= 80 + 10 and len(set(converted)) == len(converted)  # every body and bio, once


# Pieces of Markdown that start, end or look like every inline pattern (and what could confuse the skipping:
# placeholders' own characters, escapes, line breaks), for texts the stock inline pass and ours must agree on.
PIECES = ["*", "**", "_", "__", "`", "``", "\\", "\\*", "[", "]", "(", ")", "![", "[^1]", "<", ">", "&", "&amp;",
          "&#38;", ";", "  \n", "\n", "\n\n", "word", " ", "http://x.org", "<b>", "</b>", "<!-- c -->", "<?pi?>",
          "<![CDATA[x]]>", "me@x.org", "<http://a.b>", "<a@b.c>", "[a](b)", "[a][1]", "[a]", "\n[1]: /u\n",
          "[^1]: note\n", "- ", "1. ", "> ", "# ", "|a|b|\n|-|-|\n", "```\n", "~~~", "*[HTML]: Hyper\n", "HTML",
          "{: .c }", "{#id}", "term\n: def\n", '<div markdown="1">', "</div>", "\t", "    ", "\x02", "\x03", "klzzwxh:1",
          "[TOC]", "\n\n[TOC]\n\n", "[TOC\\]", "&#91;TOC]", "{", "}", "&#123;", "{: #i }", "\n{: .c }\n", "## H",
          "## H {#j}"]


@functools.cache
def stock_and_ours():
    import markdown

    from generator import markup

    return (markdown.Markdown(extensions=markup._extensions(stock=True), output_format="html"),
            markdown.Markdown(extensions=markup._extensions(), output_format="html"))


@settings(max_examples=150, deadline=None, database=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=40))
def test_the_passes_that_skip_work_give_the_html_of_python_markdowns_own(pieces):
    stock, ours = stock_and_ours()
    text = "".join(pieces)
    assert ours.reset().convert(text) == stock.reset().convert(text)


def test_the_example_sites_texts_convert_as_python_markdown_alone_converts_them():
    stock, ours = stock_and_ours()
    texts = [path.read_text(encoding="utf-8") for path in sorted((REPO / "content").rglob("*.md"))]
    texts += [path.read_text(encoding="utf-8") for path in sorted((REPO / "therapists").glob("*.yaml"))]
    texts += [document(number) for number in range(10)]
    assert len(texts) > 20
    assert [ours.reset().convert(text) for text in texts] == [stock.reset().convert(text) for text in texts]


def test_the_table_of_contents_and_attribute_lists_are_only_looked_for_where_the_text_can_hold_them(monkeypatch):
    from markdown.extensions.attr_list import AttrListTreeprocessor
    from markdown.extensions.toc import TocTreeprocessor

    calls = []
    for cls, name in ((TocTreeprocessor, "build_toc_div"), (AttrListTreeprocessor, "run")):
        def recording(self, *args, _original=getattr(cls, name), _name=name):
            calls.append(_name)
            return _original(self, *args)
        monkeypatch.setattr(cls, name, recording)
    assert to_html("## Why\n\nPlain words.") == '<h2 id="why">Why</h2>\n<p>Plain words.</p>'
    assert calls == []
    assert to_html("[TOC]\n\n## Why\n\nWords\n{: .x }") == (
        '<div class="toc">\n<ul>\n<li><a href="#why">Why</a></li>\n</ul>\n</div>\n<h2 id="why">Why</h2>\n'
        '<p class="x">Words</p>')
    assert calls == ["run", "build_toc_div"]


def test_the_builds_converter_tries_only_the_patterns_whose_characters_are_in_the_text(monkeypatch):
    from generator import markup

    processor = markup._converter().treeprocessors["inline"]
    tried = []
    apply = processor._InlineProcessor__applyPattern

    def recording(pattern, *args):
        tried.append(type(pattern).__name__)
        return apply(pattern, *args)

    monkeypatch.setattr(processor, "_InlineProcessor__applyPattern", recording)
    assert to_html("Plain words, and nothing else.") == "<p>Plain words, and nothing else.</p>"
    assert tried == []
    assert to_html("Some *stress* on it.") == "<p>Some <em>stress</em> on it.</p>"
    assert set(tried) == {"DelimiterProcessor"}
    tried.clear()
    assert to_html("A [link](/about/).") == '<p>A <a href="/about/">link</a>.</p>'
    # the link took its '[' away: the shortcut reference ("[link]" alone), tried after it, was skipped
    assert set(tried) == {"ReferenceInlineProcessor", "LinkInlineProcessor"}


URL_ATTR = re.compile(r'\b(href|src)="([^"]*)"')  # what absolute_links does, as one expression and urljoin
LINK_PIECES = ['href="', 'src="', '"', 'x', "_", "é", " ", "-", "=", "a/b", "../c", "https://ex.org/d", "#e",
               "<a ", "<img ", ">", "xhref=", "data-src=", "mailto:f@ex.org", "\n", "?q=1",
               # what the shortcuts of _join must leave to urljoin: dot segments, parts, stripped characters
               "/", "//", "/.", "/..", ".", ";", "?", "#", "\t", "\r", "\x00", ":", "[", "]", "%2e", "HTTPS://",
               "http://", "https://", "ex.org", ":8080", "\u00a0"]
PAGES = ["https://ex.org/articles/wizards/", "http://ex.org:8080/sub/page", "https://ex.org", "ftp://ex.org/a/",
         "/articles/wizards/"]


@settings(max_examples=600, deadline=None, database=None)
@given(st.lists(st.sampled_from(LINK_PIECES), max_size=30), st.sampled_from(PAGES))
def test_absolute_links_does_what_the_expression_does(pieces, page):
    from urllib.parse import urljoin

    from generator.markup import absolute_links
    html = "".join(pieces)
    assert absolute_links(html, page) == URL_ATTR.sub(lambda m: f'{m.group(1)}="{urljoin(page, m.group(2))}"', html)


@settings(max_examples=600, deadline=None, database=None)
@given(st.lists(st.sampled_from(LINK_PIECES[22:] + ["/", "a", "é", "-", "x/"]), max_size=12),
       st.sampled_from(PAGES))
def test_a_link_joined_without_urljoin_is_what_urljoin_gives(pieces, page):
    from urllib.parse import urljoin

    from generator.markup import _join

    def outcome(join, value):  # urljoin refuses some hosts ("https://[")
        try:
            return join(page, value)
        except ValueError as exc:
            return str(exc)

    for value in ("".join(pieces), "/" + "".join(pieces), "https://" + "".join(pieces)):
        assert outcome(_join, value) == outcome(urljoin, value)


def test_a_path_from_the_root_and_a_plain_address_skip_urljoin(monkeypatch):
    from generator import markup
    monkeypatch.setattr(markup, "urljoin", lambda page, value: "joined")
    html = '<a href="/therapists/ana/">Ana</a> <img src="https://ex.org/p.jpg"> <a href="../up/">up</a>'
    assert markup.absolute_links(html, "https://site.org/articles/a/") == (
        '<a href="https://site.org/therapists/ana/">Ana</a> <img src="https://ex.org/p.jpg"> <a href="joined">up</a>')


def test_absolute_links_skips_a_name_inside_a_word_and_finds_the_next_one():
    from generator.markup import absolute_links
    html = '<a xhref="a src="b" title="c"><img data-src="d" src="e">'
    assert absolute_links(html, "https://ex.org/x/") == \
        '<a xhref="a src="https://ex.org/x/b" title="c"><img data-src="https://ex.org/x/d" src="https://ex.org/x/e">'


def test_an_excerpt_keeps_punctuation_against_the_words_of_a_link_and_parts_between_blocks():
    from generator.markup import excerpt
    html = ('<h2>Sleep</h2><p>Sleep is the foundation of <a href="/mood/">mood</a>. When it <em>slips</em>, '
            "<strong>all</strong> (<code>x</code>) does.</p><ul><li>One</li><li>Two</li></ul>")
    assert excerpt(html) == "Sleep Sleep is the foundation of mood. When it slips, all (x) does. One Two"
    assert excerpt(html, words=3) == "Sleep Sleep is …"
