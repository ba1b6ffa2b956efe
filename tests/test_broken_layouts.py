"""The checks bite: a site whose layouts/ override breaks a rule (an external web font, an image without alt text,
a field without a label, an inline script, a cookie, a skipped heading level, a page without the crisis line) is
reported by the same check functions that pass the example and generated sites (tests/checks.py).
"""
from __future__ import annotations

import re
import struct
import zlib

import pytest

from browser import build_site, html_pages, launched, served
from checks import (STRUCTURE, WCAG_22_AA, axe_violations, crisis_problems, heading_problems, privacy_problems,
                    unlabelled_controls, visit_problems, vnu_errors)
from conftest import REPO, write_files
from generator.models import US_988

FONT = "https://fonts.googleapis.com/css2?family=Inter&display=swap"
BUILT_IN_BASE = (REPO / "generator" / "layouts" / "base.html").read_text(encoding="utf-8")
CSP_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">')
CRISIS_SECTION = re.compile(r'<section class="crisis".*?</section>', re.S)


def png() -> bytes:
    """A 1x1 PNG: a real picture for the image without alt text."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x80\x80\x80")) + chunk(b"IEND", b""))


LAYOUTS = {
    # a theme that loads a web font from a font service in the page's head
    "font": {"layouts/page.html": '{% extends "base.html" %}{% set title = page.title %}'
                                  '{% block head %}<link rel="stylesheet" href="' + FONT + '">{% endblock %}'
                                  '{% block main %}<h1>{{ page.title }}</h1>{{ page.html | safe }}{% endblock %}'},
    # the same font, with the policy loosened so that the browser would fetch it
    "loose policy": {"layouts/base.html": CSP_META.sub(
        '<meta http-equiv="Content-Security-Policy" content="default-src \'self\'; '
        'style-src \'self\' https://fonts.googleapis.com; font-src https://fonts.gstatic.com">'
        '<link rel="stylesheet" href="' + FONT + '">', BUILT_IN_BASE)},
    "image without alt": {"layouts/footer_extra.html": '<p><img src="/logo.png" width="1" height="1"></p>',
                          "content/logo.png": png()},
    "field without label": {"layouts/footer_extra.html": '<form action="/search/" method="get">'
                                                         '<input type="text" name="q"> <button>Go</button></form>'},
    "inline script": {"layouts/footer_extra.html": '<script>document.title = "changed";</script>'},
    "cookie": {"layouts/footer_extra.html": '<script src="/visitor.js"></script>',
               "content/visitor.js": 'document.cookie = "visitor=1; path=/; max-age=31536000";\n'},
    "skipped heading": {"layouts/footer_extra.html": "<h4>Our values</h4><p>Kindness.</p>"},
    "no crisis line": {"layouts/base.html": CRISIS_SECTION.sub("", BUILT_IN_BASE)},
}
PAGE = "content/pages/about.md"


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, object]:
    """{case: the built site's output folder}, one small site per broken layout."""
    built = {}
    for case, files in LAYOUTS.items():
        root = tmp_path_factory.mktemp("broken") / "site"
        write_files(root, {"site.yaml": "title: Broken Practice\nbase_url: https://broken.example.org/\n",
                           PAGE: "---\ntitle: About us\n---\nA small practice.\n", **files})
        built[case] = build_site(root)
    return built


@pytest.fixture(scope="module")
def browser():
    with launched() as launched_browser:
        yield launched_browser


def about(public) -> str:
    return (public / "about" / "index.html").read_text(encoding="utf-8")


def run_in_browser(browser, public, check):
    """check(page) on /about/ of the site, served on 127.0.0.1."""
    with served(public) as base:
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(base + "/about/")
            return check(page)
        finally:
            context.close()


def browse(browser, public) -> list[str]:
    with served(public) as base:
        context = browser.new_context()
        try:
            return visit_problems(context, base, ["/about/", "/"])
        finally:
            context.close()


def test_the_unbroken_small_site_passes_every_check(tmp_path_factory, browser):
    """The control: the same small site with the built-in layouts is clean, so each case below fails on its own."""
    root = tmp_path_factory.mktemp("unbroken") / "site"
    write_files(root, {"site.yaml": "title: Broken Practice\nbase_url: https://broken.example.org/\n",
                       PAGE: "---\ntitle: About us\n---\nA small practice.\n"})
    public = build_site(root)
    html = about(public)
    assert privacy_problems(html, ("broken.example.org",)) == [] and heading_problems(html) == []
    assert crisis_problems(html, US_988.text, ("tel:988", US_988.chat_url), US_988.emergency) == []
    assert browse(browser, public) == []
    assert run_in_browser(browser, public, lambda page: axe_violations(page, WCAG_22_AA, STRUCTURE)) == []
    assert vnu_errors(html_pages(public)) == []


def test_an_external_web_font_is_reported_by_the_privacy_check_and_refused_in_the_browser(sites, browser):
    assert [p.split(": ", 1)[1] for p in privacy_problems(about(sites["font"]))] == [
        f"<link> loads {FONT!r} from another host"]
    problems = browse(browser, sites["font"])
    assert problems and all("fonts.googleapis.com" in p for p in problems)
    assert any(p.startswith("the policy refused something") for p in problems)


def test_a_font_let_through_a_loosened_policy_is_a_request_that_leaves_the_machine(sites, browser):
    static = privacy_problems(about(sites["loose policy"]))
    assert any("lets style-src load from https://fonts.googleapis.com" in p for p in static)
    assert any(f"loads {FONT!r} from another host" in p for p in static)
    assert f"a request left 127.0.0.1: {FONT}" in browse(browser, sites["loose policy"])


def test_an_image_without_alt_text_fails_the_nu_html_checker_and_axe(sites, browser):
    public = sites["image without alt"]
    errors = vnu_errors([public / "about" / "index.html"], root=public)
    assert len(errors) == 1 and "An “img” element must have an “alt” attribute" in errors[0]
    violations = run_in_browser(browser, public, lambda page: axe_violations(page))
    assert [v.split(" ")[0] for v in violations] == ["image-alt"]


def test_a_field_without_a_label_fails_axe(sites, browser):
    def check(page):
        return axe_violations(page), unlabelled_controls(page)

    violations, unlabelled = run_in_browser(browser, sites["field without label"], check)
    assert [v.split(" ")[0] for v in violations] == ["label"]
    assert unlabelled == ['<input type="text" name="q">']


def test_an_inline_script_is_reported_and_refused_by_the_policy(sites, browser):
    static = privacy_problems(about(sites["inline script"]))
    assert len(static) == 1 and "an inline <script> the policy blocks" in static[0]
    problems = browse(browser, sites["inline script"])
    assert problems and all(p.startswith("the policy refused something") for p in problems)


def test_a_script_that_sets_a_cookie_is_caught_in_the_browser(sites, browser):
    assert privacy_problems(about(sites["cookie"])) == []  # a same-site script: only the browser sees the cookie
    problems = browse(browser, sites["cookie"])
    assert any(p.startswith("/about/: keeps something in the browser") and "visitor=1" in p for p in problems)
    assert any(p.startswith("cookies were set") for p in problems)


def test_a_skipped_heading_level_is_reported(sites, browser):
    html = about(sites["skipped heading"])
    assert [p.split(": ", 1)[1] for p in heading_problems(html)] == [
        "<h4> 'Our values' follows an h2: a level is skipped"]
    violations = run_in_browser(browser, sites["skipped heading"],
                                lambda page: axe_violations(page, WCAG_22_AA, STRUCTURE))
    assert [v.split(" ")[0] for v in violations] == ["heading-order"]


def test_a_layout_without_the_crisis_line_is_reported(sites):
    problems = crisis_problems(about(sites["no crisis line"]), US_988.text, ("tel:988", US_988.chat_url),
                               US_988.emergency)
    assert problems == [f"the footer lacks {US_988.text!r}", f"the footer lacks {US_988.emergency!r}",
                        "no link to tel:988 in the footer", f"no link to {US_988.chat_url} in the footer"]
