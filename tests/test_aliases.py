"""Old addresses kept alive: each alias is a redirect page (refresh, canonical, a visible link, the crisis line) and
a line of ``_redirects``; an alias that is a real address, or one the site writes itself, is an error."""
from __future__ import annotations

import re

from browser import OLD_ADDRESS, built_site
from checks import crisis_problems, privacy_problems
from generator.models import US_988

SITE = "title: Harbor Light\nbase_url: https://www.harborlight-counseling.com/\n"
MOVED = """\
---
title: On grief
date: 2026-01-05
summary: Grief has no timetable.
aliases: [/posts/on-grief.html, "https://old-blog.net/2019/05/on-grief/", /grief, /articles/grief-old/]
---
Body.
"""


def build(make_site, run, tmp_path, files, *flags):
    out = tmp_path / "out"
    result = run("build", "--source", make_site({"site.yaml": SITE, **files}), "--output", out, *flags)
    return out, result


def test_each_alias_becomes_a_page_that_sends_the_browser_on_to_the_article(make_site, run, tmp_path):
    out, result = build(make_site, run, tmp_path, {"content/articles/on-grief.md": MOVED})
    assert result.code == 0, result.err
    for path in ("posts/on-grief.html", "2019/05/on-grief/index.html", "grief/index.html",
                 "articles/grief-old/index.html"):
        html = (out / path).read_text()
        assert '<meta http-equiv="refresh" content="0; url=/articles/on-grief/">' in html, path
        assert re.findall(r'<link rel="canonical" href="([^"]+)">', html) == [
            "https://www.harborlight-counseling.com/articles/on-grief/"]
        assert '<meta name="robots" content="noindex">' in html
        assert '<p>It is now at <a href="/articles/on-grief/">On grief</a>.</p>' in html
        assert "data-pagefind-body" not in html  # not in the site search
        links = tuple(n.url for n in US_988.numbers) + (US_988.chat_url,)
        assert crisis_problems(html, US_988.text, links, US_988.emergency) == []
        assert privacy_problems(html, own_hosts=("www.harborlight-counseling.com",)) == []


def test_redirects_file_lists_every_alias_and_the_sitemap_none(make_site, run, tmp_path):
    out, _ = build(make_site, run, tmp_path, {"content/articles/on-grief.md": MOVED})
    assert (out / "_redirects").read_text() == (
        "/posts/on-grief.html /articles/on-grief/ 301\n"
        "/2019/05/on-grief/ /articles/on-grief/ 301\n"
        "/grief /articles/on-grief/ 301\n"
        "/articles/grief-old/ /articles/on-grief/ 301\n")
    sitemap = (out / "sitemap.xml").read_text()
    assert "articles/on-grief/" in sitemap and "posts/" not in sitemap and "grief-old" not in sitemap


def test_a_site_under_a_path_redirects_under_that_path(make_site, run, tmp_path):
    out, result = build(make_site, run, tmp_path, {"content/articles/on-grief.md": MOVED},
                        "--base-url", "https://www.harborlight-counseling.com/clinic/")
    assert result.code == 0, result.err
    assert "/clinic/posts/on-grief.html /clinic/articles/on-grief/ 301\n" in (out / "_redirects").read_text()
    html = (out / "posts" / "on-grief.html").read_text()
    assert '<meta http-equiv="refresh" content="0; url=/clinic/articles/on-grief/">' in html


def test_no_redirects_file_without_aliases_and_none_for_a_draft(make_site, run, tmp_path):
    draft = MOVED.replace("summary:", "draft: true\nsummary:")
    out, result = build(make_site, run, tmp_path, {"content/articles/on-grief.md": draft})
    assert result.code == 0, result.err
    assert not (out / "_redirects").exists() and not (out / "posts").exists()


def test_an_alias_that_is_a_real_or_a_built_in_address_is_an_error_naming_both(make_site, run, tmp_path):
    other = ("---\ntitle: Other\ndate: 2026-01-01\naliases: [/articles/on-grief/, /about/, /posts/on-grief.html, "
             "/topics/grief/, /feed.xml, /articles/page/2/, /caf%C3%A9/, /Café/]\n---\n")
    _, result = build(make_site, run, tmp_path, {"content/articles/on-grief.md": MOVED,
                                                  "content/articles/other.md": other,
                                                  "content/pages/about.md": "---\ntitle: About\n---\n"})
    assert result.code == 1
    assert result.err.splitlines()[1:8] == [
        "content/articles/other.md:4: aliases[0]: the old address /articles/on-grief/ is also the address of "
        "content/articles/on-grief.md; remove this alias: that address already shows a page",
        "content/articles/other.md:4: aliases[1]: the old address /about/ is also the address of "
        "content/pages/about.md; remove this alias: that address already shows a page",
        "content/articles/other.md:4: aliases[2]: the old address /posts/on-grief.html is also an alias of "
        "content/articles/on-grief.md; keep it once",
        "content/articles/other.md:4: aliases[3]: the old address /topics/grief/ is among the addresses the site "
        "writes itself (/topics/); remove this alias, or let the host's own redirects send it on",
        "content/articles/other.md:4: aliases[4]: the old address /feed.xml is among the addresses the site writes "
        "itself (/feed.xml); remove this alias, or let the host's own redirects send it on",
        "content/articles/other.md:4: aliases[5]: the old address /articles/page/2/ is among the addresses the site "
        "writes itself (/articles/); remove this alias, or let the host's own redirects send it on",
        "content/articles/other.md:4: aliases[7]: the old address /Café/ is also an alias of this article; keep it once",
    ]


def test_an_alias_that_cannot_be_a_static_address_says_why(make_site, run, tmp_path):
    bad = '---\ntitle: Bad\ndate: 2026-01-01\naliases:\n  - posts/x.html\n  - "/?p=12"\n  - "/a b/"\n  - /\n---\n'
    _, result = build(make_site, run, tmp_path, {"content/articles/bad.md": bad})
    assert result.code == 1
    assert result.err.splitlines()[1:5] == [
        "content/articles/bad.md:5: aliases[0]: expected an old address starting with /, like "
        "/posts/my-title.html, found 'posts/x.html'; write the old address from the first / after the domain name",
        "content/articles/bad.md:6: aliases[1]: a static page cannot answer an address with '?' or '#': '/?p=12'; "
        "leave this address out; the host's own redirect rules can send it on",
        "content/articles/bad.md:7: aliases[2]: '/a b/' cannot be an address of its own; write the old address of "
        "this article, e.g. /2019/05/my-title/, without spaces, '..' or backslashes",
        "content/articles/bad.md:8: aliases[3]: '/' cannot be an address of its own; write the old address of "
        "this article, e.g. /2019/05/my-title/, without spaces, '..' or backslashes",
    ]


def test_the_generated_site_that_every_page_check_reads_has_a_redirect_page_and_a_guest_author(tmp_path_factory):
    """test_valid_html, test_privacy and test_accessibility read every page of this site: these two kinds too."""
    public = built_site("generated", tmp_path_factory)
    assert redirects_to(public / OLD_ADDRESS.lstrip("/")).startswith("/articles/understanding-")
    assert (public / "authors" / "jordan-avery" / "index.html").is_file()


def redirects_to(page) -> str:
    return re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', page.read_text()).group(1)
