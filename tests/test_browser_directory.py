"""The directory filter in a real browser: Debian's Chromium driven by Playwright, on a generated 30-therapist site
served from 127.0.0.1. What only a browser shows: the script's filtering, the query string, keyboard use, and the
facet links that work with JavaScript off. In CI (CI=true) a missing Chromium fails; elsewhere it skips.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
import yaml
from playwright.sync_api import expect

from browser import built_site, launched, open_settled, page_kinds, served as serving

VISIBLE_CARDS = "#therapist-list [data-slug]:visible"
VIEWPORTS = {390: {"width": 390, "height": 844}, 1280: {"width": 1280, "height": 800}}  # a phone, a desktop
# The page's cumulative layout shift as Chrome reports it, from the page's load until two frames after `load`.
LAYOUT_SHIFT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({type: "layout-shift", buffered: true});
  const done = () => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => resolve(total), 200)));
  if (document.readyState === "complete") done(); else addEventListener("load", done);
})"""


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(base URL, profiles by slug, directory order) of the generated site, built and served on 127.0.0.1."""
    public = built_site("generated", tmp_path_factory)
    root = public.parent
    profiles = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in (root / "therapists").glob("*.yaml")}
    order = sorted(profiles, key=lambda s: (not profiles[s]["accepting_new_clients"],
                                            profiles[s]["name"].split()[-1].lower(), s))
    with serving(public) as base:
        yield base, profiles, order


@pytest.fixture(scope="module")
def kinds(tmp_path_factory):
    return page_kinds(built_site("generated", tmp_path_factory))


@pytest.fixture(scope="module")
def browser():
    with launched() as launched_browser:
        yield launched_browser


@pytest.fixture
def page_factory(browser):
    """page_factory(javascript=True) -> a fresh page; no request may leave 127.0.0.1 and no script may fail."""
    contexts, outside, errors = [], [], []

    def make(javascript: bool = True, width: int = 1280):
        context = browser.new_context(java_script_enabled=javascript, viewport=VIEWPORTS[width])
        contexts.append(context)

        def guard(route):
            if urlsplit(route.request.url).hostname == "127.0.0.1":
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page

    yield make
    for context in contexts:
        context.close()
    assert outside == [], "requests left 127.0.0.1"
    assert errors == [], "the page's script failed"


def visible(page) -> list[str]:
    return page.locator(VISIBLE_CARDS).evaluate_all("cards => cards.map(card => card.dataset.slug)")


def spanish_and_accepting(profiles, order) -> list[str]:
    matching = [s for s in order if "Spanish" in profiles[s]["languages"] and profiles[s]["accepting_new_clients"]]
    assert 0 < len(matching) < len([s for s in order if "Spanish" in profiles[s]["languages"]])
    return matching


def test_opening_a_filtered_address_shows_exactly_the_accepting_spanish_speakers(served, page_factory):
    base, profiles, order = served
    page = page_factory()
    page.goto(f"{base}/therapists/?language=spanish&accepting=yes")
    expected = spanish_and_accepting(profiles, order)
    assert visible(page) == expected
    assert page.locator("#filter-language").input_value() == "spanish"
    assert page.locator("#filter-accepting").is_checked()
    count = len(expected)
    assert page.locator("#filter-status").inner_text() == f"{count} therapist{'s match' if count > 1 else ' matches'}."
    assert page.locator("#no-match").is_hidden()


def test_the_same_choice_made_in_the_form_gives_the_same_cards_and_the_same_address(served, page_factory):
    base, profiles, order = served
    page = page_factory()
    page.goto(f"{base}/therapists/")
    assert len(visible(page)) == 30
    page.select_option("#filter-language", "spanish")
    page.check("#filter-accepting")
    assert visible(page) == spanish_and_accepting(profiles, order)
    assert urlsplit(page.url).path == "/therapists/"
    assert urlsplit(page.url).query == "language=spanish&accepting=yes"


def test_the_directory_can_be_filtered_and_cleared_with_the_keyboard_alone(served, page_factory):
    base, profiles, order = served
    page = page_factory()
    page.goto(f"{base}/therapists/")

    def tab_to(element_id: str) -> None:
        for _ in range(80):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == element_id:
                return
        pytest.fail(f"Tab never reached #{element_id}")

    tab_to("filter-language")
    for _ in range(20):
        if page.locator("#filter-language").input_value() == "spanish":
            break
        page.keyboard.press("ArrowDown")
    tab_to("filter-accepting")
    page.keyboard.press("Space")
    assert visible(page) == spanish_and_accepting(profiles, order)
    assert urlsplit(page.url).query == "language=spanish&accepting=yes"
    tab_to("filter-clear")
    page.keyboard.press("Enter")
    assert visible(page) == order
    assert urlsplit(page.url).query == ""
    assert page.locator("#filter-language").input_value() == ""
    assert not page.locator("#filter-accepting").is_checked()
    assert page.locator("#filter-status").inner_text() == "Filters cleared. Showing all 30 therapists."


def test_a_choice_that_matches_nobody_says_so_and_an_unknown_value_is_ignored(served, page_factory):
    base, profiles, order = served
    page = page_factory()
    page.goto(f"{base}/therapists/?language=klingon&state=zz")
    assert visible(page) == order and urlsplit(page.url).query == ""
    page.select_option("#filter-specialty", index=1)
    options = page.locator("#filter-population option").evaluate_all("options => options.map(o => o.value)")
    for value in options[1:]:
        page.select_option("#filter-population", value)
        if not visible(page):
            assert page.locator("#no-match").is_visible()
            assert page.locator("#filter-status").inner_text() == "0 therapists match."
            return
    pytest.fail("expected some specialty and population that no therapist shares")


def test_without_javascript_the_facet_links_lead_to_the_matching_therapists(served, page_factory):
    base, profiles, order = served
    page = page_factory(javascript=False)
    page.goto(f"{base}/therapists/")
    assert page.locator("#directory-filter").is_hidden()
    assert len(visible(page)) == 30
    page.locator("summary", has_text="Language").click()
    page.get_by_role("link", name="Spanish", exact=False).click()
    assert urlsplit(page.url).path == "/therapists/language/spanish/"
    assert visible(page) == [s for s in order if "Spanish" in profiles[s]["languages"]]
    page.get_by_role("link", name="See all therapists").click()
    page.get_by_role("link", name="Accepting new clients", exact=False).first.click()
    assert urlsplit(page.url).path == "/therapists/accepting/yes/"
    assert visible(page) == [s for s in order if profiles[s]["accepting_new_clients"]]


def test_on_a_phone_the_first_card_is_on_the_first_screen_and_the_filters_fold_behind_a_button(served, page_factory):
    base, profiles, order = served
    page = page_factory(width=390)
    page.goto(f"{base}/therapists/?language=spanish&accepting=yes")
    first = page.locator(VISIBLE_CARDS).first.bounding_box()
    assert first["y"] < 844 - 100, "the first card starts below the first screen"
    assert page.locator("#filter-language").is_hidden()
    toggle = page.locator("#filter-toggle")
    assert toggle.inner_text() == "Filter (2 active)"
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.locator("#filter-language").is_visible()
    browse = page.locator("#browse-heading").bounding_box()
    last = page.locator(VISIBLE_CARDS).last.bounding_box()
    assert browse["y"] > last["y"] + last["height"], "'Browse therapists by' comes after the results"


def test_on_a_phone_the_unfolded_choices_keep_a_button_in_sight_that_counts_the_matches_and_goes_to_them(
        served, page_factory):
    """The cards are a long way below the thirteen choices: without it, a choice seems to change nothing."""
    base, profiles, order = served
    page = page_factory(width=390)
    page.goto(f"{base}/therapists/")
    page.locator("#filter-toggle").click()
    page.select_option("#filter-language", "spanish")
    spanish = [s for s in order if "Spanish" in profiles[s]["languages"]]
    show = page.locator("#filter-show")
    expect(show).to_have_text(f"Show {len(spanish)} therapist{'' if len(spanish) == 1 else 's'}")
    page.locator("#filter-clear").scroll_into_view_if_needed()
    page.locator("#filter-language").scroll_into_view_if_needed()  # back at the top of the choices
    box = show.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= 844, "the button is out of sight"
    show.click()
    assert page.locator("#filter-toggle").get_attribute("aria-expanded") == "false"
    assert page.locator("#filter-language").is_hidden()
    assert page.evaluate("document.activeElement.id") == "filter-status"
    first = page.locator(VISIBLE_CARDS).first.bounding_box()
    assert 0 <= first["y"] < 844 - 100, "the first match is not on the screen"


def test_on_a_desktop_the_filters_stand_beside_the_cards_without_a_button(served, page_factory):
    base, profiles, order = served
    page = page_factory(width=1280)
    page.goto(f"{base}/therapists/")
    assert page.locator("#filter-toggle").is_hidden() and page.locator("#filter-show").is_hidden()
    form, first = page.locator("#filter-panel").bounding_box(), page.locator(VISIBLE_CARDS).first.bounding_box()
    assert form["x"] + form["width"] <= first["x"] and first["y"] < 800


@pytest.mark.parametrize("width", sorted(VIEWPORTS))
def test_every_card_shows_a_photo_or_the_initials(served, kinds, page_factory, width):
    base, profiles, order = served
    page = page_factory(width=width)
    for path in ("/therapists/", kinds["facet value"], kinds["topic"], "/"):
        page.goto(base + path)
        cards = page.locator(".therapist-card")
        assert cards.count() > 0, path
        for index in range(cards.count()):
            card = cards.nth(index)
            slug = card.get_attribute("data-slug")
            face = card.locator(".card-photo")
            assert face.count() == 1, f"{path}: {slug} has no photo or initials"
            if profiles[slug].get("photo"):
                assert face.evaluate("img => img.tagName") == "IMG"
                assert face.get_attribute("alt") == profiles[slug]["photo_alt"]
                assert face.get_attribute("width") and face.get_attribute("height")
            else:
                initials = "".join(word[0] for word in profiles[slug]["name"].split()[::len(profiles[slug]["name"].split()) - 1])
                assert face.inner_text() == initials.upper()
            box = face.bounding_box()
            assert 60 <= box["width"] <= 100 and abs(box["width"] - box["height"]) < 1


def test_photos_below_the_first_screen_load_lazily(served, page_factory):
    base, profiles, order = served
    page = page_factory()
    page.goto(f"{base}/therapists/")
    loading = page.locator("#therapist-list .card-photo[src]").evaluate_all(
        "imgs => imgs.map(img => [img.closest('[data-slug]').dataset.slug, img.loading])")
    assert loading, "the generated site has photos"
    for slug, how in loading:
        assert how == ("auto" if order.index(slug) < 3 else "lazy"), slug  # auto: fetched at once


@pytest.mark.parametrize("width", sorted(VIEWPORTS))
def test_no_page_kind_shifts_its_layout_as_it_loads(served, kinds, page_factory, width):
    """Cumulative layout shift under 0.1 (Core Web Vitals' "good"), measured in the page by a PerformanceObserver;
    the directory also with a filtered address, whose choices the script applies after the first paint."""
    base, profiles, order = served
    shifts = {}
    for kind, path in [*kinds.items(), ("filtered directory", "/therapists/?language=spanish&accepting=yes"),
                       ("directory near a ZIP code", "/therapists/?near=92103")]:
        page = page_factory(width=width)  # a fresh page each time: a layout shift is counted per page load
        open_settled(page, base + path)  # the search box arrives late: its shift must be counted, not missed
        if "near=" in path:
            page.locator("#therapist-list:not(.sorting)").wait_for()
        shifts[kind] = page.evaluate(LAYOUT_SHIFT)
    assert {kind: shift for kind, shift in shifts.items() if shift >= 0.1} == {}
    assert "directory" in shifts


def option_counts(page, facet: str) -> dict[str, str]:
    return dict(page.locator(f"#filter-{facet} option").evaluate_all(
        "options => options.filter(o => o.value).map(o => [o.value, o.textContent])"))


def test_each_option_counts_the_therapists_it_leaves_with_the_other_choices(served, page_factory):
    base, profiles, order = served
    page = page_factory()
    page.goto(f"{base}/therapists/")
    spanish = [s for s in order if "Spanish" in profiles[s]["languages"]]
    assert option_counts(page, "language")["spanish"] == f"Spanish ({len(spanish)})"
    page.check("#filter-accepting")
    accepting = [s for s in spanish if profiles[s]["accepting_new_clients"]]
    assert option_counts(page, "language")["spanish"] == f"Spanish ({len(accepting)})"
    everyone = sum(profiles[s]["accepting_new_clients"] for s in order)
    assert page.locator("label[for=filter-accepting]").inner_text() == f"Accepting new clients ({everyone})"
    page.select_option("#filter-language", "spanish")
    # The accepting count now counts Spanish speakers; the language options still count every language.
    assert page.locator("label[for=filter-accepting]").inner_text() == f"Accepting new clients ({len(accepting)})"
    counts = option_counts(page, "language")
    arabic = [s for s in order if "Arabic" in profiles[s]["languages"] and profiles[s]["accepting_new_clients"]]
    assert counts["arabic"] == f"Arabic ({len(arabic) or 'none'})"


def test_when_nobody_matches_the_notice_gives_the_practice_contact_and_removes_a_choice_in_one_click(
        served, page_factory):
    base, profiles, order = served
    page = page_factory(width=390)
    page.goto(f"{base}/therapists/?specialty=eating-disorders&population=children&language=arabic&accepting=yes")
    assert visible(page) == []
    notice = page.locator("#no-match")
    assert notice.is_visible()
    assert notice.get_by_role("link", name="+1-555-555-0100").get_attribute("href") == "tel:+1-555-555-0100"
    assert notice.get_by_role("link", name="hello@example.org").get_attribute("href") == "mailto:hello@example.org"
    buttons = notice.get_by_role("button").all_inner_texts()
    assert buttons == ["Remove Specialty: Eating Disorders", "Remove Language: Arabic", "Remove Works with: Children",
                       "Remove Accepting new clients"]
    assert page.locator("#filter-toggle").inner_text() == "Filter (4 active)"
    notice.get_by_role("button", name="Remove Language: Arabic").click()
    assert urlsplit(page.url).query == "specialty=eating-disorders&population=children&accepting=yes"
    assert page.locator("#filter-toggle").inner_text() == "Filter (3 active)"
    assert page.locator("#filter-status").inner_text().startswith("Removed Language: Arabic.")


def expected_near(profiles, order, zip_code: str) -> list[tuple[str, float, bool]]:
    """(slug, miles to the nearest office, online in the visitor's state) in the order "near you" must give:
    offices within 50 miles by distance, then telehealth in the visitor's state, then the rest by distance;
    computed here from the zipcodes package's places, independently of the generator."""
    import math

    import zipcodes

    def where(code: str) -> tuple[float, float, str]:
        found = zipcodes.matching(code)[0]
        return float(found["lat"]), float(found["long"]), found["state"]

    def miles(a, b) -> float:
        la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
        h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
        return 2 * 3958.8 * math.asin(math.sqrt(h))

    visitor = where(zip_code)
    rows = []
    for index, slug in enumerate(order):
        p = profiles[slug]
        distance = min((miles(visitor, where(loc["postal_code"])) for loc in p.get("locations", [])),
                       default=math.inf)
        online = "telehealth" in p["formats"] and visitor[2] in p.get("telehealth_states", [])
        group = 0 if distance <= 50 else 1 if online else 2
        rows.append((group, distance, index, slug, online))
    return [(slug, distance, online) for _, distance, _, slug, online in sorted(rows)]


def shown_distances(page) -> list[tuple[str, str]]:
    return page.locator(VISIBLE_CARDS).evaluate_all(
        "cards => cards.map(c => [c.dataset.slug, (c.querySelector('.distance') || {}).textContent || ''])")


@pytest.mark.parametrize("width", sorted(VIEWPORTS))
def test_near_a_zip_code_the_cards_are_ordered_by_true_distance_and_say_how_far(served, page_factory, width):
    base, profiles, order = served
    page = page_factory(width=width)
    page.goto(f"{base}/therapists/?near=92103")  # San Diego (Hillcrest): offices at 92101 are about 2 miles away
    page.locator("#therapist-list:not(.sorting)").wait_for()
    expected = expected_near(profiles, order, "92103")
    shown = shown_distances(page)
    assert [slug for slug, _ in shown] == [slug for slug, _, _ in expected]
    for (slug, text), (_, distance, online) in zip(shown, expected):
        if distance < float("inf"):
            number = re.match(r"(Less than a mile|[\d,]+ miles?) away", text)
            assert number, (slug, text)
            said = 0.5 if number.group(1) == "Less than a mile" else int(re.sub(r"\D", "", number.group(1)))
            assert abs(said - distance) <= 1, (slug, text, distance)
        assert ("online in ca" in text.lower()) == online, (slug, text)
    assert page.locator("#filter-near").input_value() == "92103"
    assert page.locator("#filter-status").inner_text() == "Showing all 30 therapists, nearest to 92103 first."
    first = page.locator(VISIBLE_CARDS).first.bounding_box()
    assert first["y"] < VIEWPORTS[width]["height"] - 100


def test_a_zip_code_with_no_office_nearby_still_lists_telehealth_in_its_state_first(served, page_factory):
    base, profiles, order = served
    page = page_factory(width=390)
    page.goto(f"{base}/therapists/")
    page.fill("#filter-near", "96001")  # Redding, CA: no office within 50 miles
    page.locator("#therapist-list .distance").first.wait_for()
    expected = expected_near(profiles, order, "96001")
    online = [slug for slug, _, is_online in expected if is_online]
    assert online and all(distance > 50 for _, distance, _ in expected)
    shown = shown_distances(page)
    assert [slug for slug, _ in shown[:len(online)]] == online
    assert all("online in ca" in text.lower() for _, text in shown[:len(online)])
    assert urlsplit(page.url).query == "near=96001"
    page.locator("#filter-toggle").click()
    page.select_option("#filter-language", "spanish")  # the place stays while other choices change
    assert urlsplit(page.url).query == "language=spanish&near=96001"
    assert [slug for slug, _ in shown_distances(page)] == [
        slug for slug, _, _ in expected if "Spanish" in profiles[slug]["languages"]]


def test_an_unknown_zip_code_is_said_and_leaves_the_order_alone(served, page_factory):
    base, profiles, order = served
    page = page_factory()
    page.goto(f"{base}/therapists/?near=00000")
    page.locator("#therapist-list:not(.sorting)").wait_for()
    assert visible(page) == order
    assert page.locator("#filter-status").inner_text() == (
        "We could not find the ZIP code 00000, so the order is unchanged. Showing all 30 therapists.")
    assert page.locator("#therapist-list .distance").count() == 0
