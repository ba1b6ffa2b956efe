"""Slugs: names as people write them -> the lowercase ASCII, dash-separated form used in addresses.

A leaf module: it imports nothing of ours, so any stage can make slugs without importing another stage.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

SLUG_RE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


@lru_cache(maxsize=65536)  # the same topic and facet names are slugged thousands of times on a large site
def slugify(text: str) -> str:
    """Lowercase ASCII, words joined by '-': 'Grief and Loss' -> 'grief-and-loss', 'Café' -> 'cafe'."""
    text = re.sub(r"['\u2019]", "", text)  # "Men's Issues" -> "mens-issues", not "men-s-issues"
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
