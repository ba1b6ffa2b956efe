"""serve's quick preview: after a save, the edited article's page alone is rendered at once from the last good
site, before the full rebuild. It must show exactly what the full rebuild will, step aside for anything but a
body edit, and never leave the cache believing an old page is current.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.preview import Preview
from generator.serve import CACHE
from test_serve import options, save

PROFILE = 'name: "Ana Lima"\nlanguages: [English, Portuguese]\nbio: Ana works with adults after trauma.\n'
HELLO = "---\ntitle: Hello\ndate: 2026-01-01\nauthor: ana-lima\ntopics: [Grief]\nsummary: Hi.\n---\nThe first version.\n"
OTHER = "---\ntitle: Other\ndate: 2026-01-02\nauthor: ana-lima\ntopics: [Grief]\nsummary: Yo.\n---\nAnother text.\n"
SITE = {"therapists/ana-lima.yaml": PROFILE, "content/articles/hello.md": HELLO, "content/articles/other.md": OTHER}


@pytest.fixture
def preview(make_site, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1793000000")
    source = make_site(SITE)
    lines: list[str] = []
    shown = Preview(options(source), lines.append)
    assert shown.rebuild() == ()
    shown.lines = lines
    return shown


def page(preview: Preview, slug: str) -> bytes:
    return (preview.root / "articles" / slug / "index.html").read_bytes()


def edit(preview: Preview, name: str, text: str) -> None:
    save(preview.options.source / "content/articles" / name, text)


def test_a_body_edit_is_shown_alone_at_once_and_equals_what_the_full_rebuild_makes(preview):
    other_before, home_before = page(preview, "other"), (preview.root / "index.html").read_bytes()
    edit(preview, "hello.md", HELLO.replace("The first version.", "The second version, *longer*."))
    assert preview.show_quickly()
    quick = page(preview, "hello")
    assert b"The second version, <em>longer</em>." in quick and b"The first version." not in quick
    assert page(preview, "other") == other_before and (preview.root / "index.html").read_bytes() == home_before
    assert any(line.startswith("Showed /articles/hello/ in ") and line.endswith("rebuilding the rest...")
               for line in preview.lines)
    assert preview.rebuild() == ()
    assert page(preview, "hello") == quick  # the full rebuild makes the very same page


@pytest.mark.parametrize("change", [
    pytest.param(lambda text: text.replace("title: Hello", "title: Hello again"), id="the title"),
    pytest.param(lambda text: text.replace("topics: [Grief]", "topics: [Grief, Trauma]"), id="the topics"),
    pytest.param(lambda text: text.replace("date: 2026-01-01", "date: 2026-01-03"), id="the date"),
    pytest.param(lambda text: text.replace("summary: Hi.", "summary: [Hi."), id="broken front matter"),
    pytest.param(lambda text: text.replace("author: ana-lima", "author: nobody"), id="an unknown author"),
])
def test_anything_but_a_body_edit_is_left_to_the_full_rebuild(preview, change):
    before = page(preview, "hello")
    edit(preview, "hello.md", change(HELLO).replace("The first version.", "Changed too."))
    assert not preview.show_quickly()
    assert page(preview, "hello") == before


def test_nothing_is_shown_quickly_while_the_sources_have_a_problem_or_for_a_new_article(preview):
    edit(preview, "new.md", HELLO.replace("Hello", "New"))  # a new article: only the full rebuild adds it
    assert not preview.show_quickly()
    save(preview.options.source / "therapists/ana-lima.yaml", 'name: "Ana Lima"\nlanguages: [English\n')
    assert preview.rebuild() != ()
    edit(preview, "hello.md", HELLO.replace("The first version.", "Quick?"))
    assert not preview.show_quickly()  # the preview shows the problem; a quick page would hide it


def test_undoing_an_edit_shown_quickly_brings_the_old_page_back(preview, make_site):
    """The quick page is newer than the cache's record of the last build: undoing the edit before any full rebuild
    must not let the cache call the sources unchanged and keep the quick page."""
    before = page(preview, "hello")
    edit(preview, "hello.md", HELLO.replace("The first version.", "A version soon undone."))
    assert preview.show_quickly()
    edit(preview, "hello.md", HELLO)  # the very bytes the last full build read
    assert preview.rebuild() == ()
    assert page(preview, "hello") == before


def test_the_quick_page_replaces_the_file_and_never_writes_into_a_shared_one(preview):
    target = preview.root / "articles/hello/index.html"
    twin = target.with_name("twin.html")
    os.link(target, twin)  # the preview's files are hard links shared with the cache and the spare site
    shared = twin.read_bytes()
    edit(preview, "hello.md", HELLO.replace("The first version.", "A new body."))
    assert preview.show_quickly()
    assert twin.read_bytes() == shared and b"A new body." in target.read_bytes()
    assert not [p.name for p in target.parent.iterdir() if p.name.startswith(".")]  # no temporary left


def test_serve_keeps_the_preview_out_of_public(preview):
    assert preview.root == preview.options.source / CACHE
    assert not (Path(preview.options.source) / "public").exists()
