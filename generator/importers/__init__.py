"""Import stage: an existing blog (WordPress or Squarespace export, Jekyll or Hugo folder) -> source files of a site.

One reader per format turns the old blog into plain posts (post.py); one writer (write.py) puts them into the
site, never over an existing file, and collects what could not be mapped for the report. Nothing else of the
generator runs here: after an import, a build checks the result like any other source.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import UsageError
from . import hugo, jekyll, wordpress
from .write import Written, write

READERS = {"wordpress": wordpress.read, "jekyll": jekyll.read, "hugo": hugo.read}
NAMES = {"wordpress": "WordPress", "jekyll": "Jekyll", "hugo": "Hugo"}  # as the tools write their names


def run(kind: str, path: Path, site: Path, fetch: bool = False) -> Written:
    """Import the blog at ``path`` (a file for WordPress, a folder otherwise) into the site folder ``site``."""
    wants_folder = kind != "wordpress"
    name = NAMES[kind]
    what = f"{name} site's folder" if wants_folder else "WordPress export file (.xml)"
    if not path.exists():
        raise UsageError(f"{path} was not found: give the path of the {what} to import (check its spelling, "
                         "or drag the file onto the terminal window to type its path)")
    if path.is_dir() != wants_folder:
        raise UsageError(f"{path} is a {'file' if wants_folder else 'folder'}, not a "
                         f"{what}: give the {what} to import")
    if not (site / "site.yaml").is_file():
        raise UsageError(f"{site} has no site.yaml: import into a site folder (--source), made with "
                         "'therapist-site init' or copied from the example")
    return write(READERS[kind](path, path.as_posix()), site, fetch)
