"""Moving in: a WordPress export, a Jekyll blog and a Hugo site (fixtures in tests/fixtures/import/, written for the
tests) are imported with every mapping checked in the built site, the report of what could not be mapped is exact,
and the result builds with --strict. Pictures from other websites come from a server on 127.0.0.1."""
from __future__ import annotations

import os
import re
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

from browser import served
from conftest import snapshot
from sitegen import _png

FIXTURES = Path(__file__).parent / "fixtures" / "import"
SITE = "title: Harbor Light\nbase_url: https://www.harborlightcounseling.org/\n"
MAYA = "name: Maya Lopez\ncredentials: [LMFT]\nphoto: maya-lopez.png\nphoto_alt: Maya Lopez in her office\n"
REMOTE_PICTURE = _png(7)


@pytest.fixture(scope="module")
def remote(tmp_path_factory):
    """Another website, on 127.0.0.1, with the picture the posts show from it."""
    folder = tmp_path_factory.mktemp("remote")
    (folder / "pictures").mkdir()
    (folder / "pictures" / "waiting-room.png").write_bytes(REMOTE_PICTURE)
    (folder / "pictures" / "gallery.html").write_text("<p>not a picture</p>")
    (folder / "pictures" / "badge.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>')
    with served(folder) as base:
        yield base


@pytest.fixture
def old(tmp_path, remote):
    """A copy of the fixtures whose pictures "from another website" point at the local server."""
    folder = tmp_path / "old"
    shutil.copytree(FIXTURES, folder)
    for file in folder.rglob("*"):
        if file.suffix in (".xml", ".md", ".markdown") and "https://REMOTE" in file.read_text():
            file.write_text(file.read_text().replace("https://REMOTE", remote))
    return folder


@pytest.fixture
def site(make_site):
    return make_site({"site.yaml": SITE, "therapists/maya-lopez.yaml": MAYA,
                      "therapists/maya-lopez.png": _png(1)})


def imported(run, kind: str, old: Path, site: Path, *flags):
    path = old / ("wordpress.xml" if kind == "wordpress" else kind)
    result = run("import", kind, path, "--source", site, *flags)
    assert result.code == 0, result.err
    return result, path


def built(run, site: Path, *left: str) -> Path:
    """Build strictly, but for the warnings about what the import listed as ``left`` as text (the shortcodes only
    the old blog understood): the build says them again, so that they do not go live unnoticed."""
    result = run("build", "--source", site)
    assert result.code == 0, result.err
    warned = [line for line in result.err.splitlines()[1:] if "shows as text: it looks like a shortcode" in line]
    assert [line.split(": '", 1)[1].split("' shows", 1)[0] for line in warned] == list(left), result.err
    assert len(result.err.splitlines()) == (1 + len(left) if left else 0), result.err
    return site / "public"


def shows(html: str, src: str, alt: str) -> bool:
    """Whether the page shows the picture at ``src`` with ``alt``, with its width and height (photos.sized)."""
    return re.search(rf'<img src="{re.escape(src)}" width="\d+" height="\d+"( loading="lazy")? decoding="async" '
                     rf'alt="{re.escape(alt)}">', html) is not None


def page(out: Path, path: str) -> str:
    return (out / path).read_text(encoding="utf-8")


def redirects_to(html: str) -> str:
    return re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', html).group(1)


def test_a_wordpress_export_becomes_articles_pages_authors_and_media(run, old, site, remote):
    result, export = imported(run, "wordpress", old, site, "--fetch-images")
    assert result.out.splitlines()[0] == (f"Imported 4 articles (2 of them drafts), 1 page, 1 guest author and 2 "
                                          f"pictures and files into {site}.")
    assert result.err.splitlines() == [
        "4 things could not be carried over as they were; look at each:",
        f"{export.as_posix()}:1: 1 comment was not imported: the site has no comments; keep the export if you "
        "want to keep them",
        f"{export.as_posix()}:146: items of type 'tribe_events' were not imported; copy what they say into "
        "articles or pages by hand",
        f"{export.as_posix()}:153: 'For our group members' was protected by a password on the old site: it is a "
        "draft here; publish it (draft: false) only if everyone may read it; the site has no passwords",
        "content/articles/first-session.md:22: the shortcode [gallery] was kept as text: it only worked inside "
        "WordPress; replace it: pictures with ![description](/media/...), forms with a link to the contact page, "
        "or delete it",
    ]
    grief_source = (site / "content/articles/grief-has-no-timetable.md").read_text()
    assert grief_source.startswith(
        "---\ntitle: Grief Has No Timetable\ndate: '2024-03-05 17:30:00+00:00'\nauthor: maya-lopez\ntopics:\n"
        "- Grief\n- Self-Care\n- First Steps\nsummary: 'Grief moves at its own pace: a few gentle reminders.'\n"
        "aliases:\n- /2024/03/05/grief-has-no-timetable/\nimage: /media/2024/03/calm-room.png\n"
        "image_alt: A calm room with two chairs\n---\n")  # the featured picture, described in the media library
    assert (site / "content/authors/jordan-avery.yaml").read_text() == "name: Jordan Avery\n"
    draft = (site / "content/articles/notes-on-sleep.md").read_text()
    assert "draft: true" in draft and "summary" not in draft and "aliases" not in draft  # no excerpt, no address
    assert "draft: true" in (site / "content/articles/for-our-group-members.md").read_text()  # had a password
    out = built(run, site, '[gallery ids="11,12" columns="2"]')
    grief = page(out, "articles/grief-has-no-timetable/index.html")
    assert "<h1>Grief Has No Timetable</h1>" in grief
    assert '<time datetime="2024-03-05T17:30:00+00:00">March 5, 2024</time>' in grief
    assert '<a href="/therapists/maya-lopez/">Maya Lopez, LMFT</a>' in grief
    assert '<meta name="description" content="Grief moves at its own pace: a few gentle reminders.">' in grief
    for topic in ("grief", "self-care", "first-steps"):
        assert f'href="/topics/{topic}/"' in grief
    assert not (out / "topics" / "uncategorized").exists()
    assert shows(grief, "/media/2024/03/calm-room.png", "A calm room with two chairs")
    assert (out / "media/2024/03/calm-room.png").read_bytes() == \
        (FIXTURES / "uploads/2024/03/calm-room.png").read_bytes()
    assert '<a href="/articles/first-session/">what to expect in a first session</a>' in grief
    assert '<a href="/about/">learn about us</a>' in grief
    assert "<li>Let people help.</li>" in grief and "<strong>stages</strong>" in grief
    first = page(out, "articles/first-session/index.html")
    assert '<a href="/authors/jordan-avery/">Jordan Avery</a>' in first
    assert '<a href="https://www.youtube.com/watch?v=aqz-KE-bpKQ">Watch the video on YouTube</a>' in first
    assert "<iframe" not in first
    assert shows(first, "/media/127.0.0.1/pictures/waiting-room.png", "The waiting room")
    assert (out / "media/127.0.0.1/pictures/waiting-room.png").read_bytes() == REMOTE_PICTURE
    assert '<a href="/articles/grief-has-no-timetable/#small-steps">grief</a>' in first
    assert '<a href="/articles/grief-has-no-timetable/">the same by its number</a>' in first  # /?p=10
    assert re.search(r'<figure class="article-image"><picture>.*<img src="/articles/grief-has-no-timetable/'
                     r'image.jpg"[^>]* alt="A calm room with two chairs">', grief, re.S)  # the featured picture
    assert "We are a small practice by the harbor." in page(out, "about/index.html")
    assert not (out / "articles" / "notes-on-sleep").exists()
    assert redirects_to(page(out, "2024/03/05/grief-has-no-timetable/index.html")) == \
        "/articles/grief-has-no-timetable/"
    assert page(out, "_redirects") == ("/2024/04/10/first-session/ /articles/first-session/ 301\n"
                                       "/2024/03/05/grief-has-no-timetable/ /articles/grief-has-no-timetable/ 301\n")


def test_pictures_from_other_websites_are_listed_when_the_network_is_not_allowed(run, old, site, remote):
    result, _ = imported(run, "wordpress", old, site)
    assert (f"content/articles/first-session.md:18: the picture {remote}/pictures/waiting-room.png is on another "
            "website, which pages never load from; save it into content/media/ and change the address here, or "
            "import again with --fetch-images") in result.err.splitlines()
    assert not (site / "content" / "media" / "127.0.0.1").exists()


def test_a_jekyll_blog_keeps_its_addresses_and_maps_its_liquid_tags(run, old, site, remote):
    saved = datetime(2024, 5, 1, 12, tzinfo=timezone.utc).timestamp()
    os.utime(old / "jekyll/_drafts/notes-on-sleep.md", (saved, saved))  # a draft is dated by its file
    result, folder = imported(run, "jekyll", old, site, "--fetch-images")
    assert result.err.splitlines() == [
        "5 things could not be carried over as they were; look at each:",
        f"{folder.as_posix()}/_drafts/notes-on-sleep.md:1: date: a draft without a date: dated 2024-05-01, the day "
        "its file was last saved; set the date to the day you publish it, and remove 'draft: true' then",
        f"{folder.as_posix()}/_posts/2024-03-05-grief-has-no-timetable.md:10: old_entry_id: not carried over: the "
        "site has no such field; copy what matters into the article's text by hand, or ignore it",
        "content/articles/first-session.md:19: the link https://notes.harborlight-counseling.com/about/ leads to "
        "the old site, and nothing imported has that address; change it to the new address of that page, or "
        "remove the link",
        "content/articles/grief-has-no-timetable.md:1: the post's picture /media/assets/img/calm-room.png was copied "
        "but is not shown at the top: it has no description; add 'image: /media/assets/img/calm-room.png' and "
        "'image_alt:' with a short description of it",
        "content/articles/grief-has-no-timetable.md:26: the Liquid tag '{% include newsletter-signup.html %}' was "
        "kept as text: only Jekyll understood it; replace it with what it showed on the old site, or delete it",
    ]
    source = (site / "content/articles/grief-has-no-timetable.md").read_text()
    assert "layout" not in source and "comments" not in source and "old_entry_id" not in source
    assert "```python\nbreaths = [4, 7, 8]\n```" in source
    assert "draft: true" in (site / "content/articles/notes-on-sleep.md").read_text()  # from _drafts/
    out = built(run, site, "{% include newsletter-signup.html %}")
    grief = page(out, "articles/grief-has-no-timetable/index.html")
    assert '<time datetime="2024-03-05T09:30:00-08:00">March 5, 2024</time>' in grief
    assert '<a href="/therapists/maya-lopez/">Maya Lopez, LMFT</a>' in grief  # the blog's author in _config.yml
    assert shows(grief, "/media/assets/img/calm-room.png", "A calm room with two chairs")
    assert shows(grief, "/media/127.0.0.1/pictures/waiting-room.png", "The waiting room")
    assert '<a href="/articles/first-session/">what to expect in a first session</a>' in grief  # post_url
    first = page(out, "articles/first-session/index.html")
    assert '<a href="/authors/jordan-avery/">Jordan Avery</a>' in first
    for topic in ("first-steps", "grief", "self-care"):  # categories and tags, a string of words
        assert f'href="/topics/{topic}/"' in first
    assert '<a href="https://www.youtube.com/watch?v=aqz-KE-bpKQ">Watch the video on YouTube</a>' in first
    assert '<a href="/articles/grief-has-no-timetable/#small-steps">grief</a>' in first
    assert '<meta name="description" content="What happens when you first meet a therapist.">' in first
    assert redirects_to(page(out, "posts/grief-has-no-timetable.html")) == "/articles/grief-has-no-timetable/"
    assert redirects_to(page(out, "first-visit/index.html")) == "/articles/first-session/"  # redirect_from
    assert page(out, "_redirects") == ("/posts/first-session.html /articles/first-session/ 301\n"
                                       "/first-visit/ /articles/first-session/ 301\n"
                                       "/posts/grief-has-no-timetable.html /articles/grief-has-no-timetable/ 301\n")


def test_a_hugo_site_maps_front_matter_in_toml_and_yaml_and_its_shortcodes(run, old, site, remote):
    result, folder = imported(run, "hugo", old, site, "--fetch-images")
    assert result.err.splitlines() == [
        "3 things could not be carried over as they were; look at each:",
        f"{folder.as_posix()}/content/posts/grief-has-no-timetable/index.md:9: featured: not carried over: the site "
        "has no such field; copy what matters into the article's text by hand, or ignore it",
        "content/articles/grief-has-no-timetable.md:29: the shortcode '{{< newsletter-form >}}' was kept as "
        "text: only Hugo understood it; replace it with what it showed on the old site, or delete it",
        "content/pages/about.md:1: the page was at /blog/about/ and is now at /about/; change links to the old "
        "address; the host's redirect settings can send visitors on",
    ]
    assert "draft: true" in (site / "content/articles/sleep.md").read_text()
    out = built(run, site, "{{< newsletter-form >}}")
    grief = page(out, "articles/grief-has-no-timetable/index.html")  # a page bundle, TOML front matter
    assert shows(grief, "/media/posts/grief-has-no-timetable/calm-room.png", "A calm room with two chairs")
    assert '<a href="https://www.youtube.com/watch?v=aqz-KE-bpKQ">Watch the video on YouTube</a>' in grief
    assert '<a href="/articles/what-to-expect/">what to expect in a first session</a>' in grief  # ref
    assert shows(grief, "/media/127.0.0.1/pictures/waiting-room.png", "The waiting room")
    assert '<a href="https://www.instagram.com/p/CxYz123/">See it on instagram.com</a>' in grief
    assert re.search(r'<figure class="article-image"><picture>.*alt="A calm room with two chairs">', grief, re.S)
    first = page(out, "articles/what-to-expect/index.html")  # slug:, description: as the summary, lastmod
    assert '<meta name="description" content="What happens when you first meet a therapist.">' in first
    assert "Updated <time datetime=\"2024-05-01T10:00:00-07:00\">May 1, 2024</time>" in first
    assert '<a href="/authors/jordan-avery/">Jordan Avery</a>' in first
    assert shows(first, "/media/images/office.png", "Our office, with a couch")  # figure, from static/
    assert '<a href="/articles/grief-has-no-timetable/">grief</a>' in first  # relref
    assert "We are a small practice by the harbor." in page(out, "about/index.html")
    assert page(out, "_redirects") == (
        "/blog/first-session-guide/ /articles/what-to-expect/ 301\n"
        "/blog/2024/03/grief-has-no-timetable/ /articles/grief-has-no-timetable/ 301\n"
        "/blog/old/grief/ /articles/grief-has-no-timetable/ 301\n")
    assert redirects_to(page(out, "blog/2024/03/grief-has-no-timetable/index.html")) == \
        "/articles/grief-has-no-timetable/"


def test_an_import_never_writes_over_a_file_and_says_what_it_left(run, old, site):
    imported(run, "jekyll", old, site)
    (site / "content/articles/first-session.md").write_text("---\ntitle: Mine now\ndate: 2026-01-01\n---\n")
    before = snapshot(site / "content")
    result, folder = imported(run, "jekyll", old, site)
    assert snapshot(site / "content") == before
    assert ("content/articles/first-session.md:1: already exists: 'What to Expect in a First Session' from "
            f"{folder.as_posix()}/_posts/2024-04-10-first-session.markdown:1 was not imported; delete or rename the "
            "file and import again to bring it in; nothing was written over") in result.err.splitlines()
    assert result.out.startswith("Imported 0 articles, 0 pages, 0 guest authors and 0 pictures and files")


def test_an_export_that_is_not_xml_is_reported_with_its_line(run, site, tmp_path):
    export = tmp_path / "export.xml"
    export.write_text('<?xml version="1.0"?>\n<rss>\n<channel>\n<item><title>x</item>\n</channel></rss>\n')
    result = run("import", "wordpress", export, "--source", site)
    assert result.code == 1
    assert result.err.splitlines()[1] == (
        f"{export.as_posix()}:4: cannot read this export: mismatched tag (column 17); export it again "
        "(WordPress: Tools > Export > All content)")
    assert not (site / "content").exists()


def test_import_misuse_exits_2_with_a_reason(run, site, tmp_path):
    result = run("import", "jekyll", tmp_path / "nowhere", "--source", site)
    assert result.code == 2
    assert result.err.strip() == (f"therapist-site: {tmp_path / 'nowhere'} was not found: give the path of the "
                                  "Jekyll site's folder to import (check its spelling, or drag the file onto the "
                                  "terminal window to type its path)")
    result = run("import", "wordpress", FIXTURES / "hugo", "--source", site)
    assert result.code == 2
    assert result.err.strip() == (f"therapist-site: {FIXTURES / 'hugo'} is a folder, not a WordPress export file "
                                  "(.xml): give the WordPress export file (.xml) to import")
    result = run("import", "hugo", FIXTURES / "wordpress.xml", "--source", site)
    assert result.err.strip() == (f"therapist-site: {FIXTURES / 'wordpress.xml'} is a file, not a Hugo site's "
                                  "folder: give the Hugo site's folder to import")
    result = run("import", "hugo", FIXTURES / "hugo", "--source", tmp_path)
    assert result.code == 2 and "has no site.yaml" in result.err


def test_an_export_that_declares_entities_is_refused_without_expanding_them(run, site, tmp_path):
    export = tmp_path / "export.xml"
    export.write_text('<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n'
                      "<rss><channel><item><title>&b;</title></item></channel></rss>\n")
    result = run("import", "wordpress", export, "--source", site)
    assert result.code == 1
    assert result.err.splitlines()[1] == (f"{export.as_posix()}: this export declares entities or a DTD, which is "
                                          "refused; export it again from WordPress, without editing the file")


def test_html_nested_too_deeply_for_markdown_is_kept_as_html_and_reported(run, site, tmp_path):
    export = tmp_path / "export.xml"
    deep = "<div>" * 3000 + "Deep thoughts." + "</div>" * 3000
    export.write_text(
        '<?xml version="1.0"?>\n<rss xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:wp="http://wordpress.org/export/1.2/"><channel>\n<item><title>Deep</title>'
        f"<content:encoded><![CDATA[{deep}]]></content:encoded><wp:post_date>2024-01-02 10:00:00</wp:post_date>"
        "<wp:post_type>post</wp:post_type><wp:status>draft</wp:status></item></channel></rss>\n")
    result = run("import", "wordpress", export, "--source", site)
    assert result.code == 0
    assert result.err.splitlines()[1] == (
        f"{export.as_posix()}:3: the post's HTML is nested too deeply to turn into Markdown: it was kept as HTML; "
        "read the article once it is built, and simplify it if it looks wrong")
    assert "Deep thoughts." in (site / "content/articles/deep.md").read_text()


def test_a_file_that_links_out_of_the_old_blog_is_never_copied(run, site, tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(_png(2))
    blog = tmp_path / "blog"
    (blog / "_posts").mkdir(parents=True)
    (blog / "assets").mkdir()
    (blog / "assets" / "photo.png").symlink_to(secret)
    (blog / "_posts" / "2024-01-02-hello.md").write_text("---\ntitle: Hello\n---\n![A photo](/assets/photo.png)\n")
    result = run("import", "jekyll", blog, "--source", site)
    assert result.code == 0
    assert not (site / "content" / "media").exists()
    assert ("content/articles/hello.md:8: the picture /assets/photo.png leads to the old site, and nothing imported "
            "has that address; copy the file into content/media/ and change the address here") in result.err


SQUARESPACE = """\
<?xml version="1.0" encoding="UTF-8"?>
<rss xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:wp="http://wordpress.org/export/1.2/" version="2.0">
<channel>
<title>Harbor Light</title><link>https://www.harborlight-counseling.com</link>
<wp:base_site_url>https://www.harborlight-counseling.com</wp:base_site_url>
<item>
<title>Why we sit by the window</title>
<link>/blog/why-we-sit-by-the-window</link>
<dc:creator>Maya Lopez</dc:creator>
<content:encoded><![CDATA[<p>Light helps.</p>
<p><img src="https://images.squarespace-cdn.com/content/v1/abc/window.png" alt="A window"></p>]]></content:encoded>
<excerpt:encoded><![CDATA[<p>Why the light matters.</p>]]></excerpt:encoded>
<wp:post_date>2024-02-01 10:00:00</wp:post_date>
<wp:post_name>blog/why-we-sit-by-the-window</wp:post_name>
<wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type>
<category domain="category"><![CDATA[Light]]></category>
</item>
</channel>
</rss>
"""


def test_a_squarespace_export_keeps_its_relative_addresses_and_lists_its_pictures(run, site, tmp_path):
    export = tmp_path / "Squarespace-Wordpress-Export.xml"
    export.write_text(SQUARESPACE)
    result = run("import", "wordpress", export, "--source", site)
    assert result.code == 0
    text = (site / "content/articles/why-we-sit-by-the-window.md").read_text()
    assert "author: maya-lopez\n" in text and "aliases:\n- /blog/why-we-sit-by-the-window\n" in text
    assert "summary: Why the light matters.\n" in text
    assert ("content/articles/why-we-sit-by-the-window.md:14: the picture https://images.squarespace-cdn.com/content"
            "/v1/abc/window.png is on another website, which pages never load from; save it into content/media/ and "
            "change the address here, or import again with --fetch-images") in result.err.splitlines()


@pytest.mark.parametrize("style, address", [
    ("date", "/grief/2024/03/05/on-grief.html"), ("pretty", "/grief/2024/03/05/on-grief/"),
    ("none", "/grief/on-grief.html"), ("/blog/:year/:title/", "/blog/2024/on-grief/"),
])
def test_jekyll_permalink_styles_give_the_old_address(style, address):
    from generator.importers.jekyll import _address

    assert _address(style, ["Grief"], "2024-03-05 09:30:00", "on-grief", "On Grief", Path("x.md"), {}) == address


def test_pictures_the_build_would_refuse_are_listed_not_copied(run, site, tmp_path, remote):
    blog = tmp_path / "blog"
    (blog / "_posts").mkdir(parents=True)
    (blog / "assets").mkdir()
    (blog / "assets" / "scan.tiff").write_bytes(b"II*\x00")
    (blog / "_posts" / "2024-01-02-hello.md").write_text(
        f"---\ntitle: Hello\n---\n![A scan](/assets/scan.tiff)\n\n![A gallery]({remote}/pictures/gallery.html)\n\n"
        f"![A badge]({remote}/pictures/badge.svg)\n")
    result = run("import", "jekyll", blog, "--source", site, "--fetch-images")
    assert result.code == 0
    assert not (site / "content" / "media").exists()
    assert result.err.splitlines()[1:] == [
        "content/articles/hello.md:8: the picture /assets/scan.tiff is a .tiff file, which the site does not "
        "publish; convert it to .jpg, .png or .webp, put it in content/media/ and change the address here",
        f"content/articles/hello.md:10: the picture {remote}/pictures/gallery.html was not downloaded: the address "
        "gave text/html, not a picture the site publishes (.jpg, .png, .webp, .gif, .svg); save it into "
        "content/media/ and change the address here",
        f"content/articles/hello.md:12: the picture {remote}/pictures/badge.svg was not downloaded: the SVG picture "
        "contains a script, which a web page must not run or load; save it into content/media/ and change the "
        "address here",
    ]


def test_importing_into_the_folder_one_is_in_says_this_folder(run, site, monkeypatch):
    monkeypatch.chdir(site)
    result = run("import", "hugo", FIXTURES / "hugo", "--source", ".")
    assert result.code == 0, result.err
    assert result.out.splitlines()[0].endswith(" into this folder.")


def test_front_matter_is_read_as_the_build_reads_it_and_a_hugo_sites_author_signs_its_posts(run, site, tmp_path):
    """YAML 1.1 reads an unquoted 007 as the number 7 (octal): the title would become "7". And Hugo themes name
    the site's one author in hugo.toml's [params], which the posts then leave out."""
    jekyll = tmp_path / "jekyll"
    (jekyll / "_posts").mkdir(parents=True)
    (jekyll / "_config.yml").write_text("title: Old Blog\n")
    (jekyll / "_posts" / "2023-07-04-007.md").write_text(
        "---\ntitle: 007\ndate: 2023-07-04 09:30:00 -0700\ntags: [010, anxiety]\nauthor: Maya Lopez\n---\nHi.\n")
    for day, title in (("05", "Yes"), ("06", "No  # a comment"), ("07", "3.10"), ("08", "2024")):
        (jekyll / "_posts" / f"2023-07-{day}-p{day}.md").write_text(f"---\ntitle: {title}\n---\nHi.\n")
    assert run("import", "jekyll", jekyll, "--source", site).code == 0
    titles = [(site / "content" / "articles" / f"p{day}.md").read_text().split("\n")[1] for day in "05 06 07 08".split()]
    assert titles == ["title: 'Yes'", "title: 'No'", "title: '3.10'", "title: '2024'"]
    article = (site / "content" / "articles" / "007.md").read_text()
    assert "title: '007'\n" in article or 'title: "007"\n' in article, article
    assert "date: 2023-07-04 09:30:00-07:00\n" in article.replace("'", "").replace('"', ""), article
    assert "'010'" in article or '"010"' in article, article
    hugo = tmp_path / "hugo"
    (hugo / "content" / "posts").mkdir(parents=True)
    (hugo / "hugo.toml").write_text('baseURL = "https://old.example.org/"\n[params]\n  author = "Maya Lopez"\n')
    (hugo / "content" / "posts" / "rest.md").write_text("---\ntitle: Rest\ndate: 2024-01-02\n---\nSleep.\n")
    (hugo / "content" / "posts" / "guest.md").write_text(
        "---\ntitle: Guest\ndate: 2024-01-03\nauthor: Jordan Avery\n---\nHello.\n")
    assert run("import", "hugo", hugo, "--source", site).code == 0
    assert "author: maya-lopez\n" in (site / "content" / "articles" / "rest.md").read_text()
    assert "author: jordan-avery\n" in (site / "content" / "articles" / "guest.md").read_text()
    assert run("build", "--source", site).code == 0
    assert "<h1>007</h1>" in page(site / "public", "articles/007/index.html")


def test_dates_with_an_offset_come_in_as_the_same_moment_in_the_sites_time_zone(run, old, make_site):
    """WordPress gives each post's time in UTC: a post of 8 pm in California was shown on the next day."""
    site = make_site({"site.yaml": SITE + "timezone: America/Los_Angeles\n", "therapists/maya-lopez.yaml": MAYA,
                      "therapists/maya-lopez.png": _png(1)}, name="zoned")
    imported(run, "wordpress", old, site)
    grief = (site / "content" / "articles" / "grief-has-no-timetable.md").read_text()
    assert "date: '2024-03-05 09:30:00-08:00'\n" in grief  # 17:30 UTC, as the export gives it
    assert run("build", "--source", site).code == 0
    assert '<time datetime="2024-03-05T09:30:00-08:00">March 5, 2024</time>' in page(
        site / "public", "articles/grief-has-no-timetable/index.html")


def test_a_tag_joins_the_sites_topic_of_the_same_name_as_the_site_writes_it(run, site, tmp_path):
    (site / "content" / "articles").mkdir(parents=True, exist_ok=True)
    (site / "content" / "articles" / "calm.md").write_text(
        "---\ntitle: Calm\ndate: 2025-01-01\ntopics: [Anxiety]\n---\nCalm.\n")
    jekyll = tmp_path / "jekyll"
    (jekyll / "_posts").mkdir(parents=True)
    (jekyll / "_posts" / "2023-07-04-breathe.md").write_text(
        "---\ntitle: Breathe\ncategories: [anxiety, self care]\ntags: [Self Care, grief]\n---\nIn, out.\n")
    (jekyll / "_posts" / "2023-07-05-rest.md").write_text("---\ntitle: Rest\ntags: [GRIEF]\n---\nRest.\n")
    assert run("import", "jekyll", jekyll, "--source", site).code == 0
    assert "topics:\n- Anxiety\n- self care\n- grief\n" in (site / "content/articles/breathe.md").read_text()
    assert "topics:\n- grief\n" in (site / "content/articles/rest.md").read_text()  # the import's first spelling


def test_a_wordpress_caption_comes_in_italics_under_its_picture_as_a_hugo_figures_does():
    from generator.importers.html import to_markdown
    markdown, _ = to_markdown('<figure class="wp-block-image"><img src="/a.png" alt="A candle"><figcaption>A candle '
                              "for\n remembering</figcaption></figure><p>Next.</p>", "export.xml", 1)
    assert markdown == "![A candle](/a.png)\n\n*A candle for remembering*\n\nNext.\n"


def test_a_jekyll_file_in_posts_without_any_date_is_left_out_with_the_reason(run, site, tmp_path):
    blog = tmp_path / "blog"
    (blog / "_posts").mkdir(parents=True)
    (blog / "_posts" / "2024-01-02-real.md").write_text("---\ntitle: Real\n---\nA post.\n")
    (blog / "_posts" / "notes.md").write_text("---\ntitle: Notes\n---\nNot a post to Jekyll: no date anywhere.\n")
    result = run("import", "jekyll", blog, "--source", site)
    assert result.code == 0, result.err
    assert f"{blog.as_posix()}/_posts/notes.md:1: date: none: Jekyll takes a post's date from its file name " \
           "(2019-05-01-title.md) or a 'date:' line, and this file has neither, so it was not imported; add a line " \
           "'date: 2019-05-01' at the top, or rename the file, then import again" in result.err.splitlines()
    assert (site / "content/articles/real.md").is_file() and not (site / "content/articles/notes.md").exists()


def test_a_jekyll_picture_written_with_relative_url_is_copied_and_shown(run, site, tmp_path):
    """Jekyll's own docs write every picture as {{ "/assets/..." | relative_url }}."""
    blog = tmp_path / "blog"
    (blog / "_posts").mkdir(parents=True)
    (blog / "assets").mkdir()
    (blog / "assets" / "calm.png").write_bytes(_png(3))
    (blog / "_posts" / "2024-01-02-calm.md").write_text(
        '---\ntitle: Calm\n---\n![A calm room]({{ "/assets/calm.png" | relative_url }}) and '
        "[the page]({{ '/about/' | absolute_url }}).\n")
    result = run("import", "jekyll", blog, "--source", site)
    assert result.code == 0, result.err
    assert "Liquid" not in result.err and "1 picture or file" in result.out
    text = (site / "content/articles/calm.md").read_text()
    assert "![A calm room](/media/assets/calm.png) and [the page](/about/)." in text
    assert (site / "content/media/assets/calm.png").read_bytes() == _png(3)


def test_a_picture_named_as_another_kind_is_copied_under_its_true_name(run, site, tmp_path):
    """Blogs serve a JPEG saved as office.png without a word; a build refuses it (images.dimensions). The import
    names it office.jpg, and the article shows it under that name."""
    from io import BytesIO

    from PIL import Image

    jpeg = BytesIO()
    Image.new("RGB", (4, 3), "teal").save(jpeg, "JPEG")
    blog = tmp_path / "hugo"
    (blog / "static" / "img").mkdir(parents=True)
    (blog / "static" / "img" / "office.png").write_bytes(jpeg.getvalue())
    (blog / "content" / "posts").mkdir(parents=True)
    (blog / "hugo.toml").write_text('title = "Old"\n')
    (blog / "content" / "posts" / "office.md").write_text(
        '---\ntitle: Our office\ndate: 2024-01-02\nsummary: The room.\n---\n![The office](/img/office.png)\n')
    result = run("import", "hugo", blog, "--source", site)
    assert result.code == 0, result.err
    assert "![The office](/media/img/office.jpg)" in (site / "content/articles/office.md").read_text()
    assert (site / "content/media/img/office.jpg").read_bytes() == jpeg.getvalue()
    out = built(run, site)  # which refused the picture named office.png
    assert re.search(r'<img src="/media/img/office[^"]*\.jpg"[^>]* alt="The office">',
                     page(out, "articles/office/index.html"))
