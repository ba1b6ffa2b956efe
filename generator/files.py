"""File helpers shared by every stage: content digests and whole-or-nothing writes.

A leaf module: it imports nothing of ours, so the cache, photos, search and the quick preview use one helper
each instead of their own copies.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import threading
from pathlib import Path


def digest(*parts: str | bytes) -> str:
    """Digest the parts, each length-prefixed so that ('ab', 'c') and ('a', 'bc') differ."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def write_atomic(file: Path, data: bytes) -> None:
    """Replace ``file`` with ``data`` whole: a reader sees the old bytes or the new, never a part.

    The bytes go to a hidden file beside it, named after this process and thread (two builds, or serve's quick
    preview and its rebuild, may write the same file at once), which is then renamed over ``file``. Replacing
    rather than rewriting in place also leaves alone any hard link that shares the old file's bytes.
    """
    temporary = file.with_name(f".{file.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, file)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def same_file(a: Path, b: Path) -> bool:
    """Whether the two paths are one file (a hard link of it, or the same path); False when either is missing."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def remove(path: Path) -> None:
    """Remove a file, or a folder with everything in it; nothing there is no error."""
    try:
        os.unlink(path)
    except IsADirectoryError:
        shutil.rmtree(path)
    except (FileNotFoundError, NotADirectoryError):
        pass


def link_or_copy(file: Path, target: Path) -> None:
    """Hard-link (published files and the caches are never changed in place, only replaced), or copy where the
    file system has no hard links or the file vanished."""
    try:
        os.link(file, target)
    except OSError:
        shutil.copyfile(file, target)
