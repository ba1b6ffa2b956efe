"""Build reporting: times each stage and, on a terminal, draws a progress bar while pages are written.

Input: the stages of ``build()`` as they run and the outputs they stream. Output: timings for ``--verbose`` and a
bar on stderr that is only drawn when stderr is a terminal and a stage lasts long enough to be worth watching.
"""
from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from typing import Iterable, Iterator, TextIO, TypeVar

T = TypeVar("T")
DELAY = 0.3  # seconds before a bar appears: a small site builds faster than a bar could be read
REDRAW = 0.1  # seconds between redraws
WIDTH = 30


class Stages:
    """Record how long each stage takes; show a progress bar for long ones when ``bar`` is on."""

    def __init__(self, stream: TextIO | None = None, bar: bool | None = None):
        self.stream = stream or sys.stderr
        self.bar = _is_terminal(self.stream) if bar is None else bar
        self.timings: list[tuple[str, float]] = []
        self._current = ""

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        started, self._current = time.perf_counter(), name
        try:
            yield
        finally:
            self.timings.append((name, time.perf_counter() - started))

    def track(self, items: Iterable[T], total: int) -> Iterator[T]:
        """Pass ``items`` through, drawing "stage [####----] done/total" while they flow (total may grow)."""
        started = last = time.perf_counter()
        done, drawn = 0, False
        for item in items:
            yield item
            done += 1
            now = time.perf_counter()
            if self.bar and now - started >= DELAY and now - last >= REDRAW:
                self._draw(done, max(total, done))
                last, drawn = now, True
        if drawn:
            self.stream.write("\r\x1b[K")  # leave the terminal as it was: the summary line follows
            self.stream.flush()

    def _draw(self, done: int, total: int) -> None:
        filled = WIDTH * done // total
        self.stream.write(f"\r{self._current} [{'#' * filled}{'-' * (WIDTH - filled)}] {done}/{total}")
        self.stream.flush()

    def report(self) -> str:
        """Return one line per stage with its time, for ``--verbose``."""
        width = max((len(name) for name, _ in self.timings), default=0)
        return "\n".join(f"  {name:<{width}}  {seconds:6.3f} s" for name, seconds in self.timings)


def _is_terminal(stream) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def expected_outputs(site) -> int:
    """Estimate how many files a site writes, for the bar's total: one per document, file and facet value."""
    facets = sum(len(facet.values) + 1 for facet in getattr(site, "facets", ()))
    return (len(site.articles) + len(site.therapists) * 2 + len(site.topics) * 2 + len(site.pages)
            + len(site.files) + facets + 10)
