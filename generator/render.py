"""Render stage: the frozen Site -> outputs {path in the output folder: bytes, or a source file to copy}.

Nothing is written here, except that the workers making pages hand each one to publish.write (which owns the
rules of the staging folder) when they are given one, so that file creation runs on all cores. Jinja2 runs with autoescape and StrictUndefined, so every value from YAML is
escaped and a template typo fails the build instead of printing nothing. A site's own ``layouts/`` folder
overrides any built-in template or asset of the same name.
"""
from __future__ import annotations

import json
import traceback
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable, Iterator

import jinja2
from jinja2 import meta, nodes
from jinja2.ext import Extension

from . import editor, feeds, geo, icons, images, jsonld, photos, search
from .aliases import REDIRECTS, redirects_file
from .cache import reads_digest
from .facets import YES_NO, slugs_of, state_name
from .markup import excerpt
from .errors import Problem, SiteError
from .models import Site, note, reading
from .pool import MIN_ITEMS, ordered_map, share, shared
from .site import generated_collisions
from .publish import WRITTEN, Reuse, Written, write
from .routes import numbered, output_path, pages, sitemap, url_for
from .slugs import slugify

THEME = Path(__file__).parent / "layouts"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
Output = bytes | Path
TEMPLATE_SUFFIXES = (".html", ".xml", ".txt", ".json")
DESCRIPTION_WORDS = 30  # about the 160 characters search engines show


def human_date(moment) -> str:
    """Format a date the same way on every machine, whatever its locale: 'October 5, 2026'."""
    return f"{MONTHS[moment.month - 1]} {moment.day}, {moment.year}"


class _Compiled(jinja2.BytecodeCache):
    """Templates compiled earlier in this process, by file and source text, for one site configuration (Jinja
    applies filters to constants while compiling: ``'/sitemap.xml' | absolute`` is compiled into the address): a
    process that builds many times (serve, the tests) compiles each template once. Kept in memory only: compiled
    code is never read from the cache folder, where loading it would run whatever a crafted file holds."""

    def __init__(self) -> None:
        self.code: dict[str, tuple[str, object]] = {}

    def load_bytecode(self, bucket) -> None:
        found = self.code.get(bucket.key)
        if found is not None and found[0] == bucket.checksum:
            bucket.code = found[1]

    def dump_bytecode(self, bucket) -> None:
        self.code[bucket.key] = (bucket.checksum, bucket.code)


_COMPILED: dict[str, _Compiled] = {}  # by the configuration the filters are bound to; the same settings otherwise


def _compiled(config) -> _Compiled:
    if len(_COMPILED) > 8:  # serve after many edits of site.yaml: forget the older ones
        _COMPILED.clear()
    return _COMPILED.setdefault(repr(config), _Compiled())


class Memo(Extension):
    """``{% memo a, b %}...{% endmemo %}``: the part made once per build for the same arguments, the same object
    (by identity) or the same plain value, and shown again as made: for a part that shows nothing but its
    arguments and the site, like a therapist's card (on the directory, its facet pages and the topics: 4,000
    cards of 200 therapists, a fifth of the rendering time) or an article's. What the part read of the long texts
    is noted again each time it is shown (models.reading), so the page's key covers it as if it were made there."""

    tags = {"memo"}

    def __init__(self, environment: jinja2.Environment):
        super().__init__(environment)
        environment.extend(memo={})  # per environment, and so per build

    def parse(self, parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        args = [parser.parse_expression()]
        while parser.stream.skip_if("comma"):
            args.append(parser.parse_expression())
        body = parser.parse_statements(("name:endmemo",), drop_needle=True)
        where = nodes.Const(f"{parser.name}:{lineno}")
        return nodes.CallBlock(self.call_method("_made", [where, nodes.List(args)]), [], [], body).set_lineno(lineno)

    def _made(self, where: str, args: list, caller) -> str:
        key = (where, *(arg if type(arg) in PLAIN else (type(arg), id(arg)) for arg in args))
        found = self.environment.memo.get(key)
        if found is None:
            with reading() as read:
                made = caller()
            # The arguments are kept with it: an object's id stays its own while the memo lasts.
            found = self.environment.memo[key] = (made, frozenset(read), args)
        note(found[1])
        return found[0]


PLAIN = (str, int, float, bool, type(None))


def environment(source: Path, site: Site) -> jinja2.Environment:
    """The Jinja2 environment, with the templates this process compiled already (``_Compiled``)."""
    env = _templates(source, site.config)
    config = site.config
    env.globals.update(site=site, config=config, jsonld=jsonld, url_for=url_for, numbered=numbered,
                       sitemap=sitemap, editor_policy=editor.policy,
                       yes_no=YES_NO,  # the facets shown as checkboxes
                       near_you=geo.placed(site.therapists))  # the directory's ZIP code box: some office is placed
    return env


def compile_templates(source: Path, config) -> None:
    """Compile every template ahead of rendering, into this process's memory (``_Compiled``), where the render
    workers forked later find them instead of each compiling the shared parts again: a cold build does it while
    the Markdown workers convert. A template with a mistake is left for the page that uses it to report."""
    env = _templates(source, config)
    for name in env.list_templates(filter_func=lambda name: name.endswith(TEMPLATE_SUFFIXES)):
        if not name.startswith("static/"):
            try:
                env.get_template(name)
            except jinja2.TemplateError:
                pass


def _templates(source: Path, config) -> jinja2.Environment:
    """The environment's templates and filters: what compiling them depends on (the settings, not the site).

    Each build makes its own environment, so none asks the disk whether a template changed since it was loaded
    (``auto_reload``: a stat of the file at every page, include and import, 7,000 per cold build)."""
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(source / "layouts"), jinja2.FileSystemLoader(THEME)]),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True, bytecode_cache=_compiled(config), extensions=[Memo], auto_reload=False,
    )
    env.filters.update(
        url=config.url, absolute=config.absolute, human_date=human_date,
        isodate=lambda moment: moment.isoformat(), tojson_ld=_json_ld,
        slugify=slugify, state_name=state_name, facet_slugs=slugs_of,
        excerpt=partial(excerpt, words=DESCRIPTION_WORDS),  # a description nobody wrote: the first words
        sized=_sized,
    )
    return env


@jinja2.pass_context
def _sized(context, html: str) -> str:
    """The photos of a text in web sizes (photos.sized), from the pictures of the page's environment. Bound to
    the page's context, so that Jinja never applies it to a constant while compiling: compiled templates serve
    every build of the same settings in this process (``_Compiled``), and each build has its own pictures."""
    pictures = context.get("pictures")
    return photos.sized(html, pictures, context["config"].url) if pictures else html


def _json_ld(data) -> str:
    """Serialize JSON-LD for a <script> element: '<', '>' and '&' escaped so no text can close the element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=None)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def template_problem(exc: jinja2.TemplateError, template: str, source: Path) -> Problem:
    """Name the layout file and line of a template mistake (usually in the site's own layouts/ override)."""
    filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", 0) or 0
    if not filename:  # an error while rendering: the innermost template frame of the traceback says where
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(TEMPLATE_SUFFIXES)]
        filename, line = (frames[-1].filename, frames[-1].lineno) if frames else (template, 0)
    try:
        where = Path(filename).resolve().relative_to(source.resolve()).as_posix()
    except ValueError:
        where = f"layouts/{Path(filename).name} (built-in)"
    return Problem(where, line, "", f"template error while rendering {template}: {exc.message}",
                   "check the {{ }} and {% %} tags on this line; names available to templates are in models.py")


@dataclass(frozen=True, slots=True)
class Job:
    """One output file: how to make it, and what its maker is handed besides the site's light data.

    ``reads`` is derived where the job is made, never declared beside it: what a page is handed besides the site
    (its address, and the photos every template may show; its context too when planning it read a long text), a
    feed's articles. None: it may read anything (a layout the site overrides).
    The cache keys each output on it (cache.Keys).
    """

    path: str
    make: Callable[[], bytes] | bytes | Path
    reads: object = None
    file: Path | None = None  #: a source file whose bytes it is made from (keyed by its bytes, like a copy)
    #: work that many outputs share (compiling their template), done once before the workers fork so that each
    #: inherits it instead of doing it again; a partial, equal ones done once
    prepare: partial | None = None
    #: True for a page of the built-in layouts or a feed: its key covers the long texts it reads while it is made
    #: (models.reading), not all those of the objects it is handed (cache.Keys)
    noted: bool = False

    def run(self) -> Output:
        return self.make() if callable(self.make) else self.make


def render(site: Site, source: Path) -> Iterator[tuple[str, Output]]:
    """Yield every output of the site in a fixed order, one page at a time, writing nothing (no cache)."""
    for job in plan(site, source, cache=False):
        yield job.path, job.run()


def render_changed(jobs: list[Job], reused: dict[int, Path], into: tuple[Path, Path] | None = None,
                   read: dict[int, frozenset] | None = None) -> Iterator[tuple[str, Output | Reuse | Written]]:
    """Yield every output in order: reused ones as links to the last build, the others made on all cores.

    Pages stream out as workers finish them, so memory holds a few pages at a time, not the whole site. With
    ``into`` (the staging folder and the published output), workers write their pages there themselves
    (publish.write) and hand on WRITTEN. ``read`` is filled with what each page made read of the long texts (by
    its index in ``jobs``), for its key.
    """
    share(jobs=jobs, into=into)
    todo = [i for i, job in enumerate(jobs) if i not in reused and callable(job.make)]
    if len(todo) >= MIN_ITEMS:  # made on all cores: shared work once here, so that the workers inherit it
        for func, args in {(p.func, p.args) for i in todo if (p := jobs[i].prepare) is not None}:
            func(*args)
    made = ordered_map(_run_shared, todo)
    for i, job in enumerate(jobs):
        if i in reused:
            yield job.path, Reuse(reused[i])
        elif callable(job.make):
            output, noted = next(made)
            if read is not None and job.noted:
                read[i] = noted
            yield job.path, output
        else:
            yield job.path, job.make


def _overrides(source: Path) -> frozenset[str]:
    """The names of the templates the site's own layouts/ folder replaces."""
    folder = source / "layouts"
    return frozenset(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) \
        if folder.is_dir() else frozenset()


def _reads_any_text(env: jinja2.Environment, overridden: frozenset[str]) -> dict[str, bool]:
    """Which templates may read more than their context: the template, or one it extends, includes or imports, is
    one of the site's own (which can show any text of the site), or it names one only known when it renders.
    A site that overrides nothing has none, and its templates need not be parsed here."""
    if not overridden:
        return {}
    references: dict[str, tuple[str | None, ...] | None] = {}  # each template parsed once; None: it does not parse

    def referenced(name: str) -> tuple[str | None, ...] | None:
        if name not in references:
            try:
                tree = env.parse(env.loader.get_source(env, name)[0])
                references[name] = tuple(meta.find_referenced_templates(tree))
            except jinja2.TemplateError:
                references[name] = None
        return references[name]

    def reads_any(name: str) -> bool:
        seen, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            found = referenced(current) if current not in overridden else None
            if found is None or None in found:
                return True
            todo.extend(found)
        return False

    return {name: reads_any(name) for name in env.list_templates()}


def _compile(env: jinja2.Environment, template: str) -> None:
    """Compile a template ahead of its pages; a mistake in it is reported by the first page that uses it."""
    try:
        env.get_template(template)
    except jinja2.TemplateError:
        pass


def _run_shared(index: int) -> tuple[Output | Written, frozenset]:
    job, into = shared("jobs")[index], shared("into")
    with reading() as noted:
        data = job.run()
    noted = frozenset(noted) if job.noted else frozenset()
    if into is not None and isinstance(data, bytes) and write(*into, job.path, data):
        # A page's facts are found here, on all cores, so that search need not read the page again.
        return (Written(search.facts(data)) if job.path.endswith(".html") else WRITTEN), noted
    return data, noted


def _page(env: jinja2.Environment, source: Path, template: str, url: str, context: dict) -> bytes:
    try:
        return env.get_template(template).render(page_url=url, **context).encode()
    except jinja2.TemplateError as exc:
        raise SiteError([template_problem(exc, template, source)]) from None


def page_environment(site: Site, source: Path, remembered: photos.Remember = photos.read_now) -> jinja2.Environment:
    """The environment pages render in: templates and every photo's sizes (``remembered``: see photos.prepare)."""
    env = environment(source, site)
    pictures = {**photos.prepare(site, source, remembered),  # <picture>; unreadable photos fail here
                **photos.in_text(site, source, remembered)}  # the photos in articles' texts, in web sizes
    env.globals.update(pictures=pictures)  # what ``sized`` offers
    return env


def article_path(article) -> str:
    return output_path(article.url)


def article_page(env: jinja2.Environment, source: Path, article) -> bytes:
    """An article's page (serve's quick preview renders one alone, with the same call)."""
    return _page(env, source, "article.html", article.url, {"article": article})


def plan(site: Site, source: Path, cache: bool = True, remembered: photos.Remember = photos.read_now) -> Iterator[Job]:
    """Describe every output of the site in a fixed order, without making any yet; raise a SiteError when a file in
    content/ would land on a generated file or is a picture over the limits (images.py). ``remembered``: the
    cache's memo of what unchanged files gave (cache.Cache.remembered)."""
    generated = list(_generated(site, source, cache, remembered))
    problems = generated_collisions(site.files, generated_addresses(generated))
    pictures_in_content = [file for file in site.files if images.kind(file)]
    problems += [found for file in pictures_in_content if (found := images.check(source, file))]
    if problems:
        raise SiteError(problems)
    yield from generated
    for file in site.files:
        if file in pictures_in_content:  # published without metadata (images.py)
            yield Job(file[len("content/"):], partial(images.clean, source / file, file), (), source / file)
        else:
            yield Job(file[len("content/"):], source / file)


def generated_addresses(jobs: list[Job]) -> frozenset[str]:
    """Every path the site writes itself (pages, feeds, sitemap, robots.txt, assets, photos, index.json...), and
    the folders the search index goes into: what no file in content/ may replace."""
    return frozenset(job.path for job in jobs) | {f"{search.BUNDLE}/"}


def _generated(site: Site, source: Path, cache: bool, remembered: photos.Remember) -> Iterator[Job]:
    env = page_environment(site, source, remembered)
    pictures = env.globals["pictures"]
    shown = reads_digest(pictures)  # any template may show any photo
    overridden = _overrides(source)
    any_text = _reads_any_text(env, overridden)

    with reading() as planning:  # every page a template renders, from the route table
        planned = list(pages(site))
    # A context made from the site's light data alone, which every key covers, need not be keyed again page by
    # page; one that read a long text (which those keys leave out) is, with what it chose.
    keyed_context = bool(planning)

    def page(template: str, path: str, url: str, **context) -> Job:
        reads = None if any_text.get(template, bool(overridden)) else (
            (shown, url, context) if keyed_context else (shown, url))
        return Job(path, partial(_page, env, source, template, url, context), reads,
                   prepare=partial(_compile, env, template), noted=reads is not None)

    for each in planned:
        yield page(each.route.template, output_path(each.url), each.canonical, **each.context)
    yield Job(output_path(url_for("therapist_index")), partial(therapist_index, site), ())
    if geo.placed(site.therapists):  # the visitor's ZIP code -> place, for the directory's "near you"
        for prefix in geo.PREFIXES:
            yield Job(output_path(url_for("asset", name=f"zips/{prefix}.json")), geo.table_file(prefix))
    kept = source / ".cache" / "photos" if cache else None
    for path, make, key in photos.plan(pictures, kept, remembered):
        yield Job(path, make, (key,))  # the key: a digest of the photo's bytes and of how it is encoded
    if any(article.aliases for article in site.articles):
        yield Job(REDIRECTS, partial(redirects_file, site), ())
    for path, make in feeds.plan(site, source, pictures, kept):  # the newsletter, then a feed per topic and therapist
        yield Job(path, make, [arg for arg in make.args if not isinstance(arg, Site)], noted=True)
    if site.config.editor:  # the files of the browser editor at /admin/ (editor.py); its page is in the table
        for path, data in editor.outputs(site.config):
            yield Job(path, data)
    for path, make, key in icons.plan(site, source):  # key: the logo's bytes, which the site model does not hold
        yield Job(path, make, (key,))
    for path, file in assets(source):
        yield Job(path, file)


def therapist_index(site: Site) -> bytes:
    """The directory as JSON: one object per therapist, in directory order, with every facet's value slugs,
    the minutes of a free consultation and of a session (null: not said) and each office's place."""
    rows = [{"slug": t.slug, "name": t.name, "url": site.config.absolute(t.url), **slugs_of(t),
             "free_consultation": t.free_consultation, "session_length": t.session_length,
             "offices": [{"city": loc.city, "state": loc.state, "postal_code": loc.postal_code, "lat": loc.lat,
                          "lon": loc.lon} for loc in t.locations]}
            for t in site.therapists]
    lines = ",\n".join(json.dumps(row, ensure_ascii=False, sort_keys=True) for row in rows)  # a line each: diffable
    return f"[\n{lines}\n]\n".encode() if rows else b"[]\n"


def assets(source: Path) -> Iterator[tuple[str, Path]]:
    """The theme's static files, each replaced by a file of the same name in the site's layouts/static/."""
    found: dict[str, Path] = {}
    for folder in (THEME / "static", source / "layouts" / "static"):
        for file in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if file.is_file():
                found[file.relative_to(folder).as_posix()] = file
    for name in sorted(found):
        yield output_path(url_for("asset", name=name)), found[name]
