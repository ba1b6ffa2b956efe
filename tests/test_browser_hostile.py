"""A payload in every field of a profile and an article builds into pages on which nothing runs in Chromium.

The browser is told to ignore the Content-Security-Policy, so what is proven is the escaping and sanitizing
itself: the CSP is a second wall, not the only one.
"""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from browser import launched, served
from conftest import write_files
from generator.cli import main as cli
from sitegen import _png

PAYLOAD = '"><script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"><svg onload="window.__pwned=3">'
FIELD = PAYLOAD.replace('"', '\\"')  # inside a double-quoted YAML string
PROFILE = f"""\
name: "Ana {FIELD} Lima"
credentials: ["PsyD {FIELD}"]
pronouns: "she/{FIELD}"
title: "Psychologist </script><script>window.__pwned=4</script>"
bio: |
  Bio <script>window.__pwned=5</script> <a href="javascript:window.__pwned=6">click</a>
  <iframe src="javascript:window.__pwned=7"></iframe> <p onclick="window.__pwned=8">x</p> {{{{ 7*7 }}}}
specialties: ["Trauma {FIELD}"]
modalities: ["EMDR {FIELD}"]
populations: ["Adults {FIELD}"]
languages: ["English {FIELD}"]
insurance: ["Aetna {FIELD}"]
fees: {{individual: 100, sliding_scale: true, currency: USD}}
formats: [in-person, telehealth]
locations: [{{name: "Office {FIELD}", address: "1 {FIELD} St", city: "San {FIELD}", state: CA, postal_code: "9{FIELD}"}}]
telehealth_states: [CA]
licenses: [{{type: "Psychologist {FIELD}", state: CA, number: "PSY {FIELD}"}}]
accepting_new_clients: true
contact: {{email: "ana@example.org", phone: "+1 {FIELD}", booking_url: "https://example.org/?q=\\"><script>window.__pwned=14</script>",
  website: "https://example.org/#</script><script>window.__pwned=9</script>"}}
"""
ARTICLE = f"""\
---
title: "Title {FIELD}"
date: 2026-01-01
author: ana-lima
topics: ["Topic {FIELD}"]
summary: "Summary {FIELD} </script><script>window.__pwned=10</script>"
image: pic.png
image_alt: "Alt {FIELD}"
---
Body {PAYLOAD}

[link](javascript:window.__pwned=11) [data](data:text/html,<script>window.__pwned=12</script>)
<a href="JaVaScRiPt:window.__pwned=13">mixed case</a> <object data="x"></object> <style>body{{display:none}}</style>
<form action="https://evil.example"><input name=x></form> {{{{ 7*7 }}}} {{% raw %}}
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    source = write_files(root / "site", {
        "site.yaml": "title: Hostile test\nbase_url: https://hostile.example.org/\n",
        "therapists/ana-lima.yaml": PROFILE,
        "content/articles/attack.md": ARTICLE,
        "content/articles/pic.png": _png(1),
    })
    assert cli(["build", "--source", str(source), "--output", str(root / "public"), "--quiet"]) == 0
    return root / "public"


class Markup(HTMLParser):
    """Collect what could run: event attributes, scripts, frames, and links with a script address."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.script: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.found += [f"<{tag} {name}=>" for name in attrs if name.startswith("on")]
        if tag in ("iframe", "object", "embed", "svg", "style", "frame", "base", "meta") and tag != "meta":
            self.found.append(f"<{tag}>")
        if tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
            self.found.append("<meta refresh>")
        for name in ("href", "src", "action", "formaction", "xlink:href"):
            if (attrs.get(name) or "").strip().lower().startswith(("javascript:", "data:", "vbscript:")):
                self.found.append(f"<{tag} {name}={attrs[name]}>")
        if tag == "script":
            self.script = attrs
            if "src" in attrs and not attrs["src"].startswith(("/assets/", "/pagefind/")):  # the site's own
                self.found.append(f"<script src={attrs['src']}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self.script = None

    def handle_data(self, data):
        if self.script is not None and self.script.get("type") != "application/ld+json" and data.strip():
            self.found.append(f"inline script {data[:40]!r}")


def test_no_payload_survives_into_the_html_as_markup(hostile):
    pages = sorted(hostile.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        parser = Markup()
        parser.feed(page.read_text())
        assert parser.found == [], (page, parser.found)


def test_template_syntax_in_content_is_shown_as_text(hostile):
    assert "{{ 7*7 }}" in (hostile / "articles" / "attack" / "index.html").read_text()
    assert "{{ 7*7 }}" in (hostile / "therapists" / "ana-lima" / "index.html").read_text()


def test_json_ld_stays_json_and_keeps_the_text_as_data(hostile):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>',
                        (hostile / "therapists" / "ana-lima" / "index.html").read_text(), re.S)
    assert blocks
    people = [json.loads(block) for block in blocks]
    assert any("<script>window.__pwned=1</script>" in json.dumps(data, ensure_ascii=False) for data in people)


def test_nothing_runs_in_chromium_even_with_the_csp_switched_off(hostile):
    pages = sorted(p.relative_to(hostile).as_posix() for p in hostile.rglob("*.html"))
    with launched() as browser, served(hostile) as base:
        context = browser.new_context(bypass_csp=True, java_script_enabled=True)
        page = context.new_page()
        dialogs = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        for path in pages:
            page.goto(f"{base}/{path}")
            page.wait_for_load_state("load")
            for link in page.locator("a[href]").all():
                href = link.get_attribute("href") or ""
                assert not href.strip().lower().startswith(("javascript:", "data:")), (path, href)
            assert page.evaluate("window.__pwned === undefined"), path
        assert dialogs == []
        context.close()
