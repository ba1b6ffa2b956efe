"""The leaf helpers: atomic writes, digests, slugs, and the names Config derives."""
from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

import generator
from generator.files import digest, write_atomic
from generator.config import TABLE as SITE
from generator.models import Practice

PACKAGE = Path(generator.__file__).parent


def _ours(module: str) -> list[str]:
    tree = ast.parse((PACKAGE / module).read_text())
    ours = [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level]
    ours += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
             if alias.name.startswith("generator")]
    return ours


@pytest.mark.parametrize("module", ["files.py", "slugs.py", "routes.py"])
def test_leaf_modules_import_nothing_of_ours(module):
    assert _ours(module) == []


def test_the_models_import_only_the_route_table_a_leaf():
    assert _ours("models.py") == ["routes"]


def test_no_module_writes_a_file_atomically_by_itself():
    copies = [p.name for p in PACKAGE.rglob("*.py") if p.name not in ("files.py", "publish.py")
              and "os.replace(" in p.read_text() and 'f".{' in p.read_text()]  # a hidden temporary, renamed
    assert copies == []


def test_write_atomic_replaces_the_file_whole_and_leaves_no_temporary(tmp_path):
    file = tmp_path / "data.json"
    file.write_bytes(b"old")
    twin = tmp_path / "twin"
    os.link(file, twin)  # a hard link to the old bytes (the cache shares files this way) keeps them
    write_atomic(file, b"new")
    assert file.read_bytes() == b"new" and twin.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.json", "twin"]


def test_write_atomic_that_fails_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    file = tmp_path / "data.json"
    file.write_bytes(b"old")
    with pytest.raises(TypeError):
        write_atomic(file, "not bytes")
    assert file.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["data.json"]


def test_digest_keeps_the_boundaries_between_parts():
    assert digest("ab", "c") != digest("a", "bc")
    assert digest("ab", b"c") == digest(b"ab", "c")


def test_config_derives_the_newsletter_and_practice_names_from_the_title_when_unset():
    unset = {"newsletter_title": "", "newsletter_description": "", "signup": None}
    bare = SITE.make({}, title="Calm Practice", base_url="https://example.org/", **unset)
    assert (bare.newsletter_name, bare.newsletter_summary, bare.practice_name) == ("Calm Practice",) * 3
    full = SITE.make({"description": "About us", "practice": Practice("P", "", "", "")}, title="T",
                     base_url="https://example.org/", newsletter_title="N", newsletter_description="D", signup=None)
    assert (full.newsletter_name, full.newsletter_summary, full.practice_name) == ("N", "D", "P")
    about = SITE.make({"description": "About"}, title="T", base_url="https://example.org/", **unset)
    assert about.newsletter_summary == "About"
