"""Newsletter stage: the frozen Site -> an email-ready issue of the articles published since the last one.

Input: the published articles and what the last issue held (``<source>/.newsletter.json``), or ``--since`` /
``--last``. Output: ``<date>.html``, every style inlined by css-inline because mail programs drop style sheets,
and ``<date>.txt``, its plain-text part; then the memory of this issue, so the next one starts after it. Nothing
is sent: staff paste or upload the issue in their provider (docs/newsletter.md). The memory lives in the site
folder, not in .cache/, which may be deleted at any time.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import css_inline

from . import photos
from .errors import Problem, SiteError, UsageError
from .files import write_atomic
from .markup import excerpt
from .models import Article, Site
from .render import environment

#: In the site folder: {"through": the newest article's date, "issue": file name, "articles": the issue's article
#: addresses, "known": every article published when it was made}. "known" lets an article added later with an
#: earlier date (a post written last week, published today) still go in the next issue; "articles" lets a second
#: issue on the same day, which replaces the first file, hold the first one's articles too.
STATE = ".newsletter.json"
FIRST = 5  #: with no issue remembered and no choice given, the first issue holds the newest few articles
COLUMN = 552  #: the content width of the 600 px column, in pixels: the widest an image is shown
INLINER = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)


@dataclass(frozen=True, slots=True)
class Issue:
    """One issue, made and not yet written: the chosen articles and both parts of the email."""

    name: str  #: the issue's date, YYYY-MM-DD: its file names
    articles: tuple[Article, ...]  #: newest first
    html: bytes
    text: bytes
    since: str  #: how the articles were chosen, in words, for the command's report
    known: tuple[str, ...] = ()  #: the address of every article published when it was made


@dataclass(frozen=True, slots=True)
class Memory:
    """What the last issue made here left in STATE."""

    through: datetime  #: the publication time of its newest article
    issue: str  #: its file name
    articles: frozenset[str]  #: its articles' addresses
    known: frozenset[str] | None  #: every article's address when it was made; None from before this was kept


def remembered(source: Path) -> Memory | None:
    """The memory of the last issue, or None when no issue was made here."""
    try:
        data = json.loads((source / STATE).read_text(encoding="utf-8"))
        known = data.get("known")
        return Memory(datetime.fromisoformat(data["through"]), str(data.get("issue", "")),
                      frozenset(map(str, data.get("articles", ()))), None if known is None else frozenset(known))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SiteError([Problem(STATE, 0, "", f"cannot read the memory of the last issue ({exc})",
                                 "delete the file and choose the articles with --since DATE or --last N")]) from None


def choose(site: Site, source: Path, since: date | None = None,
           last: int | None = None) -> tuple[tuple[Article, ...], str]:
    """The articles of the next issue, newest first, and how they were chosen, said of them ("the 3 newest
    articles") or, when there are none, of what was looked for."""
    if since is not None:
        start = datetime.combine(since, time(), ZoneInfo(site.config.timezone))
        chosen = tuple(a for a in site.articles if a.date >= start)
        return chosen, f"{_articles(len(chosen))} published since {since.isoformat()}"
    memory = remembered(source) if last is None else None
    if memory is not None:
        after = {a.url for a in site.articles if a.date > memory.through}
        later = {a.url for a in site.articles if memory.known is not None and a.url not in memory.known} - after
        # A second issue today replaces the first one's file, so it holds that one's articles too.
        replaced = bool(after or later) and memory.issue == f"{_issue_day(site).isoformat()}.html"
        again = {a.url for a in site.articles if a.url in memory.articles} - after - later if replaced else set()
        chosen = tuple(a for a in site.articles if a.url in after | later | again)
        said = f"{_articles(len(after))} published after the last issue's newest ({memory.through.date().isoformat()})"
        if later:
            said += f", and {_articles(len(later))} added since with an earlier date"
        if again:
            said += f", with the {_articles(len(again))} of the issue written earlier today, which this one replaces"
        return chosen, said
    chosen = site.articles[:last if last is not None else FIRST]
    newest = "the newest article" if len(chosen) == 1 else f"the {len(chosen)} newest articles"
    if not chosen:
        newest = "no published article yet"
    return chosen, newest + ("" if last is not None else
                             f" (no earlier issue is remembered: a first issue holds up to {FIRST})")


def _articles(count: int) -> str:
    return "no article" if not count else "1 article" if count == 1 else f"{count} articles"


def missing(site: Site) -> list[str]:
    """What the law on bulk email asks of an issue that it cannot carry yet, with where to give it: a way to
    unsubscribe (from the provider named in site.yaml) and the sender's postal address (CAN-SPAM, in the US)."""
    config, found = site.config, []
    if config.signup is None:
        found.append("no unsubscribe link, because site.yaml does not say which newsletter service your mailing "
                     "list is at. Add it under 'newsletter:' as 'provider:' (docs/newsletter.md shows how); every "
                     "issue then ends with that service's unsubscribe link")
    elif not config.signup.unsubscribe:
        found.append("no unsubscribe link. With 'provider: form', add 'unsubscribe:' under 'newsletter:' in "
                     "site.yaml: the address (or the tag of your service) where subscribers leave the list")
    if not config.practice.address:
        found.append("no postal address. Add the practice's address under 'practice:' as 'address:' in site.yaml; "
                     "every issue then ends with it")
    return found


def make(site: Site, source: Path, articles: tuple[Article, ...], since: str = "") -> Issue:
    """Render both parts of the issue, dated by the site's "now" in its time zone."""
    config = site.config
    if not config.base_url.startswith("https://"):
        raise SiteError([Problem("site.yaml", 0, "base_url", f"an email needs https:// addresses, found "
                                 f"{config.base_url!r}", "write the https:// address where the site is published")])
    issued = _issue_day(site)
    env = environment(source, site)
    env.filters["excerpt"] = excerpt
    pictures = photos.prepare(site, source)
    context = {
        "articles": articles, "issue_date": issued, "names": lambda a: _names(site, a),
        "image": lambda a: _image(pictures.get(a.url)),
        "unsubscribe": config.signup.unsubscribe if config.signup else "",
        "preheader": _preheader(articles),
    }
    html = INLINER.inline(env.get_template("email.html").render(**context))
    text = env.get_template("email.txt").render(**context).strip() + "\n"
    return Issue(issued.isoformat(), articles, html.encode(), text.encode(), since,
                 tuple(article.url for article in site.articles))


def _issue_day(site: Site) -> date:
    """The day an issue made now is dated by, in the site's time zone: its file name."""
    return site.now.astimezone(ZoneInfo(site.config.timezone)).date()


def write(issue: Issue, source: Path, output: Path) -> tuple[Path, Path]:
    """Write the issue's two files, then remember its newest article so that the next issue starts after it."""
    output.mkdir(parents=True, exist_ok=True)
    html, text = output / f"{issue.name}.html", output / f"{issue.name}.txt"
    write_atomic(html, issue.html)
    write_atomic(text, issue.text)
    newest = max(a.date for a in issue.articles)
    before = remembered(source)
    through = max(newest, before.through) if before else newest  # an issue of older articles moves nothing back
    memory = {"through": through.isoformat(), "issue": html.name,
              "articles": sorted(a.url for a in issue.articles), "known": sorted(issue.known)}
    write_atomic(source / STATE, (json.dumps(memory, indent=2) + "\n").encode())
    return html, text


def _names(site: Site, article: Article) -> str:
    names = [site.author_index[slug].name for slug in article.authors if slug in site.author_index]
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)


def _image(picture: photos.Picture | None) -> tuple[str, int, int] | None:
    """(address, width, height) of an article's picture in the email: the web size for ordinary screens (960 px,
    sharp in the 552 px column; the largest, for sharing, weighs three times as much), shown at most as wide as the
    column, its height given for mail programs that do not keep the proportions."""
    if picture is None:
        return None
    size = picture.fallback
    width = min(size.width, COLUMN)
    return size.jpeg, width, max(1, round(size.height * width / size.width))


def _preheader(articles: tuple[Article, ...]) -> str:
    """The line mail programs show after the subject: what is in the issue."""
    first = articles[0].summary or articles[0].title
    more = len(articles) - 1
    return first + (f" (and {more} more article{'s' if more > 1 else ''})" if more else "")


def check_choice(since: str | None, last: int | None) -> date | None:
    """Parse --since; refuse a --last below 1 (misuse: exit 2)."""
    if last is not None and last < 1:
        raise UsageError("--last needs a number of articles of at least 1, like --last 3")
    if since is None:
        return None
    try:
        return date.fromisoformat(since)
    except ValueError:
        raise UsageError(f"--since needs a date like 2026-10-05, found {since!r}") from None
