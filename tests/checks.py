"""The checks that every page must pass, as plain functions: each returns a list of problems, empty when the page
is fine. The same functions run over the example site, a generated site and, to prove they bite, sites whose layouts
break the rules (tests/test_broken_layouts.py).

Static checks read the built HTML (privacy, CSP, headings, the crisis line); browser checks take a Playwright page
(axe-core, reflow, focus); ``vnu_errors`` runs the Nu Html Checker over many files in one Java process.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from browser import missing

WCAG_22_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
# axe-core's best practices for structure, checked too: landmarks, one main, one h1, headings in order, skip link
STRUCTURE = ("region", "landmark-one-main", "landmark-unique", "landmark-no-duplicate-banner",
             "landmark-no-duplicate-contentinfo", "landmark-no-duplicate-main", "landmark-banner-is-top-level",
             "landmark-contentinfo-is-top-level", "landmark-main-is-top-level", "landmark-complementary-is-top-level",
             "page-has-heading-one", "heading-order", "empty-heading", "skip-link")
VNU_VERSION = "26.9.27"  # the vnu-jar npm package, which ships vnu.jar
VNU_HOME = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "therapist-site" / f"vnu-{VNU_VERSION}"
DATA_SCRIPT_TYPES = {"application/ld+json", "application/json", "text/plain", "text/template"}
JS_TYPES = {"", "module", "text/javascript", "application/javascript", "application/ecmascript", "text/ecmascript"}
# <link rel> values whose href the browser fetches (or connects to) while showing the page
FETCHED_RELS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "apple-touch-icon-precomposed", "mask-icon",
                "preload", "modulepreload", "prefetch", "prerender", "preconnect", "dns-prefetch", "manifest"}
URL_ATTRIBUTES = {("script", "src"), ("img", "src"), ("img", "srcset"), ("source", "src"), ("source", "srcset"),
                  ("iframe", "src"), ("frame", "src"), ("embed", "src"), ("object", "data"), ("video", "src"),
                  ("video", "poster"), ("audio", "src"), ("track", "src"), ("input", "src"), ("image", "href"),
                  ("use", "href"), ("form", "action"), ("button", "formaction"), ("input", "formaction")}


# ---- reading a page -------------------------------------------------------------------------------------------

class Element:
    __slots__ = ("tag", "attrs", "line", "text")

    def __init__(self, tag: str, attrs: dict[str, str], line: int):
        self.tag, self.attrs, self.line, self.text = tag, attrs, line, ""


class Page(HTMLParser):
    """The parts of an HTML page the static checks read: elements in order with attributes, scripts' text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._open: list[Element] = []  # script, style and h1-h6 collect their text
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {name: value or "" for name, value in attrs}, self.getpos()[0])
        self.elements.append(element)
        if tag in ("script", "style", "h1", "h2", "h3", "h4", "h5", "h6", "title"):
            self._open.append(element)

    def handle_endtag(self, tag):
        if self._open and self._open[-1].tag == tag:
            self._open.pop()

    def handle_data(self, data):
        for element in self._open:
            element.text += data

    def all(self, *tags: str) -> list[Element]:
        return [e for e in self.elements if e.tag in tags]

    def csp(self) -> str:
        metas = [e for e in self.all("meta") if e.attrs.get("http-equiv", "").lower() == "content-security-policy"]
        return metas[0].attrs.get("content", "") if metas else ""


def _directives(policy: str) -> dict[str, list[str]]:
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives.setdefault(words[0].lower(), words[1:])
    return directives


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _urls(element: Element, name: str) -> list[str]:
    value = element.attrs.get(name, "").strip()
    if name == "srcset" or name == "imagesrcset":
        return [candidate.split()[0] for candidate in value.split(",") if candidate.split()]
    return [value] if value else []


def _host(url: str) -> str:
    url = url.strip()
    if url.startswith("//"):
        url = "http:" + url
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob"):
        return parts.scheme + ":"
    return parts.hostname or ""


# ---- privacy --------------------------------------------------------------------------------------------------

def privacy_problems(html: str, own_hosts: tuple[str, ...] = ()) -> list[str]:
    """What in a page could tell another site about the visit, or slip past its Content-Security-Policy.

    Checked: the CSP meta tag (default-src 'self', nothing looser in any directive), a referrer policy that keeps
    the page's address from the sites its links lead to, no inline executable script
    unless its hash is in the policy (JSON-LD and other data blocks are fine), no inline event handler, style or
    javascript: link (the policy blocks them: the page would silently break), and no resource the browser fetches
    (style sheet, icon, preload, script, image, frame, media, CSS url()) from a host other than the page's own.
    ``own_hosts`` are the hosts that count as the page's own besides relative URLs (the site's base_url host).
    """
    page = Page(html)
    problems = []
    policy = page.csp()
    directives = _directives(policy)
    if not policy:
        problems.append("no Content-Security-Policy meta tag")
    elif directives.get("default-src") != ["'self'"]:
        problems.append(f"the Content-Security-Policy does not start from default-src 'self': {policy!r}")
    # The newsletter's sign-up form posts to its provider: form-action may name exactly the origins of the page's own
    # post forms, and only on a page that has one.
    posted = {"{0.scheme}://{0.netloc}".format(urlsplit(f.attrs.get("action", ""))) for f in page.all("form")
              if f.attrs.get("method", "").lower() == "post" and urlsplit(f.attrs.get("action", "")).netloc}
    for name, sources in directives.items():
        for source in sources:
            if name == "form-action" and source in posted:
                continue
            loose = source in ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "http:",
                               "https:", "blob:") or ("." in source and not source.startswith("'"))
            if loose and not (name in ("img-src",) and source == "data:"):
                problems.append(f"the Content-Security-Policy lets {name} load from {source}")
    referrer = [e for e in page.all("meta") if e.attrs.get("name", "").lower() == "referrer"]
    if not referrer or referrer[0].attrs.get("content") != "no-referrer":
        problems.append("no <meta name=referrer content=no-referrer>: links would tell other sites the page visited")
    hashes = set(directives.get("script-src", []))
    for script in page.all("script"):
        kind = script.attrs.get("type", "").strip().lower()
        if "src" not in script.attrs and kind in JS_TYPES and _sha256(script.text) not in hashes:
            problems.append(f"line {script.line}: an inline <script> the policy blocks (load it from a file)")
    for element in page.all("style"):
        problems.append(f"line {element.line}: a <style> element the policy blocks (use the site's style sheet)")
    for element in page.elements:
        for name, value in element.attrs.items():
            if name.startswith("on"):
                problems.append(f"line {element.line}: <{element.tag} {name}=...>: an inline event handler")
            elif name == "style":
                problems.append(f"line {element.line}: <{element.tag} style=...>: an inline style the policy blocks")
            elif name in ("href", "src", "action", "formaction") and value.strip().lower().startswith("javascript:"):
                problems.append(f"line {element.line}: <{element.tag} {name}={value!r}>: a javascript: link")
    fetched: list[tuple[Element, str]] = []
    for element in page.all("link"):
        rels = set(element.attrs.get("rel", "").lower().split())
        if rels & FETCHED_RELS:
            fetched += [(element, url) for url in _urls(element, "href") + _urls(element, "imagesrcset")]
    for element in page.elements:
        for tag, name in URL_ATTRIBUTES:
            if element.tag == tag:
                fetched += [(element, url) for url in _urls(element, name)]
    for element in page.all("meta"):
        if element.attrs.get("http-equiv", "").lower() == "refresh" and "url=" in element.attrs.get("content", ""):
            fetched.append((element, element.attrs["content"].split("url=", 1)[1]))
    for element in page.all("style"):
        fetched += [(element, url) for url in css_urls(element.text)]
    for element, url in fetched:
        host = _host(url)
        if element.tag == "form" and element.attrs.get("method", "").lower() == "post" and \
                "{0.scheme}://{0.netloc}".format(urlsplit(url)) in directives.get("form-action", ()):
            continue  # the sign-up form: sends only what the reader types, when they press Subscribe
        if host and host not in own_hosts and host != "data:":
            problems.append(f"line {element.line}: <{element.tag}> loads {url!r} from another host")
    return problems


def css_urls(css: str) -> list[str]:
    """The addresses a style sheet makes the browser fetch: @import and url()."""
    found = re.findall(r"""url\(\s*['"]?([^'")\s]+)""", css)
    found += re.findall(r"""@import\s+['"]([^'"]+)""", css)
    return found


def stylesheet_problems(css: str, own_hosts: tuple[str, ...] = ()) -> list[str]:
    """A style sheet may fetch nothing from another host (web fonts, background images)."""
    return [f"the style sheet loads {url!r} from another host" for url in css_urls(css)
            if _host(url) and _host(url) not in own_hosts and _host(url) != "data:"]


# ---- headings and the crisis line -----------------------------------------------------------------------------

def heading_problems(html: str) -> list[str]:
    """One h1, and no heading more than one level deeper than the one before it (h2 then h4 skips a level)."""
    headings = Page(html).all("h1", "h2", "h3", "h4", "h5", "h6")
    levels = [int(h.tag[1]) for h in headings]
    problems = []
    if levels.count(1) != 1:
        problems.append(f"{levels.count(1)} h1 headings: a page has exactly one")
    previous = 1
    for heading, level in zip(headings, levels):
        if level > previous + 1:
            problems.append(f"line {heading.line}: <{heading.tag}> {heading.text.strip()!r} follows an h{previous}: "
                            f"a level is skipped")
        previous = level
    return problems


def crisis_problems(html: str, text: str, links: tuple[str, ...], emergency: str = "") -> list[str]:
    """The crisis help is on the page: the calm sentence, a link for every number and the chat, the emergency line,
    in the page's footer (so it is in the same place everywhere), and a short link to it at the top of the page."""
    page = Page(html)
    problems = []
    flat = re.sub(r"\s+", " ", html)
    footer = flat[flat.find('<footer class="site-footer"'):] if '<footer class="site-footer"' in flat else ""
    if not footer:
        problems.append("no site footer")
    for needed in (text, emergency):
        if needed and needed not in footer:
            problems.append(f"the footer lacks {needed!r}")
    hrefs = [e.attrs.get("href", "") for e in page.all("a")]
    for link in links:
        if hrefs.count(link) < 1 or f'href="{link}"' not in footer:
            problems.append(f"no link to {link} in the footer")
    header = flat[:flat.find("<main")]
    if not any(f'href="{link}"' in header for link in links):
        problems.append("no crisis link at the top of the page, before the main content")
    return problems


# ---- the Nu Html Checker --------------------------------------------------------------------------------------

def vnu_jar() -> Path:
    """vnu.jar from the vnu-jar npm package, installed once into the user's cache (never into the work tree)."""
    if os.environ.get("VNU_JAR"):
        return Path(os.environ["VNU_JAR"])
    jar = VNU_HOME / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    if not shutil.which("java"):
        missing("Java is not installed: the Nu Html Checker needs it (apt-get install default-jre-headless)")
    if not jar.exists():
        npm = shutil.which("npm")
        if not npm:
            missing("npm is not installed: it fetches the vnu-jar package (apt-get install npm)")
        VNU_HOME.mkdir(parents=True, exist_ok=True)
        # --ignore-scripts: the package's postinstall would try to download a Java runtime; the machine's is used
        result = subprocess.run([npm, "install", "--prefix", str(VNU_HOME), "--no-save", "--ignore-scripts",
                                 "--no-audit", "--no-fund", "--loglevel=error", f"vnu-jar@{VNU_VERSION}"],
                                capture_output=True, text=True, timeout=600)
        if result.returncode != 0 or not jar.exists():
            missing(f"npm could not install vnu-jar@{VNU_VERSION}: {result.stderr.strip()[-500:]}")
    return jar


def vnu_errors(files: list[Path], root: Path | None = None) -> list[str]:
    """Run the Nu Html Checker once over ``files``; return its errors as 'path:line: message'."""
    assert files, "nothing to check"
    result = subprocess.run(["java", "-Xss8m", "-jar", str(vnu_jar()), "--errors-only", "--format", "json",
                             *map(str, files)], capture_output=True, text=True, timeout=600)
    try:
        messages = json.loads(result.stderr or result.stdout)["messages"]
    except (ValueError, KeyError):
        raise AssertionError(f"the Nu Html Checker failed (exit {result.returncode}): {result.stderr[-2000:]}")
    errors = []
    for message in messages:
        if message.get("type") in ("error", "non-document-error"):
            path = message.get("url", "").removeprefix("file:")
            if root is not None and path.startswith(str(root)):
                path = path[len(str(root)):].lstrip("/")
            errors.append(f"{path}:{message.get('lastLine', '?')}: {message.get('message')}")
    assert errors or result.returncode == 0, result.stderr[-2000:]
    return errors


# ---- in the browser -------------------------------------------------------------------------------------------

def axe_violations(page, tags: tuple[str, ...] = WCAG_22_AA, rules: tuple[str, ...] = ()) -> list[str]:
    """Run axe-core (shipped inside axe-playwright-python, injected: no CDN) on the page: the rules of ``tags``
    plus the best-practice ``rules`` named (with no tags: those rules alone); one line per violation."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        missing("axe-playwright-python is not installed: pip install -e '.[test]'")
    if tags:
        only = {"type": "tag", "values": list(tags) + (["best-practice"] if rules else [])}
    else:
        only = {"type": "rule", "values": list(rules)}
    results = Axe().run(page, options={"runOnly": only, "resultTypes": ["violations"]})
    return [f"{v['id']} ({v['impact']}): {v['help']}: " + "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
            for v in results.response["violations"] if set(v["tags"]) & set(tags) or v["id"] in rules]


def overflow(page) -> int:
    """How many CSS pixels the page is wider than its viewport (0: no horizontal scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def focus_indicator(page) -> dict:
    """The focused element's outline: {tag, text, style, width (px), contrast against the page background}."""
    return page.evaluate("""() => {
      const el = document.activeElement, style = getComputedStyle(el);
      const rgb = c => (c.match(/[\\d.]+/g) || [0, 0, 0]).slice(0, 3).map(Number);
      const lum = c => { const [r, g, b] = rgb(c).map(v => { v /= 255;
        return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
      let bg = 'rgb(255, 255, 255)';
      for (let node = el.parentElement; node; node = node.parentElement) {
        const c = getComputedStyle(node).backgroundColor;
        if (c && c !== 'transparent' && !c.startsWith('rgba(0, 0, 0, 0')) { bg = c; break; }
      }
      const [a, b] = [lum(style.outlineColor), lum(bg)].sort((x, y) => y - x);
      const box = el.getBoundingClientRect();
      return {tag: el.tagName.toLowerCase(), text: (el.textContent || el.id || '').trim().slice(0, 40),
              style: style.outlineStyle, width: parseFloat(style.outlineWidth) || 0,
              contrast: (a + 0.05) / (b + 0.05), visible: box.bottom > 0 && box.top < innerHeight && box.width > 0};
    }""")


def focus_problems(page, stops: int = 12) -> list[str]:
    """Tab through the first ``stops`` focusable elements: each must show an outline of at least 2 px in a colour
    with 3:1 contrast against the background, inside the viewport."""
    problems = []
    page.evaluate("document.activeElement && document.activeElement.blur()")
    for _ in range(stops):
        page.keyboard.press("Tab")
        focus = focus_indicator(page)
        if focus["tag"] == "body":
            break
        if focus["style"] == "none" or focus["width"] < 2 or focus["contrast"] < 3 or not focus["visible"]:
            problems.append(f"<{focus['tag']}> {focus['text']!r}: focus outline {focus['style']} "
                            f"{focus['width']}px, contrast {focus['contrast']:.1f}, in view: {focus['visible']}")
    return problems


def unlabelled_controls(page) -> list[str]:
    """Visible form controls with no <label> (or aria-label) naming them."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('input, select, textarea'))
      .filter(el => el.type !== 'hidden' && el.offsetParent !== null)
      .filter(el => !(Array.from(el.labels || []).some(l => l.textContent.trim()) || el.getAttribute('aria-label')))
      .map(el => el.outerHTML.slice(0, 80))""")


def script_problems(js: str) -> list[str]:
    """The theme's own scripts keep nothing about the visitor and call no other host."""
    problems = [f"the script uses {api}" for api in ("document.cookie", "localStorage", "sessionStorage", "indexedDB",
                                                    "sendBeacon", "WebSocket", "XMLHttpRequest") if api in js]
    problems += [f"the script names another host: {url!r}" for url in re.findall(r"""['"`](?:https?:)?//[^'"`\s]+""", js)]
    return problems


def visit_problems(context, base: str, paths: list[str], act=None) -> list[str]:
    """Open every path in a fresh page of ``context`` (a Playwright browser context) and report what a private page
    must never do: a request to any host other than the one ``base`` is served from (it is stopped and listed), a
    cookie, anything kept in local or session storage, a script error, or something the page's policy refused.
    ``act(page, path)`` may use a page (the directory filter, say) before it is checked."""
    host = urlsplit(base).hostname
    problems: list[str] = []

    def guard(route):
        if urlsplit(route.request.url).hostname == host:
            route.continue_()
        else:
            route.abort()

    def request(sent):
        if urlsplit(sent.url).hostname != host:
            problems.append(f"a request left {host}: {sent.url}")

    def console(message):
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            problems.append(f"the policy refused something: {message.text}")

    context.route("**/*", guard)
    context.on("request", request)
    page = context.new_page()
    page.on("pageerror", lambda error: problems.append(f"a script failed: {error}"))
    page.on("console", console)
    for path in paths:
        response = page.goto(base + path)
        if response is None or response.status >= 400 and not path.endswith("404.html"):
            problems.append(f"{path}: not found")
        if act:
            act(page, path)
        page.wait_for_load_state("load")
        kept = page.evaluate("[document.cookie, localStorage.length, sessionStorage.length]")
        if kept != ["", 0, 0]:
            problems.append(f"{path}: keeps something in the browser (cookie, local, session storage): {kept}")
    if context.cookies():
        problems.append(f"cookies were set: {context.cookies()}")
    page.close()
    return problems
