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
from typing import Callable

from livereload import Server
from livereload.handlers import LiveReloadHandler
from livereload.server import LiveScriptContainer
from livereload.watcher import Watcher
from tornado import ioloop, web
import watchfiles

from .build import Options
from .errors import UsageError
from .preview import Log, Preview, say

CACHE = Path(".cache") / "serve" / "site"
WATCHED = ("site.yaml", "content", "therapists", "layouts")
WATCH_MS = 50  # file events closer together than this arrive as one
DEBOUNCE = 0.25  # seconds of quiet after a change before rebuilding: a burst of saves builds once
FOLLOW = 0.5  # seconds between the quick preview of an edited article and the full rebuild (see quick.py)
class _Server(Server):
    """livereload's server without its inline script (the page's policy would block it) or its log setup."""

    def get_web_handlers(self, script):
        return [(r".*", web.FallbackHandler, {"fallback": LiveScriptContainer(self.app, b"")})]

    def _setup_logging(self):
        logging.getLogger("tornado.access").setLevel(logging.ERROR)  # no line per request in the terminal


class _Watcher(Watcher):
    """Tells serve about saves from the operating system's file events (watchfiles: inotify on Linux), where
    livereload would stat every source file ten times a second: on 12,000 files that kept a core busy. Watching
    starts when it is made, before the first build, so a save during that build is not missed. It never reloads
    pages itself; the preview does after a rebuild.
    """

    def __init__(self, source: Path, notify: Callable[[], None]):
        super().__init__()
        self.source, self.notify = source, notify
        self.loop = ioloop.IOLoop.current()
        self.stop = threading.Event()
        self.folders_changed = threading.Event()
        self.polling = False  # set when the system refuses file events (too many watches): watchfiles then polls
        for target in (self._folders, self._top):
            threading.Thread(target=target, name="therapist-site watcher", daemon=True).start()

    def start(self, callback) -> bool:
        return True  # already watching: livereload must not poll

    def examine(self):
        return None, None

    def close(self) -> None:
        self.stop.set()

    def _changed(self) -> None:
        self.loop.add_callback(self.notify)

    def _folders(self) -> None:
        """content/, therapists/ and layouts/, all the way down; watched again when one appears or goes."""
        watched = None
        while not self.stop.is_set():
            folders = [self.source / name for name in WATCHED[1:] if (self.source / name).is_dir()]
            self.folders_changed.clear()
            if watched is not None and folders != watched:
                self._changed()  # a save made while the watch was being set up again is not missed
            watched = folders
            try:
                for changes in watchfiles.watch(*folders, watch_filter=_relevant, debounce=WATCH_MS, step=10,
                                                stop_event=self.stop, rust_timeout=200, yield_on_timeout=True,
                                                raise_interrupt=False, force_polling=self.polling) if folders else ():
                    if changes:
                        self._changed()
                    if self.folders_changed.is_set():
                        break
            except (OSError, RuntimeError):  # a folder went away (look again), or the events did (poll instead)
                if folders and all(folder.is_dir() for folder in folders):
                    self.polling = True
            if not folders or not self.folders_changed.is_set():
                self.folders_changed.wait(0.2)

    def _top(self) -> None:
        """The site folder itself, not its subfolders: site.yaml, and the watched folders appearing or going."""
        while not self.stop.is_set():
            try:
                for changes in watchfiles.watch(self.source, watch_filter=_top_level, debounce=WATCH_MS, step=10,
                                                stop_event=self.stop, rust_timeout=1000, recursive=False,
                                                raise_interrupt=False, force_polling=self.polling):
                    if any(Path(path).name != WATCHED[0] for _, path in changes):
                        self.folders_changed.set()
                    self._changed()
            except (OSError, RuntimeError):
                self.stop.wait(1.0)


def _relevant(change, path: str) -> bool:
    return not _ignored(path)


def _top_level(change, path: str) -> bool:
    return Path(path).name in WATCHED


def _ignored(path: str) -> bool:
    """Editors' swap, backup and lock files are not sources: saving must not rebuild twice."""
    name = Path(path).name
    return name.startswith((".", "#")) or name.endswith(("~", ".swp", ".swx", ".tmp")) or name == "4913"


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

