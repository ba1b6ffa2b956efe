"""Render stage: the frozen Site -> outputs {path in the output folder: bytes, or a source file to copy}.

Nothing is written here, except that the workers making pages hand each one to publish.write (which owns the
rules of the staging folder) when they are given one, so that file creation runs on all cores. Jinja2 runs with autoescape and StrictUndefined, so every value from YAML is
escaped and a template typo fails the build instead of printing nothing. A site's own ``layouts/`` folder
overrides any built-in template or asset of the same name.
"""
from __future__ import annotations

import json
import math
import traceback
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable, Iterator

import jinja2

from . import editor, feeds, geo, icons, images, jsonld, photos, search
from .aliases import REDIRECTS, alias_path, redirects, redirects_file
from .facets import YES_NO, slugs_of, state_name
from .markup import excerpt
from .errors import Problem, SiteError
from .models import Site
from .pool import MIN_ITEMS, ordered_map, share, shared
from .site import generated_collisions
from .publish import WRITTEN, Reuse, Written, write
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


def environment(source: Path, site: Site, compiled: Path | None = None) -> jinja2.Environment:
    """The Jinja2 environment; ``compiled``: a folder where compiled templates are kept between builds."""
    env = jinja2.Environment(
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(compiled)) if compiled else None,
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(source / "layouts"), jinja2.FileSystemLoader(THEME)]),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    config = site.config
    env.filters.update(
        url=config.url, absolute=config.absolute, human_date=human_date,
        isodate=lambda moment: moment.isoformat(), tojson_ld=_json_ld,
        slugify=slugify, state_name=state_name, facet_slugs=slugs_of,
        excerpt=partial(excerpt, words=DESCRIPTION_WORDS),  # a description nobody wrote: the first words
    )
    env.globals.update(site=site, config=config, jsonld=jsonld,
                       yes_no=YES_NO,  # the facets shown as checkboxes
                       near_you=geo.placed(site.therapists))  # the directory's ZIP code box: some office is placed
    return env


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
    """One output file: how to make it, and the long texts it shows (None: it may show any of them).

    ``heavy`` lets the cache re-render an article's page when its body changes without re-rendering every list.
    """

    path: str
    make: Callable[[], bytes] | bytes | Path
    heavy: tuple[str, ...] | None = None

    def run(self) -> Output:
        return self.make() if callable(self.make) else self.make


def render(site: Site, source: Path) -> Iterator[tuple[str, Output]]:
    """Yield every output of the site in a fixed order, one page at a time, writing nothing (no cache)."""
    for job in plan(site, source, cache=False):
        yield job.path, job.run()


def render_changed(jobs: list[Job], reused: dict[int, Path],
                   into: tuple[Path, Path] | None = None) -> Iterator[tuple[str, Output | Reuse | Written]]:
    """Yield every output in order: reused ones as links to the last build, the others made on all cores.

    Pages stream out as workers finish them, so memory holds a few pages at a time, not the whole site. With
    ``into`` (the staging folder and the published output), workers write their pages there themselves
    (publish.write) and hand on WRITTEN.
    """
    share(jobs=jobs, into=into)
    todo = [i for i, job in enumerate(jobs) if i not in reused and callable(job.make)]
    if len(todo) >= MIN_ITEMS:  # made on all cores: compile templates once here, so workers inherit them
        for env, template in {found for i in todo if (found := _template_of(jobs[i]))}:
            env.get_template(template)
    made = ordered_map(_run_shared, todo)
    for i, job in enumerate(jobs):
        if i in reused:
            yield job.path, Reuse(reused[i])
        else:
            yield job.path, next(made) if callable(job.make) else job.make


def _template_of(job: Job) -> tuple[jinja2.Environment, str] | None:
    make = job.make
    if isinstance(make, partial) and make.func is _page:
        return make.args[0], make.args[2]
    if isinstance(make, partial) and make.func is article_page:
        return make.args[0], "article.html"
    return None


def _run_shared(index: int) -> Output | Written:
    job, into = shared("jobs")[index], shared("into")
    data = job.run()
    if into is not None and isinstance(data, bytes) and write(*into, job.path, data):
        return WRITTEN
    return data


def _page(env: jinja2.Environment, source: Path, template: str, url: str, context: dict) -> bytes:
    try:
        return env.get_template(template).render(page_url=url, **context).encode()
    except jinja2.TemplateError as exc:
        raise SiteError([template_problem(exc, template, source)]) from None


def page_environment(site: Site, source: Path, cache: bool = True) -> jinja2.Environment:
    """The environment pages render in: templates (compiled ones kept in the cache) and every photo's sizes."""
    compiled = source / ".cache" / "templates" if cache else None
    if compiled:
        compiled.mkdir(parents=True, exist_ok=True)
    env = environment(source, site, compiled)
    env.globals.update(pictures=photos.prepare(site, source))  # for <picture>; unreadable photos fail here
    return env


def article_path(article) -> str:
    return f"articles/{article.slug}/index.html"


def article_page(env: jinja2.Environment, source: Path, article) -> bytes:
    """An article's page (serve's quick preview renders one alone, with the same call)."""
    return _page(env, source, "article.html", article.url, {"article": article})


def plan(site: Site, source: Path, cache: bool = True) -> Iterator[Job]:
    """Describe every output of the site in a fixed order, without making any yet; raise a SiteError when a file in
    content/ would land on a generated file or is a picture over the limits (images.py)."""
    generated = list(_generated(site, source, cache))
    problems = generated_collisions(site.files, generated_addresses(generated))
    pictures_in_content = [file for file in site.files if images.kind(file)]
    problems += [found for file in pictures_in_content if (found := images.check(source, file))]
    if problems:
        raise SiteError(problems)
    yield from generated
    for file in site.files:
        if file in pictures_in_content:  # published without metadata (images.py)
            stat = (source / file).stat()
            yield Job(file[len("content/"):], partial(images.clean, source / file, file),
                      (file, str(stat.st_size), str(stat.st_mtime_ns)))
        else:
            yield Job(file[len("content/"):], source / file)


def generated_addresses(jobs: list[Job]) -> frozenset[str]:
    """Every path the site writes itself (pages, feeds, sitemap, robots.txt, assets, photos, index.json...), and
    the folders the search index goes into: what no file in content/ may replace."""
    return frozenset(job.path for job in jobs) | {f"{search.BUNDLE}/"}


def _generated(site: Site, source: Path, cache: bool) -> Iterator[Job]:
    env = page_environment(site, source, cache)
    pictures = env.globals["pictures"]

    def page(template: str, path: str, url: str, heavy: tuple[str, ...] | None = (), **context) -> Job:
        return Job(path, partial(_page, env, source, template, url, context), heavy)

    yield page("home.html", "index.html", "/", articles=site.articles[:5],
               therapists=[t for t in site.therapists if t.accepting_new_clients][:6])
    per_page = site.config.articles_per_page
    pages = max(1, math.ceil(len(site.articles) / per_page))
    for number in range(1, pages + 1):
        url = "/articles/" if number == 1 else f"/articles/page/{number}/"
        chunk = site.articles[(number - 1) * per_page: number * per_page]
        yield page("articles.html", url.lstrip("/") + "index.html", url, articles=chunk, number=number,
                   pages=pages)
    for article in site.articles:
        picture = pictures.get(article.url)  # its image's sizes are on the page: a new image changes the key
        yield Job(article_path(article), partial(article_page, env, source, article),
                  (article.html, picture.key if picture else ""))
    yield page("topics.html", "topics/index.html", "/topics/")
    for topic in site.topics:
        yield page("topic.html", f"topics/{topic.slug}/index.html", topic.url, heavy=(topic.description_html,),
                   topic=topic)
    written: dict[str, list] = {}  # each therapist's articles, newest first: one pass, not one per therapist
    for article in site.articles:
        for slug in dict.fromkeys(article.authors):
            written.setdefault(slug, []).append(article)
    for therapist in site.therapists:
        yield page("therapist.html", f"therapists/{therapist.slug}/index.html", therapist.url,
                   heavy=(therapist.bio_html, pictures[therapist.slug].key if therapist.slug in pictures else ""),
                   therapist=therapist, articles=written.get(therapist.slug, []),
                   json_ld=jsonld.profile_page(site, therapist))
    yield page("therapists.html", "therapists/index.html", "/therapists/")
    for facet in site.facets:
        if facet.values:  # a facet nobody lists (no insurance taken at all) gets no page and no form control
            yield page("facet.html", f"therapists/{facet.name}/index.html", facet.url, facet=facet)
        for value in facet.values:
            yield page("facet_value.html", f"therapists/{facet.name}/{value.slug}/index.html", value.url,
                       facet=facet, value=value)
    yield Job("therapists/index.json", partial(therapist_index, site), ())
    if geo.placed(site.therapists):  # the visitor's ZIP code -> place, for the directory's "near you"
        for prefix in geo.PREFIXES:
            yield Job(f"assets/zips/{prefix}.json", partial(geo.table, prefix), (geo.VERSION,))
    kept = source / ".cache" / "photos" if cache else None
    for path, make, key in photos.plan(pictures, kept):
        yield Job(path, make, (key,))  # the key: a digest of the photo's bytes and of how it is encoded
    for guest in site.guest_authors:  # writers who are not in the directory: a small page with their articles
        yield page("author.html", f"authors/{guest.slug}/index.html", guest.url, heavy=(guest.bio_html,),
                   author=guest, articles=written.get(guest.slug, []))
    for alias, article in redirects(site):  # old addresses: a page that sends the browser on, and _redirects
        yield page("redirect.html", alias_path(alias), article.url, article=article)
    if any(article.aliases for article in site.articles):
        yield Job(REDIRECTS, partial(redirects_file, site), ())
    for standalone in site.pages:
        yield page("page.html", f"{standalone.slug}/index.html", standalone.url, heavy=(standalone.html,),
                   page=standalone)
    yield page("subscribe.html", "subscribe/index.html", "/subscribe/", topics=[t for t in site.topics if t.articles],
               writers=[(t, len(written[t.slug])) for t in site.therapists if t.slug in written])  # no empty feed
    yield page("search.html", "search/index.html", "/search/")
    yield page("404.html", "404.html", "/404.html")
    for path, make, texts in feeds.plan(site, source, pictures, kept):  # the newsletter, then a feed per topic and therapist
        yield Job(path, make, texts)
    if site.config.editor:  # the browser editor at /admin/ (editor.py); never in the sitemap or the search index
        yield page("admin.html", "admin/index.html", "/admin/", policy=editor.policy(site.config))
        for path, data in editor.outputs(site.config):
            yield Job(path, data)
    yield page("sitemap.xml", "sitemap.xml", "/sitemap.xml")
    yield page("robots.txt", "robots.txt", "/robots.txt")
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
        yield f"assets/{name}", found[name]
