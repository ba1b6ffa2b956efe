"""The pipeline as a table of contents: gather, check, freeze, render, publish."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .config import load_config
from .errors import Collector
from .load import load_sources
from .markup import convert
from .models import Site
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


@dataclass(frozen=True, slots=True)
class Result:
    site: Site
    files: int
    seconds: float


def now() -> datetime:
    """The build's "now": SOURCE_DATE_EPOCH when set, so two builds of the same sources are identical."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)


def load_site(options: Options) -> Site:
    """Gather and check everything; raise one SiteError listing every problem. Writes nothing."""
    problems = Collector()
    config = load_config(options.source, problems, base_url=options.base_url)
    sources = load_sources(options.source, problems)
    models = validate(sources, config, problems)
    problems.raise_if_any()
    models = convert(models, config)
    site = assemble(models, config, now(), options.drafts, problems)
    problems.raise_if_any()
    return site


def build(options: Options) -> Result:
    """Build the site into ``options.output``; on any problem nothing is written."""
    started = time.perf_counter()
    check_output(options.source, options.output)
    site = load_site(options)
    files = publish(render(site, options.source), options.output)
    return Result(site, files, time.perf_counter() - started)
