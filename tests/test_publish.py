"""Publishing: stage beside the output, swap it in whole, and repair what a killed build left behind."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import snapshot
from generator import publish as publishing
from generator.publish import MARKER, Reuse, WRITTEN, publish, write


def outputs(**files):
    return [(name.replace("__", "/").replace("_", "."), data.encode()) for name, data in files.items()]


def test_publish_creates_the_output_with_a_marker(tmp_path):
    out = tmp_path / "public"
    assert publish(outputs(index_html="hi", a__index_html="a"), out) == 2
    assert (out / "index.html").read_text() == "hi" and (out / "a" / "index.html").read_text() == "a"
    assert (out / MARKER).exists()
    assert [p.name for p in tmp_path.iterdir()] == ["public"]


def test_publish_replaces_the_old_site_whole_leaving_no_old_files(tmp_path):
    out = tmp_path / "public"
    publish(outputs(index_html="v1", old_html="gone soon"), out)
    publish(outputs(index_html="v2"), out)
    assert sorted(snapshot(out)) == [MARKER, "index.html"]
    assert (out / "index.html").read_text() == "v2"
    assert [p.name for p in tmp_path.iterdir()] == ["public"]


def test_a_failure_while_producing_outputs_leaves_the_old_site_untouched(tmp_path):
    out = tmp_path / "public"
    publish(outputs(index_html="v1"), out)
    before = snapshot(out)

    def failing():
        yield "index.html", b"v2"
        raise RuntimeError("render failed halfway")

    with pytest.raises(RuntimeError):
        publish(failing(), out)
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["public"]


def test_leftovers_of_a_killed_build_are_cleaned_by_the_next(tmp_path):
    out = tmp_path / "public"
    publish(outputs(index_html="v1"), out)
    (tmp_path / ".public.staging-99999").mkdir()
    (tmp_path / ".public.staging-99999" / "half.html").write_text("half")
    publish(outputs(index_html="v2"), out)
    assert [p.name for p in tmp_path.iterdir()] == ["public"]


def test_a_build_killed_between_the_two_renames_gets_its_old_site_back(tmp_path):
    out = tmp_path / "public"
    publish(outputs(index_html="v1"), out)
    out.rename(tmp_path / ".public.old-4242")  # as if killed after moving the old site aside
    publish(outputs(index_html="v2"), out)
    assert (out / "index.html").read_text() == "v2"
    assert [p.name for p in tmp_path.iterdir()] == ["public"]


def test_recover_restores_a_site_that_was_moved_aside_when_the_build_died(tmp_path):
    from generator.publish import recover

    out = tmp_path / "public"
    publish(outputs(index_html="v1"), out)
    out.rename(tmp_path / ".public.old-4242")
    recover(out)
    assert (out / "index.html").read_text() == "v1"
    assert [p.name for p in tmp_path.iterdir()] == ["public"]


# Staging in the spare: the site a build replaces is kept (in the cache) and the next build brings it up to date
# instead of making every folder anew. Published files and the spare share inodes as hard links, so a file that
# must change is unlinked and made anew, never written in place.

A = {"index.html": b"home A", "a": b"a is a file", "b/index.html": b"b is a folder", "b/deep/x.txt": b"x",
     "gone.html": b"removed later", "gone/deep/z.txt": b"z", "same.txt": b"in every build"}
B = {"index.html": b"home B", "a/index.html": b"a is a folder now", "a/deep/y.txt": b"y", "b/index.html": b"b",
     "new.html": b"added", "same.txt": b"in every build"}
C = {"index.html": b"home C", "a/index.html": b"a changed", "b/index.html": b"b", "same.txt": b"in every build"}
X = {"index.html": b"home X", "same.txt": b"in every build", "x/index.html": b"x"}
Y = {"index.html": b"home Y", "same.txt": b"in every build", "y/deeper/still/index.html": b"y"}


def publish_in_turn(tmp_path, builds: list[dict[str, bytes]]) -> None:
    """Publish each set of files with a spare; after each, the output equals a publish without one, and the spare
    holds the site that build replaced."""
    out, spare = tmp_path / "public", tmp_path / "cache" / "spare"
    previous = None
    for number, files in enumerate(builds, start=1):
        assert publish(sorted(files.items()), out, spare=spare) == len(files)
        fresh = tmp_path / "fresh" / str(number)
        publish(sorted(files.items()), fresh)
        assert snapshot(out) == snapshot(fresh), f"build {number}"
        assert sorted(snapshot(out)) == sorted([MARKER, *files]), f"build {number}"
        assert sorted(p.relative_to(out) for p in out.rglob("*") if p.is_dir()) == \
            sorted(p.relative_to(fresh) for p in fresh.rglob("*") if p.is_dir()), f"build {number}: empty folders"
        if previous is None:
            assert not spare.exists()  # the first build replaced nothing
        else:
            assert snapshot(spare) == previous, f"build {number}: the spare holds the replaced site"
        previous = snapshot(out)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["cache"] * (number > 1) + ["fresh", "public"]


def test_a_publish_with_a_spare_stages_in_the_replaced_site_and_equals_a_fresh_publish(tmp_path):
    # Build 3 (B) stages in build 1's site (A): the file "a" becomes a folder, files and folders go away. Build 5
    # (C) stages in build 3's (B): files and a folder of files go away, a page changes.
    publish_in_turn(tmp_path, [A, X, B, Y, C])


def test_a_publish_with_a_spare_where_a_folder_becomes_a_file(tmp_path):
    folder = {"index.html": b"home", "b/index.html": b"b is a folder", "b/deep/x.txt": b"x"}
    file = {"index.html": b"home", "b": b"b is a file now"}
    publish_in_turn(tmp_path, [folder, X, file])  # build 3 stages in build 1's site, where b is a folder


def test_a_publish_with_a_spare_never_changes_a_published_file_in_place(tmp_path):
    out, spare = tmp_path / "public", tmp_path / "cache" / "spare"
    publish(sorted(A.items()), out, spare=spare)
    publish(sorted(A.items()), out, spare=spare)  # the same bytes: linked from the site it replaces
    published = out / "b" / "index.html"
    assert os.path.samefile(published, spare / "b" / "index.html"), "published site and spare share the file"
    with open(published, "rb") as held:  # as a web server serving the page while the next build runs
        inode = os.fstat(held.fileno()).st_ino
        changed = {**A, "b/index.html": b"b changed", "index.html": b"home changed"}
        publish(sorted(changed.items()), out, spare=spare)
        assert os.fstat(held.fileno()).st_ino == inode and held.read() == b"b is a folder"
    assert (out / "b" / "index.html").read_bytes() == b"b changed"
    assert (out / "index.html").read_bytes() == b"home changed"
    assert (spare / "b" / "index.html").read_bytes() == b"b is a folder", "the replaced site is kept whole"
    assert snapshot(out) == snapshot(publish_fresh(tmp_path, changed))


def publish_fresh(tmp_path, files) -> Path:
    fresh = tmp_path / "fresh"
    publish(sorted(files.items()), fresh)
    return fresh


def test_reused_files_that_the_spare_already_holds_are_kept_and_others_linked(tmp_path, monkeypatch):
    out, spare = tmp_path / "public", tmp_path / "cache" / "spare"
    publish(sorted(A.items()), out, spare=spare)
    kept = (out / "same.txt").stat().st_ino
    elsewhere = tmp_path / "cache" / "elsewhere.html"  # as a cached file: not the one the spare holds
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(b"made elsewhere")

    def reusing(other: bool):
        for rel, data in sorted(A.items()):
            if rel in ("same.txt", "b/index.html"):
                data = Reuse(out / rel)
            elif rel == "gone.html" and other:
                data = Reuse(elsewhere)
            yield rel, data

    publish(reusing(False), out, spare=spare)  # the spare now holds build 1, whose files are these very inodes
    assert (out / "same.txt").stat().st_ino == kept
    linked = []
    original = publishing.link_or_copy
    monkeypatch.setattr(publishing, "link_or_copy",
                        lambda file, target: linked.append(target.name) or original(file, target))
    publish(reusing(True), out, spare=spare)
    assert (out / "same.txt").stat().st_ino == kept
    assert linked == ["gone.html"], "every other file of the spare was already the right one"
    assert os.path.samefile(out / "gone.html", elsewhere)
    assert snapshot(out) == snapshot(publish_fresh(tmp_path, {**A, "gone.html": b"made elsewhere"}))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "fresh", "public"]


def test_a_failure_while_staging_in_the_spare_leaves_the_published_site_untouched(tmp_path):
    out, spare = tmp_path / "public", tmp_path / "cache" / "spare"
    publish(sorted(A.items()), out, spare=spare)
    publish(sorted(A.items()), out, spare=spare)  # the spare and the published site now share every file
    before = snapshot(out)

    def failing():
        yield "index.html", b"home changed"  # the spare's index.html is the published one: it must not change
        yield "a/index.html", b"a becomes a folder"  # the spare's file "a" is replaced by a folder
        yield "b", b"b becomes a file"
        raise RuntimeError("render failed halfway")

    with pytest.raises(RuntimeError):
        publish(failing(), out, spare=spare)
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "public"]
    publish(sorted(B.items()), out, spare=spare)  # and the next build is whole
    assert snapshot(out) == snapshot(publish_fresh(tmp_path, B))


def test_pages_written_by_the_processes_that_make_them_are_staged_like_the_others(tmp_path):
    """Render workers write their pages into the staging folder themselves (publish.write): an unchanged page keeps
    the published file, a changed one is a new file, and a place that needs a folder removed is left to publish."""
    out, spare = tmp_path / "public", tmp_path / "cache" / "spare"
    publish(outputs(index_html="v1", a_html="same", b__index_html="b"), out, spare=spare)
    publish(outputs(index_html="v2", a_html="same", b__index_html="b"), out, spare=spare)  # spare: build 1
    published = (out / "a.html").stat().st_ino
    wanted = [("index.html", b"v3"), ("a.html", b"same"), ("b", b"a file where a folder was")]
    handed_on = []

    def made(staging):
        for rel, data in wanted:
            done = write(staging, out, rel, data)
            handed_on.append((rel, done))
            yield rel, WRITTEN if done else data

    assert publish(made, out, spare=spare) == 3
    assert handed_on == [("index.html", True), ("a.html", True), ("b", False)]
    assert (out / "a.html").stat().st_ino == published
    fresh = tmp_path / "fresh"
    publish(wanted, fresh)
    assert snapshot(out) == snapshot(fresh)


def test_a_killed_builds_worker_never_makes_its_removed_staging_folder_again(tmp_path):
    from generator.publish import write

    staging, out = tmp_path / ".out.staging-12345", tmp_path / "out"  # removed by the next build's recover()
    with pytest.raises(OSError, match="is gone"):
        write(staging, out, "articles/late/index.html", b"<p>late</p>")
    assert not staging.exists()
