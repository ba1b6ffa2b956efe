"""The pipeline as a table of contents: gather, check, freeze, render, publish."""
from __future__ import annotations

import time
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Callable

from . import search
from .cache import Cache, Keys, inputs_digest
from .config import load_config
from .errors import Collector, Problem, SiteError
from .links import PlannedRoutes, check_links
from .lint import line_of, warnings as find_warnings
from .load import discover, load_sources
from .markup import convert, converting
from .models import Config, Site
from .options import Options, now
from .progress import Stages
from .publish import check_output, locked, publish, recover
from .render import compile_templates, plan, render_changed
from .site import assemble
from .validate import validate

__all__ = ["Options", "Result", "build", "load_site", "now"]


@dataclass(frozen=True, slots=True)
class Result:
    files: int
    seconds: float
    articles: int
    therapists: int
    warnings: tuple[Problem, ...] = ()  #: listed after a successful build
    site: Site | None = None  #: None when nothing had changed and the last build still stands
    reused: int = 0  #: outputs linked unchanged from the last build
    pages: int = 0  #: how many of the files are HTML pages


def load_site(options: Options, stages: Stages | None = None, cache: Cache | None = None,
              meanwhile: Callable[[Config], object] | None = None) -> Site:
    """Gather and check everything; raise one SiteError listing every problem. Writes nothing.

    ``meanwhile``: work for this process while workers convert the Markdown (a build compiles its templates)."""
    stage = stages or Stages(bar=False)
    cache = cache or Cache(options.source, options.output, enabled=False)
    problems = Collector()
    config = load_config(options.source, problems, base_url=options.base_url)
    found = discover(options.source, problems)
    # The workers convert Markdown while this process reads and checks the sources.
    with converting(config, cache.markdown(), found.markdown(options.source)) as early:
        with stage("read"):
            sources = load_sources(options.source, problems, *cache.parsed(), found=found)
            early.add(doc.body for doc in sources.docs)
        with stage("validate"):
            models = validate(sources, config, problems)
        if meanwhile and early.pool:
            meanwhile(config)
        # No stop here: route collisions among the valid documents belong in the same report.
        with stage("markdown"):
            models, converted = convert(models, config, cache.markdown(), problems, early)
            cache.remember_markdown(converted)
    with stage("assemble"):
        site = assemble(models, config, now(), options.drafts, problems)
    if problems.problems:
        problems.problems[:] = [_located(problem, options.source) for problem in problems.problems]
    problems.raise_if_any()
    return site


def _located(problem: Problem, source: Path) -> Problem:
    """A problem found once every file was read (an alias that is taken, a slug the site uses itself) names its
    field but not its line, which only the file knows: the line where the field starts."""
    if problem.line or not problem.field:
        return problem
    line = line_of(source, problem.path, problem.field.split("[")[0].split(".")[0])
    return replace(problem, line=line) if line else problem


def build(options: Options, stages: Stages | None = None) -> Result:
    """Build the site into ``options.output``, redoing only what changed; on any problem nothing is written.

    One build at a time per output, from the first read: what a build reuses is decided under the same lock as
    its publishing, so a build started while another publishes sees that one's sources and output whole.
    """
    started = time.perf_counter()
    stage = stages or Stages(bar=False)
    check_output(options.source, options.output)
    with locked(options.output):
        recover(options.output)  # what a killed build left, even when nothing changed since the last one
        return _build(options, stage, started)


def _build(options: Options, stage: Stages, started: float) -> Result:
    cache = Cache(options.source, options.output, enabled=options.cache)
    with stage("check cache"):  # --no-cache: nothing compares or keeps the digest of every input
        inputs = inputs_digest(options) if options.cache else ""
        last = cache.unchanged(inputs, options.output, now()) if options.cache else None
    if last:
        return Result(last["files"], time.perf_counter() - started, last["articles"], last["therapists"],
                      tuple(Problem(*w) for w in last["warnings"]), reused=last["files"], pages=last["pages"])
    site = load_site(options, stage, cache, meanwhile=partial(compile_templates, options.source))
    jobs = list(plan(site, options.source, options.cache, cache.remembered))
    warnings: list[Problem] = []

    def check() -> None:  # broken internal links too, as `check` finds them: a page renders only if linked into
        with stage("warnings"):
            links = check_links(site, PlannedRoutes(jobs), options.source)
            warnings.extend(sorted(set(find_warnings(site, options.source)) | set(links)))
        if options.strict and warnings:
            raise SiteError(tuple(warnings))  # before the swap: the published site stays as it was

    with stage("render and write"):
        # Each output's key: what a rebuild reuses it by. --no-cache neither reads nor keeps them: nothing to key.
        keys = Keys(site, jobs, options.source, cache) if options.cache else None
        paths = [job.path for job in jobs]
        reused = cache.reusable(keys.before, paths, options.output) if keys else {}
        read: dict[int, frozenset] = {}  # what each page made now read of the long texts: its key

        # Pagefind indexes the staged pages while the outputs after them are made, told each page's key, and is
        # done before the swap.
        searching = search.Step(options, paths, stage, keys and (lambda: dict(zip(paths, keys.settle(read)))))

        def outputs(staging: Path):  # the workers that make pages write them into the staging folder themselves
            made = stage.track(render_changed(jobs, reused, (staging, options.output), read), len(jobs))
            try:
                for count, output in enumerate(made, 1):
                    yield output
                    if count == 1:  # the workers render on: this process looks for the warnings meanwhile
                        check()
                    searching.made(count, staging, output)
            except BaseException:  # an error, --strict, Ctrl-C: the workers and pagefind stop before the staging goes
                made.close()
                searching.close()
                raise

        with searching:
            files = publish(outputs, options.output, spare=cache.spare(options.output), finished=search.BUNDLE,
                            finish=searching.finish)
    result = Result(files, time.perf_counter() - started, len(site.articles), len(site.therapists), tuple(warnings),
                    site, len(reused), sum(path.endswith(".html") for path in paths))
    if keys:  # settled again: the feeds made after the search started have read their texts since
        cache.record(inputs, options.output, paths, keys.settle(read), keys.reads(read), site, result)
    return result
