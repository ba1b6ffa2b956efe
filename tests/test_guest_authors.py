"""Guest authors: people who write but are not in the directory live in content/authors/<slug>.yaml; bylines,
feeds and JSON-LD name them and link a small page of their own."""
from __future__ import annotations

import json

from sitegen import _png

SITE = "title: Harbor Light\nbase_url: https://www.harborlight-counseling.com/\n"
GUEST = """\
name: Sam Rivera
bio: Sam runs the **front desk** and writes about first appointments.
photo: sam-rivera.png
photo_alt: Sam Rivera at the front desk
link: https://sam-rivera.net/
"""
FILES = {
    "site.yaml": SITE,
    "content/authors/sam-rivera.yaml": GUEST,
    "content/authors/sam-rivera.png": _png(3),
    "therapists/ana-lima.yaml": "name: Ana Lima\n",
    "content/articles/first-visit.md": ("---\ntitle: Your first visit\ndate: 2026-02-01\n"
                                        "author: [sam-rivera, ana-lima]\nsummary: What to expect.\n---\nHello.\n"),
}


def test_a_byline_links_the_guest_author_page_which_lists_their_articles(make_site, run, tmp_path):
    out = tmp_path / "out"
    result = run("build", "--source", make_site(FILES), "--output", out)
    assert result.code == 0, result.err
    article = (out / "articles" / "first-visit" / "index.html").read_text()
    assert ('<a href="/authors/sam-rivera/">Sam Rivera</a> and <a href="/therapists/ana-lima/">Ana Lima</a>'
            in article)
    page = (out / "authors" / "sam-rivera" / "index.html").read_text()
    assert "<h1>Sam Rivera</h1>" in page
    assert '<img class="author-photo" src="/authors/sam-rivera.png" alt="Sam Rivera at the front desk">' in page
    assert "<strong>front desk</strong>" in page
    assert '<a href="https://sam-rivera.net/">Sam Rivera\'s website</a>' in page
    assert '<a href="/articles/first-visit/">Your first visit</a>' in page
    assert (out / "authors" / "sam-rivera.png").read_bytes() == FILES["content/authors/sam-rivera.png"]
    assert not (out / "authors" / "sam-rivera.yaml").exists()  # the YAML is a source, not a download


def test_guest_authors_stay_out_of_the_directory_but_are_in_feeds_and_the_sitemap(make_site, run, tmp_path):
    out = tmp_path / "out"
    assert run("build", "--source", make_site(FILES), "--output", out).code == 0
    assert "sam-rivera" not in (out / "therapists" / "index.html").read_text()
    assert [t["slug"] for t in json.loads((out / "therapists" / "index.json").read_text())] == ["ana-lima"]
    assert not (out / "therapists" / "sam-rivera").exists()
    assert "https://www.harborlight-counseling.com/authors/sam-rivera/" in (out / "sitemap.xml").read_text()
    item = json.loads((out / "feed.json").read_text())["items"][0]
    assert item["authors"][0] == {"name": "Sam Rivera",
                                  "url": "https://www.harborlight-counseling.com/authors/sam-rivera/"}
    assert "<dc:creator>Sam Rivera</dc:creator>" in (out / "feed.xml").read_text()
    article = (out / "articles" / "first-visit" / "index.html").read_text()
    assert '"name": "Sam Rivera", "url": "https://www.harborlight-counseling.com/authors/sam-rivera/"' in article


def test_an_unknown_author_hints_at_a_guest_author(make_site, run, tmp_path):
    files = {**FILES, "content/articles/first-visit.md": "---\ntitle: T\ndate: 2026-02-01\nauthor: jo-bloggs\n---\n"}
    result = run("build", "--source", make_site(files), "--output", tmp_path / "out")
    assert result.code == 1
    assert result.err.splitlines()[1] == (
        "content/articles/first-visit.md:4: author: no therapist profile 'jo-bloggs' (expected "
        "therapists/jo-bloggs.yaml); create the profile, use the file name of one, or add a guest author who is "
        "not in the directory as content/authors/jo-bloggs.yaml")


def test_a_guest_author_file_is_checked_like_a_profile(make_site, run, tmp_path):
    files = {**FILES, "content/authors/sam-rivera.yaml": "name: Sam\nphoto: gone.png\nlinks: x\n",
             "content/authors/ana-lima.yaml": "name: Ana\n"}
    result = run("build", "--source", make_site(files), "--output", tmp_path / "out")
    assert result.code == 1
    assert result.err.splitlines()[1:4] == [
        "content/authors/ana-lima.yaml:1: 'ana-lima' is also the file name of a therapist profile "
        "(therapists/ana-lima.yaml); a therapist's articles name the profile: delete this guest author, or rename "
        "one of the two",
        "content/authors/sam-rivera.yaml:2: photo: file content/authors/gone.png not found; check the spelling "
        "and the folder of the picture",
        "content/authors/sam-rivera.yaml:3: links: unknown field; did you mean 'link'?",
    ]


def test_check_finds_a_broken_link_in_a_guest_authors_bio(make_site, run):
    files = {**FILES, "content/authors/sam-rivera.yaml": "name: Sam Rivera\nbio: See [our fees](/fees/).\n"}
    result = run("check", "--source", make_site(files))
    assert result.code == 1
    assert result.err.splitlines()[1] == (
        "content/authors/sam-rivera.yaml:2: the link /fees/ leads nowhere: there is no page or file at that address; "
        "check the spelling; a picture or download must be inside the content/ folder to be linked")
