"""Golden sites: tests/fixtures/sites/<name>/src builds into exactly tests/fixtures/sites/<name>/expected.

``pytest tests/test_golden.py --regen`` rewrites the expected trees; review the diff before committing.
The theme's assets/ are copies of its static files and are left out, so a stylesheet edit does not churn them;
so is pagefind/, the search bundle Pagefind makes (its own tests are in test_search.py).
"""
from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from conftest import snapshot

SITES = Path(__file__).parent / "fixtures" / "sites"
LEFT_OUT = ("assets", "pagefind")


@pytest.mark.parametrize("name", sorted(p.name for p in SITES.iterdir() if (p / "src").is_dir()))
def test_golden_site_builds_into_its_expected_tree(name, tmp_path, run, request):
    output = tmp_path / "public"
    result = run("build", "--source", SITES / name / "src", "--output", output, "--no-cache")  # no .cache/ in the tree
    assert result.code == 0, result.err
    expected_dir = SITES / name / "expected"
    if request.config.getoption("--regen"):
        shutil.rmtree(expected_dir, ignore_errors=True)
        shutil.copytree(output, expected_dir,
                        ignore=lambda folder, names: list(LEFT_OUT) if folder == str(output) else [])
    left_out = tuple(f"{name}/" for name in LEFT_OUT)
    built = {path: data for path, data in snapshot(output).items() if not path.startswith(left_out)}
    expected = snapshot(expected_dir)
    assert sorted(built) == sorted(expected), "the set of output files differs"
    diffs = []
    for path in sorted(built):
        if built[path] != expected[path]:
            diffs.extend(difflib.unified_diff(
                expected[path].decode(errors="replace").splitlines(), built[path].decode(errors="replace").splitlines(),
                f"expected/{path}", f"built/{path}", lineterm=""))
    assert not diffs, "\n".join(diffs[:200])
