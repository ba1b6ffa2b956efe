"""The browser editor in a real browser: serve's /admin/ with its local backend, driven in Debian's Chromium.

A profile (with a photo uploaded through the form) and an article are created and saved through Decap's forms;
the files it writes build with --strict and show on the site. The admin page loads nothing from another host and
breaks none of its own policy, and our wrapper page passes axe-core (Decap's own UI is Decap's: axe's findings in
it are printed, see docs/editing-in-the-browser.md).
"""
from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pytest

from browser import ARGS, chromium_path
from checks import STRUCTURE, WCAG_22_AA, axe_violations
from test_serve import Served, wait_for

SITE = {
    "site.yaml": "title: Harbor Practice\nbase_url: https://www.harbor-practice.org/\ntimezone: America/Los_Angeles\n"
                 "editor:\n  backend: github\n  repo: harbor/site\n",
    "therapists/ana-lima.yaml": 'name: "Ana Lima"\nphoto: ana-lima.png\nphoto_alt: Ana Lima at her desk\n',
    "content/articles/hello.md": "---\ntitle: Hello\ndate: 2026-01-01\nauthor: ana-lima\nsummary: Hi.\n---\nHi.\n",
}
TIMEOUT = 30_000  # ms: a busy machine builds the preview and Decap draws its forms slowly


def png() -> bytes:
    from PIL import Image
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (90, 140, 180)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    executable = chromium_path()
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def server(make_site, tmp_path):
    source = make_site(SITE)
    (source / "therapists" / "ana-lima.png").write_bytes(png())
    served = Served(source, tmp_path)
    yield served
    served.stop()


def watched(page) -> tuple[list[str], list[str]]:
    """(requests to any other host, console messages about the page's policy), filled as the page runs."""
    elsewhere, refused = [], []
    page.on("request", lambda request: urlsplit(request.url).hostname not in ("127.0.0.1", None)
            and elsewhere.append(request.url))
    page.on("console", lambda message: re.search(r"Content Security Policy|Refused to", message.text)
            and refused.append(message.text))
    return elsewhere, refused


def publish(page) -> None:
    from playwright.sync_api import expect
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("Publish now").click()
    saved = page.get_by_text("Entry saved")
    saved.first.wait_for(timeout=TIMEOUT)
    page.wait_for_url(re.compile(r".*/entries/[a-z0-9-]+$"))  # Decap moves to the saved entry's address
    expect(saved).to_have_count(0, timeout=TIMEOUT)  # the notice goes: the next save's notice is then its own


def test_a_profile_with_a_photo_and_an_article_made_in_the_editor_build_strictly_and_show(browser, server,
                                                                                        tmp_path, run):
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT)
    elsewhere, refused = watched(page)
    page.goto(server.url + "/admin/")
    page.get_by_role("button", name="Login").click()  # the local backend needs no account
    page.get_by_role("link", name="Therapists").wait_for()

    page.goto(server.url + "/admin/#/collections/therapists/new")
    page.get_by_label("Name", exact=True).fill("Rosa Ibarra")
    page.get_by_role("button", name="Choose an image").click()
    photo = tmp_path / "rosa.png"
    photo.write_bytes(png())
    page.locator("input[type=file]").set_input_files(photo)
    page.get_by_role("button", name="Choose selected").click()
    page.get_by_label("Photo alt").fill("Rosa Ibarra smiling in her office")
    page.locator("[data-slate-editor]").first.click()
    page.keyboard.type("Rosa helps adults with anxiety.")
    page.get_by_label("Languages").fill("English, Spanish")
    page.get_by_label("Accepting new clients").click()
    publish(page)

    page.goto(server.url + "/admin/#/collections/articles/new")
    page.locator("input[id^=date-field]").fill("2026-01-02T10:30")  # the article's form is drawn
    page.get_by_label("Title", exact=True).fill("Finding the right therapist")
    page.get_by_label("Author").fill("Rosa")
    page.get_by_role("option", name="Rosa Ibarra").click()
    page.get_by_label("Summary").fill("How to find a good fit.")
    page.locator("[data-slate-editor]").last.click()
    page.keyboard.type("The relationship matters most.")
    preview = page.frame_locator("#preview-pane")  # beside the form, in the site's own style sheet
    assert preview.locator('link[href$="/assets/site.css"]').count() == 1
    assert preview.locator("body").evaluate("b => getComputedStyle(b).paddingLeft") == "24px"  # room around it
    draft = page.get_by_label("Draft")
    assert draft.get_attribute("aria-checked") == "true"  # a new article starts as a draft, as `new` makes it
    draft.click()
    publish(page)

    # A profile whose file leaves out `listed:` is listed: its switch shows it so (Decap's own would show it off).
    page.goto(server.url + "/admin/#/collections/therapists/entries/ana-lima")
    page.reload()
    assert page.get_by_label("Listed").get_attribute("aria-checked") == "true"
    assert page.get_by_label("Former").get_attribute("aria-checked") == "false"

    page.goto(server.url + "/admin/#/collections/settings/entries/site")
    page.reload()  # a fresh form: Decap can keep the last entry's values when only the address's #part changes
    page.get_by_label("Description").first.fill("Counseling in Harbor Town.")  # groups left empty do not block
    publish(page)

    source = server.source
    assert "description: Counseling in Harbor Town.\n" in (source / "site.yaml").read_text()
    profile = (source / "therapists" / "rosa-ibarra.yaml").read_text()
    assert profile == ("name: Rosa Ibarra\nphoto: rosa.png\nphoto_alt: Rosa Ibarra smiling in her office\n"
                       "bio: Rosa helps adults with anxiety.\nlanguages:\n  - English\n  - Spanish\n"
                       "accepting_new_clients: true\nlisted: true\n")  # listed, as `new` writes it
    assert (source / "therapists" / "rosa.png").read_bytes() == photo.read_bytes()
    article = (source / "content" / "articles" / "finding-the-right-therapist.md").read_text()
    assert article == ("---\ntitle: Finding the right therapist\ndate: 2026-01-02 10:30\nauthor:\n  - rosa-ibarra\n"
                       "summary: How to find a good fit.\ndraft: false\n---\nThe relationship matters most.\n")
    # The preview rebuilt from the saved files...
    assert wait_for(lambda: "Rosa Ibarra" in server.page("/therapists/rosa-ibarra/"), 30)
    # ...and so does a strict build: no error, no warning.
    result = run("build", "--strict", "--source", str(source), "--output", str(tmp_path / "public"))
    assert result.code == 0, result.err
    public = tmp_path / "public"
    profile_page = (public / "therapists" / "rosa-ibarra" / "index.html").read_text()
    assert "Rosa helps adults with anxiety." in profile_page
    assert 'alt="Rosa Ibarra smiling in her office"' in profile_page
    article_page = (public / "articles" / "finding-the-right-therapist" / "index.html").read_text()
    assert "The relationship matters most." in article_page and "/therapists/rosa-ibarra/" in article_page
    assert "2026-01-02T10:30:00-08:00" in article_page  # in the site's time zone
    assert elsewhere == [] and refused == []


def test_a_photo_without_its_description_is_not_saved(browser, server, tmp_path):
    page = browser.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(server.url + "/admin/")
    page.get_by_role("button", name="Login").click()
    page.goto(server.url + "/admin/#/collections/therapists/new")
    page.get_by_label("Name", exact=True).fill("Omar Shah")
    page.get_by_role("button", name="Choose an image").click()
    photo = tmp_path / "omar.png"
    photo.write_bytes(png())
    page.locator("input[type=file]").set_input_files(photo)
    page.get_by_role("button", name="Choose selected").click()
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("Publish now").click()
    page.get_by_text("'Photo alt' is required when 'Photo' is set").wait_for()
    assert not (server.source / "therapists" / "omar-shah.yaml").exists()


def test_our_admin_page_passes_axe_and_loads_nothing_from_another_host(browser, make_site, run):
    source = make_site(SITE)
    (source / "therapists" / "ana-lima.png").write_bytes(png())
    assert run("build", "--source", str(source)).code == 0
    from browser import served
    with served(source / "public") as base:
        page = browser.new_page()
        elsewhere, refused = watched(page)
        page.route(re.compile(r".*/admin/(decap-cms|checks)\.js$"), lambda route: route.abort())  # ours alone
        page.goto(base + "/admin/")
        assert axe_violations(page, WCAG_22_AA, STRUCTURE) == []
        assert "988" in page.inner_text("footer")

        editor = browser.new_page()
        elsewhere_too, refused_too = watched(editor)
        editor.goto(base + "/admin/")
        editor.get_by_role("button", name="Login with GitHub").wait_for(timeout=TIMEOUT)
        print("axe in Decap's own sign-in page:", axe_violations(editor, WCAG_22_AA, STRUCTURE))
    assert elsewhere == elsewhere_too == [] and refused == refused_too == []

