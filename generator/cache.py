"""Cache stage: what an earlier build already made, so a rebuild redoes only what changed.

Everything lives under ``<source>/.cache/build/`` and is content-addressed: Markdown HTML is keyed by the source
text and the converter settings, each output file by a digest of everything it shows (the site's light data,
the code and layouts, and the long texts it includes). A key that matches means the bytes would be the same, so a
cached build never differs from a cold one; ``--no-cache`` neither reads nor writes any of it.
"""
from __future__ import annotations

import dataclasses
import io
import json
import pickle
import re
import shutil
import time
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Mapping

from . import __version__, geo
from .files import digest, write_atomic
from .publish import identity

HEAVY = frozenset({"html", "body", "bio", "bio_html", "description_html", "words"})  # keyed per output
# What lists show of a long text: a word count moves with every edit, the reading time shown on cards rarely.
SHOWN = ("reading_minutes",)
PACKAGE = Path(__file__).parent
SPARE_DAYS = 7  # a spare site unused this long is removed
VENDOR = PACKAGE / "vendor"  # the browser editor's 6 MB: its checksum list stands for it (scripts/update-editor)


def tree_digest(*folders: Path, files: tuple[Path, ...] = (), skip: tuple[str, ...] = ()) -> str:
    """Digest the paths and bytes of every file under ``folders`` (and of ``files``), in sorted order; a
    subfolder named in ``skip`` is left out."""
    parts: list[str | bytes] = []
    for folder in folders:
        for file in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if file.is_file() and not {"__pycache__", *skip} & set(file.relative_to(folder).parts) \
                    and not file.name.startswith("."):
                parts += [file.relative_to(folder).as_posix(), file.read_bytes()]
    for file in files:
        parts += [file.name, file.read_bytes() if file.is_file() else b""]
    return digest(*parts)


def code_digest(source: Path) -> str:
    """The generator's own code and theme plus the site's layouts: a change to any re-renders everything."""
    return digest(__version__, geo.VERSION,
                  tree_digest(PACKAGE, files=tuple(sorted(VENDOR.rglob("SHA256SUMS"))), skip=("vendor",)),
                  tree_digest(source / "layouts"))


def light_digest(value) -> str:
    """Digest every field of the site model except the long texts, which outputs declare one by one."""
    buffer = io.BytesIO()
    _LightPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return digest(buffer.getvalue())


class _LightPickler(pickle.Pickler):
    """Pickles the model with each dataclass as its light fields (and SHOWN properties), mappings sorted, and
    dates as text: pickle's C loop walks the model, and shared objects are written once."""

    _fields: dict[type, tuple[str, ...]] = {}

    def reducer_override(self, obj):
        kind = type(obj)
        names = self._fields.get(kind)
        if names is None:
            if not dataclasses.is_dataclass(kind):
                if isinstance(obj, Mapping):
                    return tuple, (tuple(sorted(obj.items())),)
                if isinstance(obj, (datetime, date)):
                    return str, (obj.isoformat(),)
                return NotImplemented
            names = self._fields[kind] = tuple(f.name for f in dataclasses.fields(kind) if f.name not in HEAVY) + \
                tuple(name for name in SHOWN if hasattr(kind, name))
        return tuple, ((kind.__name__, *(_ordered(getattr(obj, name)) for name in names)),)


def _ordered(value):
    """A set as a sorted tuple: pickle writes sets in hash order, which changes from run to run."""
    return tuple(sorted(value)) if isinstance(value, (set, frozenset)) else value


def heavy_digest(site) -> str:
    """Digest every long text of the site: the key part of outputs that did not say which texts they show."""
    texts = [a.html for a in site.articles] + [t.bio_html for t in site.therapists] + [p.html for p in site.pages]
    texts += [t.description_html for t in site.topics] + [g.bio_html for g in site.guest_authors]
    return digest(*texts)


class Cache:
    """The cache of one site folder for one output folder; inert when disabled (``--no-cache``)."""

    def __init__(self, source: Path, output: Path, enabled: bool = True):
        self.enabled = enabled
        self.folder = source / ".cache" / "build"
        self.manifest_file = self.folder / "outputs" / f"{digest(str(output.resolve()))}.json"
        self.markdown_file = self.folder / "markdown.pickle"
        self.parsed_file = self.folder / "parsed.pickle"
        self._markdown: dict[str, tuple[str, int]] | None = None
        self._parsed: dict | None = None
        self._parsed_used: dict = {}
        self._manifest: dict | None = None
        self._used: dict[str, tuple[str, int]] = {}

    # Sources: each file's parsed front matter by its bytes (see load.load_document).
    def parsed(self) -> tuple[dict, dict]:
        """(what earlier builds parsed, where this build puts what it uses); both empty when disabled."""
        if self._parsed is None:
            self._parsed = _read_pickle(self.parsed_file) if self.enabled else {}
        return self._parsed, self._parsed_used

    # Markdown: HTML by source text and settings.
    def markdown(self) -> dict[str, tuple[str, int]]:
        if self._markdown is None:
            self._markdown = _read_pickle(self.markdown_file) if self.enabled else {}
        return self._markdown

    def remember_markdown(self, entries: dict[str, tuple[str, int]]) -> None:
        self._used = entries

    def spare(self, output: Path) -> Path | None:
        """Where publishing keeps the site a build replaces, for the next build to stage in (see publish)."""
        return self.folder / "spare" / digest(str(output.resolve())) if self.enabled else None

    # Outputs: the manifest of the last build into this output folder.
    def manifest(self) -> dict:
        if not self.enabled:
            return {}
        if self._manifest is None:
            try:
                self._manifest = json.loads(self.manifest_file.read_text())
            except (OSError, ValueError):
                self._manifest = {}
        return self._manifest

    def forget(self, paths: list[str]) -> None:
        """Outputs changed outside a build (serve's quick preview): the next build makes them again."""
        last = self.manifest()
        if last:
            last["inputs"] = None  # not the site the last build made any more: no "nothing changed"
            for path in paths:
                last.get("pages", {}).pop(path, None)
            write_atomic(self.manifest_file, json.dumps(last, sort_keys=True).encode())

    def unchanged(self, inputs: str, output: Path, moment: datetime) -> dict | None:
        """Return the last build's summary when nothing it depends on changed, else None.

        Nothing changed when every source, layout and setting is the same, the output is still the one that build
        made, and no future-dated article has come out since.
        """
        last = self.manifest()
        if not last or last.get("inputs") != inputs or identity(output) != last.get("output"):
            return None
        until = last.get("valid_until") or float("inf")
        if not last.get("built_at", float("inf")) <= moment.timestamp() < until:
            return None
        return last.get("summary")

    def reusable(self, keys: list[str], paths: list[str], output: Path) -> dict[int, Path]:
        """Outputs whose key matches the last build into ``output``: they are linked, not made again."""
        last = self.manifest()
        if not last or identity(output) != last.get("output"):
            return {}
        before = last.get("pages", {})
        return {i: output / path for i, (path, key) in enumerate(zip(paths, keys))
                if before.get(path) == key and (output / path).is_file()}

    def record(self, inputs: str, output: str | None, paths: list[str], keys: list[str], site, result) -> None:
        """Remember this build: what it read, which output it made, each output's key and its summary."""
        self.save({
            "inputs": inputs, "output": output, "pages": dict(zip(paths, keys)),
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
            write_atomic(self.markdown_file, pickle.dumps(self._used, protocol=pickle.HIGHEST_PROTOCOL))
        if self._parsed_used.keys() != (self._parsed or {}).keys():
            write_atomic(self.parsed_file, pickle.dumps(self._parsed_used, protocol=pickle.HIGHEST_PROTOCOL))
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


def inputs_digest(options) -> str:
    """Digest everything a build reads: the sources, the layouts, the code and the options."""
    source = options.source
    return digest(code_digest(source), tree_digest(source / "content", source / "therapists",
                                                   files=(source / "site.yaml", *logo_file(source))),
                  repr((options.drafts, options.base_url, options.strict)))


def output_keys(site, jobs, source: Path) -> list[str]:
    """One key per output: equal keys mean equal bytes, so an output whose key did not change is reused."""
    base = digest(code_digest(source), light_digest(replace(site, now=None)), site.updated.isoformat())
    everything = heavy_digest(site)
    keys = []
    for job in jobs:
        if isinstance(job.make, Path):  # a file copied as it is: its size and time stand for its bytes
            stat = job.make.stat()
            keys.append(digest(job.path, str(job.make), str(stat.st_size), str(stat.st_mtime_ns)))
        elif isinstance(job.make, bytes):
            keys.append(digest(job.path, job.make))
        else:
            keys.append(digest(base, job.path, everything if job.heavy is None else digest(*job.heavy)))
    return keys


def _read_pickle(file: Path) -> dict:
    try:
        data = pickle.loads(file.read_bytes())
        return data if isinstance(data, dict) else {}
    except Exception:  # a cache from another version or a torn write is only a cold start, never an error
        return {}
