"""Old addresses kept alive: where each article alias is published, and the ``_redirects`` file that lists them.

A static host answers an old address with a small redirect page; Netlify and Cloudflare Pages read ``_redirects``
and answer with a real 301 instead. Both come from the same aliases, so they never disagree.
Imports only the models.
"""
from __future__ import annotations

from typing import Iterator
from urllib.parse import quote, unquote

from .models import Article, Site

PAGE_SUFFIXES = (".html", ".htm")  # an alias ending so is a file; any other address becomes a folder's index.html
REDIRECTS = "_redirects"


def alias_address(alias: str) -> str:
    """The address an alias occupies once published: "/old" is served as "/old/" from old/index.html."""
    if alias.endswith("/") or alias.lower().endswith(PAGE_SUFFIXES):
        return alias
    return alias + "/"


def alias_path(alias: str) -> str:
    """The output file of an alias's redirect page, relative to the output folder."""
    address = unquote(alias_address(alias)).lstrip("/")
    return address + "index.html" if address.endswith("/") else address


def redirects(site: Site) -> Iterator[tuple[str, Article]]:
    """Every (alias, article) of the published articles, in the order of the articles and their aliases."""
    for article in site.articles:
        for alias in article.aliases:
            yield alias, article


def redirects_file(site: Site) -> bytes:
    """``_redirects`` for Netlify and Cloudflare Pages: one ``/old /new/ 301`` line per alias."""
    lines = [f"{quote(site.config.url(alias), safe='/%')} {site.config.url(article.url)} 301"
             for alias, article in redirects(site)]
    return ("\n".join(lines) + "\n").encode()
