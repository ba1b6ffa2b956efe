"""The installed package (not the checkout) carries its layouts and builds a bare site folder."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

from conftest import REPO, write_files


def test_pip_installed_package_builds_a_folder_with_only_site_yaml_content_and_therapists(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, project / name)
    shutil.copytree(REPO / "generator", project / "generator",
                    ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp_path / "installed"
    # Offline: the venv's own setuptools builds the wheel, and the dependencies are already installed.
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-build-isolation",
                                "--no-deps", "--no-index", "--target", target, project],
                               check=True, capture_output=True, text=True)
    # The packaging metadata is current: setuptools has nothing to warn about (a license table, a classifier).
    assert "Deprecat" not in installed.stderr and "Warning" not in installed.stderr, installed.stderr
    assert (target / "generator" / "layouts" / "base.html").is_file()
    assert (target / "generator" / "layouts" / "static" / "site.css").is_file()
    assert (target / "generator" / "vendor" / "decap-cms" / "decap-cms.js").is_file()  # the editor at /admin/

    site = write_files(tmp_path / "bare", {
        "site.yaml": "title: Bare\nbase_url: https://bare.example.org/\n",
        "content/articles/hello.md": "---\ntitle: Hello\ndate: 2026-01-01\nauthor: ana\n---\nHi.\n",
        "therapists/ana.yaml": "name: Ana\nformats: [in-person]\n"
                               "locations: [{city: San Diego, state: CA, postal_code: '92101'}]\n",
    })
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(target)}
    proc = subprocess.run([sys.executable, "-m", "generator", "build", "--source", site, "--output", out],
                          capture_output=True, text=True, env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Hello" in (out / "articles" / "hello" / "index.html").read_text()
    assert (out / "assets" / "site.css").is_file()
    assert (out / "assets" / "zips" / "92.json").read_bytes() == (REPO / "generator/data/zips/92.json").read_bytes()
    assert 'data-offices="32.718,-117.159"' in (out / "therapists" / "index.html").read_text()
    assert str(target) in subprocess.run(
        [sys.executable, "-c", "import generator; print(generator.__file__)"],
        capture_output=True, text=True, env=env, cwd=tmp_path).stdout
