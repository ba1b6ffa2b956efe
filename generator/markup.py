"""Markup stage: Markdown bodies -> sanitized HTML, and the link rewriting feeds need.

Raw HTML in Markdown is cleaned through an nh3 allow-list unless site.yaml says ``unsafe_html: true``: content
is typed by many people and pasted from elsewhere, so it must never become script on a client's screen.
"""
from __future__ import annotations

import re
import signal
import threading
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from functools import lru_cache
from typing import Iterable, Iterator, NamedTuple, Sequence
from html import escape, unescape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import markdown
import nh3

from . import embeds, inline, lists
from .errors import Collector
from .files import digest
from .inline import AttrListsExtension, FastInlineExtension, HeadingIdsExtension
from .load import markdown_body
from .lists import ListsExtension
from .models import Config, Models
from .pool import ordered_map, process_pool


def _extensions(stock: bool = False) -> list:
    """Python-Markdown's extensions we use, and ours (lists.py: lists right after a paragraph, nesting by two
    spaces; inline.py: the same inline, attr_list and toc passes, faster; ``stock``: Python-Markdown's own passes,
    which the tests compare them with). New ones for each converter, since footnotes and abbreviations keep their
    document's in themselves; given as classes, since a name makes Python-Markdown scan every installed package's
    entry points (30 ms)."""
    from markdown.extensions import (abbr, attr_list, def_list, fenced_code, footnotes, md_in_html, sane_lists,
                                     tables, toc)

    return [abbr.AbbrExtension(), (attr_list.AttrListExtension if stock else AttrListsExtension)(),
            def_list.DefListExtension(), fenced_code.FencedCodeExtension(), footnotes.FootnoteExtension(),
            md_in_html.MarkdownInHtmlExtension(), tables.TableExtension(),
            (toc.TocExtension if stock else HeadingIdsExtension)(), sane_lists.SaneListExtension(), ListsExtension(),
            *(() if stock else (FastInlineExtension(),))]


TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details", "dfn", "div", "dl",
    "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
    "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
}
ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading"},
    "ol": {"start", "reversed", "type"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "time": {"datetime"},
    "blockquote": {"cite"},
    "q": {"cite"},
}
SCHEMES = {"http", "https", "mailto", "tel"}
# Removed with everything inside, not only the tags: a <noscript> fallback would otherwise show as page text.
REMOVED_WITH_CONTENT = {"script", "style", "noscript"}
ALIGN_STYLE = re.compile(r' style="text-align: (left|right|center);"')
ROOTED = re.compile(r'\b(href|src)="/(?!/)')
TAG = re.compile(r"<[^>]+>")
INLINE_TAG = re.compile(r"</?(?:a|abbr|b|cite|code|del|em|i|ins|kbd|mark|q|s|small|span|strong|sub|sup)\b[^>]*>",
                        re.IGNORECASE)
IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
IMG_SRC = re.compile(r'\bsrc="([^"]*)"', re.IGNORECASE)
IMG_ALT = re.compile(r'\balt="([^"]*)"', re.IGNORECASE)
OFFSITE = "offsite-image"  #: the class of the link that stands for a picture on another website

# The budget of one document (docs/security.md): Python-Markdown looks for the end of a link from every '[' that
# has none, to the end of the paragraph (quadratic: 20,000 '[' in one line take two minutes), and recurses once per
# level of nested lists and quotes (5,000 '1. ' on one line end in RecursionError). The known cases are refused
# before converting; a timer stops whatever else runs too long, where one can (the main thread of a process).
MAX_NESTING = 32  #: levels of lists and quotes at the start of one line
MAX_LINK_SCAN = 5_000_000  #: sum over paragraphs of (unclosed '[' and '](') × paragraph length: about 2 s
TIME_BUDGET = 10.0  #: seconds for one document
NESTING = re.compile(r"[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))")
# A line nested deeper than MAX_NESTING starts with more than MAX_NESTING of these characters (each level takes one).
DEEP_PREFIX = re.compile(rf"^[ \t>*+\-0-9.)]{{{MAX_NESTING + 1},}}", re.MULTILINE)
FENCE = re.compile(r"[ \t]*(`{3,}|~{3,})")
BRACKETS = re.compile(r"\\.|\]\(|[\[\]()]")
BRACKET_HINT = "write a '[' that does not start a link as '\\[', or split the paragraph with blank lines"


class Refused(NamedTuple):
    """Why a document was not converted: its line (1 = the first line of the text), what, and what to change."""

    line: int
    message: str
    hint: str


class OverBudget(Exception):
    """Raised by the timer inside a conversion that ran past TIME_BUDGET."""


# A Markdown converter keeps the document it converts in its own state (footnotes, abbreviations, the table of
# contents, stashed HTML), so two threads sharing one mix their documents up: serve converts in its quick preview
# and in its rebuild at once. Each thread has its own converter; a new one costs ~2 ms, a third of a short
# article's conversion, so one is kept per thread rather than made per document.
_local = threading.local()


def _converter(fresh: bool = False) -> markdown.Markdown:
    """This thread's converter, reset for a new document; ``fresh``: a new one (the old one stopped midway)."""
    if fresh or not hasattr(_local, "converter"):
        _local.converter = markdown.Markdown(extensions=_extensions(), output_format="html")
    return _local.converter.reset()


# Everything that changes the HTML of a text: part of each cached conversion's key.
SETTINGS = digest(markdown.__version__, nh3.__version__, Path(__file__).read_bytes(),
                  *(Path(module.__file__).read_bytes() for module in (embeds, inline, lists)))


def refusal(text: str) -> Refused | None:
    """Find what would make Python-Markdown recurse too deep or take minutes, before it starts."""
    if not DEEP_PREFIX.search(text) and (text.count("[") + text.count("(")) * len(text) <= MAX_LINK_SCAN:
        return None  # the usual text: no line starts deep enough, too few brackets to add up (bounds of _scan)
    return _scan(text)


def _scan(text: str) -> Refused | None:
    """``refusal`` line by line: the depth of each line, the unclosed brackets of each paragraph."""
    paragraph_start, scan, worst, fence = 1, 0, (0, -1, 0), ""
    paragraph: list[str] = []
    for number, line in enumerate(text.split("\n") + [""], 1):
        opening = FENCE.match(line)
        if fence or opening:  # code is taken out before links are looked for: its brackets cost nothing
            if not fence:
                fence = opening.group(1)
            elif line.strip().startswith(fence):
                fence = ""
            line = ""
        depth, at = 0, 0
        while match := NESTING.match(line, at):
            depth, at = depth + 1, match.end()
        depth += len(line[: len(line) - len(line.lstrip(" \t"))].expandtabs(4)) // 4
        if depth > MAX_NESTING:
            return Refused(number, f"this line is nested {depth} levels deep (lists in lists, quotes in quotes, "
                           f"or indentation); at most {MAX_NESTING} are read",
                           "remove the extra '>', '-' or '1.' at the start of the line, or indent it less")
        if line.strip():
            paragraph.append(line)
            continue
        if paragraph:
            work = _unclosed(" ".join(paragraph)) * sum(len(part) + 1 for part in paragraph)
            scan += work
            worst = max(worst, (work, -paragraph_start, _unclosed(" ".join(paragraph))))
        paragraph, paragraph_start = [], number + 1
    if scan > MAX_LINK_SCAN:
        return Refused(-worst[1], f"this paragraph has {worst[2]:,} '[' or '](' that open a link and never close "
                       "it; reading that would take Markdown minutes", BRACKET_HINT)
    return None


def _unclosed(text: str) -> int:
    """Count the '[' without a ']' and the '](' without a ')' after them: each makes the link search scan on."""
    squares = rounds = 0
    for match in BRACKETS.finditer(text):
        token = match.group()
        if token == "[":
            squares += 1
        elif token == "]" and squares:
            squares -= 1
        elif token == "](":
            squares = max(0, squares - 1)
            rounds += 1
        elif token == "(" and rounds:
            rounds += 1
        elif token == ")" and rounds:
            rounds -= 1
    return squares + rounds


@contextmanager
def _deadline(seconds: float):
    """Raise OverBudget in the code run inside after ``seconds``; only the main thread can take a signal."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expired(signum, frame):
        raise OverBudget

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def to_html(text: str, unsafe: bool = False) -> str | Refused:
    """Convert one Markdown document to HTML, sanitized unless ``unsafe``; Refused when it is over the budget."""
    refused = refusal(text)
    if refused:
        return refused
    try:
        with _deadline(TIME_BUDGET):
            html = embeds.cards(_converter().convert(text))  # video players and gists become links
    except (RecursionError, OverBudget) as stopped:
        _converter(fresh=True)  # the old one stopped midway
        if isinstance(stopped, OverBudget):
            return Refused(1, f"reading this text as Markdown took more than {TIME_BUDGET:.0f} seconds",
                           "look for long runs of punctuation such as '[' or '*' and remove them or split the "
                           "paragraph with blank lines")
        return Refused(1, "this text nests lists, quotes or links too deeply for Markdown to read",
                       "remove the extra '>', '-' or '1.' at the start of lines")
    # Table alignment comes as inline style, which the Content-Security-Policy blocks: use classes instead.
    html = ALIGN_STYLE.sub(r' class="align-\1"', html)
    return html if unsafe else nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES,
                                               link_rel=None, clean_content_tags=REMOVED_WITH_CONTENT)


def count_words(html: str) -> int:
    return len(TAG.sub(" ", html).split())


def excerpt(html: str, words: int = 50) -> str:
    """Return the first ``words`` words of the text, for places that need a summary the author did not write.
    Tags within a line of text leave nothing (a link before a full stop: "mood.", not "mood ."), others a space."""
    parts = unescape(TAG.sub(" ", INLINE_TAG.sub("", html))).split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def convert(models: Models, config: Config, cache: dict | None = None,
            problems: Collector | None = None, early: "Early | None" = None) -> tuple[Models, dict]:
    """Return the models with every Markdown body converted to HTML, and the cache entries this site uses.

    ``cache`` maps a digest of (settings, text) to (html, words) from an earlier build, the HTML linked for this
    site's address (``_relinker``); only texts missing from it are converted, on all cores. A text over the budget
    is reported to ``problems`` and left empty. ``early``: the conversions ``converting`` started before.
    """
    problems = problems if problems is not None else Collector()
    cache = {} if cache is None else cache
    unsafe = config.unsafe_html
    texts = [a.body for a in models.articles] + [p.body for p in models.pages] + [n.body for n in models.notes]
    texts += [t.bio for t in models.therapists] + [g.bio for g in models.authors]
    keys = [_key(config, text) for text in texts]
    missing = list(dict.fromkeys(key for key in keys if key not in cache))
    by_key = dict(zip(keys, texts))
    converted = (early or Early()).map([by_key[key] for key in missing], unsafe)
    used = {key: cache[key] for key in keys if key in cache}
    refused = {}
    relink = _relinker(config)
    for key, result in zip(missing, converted):
        if isinstance(result, Refused):
            refused[key] = result
        else:
            used[key] = (relink(result[0]), result[1])
    owners = [(a.source, a.body_line, "") for a in models.articles] + [(p.source, p.body_line, "") for p in
                                                                        models.pages]
    owners += [(n.source, n.body_line, "") for n in models.notes] + [(t.source, 0, "bio") for t in models.therapists]
    owners += [(g.source, 0, "bio") for g in models.authors]
    for (path, first, field), key in zip(owners, keys):
        if key in refused:
            why = refused[key]
            where = f" (line {why.line} of the text)" if not first else ""
            problems.add(path, first + why.line - 1 if first else 0, field, why.message + where,
                         why.hint + "; the limits are in docs/security.md")
    results = iter([used.get(key, ("", 0)) for key in keys])
    articles = tuple(replace(a, html=html, words=words) for a, (html, words) in zip(models.articles, results))
    pages = tuple(replace(p, html=html) for p, (html, _) in zip(models.pages, results))
    notes = tuple(replace(n, html=html) for n, (html, _) in zip(models.notes, results))
    therapists = tuple(replace(t, bio_html=html) for t, (html, _) in zip(models.therapists, results))
    authors = tuple(replace(g, bio_html=html) for g, (html, _) in zip(models.authors, results))
    return replace(models, articles=articles, pages=pages, notes=notes, therapists=therapists,
                   authors=authors), used


def _key(config: Config, text: str) -> str:
    """What a text's HTML depends on: the cache's key for it."""
    return digest(SETTINGS, str(config.unsafe_html), config.base_url, text)


CHUNK = 16  #: texts a worker takes at a time: fewer round trips, and the last ones still spread over the cores


class Early:
    """Conversions started while the sources are still being read and checked (``converting``), and their workers.

    ``map`` gives what ``convert`` asks for, in its order: what the workers did early once they are done, the rest
    (biographies, whose text validation settles) converted by the same workers, or here with no pool."""

    def __init__(self, config: Config | None = None, cache: dict | None = None, stack: ExitStack | None = None):
        self.config, self.cache, self.stack = config, cache or {}, stack
        self.unsafe = config.unsafe_html if config is not None else False
        self.pool = None
        self.started: list[Iterator[tuple[str, tuple[str, int] | Refused] | None]] = []

    def read(self, files: Sequence[Path]) -> None:
        """A cold build (nothing cached): the workers start at once, reading each Markdown file themselves."""
        if not self.cache:
            self._start(_read_and_convert, [(file, self.unsafe) for file in files])

    def add(self, texts: Iterable[str]) -> None:
        """The bodies as read: those the cache lacks are converted, unless the workers read the files already."""
        if self.stack is not None and not self.started:
            self._start(_convert_text, [(text, self.unsafe) for text in dict.fromkeys(texts)
                                        if _key(self.config, text) not in self.cache])

    def _start(self, func, items: list) -> None:
        if self.pool is None and self.stack is not None and (pool := process_pool(len(items))) is not None:
            self.pool = self.stack.enter_context(pool)
        if self.pool is not None:
            self.started.append(self.pool.imap(func, items, CHUNK))

    def map(self, texts: list[str], unsafe: bool) -> Iterator[tuple[str, int] | Refused]:
        if self.pool is None or unsafe != self.unsafe:
            return ordered_map(_convert_one, [(text, unsafe) for text in texts], CHUNK)
        done = dict(found for results in self.started for found in results if found is not None)
        rest = [text for text in dict.fromkeys(texts) if text not in done]
        if rest:
            done.update(zip(rest, self.pool.imap(_convert_one, [(text, unsafe) for text in rest], CHUNK)))
        return iter([done[text] for text in texts])


@contextmanager
def converting(config: Config, cache: dict, files: Sequence[Path]) -> Iterator[Early]:
    """Convert Markdown on all cores while this process reads and checks the sources, which keeps one core busy
    for half a second of a large site's cold build; ``convert`` collects it. With nothing cached, the workers
    start at once on ``files`` (the Markdown documents), read by themselves; otherwise ``Early.add`` hands them
    the bodies the cache lacks, once read. Too few to pay for a pool are converted later, here."""
    with ExitStack() as stack:
        early = Early(config, cache, stack)
        early.read(files)
        yield early


def convert_one(text: str, config: Config) -> tuple[str, int] | None:
    """One Markdown text -> (HTML as convert makes it, its word count), without the cache or the pool; None when
    it is over the budget (the full build reports it)."""
    result = _convert_one((text, config.unsafe_html))
    if isinstance(result, Refused):
        return None
    html, words = result
    return _relinker(config)(html), words


def _relinker(config: Config):
    """Links written from the site root ('/about/') must follow the site when it lives under a path; a picture
    on another website becomes a link to it (offsite_images)."""
    prefix = urlsplit(config.base_url).path
    own = urlsplit(config.base_url).netloc.lower()
    rooted = (lambda html: ROOTED.sub(lambda m: f'{m.group(1)}="{prefix}', html)) if prefix != "/" else str
    return lambda html: offsite_images(rooted(html), own)


def offsite_images(html: str, own_host: str) -> str:
    """Replace each <img> whose picture is on another website by a link to it, its alt text as the words.

    Pages never load anything from another host (the policy would block it anyway, leaving a broken picture), and
    feeds carry the same HTML, so readers and email services do not fetch it either: showing it would tell that
    host who reads the article. lint.py warns with the file, the line and the host."""
    def unplug(match: re.Match) -> str:
        tag = match.group(0)
        src = IMG_SRC.search(tag)
        url = unescape(src.group(1)) if src else ""
        host = urlsplit(url if "://" in url else "http:" + url).netloc.lower() if url.startswith(
            ("http://", "https://", "//")) else ""
        if not host or host == own_host:
            return tag
        alt = IMG_ALT.search(tag)
        words = alt.group(1).strip() if alt and alt.group(1).strip() else "A picture"
        return f'<a class="{OFFSITE}" href="{src.group(1)}">{words} (picture on {escape(host)})</a>'

    return IMG.sub(unplug, html)  # raw HTML under unsafe_html keeps its case: <IMG SRC=...> loads all the same


def _convert_text(item: tuple[str, bool]) -> tuple[str, tuple[str, int] | Refused]:
    return item[0], _convert_one(item)


def _read_and_convert(item: tuple[Path, bool]) -> tuple[str, tuple[str, int] | Refused] | None:
    body = markdown_body(item[0])
    return None if body is None else (body, _convert_one((body, item[1])))


def _convert_one(item: tuple[str, bool]) -> tuple[str, int] | Refused:
    html = to_html(*item)
    return html if isinstance(html, Refused) else (html, count_words(html))


EMAIL_WIDTH = 600  #: the widest an image shows in an email: RSS-to-email services put the feed's HTML in 600 px


def email_sized(html: str, sizes: tuple[tuple[str, int, int], ...]) -> str:
    """Give each <img> whose src is in ``sizes`` (url, width, height) a width and height no wider than an email.

    Mail programs (Outlook above all) show an image at its own size unless told otherwise, and most drop style
    sheets: the attributes keep a 2,000 px photo inside the column.
    """
    if not sizes:
        return html
    known = {url: (width, height) for url, width, height in sizes}

    def size(match: re.Match) -> str:
        tag = match.group(0)
        src = re.search(r'\bsrc="([^"]*)"', tag)
        if not src or src.group(1) not in known or re.search(r"\b(width|height)=", tag):
            return tag
        width, height = known[src.group(1)]
        shown = min(width, EMAIL_WIDTH)
        end = 2 if tag.endswith("/>") else 1
        return f'{tag[:-end].rstrip()} width="{shown}" height="{max(1, round(height * shown / width))}"{tag[-end:]}'

    return IMG.sub(size, html)


def absolute_links(html: str, page_url: str) -> str:
    """Make every href and src absolute against the page's absolute URL, as feed readers require.

    What replacing each ``\b(href|src)="..."`` with its value through ``urljoin`` would do, a fifth as long (an article is in three or four feeds, 1,500
    texts): the attribute names are found with ``str.find``, which scans far faster than an expression with
    alternatives, the word boundary before them checked here; and the usual values, a path from the site's root or
    a plain address, are joined without ``urljoin`` (``_join``)."""
    parts, start = [], 0
    href, src = html.find('href="'), html.find('src="')
    while href >= 0 or src >= 0:
        at, name = (href, "href") if src < 0 or 0 <= href < src else (src, "src")
        value = at + len(name) + 2
        end = html.find('"', value)
        if end < 0:  # no closing quote after this one: none after any later one either
            break
        if at and (html[at - 1].isalnum() or html[at - 1] == "_"):  # within a word: no \b before it
            if name == "href":
                href = html.find('href="', at + 1)
            else:
                src = html.find('src="', at + 1)
            continue
        parts += [html[start:at], f'{name}="{_join(page_url, html[value:end])}"']
        start = end + 1
        if href < start:
            href = html.find('href="', start)
        if src < start:
            src = html.find('src="', start)
    return "".join(parts) + html[start:] if parts else html


# What urljoin leaves alone or only puts the page's origin before (checked against urljoin in the tests): a path
# from the root without dot segments, query, fragment, parameters or characters urlsplit strips; an http(s) address
# with a plain host and no such parts.
_PLAIN_ROOTED = re.compile(r"/(?!/)[^;?#\s\x00-\x20]*")
_PLAIN_ADDRESS = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]+)?(?:/[^;?#\[\]\s\x00-\x20]*)?")


def _join(page_url: str, value: str) -> str:
    if _PLAIN_ROOTED.fullmatch(value) and "/." not in value and (origin := _origin(page_url)):
        return origin + value
    if _PLAIN_ADDRESS.fullmatch(value):
        return value
    return urljoin(page_url, value)


@lru_cache(maxsize=64)
def _origin(page_url: str) -> str:
    """What urljoin puts before a path from the root: the page's scheme and host (none for an odd page address)."""
    parts = urlsplit(page_url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""
