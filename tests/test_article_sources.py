"""Articles as people write them: .markdown files, stray files, the description, broken links in `build`, what the
sanitizer removes, video and gist embeds, and lists typed the way other editors accept them."""
from __future__ import annotations

import pytest

from generator.markup import to_html
from sitegen import _png as png

ARTICLE = "---\ntitle: {title}\ndate: 2026-01-05\nsummary: S.\n---\n{body}"


def build(make_site, run, tmp_path, files, *flags):
    source = make_site(files)
    result = run("build", "--source", source, "--output", tmp_path / "out", *flags)
    return result, tmp_path / "out"


@pytest.mark.parametrize("suffix", [".markdown", ".mdown", ".MD"])
def test_markdown_and_mdown_files_are_articles_not_raw_files(make_site, run, tmp_path, suffix):
    result, out = build(make_site, run, tmp_path, {f"content/articles/calm{suffix}": ARTICLE.format(
        title="Calm", body="Breathe **slowly**.\n")}, "--strict")
    assert result.code == 0, result.err
    page = (out / "articles" / "calm" / "index.html").read_text()
    assert "<p>Breathe <strong>slowly</strong>.</p>" in page and "title: Calm" not in page
    assert not (out / "articles" / f"calm{suffix}").exists()


def test_another_file_in_the_articles_folder_is_a_warning_but_its_pictures_are_not(make_site, run, tmp_path):
    result, _ = build(make_site, run, tmp_path, {"content/articles/notes.txt": "ideas\n",
                                                 "content/articles/lake.png": png(0),
                                                 "content/articles/a.md": ARTICLE.format(title="A", body="Hi.\n")})
    assert result.code == 0
    assert result.err.splitlines()[1:] == [
        "content/articles/notes.txt: is not an article (articles end in .md or .markdown), so it is published as it "
        "is, at /articles/notes.txt; to make it an article, save it as Markdown with a .md name; otherwise move it "
        "out of content/articles/"]


def test_without_a_summary_the_description_is_the_articles_first_words(make_site, run, tmp_path):
    body = "Grief moves in waves. " * 20
    text = f"---\ntitle: Waves\ndate: 2026-01-05\n---\n{body}\n"
    result, out = build(make_site, run, tmp_path, {"content/articles/waves.md": text})
    assert result.code == 0
    page = (out / "articles" / "waves" / "index.html").read_text()
    first = " ".join(body.split()[:30]) + " …"
    assert f'<meta name="description" content="{first}">' in page
    assert f'<meta property="og:description" content="{first}">' in page


def test_build_reports_broken_internal_links_as_warnings_and_strict_refuses_them(make_site, run, tmp_path):
    body = "See [fees](/fess/) and [B](/articles/b/#nope).\n"
    files = {"content/articles/a.md": ARTICLE.format(title="A", body=body),
             "content/articles/b.md": ARTICLE.format(title="B", body="## Steps\n\nText.\n"),
             "content/pages/fees.md": "---\ntitle: Fees\n---\nFees.\n"}
    result, out = build(make_site, run, tmp_path, files)
    assert result.code == 0
    assert result.err.splitlines()[1:] == [
        "content/articles/a.md:6: the link /articles/b/#nope points to a section #nope that its page does not have; "
        "sections are named after their headings: '## First steps' becomes #first-steps",
        "content/articles/a.md:6: the link /fess/ leads nowhere: there is no page or file at that address; did you "
        "mean '/fees/'?"]
    strict = run("build", "--source", tmp_path / "site", "--output", tmp_path / "strict", "--strict")
    assert strict.code == 1 and "the link /fess/ leads nowhere" in strict.err
    assert not (tmp_path / "strict").exists()
    assert not [path.name for path in tmp_path.iterdir() if path.name.startswith(".")]  # nor a staging folder


def test_what_the_sanitizer_removes_is_a_warning_with_its_line_and_what_to_do(make_site, run, tmp_path):
    body = ("Intro.\n\n<iframe src=\"https://maps.example.com/embed?q=1\"></iframe>\n\n"
            "<p style=\"color: red\">Red</p>\n\n<noscript>Turn on JavaScript</noscript>\n\n"
            "```\n<script>shown as code</script>\n```\n")
    result, out = build(make_site, run, tmp_path, {"content/articles/a.md": ARTICLE.format(title="A", body=body)})
    assert result.code == 0
    assert result.err.splitlines()[1:] == [
        "content/articles/a.md:8: the <iframe> element is removed: pages here load nothing from other websites; link "
        "to the page instead, e.g. [Open it on maps.example.com](https://maps.example.com/embed?q=1)",
        "content/articles/a.md:10: the style attribute of <p> is removed: the site's security policy blocks inline "
        "styles; delete it; for emphasis use Markdown (**bold**, *italics*), brand colours go in site.yaml",
        "content/articles/a.md:12: the <noscript> element is removed: the site works without JavaScript, so it "
        "needs no fallback; delete it"]
    page = (out / "articles" / "a" / "index.html").read_text()
    assert "Turn on JavaScript" not in page and "&lt;script&gt;shown as code&lt;/script&gt;" in page


def test_a_removal_repeated_down_a_pasted_document_is_one_warning_naming_its_lines(make_site, run, tmp_path):
    paragraphs = "".join(f'<p style="margin: 0">Paragraph {n}.</p>\n\n' for n in range(14))
    body = "Intro.\n\n" + paragraphs + '<div style="x">Once.</div>\n'
    result, _ = build(make_site, run, tmp_path, {"content/articles/a.md": ARTICLE.format(title="A", body=body)})
    assert result.code == 0
    assert result.err.splitlines()[1:] == [
        "content/articles/a.md:8: the style attribute of <p> is removed: the site's security policy blocks inline "
        "styles (also on lines 10, 12, 14, 16, 18, 20, 22, 24, 26, 28 and 3 more); delete it; for emphasis use "
        "Markdown (**bold**, *italics*), brand colours go in site.yaml",
        "content/articles/a.md:36: the style attribute of <div> is removed: the site's security policy blocks inline "
        "styles; delete it; for emphasis use Markdown (**bold**, *italics*), brand colours go in site.yaml"]


def test_video_players_and_gists_become_link_cards_that_load_nothing(make_site, run, tmp_path):
    body = ('<iframe width="560" height="315" src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" '
            'title="A breathing exercise" allowfullscreen></iframe>\n\n'
            '<iframe src="https://player.vimeo.com/video/76979871?h=8272103f6e"></iframe>\n\n'
            '<script src="https://gist.github.com/ana-lima/0123abcd.js"></script>\n')
    result, out = build(make_site, run, tmp_path, {"content/articles/a.md": ARTICLE.format(title="A", body=body)},
                        "--strict")
    assert result.code == 0, result.err
    page = (out / "articles" / "a" / "index.html").read_text()
    assert ('<p class="embed-card"><a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">Watch on YouTube: '
            'A breathing exercise</a></p>') in page
    assert '<p class="embed-card"><a href="https://vimeo.com/76979871">Watch on Vimeo</a></p>' in page
    assert ('<p class="embed-card"><a href="https://gist.github.com/ana-lima/0123abcd">View the code on GitHub</a>'
            '</p>') in page
    assert "<iframe" not in page and "<script src" not in page


@pytest.mark.parametrize("text, html", [
    ("Try this:\n- breathe\n- name five things\n",
     "<p>Try this:</p>\n<ul>\n<li>breathe</li>\n<li>name five things</li>\n</ul>"),
    ("Steps:\n1. pause\n2. breathe\n", "<p>Steps:</p>\n<ol>\n<li>pause</li>\n<li>breathe</li>\n</ol>"),
    ("- body\n  - breath\n  - muscles\n- mind\n",
     "<ul>\n<li>body<ul>\n<li>breath</li>\n<li>muscles</li>\n</ul>\n</li>\n<li>mind</li>\n</ul>"),
    ("In\n2026. was a hard year\n", "<p>In\n2026. was a hard year</p>"),  # a number at a line start: no list
    ("```\nText\n- kept\n  - as typed\n```\n", "<pre><code>Text\n- kept\n  - as typed\n</code></pre>"),
])
def test_lists_after_a_paragraph_and_nested_by_two_spaces_are_lists(text, html):
    assert to_html(text) == html


def test_a_web_address_typed_as_text_is_a_warning_and_links_code_and_references_are_not(make_site, run, tmp_path):
    body = ("See https://example.org/help, or <https://ok.org/> and [x](https://fine.org/).\n\n"
            "`https://code.org/` and [r].\n\n    https://indented.org/\n\n[r]: https://ref.org/\n")
    result, out = build(make_site, run, tmp_path, {"content/articles/a.md": ARTICLE.format(title="A", body=body)})
    assert result.code == 0
    assert result.err.splitlines()[1:] == [
        "content/articles/a.md:6: the address https://example.org/help is shown as text, not as a link, so a reader "
        "cannot tap or click it; write it as <https://example.org/help> to make it a link, or as [words that say "
        "where it leads](https://example.org/help)"]


def test_a_shortcode_of_the_old_blog_left_in_an_article_is_a_warning_and_brackets_people_write_are_not(
        make_site, run, tmp_path):
    body = ('Our room:\n\n[gallery ids="20,21"]\n\n{% include note.html %}\n\nA quote [sic] and a note [1], '
            "`{{ in code }}`.\n")
    result, out = build(make_site, run, tmp_path, {"content/articles/a.md": ARTICLE.format(title="A", body=body)})
    assert result.code == 0
    hint = "replace it with what it showed there (a picture, a link to the video), or delete it"
    assert result.err.splitlines()[1:] == [
        f"content/articles/a.md:8: '[gallery ids=\"20,21\"]' shows as text: it looks like a shortcode of the old "
        f"blog, which only that blog understood; {hint}",
        f"content/articles/a.md:10: '{{% include note.html %}}' shows as text: it looks like a shortcode of the old "
        f"blog, which only that blog understood; {hint}"]
