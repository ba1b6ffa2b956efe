"""What a build is asked to do, and its clock: light on purpose, so a no-change rebuild can answer fast."""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Options:
    source: Path
    output: Path
    drafts: bool = False
    base_url: str = ""  #: overrides site.yaml's, e.g. for a preview host
    strict: bool = False  #: warnings fail the build like errors
    cache: bool = True  #: False for --no-cache: neither read nor write the cache


def now() -> datetime:
    """The build's "now": SOURCE_DATE_EPOCH when set, so two builds of the same sources are identical."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)
