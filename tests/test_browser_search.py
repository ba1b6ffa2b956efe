"""Search and the subscribe page in a real browser: Debian's Chromium driven by Playwright, the example site built and
served from 127.0.0.1. A search for a word of the Wizards essay finds it, also when the index comes in many shards;
no request leaves 127.0.0.1 and the page's Content-Security-Policy blocks nothing. In CI (CI=true) a missing Chromium fails; elsewhere it skips.
"""
from __future__ import annotations

import contextlib
import functools
import gzip
import json
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from conftest import EPOCH, REPO
from generator import search
from generator.build import Options, build

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
WIZARDS = "/articles/therapists-as-wizards/"
GROUNDING = "/articles/grounding-when-anxiety-spikes/"  # the one page with the word "alphabet"


def chromium_path() -> str:
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("Chromium is not installed: .ci/run installs Debian's chromium package")
    pytest.skip("Chromium is not installed (apt-get install chromium); CI runs these tests")


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextlib.contextmanager
def example_site(tmp_path_factory, name: str, shard_pages: int | None = None):
    """The example site (copied, so the working tree is never touched), built and served on 127.0.0.1: yields the
    address and the built folder. ``shard_pages``: a search index shard's size, to split the index into many."""
    root = tmp_path_factory.mktemp(name) / "site"
    root.mkdir()
    for part in ("site.yaml", "logo.svg", "content", "therapists"):
        copy = shutil.copytree if (REPO / part).is_dir() else shutil.copyfile
        copy(REPO / part, root / part)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SOURCE_DATE_EPOCH", EPOCH)
        if shard_pages is not None:
            env.setattr(search, "SHARD_PAGES", shard_pages)
        build(Options(source=root, output=root / "public"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root / "public")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root / "public"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """The example site, built and served on 127.0.0.1: its address."""
    with example_site(tmp_path_factory, "example") as (address, _):
        yield address


@pytest.fixture(scope="module")
def sharded(tmp_path_factory):
    """The example site with its search index in shards of about two pages: (address, built folder)."""
    with example_site(tmp_path_factory, "sharded", shard_pages=2) as served:
        yield served


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page_factory(browser):
    """page_factory(javascript=True) -> a fresh page that records requests to other hosts, script errors and
    everything the Content-Security-Policy refused."""
    contexts, outside, problems = [], [], []

    def make(javascript: bool = True, **options):
        context = browser.new_context(java_script_enabled=javascript, **options)
        contexts.append(context)

        def guard(route):
            if urlsplit(route.request.url).hostname == "127.0.0.1":
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.on("console", lambda message: problems.append(message.text)
                if message.type == "error" or "Content Security Policy" in message.text else None)
        return page

    yield make
    for context in contexts:
        context.close()
    assert outside == [], "requests left 127.0.0.1"
    assert problems == [], "the page reported errors or the policy refused something"


def results(page) -> list[str]:
    """The paths of the results shown, once each has loaded: every result fetches its own fragment, so on a busy
    machine a later one can arrive first, or the last few not yet (they show a grey placeholder until then)."""
    page.wait_for_function("""() => document.querySelector('.pagefind-ui__result-link')
        && !document.querySelector('.pagefind-ui__results .pagefind-ui__loading')""", timeout=30000)
    return page.locator(".pagefind-ui__result-link").evaluate_all("links => links.map(a => a.pathname)")


def test_searching_for_rogers_finds_the_wizards_essay_with_no_request_elsewhere(base, page_factory):
    page = page_factory()
    page.goto(f"{base}/search/")
    page.locator(".pagefind-ui__search-input").fill("Rogers")
    assert results(page)[0] == WIZARDS
    expect(page.locator("#search-needs-javascript")).to_be_hidden()
    assert parse_qs(urlsplit(page.url).query) == {"q": ["Rogers"]}  # the address follows the search box


def test_the_notice_for_browsers_without_javascript_is_gone_before_the_search_box_has_loaded(base, page_factory):
    """A visitor who tabs while the index is still on its way must never land on a link that then disappears."""
    page = page_factory()
    held = []
    # The list of the index's shards, fetched before the search box starts: held back until the check is made.
    page.route("**/pagefind/shards.json", lambda route: held.append(route))
    with page.expect_request("**/pagefind/shards.json"):
        page.goto(f"{base}/search/")
    assert page.locator("#search-needs-javascript").is_hidden()
    held[0].continue_()
    expect(page.locator(".pagefind-ui__search-input")).to_be_visible()


def test_when_pagefinds_script_cannot_load_the_search_page_says_search_needs_it(base, page_factory):
    page = page_factory()
    # As a blocker leaves it: the file answers, empty (an aborted request would be a console error to this fixture)
    page.route("**/pagefind/pagefind-ui.js", lambda route: route.fulfill(content_type="text/javascript", body=""))
    page.goto(f"{base}/search/")
    expect(page.get_by_text("Search needs JavaScript")).to_be_visible()
    page.get_by_role("link", name="topic", exact=True).click()
    page.wait_for_url("**/topics/")


def test_the_search_box_in_the_header_leads_to_the_results(base, page_factory):
    page = page_factory()
    page.goto(f"{base}/topics/")
    page.locator("#site-search-q").fill("Rogers")
    page.locator(".site-search button").click()
    page.wait_for_url("**/search/?q=Rogers")
    assert WIZARDS in results(page)
    assert page.locator(".pagefind-ui__search-input").input_value() == "Rogers"
    page.locator(".pagefind-ui__result-link", has_text="Wizards").first.click()
    page.wait_for_url(f"**{WIZARDS}")


def test_without_javascript_the_header_search_still_leads_to_the_search_page_which_says_why(base, page_factory):
    page = page_factory(javascript=False)
    page.goto(f"{base}/")
    page.locator("#site-search-q").fill("grief")
    page.locator(".site-search button").click()
    page.wait_for_url("**/search/?q=grief")
    assert page.get_by_text("Search needs JavaScript").is_visible()
    page.get_by_role("link", name="article", exact=True).click()
    page.wait_for_url("**/articles/")


def test_the_copy_button_puts_a_feed_address_on_the_clipboard(base, page_factory):
    page = page_factory(permissions=["clipboard-read", "clipboard-write"])
    page.goto(f"{base}/subscribe/")
    button = page.locator('button[data-copy$="/topics/anxiety/feed.xml"]')
    button.click()
    # The label says "Copied" for two seconds once the copy is done: checked first, while it is sure to show.
    expect(button).to_contain_text("Copied")
    expect(page.locator("#copy-status")).to_have_text("Copied https://harborlight.example.org/topics/anxiety/feed.xml")
    assert page.evaluate("navigator.clipboard.readText()") == "https://harborlight.example.org/topics/anxiety/feed.xml"


def test_without_javascript_the_copy_buttons_stay_hidden_and_the_addresses_show(base, page_factory):
    page = page_factory(javascript=False)
    page.goto(f"{base}/subscribe/")
    assert page.locator("button[data-copy]").first.is_hidden()
    assert page.get_by_text("https://harborlight.example.org/feed.json").is_visible()


def shard_of(public: Path) -> dict[str, str]:
    """Which shard of the search index holds each page: {url: "" for the first, or "shard-N/"}."""
    bundle = public / "pagefind"
    found = {}
    for shard in ["", *json.loads((bundle / "shards.json").read_text())]:
        for file in (bundle / shard / "fragment").glob("*.pf_fragment"):
            found[json.loads(gzip.decompress(file.read_bytes())[12:])["url"]] = shard
    return found


def test_a_search_index_in_many_shards_finds_pages_of_every_shard(sharded, page_factory):
    base, public = sharded
    shards = shard_of(public)
    assert len(set(shards.values())) > 2, shards
    # Both pages in shards the search page merges, and not the same one (if the example site changes so that they
    # share a shard, choose a word of a page in another).
    assert shards[WIZARDS] and shards[GROUNDING] and shards[WIZARDS] != shards[GROUNDING], shards
    page = page_factory()
    page.goto(f"{base}/search/")
    page.locator(".pagefind-ui__search-input").fill("Rogers")
    assert results(page)[0] == WIZARDS
    page = page_factory()
    page.goto(f"{base}/search/?q=alphabet")
    results(page)
    # Shards of two pages each know too few words to rank well: the page may come after the first five shown.
    while page.locator(".pagefind-ui__button").is_visible():
        page.locator(".pagefind-ui__button").click()
    assert GROUNDING in results(page)


def font_px(page, selector: str) -> float:
    return page.locator(selector).first.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")


@pytest.mark.parametrize("scheme", ("light", "dark"))
def test_search_results_use_the_sites_type_and_colours_and_say_how_many(base, page_factory, scheme):
    page = page_factory(color_scheme=scheme)
    page.goto(f"{base}/search/?q=grief")
    results(page)
    body = font_px(page, "body")
    assert font_px(page, ".pagefind-ui__result-excerpt") == body  # Pagefind's own: 12.8 px beside 17 px
    assert font_px(page, ".pagefind-ui__search-clear") >= 16
    assert page.locator(".pagefind-ui__search-clear").evaluate("el => getComputedStyle(el).fontFamily") == \
        page.evaluate("getComputedStyle(document.body).fontFamily")
    link, accent = page.evaluate("""() => [getComputedStyle(document.querySelector('.pagefind-ui__result-link')).color,
        getComputedStyle(document.querySelector('.site-title').parentElement.querySelector('nav a')).color]""")
    assert link == accent  # the site's link colour, in this colour scheme
    count = page.locator(".pagefind-ui__result").count()
    assert page.locator(".pagefind-ui__message").inner_text() == f"{count} result{'s' if count > 1 else ''} for grief"
    assert page.locator("#search-elsewhere").is_hidden()


def test_a_search_that_finds_nothing_offers_the_directory_and_the_topics(base, page_factory):
    page = page_factory()
    page.goto(f"{base}/search/?q=xylophonist")
    elsewhere = page.locator("#search-elsewhere")
    elsewhere.wait_for()
    assert page.locator(".pagefind-ui__message").inner_text() == "No results for xylophonist"
    assert elsewhere.get_by_role("link", name="find a therapist").get_attribute("href") == "/therapists/"
    assert elsewhere.get_by_role("link", name="topic").get_attribute("href") == "/topics/"
    assert elsewhere.get_by_role("link", name="+1-619-555-0100").is_visible()
    page.locator(".pagefind-ui__search-input").fill("Okafor")
    results(page)
    expect(elsewhere).to_be_hidden()


@pytest.mark.parametrize("words", ("Maya Okafor", "PTSD", "TRICARE"))
def test_a_therapist_is_found_by_name_specialty_and_insurer(base, page_factory, words):
    page = page_factory()
    page.goto(f"{base}/search/?q={words}")
    assert "/therapists/maya-okafor/" in results(page)
