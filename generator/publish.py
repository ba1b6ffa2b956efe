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
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable

from .errors import UsageError
from .files import link_or_copy, remove, same_file
from .pool import NOT_INHERITED

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


_held = threading.local()  # the outputs this thread holds the lock of


@contextmanager
def locked(output: Path):
    """Hold an exclusive lock on the output's parent folder, so two builds into one place take turns.

    The build takes it before reading any source and publishing takes it again: within one thread the second
    is a no-op, never a wait on itself.
    """
    output = output.resolve()
    held = _held.__dict__.setdefault("outputs", set())
    if str(output) in held:
        yield
        return
    folder = output.parent
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder, os.O_RDONLY)
    NOT_INHERITED.add(fd)  # workers forked while it is held close their copy (pool.py)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"therapist-site: waiting for another build into {output} to finish…", file=sys.stderr)
            fcntl.flock(fd, fcntl.LOCK_EX)
        held.add(str(output))
        yield
    finally:
        held.discard(str(output))
        NOT_INHERITED.discard(fd)
        os.close(fd)  # closing releases the lock, also when the process is killed


class Reuse:
    """An unchanged output of the last build: hard-linked into the new site instead of written again."""

    __slots__ = ("file",)

    def __init__(self, file: Path):
        self.file = file


class Written:
    """An output already written into the staging folder by the process that made it (see ``write``); for a page,
    what the search step asks of its bytes (search.facts), found where the bytes were at hand."""

    __slots__ = ("facts",)

    def __init__(self, facts: tuple[bool, str] | None = None):
        self.facts = facts


WRITTEN = Written()
Outputs = Iterable[tuple[str, bytes | Path | Reuse | Written]]


def write(staging: Path, output: Path, rel: str, data: bytes) -> bool:
    """Put one made output into ``staging`` as the staging step would, from any process: render workers write
    their pages themselves, so thousands of file creations run on all cores. False when the place needs the
    publishing process's care (a file of the last build where a folder goes now)."""
    target, published = staging / rel, output / rel
    if not staging.is_dir():  # its build was killed and the next one removed it: never make it again
        raise OSError(f"the staging folder {staging} is gone")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        return False
    same = _same_bytes(published, data)
    if same and same_file(published, target):
        return True  # the spare already holds this very file
    try:
        os.unlink(target)
    except FileNotFoundError:
        pass
    except (IsADirectoryError, PermissionError):
        return False
    if same:
        link_or_copy(published, target)
    else:
        target.write_bytes(data)
    return True


def publish(outputs: Outputs | Callable[[Path], Outputs], output: Path,
            finish: Callable[[Path], object] | None = None, spare: Path | None = None, finished: str = "") -> int:
    """Write every output into a staging folder beside ``output``, then swap it into place; return the count.

    ``outputs``: (path, content) pairs, or a function that returns them given the staging folder, so that whoever
    makes a page can write it there at once (``write``) and hand on ``WRITTEN``.

    ``finish(staging)`` runs on the complete staging folder before the swap (the search index is built there);
    ``finished``: the folder it makes, which is left as the spare site had it for ``finish`` to bring up to date.
    ``spare``: where to keep the site this build replaces (on the output's file system, in the cache). The next
    build stages in it: its folders already stand and most of its files are already the right ones, so a rebuild
    changes a few entries instead of making thousands of folders, and nothing has to delete the old site.
    """
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    with locked(output):
        return _publish(outputs, output, finish, spare, finished if finish is not None else "")


def _publish(outputs: Outputs | Callable[[Path], Outputs], output: Path,
             finish: Callable[[Path], object] | None = None, spare: Path | None = None, finished: str = "") -> int:
    recover(output)
    staging = output.parent / f".{output.name}.staging-{os.getpid()}"
    count = 0
    made = None
    try:
        tree = _Staging(staging, output, spare)
        made = outputs(staging) if callable(outputs) else outputs
        for rel, data in made:
            tree.put(rel, data)
            count += 1
        tree.remove_the_rest(keep=finished)
        if finish is not None:
            finish(staging)
        if _swap(staging, output) and spare is not None:
            try:
                spare.parent.mkdir(parents=True, exist_ok=True)
                staging.rename(spare)  # the replaced site, kept for the next build to stage in
                os.utime(spare)  # when it was last put there: the cache removes spares unused for a week
            except OSError:
                pass
    finally:
        if hasattr(made, "close"):  # a stream of outputs stops whoever still writes into the staging folder first
            made.close()
        shutil.rmtree(staging, ignore_errors=True)
    return count


class _Staging:
    """The folder a build writes into: new, or the spare site of the last build brought up to date.

    Files are never changed in place, since the published site and the caches share them as hard links: a file
    that must change is unlinked, then made anew.
    """

    def __init__(self, staging: Path, output: Path, spare: Path | None):
        self.root, self.output = staging, output
        self.old: set[str] = set()
        self.folders: set[str] = {"."}
        try:
            if spare is None or not (spare / MARKER).is_file():
                raise OSError
            spare.rename(staging)
        except OSError:
            staging.mkdir()
        else:
            for folder, subfolders, files in os.walk(staging):
                rel = os.path.relpath(folder, staging)
                self.old.update(name if rel == "." else f"{rel}/{name}" for name in files)
                self.folders.update(name if rel == "." else f"{rel}/{name}" for name in subfolders)
            self.old.discard(MARKER)
            os.unlink(staging / MARKER)
        self.kept = set(self.folders)  # folders of the spare, until remove_the_rest keeps only those in use
        self.used: set[str] = {"."}
        (staging / MARKER).write_text("This folder is built by therapist-site and replaced on every build.\n")

    def put(self, rel: str, data: bytes | Path | Reuse | Written) -> None:
        written = isinstance(data, Written)
        self._folder(os.path.dirname(rel) or ".", made=written)
        existed = rel in self.old
        self.old.discard(rel)
        if written:
            return  # in place already: only remembered as made
        target = self.root / rel
        if rel in self.folders:  # a folder of the last build where a file goes now: it goes, with its files
            self.old.difference_update([name for name in self.old if name.startswith(f"{rel}/")])
            remove(target)
        if isinstance(data, bytes):
            if not write(self.root, self.output, rel, data):
                raise OSError(f"cannot write {target}")
            return
        if isinstance(data, Reuse) and existed and same_file(data.file, target):
            return  # the spare already holds this very file
        if existed:
            remove(target)
        if isinstance(data, Reuse):
            link_or_copy(data.file, target)
        else:
            shutil.copyfile(data, target)

    def remove_the_rest(self, keep: str = "") -> None:
        """Remove what the spare holds that this build did not make, and the folders left empty; what is under
        the folder ``keep`` stays (the finishing step makes it)."""
        inside = f"{keep}/" if keep else None
        for rel in self.old:
            if inside is None or not rel.startswith(inside):
                remove(self.root / rel)
        for rel in sorted(self.kept - self.used, key=lambda name: name.count("/"), reverse=True):
            if inside is not None and (rel == keep or rel.startswith(inside)):
                continue
            try:
                os.rmdir(self.root / rel)
            except OSError:
                pass  # not empty: a folder of outputs below it

    def _folder(self, rel: str, made: bool = False) -> None:
        """Make the folder ``rel`` and those above it; ``made``: a render worker wrote a file into it, so they
        stand already (``write`` made them, where no file of the last build was in the way)."""
        if rel in self.used:
            return
        parts = rel.split("/")
        for depth in range(1, len(parts) + 1):
            folder = "/".join(parts[:depth])
            self.used.add(folder)
            if folder in self.folders:
                continue
            if not made:
                path = self.root / folder
                if folder in self.old:  # a file of the last build stands where this build needs a folder
                    self.old.discard(folder)
                    remove(path)
                path.mkdir(exist_ok=True)  # a render worker may have made it already
            self.folders.add(folder)


def _same_bytes(old: Path, data: bytes) -> bool:
    """Whether the published file holds these bytes: unchanged files are linked, never rewritten."""
    try:
        return old.stat().st_size == len(data) and old.read_bytes() == data
    except OSError:
        return False


def _swap(staging: Path, output: Path) -> bool:
    """Put the staged site in place; return True when ``staging`` now holds the replaced site."""
    if not output.exists():
        staging.rename(output)
        return False
    if _exchange(staging, output):
        return True
    old = output.parent / f".{output.name}.old-{os.getpid()}"
    output.rename(old)
    staging.rename(output)
    old.rename(staging)
    return True


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
