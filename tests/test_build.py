"""End to end: what a build publishes, what it leaves out, and where it refuses to write."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, snapshot

POSTS = {
    "content/articles/live.md": "---\ntitle: Live post\ndate: 2026-01-10\ntopics: [Anxiety]\n---\nVisible.\n",
    "content/articles/draft.md": "---\ntitle: Draft post\ndate: 2026-01-11\ndraft: true\ntopics: [Hidden Draft Topic]\n---\nx\n",
    "content/articles/future.md": "---\ntitle: Future post\ndate: 2099-01-01\n---\nLater.\n",
    "content/pages/secret.md": "---\ntitle: Unfinished page\ndraft: true\n---\nx\n",
}


def all_text(folder: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in sorted(folder.rglob("*")) if p.is_file())


def test_drafts_and_future_articles_are_left_out_of_every_page_feed_and_sitemap(make_site, run, tmp_path):
    out = tmp_path / "out"
    assert run("build", "--source", make_site(POSTS), "--output", out).code == 0
    text = all_text(out)
    assert "Live post" in text
    for hidden in ("Draft post", "Future post", "Unfinished page", "hidden-draft-topic", "/articles/draft/"):
        assert hidden not in text
    assert not (out / "articles" / "draft").exists() and not (out / "secret").exists()


def test_drafts_flag_includes_drafts_and_future_articles(make_site, run, tmp_path):
    out = tmp_path / "out"
    assert run("build", "--source", make_site(POSTS), "--output", out, "--drafts").code == 0
    assert (out / "articles" / "draft" / "index.html").exists()
    assert (out / "articles" / "future" / "index.html").exists()
    assert "Draft: not published" in (out / "articles" / "draft" / "index.html").read_text()


def test_articles_are_paginated_newest_first(make_site, run, tmp_path):
    files = {f"content/articles/post-{n}.md": f"---\ntitle: Post {n}\ndate: 2026-01-{n:02d}\n---\nx\n"
             for n in range(1, 6)}
    files["site.yaml"] = "title: T\nbase_url: https://t.example.org/\narticles_per_page: 2\n"
    out = tmp_path / "out"
    assert run("build", "--source", make_site(files), "--output", out).code == 0
    titles = lambda path: re.findall(r'<a href="/articles/post-\d/">(Post \d)</a>', path.read_text())
    assert titles(out / "articles" / "index.html") == ["Post 5", "Post 4"]
    assert titles(out / "articles" / "page" / "2" / "index.html") == ["Post 3", "Post 2"]
    assert titles(out / "articles" / "page" / "3" / "index.html") == ["Post 1"]
    assert not (out / "articles" / "page" / "4").exists()
    assert 'rel="next" href="/articles/page/2/"' in (out / "articles" / "index.html").read_text()


def test_example_site_essay_shows_epigraph_body_references_and_topic_links(run, tmp_path):
    out = tmp_path / "out"
    result = run("build", "--source", REPO, "--output", out, "--no-cache")
    assert result.code == 0, result.err
    html = (out / "articles" / "therapists-as-wizards" / "index.html").read_text()
    epigraph = re.search(r'<div class="prose">\s*<blockquote>(.*?)</blockquote>', html, re.S).group(1)
    assert "How can I provide a relationship" in epigraph and "Carl Rogers" in epigraph
    assert "Wizards" in re.search(r"<h1>(.*?)</h1>", html).group(1)
    assert '<h2 id="references">References</h2>' in html
    assert "Asay" in html and "Duncan" in html and "30 %" in html
    for topic in re.findall(r'<a href="(/topics/[a-z-]+/)">', html):
        assert (out / topic.strip("/") / "index.html").exists()
    assert '<a href="/topics/trauma/">Trauma</a>' in html
    assert "988" in html


def test_every_page_has_crisis_line_canonical_csp_and_feed_link(run, tmp_path):
    out = tmp_path / "out"
    assert run("build", "--source", REPO, "--output", out, "--no-cache").code == 0
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        html = page.read_text()
        assert 'href="tel:988"' in html and 'href="sms:988"' in html, page  # a call, or a text for who cannot talk
        assert '<meta http-equiv="Content-Security-Policy" content="default-src \'self\'' in html, page
        assert '<link rel="canonical" href="https://harborlight.example.org/' in html, page
        assert 'type="application/rss+xml"' in html, page
        assert not re.search(r'(src|href)="(https?:)?//(?!harborlight)[^"]*\.(css|js|woff2?)"', html), page


def test_two_builds_with_the_same_epoch_are_byte_identical(run, tmp_path):
    assert run("build", "--source", REPO, "--output", tmp_path / "a", "--no-cache").code == 0
    assert run("build", "--source", REPO, "--output", tmp_path / "b", "--no-cache").code == 0
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")


def test_a_rebuild_replaces_the_old_site_whole(make_site, run, tmp_path):
    source = make_site(POSTS)
    out = tmp_path / "out"
    run("build", "--source", source, "--output", out)
    (source / "content" / "articles" / "live.md").unlink()
    assert run("build", "--source", source, "--output", out).code == 0
    assert not (out / "articles" / "live").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("where", [".", "content", "content/articles", "therapists", "layouts"])
def test_output_inside_or_equal_to_the_sources_is_refused_with_exit_2(make_site, run, where):
    source = make_site(POSTS)
    before = snapshot(source)
    result = run("build", "--source", source, "--output", source / where)
    assert result.code == 2
    assert "refusing to build into" in result.err
    assert snapshot(source) == before


def test_output_that_contains_the_source_is_refused(make_site, run, tmp_path):
    source = make_site(POSTS)
    result = run("build", "--source", source, "--output", tmp_path)
    assert result.code == 2
    assert "it is or contains the source folder" in result.err


def test_a_folder_not_made_by_us_is_never_replaced(make_site, run, tmp_path):
    precious = tmp_path / "documents"
    precious.mkdir()
    (precious / "taxes.txt").write_text("keep me")
    result = run("build", "--source", make_site(POSTS), "--output", precious)
    assert result.code == 2
    assert "was not made by therapist-site" in result.err
    assert (precious / "taxes.txt").read_text() == "keep me"


def test_bad_flags_exit_2_with_usage(run):
    result = run("build", "--nonsense")
    assert result.code == 2
    assert "unrecognized arguments: --nonsense" in result.err


def test_base_url_flag_overrides_site_yaml(make_site, run, tmp_path):
    out = tmp_path / "out"
    assert run("build", "--source", make_site(POSTS), "--output", out, "--base-url",
               "https://preview.example.net/clinic").code == 0
    html = (out / "index.html").read_text()
    assert '<link rel="canonical" href="https://preview.example.net/clinic/">' in html
    assert 'href="/clinic/articles/"' in html  # the site lives under /clinic/


def test_a_wrong_base_url_flag_is_the_flag_s_mistake_not_site_yaml_s(make_site, run, tmp_path):
    out = tmp_path / "out"
    done = run("build", "--source", make_site(POSTS), "--output", out, "--base-url", "ftp://x")
    assert (done.code, done.err) == (2, "therapist-site: --base-url: expected an absolute address like "
                                        "https://preview.example.org/, found 'ftp://x'\n")
    assert not out.exists()


def test_python_m_generator_runs_the_cli(make_site, tmp_path):
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-m", "generator", "build", "--source", make_site(POSTS),
                           "--output", out], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Built ")
    assert (out / "index.html").exists()


def test_an_article_saved_as_markdown_is_an_article_like_md(make_site, run, tmp_path):
    files = {"content/articles/old-post.markdown": "---\ntitle: Old post\ndate: 2026-01-10\n---\nFrom Jekyll.\n",
             "content/articles/old-post.md": "---\ntitle: Twin\ndate: 2026-01-10\n---\nx\n"}
    out = tmp_path / "out"
    result = run("build", "--source", make_site(files), "--output", out)
    assert result.code == 1  # one address, two files: both named
    assert "content/articles/old-post.markdown: the address /articles/old-post/ is also claimed by " \
           "content/articles/old-post.md" in result.err
    del files["content/articles/old-post.md"]
    assert run("build", "--source", make_site(files, name="one"), "--output", out).code == 0
    assert "From Jekyll." in (out / "articles" / "old-post" / "index.html").read_text()
    assert not (out / "articles" / "old-post.markdown").exists()


def test_the_warnings_are_looked_for_while_the_pages_are_being_made(tmp_path, monkeypatch):
    """Links and lint run in this process while the workers render: the first pages are staged already."""
    from generator import build as build_module
    from generator.options import Options
    from sitegen import generate_site

    source = generate_site(tmp_path / "site", therapists=3, articles=5, seed=8)
    staged = []
    check_links = build_module.check_links

    def noting(*args):
        staged.append(len(list(tmp_path.glob(".out.staging-*/**/index.html"))))
        return check_links(*args)

    monkeypatch.setattr(build_module, "check_links", noting)
    result = build_module.build(Options(source=source, output=tmp_path / "out", cache=False))
    assert len(staged) == 1 and staged[0] > 0 and result.files > staged[0]


def test_a_strict_build_stopped_by_warnings_stops_its_workers_before_removing_the_staging_folder(tmp_path, run,
                                                                                                 monkeypatch):
    """--strict refuses the warnings found while the render workers write pages: they stop first, so the folder
    they write into does not come back once removed."""
    from sitegen import generate_site

    source = generate_site(tmp_path / "site", therapists=20, articles=150, seed=6)  # warns: an example address
    monkeypatch.setenv("THERAPIST_SITE_JOBS", "2")
    for attempt in range(2):
        result = run("build", "--source", source, "--output", tmp_path / "out", "--strict", "--no-cache")
        assert result.code == 1 and "is an example address" in result.err
        time.sleep(0.5)  # what a worker still running would write meanwhile
        assert sorted(path.name for path in tmp_path.iterdir()) == ["site"], f"attempt {attempt}"
