"""Dev server: the site folder -> a live preview on 127.0.0.1 that rebuilds on save and reloads the browser.

Input: a site folder and a port. Output: a build in ``<source>/.cache/serve/site`` (never ``public/``), served
with drafts included; open pages reload after every rebuild. A rebuild never raises: when the sources are wrong
the last good site keeps being served with a list of the problems at the top of every page, until they are fixed.
livereload is used only in this module (``_Server``, ``_Watcher``), so it can be swapped for another.
"""
from __future__ import annotations

import html
import logging
import mimetypes
import os
import re
import signal
import socket
import threading
import time
import traceback
from pathlib import Path
from typing import Callable

from livereload import Server
from livereload.handlers import LiveReloadHandler
from livereload.server import LiveScriptContainer
from livereload.watcher import Watcher
from tornado import ioloop, web

from . import quick
from .build import Options, build, load_site
from .cache import Cache
from .errors import Problem, SiteError, UsageError
from .models import Site
from .render import article_path, page_environment

CACHE = Path(".cache") / "serve" / "site"
WATCHED = ("site.yaml", "content", "therapists", "layouts")
POLL_MS = 100  # how often the sources are looked at
DEBOUNCE = 0.25  # seconds of quiet after a change before rebuilding: a burst of saves builds once
FOLLOW = 0.5  # seconds between the quick preview of an edited article and the full rebuild (see quick.py)
OVERLAY_URL = "/__therapist-site__/problems.css"
CSP = re.compile(r'(<meta\s+http-equiv="Content-Security-Policy"\s+content=")([^"]*)(")', re.IGNORECASE)
BODY = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
OVERLAY_CSS = b"""\
.ts-dev-problems { margin: 0; padding: 1rem 1.5rem; border-bottom: 4px solid #b00020; background: #fff4f4;
  color: #1a1a1a; font: 1rem/1.5 system-ui, sans-serif; max-height: 60vh; overflow: auto; }
.ts-dev-problems h2 { margin: 0 0 .5rem; font-size: 1.25rem; color: #8a0018; }
.ts-dev-problems ol { margin: .5rem 0 0; padding-left: 1.5rem; }
.ts-dev-problems li { margin: .5rem 0; }
.ts-dev-where { font-family: ui-monospace, monospace; font-weight: bold; }
.ts-dev-hint { display: block; color: #333; }
"""
FALLBACK = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'"><title>Preview not ready</title></head>
<body><main><h1>The preview is not ready yet</h1><p>The site has not been built once without problems.</p></main>
</body></html>
"""

Log = Callable[[str], None]


def say(text: str) -> None:
    print(text, flush=True)


def rebuild(options: Options, log: Log = say, built: Callable | None = None) -> tuple[Problem, ...]:
    """Build the preview; return its problems (none when it built). Never raises: a bad save must not stop serve.

    ``built(result)`` is called after a good build."""
    started = time.perf_counter()
    try:
        result = build(options)
        if built is not None:
            built(result)
    except SiteError as exc:
        log(exc.report() + "\nThe browser shows the last good version, with these problems at the top.")
        return exc.problems
    except UsageError as exc:
        log(f"Cannot build the preview: {exc}")
        return (Problem(str(options.output), 0, "", str(exc)),)
    except Exception as exc:  # a bug, not the user's mistake: keep serving, show it, keep the traceback
        log(traceback.format_exc())
        return (Problem("therapist-site", 0, "", f"unexpected error: {type(exc).__name__}: {exc}",
                        "this is a bug in therapist-site, not in your files; the details are in the terminal"),)
    log(f"Rebuilt {result.articles} articles and {result.therapists} therapists in "
        f"{time.perf_counter() - started:.2f} s.")
    return ()


def overlay(problems: tuple[Problem, ...], good: bool = True) -> str:
    """Return the HTML listing the problems, shown at the top of every page until they are fixed."""
    count = len(problems)
    items = []
    for problem in problems:
        where = html.escape(problem.path) + (f", line {problem.line}" if problem.line else "")
        field = f"<code>{html.escape(problem.field)}</code>: " if problem.field else ""
        hint = f'<span class="ts-dev-hint">How to fix: {html.escape(problem.hint)}</span>' if problem.hint else ""
        items.append(f'<li><span class="ts-dev-where">{where}</span>: {field}{html.escape(problem.message)}'
                     f"{hint}</li>")
    what = "rebuilt" if good else "built"
    shown = ("This page is the last version that worked." if good
             else "There is no earlier version to show yet.")
    return (f'<section class="ts-dev-problems" role="alert" aria-labelledby="ts-dev-problems-title">\n'
            f'<h2 id="ts-dev-problems-title">The site could not be {what}: {count} problem'
            f'{"s" if count != 1 else ""}</h2>\n'
            f"<p>{shown} Fix the problems below and save the file; this page then updates by itself.</p>\n"
            f"<ol>\n{chr(10).join(items)}\n</ol>\n</section>\n")


def decorate(page: bytes, problems: tuple[Problem, ...], socket_origin: str, good: bool = True) -> bytes:
    """Prepare a page for the preview: the live reload script, the policy that lets it connect, the problems."""
    text = page.decode("utf-8", errors="replace")
    text = CSP.sub(lambda m: m.group(1) + _allow_socket(m.group(2), socket_origin) + m.group(3), text, count=1)
    head = '<script src="/livereload.js" defer></script>\n'  # same origin: the page's policy allows it
    if problems:
        head += f'<link rel="stylesheet" href="{OVERLAY_URL}">\n'
    text = text.replace("</head>", head + "</head>", 1) if "</head>" in text else head + text
    data = text.encode()
    if problems:
        notice = overlay(problems, good).encode()
        body = BODY.search(data)
        data = data[: body.end()] + b"\n" + notice + data[body.end():] if body else notice + data
    return data


def _allow_socket(policy: str, origin: str) -> str:
    """Add the live reload websocket to the page's Content-Security-Policy: a preview-only exception."""
    directives = [part.strip() for part in policy.split(";") if part.strip()]
    for index, directive in enumerate(directives):
        if directive.split()[0].lower() == "connect-src":
            directives[index] = f"{directive} {origin}"
            break
    else:
        directives.append(f"connect-src 'self' {origin}")
    return "; ".join(directives)


class Preview:
    """What is being served: the last good build and the problems of the latest rebuild."""

    def __init__(self, options: Options, log: Log = say):
        self.options, self.log = options, log
        self.root = options.output
        self.problems: tuple[Problem, ...] = ()
        self.site: Site | None = None  # the last good build's model and page environment, for show_quickly
        self.env = None
        self.stamps: dict[str, tuple[int, int]] = {}  # the article files that build read

    def rebuild(self) -> tuple[Problem, ...]:
        stamps = quick.stamps(self.options.source)  # before building: a save during the build is seen next time
        self.problems = rebuild(self.options, self.log, self._built)
        if not self.problems:
            self.stamps = stamps
        return self.problems

    def _built(self, result) -> None:
        if result.site is None and self.site is not None:
            return  # nothing changed: what is kept is still right
        cache = Cache(self.options.source, self.root)
        self.site = result.site or load_site(self.options, cache=cache)
        self.env = page_environment(self.site, self.options.source)

    def show_quickly(self) -> bool:
        """Write at once the page of each article whose body alone changed (see quick.py); say if there was one."""
        if self.problems or self.site is None or self.env is None:
            return False  # the sources are wrong: only the full rebuild can show what and where
        started = time.perf_counter()
        try:
            shown = quick.show(self.site, self.env, self.options.source, self.root, self.stamps)
        except Exception:  # only a head start: any trouble is for the full rebuild to report
            return False
        if shown:
            Cache(self.options.source, self.root).forget([article_path(article) for article in shown])
            self.log(f"Showed {', '.join(article.url for article in shown)} in {time.perf_counter() - started:.2f} s;"
                     " rebuilding the rest...")
        return bool(shown)

    def app(self, environ, start_response):
        """WSGI: serve a file of the last good build; HTML pages get the live reload script and the problems."""
        path = (environ.get("PATH_INFO") or "/").encode("latin-1").decode("utf-8", errors="replace")
        if path == OVERLAY_URL:
            return _respond(start_response, "200 OK", "text/css; charset=utf-8", OVERLAY_CSS)
        status, file = "200 OK", self._find(path)
        if isinstance(file, str):
            start_response("301 Moved Permanently", [("Location", file), ("Content-Length", "0")])
            return [b""]
        if file is None:
            status, file = "404 Not Found", self._find("/404.html")
        good = self.root.is_dir()
        if file is None or not good:
            data, kind = FALLBACK.encode(), "text/html; charset=utf-8"
        else:
            data, kind = file.read_bytes(), _content_type(file)
        if kind.startswith("text/html"):
            origin = "ws://" + (environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}")
            data = decorate(data, self.problems, origin, good)
        return _respond(start_response, status, kind, data)

    def _find(self, path: str) -> Path | str | None:
        """Return the file for a URL path, a redirect target for a folder without '/', or None."""
        root = self.root.resolve()
        target = (root / path.lstrip("/")).resolve()
        if not target.is_relative_to(root):
            return None
        if target.is_dir():
            if not path.endswith("/"):
                return path + "/"
            target = target / "index.html"
        return target if target.is_file() else None


def _content_type(file: Path) -> str:
    kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind.startswith("text/") or kind.endswith(("json", "xml")) else kind


def _respond(start_response, status: str, kind: str, data: bytes) -> list[bytes]:
    start_response(status, [("Content-Type", kind), ("Content-Length", str(len(data))),
                            ("Cache-Control", "no-store")])
    return [data]


class _Server(Server):
    """livereload's server without its inline script (the page's policy would block it) or its log setup."""

    def get_web_handlers(self, script):
        return [(r".*", web.FallbackHandler, {"fallback": LiveScriptContainer(self.app, b"")})]

    def _setup_logging(self):
        logging.getLogger("tornado.access").setLevel(logging.ERROR)  # no line per request in the terminal


class _Watcher(Watcher):
    """livereload's polling watcher, polled faster; it never reloads pages itself, the preview does after a rebuild."""

    def start(self, callback) -> bool:
        ioloop.PeriodicCallback(callback, POLL_MS).start()
        return True

    def examine(self):
        super().examine()  # calls the change callback for every watched path that changed
        return None, None


def _ignored(path: str) -> bool:
    """Editors' swap, backup and lock files are not sources: saving must not rebuild twice."""
    name = Path(path).name
    return name.startswith((".", "#")) or name.endswith(("~", ".swp", ".swx", ".tmp")) or name == "4913"


def serve(source: Path, host: str = "127.0.0.1", port: int = 8000, log: Log = say) -> int:
    """Build, serve and rebuild on every save until Ctrl-C; return the exit code."""
    address = f"[{host}]" if ":" in host else host
    options = Options(source=source, output=source / CACHE, drafts=True, base_url=f"http://{address}:{port}/")
    preview = Preview(options, log)
    watcher = _Watcher()  # made before the first build, so a save during it is not missed
    server = _Server(app=preview.app, watcher=watcher)
    pending = None

    def changed(*_) -> None:
        nonlocal pending
        loop = ioloop.IOLoop.current()
        if pending is not None:
            loop.remove_timeout(pending)
        pending = loop.call_later(DEBOUNCE, rebuild_and_reload)

    def rebuild_and_reload() -> None:
        nonlocal pending
        pending = None
        if preview.show_quickly():  # the edited article's own page first, then everything else
            LiveReloadHandler.reload_waiters("*")
            pending = ioloop.IOLoop.current().call_later(FOLLOW, rebuild_all)  # once the browser has the page
            return
        rebuild_all()

    def rebuild_all() -> None:
        nonlocal pending
        pending = None
        preview.rebuild()
        LiveReloadHandler.reload_waiters("*")

    for name in WATCHED:
        server.watch(str(source / name), changed, ignore=_ignored)
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupter(os.getpid())) if main_thread else None
    try:
        _check_port(host, port)  # before the first build: say at once that the port is taken
        log(f"Building a preview of {source} (drafts included)...")
        preview.rebuild()
        log(f"Serving http://{address}:{port}/ - open it in a browser. Pages reload when you save a file. "
            "Press Ctrl-C to stop.")
        try:
            server.serve(port=port, host=host, debug=False, restart_delay=0)
        except OSError as exc:
            raise _port_error(host, port, exc) from None
    except KeyboardInterrupt:
        if main_thread:  # a second Ctrl-C while stopping must not end in a traceback
            signal.signal(signal.SIGINT, signal.SIG_IGN)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    log("Stopped.")
    return 0


def _interrupter(owner: int):
    """Stop serve on SIGTERM as cleanly as on Ctrl-C; a build worker forked from it just ends, as by default."""

    def interrupt(signum, frame) -> None:
        if os.getpid() != owner:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        raise KeyboardInterrupt

    return interrupt


def _check_port(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as tornado binds: TIME_WAIT is no obstacle
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise _port_error(host, port, exc) from None


def _port_error(host: str, port: int, exc: OSError) -> UsageError:
    return UsageError(f"cannot serve on {host}:{port} ({exc.strerror}); another program may be using that port: "
                      f"try --port {port + 1}")

