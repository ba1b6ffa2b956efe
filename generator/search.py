"""Search index (the last step of publishing): the staged site's pages -> a Pagefind bundle under /pagefind/.

Input: the staging folder, its pages all written (``Step`` starts once the last page is in, while the outputs
after the pages are still being made), not yet swapped in. Output: ``pagefind/`` inside it, finished before the
swap, so the index always matches the pages it is published with and the swap stays one atomic step. The pagefind binary comes from the
pagefind-bin package on PyPI; it reads and writes local files only, and in the browser the bundle loads nothing
but its own files from the same site. Pages opt in with ``data-pagefind-body`` (articles, profiles, topics); if no
page does (a site's own layouts), every page is indexed, as Pagefind itself would.

Pagefind cannot update an index, and a large site takes it half a minute, so the pages are split into shards by a
hash of their address (one shard up to ``SHARD_PAGES`` pages: every small site has one; at most ``MAX_SHARDS``)
and each shard's bundle is kept under ``<source>/.cache/search/<key>/``, the key being a digest of the shard's
pages (their output keys) and of the pagefind binary. A shard's pages are named to pagefind as one ``--glob``.
Editing one article re-indexes the few shards whose pages changed; the browser merges the shards listed in
``pagefind/shards.json``. Shards sit at ``pagefind/`` (the first, with the UI files) and ``pagefind/shard-N/``
(the index and fragments only).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import select
import shutil
import signal
import subprocess
import time
from contextlib import ExitStack, contextmanager, nullcontext
from pathlib import Path
from typing import Callable, Iterator, Mapping

from .files import digest, link_or_copy, remove, same_file, write_atomic
from .cache import notice
from .errors import ToolError
from .pool import dying_with_parent

BUNDLE = "pagefind"
MARK = b"data-pagefind-body"
# An edit re-indexes one shard (Pagefind takes about 2.5 ms a page), but every shard that lacks a searched word
# answers with pages matching a prefix of it (Pagefind backtracks), ranked above the real match: few shards keep
# results clean, small ones keep rebuilds quick. 250 pages and at most 16 shards is the compromise.
SHARD_PAGES = 250
MAX_SHARDS = 16
# The search page loads these from the first shard only; the others need just their index and fragments.
PRIMARY_ONLY = re.compile(r"pagefind(-component-ui|-modular-ui|-ui|-highlight|-worker)?\.(js|css)$|wasm\.")
GLOB_SAFE = re.compile(r"[A-Za-z0-9._~/-]+")  # paths Pagefind's --glob takes as they are
GLOB_LIMIT = 100_000  # one argument of a command line may hold at most 128 kB on Linux
KEEP_SECONDS = 7 * 24 * 3600  # cached shards unused for a week are removed
CHECKSUM = ".therapist-site.sum"  # beside a stored shard's files: what they must hash to, and their stat


def executable() -> Path:
    """The pagefind binary shipped by the pagefind-bin package (a dependency: ``pip install 'pagefind[bin]'``)."""
    try:
        from pagefind_bin import get_executable
    except ImportError as exc:  # a broken install, not a mistake in the sources
        raise ToolError("the pagefind binary, which builds the search index, is missing: install therapist-site "
                        "again, or run pip install 'pagefind[bin]' in its environment") from exc
    return get_executable()


def version() -> str:
    """What the index depends on besides the pages: the pagefind binary (asking pip's metadata costs 20 ms)."""
    binary = executable()
    stat = binary.stat()
    return f"{binary.name} {stat.st_size} {stat.st_mtime_ns}"


def facts(page: bytes) -> tuple[bool, str]:
    """What the index needs to know of a page's bytes: whether it is marked for the index, and their digest (which
    shard keys are made of)."""
    return MARK in page, hashlib.blake2b(page, digest_size=16).hexdigest()


def index(folder: Path, cache: Path | None = None, jobs: int = 2, previous: Path | None = None,
          keys: Mapping[str, str] | None = None) -> int:
    """Write the search bundle into ``folder``/pagefind, reusing cached shards; return how many pages it holds.

    ``previous``: the site being replaced; a bundle file with the same bytes there is linked, not written again.
    ``keys``: each output's cache key (equal keys, equal bytes), so pages need not be read again to be told apart.
    """
    with Indexing(folder, cache, jobs, previous, keys) as indexing:
        return indexing.finish()


class Indexing:
    """One index being made: its shards are started at once (as many pagefind processes as ``jobs``), moved on
    by ``poll`` while the caller does other work, and linked into the site by ``finish``. Leaving it early (an
    error elsewhere) stops the pagefind processes still running. Arguments as for ``index``, and ``known``: the
    facts of the pages whose maker found them (see ``indexed_pages``)."""

    def __init__(self, folder: Path, cache: Path | None = None, jobs: int = 2, previous: Path | None = None,
                 keys: Mapping[str, str] | None = None, known: Mapping[str, tuple[bool, str]] | None = None,
                 paths: list[str] | None = None):
        self.folder, self.cache, self.jobs, self.previous = folder, cache, max(1, jobs), previous
        self.keys, self.known, self.paths = keys, known, paths
        self.running: list[tuple[subprocess.Popen, Path, Path]] = []
        self.stack = ExitStack()

    def __enter__(self) -> "Indexing":
        try:
            self.store = self.stack.enter_context(_store(self.cache, self.folder))
            self.pages = indexed_pages(self.folder, self.keys, self.store if self.cache is not None else None,
                                       self.known, self.paths)
            self.shards = [shard for shard in split(self.pages) if shard]
            salt = f"pagefind {version()} shard v4".encode()
            self.digests = [digest(salt, *(part for rel, page in shard for part in (rel.encode(), page)))
                            for shard in self.shards]
            # Shards never stored are indexed at once; the stored ones are checked while pagefind runs.
            pairs = list(zip(self.digests, self.shards))
            self.stored = sorted((key, shard) for key, shard in pairs if (self.store / key).exists())
            self.missing = sorted((key, shard) for key, shard in pairs if not (self.store / key).exists())
            self.made = {key for key, _ in self.missing}  # indexed now, not taken from the store
            # Several pagefind processes at once share the cores: one thread each, or each starts a thread per core
            # and they take turns (alternating cold builds of 1,000 + 200: 2 % faster).
            self.threads = {"RAYON_NUM_THREADS": "1"} if len(self.missing) > 1 and self.jobs > 1 else {}
            self.poll()
        except BaseException:
            self.__exit__()  # what started stops
            raise
        return self

    def __exit__(self, *exc) -> None:
        for process, work, _ in self.running:  # an error in one shard, or elsewhere: stop the others
            process.kill()
            process.wait()
            shutil.rmtree(work, ignore_errors=True)
        self.running = []
        self.stack.close()

    def poll(self, wait: bool = False) -> None:
        """Start shards while fewer than ``jobs`` run, and finish those that ended; ``wait``: until all are done."""
        while True:
            while self.missing and len(self.running) < self.jobs:
                shard = self.missing.pop(0)
                # The last ones may take every core: they end alone, the others done.
                env = self.threads if len(self.missing) >= self.jobs else {}
                self.running.append(_start(self.folder, self.store, *shard, env=env))
            if self.stored:
                key, shard = self.stored.pop(0)
                if not _intact(self.store / key):
                    self.missing.append((key, shard))
                    self.made.add(key)
                continue
            ended = _ended(self.running, None if wait else 0)
            if not ended:
                return
            for at in sorted(ended, reverse=True):
                _finish(*self.running.pop(at))

    def finish(self) -> int:
        """Wait for every shard, then link the bundle into the site; return how many pages it holds."""
        self.poll(wait=True)
        folder, store, previous, digests = self.folder, self.store, self.previous, self.digests
        target = folder / BUNDLE
        present = _files_under(target)  # the spare site's bundle, which publishing leaves for this step
        for number, key in enumerate(digests):
            sub = f"shard-{number}/" if number else ""
            _link_tree(store / key, target / sub, previous / BUNDLE / sub if previous else None, primary=not number,
                       stored=key not in self.made, present=present)
            os.utime(store / key)  # in use: spared by the clean-up below
        listing = store / f".shards-{os.getpid()}.json"  # which shards the search page merges
        listing.write_text(json.dumps([f"shard-{n}/" for n in range(1, len(digests))]) + "\n")
        _place(str(_same(previous / BUNDLE / "shards.json", listing) if previous else listing),
               str(target / "shards.json"), present)
        listing.unlink()
        for file in present:  # what the spare's bundle held that this one does not
            remove(file)
        for top, _, _ in sorted(os.walk(target), key=lambda entry: -len(entry[0])):
            if top != str(target):
                try:
                    os.rmdir(top)  # only when empty: a shard folder no longer used
                except OSError:
                    pass
        if self.cache is not None:
            _prune(store, set(digests))
        self.stack.close()  # --no-cache: the work folder goes before the staged site is swapped in
        return len(self.pages)


def indexed_pages(folder: Path, keys: Mapping[str, str] | None = None, store: Path | None = None,
                  known: Mapping[str, tuple[bool, str]] | None = None,
                  paths: list[str] | None = None) -> list[tuple[str, bytes]]:
    """Return (path, digest of its bytes) of every page marked for the index (all pages when none is), by path.

    With ``keys`` (each output's cache key: equal keys, equal bytes), what a page's key stands for (whether it is
    marked, the digest of its bytes) is remembered in ``store``/marks.json: a rebuild reads only the pages it made
    anew, and a page made anew with the same bytes (a list whose cards did not change) leaves its shard as it was.
    ``known``: the ``facts`` of pages made now, found by the render workers that wrote them, so that no page is read
    again here (1,400 pages of a cold build: 0.1 s on one core, while Pagefind waited). ``paths``: every file of
    ``folder``, when the caller knows them.
    """
    listed = keys if keys is not None else paths
    if listed is None:
        found = sorted(file.relative_to(folder).as_posix() for file in folder.rglob("*.html"))
    else:
        found = sorted(rel for rel in listed if rel.endswith(".html"))
    known = known or {}
    remembered = _read_marks(store) if store is not None and keys is not None else {}
    marks: dict[str, list] = {}
    marked, every = [], []
    for rel in found:
        if rel.startswith((f"{BUNDLE}/", ".", "admin/")):  # admin/: the browser editor, never searched
            continue
        key = keys[rel] if keys is not None else None
        if key is not None and key in remembered:
            mark, page = remembered[key]
        elif rel in known:
            mark, page = known[rel]
        else:
            mark, page = facts((folder / rel).read_bytes())
        if key is not None:
            marks[key] = [mark, page]
        every.append((rel, page.encode()))
        if mark:
            marked.append((rel, page.encode()))
    if store is not None and keys is not None and marks != remembered:
        _write_marks(store, marks)
    return marked or every


def split(pages: list[tuple[str, bytes]]) -> list[list[tuple[str, bytes]]]:
    """Deal pages into shards by a hash of their path: a page stays in its shard while the site grows, until the
    number of shards doubles (a power of two at least pages / SHARD_PAGES, at most MAX_SHARDS)."""
    count = 1
    while count * SHARD_PAGES < len(pages) and count < MAX_SHARDS:
        count *= 2
    shards: list[list[tuple[str, bytes]]] = [[] for _ in range(count)]
    for rel, page in pages:
        shards[int.from_bytes(hashlib.blake2b(rel.encode(), digest_size=8).digest(), "big") % count].append(
            (rel, page))
    return shards


def _start(folder: Path, store: Path, key: str, shard: list[tuple[str, bytes]], env: Mapping[str, str] = {}):
    """Start pagefind over the pages of one shard, into ``store``/key (``env``: more of its environment).

    The shard's pages are named to pagefind as one --glob; a path the glob cannot carry as it is (or a glob too
    long for a command line) makes the shard a folder of links to its pages instead.
    """
    work = store / f".work-{key}-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    paths = [rel for rel, _ in shard]
    glob = "{" + ",".join(paths) + "}"
    if len(glob) < GLOB_LIMIT and all(GLOB_SAFE.fullmatch(rel) for rel in paths):
        site, options = folder, ["--glob", glob]
    else:
        site, options = work / "site", []
        for rel in paths:
            target = site / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            link_or_copy(folder / rel, target)
    work.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen([*dying_with_parent(), str(executable()), "--site", str(site), "--output-path",
                                str(work / "out"), "--silent", *options], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, env={**os.environ, **env} if env else None)
    return process, work, store / key


def _ended(running: list[tuple[subprocess.Popen, Path, Path]], timeout: float | None) -> list[int]:
    """Which of the running pagefind processes have closed their output, as each does when it ends, waiting up to
    ``timeout`` seconds (None: until one does): waiting for them in the order they started would leave a core idle
    while an earlier one still runs."""
    if not running:
        return []
    ready, _, _ = select.select([process.stdout for process, _, _ in running], [], [], timeout)
    return [i for i, (process, _, _) in enumerate(running) if process.stdout in ready]


def _finish(process: subprocess.Popen, work: Path, done: Path) -> None:
    try:
        output = process.communicate()[0].decode(errors="replace").strip()
        if process.returncode == -signal.SIGINT:  # Ctrl-C reached pagefind before this process: the build stops
            raise KeyboardInterrupt
        if process.returncode != 0 or not (work / "out" / "pagefind-entry.json").is_file():
            raise ToolError(f"pagefind could not index the site (exit {process.returncode}): {output}")
        _seal(work / "out")
        try:
            (work / "out").rename(done)  # whole or not at all: a killed build leaves only .work folders
        except OSError:
            pass  # another build stored the same shard first: its bundle is the same
    finally:
        shutil.rmtree(work, ignore_errors=True)


@contextmanager
def _store(cache: Path | None, folder: Path) -> Iterator[Path]:
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        yield cache
        return
    # --no-cache: work inside the staging folder itself, the one place a build may write besides the cache.
    work = folder / ".search-work"
    work.mkdir()
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _link_tree(source: Path, target: Path, previous: Path | None, primary: bool = True, stored: bool = True,
               present: set[str] | None = None) -> None:
    """Link one shard's bundle into the site, keeping the published file wherever the bytes are the same.

    Pagefind names index and fragment files by their content and its entry file names them all, so a shard taken
    whole from the store (``stored``) whose entry file is unchanged is the published shard: its files are linked
    without being compared one by one. A shard indexed again (perhaps because its stored files, which the site
    shares, were damaged) is compared file by file. ``present``: the files the staged site holds already (from
    the spare site), each taken out as it is put in place; one that is the very file wanted stays as it is.
    """
    present = set() if present is None else present
    unchanged = stored and previous is not None and _same(
        previous / "pagefind-entry.json", source / "pagefind-entry.json") != source / "pagefind-entry.json"
    root = str(source)  # paths as text: a shard has hundreds of files, and pathlib would cost more than the links
    for folder, _, files in os.walk(root):
        rel = folder[len(root) + 1:]
        destination = os.path.join(target, rel)
        os.makedirs(destination, exist_ok=True)
        for name in sorted(files):
            if not rel and (name == CHECKSUM or not primary and PRIMARY_ONLY.match(name)):
                continue
            file = os.path.join(folder, name)
            if previous is None:
                wanted = file
            elif unchanged:
                old = os.path.join(previous, rel, name)
                wanted = old if os.path.isfile(old) else file
            else:
                wanted = str(_same(Path(previous, rel, name), Path(file)))
            _place(wanted, os.path.join(destination, name), present)


def _place(file: str, target: str, present: set[str]) -> None:
    """Link ``file`` at ``target``, unless the staged site holds that very file there already."""
    if target in present:
        present.discard(target)
        if same_file(file, target):
            return
        remove(target)
    link_or_copy(file, target)


def _files_under(folder: Path) -> set[str]:
    return {os.path.join(top, name) for top, _, names in os.walk(folder) for name in names}


def _checksum(shard: Path) -> str:
    """A digest of every file of a stored shard, by path and bytes."""
    h = hashlib.blake2b(digest_size=16)
    for file in sorted(shard.rglob("*")):
        if file.is_file() and file.name != CHECKSUM:
            for part in (file.relative_to(shard).as_posix().encode(), file.read_bytes()):
                h.update(len(part).to_bytes(8, "little") + part)
    return h.hexdigest()


def _signature(shard: Path) -> dict[str, list[int]]:
    """Each file of a stored shard with its inode, size and modification time: while they all stay as they were,
    the files are the ones the checksum was taken of (as git trusts its index), and need not be read again."""
    found, root = {}, str(shard)
    for top, _, names in os.walk(root):
        for name in names:
            if name != CHECKSUM:
                path = os.path.join(top, name)
                stat = os.stat(path)
                found[path[len(root) + 1:]] = [stat.st_ino, stat.st_size, stat.st_mtime_ns]
    return found


def _seal(shard: Path) -> None:
    """Write a finished shard's checksum file: the digest of its files, and their signature."""
    (shard / CHECKSUM).write_text(json.dumps({"sum": _checksum(shard), "files": _signature(shard)}))


def _intact(shard: Path) -> bool:
    """Whether a stored shard can be used: it is there, whole, and its files are the ones pagefind wrote (read
    again only when one of them is not as it was left). A damaged one goes (said once, as a notice) and is
    indexed again."""
    if not (shard / CHECKSUM).exists() and not (shard / "pagefind-entry.json").exists():
        return False
    try:
        sealed = json.loads((shard / CHECKSUM).read_text())
        signature = _signature(shard)
        if sealed["files"] == signature:
            return True
        if sealed["sum"] == _checksum(shard):  # the same bytes in other files (a copied cache): remember them
            write_atomic(shard / CHECKSUM, json.dumps({"sum": sealed["sum"], "files": signature}).encode())
            return True
    except (OSError, ValueError, TypeError, KeyError):
        pass
    notice(shard / CHECKSUM)
    shutil.rmtree(shard, ignore_errors=True)
    return False


def _read_marks(store: Path) -> dict[str, list]:
    """{output key: [marked for the index, digest of the page's bytes]} as the last build left it."""
    try:
        data = json.loads((store / "marks.json").read_bytes())
        if not isinstance(data, dict) or not all(
                isinstance(value, list) and len(value) == 2 and isinstance(value[0], bool)
                and isinstance(value[1], str) for value in data.values()):
            raise ValueError("wrong shape")
        return data
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        notice(store / "marks.json")
        return {}


def _write_marks(store: Path, marks: dict[str, list]) -> None:
    write_atomic(store / "marks.json", json.dumps(marks, sort_keys=True).encode())


def _same(old: Path, new: Path) -> Path:
    """The published file when its bytes are the same as the new one (so an upload sees it unchanged), else new."""
    try:
        if old.stat().st_size == new.stat().st_size and old.read_bytes() == new.read_bytes():
            return old
    except OSError:
        pass
    return new


def _prune(store: Path, used: set[str]) -> None:
    cutoff = time.time() - KEEP_SECONDS
    for entry in store.iterdir():
        try:
            stale = entry.name not in used and entry.is_dir() and entry.stat().st_mtime < cutoff
        except OSError:
            continue
        if stale:
            shutil.rmtree(entry, ignore_errors=True)


class Step:
    """The search step of a build: indexing starts as soon as every page is in the staging folder (``made``), runs
    while the outputs after the pages (feeds, photos, files) are made, and is finished before the swap (``finish``,
    publish's finishing step). ``keys``: gives each output's cache key by path, once every page is made."""

    def __init__(self, options, paths: list[str], stage=None, keys: Callable[[], Mapping[str, str]] | None = None):
        from .pool import workers

        self.cache = options.source / ".cache" / "search" if options.cache else None
        self.previous, self.stage, self.keys, self.jobs = options.output, stage, keys, workers()
        self.paths = paths
        self.pages = max((n for n, path in enumerate(paths, 1) if path.endswith(".html")), default=0)
        self.known: dict[str, tuple[bool, str]] = {}  # the facts of the pages, as their makers handed them on
        self.indexing: Indexing | None = None
        self.stack = ExitStack()

    def __enter__(self) -> "Step":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Stop the pagefind processes still running (an error or Ctrl-C elsewhere in the build)."""
        self.stack.close()

    def made(self, count: int, staging: Path, output: tuple[str, object] | None = None) -> None:
        """``count`` outputs are in ``staging``, the last one ``output`` (path, what publishing was handed): the
        pages are all there once it passes the last of them."""
        if output is not None and getattr(output[1], "facts", None) is not None:
            self.known[output[0]] = output[1].facts
        if self.indexing is None:
            if count >= self.pages:
                self.indexing = self.stack.enter_context(Indexing(
                    staging, self.cache, self.jobs, self.previous, self.keys() if self.keys else None, self.known,
                    self.paths))
        else:
            self.indexing.poll()

    def finish(self, staging: Path) -> int:
        with self.stage("search index") if self.stage else nullcontext():
            try:
                self.made(self.pages, staging)
                return self.indexing.finish()
            except BaseException:  # the other shards stop before the staging folder goes
                self.close()
                raise
