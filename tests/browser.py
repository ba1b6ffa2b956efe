"""Browser test helpers: Debian's Chromium driven by Playwright, a built site served on 127.0.0.1, the page kinds.

Playwright's own browser download cannot work here, so the tests launch /usr/bin/chromium (installed by .ci/run).
In CI (CI=true) a missing Chromium, Java or Nu Html Checker fails the test; elsewhere it skips with the reason.
"""
from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import EPOCH, REPO
from generator.cli import main as cli
from sitegen import generate_site

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-default-apps",
        "--disable-domain-reliability", "--no-pings"]


def missing(reason: str):
    """Fail in CI, where every check must run; skip elsewhere, saying what to install."""
    if os.environ.get("CI") == "true":
        pytest.fail(reason + " (CI must run this test)")
    pytest.skip(reason)


def chromium_path() -> str:
    """Debian's chromium, or fail in CI and skip elsewhere: Playwright's own download cannot be used here."""
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if not found:
        missing("Chromium is not installed: .ci/run installs Debian's chromium package (apt-get install chromium)")
    return found


@contextlib.contextmanager
def launched() -> Iterator:
    """One headless Chromium for a module: ``with launched() as browser``."""
    executable = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright is not installed: pip install -e '.[test]'")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextlib.contextmanager
def served(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 at a free port; yield the base URL without a trailing slash."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def build_site(source: Path) -> Path:
    """Build ``source`` at the tests' fixed "now" into <source>/public, as `therapist-site build`; return it."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SOURCE_DATE_EPOCH", EPOCH)
        code = cli(["build", "--quiet", "--source", str(source), "--output", str(source / "public")])
    assert code == 0, f"the build of {source} failed"
    return source / "public"


# A standalone page for the generated site, with what tends to break narrow screens: a long unbroken word, a wide
# table and a long link.
WIDE_PAGE = """\
---
title: Fees and insurance
summary: What a session costs, and how insurance works.
---
Our billing code is SUPERCALIFRAGILISTICEXPIALIDOCIOUSLYLONGBILLINGIDENTIFIER0123456789, and our forms live at
<https://generated.example.org/forms/intake/adult/individual/2026/intake-questionnaire-for-new-clients.pdf>.

| Service | Individual | Couples | Family | Group | Sliding scale | Insurance | Notes |
|---|---|---|---|---|---|---|---|
| First consultation | free | free | free | free | yes | not needed | fifteen minutes by phone |
| Session (50 minutes) | $180 | $220 | $240 | $60 | from $60 | most plans | superbills on request |
"""
# A guest author, and an old address of the newest generated article: the generated site has every page kind.
GUEST = """\
name: Jordan Avery
bio: Jordan runs the front desk and writes about **first appointments**.
link: https://jordan-avery.example.net/
"""
OLD_ADDRESS = "/2019/05/old-notes.html"
_BUILT: dict[str, Path] = {}


def built_site(name: str, tmp_path_factory) -> Path:
    """The built output of "example" (a copy of this repository's site) or "generated" (30 therapists, 60
    articles, a standalone page, a guest author and an old address): built once per test session, to be read and
    never changed by a test."""
    if name not in _BUILT:
        root = tmp_path_factory.mktemp(name) / "site"
        if name == "example":
            for part in ("site.yaml", "logo.svg", "content", "therapists", "layouts"):
                if (REPO / part).is_dir():
                    shutil.copytree(REPO / part, root / part)
                elif (REPO / part).exists():
                    root.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(REPO / part, root / part)
        elif name == "generated":
            generate_site(root, therapists=30, articles=60)
            (root / "content" / "pages").mkdir(parents=True, exist_ok=True)
            (root / "content" / "pages" / "fees.md").write_text(WIDE_PAGE, encoding="utf-8")
            (root / "content" / "authors").mkdir()
            (root / "content" / "authors" / "jordan-avery.yaml").write_text(GUEST, encoding="utf-8")
            newest = sorted((root / "content" / "articles").glob("*-60.md"))[0]
            newest.write_text(newest.read_text().replace("---\n", f"---\naliases: [{OLD_ADDRESS}]\n", 1))
        else:
            raise ValueError(name)
        _BUILT[name] = build_site(root)
    return _BUILT[name]


def base_host(public: Path) -> str:
    """The host of the site's base_url, read from its canonical links: links to it are the site's own."""
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', (public / "index.html").read_text())
    return urlsplit(canonical.group(1)).hostname


def html_pages(public: Path) -> list[Path]:
    """Every HTML page of a built site, sorted."""
    return sorted(public.rglob("*.html"))


def page_kinds(public: Path) -> dict[str, str]:
    """One URL path of each page kind in a built site: {"home": "/", "profile": "/therapists/ana-lima/", ...}.

    The profile is one with a photo when the site has one; the facet value is one with the most therapists.
    """
    def first(folder: str, skip: tuple[str, ...] = ()) -> str:
        found = sorted(p.parent for p in (public / folder).glob("*/index.html") if p.parent.name not in skip)
        assert found, f"the site has no page under /{folder}/"
        return "/" + found[0].relative_to(public).as_posix() + "/"

    therapists = public / "therapists"
    facet_folders = sorted(p.parent for p in therapists.glob("*/*/index.html"))
    value = max(facet_folders, key=lambda p: (p.joinpath("index.html").read_text().count("data-slug="), p.name))
    profiles = sorted(p.parent for p in therapists.glob("*/index.html") if p.parent not in {f.parent for f in facet_folders})
    with_photo = [p for p in profiles if 'class="profile-photo"' in (p / "index.html").read_text()]
    profile = (with_photo or profiles)[0]
    pages = sorted(p.parent for p in public.glob("*/index.html")
                   if p.parent.name not in {"articles", "topics", "therapists", "subscribe", "search"})
    assert pages, "the site has no standalone page"
    extra = {"search": "/search/"} if (public / "search" / "index.html").exists() else {}
    guests = sorted(public.glob("authors/*/index.html"))
    extra |= {"guest author": "/" + guests[0].parent.relative_to(public).as_posix() + "/"} if guests else {}
    return extra | {
        "home": "/",
        "article list": "/articles/",
        "article": first("articles", skip=("page",)),
        "topics": "/topics/",
        "topic": first("topics"),
        "directory": "/therapists/",
        "facet": "/" + value.parent.relative_to(public).as_posix() + "/",
        "facet value": "/" + value.relative_to(public).as_posix() + "/",
        "profile": "/" + profile.relative_to(public).as_posix() + "/",
        "subscribe": "/subscribe/",
        "page": "/" + pages[0].relative_to(public).as_posix() + "/",
        "404": "/404.html",
    }


def open_settled(page, url: str) -> None:
    """Open ``url`` and wait for what its own scripts still add after the load event: the search page's box, which
    Pagefind draws once its list of shards has arrived (on a busy machine, well after the page has loaded)."""
    page.goto(url)
    if page.locator("#search[data-bundle]").count():
        page.locator(".pagefind-ui__search-input").wait_for()
