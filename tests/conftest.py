"""Shared test helpers: a site factory, an in-process CLI runner and the golden-tree flag."""
from __future__ import annotations

import os
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.cli import main

# Hypothesis keeps its example database beside the tests by default: keep the working tree untouched.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(tempfile.gettempdir(), "therapist-site-hypothesis"))

EPOCH = "1793000000"  # 2026-10-27 UTC: after every example article, so none is "in the future"

SITE_YAML = """\
title: Test Practice
base_url: https://test-practice.org/
"""


def pytest_addoption(parser):
    parser.addoption("--regen", action="store_true", help="rewrite the expected trees of the golden tests")


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    """Every test builds at the same "now", so dates and feeds are stable."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def make_site(tmp_path):
    """make_site({path: text}) -> a site folder with a valid site.yaml unless the files give their own."""

    def make(files: dict[str, str | bytes] | None = None, name: str = "site") -> Path:
        root = tmp_path / name
        root.mkdir()
        return write_files(root, {"site.yaml": SITE_YAML, **(files or {})})

    return make


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def run(capsys):
    """run("build", "--source", dir) -> Run(code, out, err), the CLI called in-process."""

    def call(*argv) -> Run:
        capsys.readouterr()
        code = main([str(a) for a in argv])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return call


def noting(log: Path, event: str, func, detail=lambda args: ""):
    """``func``, writing a line "event pid detail" to ``log`` at each call: forked workers write there too, so a
    test sees what ran where, in order."""
    def noted(*args, **kwargs):
        with open(log, "a") as file:
            file.write(f"{event} {os.getpid()} {detail(args)}\n")
        return func(*args, **kwargs)
    return noted


def noted(log: Path) -> list[list[str]]:
    """The lines ``noting`` wrote, split: [event, pid, detail...]."""
    return [line.split() for line in log.read_text().splitlines()] if log.exists() else []


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes: compare two to prove nothing changed."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


REPO = Path(__file__).resolve().parent.parent
