"""The operating system refuses: a full or read-only disk, /proc, a file where a folder goes, a name too long, a
file that cannot be read. Each is one line naming the path, exit 2 where the output goes and 1 for the sources,
no traceback, and the last good site stays whole."""
from __future__ import annotations

import errno
import os
import pathlib

import pytest

from conftest import snapshot
from hostile import cli, contained

ARTICLE = "---\ntitle: Fine\ndate: 2026-01-01\n---\nA good site.\n"


def one_line(done) -> str:
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


@pytest.fixture
def source(make_site):
    return make_site({"content/articles/fine.md": ARTICLE})


def test_an_output_under_proc_is_refused_in_one_line(source):
    done = cli("build", "--source", source, "--output", "/proc/therapist-site-test/public")
    assert done.returncode == 2
    assert one_line(done) == ("therapist-site: cannot write /proc/therapist-site-test: No such file or directory; "
                              "/proc holds the system's own information, not files: choose another --output")


def test_an_output_inside_a_file_is_refused_in_one_line(source, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    done = cli("build", "--source", source, "--output", tmp_path / "notes.txt" / "public")
    assert done.returncode == 2
    assert one_line(done) == (f"therapist-site: cannot write {tmp_path / 'notes.txt'}: File exists; a file stands "
                              "where a folder goes: choose another --output")
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_an_output_name_too_long_is_refused_in_one_line(source, tmp_path):
    long = tmp_path / ("x" * 300)
    done = cli("build", "--source", source, "--output", long / "public")
    assert done.returncode == 2
    assert one_line(done) == (f"therapist-site: cannot write {long / 'public'}: File name too long; a name in that path is too "
                              "long: choose a shorter --output")


@pytest.mark.parametrize("number, hint", [
    (errno.ENOSPC, "the disk is full: free some space, or choose another --output on another disk"),
    (errno.EROFS, "that disk is read-only: choose another --output"),
    (errno.EACCES, "you may not write there: choose another --output, or change the folder's permissions"),
])
def test_a_write_refused_midway_keeps_the_last_good_site(source, run, tmp_path, monkeypatch, number, hint):
    out = tmp_path / "out"
    assert run("build", "--source", source, "--output", out).code == 0
    before = snapshot(out)
    (source / "content/articles/new.md").write_text(ARTICLE.replace("Fine", "New"))
    real = pathlib.Path.write_bytes

    def refuse(path, data):  # the disk fills up (or turns read-only) while the new site is staged
        if ".staging-" in str(path) and path.name == "index.html" and "new" in path.parts:
            raise OSError(number, os.strerror(number), str(path))
        return real(path, data)

    monkeypatch.setattr(pathlib.Path, "write_bytes", refuse)
    result = run("build", "--source", source, "--output", out, "--no-cache")
    assert result.code == 2
    staged = next(tmp_path.glob(".out.staging-*"), None)
    assert staged is None and snapshot(out) == before
    [line] = result.err.splitlines()
    assert line.startswith(f"therapist-site: cannot write {tmp_path}/.out.staging-")
    assert line.endswith(f"/articles/new/index.html: {os.strerror(number)}; {hint}")


def test_a_source_file_that_cannot_be_read_is_named_with_exit_1(source, run, tmp_path, monkeypatch):
    real = pathlib.Path.read_bytes

    def refuse(path):
        if path.name == "fine.md":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(pathlib.Path, "read_bytes", refuse)
    result = run("build", "--source", source, "--output", tmp_path / "out")
    assert result.code == 1
    assert result.err.splitlines() == [
        "content/articles/fine.md: cannot be read: Permission denied; check that the file is there and that you "
        "may read it", "Nothing was written; fix the problem above and run the command again."]


LONG = "Very " * 60 + "Long"
NAMES = {
    "a topic": ({"content/articles/a.md": f"---\ntitle: A\ndate: 2026-01-01\ntopics: [Grief, {LONG}]\n---\nA.\n"},
                "content/articles/a.md:4: topics[1]: is too long to be part of an address (304 characters once "
                "made into one; at most 150); shorten it"),
    "a slug": ({"content/articles/a.md": f"---\ntitle: A\ndate: 2026-01-01\nslug: {'a' * 300}\n---\nA.\n"},
               "content/articles/a.md:4: slug: is too long to be part of an address (300 characters once made into "
               "one; at most 150); shorten it"),
    "an insurance": ({"therapists/ana.yaml": f"name: Ana\ninsurance:\n  - Aetna\n  - {LONG}\n"},
                     "therapists/ana.yaml:4: insurance[1]: is too long to be part of an address (304 characters "
                     "once made into one; at most 150); shorten it"),
    "a city": ({"therapists/ana.yaml": f"name: Ana\nlocations: [{{city: {LONG}, state: CA}}]\n"},
               "therapists/ana.yaml:2: locations[0].city: is too long to be part of an address (304 characters "
               "once made into one; at most 150); shorten it"),
    "a file name": ({f"content/pages/{'p' * 200}.md": "---\ntitle: P\n---\nP.\n"},
                    f"content/pages/{'p' * 200}.md:2: the file name is too long to be an address (200 characters "
                    "once made into one; at most 150); rename the file, or set a shorter 'slug:'"),
}


@pytest.mark.parametrize("case", NAMES)
def test_a_name_too_long_for_the_file_system_is_a_located_error(case, tmp_path):
    files, expected = NAMES[case]
    ended = contained(tmp_path, files)
    assert (ended.code, ended.lines) == (1, [expected])


def test_a_reader_that_stops_reading_ends_the_command_quietly_as_sigpipe_would(source, tmp_path):
    """`therapist-site build | head -1`: the closed pipe is not the output folder's fault, and a shell's
    pipefail sees what it sees of any Unix tool stopped that way (128 + SIGPIPE)."""
    import subprocess
    import sys

    from conftest import REPO

    script = ("import sys; from generator import cli\n"
              "def flood(args):\n"
              "    while True: print('a warning line, ' * 8)\n"
              "cli.COMMANDS['build'] = flood\n"
              "cli.run()\n")
    for redirect in (subprocess.DEVNULL, subprocess.STDOUT):  # stderr elsewhere, or into the same pipe
        process = subprocess.Popen([sys.executable, "-c", script, "build", "--source", str(source), "--output",
                                    str(tmp_path / "out")], cwd=REPO, stdout=subprocess.PIPE, stderr=redirect)
        process.stdout.read(100)
        process.stdout.close()  # as head does once it has its line
        assert process.wait(timeout=60) == 141
