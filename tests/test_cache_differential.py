"""A cached build never differs from a cold one: many kinds of edit, in an order drawn from a seed, and after every
step the cached build into one output folder is compared byte for byte with a ``--no-cache`` build.

Every kind of source file, every site.yaml setting, every option that changes output, an override of every
built-in template (one of them showing article bodies on another page), static overrides, deletions, renames,
same-size same-time edits of copied files, and the clock passing a future-dated article.
"""
from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import yaml

from conftest import EPOCH, snapshot
from sitegen import _png, generate_site

THEME = Path(__file__).resolve().parent.parent / "generator" / "layouts"
SEED = int(os.environ.get("DIFFERENTIAL_SEED", "20261201"))
DAY = 24 * 3600


class State:
    """The site folder being edited, and the options and clock the next builds use."""

    def __init__(self, source: Path):
        self.source = source
        self.options: dict[str, tuple[str, ...]] = {}
        self.clock = int(EPOCH)

    def path(self, rel: str) -> Path:
        return self.source / rel

    def articles(self) -> list[Path]:
        return sorted(self.path("content/articles").glob("*.md"))

    def profiles(self) -> list[Path]:
        return sorted(self.path("therapists").glob("*.yaml"))

    def replace(self, rel: str | Path, old: str, new: str) -> None:
        file = rel if isinstance(rel, Path) else self.path(rel)
        text = file.read_text()
        assert old in text, (file, old)
        file.write_text(text.replace(old, new, 1))

    def front(self, file: Path, **changes) -> None:
        """Change fields of an article's front matter."""
        _, head, body = file.read_text().split("---\n", 2)
        data = {**yaml.safe_load(head), **changes}
        file.write_text(f"---\n{yaml.safe_dump(data, sort_keys=False, allow_unicode=True)}---\n{body}")

    def write(self, rel: str, text: str | bytes) -> None:
        file = self.path(rel)
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(text) if isinstance(text, bytes) else file.write_text(text)


def keep_time(file: Path, change) -> None:
    """Change a file's bytes but not its size or modification time."""
    stat = file.stat()
    change()
    assert file.stat().st_size == stat.st_size
    os.utime(file, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def _override(name: str) -> str:
    """A site layout replacing the built-in ``name`` with a visible difference."""
    text = (THEME / name).read_text()
    mark = f"override of {name}"
    if name.endswith(".txt"):
        return text + f"\n# {mark}\n"
    if "{% extends" in text:
        head, _, tail = text.rpartition("{% endblock %}")
        return f"{head}<!-- {mark} -->{{% endblock %}}{tail}"
    if name.endswith((".xml", ".html")):
        return text + f"<!-- {mark} -->\n"
    return text


def _template_names() -> list[str]:
    return sorted(p.relative_to(THEME).as_posix() for p in THEME.rglob("*")
                  if p.is_file() and "static" not in p.relative_to(THEME).parts)


# Each edit changes the sources (or the options or the clock) of ``State``; some are several steps in a row.
def article_body(s): f = s.articles()[0]; f.write_text(f.read_text() + "\nOne more line.\n")
def article_title(s): s.replace(s.articles()[1], "title: ", "title: Edited ")
def article_summary(s): s.front(s.articles()[2], summary="A summary written later.")
def article_topics(s): s.front(s.articles()[3], topics=["Brand New Topic", "Anxiety"])
def article_draft(s): s.front(s.articles()[4], draft=True)
def article_deleted(s): s.articles()[-1].unlink()
def article_renamed(s): (f := s.articles()[5]).rename(f.with_name("renamed-" + f.name))
def article_added(s): s.write("content/articles/added.md", "---\ntitle: Added Later\ndate: 2026-10-01\n---\nNew.\n")
def article_updated(s): s.front(s.articles()[6], updated="2026-10-20")


def future_article_then_clock(s):
    s.write("content/articles/from-the-future.md", "---\ntitle: Not Yet\ndate: 2026-10-29 09:00\n---\nSoon.\n")
    yield
    s.clock += 3 * DAY  # the date arrives with no source edited
    yield


def profile_name(s): s.replace(s.profiles()[0], "name: ", "name: Dr. ")
def profile_bio(s): s.replace(s.profiles()[1], "bio: ", "bio: Newly updated. ")


def profile_accepting(s):
    f = s.profiles()[2]
    text = f.read_text()
    f.write_text(text.replace("accepting_new_clients: true", "accepting_new_clients: false")
                 if "accepting_new_clients: true" in text else
                 text.replace("accepting_new_clients: false", "accepting_new_clients: true"))


def profile_photo_same_size(s):
    photo = sorted(s.path("therapists").glob("*.png"))[0]
    same_size = next(_png(i) for i in range(7, 200) if len(_png(i)) == photo.stat().st_size
                     and _png(i) != photo.read_bytes())
    keep_time(photo, lambda: photo.write_bytes(same_size))


def therapist_renamed(s):
    profile = s.profiles()[-1]
    old, new = profile.stem, "renamed-" + profile.stem
    profile.rename(profile.with_name(new + ".yaml"))
    for article in s.articles():
        text = article.read_text()
        article.write_text(text.replace(f"author: {old}\n", f"author: {new}\n").replace(f"- {old}\n", f"- {new}\n")
                           .replace(f"[{old}", f"[{new}").replace(f", {old}]", f", {new}]"))


def therapist_added(s):
    s.write("therapists/zed-added.yaml", "name: Zed Added\ntitle: Counselor\nbio: Joined this week.\n"
            "specialties: [Anxiety]\nlanguages: [English]\nformats: [telehealth]\ntelehealth_states: [CA]\n"
            "accepting_new_clients: true\ncontact: {email: zed@example.org}\n")


def topic_description(s): s.write("content/topics/anxiety.md", "---\ntitle: Anxiety\n---\nWhat anxiety feels like.\n")
def page_added(s): s.write("content/pages/fees.md", "---\ntitle: Fees\n---\nWhat sessions cost.\n")
def page_edited(s): s.write("content/pages/fees.md", "---\ntitle: Fees and Insurance\n---\nWhat sessions cost.\n")


def download_same_size_same_time(s):
    a, b = s.path("content/handout-a.txt"), s.path("content/handout-b.txt")
    if not a.exists():
        s.write("content/handout-a.txt", "AAAA handout\n")
        s.write("content/handout-b.txt", "BBBB handout\n")
        os.utime(a, ns=(10**18, 10**18))
        os.utime(b, ns=(10**18, 10**18))
        yield
    keep_time(a, lambda: a.write_text("CCCC handout\n"))
    yield
    da, db = a.read_bytes(), b.read_bytes()  # two same-size files swapped
    keep_time(a, lambda: a.write_bytes(db))
    keep_time(b, lambda: b.write_bytes(da))
    yield
    b.unlink()
    yield


def static_override(s):
    s.write("layouts/static/site.css", (THEME / "static" / "site.css").read_text() + "\n/* the site's own */\n")
    yield
    css = s.path("layouts/static/site.css")
    keep_time(css, lambda: css.write_text(css.read_text().replace("/* the site's own */", "/* the site's new */")))
    yield
    css.unlink()
    yield


def home_shows_article_bodies(s):
    home = (THEME / "home.html").read_text()
    head, _, tail = home.rpartition("{% endblock %}")
    s.write("layouts/home.html", head + "{% for a in site.articles %}<div>{{ a.html }}</div>{% endfor %}"
            "{% endblock %}" + tail)
    yield
    f = s.articles()[0]
    f.write_text(f.read_text() + "\nA line only the home override shows too.\n")
    yield
    s.path("layouts/home.html").unlink()
    yield


def every_template_overridden(s):
    for name in _template_names():
        s.write(f"layouts/{name}", _override(name))
        yield
    for name in _template_names():
        s.path(f"layouts/{name}").unlink()
    yield


def site_setting(field: str, value):
    def edit(s):
        data = yaml.safe_load(s.path("site.yaml").read_text())
        data[field] = value(data.get(field)) if callable(value) else value
        s.write("site.yaml", yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    edit.__name__ = f"site_yaml_{field}"
    return edit


SITE_SETTINGS = {
    "title": lambda old: f"Renamed {old}",
    "description": "A calm practice.",
    "base_url": "https://test.example.org/clinic/",  # a path: every link and the stylesheet move under it
    "language": "es",
    "timezone": "America/Los_Angeles",
    "practice": {"name": "Test Practice Group", "phone": "+1-619-555-0100", "email": "a@example.org"},
    "newsletter": {"title": "The Notes", "description": "Letters from us."},
    "articles_per_page": 3,
    "nav": [{"title": "Fees", "url": "/fees/"}],
    "crisis": {"text": "Help is here.", "numbers": [{"label": "Call:", "number": "988", "url": "tel:988"}]},
    "unsafe_html": True,
}


def option(flag: str, *value: str):
    def edit(s):
        if flag in s.options:
            del s.options[flag]
        else:
            s.options[flag] = value
    edit.__name__ = f"option_{flag.strip('-')}"
    return edit


EDITS = [article_body, article_title, article_summary, article_topics, article_draft, article_deleted,
         article_renamed, article_added, article_updated, future_article_then_clock, profile_name, profile_bio,
         profile_accepting, profile_photo_same_size, therapist_renamed, therapist_added, topic_description,
         page_added, page_edited, download_same_size_same_time, static_override, home_shows_article_bodies,
         every_template_overridden, *(site_setting(f, v) for f, v in SITE_SETTINGS.items()),
         option("--base-url", "https://preview.example.net/pr-7/"), option("--drafts"),
         option("--base-url", "https://preview.example.net/pr-7/")]


def steps(edit, state):
    """Run an edit; a generator edit is several steps, each built and compared."""
    result = edit(state)
    if result is None:
        yield edit.__name__
        return
    for number, _ in enumerate(result):
        yield f"{edit.__name__}#{number}"


def test_the_edit_kinds_cover_at_least_25_kinds():
    assert len(EDITS) >= 25


def test_after_every_edit_in_a_seeded_order_the_cached_build_equals_a_cold_one(tmp_path, run, monkeypatch):
    source = generate_site(tmp_path / "site", therapists=5, articles=12, seed=3)
    state = State(source)
    state.write("content/pages/about.md", "---\ntitle: About\n---\nWho we are.\n")
    out = tmp_path / "out"
    order = list(EDITS)
    random.Random(SEED).shuffle(order)
    done: list[str] = []

    def compare(step: str) -> None:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(state.clock))
        options = [x for flag, value in sorted(state.options.items()) for x in (flag, *value)]
        result = run("build", "--source", source, "--output", out, *options)
        assert result.code == 0, (step, result.err)
        cold = tmp_path / "cold"
        shutil.rmtree(cold, ignore_errors=True)
        result = run("build", "--source", source, "--output", cold, "--no-cache", *options)
        assert result.code == 0, (step, result.err)
        expected, got = snapshot(cold), snapshot(out)
        differing = sorted(p for p in expected.keys() | got.keys() if expected.get(p) != got.get(p))
        assert not differing, f"seed {SEED}, after {done + [step]}: the cached build differs in {differing[:10]}"
        done.append(step)

    compare("first build")
    for edit in order:
        for step in steps(edit, state):
            compare(step)
    assert len(done) > 40
