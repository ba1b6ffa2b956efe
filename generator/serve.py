"""Dev server: the site folder -> a live preview on 127.0.0.1 that rebuilds on save and reloads the browser.

Input: a site folder and a port. Output: a build in ``<source>/.cache/serve/site`` (never ``public/``), served
with drafts included; open pages reload after every rebuild. A rebuild never raises: when the sources are wrong
the last good site keeps being served with a list of the problems at the top of every page, until they are fixed
(preview.py). livereload is used only in this module (``_Server``, ``_Watcher``), so it can be swapped for another.
"""
from __future__ import annotations

import logging
import os
import select
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Callable

from livereload import Server
from livereload.handlers import LiveReloadHandler
from livereload.server import LiveScriptContainer
from livereload.watcher import Watcher
from tornado import ioloop, web

from .build import Options
from .errors import UsageError
from .localedit import LOCAL_HOSTS
from .pool import dying_with_parent
from .preview import Log, Preview, say

CACHE = Path(".cache") / "serve" / "site"
READY_SECONDS = 30  # how long the watching process may take to start
DEBOUNCE = 0.25  # seconds of quiet after a change before rebuilding: a burst of saves builds once
FOLLOW = 0.5  # seconds between the quick preview of an edited article and the full rebuild (see quick.py)


class _Container(LiveScriptContainer):
    """livereload's WSGI container, answering HEAD (link checkers send it) with GET's headers and no body: given
    the body, tornado refused it with a traceback in the terminal and an empty reply."""

    def __call__(self, request):
        if request.method == "HEAD":
            write = request.connection.write_headers
            request.connection.write_headers = lambda start, headers, chunk=None: write(start, headers)
        return super().__call__(request)


class _Server(Server):
    """livereload's server without its inline script (the page's policy would block it) or its log setup."""

    def get_web_handlers(self, script):
        return [(r".*", web.FallbackHandler, {"fallback": _Container(self.app, b"")})]

    def _setup_logging(self):
        logging.getLogger("tornado.access").setLevel(logging.ERROR)  # no line per request in the terminal


class _Watcher(Watcher):
    """Tells serve about saves, from the operating system's file events rather than livereload's polling, which
    stats every source file ten times a second (on 12,000 files that kept a core busy). The events come from a
    process of its own (watch.py): watchfiles runs threads in Rust, and this process forks build workers, which
    must never inherit a lock such a thread held. Watching is ready before the first build, so a save during it
    is not missed. It never reloads pages itself; the preview does after a rebuild.
    """

    def __init__(self, source: Path, notify: Callable[[], None]):
        super().__init__()
        self.notify = notify
        self.process = subprocess.Popen([*dying_with_parent(), sys.executable, "-m", "generator.watch", str(source)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.fd = self.process.stdout.fileno()
        ready, _, _ = select.select([self.fd], [], [], READY_SECONDS)
        first = os.read(self.fd, 4096) if ready else b""
        if not first.startswith(b"ready\n"):  # the first line says the watches are set up
            self.close()
            raise UsageError(f"cannot watch {source} for changes: the watching process did not start "
                             "(is the watchfiles package installed?)")
        os.set_blocking(self.fd, False)
        loop = ioloop.IOLoop.current()
        loop.add_handler(self.fd, self._read, ioloop.IOLoop.READ)
        if first != b"ready\n":  # a save came right after
            loop.add_callback(self.notify)

    def start(self, callback) -> bool:
        return True  # already watching: livereload must not poll

    def examine(self):
        return None, None

    def _read(self, fd: int, events: int) -> None:
        try:
            data = os.read(fd, 65536)
        except BlockingIOError:
            return
        if data:
            self.notify()
        else:  # the watching process ended: nothing more will come
            ioloop.IOLoop.current().remove_handler(fd)

    def close(self) -> None:
        self.process.stdin.close()  # the watching process ends when its input closes
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()


def serve(source: Path, host: str = "127.0.0.1", port: int = 8000, log: Log = say) -> int:
    """Build, serve and rebuild on every save until Ctrl-C; return the exit code."""
    address = f"[{host}]" if ":" in host else host
    options = Options(source=source, output=source / CACHE, drafts=True, base_url=f"http://{address}:{port}/")
    preview = Preview(options, log)
    loop = ioloop.IOLoop.current()
    pending = None
    building = again = False  # a full rebuild runs (on a thread of its own); another is due when it ends

    def changed(*_) -> None:
        nonlocal pending
        if pending is not None:
            loop.remove_timeout(pending)
        pending = loop.call_later(DEBOUNCE, rebuild_and_reload)

    def rebuild_and_reload() -> None:
        nonlocal pending, again
        pending = None
        shown = preview.show_quickly()  # the edited article's own page first, even while a rebuild runs
        if shown:
            LiveReloadHandler.reload_waiters("*")
        if building:
            again = True  # that rebuild started before this save: another one follows it
        elif shown:
            pending = loop.call_later(FOLLOW, rebuild_all)  # once the browser has the page
        else:
            rebuild_all()

    def rebuild_all() -> None:
        """Rebuild on a thread, so pages go on being served meanwhile (on a large site it takes seconds)."""
        nonlocal pending, building
        pending = None
        building = True

        def run() -> None:
            try:
                preview.rebuild()
            finally:
                loop.add_callback(rebuilt)

        threading.Thread(target=run, name="therapist-site rebuild", daemon=True).start()

    def rebuilt() -> None:
        nonlocal building, again
        building = False
        if again:  # saves came during that rebuild: their quick pages go into the new site, then all is rebuilt
            again = False
            rebuild_and_reload()
        else:
            LiveReloadHandler.reload_waiters("*")

    watcher = _Watcher(source, changed)  # watching before the first build: a save during it is not missed
    server = _Server(app=preview.app, watcher=watcher)
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupter(os.getpid())) if main_thread else None
    try:
        _check_port(host, port)  # before the first build: say at once that the port is taken
        log(f"Building a preview of {source} (drafts included)...")
        preview.rebuild()
        log(serving(host, port))
        try:
            server.serve(port=port, host=host, debug=False, restart_delay=0)
        except OSError as exc:
            raise _port_error(host, port, exc) from None
    except KeyboardInterrupt:
        if main_thread:  # a second Ctrl-C while stopping must not end in a traceback
            signal.signal(signal.SIGINT, signal.SIG_IGN)
    finally:
        watcher.close()
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


def serving(host: str, port: int) -> str:
    """What serve says it serves, and where: the form editor answers only on this machine (localedit.LOCAL_HOSTS),
    and a preview other devices can open shows them the drafts too."""
    address = f"[{host}]" if ":" in host else host
    if host in LOCAL_HOSTS:
        return (f"Serving http://{address}:{port}/ - open it in a browser. Pages reload when you save a file. "
                f"Edit in forms at http://{address}:{port}/admin/. Press Ctrl-C to stop.")
    everywhere = host in ("0.0.0.0", "::")
    where = (f"on every address of this computer, port {port}: here at http://127.0.0.1:{port}/, and from other "
             "devices of your network at this computer's address" if everywhere else f"http://{address}:{port}/")
    editor = (f"Edit in forms on this computer only, at http://127.0.0.1:{port}/admin/." if everywhere else
              "The form editor (/admin/) answers only on this computer's own address: serve without --host to use "
              "it.")
    return (f"Serving {where} - drafts included, so anyone who can reach it sees them. Pages reload when you save "
            f"a file. {editor} Press Ctrl-C to stop.")


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

