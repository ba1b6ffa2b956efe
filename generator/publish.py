"""Publish stage: the only module that writes. Outputs are staged beside the output folder, then swapped in.

A build that fails or is killed never leaves a mix: the old site stays until the new one is complete, and the
swap is one atomic exchange of two directory names (renameat2 RENAME_EXCHANGE on Linux; elsewhere two renames,
which the next build repairs if it was killed between them).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import fcntl
import os
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable

from .errors import UsageError

MARKER = ".therapist-site"  # marks a folder we built, so we never replace a folder of someone else's
RENAME_EXCHANGE = 2
AT_FDCWD = -100


def check_output(source: Path, output: Path) -> None:
    """Refuse an output folder that is, contains or lies inside the sources, or that we did not make."""
    source, output = source.resolve(), output.resolve()
    if output == source or source.is_relative_to(output):
        raise UsageError(f"refusing to build into {output}: it is or contains the source folder; "
                         "choose another --output, e.g. the default <source>/public")
    for folder in ("content", "therapists", "layouts"):
        if output.is_relative_to(source / folder):
            raise UsageError(f"refusing to build into {output}: it lies inside the sources' {folder}/ folder")
    if output.exists() and not output.is_dir():
        raise UsageError(f"refusing to build into {output}: it is a file, not a folder")
    if output.is_dir() and any(output.iterdir()) and not (output / MARKER).exists():
        raise UsageError(f"refusing to replace {output}: it is not empty and was not made by therapist-site "
                         f"(no {MARKER} file in it); choose an empty or new folder")


def _siblings(output: Path, kind: str) -> list[Path]:
    return sorted(output.parent.glob(f".{output.name}.{kind}-*"))


def identity(output: Path) -> str | None:
    """Tell this build's output apart from any other: its marker is a new file each build."""
    try:
        stat = (output / MARKER).stat()
    except OSError:
        return None
    return f"{stat.st_ino}:{stat.st_mtime_ns}"


def recover(output: Path) -> None:
    """Repair what a killed build left: restore a swapped-out site, remove stale staging folders."""
    old = _siblings(output, "old")
    if old and not output.exists():
        old[-1].rename(output)
    for leftover in _siblings(output, "staging") + _siblings(output, "old"):
        shutil.rmtree(leftover, ignore_errors=True)


@contextmanager
def locked(folder: Path, output: Path):
    """Hold an exclusive lock on the output's parent folder, so two builds into one place take turns."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"therapist-site: waiting for another build into {output} to finish…", file=sys.stderr)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock, also when the process is killed


class Reuse:
    """An unchanged output of the last build: hard-linked into the new site instead of written again."""

    __slots__ = ("file",)

    def __init__(self, file: Path):
        self.file = file


def publish(outputs: Iterable[tuple[str, bytes | Path | Reuse]], output: Path,
            finish: Callable[[Path], object] | None = None) -> int:
    """Write every output into a staging folder beside ``output``, then swap it into place; return the count.

    ``finish(staging)`` runs on the complete staging folder before the swap (the search index is built there).
    """
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    with locked(output.parent, output):
        return _publish(outputs, output, finish)


def _publish(outputs: Iterable[tuple[str, bytes | Path | Reuse]], output: Path,
             finish: Callable[[Path], object] | None = None) -> int:
    recover(output)
    staging = output.parent / f".{output.name}.staging-{os.getpid()}"
    count = 0
    folders: set[Path] = set()
    try:
        staging.mkdir()
        (staging / MARKER).write_text("This folder is built by therapist-site and replaced on every build.\n")
        for rel, data in outputs:
            target = staging / rel
            if target.parent not in folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(target.parent)
            if isinstance(data, Reuse):
                _link_or_copy(data.file, target)
            elif isinstance(data, Path):
                shutil.copyfile(data, target)
            elif not _same_bytes(output / rel, data, target):
                target.write_bytes(data)
            count += 1
        if finish is not None:
            finish(staging)
        _swap(staging, output)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return count


def _same_bytes(old: Path, data: bytes, target: Path) -> bool:
    """Link the published file when the new bytes are the same: unchanged files are never rewritten."""
    try:
        if old.stat().st_size != len(data) or old.read_bytes() != data:
            return False
        os.link(old, target)
    except OSError:
        return False
    return True


def _link_or_copy(file: Path, target: Path) -> None:
    try:
        os.link(file, target)
    except OSError:  # a file system without hard links, or the old file vanished: copy instead
        shutil.copyfile(file, target)


def _swap(staging: Path, output: Path) -> None:
    if not output.exists():
        staging.rename(output)
        return
    if _exchange(staging, output):
        return  # staging now holds the old site and is removed by the caller
    old = output.parent / f".{output.name}.old-{os.getpid()}"
    output.rename(old)
    staging.rename(output)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    return result == 0
