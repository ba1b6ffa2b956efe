"""Rendering: layout overrides, template mistakes reported as problems, escaping and sanitizing."""
from __future__ import annotations

from conftest import noted, noting, snapshot

ARTICLE = "---\ntitle: A <b>bold</b> title\ndate: 2026-01-01\nsummary: '\"quoted\" & <i>tagged</i>'\n---\n"


def test_a_file_in_layouts_overrides_the_built_in_template(make_site, run, tmp_path):
    source = make_site({"layouts/footer_extra.html": "<p>Our own footer line</p>\n"})
    assert run("build", "--source", source, "--output", tmp_path / "out").code == 0
    assert "<p>Our own footer line</p>" in (tmp_path / "out" / "404.html").read_text()


def test_a_static_file_in_layouts_static_overrides_the_theme_asset(make_site, run, tmp_path):
    source = make_site({"layouts/static/site.css": "body { color: teal; }\n"})
    assert run("build", "--source", source, "--output", tmp_path / "out").code == 0
    assert (tmp_path / "out" / "assets" / "site.css").read_text() == "body { color: teal; }\n"


def test_a_broken_layout_override_is_reported_with_file_and_line_and_nothing_is_written(make_site, run, tmp_path):
    out = tmp_path / "out"
    source = make_site()
    assert run("build", "--source", source, "--output", out).code == 0
    before = snapshot(out)
    (source / "layouts").mkdir()
    (source / "layouts" / "footer_extra.html").write_text("<p>\n{{ site.nonexistent_field }}</p>\n{% if %}\n")
    result = run("build", "--source", source, "--output", out)
    assert result.code == 1
    assert result.err.splitlines()[1] == (
        "layouts/footer_extra.html:3: template error while rendering home.html: Expected an expression, got "
        "'end of statement block'; check the {{ }} and {% %} tags on this line; names available to templates "
        "are in models.py")
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "site"]


def test_an_unknown_name_in_a_layout_fails_the_build_instead_of_printing_nothing(make_site, run, tmp_path):
    source = make_site({"layouts/footer_extra.html": "<p>{{ config.no_such_setting }}</p>\n"})
    result = run("build", "--source", source, "--output", tmp_path / "out")
    assert result.code == 1
    assert "layouts/footer_extra.html" in result.err
    assert "has no attribute 'no_such_setting'" in result.err


def test_front_matter_values_are_escaped_in_pages(make_site, run, tmp_path):
    source = make_site({"content/articles/a.md": ARTICLE + "Body\n"})
    assert run("build", "--source", source, "--output", tmp_path / "out").code == 0
    html = (tmp_path / "out" / "articles" / "a" / "index.html").read_text()
    assert "<h1>A &lt;b&gt;bold&lt;/b&gt; title</h1>" in html
    assert 'content="&#34;quoted&#34; &amp; &lt;i&gt;tagged&lt;/i&gt;"' in html


def test_raw_html_in_markdown_is_sanitized_by_default(make_site, run, tmp_path):
    body = ('<script>alert(1)</script>\n\n<p onclick="steal()">Hi <a href="javascript:alert(2)">x</a> '
            '<img src="data:image/png;base64,AAAA" alt="d"> <iframe src="https://evil.example"></iframe></p>\n')
    source = make_site({"content/articles/a.md": ARTICLE + body})
    assert run("build", "--source", source, "--output", tmp_path / "out").code == 0
    html = (tmp_path / "out" / "articles" / "a" / "index.html").read_text()
    for bad in ("<script>alert", "onclick", "javascript:", "data:image", "<iframe"):
        assert bad not in html
    assert "<p>Hi <a>x</a>" in html


def test_unsafe_html_in_site_yaml_keeps_raw_html(make_site, run, tmp_path):
    source = make_site({
        "site.yaml": "title: T\nbase_url: https://t.example.org/\nunsafe_html: true\n",
        "content/articles/a.md": ARTICLE + '<div class="embed" data-x="1">trusted</div>\n',
    })
    assert run("build", "--source", source, "--output", tmp_path / "out").code == 0
    assert '<div class="embed" data-x="1">trusted</div>' in (tmp_path / "out" / "articles" / "a" /
                                                              "index.html").read_text()


def test_table_alignment_uses_classes_not_inline_styles_the_csp_would_block(make_site, run, tmp_path):
    source = make_site({"content/articles/a.md": ARTICLE + "| a | b |\n|:-:|--:|\n| 1 | 2 |\n"})
    assert run("build", "--source", source, "--output", tmp_path / "out").code == 0
    html = (tmp_path / "out" / "articles" / "a" / "index.html").read_text()
    assert '<td class="align-center">1</td>' in html and "style=" not in html


def test_templates_compiled_for_one_site_address_are_not_reused_for_another_in_the_same_process(make_site, run,
                                                                                                 tmp_path):
    # Jinja applies filters to constants as it compiles ('/sitemap.xml' | absolute): what a process keeps compiled
    # is kept per configuration, so a second site (serve after an edit of site.yaml, the tests) gets its own.
    first = make_site(name="first")
    second = make_site({"site.yaml": "title: Other Practice\nbase_url: https://other-practice.org/sub/\n"},
                       name="second")
    for source in (first, second, first):
        assert run("build", "--source", source, "--output", tmp_path / source.name / "out").code == 0
    assert "Sitemap: https://test-practice.org/sitemap.xml" in (tmp_path / "first/out/robots.txt").read_text()
    assert "Sitemap: https://other-practice.org/sub/sitemap.xml" in (tmp_path / "second/out/robots.txt").read_text()


def test_a_memo_part_is_made_once_per_arguments_and_its_long_text_reads_are_noted_wherever_it_is_shown():
    from dataclasses import dataclass

    import jinja2

    from generator.models import _noted, reading
    from generator.render import Memo

    @_noted
    @dataclass(frozen=True, slots=True)
    class Person:
        slug: str
        bio: str

    made = []
    env = jinja2.Environment(extensions=[Memo], autoescape=True)
    env.globals["made"] = lambda p: made.append(p.slug) or ""
    page = env.from_string('{% macro card(p, level) %}{% memo p, level %}{{ made(p) }}<h{{ level }}>{{ p.bio }}'
                           '</h{{ level }}>{% endmemo %}{% endmacro %}{{ card(a, 2) }}{{ card(b, 2) }}'
                           '{{ card(a, 3) }}{{ card(a, 2) }}|')
    ana, ben = Person("ana", "A & B"), Person("ben", "Ben")
    with reading() as first:
        assert page.render(a=ana, b=ben) == "<h2>A &amp; B</h2><h2>Ben</h2><h3>A &amp; B</h3><h2>A &amp; B</h2>|"
    assert made == ["ana", "ben", "ana"]  # a, b, and a at another level; the fourth card was the first's
    with reading() as second:  # another page showing the same cards, all made already
        assert page.render(a=ana, b=ben) == "<h2>A &amp; B</h2><h2>Ben</h2><h3>A &amp; B</h3><h2>A &amp; B</h2>|"
    assert made == ["ana", "ben", "ana"]
    assert first == second == {("Person", "ana", "bio"), ("Person", "ben", "bio")}  # its key covers what they read
    other = Person("ana", "Ana, edited")  # equal slug, another object (the next site model): made again
    assert page.render(a=other, b=ben).startswith("<h2>Ana, edited</h2>") and made[-1] == "ana"


def test_a_cold_build_compiles_every_template_while_markdown_converts_and_none_while_rendering(tmp_path,
                                                                                              monkeypatch):
    """The render workers fork with every template compiled: none compiles a shared part again, and none asks the
    disk whether a template changed (a build's environment is its own: a stat per page, include and import)."""
    import jinja2

    from generator import build as build_module, render
    from generator.options import Options
    from sitegen import generate_site

    site = generate_site(tmp_path / "site", therapists=10, articles=80, seed=4)  # enough for the process pools
    log = tmp_path / "events.log"
    monkeypatch.setenv("THERAPIST_SITE_JOBS", "2")
    monkeypatch.setattr(render, "_COMPILED", {})  # as in a new process
    monkeypatch.setattr(jinja2.Environment, "compile", noting(log, "compile", jinja2.Environment.compile))
    monkeypatch.setattr(build_module, "render_changed", noting(log, "render", build_module.render_changed))
    monkeypatch.setattr(jinja2.Template, "is_up_to_date", property(noting(log, "stat", lambda template: True)))
    build_module.build(Options(source=site, output=tmp_path / "out", cache=False))
    events = [event for event, *_ in noted(log)]
    assert "render" in events and events.count("compile") >= 20
    assert "compile" not in events[events.index("render"):]
    assert "stat" not in events
