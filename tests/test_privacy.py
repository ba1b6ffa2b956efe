"""Private by construction, and the crisis line everywhere: on every page of the example site and of a generated
30-therapist site, a strict Content-Security-Policy, no inline script, nothing fetched from another host, no cookie
and nothing kept in the browser, checked in the HTML and again in headless Chromium; the 988 Lifeline (or the
site's own crisis line) on every page, in calm words.
"""
from __future__ import annotations

import re

import pytest

from browser import base_host, built_site, html_pages, launched, page_kinds, served
from checks import (Page, crisis_problems, privacy_problems, script_problems, stylesheet_problems,
                    visit_problems)
from generator.models import US_988

SITES = ("example", "generated")


@pytest.fixture(scope="module")
def browser():
    with launched() as launched_browser:
        yield launched_browser


@pytest.mark.parametrize("site", SITES)
def test_every_page_has_a_strict_policy_no_inline_script_and_nothing_from_another_host(site, tmp_path_factory):
    public = built_site(site, tmp_path_factory)
    found = {}
    for page in html_pages(public):
        problems = privacy_problems(page.read_text(encoding="utf-8"), own_hosts=(base_host(public),))
        if problems:
            found[page.relative_to(public).as_posix()] = problems
    assert found == {}


def test_the_themes_style_sheet_and_script_fetch_nothing_from_another_host_and_keep_nothing(tmp_path_factory):
    assets = built_site("example", tmp_path_factory) / "assets"
    sheets, scripts = sorted(assets.glob("*.css")), sorted(assets.glob("*.js"))
    assert sheets and scripts
    assert {p.name: stylesheet_problems(p.read_text()) for p in sheets} == {p.name: [] for p in sheets}
    assert {p.name: script_problems(p.read_text()) for p in scripts} == {p.name: [] for p in scripts}


@pytest.mark.parametrize("site", SITES)
def test_browsing_sends_no_request_off_the_machine_sets_no_cookie_and_breaks_no_policy(site, browser,
                                                                                     tmp_path_factory):
    """Every page of the example site and every page kind of the generated one, with JavaScript on, the
    directory filter used; Chromium records every request."""
    public = built_site(site, tmp_path_factory)
    if site == "example":
        paths = ["/" + p.relative_to(public).as_posix().removesuffix("index.html") for p in html_pages(public)]
    else:
        paths = list(page_kinds(public).values())

    def use_the_filter(page, path):
        if path == "/therapists/" and page.locator("#filter-language").count():
            page.select_option("#filter-language", index=1)
            page.check("#filter-accepting")
            assert "language=" in page.url

    with served(public) as base:
        context = browser.new_context()
        try:
            assert visit_problems(context, base, paths, act=use_the_filter) == []
        finally:
            context.close()
    assert len(paths) > 10


def test_the_privacy_page_says_so_in_plain_words_and_no_page_collects_messages(tmp_path_factory):
    public = built_site("example", tmp_path_factory)
    words = re.sub(r"<[^>]+>|\s+", " ", (public / "privacy" / "index.html").read_text())
    for promise in ("does not set any cookies", "served from this site itself", "no analytics tools",
                    "do not collect messages through forms", "not to tell the other site which page you came from",
                    "what you type is not sent to any other company", "may appear in the server logs"):
        assert promise in words
    # The one form that sends anything is the newsletter sign-up, straight to the provider the page names.
    signup = "https://buttondown.com/api/emails/embed-subscribe/harborlight-example"
    assert "the sign-up form goes from your browser straight to Buttondown" in words
    for page in html_pages(public):
        parsed = Page(page.read_text())
        assert not parsed.all("textarea"), page
        assert all(f.attrs.get("method", "get").lower() == "get" or f.attrs.get("action") == signup
                   for f in parsed.all("form")), page
        assert not [i for i in parsed.all("input") if i.attrs.get("type") in ("tel", "password", "file")]
        assert len([i for i in parsed.all("input") if i.attrs.get("type") == "email"]) <= 1, page
    assert "sets no cookies and loads nothing from other websites" in (public / "index.html").read_text()


def test_following_a_link_does_not_tell_the_next_page_where_the_visitor_came_from(browser, tmp_path_factory):
    """The referrer policy at work: what a crisis chat or a booking site would learn from a click is nothing."""
    with served(built_site("example", tmp_path_factory)) as base:
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(base + "/articles/therapists-as-wizards/")
            with page.expect_navigation():
                page.locator("main a[href^='/therapists/']").first.click()
            assert page.url.startswith(base + "/therapists/")
            assert page.evaluate("document.referrer") == ""
        finally:
            context.close()


@pytest.mark.parametrize("site", SITES)
def test_every_page_shows_the_988_lifeline_call_text_and_chat(site, tmp_path_factory):
    public = built_site(site, tmp_path_factory)
    links = tuple(n.url for n in US_988.numbers) + (US_988.chat_url,)
    assert "tel:988" in links and "https://988lifeline.org/chat/" in links
    found = {}
    for page in html_pages(public):
        problems = crisis_problems(page.read_text(encoding="utf-8"), US_988.text, links, US_988.emergency)
        if problems:
            found[page.relative_to(public).as_posix()] = problems
    assert found == {}


def test_the_988_wording_follows_safe_messaging_guidance():
    """Calm, hopeful, concrete: say help is there and how to reach it; no method, no alarming or blaming words
    (988 Lifeline and reportingonsuicide.org guidance)."""
    words = " ".join([US_988.text, US_988.emergency] + [f"{n.label} {n.number}" for n in US_988.numbers]).lower()
    for needed in ("not alone", "free", "confidential", "24 hours", "988 suicide & crisis lifeline", "call or text",
                   "immediate danger"):
        assert needed in words
    for avoided in ("commit", "successful", "failed attempt", "epidemic", "method", "pills", "gun", "jump", "hang",
                    "overdose", "kill", "!"):
        assert avoided not in words


def test_a_site_with_its_own_crisis_line_shows_it_on_every_page_instead(make_site, run, tmp_path):
    source = make_site({
        "site.yaml": """\
            title: Practice in London
            base_url: https://uk.example.org/
            language: en-GB
            crisis:
              text: Whatever you are going through, you can talk to someone, day or night.
              numbers:
                - {label: "Call Samaritans free on", number: "116 123"}
                - {label: "Text SHOUT to", number: "85258", url: "sms:85258"}
              chat_url: https://www.samaritans.org/how-we-can-help/contact-samaritan/
              emergency: If you are in immediate danger, call 999.
            """,
        "content/pages/about.md": "---\ntitle: About\n---\nA practice.\n",
    })
    assert run("build", "--source", source, "--output", tmp_path / "out").code == 0
    pages = html_pages(tmp_path / "out")
    assert len(pages) > 5
    links = ("tel:116123", "sms:85258", "https://www.samaritans.org/how-we-can-help/contact-samaritan/")
    for page in pages:
        html = page.read_text()
        assert crisis_problems(html, "you can talk to someone, day or night.", links, "call 999.") == [], page
        assert "988" not in html and "911" not in html
