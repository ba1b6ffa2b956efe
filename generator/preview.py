"""What serve shows: the last good build of the preview, with the problems of the latest rebuild on every page.

A rebuild never raises: when the sources are wrong the last good site keeps being served with a list of the
problems at the top of every page, until they are fixed. After a save that changed only an article's body, the
preview first shows that article's page alone (quick.py), then the full rebuild follows. No web server here:
``Preview.app`` is a WSGI application that serve.py hands to livereload.
"""
from __future__ import annotations

import html
import mimetypes
import re
import time
import traceback
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from . import editor, quick
from .build import Options, build, load_site
from .cache import Cache
from .errors import Problem, SiteError, ToolError, UsageError, os_error
from .localedit import API_PATH, LocalBackend
from .models import Site
from .publish import identity
from .render import article_path, page_environment

OVERLAY_URL = "/__therapist-site__/problems.css"
MAX_PATH = 2048  #: characters of a URL path; no page of a site is longer
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
HOST = re.compile(r"[A-Za-z0-9.-]{1,253}(:\d{1,5})?|\[[0-9A-Fa-f:.]{2,45}\](:\d{1,5})?")
CSP = re.compile(r'(<meta\s+http-equiv="Content-Security-Policy"\s+content=")([^"]*)(")', re.IGNORECASE)
BODY = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
# Sticky: a reload keeps the page where it was scrolled, and a list above it would show nothing changed.
OVERLAY_CSS = b"""\
.ts-dev-problems { margin: 0; padding: 1rem 1.5rem; border-bottom: 4px solid #b00020; background: #fff4f4;
  color: #1a1a1a; font: 1rem/1.5 system-ui, sans-serif; max-height: 60vh; overflow: auto;
  position: sticky; top: 0; z-index: 2147483647; }
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
    except (UsageError, ToolError) as exc:
        log(f"Cannot build the preview: {exc}")
        return (Problem(str(options.output), 0, "", str(exc)),)
    except OSError as exc:  # the system refused a read or a write: say which path, keep serving
        line = os_error(exc, options.source, options.output)[1]
        log(line)
        return (Problem(str(exc.filename or options.output), 0, "", line),)
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
    """What is being served: the last good build and the problems of the latest rebuild.

    The problems belong to the build they were found on top of: the rebuild thread swaps a good build into the
    served folder before it can say that the problems are gone, and a page of that new build must never be served
    with the old problems on it (nor an old page without them). So the problems are kept with the identity of
    the site that was served when they were found (publish.identity: its marker file is new each build), and a
    page gets them only when it comes from that very site.
    """

    def __init__(self, options: Options, log: Log = say):
        self.options, self.log = options, log
        self.root = options.output
        self._failed: tuple[str | None, tuple[Problem, ...]] = (None, ())  # (the site they were found on, problems)
        self.site: Site | None = None  # the last good build's model and page environment, for show_quickly
        self.env = None
        self.stamps: dict[str, tuple[int, int]] = {}  # the article files that build read
        self.local = LocalBackend(options.source)  # the editor at /admin/ reads and writes the sources through it
        # The live reload socket the pages' policy lets through: serve's own address (options.base_url), never
        # taken from a request, whose Host header anyone can set.
        self.socket_origin = "ws://" + urlsplit(options.base_url).netloc

    @property
    def problems(self) -> tuple[Problem, ...]:
        """The problems of the latest rebuild; () when it built."""
        return self._failed[1]

    def rebuild(self) -> tuple[Problem, ...]:
        """Build the preview; keep its problems with the site they are shown on (a failed build changed nothing)."""
        stamps = quick.stamps(self.options.source)  # before building: a save during the build is seen next time
        problems = rebuild(self.options, self.log, self._built)
        self._failed = (identity(self.root), problems)  # one assignment: a request sees the old pair or the new
        if not problems:
            self.stamps = stamps
        return problems

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
        """WSGI: serve a file of the last good build; HTML pages get the live reload script and the problems.

        A malformed request (a NUL or control character in the path, an overlong path, a Host that is no host
        name) gets 400, a path that cannot be a file 404: never a traceback."""
        try:
            path = (environ.get("PATH_INFO") or "/").encode("latin-1").decode("utf-8")
        except UnicodeError:
            path = "\0"
        host = environ.get("HTTP_HOST", "")
        if len(path) > MAX_PATH or CONTROL.search(path) or (host and not HOST.fullmatch(host)):
            return _respond(start_response, "400 Bad Request", "text/plain; charset=utf-8", b"Bad request")
        try:
            return self._answer(path, environ, start_response)
        except (OSError, ValueError):  # a name too long for the disk, or one it refuses: no such page
            return _respond(start_response, "404 Not Found", "text/plain; charset=utf-8", b"Not found")

    def _answer(self, path: str, environ, start_response):
        if path == OVERLAY_URL:
            return _respond(start_response, "200 OK", "text/css; charset=utf-8", OVERLAY_CSS)
        if path == API_PATH:
            return self.local.app(environ, start_response)
        if path == "/admin" or path.startswith("/admin/"):
            return self._admin(path, environ, start_response)
        failed_on, problems = self._failed
        for _ in range(10):  # a rebuild may swap a new site in while the file is read: then read it again
            site = identity(self.root)
            found = self._read(path)
            if identity(self.root) == site:
                break
        if isinstance(found, str):
            start_response("301 Moved Permanently", [("Location", found), ("Content-Length", "0")])
            return [b""]
        status, kind, data, good = found
        if kind.startswith("text/html"):
            data = decorate(data, problems if site == failed_on else (), self.socket_origin, good)
        return _respond(start_response, status, kind, data)

    def _read(self, path: str) -> str | tuple[str, str, bytes, bool]:
        """A redirect target, or (status, content type, bytes, whether a good build exists) for a URL path."""
        status, file = "200 OK", self._find(path)
        if isinstance(file, str):
            return file
        if file is None:
            status, file = "404 Not Found", self._find("/404.html")
        good = self.root.is_dir()
        try:
            if file is not None and good:
                return status, _content_type(file), file.read_bytes(), good
        except OSError:  # removed by the swap between finding and reading: the caller reads again
            pass
        return status, "text/html; charset=utf-8", FALLBACK.encode(), good

    def _admin(self, path: str, environ, start_response) -> list[bytes]:
        """The editor with its local backend (whatever site.yaml's ``editor:`` says), never live-reloaded: a
        reload would throw away what is being typed, and every save in the editor rebuilds the preview."""
        if path == "/admin":
            start_response("301 Moved Permanently", [("Location", "/admin/"), ("Content-Length", "0")])
            return [b""]
        if self.site is None or self.env is None:
            return _respond(start_response, "503 Service Unavailable", "text/html; charset=utf-8", FALLBACK.encode())
        config = self.site.config
        host = urlsplit(self.options.base_url).netloc  # the address serve listens on, never a request header
        if path == "/admin/":
            page = self.env.get_template("admin.html").render(page_url="/admin/", policy=editor.policy(config, True))
            return _respond(start_response, "200 OK", "text/html; charset=utf-8", page.encode())
        for name, data in editor.outputs(config, f"http://{host}{API_PATH}"):
            if "/" + name == path:
                data = data if isinstance(data, bytes) else data.read_bytes()
                return _respond(start_response, "200 OK", _content_type(Path(name)), data)
        return _respond(start_response, "404 Not Found", "text/plain; charset=utf-8", b"Not found")

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
    kind = {".yml": "text/yaml", ".wasm": "application/wasm"}.get(file.suffix) or \
        mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind.startswith("text/") or kind.endswith(("json", "xml")) else kind


def _respond(start_response, status: str, kind: str, data: bytes) -> list[bytes]:
    start_response(status, [("Content-Type", kind), ("Content-Length", str(len(data))),
                            ("Cache-Control", "no-store")])
    return [data]
