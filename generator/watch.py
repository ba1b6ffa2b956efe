"""File events for serve, in a process of their own: ``python -m generator.watch <site folder>``.

Prints ``ready`` once the watches are set up, then a line each time sources change: ``site.yaml`` and the
``content/``, ``therapists/`` and ``layouts/`` folders, including one made later. watchfiles (inotify on Linux)
runs threads in Rust; serve forks build workers and must never inherit a lock one of them holds, so they live
here. The process ends when serve does (serve starts it with a parent-death signal) or when its output closes.
"""
from __future__ import annotations

import sys
import threading
from pathlib import Path

import watchfiles

WATCHED = ("site.yaml", "content", "therapists", "layouts")
WATCH_MS = 50  # file events closer together than this arrive as one


def ignored(path: str) -> bool:
    """Editors' swap, backup and lock files are not sources: saving must not rebuild twice."""
    name = Path(path).name
    return name.startswith((".", "#")) or name.endswith(("~", ".swp", ".swx", ".tmp")) or name == "4913"


class Watch:
    def __init__(self, source: Path):
        self.source = source
        self.stop = threading.Event()
        self.folders_changed = threading.Event()
        self.polling = False  # set when the system refuses file events (too many watches): watchfiles then polls
        self.lock = threading.Lock()
        self.ready = threading.Barrier(2, action=lambda: self.say("ready"))

    def say(self, line: str) -> None:
        with self.lock:
            try:
                sys.stdout.write(line + "\n")
                sys.stdout.flush()
            except (BrokenPipeError, ValueError):  # serve has gone
                self.stop.set()

    def folders(self) -> None:
        """content/, therapists/ and layouts/, all the way down; watched again when one appears or goes."""
        watched, first = None, True
        while not self.stop.is_set():
            folders = [self.source / name for name in WATCHED[1:] if (self.source / name).is_dir()]
            self.folders_changed.clear()
            if watched is not None and folders != watched:
                self.say("changed")  # a save made while the watch was being set up again is not missed
            watched = folders
            try:
                for changes in watchfiles.watch(*folders, watch_filter=relevant, debounce=WATCH_MS, step=10,
                                                stop_event=self.stop, rust_timeout=200, yield_on_timeout=True,
                                                raise_interrupt=False, force_polling=self.polling) if folders else ():
                    if first:
                        first = False
                        self.ready.wait()
                    if changes:
                        self.say("changed")
                    if self.folders_changed.is_set():
                        break
            except (OSError, RuntimeError):  # a folder went away (look again), or the events did (poll instead)
                if folders and all(folder.is_dir() for folder in folders):
                    self.polling = True
            if first and not folders:
                first = False
                self.ready.wait()
            if not folders or not self.folders_changed.is_set():
                self.folders_changed.wait(0.2)

    def top(self) -> None:
        """The site folder itself, not its subfolders: site.yaml, and the watched folders appearing or going."""
        first = True
        while not self.stop.is_set():
            try:
                for changes in watchfiles.watch(self.source, watch_filter=top_level, debounce=WATCH_MS, step=10,
                                                stop_event=self.stop, rust_timeout=200, yield_on_timeout=True,
                                                recursive=False, raise_interrupt=False, force_polling=self.polling):
                    if first:
                        first = False
                        self.ready.wait()
                    if any(Path(path).name != WATCHED[0] for _, path in changes):
                        self.folders_changed.set()
                    if changes:
                        self.say("changed")
            except (OSError, RuntimeError):
                self.stop.wait(1.0)


def relevant(change, path: str) -> bool:
    return not ignored(path)


def top_level(change, path: str) -> bool:
    return Path(path).name in WATCHED


def main(argv: list[str] | None = None) -> int:
    watch = Watch(Path((argv or sys.argv[1:])[0]))
    threads = [threading.Thread(target=target, daemon=True) for target in (watch.folders, watch.top)]
    for thread in threads:
        thread.start()
    try:
        sys.stdin.read() if not sys.stdin.isatty() else watch.stop.wait()  # until serve closes our input, or ends
    except KeyboardInterrupt:
        pass
    watch.stop.set()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
