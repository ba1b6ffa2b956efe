"""WCAG 2.2 AA in headless Chromium, on every page kind (home, article list, article, topics, topic, directory,
facet, facet value, profile, subscribe, standalone page, 404) of the example site and of a generated 30-therapist
site: axe-core finds nothing in the light or the dark colour scheme; the skip link works; focus is always visible;
headings never skip a level; the filter controls are labelled; text reflows at 320 px and at 200 % zoom; motion
stops when asked; a profile prints cleanly. The directory filter used by keyboard alone is in
test_browser_directory.py.
"""
from __future__ import annotations

import re

import pytest

from browser import built_site, html_pages, launched, open_settled, page_kinds, served
from checks import STRUCTURE, WCAG_22_AA, axe_violations, focus_problems, heading_problems, overflow, unlabelled_controls

SITES = ("example", "generated")
SCHEMES = ("light", "dark")


@pytest.fixture(scope="module")
def browser():
    with launched() as launched_browser:
        yield launched_browser


@pytest.fixture(scope="module")
def sites(tmp_path_factory, browser):
    """{site: (base URL, page kinds)}, each built once and served on 127.0.0.1 for the whole module."""
    with served(built_site("example", tmp_path_factory)) as example, \
            served(built_site("generated", tmp_path_factory)) as generated:
        yield {name: (base, page_kinds(built_site(name, tmp_path_factory)))
               for name, base in (("example", example), ("generated", generated))}


@pytest.fixture
def new_page(browser):
    """new_page(**context options) -> a page in a fresh context, closed after the test."""
    contexts = []

    def make(**options):
        context = browser.new_context(**options)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("site", SITES)
def test_axe_finds_no_wcag_22_aa_violation_on_any_page_kind(sites, new_page, site, scheme):
    """axe-core's WCAG 2.0, 2.1 and 2.2 A and AA rules, plus its best practices for structure (landmarks, one
    main, one h1, headings in order, the skip link's target), in the colour scheme the visitor's system asks for."""
    base, kinds = sites[site]
    page = new_page(color_scheme=scheme)
    found = {}
    for kind, path in kinds.items():
        open_settled(page, base + path)
        assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
        violations = axe_violations(page, WCAG_22_AA, STRUCTURE)
        if violations:
            found[f"{kind} {path}"] = violations
    assert found == {}


def test_axe_finds_nothing_in_the_directorys_other_states(sites, new_page):
    """Without its script (the browse links open), on a phone with the filters unfolded, and with a choice that
    matches nobody. (axe itself needs JavaScript and hangs with it off: the directory's script is left out instead,
    so the form shows as it does where scripts run; test_browser_directory.py checks it is hidden with them off.)"""
    base, kinds = sites["generated"]
    page = new_page()
    page.route("**/directory.js", lambda route: route.abort())
    page.goto(base + "/therapists/")
    for summary in page.locator("details summary").all():
        summary.click()
    assert axe_violations(page, WCAG_22_AA, STRUCTURE) == []
    page = new_page(viewport={"width": 390, "height": 844})
    page.goto(base + "/therapists/?language=spanish")
    page.locator("#filter-toggle").click()
    assert page.locator("#filter-language").is_visible()
    assert axe_violations(page, WCAG_22_AA, STRUCTURE) == []
    for scheme in SCHEMES:
        page = new_page(color_scheme=scheme)
        page.goto(base + "/therapists/?specialty=eating-disorders&population=children&language=arabic&accepting=yes")
        page.locator("#no-match").wait_for()
        assert axe_violations(page, WCAG_22_AA, STRUCTURE) == []


@pytest.mark.parametrize("site", SITES)
def test_headings_never_skip_a_level_on_any_page(site, tmp_path_factory):
    """Every page, cards included: a card under an h2 is an h3, a card right under the h1 is an h2."""
    public = built_site(site, tmp_path_factory)
    found = {}
    for page in html_pages(public):
        problems = heading_problems(page.read_text(encoding="utf-8"))
        if problems:
            found[page.relative_to(public).as_posix()] = problems
    assert found == {}


@pytest.mark.parametrize("site", SITES)
def test_the_first_tab_reaches_a_visible_skip_link_that_moves_focus_to_the_main_content(sites, new_page, site):
    base, kinds = sites[site]
    page = new_page(viewport={"width": 390, "height": 800})
    for kind, path in kinds.items():
        open_settled(page, base + path)
        if page.evaluate("document.activeElement !== document.body"):
            # a page that puts focus in its own field on load (the search page) has already skipped the header
            assert page.evaluate("document.getElementById('main').contains(document.activeElement)"), kind
            continue
        page.keyboard.press("Tab")
        skip = page.locator(":focus")
        assert skip.get_attribute("class") == "skip-link", kind
        assert skip.inner_text() == "Skip to content"
        box = skip.bounding_box()
        assert box and box["y"] >= 0 and box["height"] > 10, f"{kind}: the focused skip link is out of sight"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main", kind
        page.keyboard.press("Tab")  # the next stop is inside the main content, not back in the header
        assert page.evaluate("document.getElementById('main').contains(document.activeElement)"), kind


@pytest.mark.parametrize("scheme", SCHEMES)
def test_focus_is_always_visible_in_both_colour_schemes(sites, new_page, scheme):
    """Every stop of the first dozen Tabs on every page kind shows a 2 px outline with 3:1 contrast."""
    found = {}
    for site in SITES:
        base, kinds = sites[site]
        page = new_page(color_scheme=scheme)
        for kind, path in kinds.items():
            open_settled(page, base + path)
            problems = focus_problems(page, stops=12)
            if problems:
                found[f"{site} {kind}"] = problems
    assert found == {}


def test_every_filter_control_is_labelled(sites, new_page):
    base, _ = sites["generated"]
    page = new_page()
    page.goto(base + "/therapists/")
    controls = page.locator("#directory-filter select, #directory-filter input")
    assert controls.count() >= 8
    assert unlabelled_controls(page) == []
    for index in range(controls.count()):
        label = page.locator(f"label[for='{controls.nth(index).get_attribute('id')}']")
        assert label.is_visible() and label.inner_text().strip()


@pytest.mark.parametrize("site", SITES)
def test_text_reflows_without_horizontal_scrolling_at_320_px_and_at_200_percent_zoom(sites, new_page, site):
    """320 CSS px wide (WCAG 1.4.10), a 1280 px window zoomed to 200 % (640 CSS px), and text alone at 200 %; and
    no box scrolls sideways inside the page where the keyboard cannot reach it (a wide table, say)."""
    base, kinds = sites[site]
    found = {}
    for name, options in (("320 px", {"viewport": {"width": 320, "height": 640}}),
                          ("200 % zoom", {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2})):
        page = new_page(**options)
        for kind, path in kinds.items():
            open_settled(page, base + path)
            wider = overflow(page)
            if wider:
                found[f"{name} {kind} {path}"] = f"{wider} px too wide"
            if name == "320 px":
                boxes = axe_violations(page, tags=(), rules=("scrollable-region-focusable",))
                if boxes:
                    found[f"{name} {kind} {path} scrolling box"] = boxes
    page = new_page(viewport={"width": 1280, "height": 800})
    for kind, path in kinds.items():
        open_settled(page, base + path)
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        if overflow(page):
            found[f"200 % text {kind} {path}"] = f"{overflow(page)} px too wide"
    assert found == {}


def test_motion_stops_when_the_visitor_asks_for_less(sites, new_page):
    """Any transition or animation a layout adds is switched off under prefers-reduced-motion: reduce."""
    base, kinds = sites["example"]
    durations = {}
    for motion in ("no-preference", "reduce"):
        page = new_page(reduced_motion=motion)
        page.goto(base + kinds["directory"])
        # a layout's motion, added through the style sheet's own rules (the page's policy forbids inline style)
        page.evaluate("document.styleSheets[0].insertRule("
                      "'.card, .button { transition: opacity 2s; animation: fade 3s; scroll-behavior: smooth }', 0)")
        durations[motion] = page.evaluate("""[getComputedStyle(document.querySelector('.card')).transitionDuration,
            getComputedStyle(document.querySelector('.card')).animationName,
            getComputedStyle(document.querySelector('.button')).scrollBehavior]""")
    assert durations["no-preference"] == ["2s", "fade", "smooth"]
    assert durations["reduce"][0] in ("0s", "1e-05s") and durations["reduce"][1:] == ["none", "auto"]


def test_a_profile_prints_without_navigation_and_with_its_contact_details_and_the_crisis_line(sites, new_page):
    base, kinds = sites["example"]
    page = new_page(color_scheme="dark")
    page.goto(base + kinds["profile"])
    page.emulate_media(media="print")

    def shown(selector: str) -> bool:
        return page.eval_on_selector(selector, "e => getComputedStyle(e).display !== 'none'")

    for hidden in (".site-header nav", ".skip-link", ".crisis-banner", ".footer-meta", ".profile .back"):
        assert not shown(hidden), hidden
    for kept in (".profile-header h1", ".contact", ".profile-details", "#crisis"):
        assert shown(kept), kept
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    # dark ink on white paper, even when the screen is in dark mode: every text at 4.5:1 or more
    faint = page.evaluate("""() => {
      const lum = c => { const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(v => { v /= 255;
        return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
      return Array.from(document.querySelectorAll('main *, footer *'))
        .filter(e => e.offsetParent !== null && Array.from(e.childNodes).some(n => n.nodeType === 3 && n.data.trim()))
        .filter(e => 1.05 / (lum(getComputedStyle(e).color) + 0.05) < 4.5)
        .map(e => e.tagName + '.' + e.className + ' ' + getComputedStyle(e).color);
    }""")
    assert faint == []
    booking = page.locator(".contact a.button")
    if booking.count():
        printed = page.evaluate("getComputedStyle(document.querySelector('.contact a.button'), '::after').content")
        assert booking.get_attribute("href") in printed  # the address a phone number cannot replace on paper
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", page.pdf(format="Letter"))) <= 2
