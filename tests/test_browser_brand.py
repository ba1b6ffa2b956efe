"""In Chromium: a logo and an accent colour from site.yaml show in light and in dark mode, no request of any page
gets a 404 (the favicon included), and an accent that fails contrast is refused before anything is built."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from browser import build_site, html_pages, launched, served
from conftest import write_files
from generator import colors
from generator.cli import main as cli

ACCENT = "#8a2be2"
SITE = f"""\
title: Riverside Counseling
base_url: https://riverside-counseling.org/
logo: logo.png
colors:
  accent: "{ACCENT}"
nav:
  - {{title: About, url: /about/}}
"""


def rgb(color: str) -> str:
    return "rgb({}, {}, {})".format(*(int(color[i:i + 2], 16) for i in (1, 3, 5)))


def logo_png() -> bytes:
    image = Image.new("RGBA", (300, 100), (0, 0, 0, 0))
    image.paste((138, 43, 226, 255), (0, 0, 100, 100))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def public(tmp_path_factory):
    root = write_files(tmp_path_factory.mktemp("brand") / "site", {
        "site.yaml": SITE,
        "logo.png": logo_png(),
        "content/pages/about.md": "---\ntitle: About\n---\nWe are a practice.\n",
        "content/articles/hello.md": "---\ntitle: Hello\ndate: 2026-01-05\nauthor: ana-lima\nsummary: S.\n"
                                     "topics: [Anxiety]\n---\nHello, see [the directory](/therapists/).\n",
        "therapists/ana-lima.yaml": "name: Ana Lima\nspecialties: [Anxiety]\nlanguages: [English]\n"
                                    "accepting_new_clients: true\ncontact: {email: ana@riverside-counseling.org}\n",
    })
    return build_site(root)


@pytest.fixture(scope="module")
def browser():
    with launched() as browser:
        yield browser


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_logo_and_the_accent_show_in_light_and_dark_mode(public, browser, scheme):
    expected = ACCENT if scheme == "light" else colors.dark_accent(ACCENT)
    with served(public) as base:
        page = browser.new_page(color_scheme=scheme)
        try:
            page.goto(base + "/articles/hello/")
            logo = page.locator("header img.site-logo")
            assert logo.get_attribute("alt") == "Riverside Counseling"
            assert page.evaluate("() => document.querySelector('header img.site-logo').naturalWidth") == 288
            assert logo.bounding_box()["height"] == pytest.approx(48, abs=1)
            link = page.locator("main a[href='/therapists/']").first
            assert link.evaluate("a => getComputedStyle(a).color") == rgb(expected)
            background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
            assert background == rgb("#fbfaf7" if scheme == "light" else "#141c1b")
            assert colors.contrast(expected, "#fbfaf7" if scheme == "light" else "#141c1b") >= 4.5
        finally:
            page.close()


def test_no_request_of_any_page_gets_a_404_favicon_included(public, browser):
    failed: list[str] = []
    with served(public) as base:
        page = browser.new_page()
        page.on("response", lambda response: response.status >= 400 and failed.append(
            f"{response.status} {response.url}"))
        try:
            for file in html_pages(public):
                path = "/" + file.relative_to(public).as_posix().removesuffix("index.html")
                page.goto(base + path)
                page.wait_for_load_state("load")
                for selector in ("link[rel=icon]", "link[rel=apple-touch-icon]", "link[rel=manifest]"):
                    for href in page.eval_on_selector_all(selector, "links => links.map(l => l.href)"):
                        response = page.request.get(href)
                        if response.status != 200:
                            failed.append(f"{response.status} {href} (linked from {path})")
            for implicit in ("/favicon.ico", "/apple-touch-icon.png"):  # asked for even without a link
                assert page.request.get(base + implicit).status == 200
        finally:
            page.close()
    assert failed == []


def test_an_accent_failing_contrast_is_refused_with_the_message(tmp_path, capsys):
    root = write_files(tmp_path / "site", {"site.yaml": SITE.replace(ACCENT, "#ffd700"), "logo.png": logo_png()})
    assert cli(["build", "--source", str(root)]) == 1
    assert capsys.readouterr().err.splitlines()[1] == (
        "site.yaml:5: colors.accent: the accent #ffd700 on the background #fbfaf7 has a contrast of 1.34:1 in "
        "light mode, below the 4.5:1 that WCAG 2.2 AA asks of links and buttons; try accent: \"#7d6900\" (the same "
        "hue, darker), which has 4.6:1")
    assert not (root / "public").exists()
