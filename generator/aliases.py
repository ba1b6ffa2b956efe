"""Old addresses kept alive: where each article alias is published, and the ``_redirects`` file that lists them.

A static host answers an old address with a small redirect page; Netlify and Cloudflare Pages read ``_redirects``
and answer with a real 301 instead. Both come from the same aliases, so they never disagree.
Imports only the models.
"""
from __future__ import annotations

from typing import Iterator
from urllib.parse import quote

from .models import Article, Site
from .routes import alias_address, output_path, url_for

REDIRECTS = output_path(url_for("redirects"))


def alias_path(alias: str) -> str:
    """The output file of an alias's redirect page, relative to the output folder."""
    return output_path(alias_address(alias))


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
