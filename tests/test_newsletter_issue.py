"""`therapist-site newsletter`: an email-ready issue of the articles published since the last one. The HTML part
carries its styles inline (no <script>, no style sheet, nothing relative), images with absolute https addresses,
width and alt, the provider's unsubscribe merge tag; the text part names every article and its address; the
issue remembers its newest article so the next starts after it, and --since / --last choose otherwise. How it looks
in Chromium at 600 and 320 px: test_browser_newsletter.py.
"""
from __future__ import annotations

import json
import os
import re
import struct
import zlib
from html.parser import HTMLParser

import pytest

DAY = 24 * 3600

BASE = "https://test.example.org/"
SITE = f"title: Test Practice\nbase_url: {BASE}\ntimezone: America/Chicago\nnewsletter:\n  title: Test Notes\n"
PROVIDERS = {
    "buttondown": ("  provider: buttondown\n  username: harbor\n", "{{ unsubscribe_url }}"),
    "mailchimp": ("  provider: mailchimp\n  action: https://h.us1.list-manage.com/subscribe/post?u=1&id=2\n", "*|UNSUB|*"),
    "kit": ("  provider: kit\n  form_id: 12\n", "{{ unsubscribe_url }}"),
    "emailoctopus": ("  provider: emailoctopus\n  list_id: 6c1e17a2-f89a-11e8-a3c9-06b79b628af2\n", "{{UnsubscribeURL}}"),
    "listmonk": ("  provider: listmonk\n  url: https://l.example.org\n  list_uuid: 6c1e17a2-f89a-11e8-a3c9-06b79b628af2\n",
                 "{{ UnsubscribeURL }}"),
    "form": ("  provider: form\n  action: https://m.example.net/j\n  unsubscribe: '[unsubscribe]'\n", "[unsubscribe]"),
}


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def article(slug: str, day: str, title: str, extra: str = "") -> dict:
    return {f"content/articles/{slug}.md": f"---\ntitle: {title}\ndate: {day}\nauthor: ana-lima\n{extra}---\n"
                                           f"The body of {title}, with [a link](/about/).\n"}


ARTICLES = {
    **article("early", "2026-01-10", "Early Days"),
    **article("spring", "2026-04-02", "Spring & Renewal", "summary: New growth after a hard winter.\n"
                                                          "image: /images/wide.png\nimage_alt: A green shoot\n"),
    **article("summer", "2026-07-20", "Summer Rest", "image: /images/small.png\nimage_alt: A beach\n"),
    **article("autumn", "2026-10-01", "Autumn Light"),
    **article("draft", "2026-10-02", "Not Yet", "draft: true\n"),
    "content/images/wide.png": png(900, 300), "content/images/small.png": png(200, 100),
    "therapists/ana-lima.yaml": "name: Ana Lima\ncredentials: [PsyD]\n",
    "content/pages/about.md": "---\ntitle: About\n---\nUs.\n",
}


@pytest.fixture
def site(make_site):
    def make(provider: str = "buttondown", files: dict | None = None):
        settings = PROVIDERS[provider][0] if provider else ""
        return make_site({"site.yaml": SITE + settings, **ARTICLES, **(files or {})}, name=f"site-{provider}")
    return make


@pytest.fixture
def issue(run, tmp_path):
    """issue(source, *flags) -> (html, text, stdout) of the issue written, read from its output folder."""
    def write(source, *flags):
        out = tmp_path / "issues"
        before = set(out.glob("*")) if out.exists() else set()
        result = run("newsletter", "--source", source, "--output", out, *flags)
        assert result.code == 0, result.err
        made = sorted(set(out.glob("*")) - before) or sorted(out.glob("*"))
        html = next(p for p in made if p.suffix == ".html")
        return html.read_text(), html.with_suffix(".txt").read_text(), result.out
    return write


class Tags(HTMLParser):
    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def titles(html: str) -> list[str]:
    return re.findall(r"<h2[^>]*><a [^>]*>([^<]+)</a></h2>", html)


def test_the_first_issue_holds_the_newest_articles_and_the_next_starts_after_it(site, issue, run, monkeypatch):
    source = site()
    html, text, out = issue(source)
    assert titles(html) == ["Autumn Light", "Summer Rest", "Spring &amp; Renewal", "Early Days"]
    assert "the 4 newest articles (no earlier issue is remembered: a first issue holds up to 5)." in out
    assert "replacing" not in out
    memory = json.loads((source / ".newsletter.json").read_text())
    every = ["/articles/autumn/", "/articles/early/", "/articles/spring/", "/articles/summer/"]
    assert memory == {"through": "2026-10-01T00:00:00-05:00", "issue": "2026-10-26.html", "articles": every,
                      "known": every}
    (source / "content/articles/winter.md").write_text("---\ntitle: Winter Notes\ndate: 2026-10-20\n---\nCold.\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(os.environ["SOURCE_DATE_EPOCH"]) + DAY))  # the next day
    html, text, out = issue(source)
    assert titles(html) == ["Winter Notes"], "only what was published after the last issue"
    assert "1 article published after the last issue's newest (2026-10-01)." in out
    result = run("newsletter", "--source", source, "--output", source / "again")
    assert result.code == 0 and result.out.startswith(
        "No issue written: no article published after the last issue's newest (2026-10-20). Publish an article")
    assert not (source / "again").exists()


def test_an_article_added_later_with_an_earlier_date_goes_in_the_next_issue(site, issue, monkeypatch):
    """Written last week, put on the site after the issue that went out yesterday: not lost for the newsletter."""
    source = site()
    issue(source)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(os.environ["SOURCE_DATE_EPOCH"]) + DAY))
    (source / "content/articles/backdated.md").write_text("---\ntitle: Written Earlier\ndate: 2026-09-15\n---\nA.\n")
    (source / "content/articles/winter.md").write_text("---\ntitle: Winter Notes\ndate: 2026-10-20\n---\nCold.\n")
    html, _, out = issue(source)
    assert titles(html) == ["Winter Notes", "Written Earlier"]
    assert ("1 article published after the last issue's newest (2026-10-01), and 1 article added since with an "
            "earlier date.") in out


def test_a_second_issue_on_the_same_day_holds_the_first_one_s_articles_as_it_replaces_its_file(site, issue):
    source = site()
    issue(source, "--last", "2")
    (source / "content/articles/winter.md").write_text("---\ntitle: Winter Notes\ndate: 2026-10-20\n---\nCold.\n")
    html, _, out = issue(source)  # the same day (SOURCE_DATE_EPOCH): the same file name
    assert titles(html) == ["Winter Notes", "Autumn Light", "Summer Rest"], "nothing of the first issue lost"
    assert (" (replacing the issue written earlier that day): 1 article published after the last issue's newest "
            "(2026-10-01), with the 2 articles of the issue written earlier today, which this one replaces.") in out


def test_since_chooses_the_articles_from_that_day_on_and_never_moves_the_memory_back(site, issue):
    source = site()
    issue(source, "--last", "1")
    html, _, out = issue(source, "--since", "2026-04-02")
    assert titles(html) == ["Autumn Light", "Summer Rest", "Spring &amp; Renewal"]
    assert ": 3 articles published since 2026-04-02." in out
    assert json.loads((source / ".newsletter.json").read_text())["through"] == "2026-10-01T00:00:00-05:00"


def test_last_chooses_the_newest_articles(site, issue):
    html, text, _ = issue(site(), "--last", "2")
    assert titles(html) == ["Autumn Light", "Summer Rest"]
    assert "Not Yet" not in html + text, "drafts are never sent"


def test_the_html_part_has_no_script_no_style_sheet_and_no_relative_address(site, issue):
    html, _, _ = issue(site())
    tags = Tags(html).tags
    assert not [t for t, _ in tags if t in ("script", "link", "iframe", "form")]
    for tag, attrs in tags:
        for name in ("href", "src"):
            if name in attrs:
                value = attrs[name]
                assert value.startswith(("https://", "tel:", "sms:")) or value == "{{ unsubscribe_url }}", (tag, value)
    links = {a["href"] for t, a in tags if t == "a"}
    assert {f"{BASE}articles/{slug}/" for slug in ("early", "spring", "summer", "autumn")} <= links
    # Layout lives in style="" attributes; what is left in <style> is @media only (phones, dark mode).
    styles = re.findall(r"<style>(.*?)</style>", html, re.S)
    assert len(styles) == 1 and re.sub(r"@media[^{]*\{([^{}]*\{[^{}]*\})*\s*\}", "", styles[0]).strip() == ""
    assert 'style="width: 100%;max-width: 600px;' in html and 'width="600"' in html
    assert re.search(r'<p class="summary" style="[^"]*font-size: 17px', html)


def test_images_are_absolute_https_with_a_width_height_and_alt(site, issue):
    """The article's picture in the web size for ordinary screens (960 px, sharp in the 552 px column; the largest,
    for sharing, weighs three times as much), a JPEG without metadata, at most as wide as the column."""
    big = {**article("big", "2026-10-03", "Big Picture", "image: /images/big.png\nimage_alt: A wide field\n"),
           "content/images/big.png": png(2000, 1000)}
    html, _, _ = issue(site(files=big), "--last", "3")
    images = [a for t, a in Tags(html).tags if t == "img"]
    assert [(i["src"], i["width"], i["height"], i["alt"]) for i in images] == [
        (f"{BASE}articles/big/image-960.jpg", "552", "276", "A wide field"),
        (f"{BASE}articles/summer/image.jpg", "200", "100", "A beach")]  # smaller than 960 px: its one size
    assert all("max-width: 552px" in i["style"] and "height: auto" in i["style"] for i in images)


def test_the_text_part_names_every_article_and_its_address(site, issue):
    _, text, _ = issue(site())
    for title, slug in (("Autumn Light", "autumn"), ("Summer Rest", "summer"), ("Spring & Renewal", "spring"),
                        ("Early Days", "early")):
        assert f"\n{title}\n{BASE}articles/{slug}/\n" in text
    assert text.startswith("Test Notes: October 26, 2026\n====")
    assert "New growth after a hard winter." in text and "&amp;" not in text
    assert "<" not in text


def test_the_preheader_says_what_the_issue_holds(site, issue):
    html, _, _ = issue(site(), "--since", "2026-04-01")
    preheader = re.search(r'<div class="preheader" style="display: none;[^"]*">([^<]*)</div>', html).group(1)
    assert preheader == "Autumn Light (and 2 more articles)"


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_each_provider_gets_its_own_unsubscribe_merge_tag(site, issue, provider):
    tag = PROVIDERS[provider][1]
    html, text, _ = issue(site(provider))
    assert f'<a href="{tag}"' in html and f"Unsubscribe: {tag}\n" in text


def test_without_a_provider_the_issue_has_no_unsubscribe_link_to_fake(site, issue):
    html, text, _ = issue(site(""))
    assert "Unsubscribe" not in html and "Unsubscribe" not in text


def test_an_issue_needs_an_https_site_address(make_site, run):
    source = make_site({"site.yaml": "title: T\nbase_url: http://test.example.org/\n", **ARTICLES})
    result = run("newsletter", "--source", source)
    assert result.code == 1
    assert "site.yaml: base_url: an email needs https:// addresses, found 'http://test.example.org/'; write the " \
           "https:// address where the site is published" in result.err
    assert not (source / "newsletter").exists() and not (source / ".newsletter.json").exists()


@pytest.mark.parametrize("flags, message", [
    (("--since", "last week"), "therapist-site: --since needs a date like 2026-10-05, found 'last week'"),
    (("--last", "0"), "therapist-site: --last needs a number of articles of at least 1, like --last 3"),
    (("--since", "2026-01-01", "--last", "2"), "argument --last: not allowed with argument --since"),
])
def test_a_wrong_choice_is_misuse(site, run, flags, message):
    result = run("newsletter", "--source", site(), *flags)
    assert result.code == 2 and message in result.err


def test_a_damaged_memory_is_reported_with_the_fix(site, run):
    source = site()
    (source / ".newsletter.json").write_text("{not json")
    result = run("newsletter", "--source", source)
    assert result.code == 1
    assert ".newsletter.json: cannot read the memory of the last issue (" in result.err
    assert "delete the file and choose the articles with --since DATE or --last N" in result.err


def test_the_email_layout_can_be_overridden_by_the_site(site, issue):
    source = site(files={"layouts/email.txt": "{{ articles | length }} new\n"})
    _, text, _ = issue(source)
    assert text == "4 new\n"


# ---- RSS-to-email: the feeds carry full content with images sized for an email's column --------------------------

BODY = ("---\ntitle: Pictured\ndate: 2026-05-01\n---\nBefore.\n\n![A wide shoot](/images/wide.png)\n\n"
        "![A small beach](../../images/small.png)\n\n![Elsewhere](https://other.example.com/x.png)\n")


def test_feeds_keep_full_content_with_absolute_images_sized_for_email(make_site, run, tmp_path):
    source = make_site({"site.yaml": SITE, "content/articles/pictured.md": BODY,
                        "content/images/wide.png": png(900, 300), "content/images/small.png": png(200, 100)})
    assert run("build", "--source", source, "--output", tmp_path / "out").code == 0
    wide = f'<img alt="A wide shoot" src="{BASE}images/wide.png" width="600" height="200">'
    small = f'<img alt="A small beach" src="{BASE}images/small.png" width="200" height="100">'
    other = ('<a class="offsite-image" href="https://other.example.com/x.png">Elsewhere (picture on '
             'other.example.com)</a>')  # a picture on another website: a link, in pages and feeds alike
    feed = (tmp_path / "out" / "feed.xml").read_text()
    for tag in (wide, small, other):
        assert tag.replace("<", "&lt;").replace(">", "&gt;") in feed, tag
    assert "Before." in feed, "the whole article, not a summary"
    content = json.loads((tmp_path / "out" / "feed.json").read_text())["items"][0]["content_html"]
    assert wide in content and small in content and other in content


def test_a_resized_picture_resizes_it_in_the_feeds_of_a_cached_build(make_site, run, tmp_path):
    source = make_site({"site.yaml": SITE, "content/articles/pictured.md": BODY,
                        "content/images/wide.png": png(900, 300), "content/images/small.png": png(200, 100)})
    assert run("build", "--source", source, "--output", tmp_path / "out").code == 0
    (source / "content/images/wide.png").write_bytes(png(300, 300))
    assert run("build", "--source", source, "--output", tmp_path / "out").code == 0
    assert run("build", "--source", source, "--output", tmp_path / "cold", "--no-cache").code == 0
    for name in ("feed.xml", "atom.xml", "feed.json"):
        assert (tmp_path / "out" / name).read_bytes() == (tmp_path / "cold" / name).read_bytes(), name
    content = json.loads((tmp_path / "out" / "feed.json").read_text())["items"][0]["content_html"]
    assert 'wide.png" width="300" height="300"' in content


def test_an_issue_without_an_unsubscribe_link_or_a_postal_address_says_so_before_it_is_sent(site, run, tmp_path):
    source = site(provider="")  # no list provider, as init leaves a new site
    result = run("newsletter", "--source", source, "--output", tmp_path / "issue")
    assert result.code == 0
    assert result.err.splitlines() == [
        "Before you send it: this issue has no unsubscribe link, because site.yaml does not say which newsletter "
        "service your mailing list is at. Add it under 'newsletter:' as 'provider:' (docs/newsletter.md shows how); "
        "every issue then ends with that service's unsubscribe link.",
        "Before you send it: this issue has no postal address. Add the practice's address under 'practice:' as "
        "'address:' in site.yaml; every issue then ends with it.",
        "Laws on bulk email (CAN-SPAM in the US, the GDPR in Europe) ask every issue for a way to unsubscribe and "
        "the sender's postal address, and list providers may close an account that sends without them."]
    form = site(provider="form", files={"site.yaml": SITE + "  provider: form\n  action: https://m.example.net/j\n"
                                        "practice:\n  name: Test Practice\n  address: 12 River Rd, Sacramento, CA\n"})
    result = run("newsletter", "--source", form, "--output", tmp_path / "form")
    assert result.err.splitlines()[0] == (
        "Before you send it: this issue has no unsubscribe link. With 'provider: form', add 'unsubscribe:' under "
        "'newsletter:' in site.yaml: the address (or the tag of your service) where subscribers leave the list.")
    assert "has no postal address" not in result.err
    text = next((tmp_path / "form").glob("*.txt")).read_text()
    html = next((tmp_path / "form").glob("*.html")).read_text()
    # each number once in plain text (the HTML part links it twice: to call and to text)
    assert text.endswith("Call or text the 988 Suicide & Crisis Lifeline: 988.\nIf you are in immediate danger, call "
                         "911 or go to the nearest emergency room.\nTest Practice · 12 River Rd, Sacramento, CA\n")
    assert 'href="tel:988"' in html and 'href="sms:988"' in html
    for part in (text, html):  # both parts end with who sends it, and what to do in immediate danger
        assert "12 River Rd, Sacramento, CA" in part
        assert "If you are in immediate danger, call 911 or go to the nearest emergency room." in part
    complete = site(files={"site.yaml": SITE + PROVIDERS["buttondown"][0] + "practice:\n  address: 1 Main St\n"})
    assert run("newsletter", "--source", complete, "--output", tmp_path / "set", "--last", "1").err == ""


def test_without_a_newsletter_title_the_heading_does_not_repeat_the_sites_title(site, issue, make_site):
    html, _, _ = issue(site())
    assert re.search(r"<h1[^>]*>Test Notes</h1>", html)
    plain = site("kit", files={"site.yaml": SITE.replace("  title: Test Notes\n", "") + PROVIDERS["kit"][0]})
    html, _, _ = issue(plain, "--last", "1")
    assert re.search(r"<h1[^>]*>New articles</h1>", html) and html.count(">Test Practice<") == 1
