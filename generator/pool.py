"""Parallel map over documents: a process pool on all cores, results gathered in order.

Workers are forked, so they start with the parent's modules and with whatever ``share()`` set: the frozen site
model is read in place, never pickled. Small jobs run in the calling process, where a pool would cost more than
it saves.
"""
from __future__ import annotations

import functools
import multiprocessing
import os
import shutil
import signal
from typing import Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")
MIN_ITEMS = 64  # below this, forking costs more than it saves
_shared: dict = {}
# Descriptors a forked worker must not keep: the build's lock (publish.locked). A worker still running when its
# build is killed would otherwise hold the lock, and every later build would wait for it.
NOT_INHERITED: set[int] = set()


def share(**values) -> None:
    """Make ``values`` readable in workers forked after this call (via ``shared``)."""
    _shared.clear()
    _shared.update(values)


def shared(name: str):
    return _shared[name]


def workers() -> int:
    """Cores this process may use (THERAPIST_SITE_JOBS overrides, e.g. 1 for one core)."""
    wanted = os.environ.get("THERAPIST_SITE_JOBS")
    if wanted:
        return max(1, int(wanted))
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def ordered_map(func: Callable[[T], R], items: Sequence[T], chunksize: int = 16) -> Iterator[R]:
    """Yield ``func(item)`` for every item, in order, computed on all cores when there are enough items."""
    pool = process_pool(len(items))
    if pool is None:
        yield from map(func, items)
        return
    with pool:
        yield from pool.imap(func, items, chunksize)


def process_pool(items: int):
    """A pool of forked workers on all cores (close it with ``with``), or None where ``items`` are too few for one
    to pay or forking is not possible: then the caller works in this process."""
    jobs = workers()
    if jobs < 2 or items < MIN_ITEMS or "fork" not in multiprocessing.get_all_start_methods():
        return None
    # Ctrl-C is held back while the workers fork: in the parent it could land in a fork handler (logging has
    # some), which loses it, and the build would go on; in a worker before it ignores it, it would kill the worker
    # with its tasks, and the build would wait for them forever. A worker ignores it once it starts (dropping one
    # that came meanwhile); here it arrives as the fork is done, as KeyboardInterrupt.
    pool, held = None, signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        pool = multiprocessing.get_context("fork").Pool(jobs, initializer=_ignore_interrupt)
    finally:
        try:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
        except BaseException:
            if pool is not None:
                pool.terminate()
            raise
    return pool


def _ignore_interrupt() -> None:
    """Ctrl-C is the parent's to handle: it ends the pool; workers printing tracebacks would only alarm. A worker
    lets go of the build's lock (NOT_INHERITED): only the build itself holds it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for fd in NOT_INHERITED:
        try:
            os.close(fd)  # this process's copy only: the build's own descriptor keeps the lock
        except OSError:
            pass


@functools.lru_cache(maxsize=1)
def dying_with_parent() -> tuple[str, ...]:
    """What to start a helper program through (pagefind, serve's watcher) so it ends when we are killed: util-linux's
    setpriv sets the parent-death signal, then runs it. Not Python code between fork and exec (``preexec_fn``): serve
    has threads, and a child forked from a threaded process can hang before exec."""
    setpriv = shutil.which("setpriv")
    return (setpriv, "--pdeathsig", "KILL", "--") if setpriv else ()  # elsewhere a helper may outlive us a while
