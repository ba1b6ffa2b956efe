"""A damaged cache is only a slower build: every kind of cache file truncated, replaced with garbage or with valid
data of the wrong shape gives the same site as ``--no-cache`` and one notice; a crafted cache file runs no code."""
from __future__ import annotations

import json
import os
import pickle
import shutil
from pathlib import Path

import pytest

from conftest import snapshot
from sitegen import generate_site

NOTICE = "therapist-site: notice: ignored a damaged cache file"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A site built once with the cache, its cache kept aside, and the cold build it must always equal."""
    from generator.cli import main

    root = tmp_path_factory.mktemp("damaged")
    source = generate_site(root / "site", therapists=4, articles=8, seed=5)
    (source / "content" / "handout.txt").write_text("A handout.\n")
    os.environ["SOURCE_DATE_EPOCH"] = "1793000000"
    try:
        assert main(["build", "--source", str(source), "--output", str(root / "out")]) == 0
        assert main(["build", "--source", str(source), "--output", str(root / "cold"), "--no-cache"]) == 0
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]
    shutil.copytree(source / ".cache", root / "pristine-cache", symlinks=True)
    return source, root, snapshot(root / "cold")


def cache_files(cache: Path) -> dict[str, str]:
    """One file of each kind the cache holds, by kind: its data files, the manifest, a kept photo and its
    checksum, each kind of file of a stored search shard, and a page of the spare site."""
    chosen: dict[str, str] = {}
    for file in sorted(cache.rglob("*")):
        if not file.is_file():
            continue
        rel = file.relative_to(cache).as_posix()
        if rel.startswith("build/spare/"):
            kind = "spare page" if rel.endswith(".html") else None
        elif rel.startswith("build/outputs/"):
            kind = "manifest"
        elif rel.startswith(("photos/", "search/")) and rel.count("/") > 1:
            kind = rel.split("/")[0] + ":" + (file.suffix or file.name)
        else:
            kind = rel
        if kind and kind not in chosen:
            chosen[kind] = rel
    return chosen


def wrong_shape(file: Path) -> bytes:
    """Data that reads without error but is not what the file should hold."""
    if file.suffix == ".pickle":
        return pickle.dumps({"key": ["not", "a", "row"]})
    if file.suffix == ".json":
        return json.dumps({"pages": 3, "inputs": []}).encode()
    if file.suffix == ".sum":
        return b"0" * 32
    data = file.read_bytes()
    return data[len(data) // 2:] + data[: len(data) // 2]  # the same bytes in another order


DAMAGE = {
    "truncated": lambda file: file.read_bytes()[: max(0, file.stat().st_size // 3)],
    "garbage": lambda file: os.urandom(max(64, file.stat().st_size)),
    "wrong shape": wrong_shape,
}


def restore(built_source: Path, root: Path, out: Path) -> None:
    """The cache and the output as the first cached build left them (the spare shares files with the output)."""
    shutil.rmtree(built_source / ".cache", ignore_errors=True)
    shutil.copytree(root / "pristine-cache", built_source / ".cache", symlinks=True)
    shutil.rmtree(built_source / ".cache" / "build" / "outputs")  # the manifest of another output folder
    shutil.rmtree(out, ignore_errors=True)


def prepared(source: Path, root: Path, out: Path, run) -> dict[str, str]:
    """A good cache for ``out`` with every kind of file in it: a build, then a rebuild (which keeps the site it
    replaced as the spare); return one file of each kind."""
    restore(source, root, out)
    assert run("build", "--source", source, "--output", out).code == 0
    (source / "site.yaml").write_text((source / "site.yaml").read_text() + "\n")
    assert run("build", "--source", source, "--output", out).code == 0
    return cache_files(source / ".cache")


def test_the_cache_holds_every_kind_of_file_the_damage_test_covers(built, run, tmp_path):
    source, root, _ = built
    kinds = prepared(source, root, tmp_path / "out", run)
    for expected in ("build/markdown.pickle", "build/parsed.pickle", "build/files.pickle",
                     "manifest", "photos:.webp", "photos:.sum", "search:.json", "search/marks.json", "spare page"):
        assert expected in kinds


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_every_damaged_cache_file_is_ignored_said_once_and_the_site_equals_a_cold_build(damage, built, run, tmp_path):
    source, root, cold = built
    failures = []
    out = tmp_path / "out"
    kinds = prepared(source, root, out, run)
    for kind in kinds:
        found = cache_files(source / ".cache")
        if kind not in found:  # a kind the last build reused rather than made again: start from a full cache
            found = prepared(source, root, out, run)
        rel = found[kind]
        file = source / ".cache" / rel
        data = DAMAGE[damage](file)
        file.unlink()  # a new file: the published twin of a spare page is damaged with it only by the hard link
        file.write_bytes(data)
        (source / "site.yaml").write_text((source / "site.yaml").read_text() + "\n")  # not "nothing changed"
        result = run("build", "--source", source, "--output", out)
        if result.code != 0 or snapshot(out) != cold:
            failures.append((rel, result.code, result.err))
        elif kind != "spare page" and result.err.count(NOTICE) != 1:
            failures.append((rel, "notice", result.err))
    assert not failures


def test_a_damaged_page_in_the_published_site_and_its_spare_is_made_again(built, run, tmp_path):
    source, root, cold = built
    out = tmp_path / "out"
    prepared(source, root, out, run)
    page = out / "index.html"
    page.write_bytes(page.read_bytes()[:100])  # in place: the spare shares this file's inode
    (source / "site.yaml").write_text((source / "site.yaml").read_text() + "\n")
    assert run("build", "--source", source, "--output", out).code == 0
    assert snapshot(out) == cold


class _Payload:
    def __reduce__(self):
        return (os.system, (f"touch {MARKER}",))


MARKER = Path(os.environ.get("TMPDIR", "/tmp")) / f"therapist-site-crafted-{os.getpid()}"


def test_a_crafted_cache_file_runs_no_code(built, run, tmp_path):
    source, root, cold = built
    out = tmp_path / "out"
    restore(source, root, out)
    MARKER.unlink(missing_ok=True)
    crafted = pickle.dumps({"x": _Payload()})
    for name in ("markdown.pickle", "parsed.pickle", "files.pickle"):
        (source / ".cache" / "build" / name).write_bytes(crafted)
    result = run("build", "--source", source, "--output", out)
    assert result.code == 0, result.err
    assert not MARKER.exists(), "loading the cache ran code from it"
    assert result.err.count(NOTICE) == 1
    assert snapshot(out) == cold
