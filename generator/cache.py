"""Cache stage: what an earlier build already made, so a rebuild redoes only what changed.

Everything lives under ``<source>/.cache/`` and is content-addressed: Markdown HTML is keyed by the source text
and the converter settings, each output file by a digest of the code, layouts, settings and options, the site's
light data, what its maker is handed and the long texts it read (``Keys``: derived, never declared). A key that
matches means the bytes would be the same, so a cached build never differs from a cold one; ``--no-cache``
neither reads nor writes any of it. Every file here is data, checked before use: a damaged one is ignored and
made again.
"""
from __future__ import annotations

import dataclasses
import io
import json
import os
import pickle
import re
import shutil
import sys
import time
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Mapping

from . import __version__, geo
from .models import LONG, shown
from .files import digest, write_atomic
from .publish import identity

PACKAGE = Path(__file__).parent
SPARE_DAYS = 7  # a spare site unused this long is removed
VENDOR = PACKAGE / "vendor"  # the browser editor's 6 MB: its checksum list stands for it (scripts/update-editor)


def tree_digest(*folders: Path, files: tuple[Path, ...] = (), skip: tuple[str, ...] = ()) -> str:
    """Digest the paths and bytes of every file under ``folders`` (and of ``files``), in sorted order; a
    subfolder named in ``skip`` is left out, and so are hidden files and __pycache__."""
    parts: list[str | bytes] = []
    left_out = {"__pycache__", *skip}
    for folder in folders:
        found = []
        for top, subfolders, names in os.walk(folder):
            subfolders[:] = [name for name in subfolders if name not in left_out]
            rel = os.path.relpath(top, folder)
            found += [(name if rel == "." else f"{rel}/{name}".replace(os.sep, "/"), os.path.join(top, name))
                      for name in names if not name.startswith(".")]
        for rel, file in sorted(found):
            try:
                with open(file, "rb") as handle:
                    parts += [rel, handle.read()]
            except (IsADirectoryError, FileNotFoundError):  # a link to a folder or to nothing: not a file
                continue
    for file in files:
        parts += [file.name, file.read_bytes() if file.is_file() else b""]
    return digest(*parts)


def code_digest(source: Path) -> str:
    """The generator's own code and theme plus the site's layouts: a change to any re-renders everything."""
    return digest(__version__, geo.VERSION,  # the ZIP code tables' version and digest stand for them
                  tree_digest(PACKAGE, files=tuple(sorted(VENDOR.rglob("SHA256SUMS"))), skip=("vendor", "data")),
                  tree_digest(source / "layouts"))


def light_digest(value, long: dict | None = None) -> str:
    """Digest every field of the site model except the long texts, which each output's key covers only for the
    objects its maker is handed (``reads_digest``) or read (``Keys``). ``long``, when given, is filled with every
    object that has long texts, by (kind, slug) and id."""
    buffer = io.BytesIO()
    pickler = _LightPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.long = long
    pickler.dump(value)
    return digest(buffer.getvalue())


class _LightPickler(pickle.Pickler):
    """Pickles the model with each dataclass as its light fields (and shown values), mappings sorted, and
    dates as text: pickle's C loop walks the model, and shared objects are written once."""

    _fields: dict[type, tuple[str, tuple[str, ...], bool]] = {}  #: name, light fields, whether it has long texts
    long: dict | None = None

    def reducer_override(self, obj):
        kind = type(obj)
        known = self._fields.get(kind)
        if known is None:
            if not dataclasses.is_dataclass(kind):
                if isinstance(obj, Mapping):
                    return tuple, (tuple(sorted(obj.items())),)
                if isinstance(obj, (datetime, date)):
                    return str, (obj.isoformat(),)
                return NotImplemented
            known = self._fields[kind] = (kind.__name__, _digested(kind, light=True), bool(kind.__dict__.keys() & LONG))
        name, names, has_long = known
        if has_long and self.long is not None:
            self.long.setdefault((name, obj.slug), {})[id(obj)] = obj
        return tuple, ((name, *(_ordered(getattr(obj, field)) for field in names)),)


def _ordered(value):
    """A set as a sorted tuple: pickle writes sets in hash order, which changes from run to run."""
    return tuple(sorted(value)) if isinstance(value, (set, frozenset)) else value


def heavy_digest(site) -> str:
    """Digest every long text of the site: the key part of outputs that did not say which texts they show."""
    texts = [a.html for a in site.articles] + [t.bio_html for t in site.therapists] + [p.html for p in site.pages]
    texts += [t.description_html for t in site.topics] + [g.bio_html for g in site.guest_authors]
    return digest(site.now.isoformat(), *texts)  # a layout of the site's own may show anything, even the time


class Cache:
    """The cache of one site folder for one output folder; inert when disabled (``--no-cache``).

    Every file in it is data that is checked before use: one that is missing, damaged, of the wrong shape or from
    another version is ignored (said once, see ``notice``) and made again, never trusted and never an error.
    """

    def __init__(self, source: Path, output: Path, enabled: bool = True):
        self.enabled = enabled
        self.folder = source / ".cache" / "build"
        self.manifest_file = self.folder / "outputs" / f"{digest(str(output.resolve()))}.json"
        self.markdown_file = self.folder / "markdown.pickle"
        self.parsed_file = self.folder / "parsed.pickle"
        self.files_file = self.folder / "files.pickle"
        self._markdown: dict[str, tuple[str, int]] | None = None
        self._parsed: dict | None = None
        self._parsed_used: dict = {}
        self._manifest: dict | None = None
        self._used: dict[str, tuple[str, int]] = {}
        self._files: dict[str, tuple] | None = None
        self._files_used: dict[str, tuple] = {}
        global _noticed
        _noticed = False

    def _data(self, file: Path, entry) -> dict:
        """A dict cache file whose every entry passes ``entry(key, value)``; {} (and a notice) when damaged."""
        if not self.enabled:
            return {}
        try:
            data = _load_data(file)
            if not isinstance(data, dict) or not all(isinstance(k, str) and entry(v) for k, v in data.items()):
                raise ValueError("wrong shape")
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            notice(file)
            return {}
        return data

    # Sources: each file's parsed front matter by its bytes (see load.load_document).
    def parsed(self) -> tuple[dict, dict]:
        """(what earlier builds parsed, where this build puts what it uses); both empty when disabled."""
        if self._parsed is None:
            from .load import RawDoc  # the cache keeps RawDocs as tuples of plain data

            rows = self._data(self.parsed_file, _is_raw_doc)
            self._parsed = {key: RawDoc(*row) for key, row in rows.items()}
        return self._parsed, self._parsed_used

    # Markdown: HTML by source text and settings.
    def markdown(self) -> dict[str, tuple[str, int]]:
        if self._markdown is None:
            self._markdown = self._data(self.markdown_file, lambda v: isinstance(v, tuple) and len(v) == 2
                                        and isinstance(v[0], str) and type(v[1]) is int)
        return self._markdown

    def remember_markdown(self, entries: dict[str, tuple[str, int]]) -> None:
        self._used = entries

    def file_digest(self, file: Path) -> str:
        """The digest of a file's bytes (see ``remembered``)."""
        return self.remembered(file, "digest", digest, lambda value: isinstance(value, str))

    def remembered(self, file: Path, what: str, compute: Callable[[bytes], object],
                   valid: Callable[[object], bool]) -> object:
        """``compute(the file's bytes)`` (plain data, or an exception), computed again only when the file's inode,
        size, mtime or ctime moved: an edit that keeps the size and sets the time back still moves the ctime.
        ``what`` names the computation; a remembered value that fails ``valid`` is computed again."""
        if not self.enabled:
            return compute(file.read_bytes())
        stat = file.stat()
        seen = (stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
        if self._files is None:
            self._files = self._data(self.files_file, lambda v: isinstance(v, tuple) and len(v) == 5)
        name = f"{what} {file}"
        known = self._files.get(name)
        found = known[4] if known and known[:4] == seen and valid(known[4]) else compute(file.read_bytes())
        self._files_used[name] = (*seen, found)
        return found

    def spare(self, output: Path) -> Path | None:
        """Where publishing keeps the site a build replaces, for the next build to stage in (see publish)."""
        return self.folder / "spare" / digest(str(output.resolve())) if self.enabled else None

    # Outputs: the manifest of the last build into this output folder.
    def manifest(self) -> dict:
        if not self.enabled:
            return {}
        if self._manifest is None:
            try:
                self._manifest = json.loads(self.manifest_file.read_bytes())
                if not _is_manifest(self._manifest):
                    raise ValueError("wrong shape")
            except FileNotFoundError:
                self._manifest = {}
            except (OSError, ValueError):
                notice(self.manifest_file)
                self._manifest = {}
        return self._manifest

    def forget(self, paths: list[str]) -> None:
        """Outputs changed outside a build (serve's quick preview): the next build makes them again."""
        last = self.manifest()
        if last:
            last["inputs"] = None  # not the site the last build made any more: no "nothing changed"
            for path in paths:
                last["pages"].pop(path, None)
            write_atomic(self.manifest_file, json.dumps(last, sort_keys=True).encode())

    def unchanged(self, inputs: str, output: Path, moment: datetime) -> dict | None:
        """Return the last build's summary when nothing it depends on changed, else None.

        Nothing changed when every source, layout and setting is the same, the output is still the one that build
        made, and no future-dated article has come out since.
        """
        last = self.manifest()
        if not last or last["inputs"] != inputs or identity(output) != last["output"]:
            return None
        until = last["valid_until"] or float("inf")
        if not last["built_at"] <= moment.timestamp() < until:
            return None
        return last["summary"]

    def reusable(self, keys: list[str], paths: list[str], output: Path) -> dict[int, Path]:
        """Outputs whose key matches the last build into ``output`` and whose file is as that build left it (the
        same inode, size and times): they are linked, not made again."""
        last = self.manifest()
        if not last or identity(output) != last["output"]:
            return {}
        before, stats = last["pages"], last["stats"]
        reuse = {}
        folder = os.fspath(output)
        for i, (path, key) in enumerate(zip(paths, keys)):
            if before.get(path) == key and _stat(os.path.join(folder, path)) == stats.get(path):
                reuse[i] = output / path
        return reuse

    def record(self, inputs: str, output: Path, paths: list[str], keys: list[str], reads: dict[str, list], site,
               result) -> None:
        """Remember this build: what it read, which output it made, each output's key, file and summary, and what
        each page of the built-in layouts read of the long texts (``Keys``)."""
        self.save({
            "inputs": inputs, "output": identity(output), "pages": dict(zip(paths, keys)), "reads": reads,
            "stats": {path: _stat(os.path.join(output, path)) for path in paths},
            "built_at": site.now.timestamp(),
            "valid_until": site.next_change.timestamp() if site.next_change else None,
            "summary": {"files": result.files, "pages": result.pages, "articles": result.articles,
                        "therapists": result.therapists,
                        "warnings": [[w.path, w.line, w.field, w.message, w.hint] for w in result.warnings]},
        })

    def save(self, manifest: dict) -> None:
        """Keep what this build used (so the cache never grows past one site's worth) and its manifest."""
        if not self.enabled:
            return
        self.folder.joinpath("outputs").mkdir(parents=True, exist_ok=True)
        if self._used != self._markdown:
            write_atomic(self.markdown_file, _dump_data(self._used))
        if self._parsed_used.keys() != (self._parsed or {}).keys():
            write_atomic(self.parsed_file, _dump_data({key: _raw_row(doc) for key, doc in self._parsed_used.items()}))
        if self._files_used != self._files:
            write_atomic(self.files_file, _dump_data(self._files_used))
        write_atomic(self.manifest_file, json.dumps(manifest, sort_keys=True).encode())
        self._prune_spares()

    def _prune_spares(self) -> None:
        """A spare site not staged in for a week (an output folder no longer built) is a whole site's worth of
        files once its published twin is gone: remove it."""
        cutoff = time.time() - SPARE_DAYS * 24 * 3600
        try:
            spares = list((self.folder / "spare").iterdir())
        except OSError:
            return
        for spare in spares:
            try:
                stale = spare.stat().st_mtime < cutoff  # publish touches a spare when it puts one there
            except OSError:
                continue
            if stale:
                shutil.rmtree(spare, ignore_errors=True)


def logo_file(source: Path) -> tuple[Path, ...]:
    """The logo named in site.yaml (a file outside content/ that a build reads), found without parsing YAML."""
    try:
        found = re.search(r"^logo:\s*[\"']?([^\"'#\n]+?)[\"']?\s*(#.*)?$", (source / "site.yaml").read_text("utf-8"),
                          re.MULTILINE)
    except (OSError, UnicodeDecodeError):
        return ()
    return (source / found.group(1),) if found else ()


_noticed = False


def notice(file: Path) -> None:
    """Say once per build that a damaged cache file was ignored; what it held is made again."""
    global _noticed
    if not _noticed:
        _noticed = True
        where = file.as_posix()
        where = where[where.index(".cache/"):] if ".cache/" in where else where
        print(f"therapist-site: notice: ignored a damaged cache file ({where}); what it held is made again",
              file=sys.stderr)


def _stat(file: str) -> list[int] | None:
    try:
        stat = os.stat(file)
    except OSError:
        return None
    return [stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns]


def _raw_row(doc) -> tuple:
    return (doc.path, doc.kind, doc.data, doc.lines, doc.body, doc.body_line)


def _is_raw_doc(row) -> bool:
    return (isinstance(row, tuple) and len(row) == 6 and isinstance(row[0], str) and isinstance(row[1], str)
            and isinstance(row[2], dict) and isinstance(row[3], dict) and isinstance(row[4], str)
            and type(row[5]) is int)


def _is_manifest(data) -> bool:
    """The shape of a manifest: anything else is a damaged one."""
    try:
        summary = data["summary"]
        return (isinstance(data["inputs"], (str, type(None))) and isinstance(data["output"], (str, type(None)))
                and isinstance(data["pages"], dict) and all(isinstance(v, str) for v in data["pages"].values())
                and isinstance(data.get("reads", {}), dict) and all(
                    isinstance(v, list) and all(isinstance(r, list) and len(r) == 3 and all(
                        isinstance(part, str) for part in r) for r in v) for v in data.get("reads", {}).values())
                and isinstance(data["stats"], dict)
                and all(v is None or (isinstance(v, list) and len(v) == 4) for v in data["stats"].values())
                and isinstance(data["built_at"], (int, float))
                and isinstance(data["valid_until"], (int, float, type(None)))
                and all(type(summary[k]) is int for k in ("files", "pages", "articles", "therapists"))
                and all(isinstance(w, list) and len(w) == 5 for w in summary["warnings"]))
    except (KeyError, TypeError):
        return False


def inputs_digest(options) -> str:
    """Digest everything a build reads: the sources, the layouts, the code and every option."""
    source = options.source
    return digest(code_digest(source), tree_digest(source / "content", source / "therapists",
                                                   files=(source / "site.yaml", *logo_file(source))),
                  repr(dataclasses.replace(options, cache=True)))  # every option, present and future


class Keys:
    """One key per output: equal keys mean equal bytes, so an output whose key did not change is reused.

    Nothing is declared: a key covers the code, every layout and the site's settings and light data (all of which
    any page may show), plus what its maker was handed (``Job.reads``). A page of the built-in layouts is handed
    a context made from that light data (render.plan keys the context too if making it read a long text), and
    its key covers the long texts it read the last time it was made (``models.reading``): the page is made again
    when one of those changed, and then keyed on what it read this time. Any other maker's key covers what it is
    handed whole. A page whose layouts the site overrides may read anything, so its ``reads`` is None and its key
    covers every long text of the site. A copied file is keyed by its bytes.
    """

    def __init__(self, site, jobs, source: Path, cache: Cache):
        self.jobs = jobs
        code = code_digest(source)
        self.long: dict[tuple[str, str], dict[int, object]] = {}  # objects with long texts, by (kind, slug)
        # The unpublished articles are named for messages only (cli, links): no page shows them, so an edit of one
        # keys nothing again; when the next of them comes out, the site changes (next_change).
        unpublished = replace(site, now=None, scheduled=(), drafts=())
        self.base = digest(code, light_digest(unpublished, self.long), site.updated.isoformat(),
                           site.next_change.isoformat() if site.next_change else "")
        self.texts: dict[tuple[str, str, str], tuple[str, str, str, str]] = {}
        self.last: dict[str, list] = cache.manifest().get("reads", {})  # what each page read when last made
        everything = None
        memo: dict[int, str] = {}  # model objects' digests, whole
        light: dict[int, str] = {}  # and light
        self.handed: dict[int, str] = {}  # a noted page's key without the long texts it read
        keys = []
        for i, job in enumerate(jobs):
            if isinstance(job.make, Path):
                keys.append(digest(job.path, _file_digest(job.make, cache)))
            elif isinstance(job.make, bytes):
                keys.append(digest(job.path, job.make))
            else:
                made_from = _file_digest(job.file, cache) if job.file else ""
                if job.reads is None:
                    everything = everything or heavy_digest(site)
                    keys.append(digest(self.base, job.path, made_from, everything))
                elif job.noted:
                    self.handed[i] = digest(self.base, job.path, made_from, reads_digest(job.reads, light, light=True))
                    keys.append(self._noted(i, self.last.get(job.path)))
                else:
                    keys.append(digest(self.base, job.path, made_from, reads_digest(job.reads, memo)))
        self.before = keys  #: each output's key as the last build would have it: equal, reused

    def _noted(self, i: int, read: list | None) -> str:
        if read is None:  # never made (or not recorded): a key no build has
            return digest(self.handed[i], "not made before")
        return digest(self.handed[i], repr(sorted(self._text(*entry) for entry in read)))

    def _text(self, kind: str, slug: str, name: str) -> tuple[str, str, str, str]:
        """One long text (or shown value) read, with the digest of it as the site has it now: of each object of
        that kind and slug."""
        found = self.texts.get((kind, slug, name))
        if found is None:
            values = sorted(digest(value) if isinstance(value := getattr(obj, name), str) else reads_digest(value)
                            for obj in self.long.get((kind, slug), {}).values())
            found = self.texts[(kind, slug, name)] = (kind, slug, name, digest(*values) if values else "none")
        return found

    def settle(self, read: Mapping[int, frozenset]) -> list[str]:
        """The keys of this build's outputs, once every output is made (kept as ``after``): a page made now is
        keyed on what it read now (``read``, by job)."""
        self.after = [self._noted(i, sorted(read[i])) if i in read and i in self.handed else key
                      for i, key in enumerate(self.before)]
        return self.after

    def reads(self, read: Mapping[int, frozenset]) -> dict[str, list]:
        """What each noted page read when it was made: now, or as the last build recorded it."""
        found = {}
        for i in self.handed:
            path = self.jobs[i].path
            noted = sorted(map(list, read[i])) if i in read else self.last.get(path)
            if noted is not None:
                found[path] = noted
        return found


def _file_digest(file: Path, cache: Cache) -> str:
    return cache.file_digest(file) if cache.enabled else digest(file.read_bytes())


def reads_digest(value, memo: dict[int, str] | None = None, light: bool = False) -> str:
    """Digest everything in ``value`` (model objects whole, long texts included; with ``light``, without them);
    ``memo`` keeps each model object's digest by id while the objects live, so one shown on many pages is digested
    once (a memo serves one kind, whole or light)."""
    buffer = io.BytesIO()
    _ReadsPickler(buffer, {} if memo is None else memo, light).dump(value)
    return digest(buffer.getvalue())


class _ReadsPickler(pickle.Pickler):
    """Pickles a maker's reads with each model object as the digest of its fields (kept in ``digests`` by id), so
    that an object on many pages is pickled once. Called for every tuple, list and dict too: those of the plain
    types go straight back to pickle's C loop."""

    _fields: dict[tuple[type, bool], tuple[str, ...] | None] = {}  #: a dataclass's fields to digest; None: no dataclass

    def __init__(self, file, memo: dict[int, str], light: bool = False):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.digests, self.light = memo, light

    def reducer_override(self, obj):
        kind = type(obj)
        if kind in _PLAIN:
            return NotImplemented
        try:
            names = self._fields[kind, self.light]
        except KeyError:
            names = self._fields[kind, self.light] = _digested(kind, self.light)
        if names is not None:
            found = self.digests.get(id(obj))
            if found is None:
                fields = tuple(_ordered(getattr(obj, name)) for name in names)
                found = self.digests[id(obj)] = reads_digest((kind.__name__, fields), self.digests, self.light)
            return str, (found,)
        if isinstance(obj, Mapping) and not isinstance(obj, dict):
            return tuple, (tuple(sorted(obj.items())),)
        if isinstance(obj, (datetime, date)):
            return str, (obj.isoformat(),)
        return NotImplemented


def _digested(kind: type, light: bool) -> tuple[str, ...] | None:
    """The attributes of a model class that a digest covers: all its fields, or its light ones and the short
    values shown of its long ones (models.shown: the reading time of an article)."""
    if not dataclasses.is_dataclass(kind):
        return None
    if not light:
        return tuple(f.name for f in dataclasses.fields(kind))
    return tuple(f.name for f in dataclasses.fields(kind) if f.name not in LONG) + tuple(
        shown(kind))


_PLAIN = frozenset({tuple, list, dict})  # pickled as they are (a dict in its order: another order only misses)


class _DataOnly(pickle.Unpickler):
    """Unpickles plain data only (dicts, lists, tuples, text, numbers): a cache file names no class or function,
    so loading a crafted one runs no code."""

    def find_class(self, module, name):
        raise pickle.UnpicklingError(f"the cache holds only data, not {module}.{name}")


def _load_data(file: Path):
    """What a data file of the cache holds; FileNotFoundError when there is none, ValueError when it is damaged."""
    data = file.read_bytes()
    try:
        return _DataOnly(io.BytesIO(data)).load()
    except Exception as exc:  # truncated, garbage, or naming code: never an error, only a cold start
        raise ValueError(str(exc)) from None


def _dump_data(value) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
