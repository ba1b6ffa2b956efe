"""Search: Pagefind indexes the staged site before the swap (articles, profiles and topics, nothing unpublished), in
shards cached by their pages; the search page has the one policy exception WebAssembly needs, and every page's
header has a search form that works as a plain link to /search/.
"""
from __future__ import annotations

import gzip
import json
import os
import re
import signal
import stat
import time
from pathlib import Path

import pytest

import followed
from conftest import noted, noting, snapshot
from generator import pool, search
from generator.errors import ToolError
from generator.build import Options, build

PUBLISHED = {"/articles/on-grief/", "/articles/calm-breathing/", "/articles/after-a-loss/",
             "/articles/trauma-and-trust/", "/therapists/ana-lima/", "/therapists/ben-okafor/",
             "/therapists/cara-nguyen/", "/topics/anxiety/", "/topics/couples/", "/topics/grief-and-loss/",
             "/topics/trauma/"}


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return followed.build(followed.make(tmp_path_factory))


def fragments(bundle: Path) -> list[dict]:
    """Every page record of a Pagefind bundle and its shards (gzip, then a 12-byte signature, then JSON)."""
    records = []
    for file in sorted(bundle.rglob("*.pf_fragment")):
        data = gzip.decompress(file.read_bytes())
        assert data[:12] == b"pagefind_dcd"
        records.append(json.loads(data[12:]))
    return records


def shards_started(monkeypatch) -> list[list[str]]:
    """The pages of every shard pagefind is started on from now on, one list per shard, as they start."""
    started: list[list[str]] = []
    original = search._start

    def recording(folder, store, key, shard, **more):
        started.append([rel for rel, _ in shard])
        return original(folder, store, key, shard, **more)

    monkeypatch.setattr(search, "_start", recording)
    return started


def test_pagefind_starts_once_the_pages_are_written_while_the_outputs_after_them_are_made(tmp_path_factory,
                                                                                         monkeypatch):
    root = followed.make(tmp_path_factory, "early")
    seen = []
    original = search._start

    def recording(folder, store, key, shard, **more):
        seen.append({"pages": all((folder / rel).is_file() for rel, _ in shard),
                     "later": [name for name in ("feed.xml", "assets/site.css") if (folder / name).exists()]})
        return original(folder, store, key, shard, **more)

    monkeypatch.setattr(search, "_start", recording)
    out = followed.build(root)
    assert seen == [{"pages": True, "later": []}]  # the feeds and assets come after the pages, beside pagefind
    assert (out / "feed.xml").is_file() and (out / "assets/site.css").is_file()
    assert {r["url"] for r in fragments(out / "pagefind")} == PUBLISHED


def test_the_render_workers_tell_search_about_the_pages_they_write_so_no_page_is_read_again(tmp_path, monkeypatch):
    """Whether a page is marked for the index, and the digest of its bytes, are found by the worker that wrote it;
    the publishing process neither reads the pages again nor makes again the folders the workers made."""
    from sitegen import generate_site

    site = generate_site(tmp_path / "site", therapists=10, articles=80, seed=4)  # enough for the process pools
    log, parent = tmp_path / "events.log", os.getpid()
    monkeypatch.setenv("THERAPIST_SITE_JOBS", "2")
    monkeypatch.setattr(search, "facts", noting(log, "facts", search.facts))
    monkeypatch.setattr(os, "mkdir", noting(log, "mkdir", os.mkdir, lambda args: args[0]))
    out = tmp_path / "out"
    build(Options(source=site, output=out, cache=False))
    events = noted(log)
    pages = [page for page in out.rglob("*.html") if not page.relative_to(out).as_posix().startswith("admin/")]
    assert len([pid for event, pid, *_ in events if event == "facts" and int(pid) != parent]) >= len(pages) > 100
    assert not [pid for event, pid, *_ in events if event == "facts" and int(pid) == parent]
    made_here = [Path(path[0]).relative_to(out.parent).parts for event, pid, *path in events
                 if event == "mkdir" and int(pid) == parent and path]
    page_folders = {page.parent.relative_to(out).parts for page in pages}
    assert made_here and not [parts for parts in made_here if len(parts) > 1 and parts[1:] in page_folders]
    marked = [page for page in pages if search.MARK in page.read_bytes()]
    assert len(fragments(out / "pagefind")) == len(marked) > 80  # the index is whole


def test_the_pagefind_process_that_ends_first_is_finished_first(tmp_path):
    import subprocess

    slow = subprocess.Popen(["sleep", "30"], stdout=subprocess.PIPE)
    quick = subprocess.Popen(["true"], stdout=subprocess.PIPE)
    try:
        running = [(slow, tmp_path, tmp_path), (quick, tmp_path, tmp_path)]
        assert search._ended(running, None) == [1]  # not the first started, still running
        assert search._ended(running[:1], 0) == []  # nothing ended: the build goes on making outputs
    finally:
        slow.kill()
        slow.wait()
        quick.wait()


def test_a_pagefind_process_stopped_by_ctrl_c_stops_the_build_as_ctrl_c_does(tmp_path):
    """A terminal's Ctrl-C reaches pagefind too, sometimes first: that is the user stopping the build, not a
    failure of the index (which would print a traceback)."""
    import subprocess

    process = subprocess.Popen(["sleep", "30"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    process.send_signal(signal.SIGINT)
    (tmp_path / "work").mkdir()
    with pytest.raises(KeyboardInterrupt):
        search._finish(process, tmp_path / "work", tmp_path / "done")
    assert not (tmp_path / "work").exists()


def test_the_index_holds_exactly_the_published_articles_profiles_and_topics(out):
    records = fragments(out / "pagefind")
    assert {r["url"] for r in records} == PUBLISHED
    assert len(records) == len(PUBLISHED)
    wizard = next(r for r in records if r["url"] == "/articles/trauma-and-trust/")
    assert wizard["meta"]["title"] == "Trauma and Trust" and "Carl Rogers" in wizard["content"]
    assert "Subscribe" not in wizard["content"], "the subscribe note is left out of the index"
    # the byline neither: its date and reading time would be the excerpt of a result found by its title
    assert "min read" not in wizard["content"] and wizard["content"].startswith("Trauma and Trust. ")


def test_drafts_and_future_articles_are_not_in_the_search_index(out):
    text = " ".join(r["content"] for r in fragments(out / "pagefind"))
    assert "Zephyrine" in text  # a word of a published article is found...
    assert "Quillwort" not in text and "Moonwhistle" not in text  # ...the draft's and the future one's are not


def test_the_search_page_alone_allows_webassembly_and_loads_only_files_of_the_site(out):
    pages = followed.html_pages(out)
    policy = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">')
    for url, html in pages.items():
        [found] = policy.findall(html)
        assert found.startswith("default-src 'self'"), url
        assert ("'wasm-unsafe-eval'" in found) == (url == "/search/"), url
    html = pages["/search/"]
    assert policy.findall(html) == ["default-src 'self'; base-uri 'self'; form-action 'self'; object-src 'none'; "
                                    "script-src 'self' 'wasm-unsafe-eval'"]
    assert re.findall(r'<script src="([^"]+)"', html) == ["/pagefind/pagefind-ui.js", "/assets/search.js"]
    assert re.findall(r'<link rel="stylesheet" href="([^"]+)"', html) == ["/assets/site.css",
                                                                          "/pagefind/pagefind-ui.css"]
    assert "<script>" not in html and '<meta name="robots" content="noindex">' in html
    for name in ("pagefind-ui.js", "pagefind-ui.css", "pagefind.js", "pagefind-entry.json", "shards.json"):
        assert (out / "pagefind" / name).is_file(), name
    assert (out / "assets/search.js").is_file()


def test_every_page_has_a_search_form_in_its_header_that_works_without_javascript(out):
    for url, html in followed.html_pages(out).items():
        header = html[html.index('<header class="site-header">'): html.index("</header>")]
        form = re.search(r'<form class="site-search" role="search" method="get" action="/search/">(.*?)</form>',
                         header, re.S)
        assert form, url
        assert '<input type="search" id="site-search-q" name="q"' in form.group(1)
        assert '<label class="visually-hidden" for="site-search-q">' in form.group(1)


def test_the_search_bundle_is_byte_identical_across_builds(tmp_path_factory, out):
    root = followed.make(tmp_path_factory, "again")
    again = followed.build(root, "--no-cache")
    assert snapshot(again / "pagefind") == snapshot(out / "pagefind")
    assert not (root / ".cache/search").exists() and not list(again.rglob(".search-work"))


def test_a_large_site_is_indexed_in_shards_that_the_search_page_merges(tmp_path_factory, monkeypatch):
    monkeypatch.setattr(search, "SHARD_PAGES", 3)  # 11 pages: four shards of about three
    root = followed.make(tmp_path_factory, "shards")
    out = followed.build(root)
    shards = json.loads((out / "pagefind/shards.json").read_text())
    assert shards == ["shard-1/", "shard-2/", "shard-3/"]
    for shard in ["", *shards]:
        assert (out / "pagefind" / shard / "pagefind-entry.json").is_file()
    assert {r["url"] for r in fragments(out / "pagefind")} == PUBLISHED
    assert len(fragments(out / "pagefind")) == len(PUBLISHED)


def test_pagefind_runs_on_one_thread_a_process_only_while_others_wait_to_run(tmp_path_factory, monkeypatch):
    monkeypatch.setattr(search, "SHARD_PAGES", 2)  # eight shards
    monkeypatch.setenv("THERAPIST_SITE_JOBS", "2")
    root = followed.make(tmp_path_factory, "threads")
    environments = []
    original = search.subprocess.Popen

    def popen(command, *args, env=None, **kwargs):
        if any(str(part).endswith("pagefind") for part in command):
            environments.append((env or os.environ).get("RAYON_NUM_THREADS"))
        return original(command, *args, env=env, **kwargs)

    monkeypatch.setattr(search.subprocess, "Popen", popen)
    followed.build(root)
    # Two at a time on two cores, a thread each, but the last two: they end alone, and may take both cores.
    assert len(environments) > 2 and environments == ["1"] * (len(environments) - 2) + [None, None]
    environments.clear()
    article = root / "content/articles/calm-breathing.md"
    article.write_text(article.read_text().replace("Zephyrine", "Zephyrine and Bellflower"))
    followed.build(root)
    assert environments == [None]  # one shard alone: all of pagefind's threads


def test_editing_one_article_indexes_again_only_the_shards_whose_pages_changed(tmp_path_factory, monkeypatch):
    monkeypatch.setattr(search, "SHARD_PAGES", 2)  # eight shards
    root = followed.make(tmp_path_factory, "edit")
    started = shards_started(monkeypatch)
    out = followed.build(root)
    assert sum(len(pages) for pages in started) == len(PUBLISHED)
    started.clear()
    article = root / "content/articles/calm-breathing.md"
    article.write_text(article.read_text().replace("Zephyrine", "Zephyrine and Bellflower"))
    out = followed.build(root)
    indexed_again = {page for pages in started for page in pages}
    assert "articles/calm-breathing/index.html" in indexed_again
    assert 0 < len(started) < 8 and len(indexed_again) < len(PUBLISHED)
    text = " ".join(r["content"] for r in fragments(out / "pagefind"))
    assert "Bellflower" in text


def test_pages_made_again_with_the_same_bytes_leave_their_shards_as_they_were(tmp_path_factory, monkeypatch):
    monkeypatch.setattr(search, "SHARD_PAGES", 1)  # a shard a page, as far as MAX_SHARDS allows
    root = followed.make(tmp_path_factory, "same-bytes")
    followed.build(root)
    before = {p.relative_to(root / "public").as_posix(): p.read_bytes() for p in (root / "public").rglob("*.html")}
    started = shards_started(monkeypatch)
    article = root / "content/articles/calm-breathing.md"
    article.write_text(article.read_text().replace("Zephyrine", "Zephyrine and Bellflower"))  # the body only
    out = followed.build(root)
    changed = {rel for rel, data in before.items() if (out / rel).read_bytes() != data}
    assert "articles/calm-breathing/index.html" in changed
    # The topic and author pages show the article's card, so they are made again, with the same bytes: the only
    # shards indexed again hold a page whose bytes changed.
    assert started and all(set(pages) & changed for pages in started), (started, changed)


def test_when_pagefind_fails_the_published_site_stays_as_it_was(tmp_path_factory, monkeypatch):
    root = followed.make(tmp_path_factory, "failing")
    out = followed.build(root)
    before = snapshot(out)
    broken = root.parent / "pagefind"
    broken.write_text("#!/bin/sh\necho 'pagefind: out of cheese' >&2\nexit 3\n")
    broken.chmod(broken.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(search, "executable", lambda: broken)
    (root / "content/articles/calm-breathing.md").write_text(
        (root / "content/articles/calm-breathing.md").read_text() + "\nA new line.\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", followed.EPOCH)
    with pytest.raises(ToolError, match="out of cheese"):
        build(Options(source=root, output=out))
    assert snapshot(out) == before
    assert sorted(p.name for p in out.parent.iterdir() if p.name.startswith(".public")) == []


def test_a_failing_or_missing_pagefind_is_told_in_one_line_without_a_traceback(tmp_path_factory, monkeypatch, capsys):
    """Not the sources' fault: exit 2, what failed and what to do, the published site untouched."""
    import sys

    from generator import cli

    root = followed.make(tmp_path_factory, "told")
    out = followed.build(root)
    before = snapshot(out)
    (root / "content/articles/calm-breathing.md").write_text(
        (root / "content/articles/calm-breathing.md").read_text() + "\nA new line.\n")
    broken = root.parent / "pagefind"
    broken.write_text("#!/bin/sh\necho 'pagefind: out of cheese' >&2\nexit 3\n")
    broken.chmod(broken.stat().st_mode | stat.S_IEXEC)
    with monkeypatch.context() as patched:
        patched.setattr(search, "executable", lambda: broken)
        assert cli.main(["build", "--source", str(root), "--output", str(out), "--quiet"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "therapist-site: pagefind could not index the site (exit 3): pagefind: out of cheese",
        "The published site was not changed."]
    monkeypatch.setitem(sys.modules, "pagefind_bin", None)  # as when the package is not installed
    assert cli.main(["build", "--source", str(root), "--output", str(out), "--quiet"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "therapist-site: the pagefind binary, which builds the search index, is missing: install therapist-site "
        "again, or run pip install 'pagefind[bin]' in its environment",
        "The published site was not changed."]
    assert snapshot(out) == before


def test_secondary_shards_hold_only_their_index_and_the_first_shard_the_search_page_files(tmp_path_factory,
                                                                                          monkeypatch):
    monkeypatch.setattr(search, "SHARD_PAGES", 3)  # 11 pages: four shards
    out = followed.build(followed.make(tmp_path_factory, "secondary"))
    bundle = out / "pagefind"
    shards = json.loads((bundle / "shards.json").read_text())
    assert len(shards) == 3
    ui = ("pagefind.js", "pagefind-ui.js", "pagefind-ui.css", "pagefind-worker.js", "pagefind-highlight.js",
          "pagefind-modular-ui.js", "pagefind-component-ui.js")
    for name in ui:
        assert (bundle / name).is_file(), name
    assert list(bundle.glob("wasm.*")) and list(bundle.glob("*.pf_meta"))
    for shard in shards:
        names = sorted(p.name for p in (bundle / shard).iterdir())
        assert "pagefind-entry.json" in names and "index" in names and "fragment" in names, shard
        assert [n for n in names if n.endswith(".pf_meta")], shard
        assert not [n for n in names if n in ui or n.startswith("wasm.") or n.endswith((".js", ".css"))], shard
        assert list((bundle / shard / "index").glob("*.pf_index")) and list((bundle / shard / "fragment").iterdir())
    assert {r["url"] for r in fragments(bundle)} == PUBLISHED


# "[mehr]" is a character class and ", " splits a brace list in a glob: Pagefind's --glob cannot name this page.
UNUSUAL = "files/Über uns, [mehr].html"


@pytest.mark.parametrize("shard_pages", [100, 3])  # one shard of 12 pages; four, the others named by --glob
def test_a_page_whose_path_a_glob_cannot_carry_is_still_indexed(shard_pages, tmp_path_factory, monkeypatch):
    monkeypatch.setattr(search, "SHARD_PAGES", shard_pages)
    root = followed.make(tmp_path_factory, "unusual")
    (root / "content" / UNUSUAL).parent.mkdir(parents=True)
    (root / "content" / UNUSUAL).write_text(
        '<!doctype html><html lang="en"><head><title>Über uns</title></head><body><main data-pagefind-body>'
        "<h1>Über uns</h1><p>Wir trinken Kaffee und sprechen über Brombeerhecken.</p></main></body></html>\n")
    shards = shards_started(monkeypatch)
    out = followed.build(root)
    assert len(shards) == (1 if shard_pages == 100 else 4) and sum(UNUSUAL in pages for pages in shards) == 1
    records = fragments(out / "pagefind")
    assert {r["url"] for r in records} == PUBLISHED | {"/" + UNUSUAL}
    [unusual] = [r for r in records if r["url"] == "/" + UNUSUAL]
    assert "Brombeerhecken" in unusual["content"] and unusual["meta"]["title"] == "Über uns"
    assert not [p for p in (root / ".cache/search").iterdir() if p.name.startswith(".work")]


def test_a_killed_build_takes_its_pagefind_with_it(tmp_path_factory, tmp_path):
    """pagefind starts through setpriv with a parent-death signal (no Python between fork and exec, which can hang
    in a process with threads, as serve is): when the build is killed, pagefind ends too."""
    if not pool.dying_with_parent():
        pytest.skip("setpriv (util-linux) is not installed: a killed build's pagefind finishes its shard")
    root = followed.make(tmp_path_factory, "killed")
    started = tmp_path / "pagefind.pid"
    fake = tmp_path / "pagefind"
    fake.write_text(f"#!/bin/sh\necho $$ > {started}\nexec sleep 60\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    child = os.fork()
    if child == 0:  # the build, in a process of its own that the test can kill
        try:
            search.executable = lambda: fake
            os.environ["SOURCE_DATE_EPOCH"] = followed.EPOCH
            build(Options(source=root, output=root / "public"))
        finally:
            os._exit(0)
    deadline = time.monotonic() + 30
    while not (started.exists() and started.read_text().strip()) and time.monotonic() < deadline:
        time.sleep(0.05)
    pid = int(started.read_text())
    os.kill(child, signal.SIGKILL)
    os.waitpid(child, 0)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.05)
    assert not _alive(pid), "pagefind outlived the build that started it"


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_stored_shard_is_trusted_while_its_files_are_as_left_and_read_again_when_one_changed(
        tmp_path_factory, monkeypatch, capsys):
    monkeypatch.setattr(search, "SHARD_PAGES", 2)  # eight shards
    root = followed.make(tmp_path_factory, "sealed")
    followed.build(root)
    read: list[Path] = []
    original = search._checksum
    monkeypatch.setattr(search, "_checksum", lambda shard: read.append(shard) or original(shard))
    started = shards_started(monkeypatch)
    article = root / "content/articles/calm-breathing.md"
    article.write_text(article.read_text().replace("Zephyrine", "Zephyrine and Bellflower"))
    followed.build(root)
    assert started and len(read) == len(started)  # only the new shards' files were read, to seal them

    # A stored shard's file changed in place, keeping its size: the next build reads the shard again, finds it
    # damaged, says so and indexes its pages anew.
    published = {os.stat(f).st_ino for f in (root / "public/pagefind").rglob("*.pf_fragment")}
    fragment = next(f for f in sorted((root / ".cache/search").glob("*/fragment/*.pf_fragment"))
                    if f.stat().st_ino in published)
    data = fragment.read_bytes()
    with fragment.open("r+b") as handle:
        handle.write(bytes(b ^ 0xFF for b in data[:8]))
    (root / "site.yaml").write_text((root / "site.yaml").read_text() + "\n")  # a build, and no page changes
    capsys.readouterr()
    out = followed.build(root)
    assert capsys.readouterr().err.count("ignored a damaged cache file (.cache/search/") == 1
    cold = followed.build(root, "--no-cache", output=root.parent / "cold")
    assert snapshot(out / "pagefind") == snapshot(cold / "pagefind")
