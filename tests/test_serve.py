"""The dev server: a rebuild that never raises, pages prepared for the preview, and serve driven for real.

The live tests start ``python -m generator serve`` on a free loopback port and talk to it over HTTP and the
live reload websocket, with bounded waits, the way a browser would.
"""
from __future__ import annotations

import asyncio
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import REPO
from generator import preview as preview_module
from generator import serve as serve_module
from generator.build import Options, build
from generator.errors import Problem, UsageError
from generator.preview import Preview, decorate, overlay, rebuild
from generator.serve import CACHE

PROFILE = 'name: "Ana Lima"\nlanguages: [English, Portuguese]\nbio: Ana works with adults after trauma.\n'
ARTICLE = "---\ntitle: Hello\ndate: 2026-01-01\nauthor: ana-lima\nsummary: Hi.\n---\nThe first version.\n"
SITE = {"therapists/ana-lima.yaml": PROFILE, "content/articles/hello.md": ARTICLE}
PAGE = (b'<!doctype html>\n<html lang="en">\n<head>\n<meta http-equiv="Content-Security-Policy" '
        b"content=\"default-src 'self'; object-src 'none'\">\n<title>T</title>\n</head>\n<body class=\"x\">\n"
        b"<p>Page</p>\n</body>\n</html>\n")


def options(source: Path) -> Options:
    return Options(source=source, output=source / CACHE, drafts=True, base_url="http://127.0.0.1:8000/")


def quiet(text: str) -> None:
    pass


# The rebuild, as a plain function


def test_rebuild_of_a_good_site_returns_no_problems_and_leaves_public_alone(make_site):
    source = make_site(SITE)
    assert rebuild(options(source), quiet) == ()
    assert (source / CACHE / "articles" / "hello" / "index.html").is_file()
    assert not (source / "public").exists()


def test_rebuild_of_a_broken_site_returns_its_problems_and_keeps_the_last_good_build(make_site):
    source = make_site(SITE)
    rebuild(options(source), quiet)
    before = (source / CACHE / "therapists" / "ana-lima" / "index.html").read_bytes()
    (source / "therapists" / "ana-lima.yaml").write_text('name: "Ana Lima"\nlanguages: [English\nbio: x\n')
    logged: list[str] = []
    problems = rebuild(options(source), logged.append)
    assert [str(p) for p in problems] == [
        "therapists/ana-lima.yaml:2: cannot read this file: the list that starts with '[' on this line is not "
        "closed properly; end the list with ']' and separate the values with commas; put a value that contains "
        "a comma or ': ' in quotes"]
    assert (source / CACHE / "therapists" / "ana-lima" / "index.html").read_bytes() == before
    assert "The browser shows the last good version" in logged[0]


def test_rebuild_reports_a_bug_as_a_problem_instead_of_raising(make_site, monkeypatch):
    def broken(options):
        raise RuntimeError("boom")

    monkeypatch.setattr(preview_module, "build", broken)
    logged: list[str] = []
    problems = rebuild(options(make_site(SITE)), logged.append)
    assert [str(p) for p in problems] == [
        "therapist-site: unexpected error: RuntimeError: boom; this is a bug in therapist-site, not in your files; "
        "the details are in the terminal"]
    assert "Traceback" in logged[0]


# Pages prepared for the preview


def test_decorate_lists_the_problems_right_after_body_with_file_line_field_message_and_hint():
    problem = Problem("therapists/ana-lima.yaml", 3, "languages", "expected a list, found the text 'English'",
                      "put the values in square brackets")
    page = decorate(PAGE, (problem,), "ws://127.0.0.1:8000").decode()
    body = page.index('<body class="x">\n') + len('<body class="x">\n')
    assert page[body:].startswith('<section class="ts-dev-problems" role="alert"')
    assert ('<li><span class="ts-dev-where">therapists/ana-lima.yaml, line 3</span>: <code>languages</code>: '
            "expected a list, found the text &#x27;English&#x27;<span class=\"ts-dev-hint\">How to fix: put the "
            "values in square brackets</span></li>") in page
    assert "The site could not be rebuilt: 1 problem" in page


def test_decorate_injects_no_inline_script_or_style_and_lets_only_the_reload_socket_through_the_policy():
    page = decorate(PAGE, (Problem("site.yaml", 1, "", "bad"),), "ws://127.0.0.1:8000").decode()
    assert ("content=\"default-src 'self'; object-src 'none'; connect-src 'self' ws://127.0.0.1:8000\"") in page
    assert '<script src="/livereload.js" defer></script>' in page
    assert page.count("<script") == 1
    assert "style=" not in page and "<style" not in page
    assert f'<link rel="stylesheet" href="{preview_module.OVERLAY_URL}">' in page


def test_a_page_without_problems_gets_the_reload_script_and_no_overlay():
    page = decorate(PAGE, (), "ws://127.0.0.1:8000").decode()
    assert "ts-dev-problems" not in page and preview_module.OVERLAY_URL not in page
    assert '<script src="/livereload.js" defer></script>\n</head>' in page


def test_overlay_escapes_what_the_sources_say():
    html = overlay((Problem("content/articles/a.md", 2, "title", "<script>alert(1)</script>"),))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_overlay_before_any_good_build_says_there_is_nothing_older_to_show():
    html = overlay((Problem("site.yaml", 0, "", "not found"),), good=False)
    assert "The site could not be built: 1 problem" in html
    assert "There is no earlier version to show yet." in html
    assert '<span class="ts-dev-where">site.yaml</span>: not found' in html


def call(preview: Preview, path: str) -> tuple[str, dict, bytes]:
    seen: dict = {}

    def start_response(status, headers):
        seen.update(status=status, headers=dict(headers))

    body = b"".join(preview.app({"PATH_INFO": path, "HTTP_HOST": "127.0.0.1:8000"}, start_response))
    return seen["status"], seen["headers"], body


def test_the_preview_serves_folders_redirects_without_slash_and_answers_404_with_the_sites_page(make_site):
    preview = Preview(options(make_site(SITE)), quiet)
    preview.rebuild()
    status, headers, body = call(preview, "/articles/hello/")
    assert status == "200 OK" and b"The first version." in body and b"/livereload.js" in body
    assert headers["Cache-Control"] == "no-store"
    assert call(preview, "/articles/hello")[:2] == ("301 Moved Permanently",
                                                   {"Location": "/articles/hello/", "Content-Length": "0"})
    status, headers, body = call(preview, "/nothing/here/")
    assert status == "404 Not Found" and headers["Content-Type"] == "text/html; charset=utf-8"
    assert b"<title>Page not found" in body or b"404" in body
    assert call(preview, "/../site.yaml")[0] == "404 Not Found"
    status, headers, body = call(preview, preview_module.OVERLAY_URL)
    assert headers["Content-Type"] == "text/css; charset=utf-8" and b".ts-dev-problems" in body


def test_the_preview_shows_the_problems_on_a_placeholder_page_until_a_first_good_build(make_site):
    source = make_site({**SITE, "site.yaml": "title: [x\n"})
    preview = Preview(options(source), quiet)
    preview.rebuild()
    status, _, body = call(preview, "/")
    assert b"The site could not be built: 1 problem" in body
    assert b"site.yaml, line 1" in body


def test_a_fixed_site_swapped_in_before_the_preview_hears_of_it_is_served_without_the_old_problems(make_site):
    """The rebuild thread publishes the fixed site, then says the problems are gone: in between, a request must
    get the new page without the old problems (and before the swap, the old page with them)."""
    source = make_site(SITE)
    preview = Preview(options(source), quiet)
    assert preview.rebuild() == ()
    profile = source / "therapists/ana-lima.yaml"
    profile.write_text('name: "Ana Lima"\nlanguages: [English, Portuguese\nbio: A new bio.\n')
    assert preview.rebuild() != ()
    broken = call(preview, "/therapists/ana-lima/")[2]
    assert b"ts-dev-problems" in broken and b"Ana works with adults after trauma." in broken
    profile.write_text(PROFILE.replace("Ana works with adults after trauma.", "A new bio."))
    build(preview.options)  # the swap, as the rebuild thread makes it before it returns
    fixed = call(preview, "/therapists/ana-lima/")[2]
    assert b"A new bio." in fixed and b"ts-dev-problems" not in fixed
    assert b"ts-dev-problems" not in call(preview, "/")[2]
    assert preview.rebuild() == () and b"ts-dev-problems" not in call(preview, "/therapists/ana-lima/")[2]


# serve, for real, on a loopback port


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.read().decode()


# Each wait is as long as a quiet machine needs, times this: a test must pass while other work keeps the cores busy,
# and a wait that ends as soon as its condition holds costs nothing when the machine is quick.
PATIENCE = 6


def wait_for(condition, timeout: float, step: float = 0.02):
    """Poll ``condition`` until it returns something true or ``timeout`` (times PATIENCE) seconds pass; return the
    last value."""
    deadline = time.monotonic() + timeout * PATIENCE
    while True:
        try:
            value = condition()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            value = None
        if value or time.monotonic() > deadline:
            return value
        time.sleep(step)


class Served:
    def __init__(self, source: Path, tmp_path: Path):
        self.source, self.port = source, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.out, self.err = tmp_path / "serve.out", tmp_path / "serve.err"
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        with self.out.open("w") as out, self.err.open("w") as err:
            self.proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--source", str(source),
                                          "--port", str(self.port)], stdout=out, stderr=err, env=env)
        if not wait_for(lambda: fetch(self.url + "/"), 20, 0.1):
            self.proc.kill()
            self.proc.wait(10)
            pytest.fail(f"serve did not answer within 20 s:\n{self.err.read_text()}")

    def page(self, path: str) -> str:
        return fetch(self.url + path)

    def stop(self, stop_signal: int = signal.SIGINT) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(stop_signal)
        try:
            return self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise


@pytest.fixture
def served(make_site, tmp_path):
    server = Served(make_site(SITE), tmp_path)
    yield server
    server.stop()


def save(path: Path, text: str) -> None:
    """Write like an editor does, and make sure the time stamp moves even on a coarse file system."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text)
    if path.stat().st_mtime_ns == before:
        os.utime(path, ns=(before + 1_000_000, before + 1_000_000))


def test_an_edit_to_an_article_shows_in_the_served_page_within_two_seconds(served):
    assert "The first version." in served.page("/articles/hello/")
    started = time.monotonic()
    save(served.source / "content/articles/hello.md", ARTICLE.replace("The first version.", "The second one."))
    assert wait_for(lambda: "The second one." in served.page("/articles/hello/"), 2.0)
    assert time.monotonic() - started < 2.0
    assert not (served.source / "public").exists()


def test_an_edited_article_body_is_shown_before_the_full_rebuild_which_then_follows(served):
    assert "The first version." in served.page("/articles/hello/")
    save(served.source / "content/articles/hello.md", ARTICLE.replace("The first version.", "The quick one."))
    assert wait_for(lambda: "The quick one." in served.page("/articles/hello/"), 2.0)
    assert wait_for(lambda: "Rebuilt " in served.out.read_text().split("Showed /articles/hello/ in ", 1)[-1]
                    and "Showed /articles/hello/ in " in served.out.read_text(), 5.0), served.out.read_text()


def test_site_yaml_saved_by_renaming_a_new_file_over_it_is_seen_again_and_again(served):
    """Editors often save by writing a new file and renaming it over the old one: the watch must survive that."""
    config = served.source / "site.yaml"
    for title in ("Renamed Practice", "Renamed Again"):
        fresh = served.source / ".site.yaml.new"
        fresh.write_text(config.read_text().replace(config.read_text().split("\n")[0], f"title: {title}"))
        os.replace(fresh, config)
        assert wait_for(lambda: title in served.page("/"), 5.0), f"{title!r} never showed"


def test_a_layouts_folder_made_while_serving_is_watched_too(served):
    layouts = served.source / "layouts"
    assert not layouts.exists()
    layouts.mkdir()
    (layouts / "footer_extra.html").write_text("<p>From the site's own layout</p>\n")
    assert wait_for(lambda: "From the site's own layout" in served.page("/"), 5.0)
    (layouts / "footer_extra.html").write_text("<p>The footer, edited</p>\n")
    assert wait_for(lambda: "The footer, edited" in served.page("/"), 5.0)


def test_pages_are_still_served_while_a_full_rebuild_runs(make_site, tmp_path):
    """A full rebuild of a large site takes seconds: it runs beside the server, which goes on answering."""
    slow = "{% for i in range(3000000) %}{% endfor %}<p>A slow footer</p>\n"  # every page takes a while to render
    served = Served(make_site({**SITE, "layouts/footer_extra.html": slow}), tmp_path)
    try:
        staging = served.source / CACHE.parent
        rebuilds = served.out.read_text().count("Rebuilt ")
        config = served.source / "site.yaml"
        save(config, config.read_text().replace("Test Practice", "Renamed Practice"))  # no quick preview for this
        assert wait_for(lambda: list(staging.glob(".site.staging-*")), 10.0, 0.01), "the rebuild never started"
        page = served.page("/articles/hello/")  # asked while the rebuild is writing the new site
        assert "Test Practice" in page and "Renamed Practice" not in page
        assert served.out.read_text().count("Rebuilt ") == rebuilds, "the page waited for the rebuild to end"
        # An article body saved now is shown at once by the quick preview, while the rebuild still runs...
        save(served.source / "content/articles/hello.md", ARTICLE.replace("first", "during-the-rebuild"))
        assert wait_for(lambda: "during-the-rebuild" in served.page("/articles/hello/"), 5.0)
        assert served.out.read_text().count("Rebuilt ") == rebuilds, "the quick preview waited for the rebuild"
        # ...and the site is built again when that rebuild ends, with the new title and the new body
        assert wait_for(lambda: "Renamed Practice" in (html := served.page("/articles/hello/"))
                        and "during-the-rebuild" in html, 30.0)
        assert wait_for(lambda: served.out.read_text().count("Rebuilt ") == rebuilds + 2, 30.0)
    finally:
        served.stop()


def test_serve_says_so_when_it_cannot_watch_the_site_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(serve_module, "READY_SECONDS", 2)
    missing = tmp_path / "gone"  # nothing to watch: the watching process never says it is ready
    with pytest.raises(UsageError) as caught:
        serve_module._Watcher(missing, lambda: None)
    assert str(caught.value) == (f"cannot watch {missing} for changes: the watching process did not start "
                                 "(is the watchfiles package installed?)")


def test_a_profile_saved_with_broken_yaml_keeps_the_last_good_page_with_the_problem_on_top_until_fixed(served):
    profile = served.source / "therapists/ana-lima.yaml"
    save(profile, 'name: "Ana Lima"\nlanguages: [English, Portuguese\nbio: A new bio.\n')
    page = wait_for(lambda: (html := served.page("/therapists/ana-lima/")) and "ts-dev-problems" in html and html,
                    5.0)
    assert page, "the problems never appeared"
    assert '<span class="ts-dev-where">therapists/ana-lima.yaml, line 2</span>' in page
    assert "Ana works with adults after trauma." in page  # the last good page is still served
    assert "therapists/ana-lima.yaml, line 2" in served.page("/")  # every page shows the problems

    save(profile, PROFILE.replace("Ana works with adults after trauma.", "A new bio."))
    fixed = wait_for(lambda: (html := served.page("/therapists/ana-lima/")) and "A new bio." in html and html, 5.0)
    assert fixed, "the fix was never picked up"
    assert "ts-dev-problems" not in fixed and "ts-dev-problems" not in served.page("/")
    assert served.proc.poll() is None


def test_a_burst_of_saves_is_rebuilt_once(served):
    def rebuilds() -> int:
        return served.out.read_text().count("Rebuilt ")

    before = rebuilds()
    for number in range(5):  # an editor saving several files at once, or one file several times
        save(served.source / f"content/articles/burst-{number}.md", ARTICLE.replace("Hello", f"Burst {number}"))
    assert wait_for(lambda: "Burst 4" in served.page("/articles/burst-4/"), 3.0)
    time.sleep(1.0)  # time enough for a second rebuild, if the burst had caused one
    assert rebuilds() == before + 1


def test_terminate_stops_serve_like_ctrl_c_but_a_forked_build_worker_just_ends():
    handler = serve_module._interrupter(os.getpid())
    with pytest.raises(KeyboardInterrupt):
        handler(signal.SIGTERM, None)
    child = os.fork()  # what a parallel build does; a pool stops its workers with SIGTERM
    if child == 0:
        try:
            handler(signal.SIGTERM, None)
        finally:
            os._exit(3)  # reached only if the worker raised (and printed a traceback) instead of ending
    _, status = os.waitpid(child, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGTERM


def test_open_pages_are_told_to_reload_after_a_rebuild(served):
    async def listen() -> dict:
        from tornado.websocket import websocket_connect

        socket_ = await websocket_connect(f"ws://127.0.0.1:{served.port}/livereload")
        socket_.write_message(json.dumps({"command": "hello", "protocols": []}))
        assert json.loads(await socket_.read_message())["command"] == "hello"
        socket_.write_message(json.dumps({"command": "info", "url": served.url + "/"}))
        await asyncio.sleep(0.3)  # the server registers the page before the save
        save(served.source / "content/articles/hello.md", ARTICLE.replace("first", "third"))
        message = await asyncio.wait_for(socket_.read_message(), 3)
        socket_.close()
        return json.loads(message)

    message = asyncio.run(listen())
    assert message["command"] == "reload" and message["path"] == "*"
    assert "third version" in served.page("/articles/hello/")
    assert fetch(served.url + "/livereload.js").startswith("(function")


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "terminate"])
def test_ctrl_c_or_a_terminate_signal_stops_the_server_cleanly(served, stop_signal):
    assert served.stop(stop_signal) == 0
    out, err = served.out.read_text(), served.err.read_text()
    assert "Traceback" not in err and "Traceback" not in out
    assert out.splitlines()[-1] == "Stopped."
    assert f"Serving http://127.0.0.1:{served.port}/" in out


def test_serve_on_a_port_in_use_explains_what_to_do(make_site, run):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run("serve", "--source", make_site(SITE), "--port", port)
    assert result.code == 2
    assert f"therapist-site: cannot serve on 127.0.0.1:{port} (Address already in use); another program may be " \
           f"using that port: try --port {port + 1}" in result.err


def call_with(preview: Preview, path: str, host: str = "127.0.0.1:8000") -> tuple[str, bytes]:
    seen: dict = {}
    body = b"".join(preview.app({"PATH_INFO": path, "HTTP_HOST": host}, lambda s, h: seen.update(status=s)))
    return seen["status"], body


def test_malformed_requests_get_400_or_404_and_the_policy_never_comes_from_a_header(make_site):
    preview = Preview(options(make_site(SITE)), quiet)
    preview.rebuild()
    assert call_with(preview, "/\x00")[0] == "400 Bad Request"  # what a server makes of /%00
    assert call_with(preview, "/articles/\x1b[31m/")[0] == "400 Bad Request"
    assert call_with(preview, "/" + "a" * 5000)[0] == "400 Bad Request"
    assert call_with(preview, "/" + "a" * 300 + "/")[0] == "404 Not Found"  # a name too long for the disk
    assert call_with(preview, "/\udcff".encode("utf-8", "surrogateescape").decode("latin-1"))[0] == "400 Bad Request"
    for host in ('evil.example"; script-src *', "a b", "x" * 300, "127.0.0.1:8000\r\nX: y"):
        assert call_with(preview, "/", host)[0] == "400 Bad Request", host
    status, body = call_with(preview, "/articles/hello/", "evil.example:8000")
    assert status == "200 OK" and b"evil" not in body
    assert b"connect-src 'self' ws://127.0.0.1:8000" in body  # serve's own address


def test_serve_answers_a_nul_in_the_path_with_400_and_prints_no_traceback(served):
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10)
    for path in ("/%00", "/%00/index.html", "/" + "%41" * 3000, "/" + "b" * 400 + "/", "/%ff%fe"):
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        assert response.status in (400, 404), path
    connection.request("GET", "/", headers={"Host": "bad host\"'"})
    response = connection.getresponse()
    response.read()
    assert response.status == 400
    assert "Traceback" not in served.err.read_text()


def test_serving_where_other_devices_can_reach_says_they_see_the_drafts_and_where_the_editor_answers():
    from generator.serve import serving

    assert serving("127.0.0.1", 8000) == (
        "Serving http://127.0.0.1:8000/ - open it in a browser. Pages reload when you save a file. Edit in forms at "
        "http://127.0.0.1:8000/admin/. Press Ctrl-C to stop.")
    assert serving("0.0.0.0", 8001) == (
        "Serving on every address of this computer, port 8001: here at http://127.0.0.1:8001/, and from other "
        "devices of your network at this computer's address - drafts included, so anyone who can reach it sees "
        "them. Pages reload when you save a file. Edit in forms on this computer only, at "
        "http://127.0.0.1:8001/admin/. Press Ctrl-C to stop.")
    assert "serve without --host to use it" in serving("192.168.1.20", 8000)


def test_a_head_request_gets_the_headers_of_get_and_no_traceback(served):
    import http.client
    got = fetch(served.url + "/")
    for path in ("/", "/admin/", "/no-such-page/"):
        connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10)
        connection.request("HEAD", path)
        response = connection.getresponse()
        assert response.read() == b"" and response.status == (404 if "no-such" in path else 200), path
        if path == "/":
            assert int(response.getheader("Content-Length")) == len(got.encode())
        connection.close()
    assert "Traceback" not in served.err.read_text() and "HTTPOutputError" not in served.err.read_text()


def test_serve_in_a_folder_that_is_not_a_site_refuses_and_makes_nothing_there(run, tmp_path, monkeypatch):
    """As 'new' does: a home folder is not a site, and serve would leave a .cache/ folder in it."""
    import generator.serve

    monkeypatch.setattr(generator.serve, "serve", lambda *args: 99)  # had it started, this test would not hang
    done = run("serve", "--source", tmp_path, "--port", "0")
    assert (done.code, done.err) == (2, f"therapist-site: {tmp_path} has no site.yaml, so it is not a site folder; "
                                        "run the command in the site's folder or give it with --source\n")
    assert list(tmp_path.iterdir()) == []
