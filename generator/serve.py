"""Dev server: the site folder -> a live preview on 127.0.0.1 that rebuilds on save and reloads the browser.

Input: a site folder and a port. Output: a build in ``<source>/.cache/serve/site`` (never ``public/``), served
with drafts included; open pages reload after every rebuild. A rebuild never raises: when the sources are wrong
the last good site keeps being served with a list of the problems at the top of every page, until they are fixed
(preview.py). livereload is used only in this module (``_Server``, ``_Watcher``), so it can be swapped for another.
"""
from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from pathlib import Path

from livereload import Server
from livereload.handlers import LiveReloadHandler
from livereload.server import LiveScriptContainer
from livereload.watcher import Watcher
from tornado import ioloop, web

from .build import Options
from .errors import UsageError
from .preview import Log, Preview, say

CACHE = Path(".cache") / "serve" / "site"
WATCHED = ("site.yaml", "content", "therapists", "layouts")
POLL_MS = 100  # how often the sources are looked at
DEBOUNCE = 0.25  # seconds of quiet after a change before rebuilding: a burst of saves builds once
FOLLOW = 0.5  # seconds between the quick preview of an edited article and the full rebuild (see quick.py)
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

