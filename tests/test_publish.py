"""Publishing: stage beside the output, swap it in whole, and repair what a killed build left behind."""
from __future__ import annotations

import pytest

from conftest import snapshot
from generator.publish import MARKER, publish


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
