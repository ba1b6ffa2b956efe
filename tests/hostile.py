"""Build a hostile site the way a user does (the command, in a process of its own, with a deadline) and check it
ends contained: within 30 s, exit 0, 1 or 2, no traceback, and the last good site byte for byte as it was."""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from generator.cli import main

from conftest import EPOCH, REPO, SITE_YAML, snapshot, write_files

DEADLINE = 30  #: seconds a hostile build may take, whatever it is given
GOOD = {"site.yaml": SITE_YAML, "content/articles/ok.md": "---\ntitle: Fine\ndate: 2026-01-01\n---\nA good site.\n"}


@dataclass
class Ended:
    code: int
    out: str
    err: str
    lines: list[str]  #: the problems reported, one per line, without the count and the closing advice


def cli(*argv, timeout: float = DEADLINE) -> subprocess.CompletedProcess:
    """Run ``therapist-site`` as a user would; a hang fails the test instead of hanging it."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "generator", *map(str, argv)], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=REPO)


def contained(root: Path, files: dict[str, str | bytes], command: str = "build",
              links: dict[str, Path] | None = None) -> Ended:
    """Build a good site into ``root/public``, add ``files`` (and symbolic ``links``) to its sources, run
    ``command`` on it; check that it ends contained and return how."""
    source = write_files(root / "site", dict(GOOD))
    output = root / "public"
    assert main(["build", "--source", str(source), "--output", str(output), "--quiet"]) == 0
    before = snapshot(output)
    write_files(source, files)
    for rel, target in (links or {}).items():
        (source / rel).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, source / rel)
    argv = [command, "--source", source] + (["--output", output] if command == "build" else [])
    done = cli(*argv)
    assert done.returncode in (0, 1, 2), done.stderr
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout, done.stderr
    if done.returncode != 0 or command != "build":
        assert snapshot(output) == before
    lines = [line for line in done.stderr.splitlines()
             if not line.startswith(("Nothing was written", "therapist-site: waiting")) and "problem" not in
             line.split(":")[0]]
    return Ended(done.returncode, done.stdout, done.stderr, lines)
