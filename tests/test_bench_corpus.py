"""The benchmark corpus (bench/corpus.py): ours builds cleanly, Pelican's and Hugo's trees are complete.

Pelican and Hugo are not run here (they live in the benchmark's own venv); their trees are checked file by file.
"""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def corpus_module():
    spec = importlib.util.spec_from_file_location("bench_corpus", REPO / "bench" / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def corpus(corpus_module, tmp_path):
    return corpus_module.generate(tmp_path / "corpus", articles=3, profiles=2, seed=5)


def front_matter(path: Path) -> dict:
    _, front, _ = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(front)


def test_our_corpus_builds_with_our_cli(corpus):
    source = corpus.roots["ours"]
    output = source.parent / "ours-public"
    done = subprocess.run([sys.executable, "-m", "generator", "build", "--source", str(source), "--output",
                           str(output)], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr  # a tiny corpus may draw warnings (topics of one article): fine
    assert "(3 articles, 2 therapists)" in done.stdout
    assert (output / "articles" / corpus.edit_slug / "index.html").is_file()
    for profile in sorted((source / "therapists").glob("*.yaml")):
        assert (output / "therapists" / profile.stem / "index.html").is_file()


def test_articles_are_about_a_thousand_words_with_every_kind_of_markup(corpus):
    for path in sorted((corpus.roots["ours"] / "content" / "articles").glob("*.md")):
        body = path.read_text(encoding="utf-8").split("---\n", 2)[2]
        assert 900 <= len(body.split()) <= 1300
        for mark in ("\n## ", "\n### ", "\n- ", "\n1. ", "\n> ", "](/therapists/", "](https://", "*"):
            assert mark in body, mark


def test_profiles_have_every_field(corpus):
    fields = {"name", "credentials", "pronouns", "title", "photo", "photo_alt", "bio", "specialties", "modalities",
              "populations", "languages", "insurance", "fees", "formats", "locations", "telehealth_states",
              "licenses", "accepting_new_clients", "contact"}
    profiles = sorted((corpus.roots["ours"] / "therapists").glob("*.yaml"))
    assert len(profiles) == 2
    for path in profiles:
        profile = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert set(profile) == fields
        assert (path.parent / profile["photo"]).is_file()


def test_pelican_tree_has_settings_articles_and_profile_pages(corpus):
    root = corpus.roots["pelican"]
    settings = (root / "pelicanconf.py").read_text(encoding="utf-8")
    compile(settings, "pelicanconf.py", "exec")
    assert "markdown.extensions.toc" in settings and "markdown.extensions.extra" in settings
    assert "THEME" not in settings  # the default theme
    articles = sorted((root / "content" / "articles").glob("*.md"))
    assert [p.name for p in articles] == sorted(p.name for p in (corpus.roots["ours"] / "content" /
                                                                 "articles").glob("*.md"))
    head = articles[0].read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert {line.split(":", 1)[0] for line in head.splitlines()} >= {"Title", "Date", "Tags", "Slug", "Authors"}
    assert len(list((root / "content" / "pages" / "therapists").glob("*.md"))) == 2
    assert len(list((root / "content" / "images" / "therapists").glob("*.png"))) == 2


def test_hugo_tree_has_config_layouts_posts_and_profiles(corpus):
    root = corpus.roots["hugo"]
    config = yaml.safe_load((root / "hugo.yaml").read_text(encoding="utf-8"))
    assert config["permalinks"]["page"]["posts"] == "/articles/:slug/"
    for layout in ("baseof.html", "home.html", "single.html", "list.html", "taxonomy.html", "term.html",
                   "therapists/single.html", "therapists/list.html", "_partials/card.html"):
        assert (root / "layouts" / layout).is_file(), layout
    posts = sorted(p for p in (root / "content" / "posts").glob("*.md") if p.name != "_index.md")
    assert len(posts) == 3
    assert {"title", "date", "slug", "authors", "topics"} <= set(front_matter(posts[0]))
    profiles = sorted(p for p in (root / "content" / "therapists").glob("*.md") if p.name != "_index.md")
    assert len(profiles) == 2
    profile = front_matter(profiles[0])
    assert {"title", "specialties", "languages", "insurance", "fees", "locations", "licenses", "contact",
            "states", "accepting"} <= set(profile)
    assert (root / "static" / "therapists" / profile["photo"]).is_file()


def test_the_same_seed_writes_the_same_bytes(corpus_module, tmp_path):
    def tree(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    first = corpus_module.generate(tmp_path / "a", articles=3, profiles=2, seed=9)
    second = corpus_module.generate(tmp_path / "b", articles=3, profiles=2, seed=9)
    assert tree(tmp_path / "a") == tree(tmp_path / "b")
    assert first.edit_slug == second.edit_slug


def test_one_article_edit_changes_the_same_article_in_every_format(corpus_module, corpus):
    for tool, path in corpus.edit_files.items():
        assert corpus.edit_slug in path.name
        corpus_module.edit_article(path, "marker-42")
        assert path.read_text(encoding="utf-8").rstrip().endswith("(marker-42).")
