"""serve in a real browser: the page reloads by itself after a save, and neither the live reload script nor the
problem list is blocked by the page's Content-Security-Policy. Debian's Chromium driven by Playwright; in CI
(CI=true) a missing Chromium fails, elsewhere it skips.
"""
from __future__ import annotations

import pytest

from browser import ARGS, chromium_path
from playwright.sync_api import expect

from test_serve import ARTICLE, PATIENCE, PROFILE, SITE, Served, save

WAIT = 3000 * PATIENCE  #: milliseconds for a rebuild and the reload it starts, on a busy machine too


@pytest.fixture
def page():
    playwright_api = pytest.importorskip("playwright.sync_api")
    executable = chromium_path()
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=ARGS)
        yield browser.new_page()
        browser.close()


def test_an_open_page_reloads_after_a_save_and_shows_problems_without_breaking_the_policy(page, make_site,
                                                                                        tmp_path):
    server = Served(make_site(SITE), tmp_path)
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    try:
        page.goto(server.url + "/therapists/ana-lima/")
        page.wait_for_function("() => window.LiveReload !== undefined && window.LiveReload.connector "
                               "&& window.LiveReload.connector._isSocketConnected()", timeout=WAIT)
        save(server.source / "therapists/ana-lima.yaml", PROFILE.replace("after trauma", "after loss"))
        expect(page.get_by_text("Ana works with adults after loss.")).to_be_visible(timeout=WAIT)
        page.wait_for_load_state()

        # Scrolled down, as someone reading the page they edit: the reload keeps the place, the list must show.
        page.set_viewport_size({"width": 390, "height": 500})
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        assert page.evaluate("window.scrollY") > 200
        save(server.source / "therapists/ana-lima.yaml", 'name: "Ana Lima"\nlanguages: [English\n')
        problems = page.wait_for_selector(".ts-dev-problems", timeout=WAIT)
        assert "therapists/ana-lima.yaml, line 2" in problems.inner_text()
        assert page.evaluate("window.scrollY") > 200
        assert page.eval_on_selector(".ts-dev-problems", "e => e.getBoundingClientRect().top") == 0
        assert page.eval_on_selector(".ts-dev-problems", "e => getComputedStyle(e).borderBottomStyle") == "solid"
        assert "Ana works with adults after loss." in page.content()

        save(server.source / "content/articles/hello.md", ARTICLE)  # an unrelated save keeps the list up
        save(server.source / "therapists/ana-lima.yaml", PROFILE)
        expect(page.get_by_text("Ana works with adults after trauma.")).to_be_visible(timeout=WAIT)
        expect(page.locator(".ts-dev-problems")).to_have_count(0)
    finally:
        assert server.stop() == 0
    assert not [text for text in console if "Content Security Policy" in text or "Refused to" in text], console
