"""Config stage: site.yaml -> a frozen Config, every problem collected.

A missing or broken site.yaml is reported and a placeholder Config returned, so that the articles and profiles
are still checked and the practice sees every mistake in one report.
"""
from __future__ import annotations

import re
from pathlib import Path

from .errors import Collector
from .load import RawDoc, parse_yaml, read_text
from . import providers
from .models import Config, Crisis, CrisisNumber, Editor, Link, Practice, US_988
from .schema import Bool, Choice, Ctx, Fields, ListOf, Number, Text, TimeZone, URL_RE, Url, check_document

CRISIS_URL = Text(re.compile(r"(https?://|tel:|sms:)\S+"), "a link starting with tel:, sms: or https://")

TABLE = Fields(
    {
        "title": Text(),
        "base_url": Text(URL_RE, "an absolute address like https://www.example.org/",
                         "write the address where the site will live, starting with https://"),
        "description": Text(),
        "language": Text(re.compile(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*"),
                         "a language code like en or en-US"),
        "timezone": TimeZone(),
        "practice": Fields({"name": Text(), "phone": Text(), "email": Text(), "address": Text()}),
        "newsletter": Fields({"title": Text(), "description": Text(), "provider": Choice(*providers.PRESETS),
                              **providers.SETTINGS}),
        "crisis": Fields(
            {
                "text": Text(),
                "numbers": ListOf(Fields({"label": Text(), "number": Text(), "url": CRISIS_URL},
                                         required=("label", "number")),
                                  "[{label: 'Call or text', number: '988', url: 'tel:988'}]"),
                "chat_url": Text(URL_RE, "a web address starting with https://"),
                "emergency": Text(),
            },
            required=("text",),
        ),
        "articles_per_page": Number(minimum=1, integer=True),
        "nav": ListOf(Fields({"title": Text(), "url": Text()}, required=("title", "url")),
                      "[{title: About, url: /about/}]"),
        "unsafe_html": Bool(),
        "example": Bool(),
        "editor": Fields(
            {
                "backend": Choice("github", "gitlab"),
                "repo": Text(re.compile(r"[\w.-]+(/[\w.-]+)+"), "the repository as owner/name, like ana/practice-site"),
                "branch": Text(),
                "base_url": Url(),
                "app_id": Text(),
            },
            required=("backend", "repo"),
            example="backend: github, repo: owner/name, branch: main",
        ),
    },
    required=("title", "base_url"),
)


def load_config(source: Path, problems: Collector, base_url: str = "") -> Config:
    """Read and check site.yaml (``base_url`` overrides its own); on a problem report it, return a placeholder."""
    file = source / "site.yaml"
    placeholder = Config(title="", base_url="https://example.org/")
    if not file.is_file():
        problems.add("site.yaml", 0, "", "not found: every site needs a site.yaml with at least 'title' and "
                     "'base_url'", "create site.yaml, or point --source at the site's folder")
        return placeholder
    text = read_text(file, "site.yaml", problems)
    if text is None:
        return placeholder
    data, lines = parse_yaml(text, "site.yaml", 1, problems)
    if not lines:
        return placeholder
    if not isinstance(data, dict):
        problems.add("site.yaml", 1, "", "expected fields such as 'title: ...' and 'base_url: ...'")
        return placeholder
    if base_url:
        data = {**data, "base_url": base_url}
    doc = RawDoc("site.yaml", "config", data, lines)
    values, ok = check_document(doc, TABLE, problems)
    newsletter = values.get("newsletter", {})
    signup = providers.signup(newsletter, Ctx(doc, problems)) if ok else None
    if not ok or (signup is None and newsletter.keys() - {"title", "description"}):  # a provider setting was wrong
        return placeholder
    timezone = values.get("timezone", "UTC")
    base_url = values["base_url"].rstrip("/") + "/"
    crisis = values.get("crisis")
    return Config(
        title=values["title"],
        base_url=base_url,
        description=values.get("description", ""),
        language=values.get("language", "en"),
        timezone=timezone,
        practice=Practice(**values.get("practice", {})),
        newsletter_title=newsletter.get("title", ""),
        newsletter_description=newsletter.get("description", ""),
        signup=signup,
        crisis=_crisis(crisis) if crisis else US_988,
        articles_per_page=values.get("articles_per_page", 10),
        nav=tuple(Link(item["title"], item["url"]) for item in values.get("nav", ())),
        unsafe_html=values.get("unsafe_html", False),
        example=values.get("example", False),
        editor=Editor(**values["editor"]) if "editor" in values else None,
    )


def _crisis(values: dict) -> Crisis:
    numbers = tuple(
        CrisisNumber(n["label"], n["number"], n.get("url") or "tel:" + re.sub(r"[^\d+]", "", n["number"]))
        for n in values.get("numbers", ())
    )
    return Crisis(values["text"], numbers, values.get("chat_url", ""), values.get("emergency", ""))

