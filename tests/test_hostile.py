"""Hostile or careless input: links out of the site, case collisions, characters XML cannot carry."""
from __future__ import annotations

import os
import re

import feedparser

import pictures
from hostile import contained
from sitegen import _png
from test_validate import problems


def test_a_symlink_out_of_the_site_folder_is_an_error_and_nothing_is_copied(make_site, run, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("private notes")
    source = make_site({"content/ok.txt": "fine"})
    os.symlink(secret, source / "content" / "notes.txt")
    os.symlink(tmp_path, source / "content" / "everything")
    assert problems(source) == [
        "content/everything: is a link to a place outside the site folder; copy the file into the site folder "
        "instead of linking to it",
        "content/notes.txt: is a link to a place outside the site folder; copy the file into the site folder "
        "instead of linking to it",
    ]


def test_a_symlinked_profile_photo_outside_the_site_is_an_error(make_site, tmp_path):
    (tmp_path / "face.jpg").write_bytes(b"jpg")
    source = make_site({"therapists/ana.yaml": "name: Ana\n"})
    os.symlink(tmp_path / "face.jpg", source / "therapists" / "ana.jpg")
    assert problems(source) == ["therapists/ana.jpg: is a link to a place outside the site folder; copy the file "
                                "into the site folder instead of linking to it"]


def test_a_symlink_inside_the_site_folder_is_fine(make_site, run, tmp_path):
    source = make_site({"content/files/a.pdf": "pdf"})
    os.symlink(source / "content" / "files" / "a.pdf", source / "content" / "files" / "b.pdf")
    assert run("build", "--source", source, "--output", tmp_path / "out").code == 0
    assert (tmp_path / "out" / "files" / "b.pdf").read_text() == "pdf"


def test_addresses_that_differ_only_in_case_are_reported_as_a_collision(make_site):
    source = make_site({"content/Images/a.png": "1", "content/images/a.png": "2"})
    assert problems(source) == [
        "content/Images/a.png: the address /Images/a.png is also claimed by content/images/a.png; give one of "
        "them another file name or 'slug:' (upper and lower case count as one)",
        "content/images/a.png: the address /images/a.png is also claimed by content/Images/a.png; give one of "
        "them another file name or 'slug:' (upper and lower case count as one)",
    ]


def test_control_characters_pasted_into_text_cannot_break_the_feeds(make_site, run, tmp_path):
    source = make_site({
        "therapists/ana.yaml": "name: \"Ana\\x0b Lima\"\n",
        "content/articles/a.md": "---\ntitle: \"Bell\\a and form\\ffeed\"\ndate: 2026-01-01\nauthor: ana\n---\n"
                                 "Text with \x01 a control character and ]]> a CDATA end.\n",
    })
    assert run("build", "--source", source, "--output", tmp_path / "out").code == 0
    for name in ("feed.xml", "atom.xml"):
        feed = feedparser.parse((tmp_path / "out" / name).read_bytes())
        assert not feed.bozo, feed.get("bozo_exception")
        assert feed.entries[0].title == "Bell and formfeed"
        assert "]]&gt;" in feed.entries[0].content[0].value or "]]>" in feed.entries[0].content[0].value


def test_a_file_in_content_cannot_replace_what_the_site_makes(tmp_path):
    hint = ("rename or move the file; to change what the site makes, put your own version of its layout in "
            "layouts/")
    ended = contained(tmp_path, {
        "content/index.html": "<script>alert(1)</script>", "content/feed.xml": "<rss/>",
        "content/sitemap.xml/x.txt": "a folder where a file is made", "content/robots.txt": "Disallow:", "content/assets/site.css": "x{}",
        "content/therapists/index.json": "[]", "content/404.html": "gone", "content/Atom.xml": "<feed/>",
        "content/therapists/ana/photo.jpg": pictures.jpeg(), "content/topics/index.html": "t",
        "content/subscribe": "a file where a folder is made", "content/pagefind/pagefind.js": "evil()",
        "therapists/ana.yaml": "name: Ana\nphoto: ana.jpg\nphoto_alt: Ana\nlanguages: [English]\n",
        "therapists/ana.jpg": pictures.jpeg((400, 400)),
    })
    assert ended.code == 1
    assert ended.lines == [f"content/{file}: would replace {made}, which the site makes itself; {hint}"
                           for file, made in [
        ("404.html", "404.html"), ("Atom.xml", "atom.xml"), ("assets/site.css", "assets/site.css"),
        ("feed.xml", "feed.xml"), ("index.html", "index.html"), ("pagefind/pagefind.js", "pagefind/"),
        ("robots.txt", "robots.txt"), ("sitemap.xml/x.txt", "sitemap.xml"),
        ("subscribe", "subscribe/index.html"), ("therapists/ana/photo.jpg", "therapists/ana/photo.jpg"),
        ("therapists/index.json", "therapists/index.json"), ("topics/index.html", "topics/index.html")]]


def test_check_reports_a_file_that_would_replace_a_generated_one(tmp_path):
    ended = contained(tmp_path, {"content/index.html": "<script>alert(1)</script>"}, command="check")
    assert ended.code == 1 and ended.lines == [
        "content/index.html: would replace index.html, which the site makes itself; rename or move the file; to "
        "change what the site makes, put your own version of its layout in layouts/"]


def test_a_symlink_in_layouts_out_of_the_site_is_an_error_and_nothing_is_published(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("private notes")
    ended = contained(tmp_path, {"layouts/static/ok.css": "p{}"}, links={
        "layouts/static/leak.txt": secret, "layouts/base.html": secret, "layouts/static/everything": tmp_path})
    assert ended.code == 1
    assert ended.lines == [f"layouts/{name}: is a link to a place outside the site folder; copy the file into the "
                           "site folder instead of linking to it" for name in
                           ("base.html", "static/everything", "static/leak.txt")]


def test_a_picture_from_another_website_is_a_warning_and_a_link_in_pages_and_feeds(make_site, run, tmp_path):
    source = make_site({
        "content/articles/a.md": "---\ntitle: A\ndate: 2026-01-01\nsummary: S.\n---\nIntro.\n\n"
                                 "![A calm lake](https://cdn.tracker.example/lake.jpg?u=1&v=2)\n\n"
                                 "Text with ![ref][pic] and <img src=\"//img.other.example/x.png\" alt=\"\">.\n\n"
                                 "![Ours](https://test-practice.org/images/ours.png) ![local](/images/ours.png)\n\n"
                                 "[pic]: http://pics.example.net/p.gif\n",
        "content/images/ours.png": _png(1),
    })
    out = tmp_path / "out"
    result = run("build", "--source", source, "--output", out)
    assert result.code == 0
    hint = "save the picture in content/ (e.g. content/images/) and write its address from there, e.g. " \
           "![what it shows](/images/picture.jpg)"
    assert [line for line in result.err.splitlines() if "another website" in line] == [
        f"content/articles/a.md:{line}: the picture {url} is on another website ({host}): pages and feeds show a "
        f"link to it instead, since loading it would tell {host} who reads the page; {hint}"
        for line, url, host in [(8, "https://cdn.tracker.example/lake.jpg?u=1&v=2", "cdn.tracker.example"),
                                (10, "//img.other.example/x.png", "img.other.example"),
                                (14, "http://pics.example.net/p.gif", "pics.example.net")]]
    page = (out / "articles/a/index.html").read_text()
    feed = feedparser.parse((out / "feed.xml").read_bytes()).entries[0].content[0].value
    for html in (page, feed):
        assert "tracker" not in "".join(re.findall(r"<img[^>]*>", html))
        assert ('<a class="offsite-image" href="https://cdn.tracker.example/lake.jpg?u=1&amp;v=2">A calm lake '
                '(picture on cdn.tracker.example)</a>') in html
        assert re.search(r'<a class="offsite-image" href="(https:)?//img.other.example/x.png">A picture \(picture '
                         r'on img.other.example\)</a>', html)  # feeds make every link absolute
        assert "ref (picture on pics.example.net)</a>" in html
        assert re.search(r'<img[^>]*src="(https://test-practice.org)?/images/ours.png"', html)
    assert len(re.findall(r"<img\b", page.split('class="prose"')[1].split("</div>")[0])) == 2


def test_a_picture_from_another_website_in_raw_html_of_any_case_is_a_link_even_with_unsafe_html(make_site, run,
                                                                                               tmp_path):
    """unsafe_html keeps raw HTML as written, upper case included, and a browser loads <IMG SRC=...> all the same."""
    source = make_site({
        "site.yaml": "title: Test Practice\nbase_url: https://test-practice.org/\nunsafe_html: true\n",
        "content/articles/a.md": "---\ntitle: A\ndate: 2026-01-01\nsummary: S.\n---\nIntro.\n\n"
                                 '<IMG SRC="https://cdn.tracker.example/pixel.gif" ALT="Pixel">\n',
    })
    out = tmp_path / "out"
    assert run("build", "--source", source, "--output", out).code == 0
    page = (out / "articles/a/index.html").read_text()
    feed = feedparser.parse((out / "feed.xml").read_bytes()).entries[0].content[0].value
    for html in (page, feed):
        assert not re.search(r"<img[^>]*tracker", html, re.IGNORECASE)
        assert '<a class="offsite-image" href="https://cdn.tracker.example/pixel.gif">Pixel (picture on ' \
               'cdn.tracker.example)</a>' in html
