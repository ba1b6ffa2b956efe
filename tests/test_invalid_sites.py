"""Broken sites in tests/fixtures/invalid/<case>/ give their exact report, exit 1 and leave the old output alone.

Each case folder is a site; ``expected.txt`` beside its sources is the exact text printed on stderr.
``pytest --regen`` rewrites the expected reports (review the diff before committing).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import snapshot

CASES = Path(__file__).parent / "fixtures" / "invalid"


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_invalid_site_reports_every_problem_and_keeps_the_old_output(case, tmp_path, run, make_site, request):
    source = tmp_path / "source"
    shutil.copytree(CASES / case, source, ignore=shutil.ignore_patterns("expected.txt"))
    output = tmp_path / "public"
    good = make_site({"content/articles/ok.md": "---\ntitle: Fine\ndate: 2026-01-01\n---\nA good site.\n"})
    assert run("build", "--source", good, "--output", output).code == 0
    before = snapshot(output)

    result = run("build", "--source", source, "--output", output)

    expected_file = CASES / case / "expected.txt"
    if request.config.getoption("--regen"):
        expected_file.write_text(result.err)
    assert result.code == 1
    assert result.err == expected_file.read_text()
    assert "Traceback" not in result.err
    assert snapshot(output) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public", "site", "source"]
