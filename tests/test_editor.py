"""The browser editor at /admin/: config.yml derived from the field tables, the page and its policy, the vendored
Decap script, and serve's local backend (localedit.py) refusing what a page of the preview would never ask."""
from __future__ import annotations

import hashlib
import html
import io
import json
import re

import pytest
import yaml

from generator import config as site_config
from generator import editor, validate
from generator.localedit import LocalBackend
from generator.providers import HiddenFields
from generator.schema import (Bool, Choice, Date, Fields, ListOf, Markdown, Number, Picture, Ref, Text, URL_RE,
                              TimeZone)
from generator.search import indexed_pages

EDITOR = "editor:\n  backend: github\n  repo: harbor/site\n  branch: main\n"
SITE = "title: Harbor\nbase_url: https://harbor.example.org/\n"
FILES = {
    "site.yaml": SITE + EDITOR,
    "therapists/ana-lima.yaml": 'name: "Ana Lima"\n',
    "content/articles/hello.md": "---\ntitle: Hello\ndate: 2026-01-01\nauthor: ana-lima\n---\nHi.\n",
}
# The widgets that fit each type of the field tables (most specific type first).
WIDGETS = ((Bool, {"switch"}), (Number, {"number"}), (Date, {"datetime"}), (Choice, {"select"}),
           (Ref, {"relation"}), (Markdown, {"markdown"}), (Picture, {"image"}), (TimeZone, {"string"}),
           (Fields, {"object"}), (ListOf, {"list", "select", "relation"}), (Text, {"string", "select"}), (HiddenFields, {"hidden"}))


@pytest.fixture
def built(make_site, run):
    source = make_site(FILES)
    assert run("build", "--source", str(source)).code == 0
    return source / "public"


def test_the_admin_page_is_made_only_when_site_yaml_names_an_editor(make_site, run):
    source = make_site({**FILES, "site.yaml": SITE})
    assert run("build", "--source", str(source)).code == 0
    assert not (source / "public" / "admin").exists()


def compare(table: Fields, made: list[dict], where: str, optional: bool = False) -> None:
    """Every field of the table is in the editor with a widget of its type and the same requirement, and the
    editor has no field the table does not know (but a Markdown body). In an ``optional`` group a required field
    is checked before saving instead (Decap would demand it even with the group left empty)."""
    by_name = {f["name"]: f for f in made}
    assert set(by_name) - {"body"} == set(table.table), where
    checked = {(r.collection, r.needs) for r in editor.rules()}
    for name, declared in table.table.items():
        check, field, place = declared.check, by_name[name], f"{where}.{name}"
        assert field["required"] is (declared.required and not optional), place
        if declared.required and optional:
            collection, *path = place.split(".")
            assert (collection, tuple(path)) in checked, place
        allowed = next(widgets for kind, widgets in WIDGETS if isinstance(check, kind))
        assert field["widget"] in allowed, (place, field["widget"])
        if isinstance(check, ListOf):
            assert field["widget"] == "list" or field.get("multiple") is True, place
            if isinstance(check.item, Fields):
                compare(check.item, field["fields"], place)
        if isinstance(check, Fields):
            compare(check, field["fields"], place, optional=not declared.required)
        if isinstance(check, Choice):
            assert field["options"] == list(check.choices), place
        if type(check) is Text and check.pattern is not None and field["widget"] == "string":
            assert field["pattern"][0] == editor.pattern(check.pattern), place
        if isinstance(check, Number):
            assert field["value_type"] == ("int" if check.integer else "float"), place


def test_every_schema_field_is_in_the_editor_with_its_type_and_requirement(built):
    config = yaml.safe_load((built / "admin" / "config.yml").read_text())
    collections = {c["name"]: c for c in config["collections"]}
    for name, table in (("articles", validate.ARTICLE), ("therapists", validate.THERAPIST),
                        ("topics", validate.TOPIC), ("pages", validate.PAGE), ("authors", validate.GUEST_AUTHOR)):
        compare(table, collections[name]["fields"], name)
    assert set(collections) == {"articles", "therapists", "topics", "pages", "authors", "settings"}
    [site_file] = collections["settings"]["files"]
    assert site_file["file"] == "site.yaml"
    compare(site_config.TABLE, site_file["fields"], "settings")
    assert {c["name"]: c["folder"] for c in config["collections"] if "folder" in c} == {
        "articles": "content/articles", "therapists": "therapists", "topics": "content/topics",
        "pages": "content/pages", "authors": "content/authors"}
    therapists = collections["therapists"]
    assert (therapists["extension"], therapists["format"], therapists["media_folder"]) == ("yaml", "yaml", "")
    assert config["backend"] == {"name": "github", "repo": "harbor/site", "branch": "main"}
    assert "local_backend" not in config  # only serve's copy points at a local backend


def test_a_field_missing_from_the_editor_fails_the_comparison():
    made = editor.fields(validate.THERAPIST)
    with pytest.raises(AssertionError):
        compare(validate.THERAPIST, [f for f in made if f["name"] != "languages"], "therapists")
    wrong = [{**f, "required": True} if f["name"] == "pronouns" else f for f in made]
    with pytest.raises(AssertionError):
        compare(validate.THERAPIST, wrong, "therapists")


def test_a_field_required_when_another_is_set_is_checked_before_saving():
    found = {(r.collection, r.when, r.needs) for r in editor.rules()}
    assert {("articles", ("image",), ("image_alt",)), ("therapists", ("photo",), ("photo_alt",)),
            ("authors", ("photo",), ("photo_alt",)), ("settings", ("editor",), ("editor", "backend")),
            ("settings", ("crisis",), ("crisis", "text"))} <= found
    script = editor.checks_js().decode()
    rules = json.loads(re.search(r"var rules = (.*);\n", script).group(1))
    assert {"collection": "therapists", "when": ["photo"], "needs": ["photo_alt"], "message":
            "'Photo alt' is required when 'Photo' is set: " + validate.THERAPIST.table["photo_alt"].help} in rules


def test_the_editors_patterns_accept_what_the_validator_accepts():
    url = re.compile(editor.pattern(URL_RE))
    for text in ("https://example.org/book", "HTTP://Example.org", "https://a.b/c?d=e#f"):
        assert url.match(text) and URL_RE.fullmatch(text), text
    for text in ("example.org", "ftp://example.org", "https://", "https://x y"):
        assert not url.match(text) and not URL_RE.fullmatch(text), text
    slug = re.compile(editor.pattern(validate.SLUG_RE))
    assert slug.match("my-first-article") and not slug.match("My article") and not slug.match("a-")


def test_the_admin_page_is_noindex_with_a_policy_widened_only_for_the_editor_and_github(built):
    page = (built / "admin" / "index.html").read_text()
    assert '<meta name="robots" content="noindex, nofollow">' in page
    policy = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1))
    assert policy == ("default-src 'self'; script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'; style-src 'self' "
                      "'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' blob: https://api.github.com; "
                      "base-uri 'self'; form-action 'self'; object-src 'none'")
    assert re.findall(r'<script src="([^"]+)"', page) == ["/admin/decap-cms.js", "/admin/checks.js"]
    assert "<script>" not in page and "https://" not in page.split("</head>")[0].split("Content-Security")[0]
    home = (built / "index.html").read_text()
    assert "api.github.com" not in home and "unsafe" not in home  # the rest of the site keeps its own policy


def test_admin_is_not_in_the_sitemap_or_the_search_index(built):
    assert "/admin" not in (built / "sitemap.xml").read_text()
    assert (built / "admin" / "index.html").is_file()
    assert not [path for path, _ in indexed_pages(built) if path.startswith("admin/")]
    assert "admin" not in json.dumps(sorted(p.name for p in (built / "pagefind").rglob("*")))


def test_the_vendored_decap_is_the_pinned_version_whole_with_its_licence(built):
    folder = editor.VENDOR
    assert (folder / "VERSION").read_text().strip() == editor.DECAP_VERSION
    sums = dict(line.split("  ", 1)[::-1] for line in (folder / "SHA256SUMS").read_text().splitlines())
    assert "decap-cms.js" in sums and "LICENSE" in sums
    for name, expected in sums.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == expected, name
    assert "MIT License" in (built / "admin" / "LICENSE").read_text()
    assert (built / "admin" / "decap-cms.js").read_bytes() == (folder / "decap-cms.js").read_bytes()
    assert (built / "admin" / "decap-cms.js.LICENSE.txt").is_file()


def test_an_editor_setting_with_mistakes_is_reported_with_the_fix(make_site, run):
    source = make_site({**FILES, "site.yaml": SITE + "editor:\n  backend: bitbucket\n  repo: nope\n"})
    result = run("build", "--source", str(source))
    assert result.code == 1
    assert "site.yaml:4: editor.backend: expected one of 'github', 'gitlab', found 'bitbucket'" in result.err
    assert ("site.yaml:5: editor.repo: expected the repository as owner/name, like ana/practice-site, "
            "found 'nope'") in result.err


def test_optional_fields_the_editor_saves_empty_count_as_left_out(make_site, run):
    """Decap writes "" for a box that was typed in and cleared, and [] for an emptied list."""
    source = make_site({**FILES, "therapists/emma-empty.yaml": 'name: Emma Empty\npronouns: ""\nlanguages: []\n'
                        'fees:\n  individual: ""\ncontact:\n  email: ""\n  booking_url: ""\n'})
    result = run("build", "--source", str(source))
    assert result.code == 0, result.err


# serve's local backend: Decap's JSON API over the site folder.
def call(backend: LocalBackend, body: dict | bytes, **headers) -> tuple[str, object]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    environ = {"REQUEST_METHOD": "POST", "HTTP_HOST": "127.0.0.1:8000", "CONTENT_TYPE": "application/json",
               "CONTENT_LENGTH": str(len(data)), "wsgi.input": io.BytesIO(data), **headers}
    answer = {}

    def start_response(status, response_headers):
        answer["status"] = status

    payload = b"".join(backend.app(environ, start_response))
    return answer["status"], json.loads(payload)


def test_the_local_backend_reads_and_writes_the_site_folder(make_site):
    source = make_site(FILES)
    backend = LocalBackend(source)
    assert call(backend, {"action": "info"})[1] == {"repo": "site", "publish_modes": ["simple"], "type": "local_fs"}
    status, entries = call(backend, {"action": "entriesByFolder", "params": {
        "branch": "main", "folder": "therapists", "extension": "yaml", "depth": 1}})
    assert status == "200 OK" and [e["file"]["path"] for e in entries] == ["therapists/ana-lima.yaml"]
    assert entries[0]["data"] == 'name: "Ana Lima"\n'
    status, _ = call(backend, {"action": "persistEntry", "params": {
        "branch": "main", "entry": {"slug": "ben", "path": "therapists/ben.yaml", "raw": "name: Ben\n"},
        "assets": [{"path": "therapists/ben.png", "content": "iVBORw0KGgo=", "encoding": "base64"}]}})
    assert status == "200 OK"
    assert (source / "therapists/ben.yaml").read_text() == "name: Ben\n"
    assert (source / "therapists/ben.png").read_bytes() == b"\x89PNG\r\n\x1a\n"
    status, media = call(backend, {"action": "getMedia", "params": {"branch": "main", "mediaFolder": "therapists"}})
    assert [m["name"] for m in media] == ["ana-lima.yaml", "ben.png", "ben.yaml"]


@pytest.mark.parametrize("path", ["../outside.yaml", "content/../../outside.yaml", "/etc/passwd", "layouts/x.html",
                                  ".git/config", "public/index.html", "content\\..\\x"])
def test_the_local_backend_refuses_paths_outside_the_editors_folders(make_site, path):
    source = make_site(FILES)
    status, answer = call(LocalBackend(source), {"action": "persistEntry", "params": {
        "branch": "main", "entry": {"slug": "x", "path": path, "raw": "x"}, "assets": []}})
    assert status == "403 Forbidden"
    assert answer["error"] == (f"{path!r} is outside the folders the editor may change "
                               "(content/, therapists/, site.yaml)")
    assert not (source.parent / "outside.yaml").exists()


def test_the_local_backend_renames_an_entry_but_never_out_of_its_folders(make_site):
    source = make_site(FILES)
    backend = LocalBackend(source)
    entry = {"slug": "x", "path": "content/articles/hello.md", "raw": "x", "newPath": "../moved.md"}
    status, _ = call(backend, {"action": "persistEntry", "params": {"branch": "main", "dataFiles": [entry],
                                                                     "assets": []}})
    assert status == "403 Forbidden" and (source / "content/articles/hello.md").read_text() == FILES[
        "content/articles/hello.md"]  # refused before anything was written
    entry["newPath"] = "content/articles/renamed.md"
    assert call(backend, {"action": "persistEntry", "params": {"branch": "main", "dataFiles": [entry],
                                                                "assets": []}})[0] == "200 OK"
    assert (source / "content/articles/renamed.md").read_text() == "x"
    assert not (source / "content/articles/hello.md").exists()


def test_the_local_backend_refuses_a_link_that_leads_out_of_the_site(make_site, tmp_path):
    source = make_site(FILES)
    (tmp_path / "elsewhere").mkdir()
    (source / "content" / "out").symlink_to(tmp_path / "elsewhere")
    status, answer = call(LocalBackend(source), {"action": "persistEntry", "params": {
        "branch": "main", "entry": {"slug": "x", "path": "content/out/x.md", "raw": "x"}, "assets": []}})
    assert (status, answer["error"]) == ("403 Forbidden", "'content/out/x.md' leads outside the site folder")
    assert not (tmp_path / "elsewhere" / "x.md").exists()


def test_the_local_backend_answers_only_pages_of_the_preview_itself(make_site):
    backend = LocalBackend(make_site(FILES))
    assert call(backend, {"action": "info"}, HTTP_ORIGIN="https://evil.example") == (
        "403 Forbidden", {"error": "requests from 'https://evil.example' are refused: open the editor at "
                                   "http://127.0.0.1:8000/admin/"})
    assert call(backend, {"action": "info"}, HTTP_HOST="evil.example:8000") == (
        "403 Forbidden", {"error": "the local backend answers requests to this machine only, not 'evil.example:8000'"})
    assert call(backend, {"action": "info"}, CONTENT_TYPE="text/plain") == (
        "415 Unsupported Media Type", {"error": "expected a JSON request (Content-Type: application/json)"})
    assert call(backend, b"{not json") == ("400 Bad Request", {"error": "the request is not valid JSON"})
    assert call(backend, {"action": "info"}, REQUEST_METHOD="GET")[0] == "405 Method Not Allowed"
    assert call(backend, {"action": "unpublishedEntries", "params": {}})[0] == "422 Unprocessable Entity"
    assert call(backend, {"action": "info"}, HTTP_ORIGIN="http://127.0.0.1:8000")[0] == "200 OK"


def test_the_cache_sees_a_new_vendored_editor_through_its_checksum_list(tmp_path, monkeypatch):
    from generator import cache
    vendor = tmp_path / "vendor" / "decap-cms"
    vendor.mkdir(parents=True)
    (vendor / "SHA256SUMS").write_text("aaa  decap-cms.js\n")
    monkeypatch.setattr(cache, "VENDOR", tmp_path / "vendor")
    before = cache.code_digest(tmp_path)
    (vendor / "SHA256SUMS").write_text("bbb  decap-cms.js\n")  # scripts/update-editor rewrites it with the files
    assert cache.code_digest(tmp_path) != before


def test_the_editor_speaks_of_its_form_not_of_the_files_yaml_and_names_the_site_time_zone():
    """The hints beside the form's fields are not the notes of `new`'s files: no [lists], quotes or indentation,
    switches said as on and off; dates say whose clock they are on."""
    hints = []

    def walk(fields, where):
        for entry in fields:
            hints.append((f"{where}.{entry['name']}", entry.get("hint", "")))
            walk(entry.get("fields", []), f"{where}.{entry['name']}")

    for collection in editor.collections("America/Los_Angeles"):
        walk(collection.get("fields", []), collection["name"])
        for file in collection.get("files", []):
            walk(file["fields"], collection["name"])
    yaml_words = re.compile(r"\[|in quotes|\"[A-Za-z][^\"]*\"|indent|(?<!site)\.yaml\b|^(true|false)\b|\b(true|false):"
                            r"|the # |a line empty|capital letters, such as")
    assert [(where, hint) for where, hint in hints if yaml_words.search(hint)] == []
    date = dict(hints)["articles.date"]
    assert "America/Los_Angeles" in date and "Now button" in date


def test_a_switch_shows_what_the_build_reads_when_the_file_leaves_it_out_and_a_new_entry_starts_as_new_does():
    switches = {f"{c['name']}.{f['name']}": f for c in editor.collections() for f in c.get("fields", [])
                if f["widget"] == editor.SWITCH}
    assert switches["therapists.listed"]["left_out"] is True and switches["therapists.listed"]["default"] is True
    assert switches["articles.draft"]["default"] is True and "left_out" not in switches["articles.draft"]
    assert "default" not in switches["pages.draft"] and "default" not in switches["therapists.former"]
    assert '"left_out"' in editor.checks_js().decode() and 'registerWidget("switch"' in editor.checks_js().decode()
