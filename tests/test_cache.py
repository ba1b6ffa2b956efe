"""The build cache: a rebuild redoes only what changed, and a cached build never differs from a cold one."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

import pytest

from conftest import REPO, snapshot
from sitegen import generate_site


@pytest.fixture
def site(tmp_path):
    return generate_site(tmp_path / "site", therapists=8, articles=24, seed=11)


def cold(run, source, tmp_path, name="cold"):
    out = tmp_path / name
    result = run("build", "--source", source, "--output", out, "--no-cache")
    assert result.code == 0, result.err
    return snapshot(out)


def cached(run, source, out):
    result = run("build", "--source", source, "--output", out)
    assert result.code == 0, result.err
    return result


def first_article(source):
    return sorted((source / "content" / "articles").glob("*.md"))[0]


def first_profile(source):
    return sorted((source / "therapists").glob("*.yaml"))[0]


EDITS = {
    "article body": lambda s: first_article(s).write_text(first_article(s).read_text() + "\nA new closing line.\n"),
    "article title": lambda s: first_article(s).write_text(
        first_article(s).read_text().replace("title: ", "title: Edited ", 1)),
    "layout": lambda s: (s / "layouts").mkdir(exist_ok=True) or (s / "layouts" / "footer_extra.html").write_text(
        "<p>A footer from the site's own layout</p>\n"),
    "profile shown in bylines": lambda s: first_profile(s).write_text(
        first_profile(s).read_text().replace("name: ", "name: Dr. ", 1)),
    "profile bio": lambda s: first_profile(s).write_text(
        first_profile(s).read_text().replace("bio: ", "bio: Newly updated. ", 1)),
    "site.yaml": lambda s: (s / "site.yaml").write_text(
        (s / "site.yaml").read_text().replace("title: ", "title: Renamed ", 1)),
    "topic description": lambda s: (s / "content" / "topics").mkdir(exist_ok=True) or (
        s / "content" / "topics" / "anxiety.md").write_text("---\ntitle: Anxiety\n---\nWhat anxiety feels like.\n"),
    "deleted article": lambda s: first_article(s).unlink(),
    "renamed therapist": lambda s: _rename_therapist(s),
    "added content file": lambda s: (s / "content" / "handout.txt").write_text("A handout.\n"),
}


def _rename_therapist(source):
    profile = first_profile(source)
    old, new = profile.stem, "renamed-" + profile.stem
    profile.rename(profile.with_name(new + ".yaml"))
    for article in (source / "content" / "articles").glob("*.md"):
        article.write_text(article.read_text().replace(f"author: {old}\n", f"author: {new}\n")
                           .replace(f"- {old}\n", f"- {new}\n").replace(f"[{old}", f"[{new}")
                           .replace(f", {old}]", f", {new}]"))


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_a_cached_rebuild_after_an_edit_equals_a_cold_build(edit, site, run, tmp_path):
    out = tmp_path / "out"
    cached(run, site, out)
    EDITS[edit](site)
    cached(run, site, out)
    assert snapshot(out) == cold(run, site, tmp_path)


def test_a_rebuild_with_nothing_changed_does_nothing_and_says_so(site, run, tmp_path):
    out = tmp_path / "out"
    cached(run, site, out)
    before = {p: (out / p).stat().st_mtime_ns for p in snapshot(out)}
    result = cached(run, site, out)
    assert result.out.startswith(f"Nothing changed since the last build: {out} is up to date")
    assert {p: (out / p).stat().st_mtime_ns for p in snapshot(out)} == before


def test_editing_one_article_body_rewrites_only_the_files_whose_bytes_change(site, run, tmp_path):
    out = tmp_path / "out"
    cached(run, site, out)
    before = snapshot(out)
    inodes = {p: (out / p).stat().st_ino for p in before}
    article = first_article(site)
    article.write_text(article.read_text() + "\nOne more sentence.\n")
    cached(run, site, out)
    after = snapshot(out)
    rewritten = {p for p in after if p in inodes and (out / p).stat().st_ino != inodes[p]} - {".therapist-site"}
    # New files (the search index names its files by their content) are new, not rewritten.
    assert rewritten == {p for p in after if p in before and before[p] != after[p]}
    assert f"articles/{article.stem}/index.html" in rewritten and len(rewritten) < 10, rewritten
    assert after == cold(run, site, tmp_path)


def test_no_cache_neither_reads_nor_writes_the_cache(site, run, tmp_path):
    out = tmp_path / "out"
    assert run("build", "--source", site, "--output", out, "--no-cache").code == 0
    assert not (site / ".cache").exists()
    cached(run, site, out)
    assert (site / ".cache" / "build" / "markdown.pickle").exists()
    (site / ".cache" / "build" / "markdown.pickle").write_bytes(b"garbage from another version")
    first_article(site).write_text(first_article(site).read_text() + "\nMore.\n")
    cached(run, site, out)  # a broken cache is a cold start, never an error
    assert snapshot(out) == cold(run, site, tmp_path)


def test_an_output_changed_by_hand_is_rebuilt_not_trusted(site, run, tmp_path):
    out = tmp_path / "out"
    cached(run, site, out)
    shutil.rmtree(out)
    out.mkdir()
    result = cached(run, site, out)
    assert result.out.startswith("Built ")
    assert snapshot(out) == cold(run, site, tmp_path)


def test_a_future_article_appears_when_its_date_arrives_even_with_nothing_edited(site, run, tmp_path, monkeypatch):
    out = tmp_path / "out"
    (site / "content" / "articles" / "later.md").write_text("---\ntitle: Later\ndate: 2027-06-01\n---\nSoon.\n")
    cached(run, site, out)
    assert not (out / "articles" / "later").exists()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1812000000")  # 2027-06-03
    cached(run, site, out)
    assert (out / "articles" / "later" / "index.html").exists()


def test_one_core_and_many_give_byte_identical_output(site, run, tmp_path, monkeypatch):
    big = generate_site(tmp_path / "big", therapists=30, articles=120, seed=4)  # enough for the process pool
    monkeypatch.setenv("THERAPIST_SITE_JOBS", "1")
    one = cold(run, big, tmp_path, "one")
    monkeypatch.setenv("THERAPIST_SITE_JOBS", "2")
    assert cold(run, big, tmp_path, "two") == one


MISTAKES = {
    "a colon inside a value": (lambda text: text.replace("title: ", "title: Grief: what helps, ", 1),
                               "cannot read this file"),  # unreadable: no document
    "a field given twice": (lambda text: text.replace("title: ", "title: Twice\ntitle: ", 1),
                            "appears twice"),  # read, with a problem
}


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_a_source_with_a_mistake_is_reported_on_every_build_until_it_is_fixed(mistake, site, run, tmp_path):
    out = tmp_path / "out"
    cached(run, site, out)  # the parse cache now holds every source
    before = snapshot(out)
    article = first_article(site)
    good = article.read_text()
    spoil, message = MISTAKES[mistake]
    article.write_text(spoil(good))
    reports = []
    for _ in range(3):  # the parse cache must not keep the file: each build reads it again and says why it fails
        result = run("build", "--source", site, "--output", out)
        assert result.code == 1 and message in result.err, result.err
        reports.append(result.err)
    assert reports[0] == reports[1] == reports[2] and f"content/articles/{article.name}:" in reports[0]
    assert snapshot(out) == before
    article.write_text(good + "\nFixed.\n")
    cached(run, site, out)
    assert snapshot(out) == cold(run, site, tmp_path)


def test_a_copied_source_with_the_same_bytes_is_a_document_of_its_own(site, run, tmp_path):
    out = tmp_path / "out"
    cached(run, site, out)
    article = first_article(site)
    shutil.copyfile(article, article.with_name("copy-" + article.name))  # cached by its bytes, found by its path
    cached(run, site, out)
    assert (out / "articles" / ("copy-" + article.stem) / "index.html").is_file()
    assert (out / "articles" / article.stem / "index.html").is_file()
    assert snapshot(out) == cold(run, site, tmp_path)


def subprocess_build(source, out, hash_seed: str) -> None:
    """Build in a Python of its own, with its own string hashing, as two runs of `therapist-site build` are."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONHASHSEED": hash_seed}
    assert env["SOURCE_DATE_EPOCH"]  # set for every test by conftest's fixed_now
    done = subprocess.run([sys.executable, "-m", "generator", "build", "--source", str(source), "--output", str(out),
                           "--quiet"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def output_keys(source) -> dict[str, str]:
    [manifest] = (source / ".cache" / "build" / "outputs").glob("*.json")
    return json.loads(manifest.read_text())["pages"]


def test_outputs_are_reused_across_runs_whatever_python_hashes_strings_with(site, tmp_path):
    out = tmp_path / "out"
    subprocess_build(site, out, "1")
    first = output_keys(site)
    article = first_article(site)
    article.write_text(article.read_text() + "\nOne more sentence.\n")  # a long text: the light digest stays
    subprocess_build(site, out, "2")
    second = output_keys(site)
    assert first.keys() == second.keys()
    changed = {path for path in first if first[path] != second[path]}
    # The article's page, and the feeds that carry its text (the site's, its topics', its authors'). The list,
    # topic, author and subscribe pages show its title and reading time, not its text: their keys stay.
    assert {path for path in changed if path.endswith(".html")} == {f"articles/{article.stem}/index.html"}
    assert all(path.endswith((".xml", ".json")) for path in changed - {f"articles/{article.stem}/index.html"})
    assert len(changed) <= 12, f"{len(changed)} of {len(first)} outputs made again: {sorted(changed)}"


def test_the_replaced_site_is_kept_for_the_next_build_and_a_spare_unused_for_a_week_is_removed(site, run, tmp_path):
    spares = site / ".cache" / "build" / "spare"
    out = tmp_path / "out"
    cached(run, site, out)
    assert not spares.exists() or list(spares.iterdir()) == []  # nothing was replaced yet
    first_article(site).write_text(first_article(site).read_text() + "\nOne more line.\n")
    cached(run, site, out)
    [kept] = list(spares.iterdir())  # the first build's site, for the next build to stage in
    assert (kept / "index.html").is_file()
    other, old = spares / "another-output", spares / "an-output-built-long-ago"
    for folder, days in ((other, 6), (old, 8)):
        (folder / "a").mkdir(parents=True)
        moment = time.time() - days * 24 * 3600
        os.utime(folder, (moment, moment))
    first_article(site).write_text(first_article(site).read_text() + "\nAnd another.\n")
    cached(run, site, out)
    assert sorted(p.name for p in spares.iterdir()) == sorted([kept.name, other.name])
    assert snapshot(out) == cold(run, site, tmp_path)


def test_a_page_whose_context_was_chosen_by_a_long_text_is_keyed_on_that_choice(site, run, tmp_path, monkeypatch):
    """A page's context is made from the site's light data, which every key covers, so it is not keyed again page
    by page; should a route pick its context by a long text, the context is keyed after all (render.plan notes
    what planning read). Here the home page shows the article whose text says "Chosen", found by its HTML."""
    import dataclasses

    from generator import routes

    def chosen(site_model, _):
        picked = [a for a in site_model.articles if "Chosen" in a.html] or list(site_model.articles)
        return {"articles": picked[:1], "therapists": []}

    home = dataclasses.replace(routes.BY_NAME["home"], context=chosen)
    monkeypatch.setattr(routes, "ROUTES", tuple(home if r.name == "home" else r for r in routes.ROUTES))
    out = tmp_path / "out"
    cached(run, site, out)
    articles = sorted((site / "content" / "articles").glob("*.md"))
    last = articles[-1]
    text = last.read_text()
    body = text.split("---", 2)[2]
    word = next(w for w in body.split() if w.isalpha() and len(w) > 3)
    last.write_text(text[: len(text) - len(body)] + body.replace(word, "Chosen", 1))  # same number of words
    title = next(line for line in text.splitlines() if line.startswith("title: "))[len("title: "):].strip("'\"")
    assert title not in (out / "index.html").read_text()
    cached(run, site, out)
    assert title in (out / "index.html").read_text()
    assert snapshot(out) == cold(run, site, tmp_path)


def test_a_page_is_made_again_when_a_long_text_it_read_changes_even_one_it_was_not_handed(site, run, tmp_path,
                                                                                          monkeypatch):
    """A page's key covers the long texts it read while it rendered (models.reading), wherever it found them: here
    the built-in list of articles is changed to show the oldest article's text, which its context does not hold."""
    from generator import render
    from generator.build import Options, load_site

    theme = tmp_path / "theme"
    shutil.copytree(render.THEME, theme)
    listing = theme / "articles.html"
    listing.write_text(listing.read_text().replace(
        "{% block main %}", "{% block main %}<div id=oldest>{{ site.articles[-1].html | safe }}</div>", 1))
    monkeypatch.setattr(render, "THEME", theme)
    out = tmp_path / "out"
    cached(run, site, out)
    assert "<div id=oldest>" in (out / "articles" / "index.html").read_text()
    articles = sorted((site / "content" / "articles").glob("*.md"))
    oldest = site / load_site(Options(source=site, output=out)).articles[-1].source
    listing_inode = (out / "articles" / "index.html").stat().st_ino

    other = next(f for f in articles if f != oldest)
    other.write_text(other.read_text() + "\nA line the list does not show.\n")
    cached(run, site, out)
    assert (out / "articles" / "index.html").stat().st_ino == listing_inode  # not made again: it read no such text

    oldest.write_text(oldest.read_text() + "\nA line the list shows.\n")
    cached(run, site, out)
    assert "A line the list shows." in (out / "articles" / "index.html").read_text()
    assert snapshot(out) == cold(run, site, tmp_path)



def test_editing_a_draft_or_a_scheduled_article_makes_no_page_again(site, run, tmp_path):
    """Neither is published: the site's data that every key covers names them (for messages), not their text."""
    out = tmp_path / "out"
    draft = site / "content" / "articles" / "work-in-progress.md"
    later = site / "content" / "articles" / "next-year.md"
    draft.write_text("---\ntitle: Work in progress\ndate: 2026-01-01\ndraft: true\n---\nNot yet.\n")
    later.write_text("---\ntitle: Next year\ndate: 2030-01-01\n---\nLater.\n")
    cached(run, site, out)
    first = output_keys(site)
    draft.write_text(draft.read_text().replace("Work in progress", "Still in progress"))
    later.write_text(later.read_text().replace("Next year", "The year after"))
    cached(run, site, out)
    assert {path for path, key in output_keys(site).items() if first.get(path) != key} == set()
    assert snapshot(out) == cold(run, site, tmp_path)
