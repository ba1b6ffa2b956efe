"""Warnings stage: the frozen Site -> things that build fine but that a practice will probably want to fix.

Input: the Site and the source folder (read only to find the line of a field). Output: Problems, sorted, in the
same shape as errors, so ``--strict`` can turn them into errors without another format. Nothing here fails a
build by itself.
"""
from __future__ import annotations

import difflib
import re
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

from . import geo
from .errors import Collector, Problem, did_you_mean
from .load import IGNORED, TEXT_SUFFIXES, therapist_file
from .markup import OFFSITE
from .models import Site, Therapist
from .removals import removals
from .scaffold import ARTICLE_PLACEHOLDERS, PLACEHOLDERS
from .validate import STATES

#: Domains set aside for examples and tests (RFC 2606, RFC 6761): no practice's site can ever live there.
RESERVED_DOMAINS = ("example.com", "example.org", "example.net")
RESERVED_TLDS = ("example", "test", "invalid", "localhost")


OFFSITE_LINK = re.compile(rf'<a class="{OFFSITE}" href="([^"]*)"')


def reserved_host(url: str) -> str:
    """Return the reserved example domain ``url`` is on ("example.org"), or "" for a real address."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    for domain in RESERVED_DOMAINS:
        if host == domain or host.endswith("." + domain):
            return domain
    tld = host.rsplit(".", 1)[-1]
    return f".{tld}" if tld in RESERVED_TLDS else ""


def warnings(site: Site, source: Path) -> tuple[Problem, ...]:
    """Return every warning about the site: an example address, articles without a summary, lone topics."""
    found = Collector()
    config = site.config
    domain = reserved_host(config.base_url)
    if domain and not config.example:
        found.add("site.yaml", line_of(source, "site.yaml", "base_url"), "base_url",
                  f"{config.base_url} is an example address ({domain} is reserved for examples), so the links in "
                  "feeds, search engines and shared pages would lead nowhere",
                  "write the address where the site will live, e.g. https://www.your-practice.org/")
    for therapist in site.therapists:
        if therapist.listed:
            _placeholders(found, source, therapist)
        _unplaced_offices(found, source, therapist)
    shown = {id(therapist) for therapist in site.therapists if therapist.listed}
    for slug in sorted({slug for article in site.articles if not article.draft for slug in article.authors}):
        person = site.author_index.get(slug)
        if isinstance(person, Therapist) and id(person) not in shown:  # kept off the site, it still signs articles
            _placeholders(found, source, person, ("name",), "write the name as readers should see it: it signs the "
                          "articles whose author is this profile")
    _lone_values(found, source, site)
    _not_insurers(found, source, site)
    _strays(found, site)
    _unread_in_therapists(found, source)
    if not config.unsafe_html:
        _removed(found, site, source)
    for article in site.articles:
        for placeholder in () if article.draft else ARTICLE_PLACEHOLDERS:  # --drafts: a preview, as written
            if placeholder in article.html:
                found.add(article.source, _line_with(source, article.source, placeholder), "",
                          f"still holds the example text {placeholder!r}, which would be published as it is",
                          "write the article in its place, or set 'draft: true' to keep it off the site until it "
                          "is ready")
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
    texts = [(a.source, a.html) for a in site.articles] + [(p.source, p.html) for p in site.pages]
    texts += [(t.source, t.bio_html) for t in site.therapists] + [(g.source, g.bio_html) for g in site.guest_authors]
    for path, html in texts:
        _offsite_images(found, source, path, html)
        _bare_addresses(found, source, path, html)
        _shortcodes(found, source, path, html)
    return tuple(sorted(set(found.problems)))


# Text that is no link on the page: links, code and tags taken out, so what is left is what a reader sees as text.
NOT_TEXT = re.compile(r"<a\b.*?</a>|<code\b.*?</code>|<pre\b.*?</pre>|<[^>]+>", re.DOTALL | re.IGNORECASE)
BARE_URL = re.compile(r"https?://[^\s<>\"'()]*[^\s<>\"'().,;:!?]")
# WordPress's [name key="value"], [/name] and its own few ([gallery], [caption], [embed]...); Liquid's {% %} and
# {{ }}; Hugo's {{< >}} and {{% %}}. Text in brackets people write ("[sic]", "[1]") has no key=value.
SHORTCODE = re.compile(r"\[/?(?:gallery|caption|embed|video|audio|playlist)\b[^\]\n]{0,200}\]"
                       r"|\[/[a-z][\w-]*\]|\[[a-z][\w-]*(?:\s+[\w-]+=(?:&quot;|\"|')[^\]\n]{0,200})\]"
                       r"|\{%.{0,200}?%\}|\{\{.{0,200}?\}\}")


def _bare_addresses(found: Collector, source: Path, path: str, html: str) -> None:
    """A web address typed as text shows as text: a word processor would have made it a link, Markdown does not,
    and on a phone it cannot be tapped."""
    if "://" not in html:
        return
    seen = dict.fromkeys(unescape(url) for url in BARE_URL.findall(NOT_TEXT.sub(" ", html)))
    for url in seen:
        found.add(path, _line_with(source, path, url), "",
                  f"the address {url} is shown as text, not as a link, so a reader cannot tap or click it",
                  f"write it as <{url}> to make it a link, or as [words that say where it leads]({url})")


def _shortcodes(found: Collector, source: Path, path: str, html: str) -> None:
    """A shortcode of the old blog ([gallery ids="20,21"], {% include x.html %}, {{< figure >}}) shows as text:
    the import lists each once, but its report scrolls away, and the page goes live with it."""
    if "[" not in html and "{" not in html:
        return
    for code in dict.fromkeys(unescape(m.group(0)) for m in SHORTCODE.finditer(NOT_TEXT.sub(" ", html))):
        found.add(path, _line_with(source, path, code), "",
                  f"'{code}' shows as text: it looks like a shortcode of the old blog, which only that blog understood",
                  "replace it with what it showed there (a picture, a link to the video), or delete it")


def _offsite_images(found: Collector, source: Path, path: str, html: str) -> None:
    """Warn about each picture on another website (markup.offsite_images made it a link), at its line."""
    hrefs = OFFSITE_LINK.findall(html)
    if not hrefs:
        return
    try:
        text = (source / path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        text = ""
    for href in dict.fromkeys(hrefs):
        url = unescape(href)
        host = urlsplit(url if "://" in url else "http:" + url).hostname or url
        at = text.find(url)
        found.add(path, text[:at].count("\n") + 1 if at >= 0 else 0, "",
                  f"the picture {url} is on another website ({host}): pages and feeds show a link to it instead, "
                  f"since loading it would tell {host} who reads the page",
                  "save the picture in content/ (e.g. content/images/) and write its address from there, e.g. "
                  "![what it shows](/images/picture.jpg)")


#: Files an article may keep beside it (its pictures and downloads); anything else in content/articles/ is a slip.
ARTICLE_COMPANIONS = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".avif", ".svg", ".pdf")


def _removed(found: Collector, site: Site, source: Path) -> None:
    """What the sanitizer will take out of what people wrote, at the line where they wrote it."""
    texts = [(a.source, a.body, a.body_line) for a in site.articles] + [(p.source, p.body, p.body_line)
                                                                       for p in site.pages]
    for therapist in site.therapists:
        if "<" in therapist.bio:
            line = line_of(source, therapist.source, "bio")
            written = _line_text(source, therapist.source, line).split(" #")[0].rstrip()
            block = written.endswith(("|", ">", "|-", ">-"))  # the text starts on the next line
            texts.append((therapist.source, therapist.bio, line + 1 if block else line))
    for path, text, first in texts:
        # A pasted word-processor document repeats one removal on every paragraph: said once, with its lines.
        lines: dict[tuple[str, str], list[int]] = {}
        for line, message, hint in removals(text):
            lines.setdefault((message, hint), []).append(first + line - 1 if first else 0)
        for (message, hint), at in lines.items():
            found.add(path, at[0], "", message + _again(at[1:]), hint)


MAX_LINES_SHOWN = 10  #: of a warning repeated in one file, the further lines named


def _again(lines: list[int]) -> str:
    """' (also on lines 12, 14 and 16)' for a warning repeated further down a file; '' when it is not."""
    if not lines:
        return ""
    if not all(lines):
        return f" ({len(lines) + 1} times)"
    shown = [str(n) for n in lines[:MAX_LINES_SHOWN]]
    if len(lines) > MAX_LINES_SHOWN:
        return f" (also on lines {', '.join(shown)} and {len(lines) - MAX_LINES_SHOWN} more)"
    return f" (also on line{'s' if len(shown) > 1 else ''} " + (
        f"{', '.join(shown[:-1])} and {shown[-1]})" if len(shown) > 1 else f"{shown[0]})")


def _line_text(source: Path, path: str, number: int) -> str:
    try:
        return (source / path).read_text(encoding="utf-8-sig").splitlines()[number - 1]
    except (OSError, UnicodeDecodeError, IndexError):
        return ""


SHARED_VALUES = ("specialties", "modalities", "populations", "languages", "insurance")  #: filters by typed words


def _lone_values(found: Collector, source: Path, site: Site) -> None:
    """A value that one listed profile writes and that is close to one others share ("Aetan", "Aetna"): its own
    filter page of one therapist, while clients who pick the others' value do not find this therapist."""
    listed = [therapist for therapist in site.therapists if therapist.listed]
    for field in SHARED_VALUES:
        users: dict[str, list] = {}
        for therapist in listed:
            for value in getattr(therapist, field):
                users.setdefault(value, []).append(therapist)
        shared = [value for value, who in users.items() if len(who) > 1]
        for value, who in users.items():
            close = [other for other in difflib.get_close_matches(value, shared, n=3, cutoff=0.8)
                     if other.casefold() != value.casefold()] if len(who) == 1 else []
            if close:
                therapist, meant = who[0], close[0]
                found.add(therapist.source, line_of(source, therapist.source, field),
                          f"{field}[{getattr(therapist, field).index(value)}]",
                          f"{value!r} is written by this profile alone, and {meant!r} by {len(users[meant])} others, "
                          f"so clients who choose {meant!r} do not find this therapist",
                          f"if it is meant to be the same, write {meant!r}")


NOT_AN_INSURER = re.compile(r"(self|private|direct)[- ]?pay(ment)?|out[- ]of[- ]pocket|cash|none|no insurance",
                            re.IGNORECASE)


def _not_insurers(found: Collector, source: Path, site: Site) -> None:
    """'Self-pay' written as a plan: a filter page "Therapists who accept Self-pay" that only lists those who wrote
    it, while any therapist can be paid directly (the fees say what a session costs)."""
    for therapist in site.therapists:
        for index, plan in enumerate(therapist.insurance):
            if NOT_AN_INSURER.fullmatch(plan.strip()):
                found.add(therapist.source, line_of(source, therapist.source, "insurance"), f"insurance[{index}]",
                          f"{plan!r} is not an insurance plan: its filter page would list only the therapists who "
                          "wrote it, while clients can pay any therapist directly",
                          "remove it (a profile without insurance shows 'Self-pay'); the fees show what a session "
                          "costs")


def _strays(found: Collector, site: Site) -> None:
    """A file in content/articles/ that is no article (notes.txt, post.html, a .docx) is published as a file."""
    for file in site.files:
        if file.startswith("content/articles/") and not file.lower().endswith(ARTICLE_COMPANIONS):
            found.add(file, 0, "", f"is not an article (articles end in .md or .markdown), so it is published as "
                      f"it is, at /{file[len('content/'):]}",
                      "to make it an article, save it as Markdown with a .md name; otherwise move it out of "
                      "content/articles/")


PROFILE_NAME = re.compile(r"(.+?)\.ya?ml\b", re.IGNORECASE)  # "ana.yaml.txt": Notepad added .txt, Windows hid it


def _unread_in_therapists(found: Collector, source: Path) -> None:
    """A file in therapists/ that is neither a profile nor a photo is not read: a profile saved as ana.yaml.txt
    would leave the therapist off the site without a word."""
    folder = source / "therapists"
    for file in sorted(folder.iterdir()) if folder.is_dir() else ():
        if IGNORED.search(file.name) or not file.is_file() or therapist_file(file.name):
            continue
        rel = f"therapists/{file.name}"
        named = PROFILE_NAME.match(file.name)
        if named:
            found.add(rel, 0, "", "is not read as a profile: a profile's file name ends in .yaml",
                      f"rename it to {named.group(1)}.yaml (Windows may hide the last part of a name: in File "
                      "Explorer, View, tick File name extensions)")
        else:
            found.add(rel, 0, "", "is neither a profile (.yaml) nor a photo (.jpg, .jpeg, .png, .webp), so it is not "
                      "used", "move it out of therapists/ if it is not meant for the site")


def _placeholders(found: Collector, source: Path, therapist, fields: tuple[str, ...] = ("name", "bio"),
                  hint: str = "write your own text in its place, or add 'listed: false' to keep the profile off the "
                              "site until it is ready") -> None:
    for field in fields:
        text = getattr(therapist, field)
        for placeholder in PLACEHOLDERS:
            if placeholder in text:
                found.add(therapist.source, _line_with(source, therapist.source, placeholder)
                          or line_of(source, therapist.source, field), field,
                          f"still holds the example text {placeholder!r}, which would be published as it is", hint)


FAR = 30  #: miles between an office's lat/lon and its ZIP code's centre that mean one of them is wrong


def _unplaced_offices(found: Collector, source: Path, therapist) -> None:
    """Offices that "near you" cannot place (geo.py): a ZIP code that the ZIP code list does not have, or none;
    lat/lon far from the office's own ZIP code (copied from the example, or swapped); a ZIP code of another state."""
    for index, loc in enumerate(therapist.locations):
        zip_place = geo.place(loc.postal_code) if loc.postal_code else None
        if loc.lat is not None and zip_place and geo.miles((loc.lat, loc.lon), zip_place) > FAR:
            found.add(therapist.source, line_of(source, therapist.source, "locations"), f"locations[{index}].lat",
                      f"lat and lon are {geo.miles((loc.lat, loc.lon), zip_place):,.0f} miles from the ZIP code "
                      f"{loc.postal_code!r}, so 'near you' would place this office there",
                      "check lat and lon (they may be the example's), or remove them to use the ZIP code")
        line = (_line_with(source, therapist.source, loc.postal_code) if loc.postal_code else 0) \
            or line_of(source, therapist.source, "locations")
        in_state = geo.zip_state(loc.postal_code) if loc.postal_code else None
        if in_state and loc.state and in_state != loc.state:  # a typo in one of them
            found.add(therapist.source, line, f"locations[{index}].postal_code",
                      f"the ZIP code {loc.postal_code!r} is in {STATES.get(in_state, in_state)}, not in "
                      f"{STATES.get(loc.state, loc.state)} ({loc.state})",
                      "check the ZIP code and the state: 'near you' places the office by its ZIP code, the "
                      "directory's state filter by its state")
        if loc.lat is not None:
            continue
        if loc.postal_code:
            found.add(therapist.source, line, f"locations[{index}].postal_code",
                      f"the ZIP code {loc.postal_code!r} is not a US ZIP code we know, so 'near you' cannot sort "
                      "this office by distance", "check the ZIP code, or give the office's lat and lon")
        else:
            found.add(therapist.source, line, f"locations[{index}]",
                      "no postal_code, so 'near you' cannot sort this office by distance",
                      "add the office's ZIP code, e.g. postal_code: \"92101\", or its lat and lon")


def _line_with(source: Path, path: str, text: str) -> int:
    try:
        lines = (source / path).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return 0
    notes = path.endswith((".yaml", ".yml"))  # a YAML line that is a note (#) says nothing that is published
    return next((number for number, line in enumerate(lines, 1)
                 if text in line and not (notes and line.lstrip().startswith("#"))), 0)


def line_of(source: Path, path: str, field: str) -> int:
    """Return the line where ``field:`` starts in a source file, or 0 when it is not written there."""
    try:
        text = (source / path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return 0
    pattern = re.compile(rf"{re.escape(field)}\s*:")
    for number, line in enumerate(text.splitlines(), 1):
        if path.lower().endswith(TEXT_SUFFIXES) and number > 1 and line.rstrip() in ("---", "..."):
            break  # the front matter ends here; the body may say anything
        if pattern.match(line):
            return number
    return 0
