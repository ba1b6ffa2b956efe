"""Moving day in a browser: after importing a WordPress export and a Jekyll blog, their old addresses (a folder
and a .html file) answer with a redirect page, and Chromium lands on the article's new page."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from browser import build_site, launched, served
from conftest import write_files
from generator.cli import main as cli
from sitegen import _png

FIXTURES = Path(__file__).parent / "fixtures" / "import"
OLD_ADDRESSES = {
    "wordpress": ("/2024/03/05/grief-has-no-timetable/", "/articles/grief-has-no-timetable/",
                  "Grief Has No Timetable"),
    "jekyll": ("/posts/first-session.html", "/articles/first-session/", "What to Expect in a First Session"),
}


@pytest.fixture(scope="module")
def browser():
    with launched() as launched_browser:
        yield launched_browser


@pytest.mark.parametrize("kind", sorted(OLD_ADDRESSES))
def test_an_old_address_lands_on_the_new_page(kind, browser, tmp_path):
    old = tmp_path / "old"
    shutil.copytree(FIXTURES, old)
    site = write_files(tmp_path / "site", {
        "site.yaml": "title: Harbor Light\nbase_url: https://www.harborlightcounseling.org/\n",
        "therapists/maya-lopez.yaml": "name: Maya Lopez\nphoto: maya-lopez.png\nphoto_alt: Maya Lopez\n",
        "therapists/maya-lopez.png": _png(1),
    })
    assert cli(["import", kind, str(old / ("wordpress.xml" if kind == "wordpress" else kind)),
                "--source", str(site)]) == 0
    public = build_site(site)
    address, new, title = OLD_ADDRESSES[kind]
    with served(public) as base:
        page = browser.new_page()
        try:
            page.goto(base + address)
            page.wait_for_url(base + new, timeout=30_000)
            assert page.locator("h1").inner_text() == title
            assert page.evaluate("document.querySelector('meta[http-equiv=refresh]')") is None
        finally:
            page.close()
