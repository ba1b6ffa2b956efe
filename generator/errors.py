"""One error shape for every stage: where (path, line, field), what, and how to fix it.

Stages collect problems instead of stopping at the first, so a practice manager sees every mistake in one
report. ``SiteError`` carries the sorted report to the CLI, which prints it and exits 1 without a traceback.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One mistake in the sources, located as precisely as the input allows."""

    path: str
    line: int = 0
    field: str = ""
    message: str = ""
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        return f"{text}; {self.hint}" if self.hint else text


class SiteError(Exception):
    """The sources are wrong; ``problems`` lists every problem found, sorted by path and line."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems = tuple(sorted(set(problems)))
        super().__init__(self.report())

    def __reduce__(self):  # raised in a worker process, it must arrive in the parent with its problems
        return (SiteError, (self.problems,))

    def report(self) -> str:
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} found:"
        return "\n".join([head, *map(str, self.problems)])


class UsageError(Exception):
    """The command was misused (bad flags, a refused output folder): exit 2."""


@dataclass(slots=True)
class Collector:
    """Gathers problems across files; ``raise_if_any`` ends a stage that found some."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, path: str, line: int = 0, field: str = "", message: str = "", hint: str = "") -> None:
        self.problems.append(Problem(path, line, field, message, hint))

    def extend(self, problems) -> None:
        self.problems.extend(problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise SiteError(self.problems)


def did_you_mean(word: str, choices) -> str:
    """Return a "did you mean" hint for the closest choice, or a list of the valid ones."""
    choices = sorted(choices)
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return "valid fields are: " + ", ".join(choices)
