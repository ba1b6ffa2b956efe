"""Property-based: whatever people type into front matter, profiles or site.yaml, the result is a site or a clean
error report, never a traceback."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import SITE_YAML, write_files
from generator.build import Options, load_site
from generator.errors import SiteError
from generator.render import render

ARTICLE_KEYS = ["title", "date", "author", "topics", "summary", "updated", "draft", "slug", "image", "image_alt",
                "titel"]
PROFILE_KEYS = ["name", "credentials", "pronouns", "title", "photo", "photo_alt", "bio", "specialties",
                "modalities", "populations", "languages", "insurance", "fees", "formats", "locations",
                "telehealth_states", "licenses", "accepting_new_clients", "contact", "nmae"]
SITE_KEYS = ["title", "base_url", "description", "language", "timezone", "practice", "newsletter", "crisis",
             "articles_per_page", "nav", "unsafe_html", "colour"]

text = st.text(max_size=30)
scalar = st.one_of(st.none(), st.booleans(), st.integers(-5, 3000), st.floats(allow_nan=True), text,
                   st.sampled_from(["2026-01-01", "2026-13-45", "2026-01-01 10:00 +02:00", "ana", "https://x.org",
                                    "a@b.co", "CA", "in-person", "<script>alert(1)</script>", "]]>", "\x00\x0b"]))
value = st.recursive(scalar, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                     st.dictionaries(st.sampled_from(
                                                         ["individual", "sliding_scale", "city", "state", "type",
                                                          "number", "email", "title", "url", "text", "numbers",
                                                          "label"]), inner, max_size=3)),
                     max_leaves=6)


def mapping(keys):
    return st.dictionaries(st.sampled_from(keys), value, max_size=len(keys))


def build_or_report(files: dict) -> None:
    root = Path(tempfile.mkdtemp())
    try:
        write_files(root, files)
        try:
            site = load_site(Options(source=root, output=root / "public"))
            for _ in render(site, root):
                pass
        except SiteError as exc:
            assert exc.problems, "a SiteError must list its problems"
            for problem in exc.problems:
                assert problem.path and problem.message
    finally:
        shutil.rmtree(root)


def dump(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True)


# PROPERTY_EXAMPLES=1000 explores more deeply on a developer machine.
SETTINGS = settings(max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "60")), deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(front=mapping(ARTICLE_KEYS), body=st.text(max_size=200))
def test_any_front_matter_gives_a_site_or_a_clean_report(front, body):
    build_or_report({"site.yaml": SITE_YAML, "therapists/ana.yaml": "name: Ana\n",
                     "content/articles/post.md": f"---\n{dump(front)}---\n{body}"})


@SETTINGS
@given(profile=mapping(PROFILE_KEYS))
def test_any_profile_gives_a_site_or_a_clean_report(profile):
    build_or_report({"site.yaml": SITE_YAML, "therapists/ana.yaml": dump(profile),
                     "content/articles/post.md": "---\ntitle: T\ndate: 2026-01-01\nauthor: ana\n---\nx\n"})


@SETTINGS
@given(config=mapping(SITE_KEYS))
def test_any_site_yaml_gives_a_site_or_a_clean_report(config):
    build_or_report({"site.yaml": dump(config), "content/articles/post.md": "---\ntitle: T\ndate: 2026-01-01\n---\n"})


@SETTINGS
@given(raw=st.text(max_size=120))
def test_any_raw_text_as_a_source_file_gives_a_site_or_a_clean_report(raw):
    build_or_report({"site.yaml": SITE_YAML, "therapists/ana.yaml": raw, "content/articles/post.md": raw,
                     "content/pages/about.md": "---\n" + raw})
