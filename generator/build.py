"""The pipeline as a table of contents: gather, check, freeze, render, publish."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .config import load_config
from .errors import Collector, Problem, SiteError
from .lint import warnings as find_warnings
from .load import load_sources
from .markup import convert
from .models import Site
from .progress import Stages, expected_outputs
from .publish import check_output, publish
from .render import render
from .site import assemble
from .validate import validate


@dataclass(frozen=True, slots=True)
class Options:
    source: Path
    output: Path
    drafts: bool = False
    base_url: str = ""  #: overrides site.yaml's, e.g. for a preview host
    strict: bool = False  #: warnings fail the build like errors


@dataclass(frozen=True, slots=True)
class Result:
    site: Site
    files: int
    seconds: float
    warnings: tuple[Problem, ...] = ()  #: listed after a successful build


def now() -> datetime:
    """The build's "now": SOURCE_DATE_EPOCH when set, so two builds of the same sources are identical."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)


def load_site(options: Options, stages: Stages | None = None) -> Site:
    """Gather and check everything; raise one SiteError listing every problem. Writes nothing."""
    stage = stages or Stages(bar=False)
    problems = Collector()
    with stage("read"):
        config = load_config(options.source, problems, base_url=options.base_url)
        sources = load_sources(options.source, problems)
    with stage("validate"):
        models = validate(sources, config, problems)
    # No stop here: route collisions among the valid documents belong in the same report.
    with stage("markdown"):
        models = convert(models, config)
    with stage("assemble"):
        site = assemble(models, config, now(), options.drafts, problems)
    problems.raise_if_any()
    return site


def build(options: Options, stages: Stages | None = None) -> Result:
    """Build the site into ``options.output``; on any problem nothing is written."""
    started = time.perf_counter()
    stage = stages or Stages(bar=False)
    check_output(options.source, options.output)
    site = load_site(options, stage)
    with stage("warnings"):
        warnings = find_warnings(site, options.source)
    if options.strict and warnings:
        raise SiteError(warnings)
    with stage("render and write"):
        files = publish(stage.track(render(site, options.source), expected_outputs(site)), options.output)
    return Result(site, files, time.perf_counter() - started, warnings)
