"""The sign-up form in a real browser (Debian's Chromium through Playwright): pressing Subscribe on /subscribe/ posts
the address straight to the provider with the configured field names, with JavaScript on or off; the page's
security policy lets it post there and nowhere else, and a page without the form still refuses. The provider is
never reached: the test intercepts its address with page.route.
"""
from __future__ import annotations

from urllib.parse import parse_qsl

import pytest

from browser import build_site, launched, served
from conftest import write_files

ACTION = "https://lists.example.net/join?via=site"
SITE = """\
title: Harbor Test
base_url: https://harbor.example.org/
newsletter:
  title: Harbor Notes
  provider: form
  name: Example Lists
  action: "https://lists.example.net/join?via=site"
  email_field: contact[email]
  fields: {list: "42", source: website}
  honeypot: fax_number
"""
ARTICLE = "---\ntitle: On Waiting\ndate: 2026-03-01\n---\nText.\n"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    root = write_files(tmp_path_factory.mktemp("newsletter") / "site", {
        "site.yaml": SITE, "content/articles/waiting.md": ARTICLE,
        "content/pages/about.md": "---\ntitle: About\n---\nUs.\n"})
    with served(build_site(root)) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with launched() as launched_browser:
        yield launched_browser


@pytest.fixture
def new_page(browser):
    contexts = []

    def make(**options):
        context = browser.new_context(**options)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def subscribe(page, base: str) -> dict:
    """Fill in the form on /subscribe/, press Subscribe; return what reached the (intercepted) provider."""
    sent = {}

    def provider(route):
        request = route.request
        sent.update(method=request.method, url=request.url, form=parse_qsl(request.post_data or "", keep_blank_values=True),
                    type=request.headers.get("content-type", ""))
        route.fulfill(status=200, content_type="text/html", body="<!doctype html><title>Thanks</title><p>Thanks!")

    page.route("https://lists.example.net/**", provider)
    page.goto(base + "/subscribe/")
    page.get_by_label("Your email address").fill("reader@example.com")
    with page.expect_navigation(url="https://lists.example.net/**", timeout=30_000):
        page.get_by_role("button", name="Subscribe").click()
    return sent


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript on", "javascript off"])
def test_subscribe_posts_the_address_to_the_provider_with_the_configured_fields(base, new_page, javascript):
    page = new_page(java_script_enabled=javascript)
    sent = subscribe(page, base)
    assert sent["method"] == "POST" and sent["url"] == ACTION
    assert sent["type"].startswith("application/x-www-form-urlencoded")
    assert sent["form"] == [("contact[email]", "reader@example.com"), ("list", "42"), ("source", "website"),
                            ("fax_number", "")]
    assert page.get_by_text("Thanks!").is_visible()


def test_the_subscribe_pages_policy_allows_exactly_the_providers_origin(base, new_page):
    page = new_page()
    page.goto(base + "/subscribe/")
    policy = page.locator('meta[http-equiv="Content-Security-Policy"]').get_attribute("content")
    assert "form-action 'self' https://lists.example.net;" in policy
    # A form posting anywhere else is stopped by the browser.
    assert refused(page, "https://elsewhere.example.com/steal")


def test_a_page_without_the_form_keeps_form_action_self(base, new_page):
    page = new_page()
    page.goto(base + "/about/")
    policy = page.locator('meta[http-equiv="Content-Security-Policy"]').get_attribute("content")
    assert "form-action 'self';" in policy and "lists.example.net" not in policy
    assert page.locator("form[method=post]").count() == 0
    assert refused(page, ACTION), "the provider's origin is allowed only where the form is"


def refused(page, action: str) -> bool:
    """Submit a form to ``action`` from the page; return whether the policy blocked it (nothing was sent)."""
    reached = []
    page.route("https://**/*", lambda route: (reached.append(route.request.url), route.abort()))
    violation = page.evaluate("""action => new Promise(resolve => {
        document.addEventListener('securitypolicyviolation', e => resolve(e.violatedDirective), {once: true});
        const form = Object.assign(document.createElement('form'), {method: 'post', action});
        document.body.append(form);
        form.submit();
        setTimeout(() => resolve(null), 10000);
    })""", action)
    return violation == "form-action" and not reached


# ---- the email issue (`therapist-site newsletter`) in Chromium ----------------------------------------------------


@pytest.fixture(scope="module")
def issue(tmp_path_factory):
    """The HTML of an issue with a wide image and a long unbroken title, as `therapist-site newsletter` writes it."""
    from generator.cli import main as cli
    from test_newsletter_issue import png

    root = write_files(tmp_path_factory.mktemp("issue") / "site", {
        "site.yaml": SITE, "content/images/wide.png": png(1200, 400),
        "content/articles/waiting.md": "---\ntitle: On Waiting\ndate: 2026-03-01\nimage: /images/wide.png\n"
                                       "image_alt: A waiting room\n---\nText.\n",
        "content/articles/long.md": "---\ntitle: Supercalifragilisticexpialidociouslylongwordwithoutanybreak\n"
                                    "date: 2026-04-01\n---\nText.\n"})
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SOURCE_DATE_EPOCH", "1793000000")
        assert cli(["newsletter", "--source", str(root), "--output", str(root / "issues")]) == 0
    return next((root / "issues").glob("*.html")).read_text(), png(1200, 400)


@pytest.mark.parametrize("width", [600, 320])
@pytest.mark.parametrize("styles", ["kept", "dropped"], ids=["style element kept", "style element dropped"])
def test_the_issue_reads_without_horizontal_scrolling(new_page, issue, width, styles):
    """As a mail program shows it, and as one that drops <style> elements shows it (Gmail's app, for one)."""
    import re

    html, image = issue
    if styles == "dropped":
        html = re.sub(r"<style>.*?</style>", "", html, flags=re.S)
    page = new_page(viewport={"width": width, "height": 800}, java_script_enabled=True)
    page.route("https://**/*", lambda route: route.fulfill(status=200, content_type="image/png", body=image))
    page.set_content(html, wait_until="load")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    box = page.locator("img").bounding_box()
    assert box["width"] <= width and box["width"] > width / 2, "the image fills the column and no more"
    assert page.locator("h1").evaluate("e => getComputedStyle(e).fontSize") in ("26px", "22px")
