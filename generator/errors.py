"""One error shape for every stage: where (path, line, field), what, and how to fix it.

Stages collect problems instead of stopping at the first, so a practice manager sees every mistake in one
report. ``SiteError`` carries the sorted report to the CLI, which prints it and exits 1 without a traceback.
"""
from __future__ import annotations

import difflib
import errno
import os
from dataclasses import dataclass, field
from pathlib import Path


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


class ToolError(Exception):
    """A program the build runs is missing or failed (Pagefind, which indexes the search): not the sources' fault,
    so exit 2; the build stopped before the swap, so the published site is as it was."""


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


#: What to do about an error of the operating system where the output goes, by its errno.
OS_HINTS = {
    errno.ENOSPC: "the disk is full: free some space, or choose another --output on another disk",
    errno.EDQUOT: "your disk quota is used up: free some space, or choose another --output",
    errno.EACCES: "you may not write there: choose another --output, or change the folder's permissions",
    errno.EPERM: "you may not write there: choose another --output, or change the folder's permissions",
    errno.EROFS: "that disk is read-only: choose another --output",
    errno.ENOTDIR: "a part of that path is a file, not a folder: choose another --output",
    errno.EISDIR: "a folder stands where a file goes: choose another --output",
    errno.EEXIST: "a file stands where a folder goes: choose another --output",
    errno.ENAMETOOLONG: "a name in that path is too long: choose a shorter --output",
    errno.ENOENT: "a folder on the way there does not exist or went away: choose another --output",
    errno.EXDEV: "the output must be a folder that can be replaced whole, not a mount point: choose a folder "
                 "inside it as --output",
    errno.EBUSY: "the output must be a folder that can be replaced whole, not a mount point: choose a folder "
                 "inside it as --output",
}


def os_error(exc: OSError, source: Path, output: Path | None) -> tuple[int, str]:
    """One line for an error of the operating system, naming the path, and its exit code: 1 for a file in the
    sources, 2 where the output goes (the output, the staging folder beside it, the cache)."""
    path = Path(os.fsdecode(exc.filename)) if exc.filename else None
    reason = exc.strerror or str(exc)
    absolute = Path(os.path.abspath(path)) if path else None
    source = Path(os.path.abspath(source))
    if absolute and absolute.is_relative_to(source) and not _output_side(absolute, source, output):
        rel = absolute.relative_to(source).as_posix()
        return 1, str(Problem(rel, 0, "", f"cannot be read: {reason}",
                              "check that the file is there and that you may read it"))
    where = path or output or source
    hint = OS_HINTS.get(exc.errno, "choose another --output")
    system = next((f for f in ("/proc", "/sys", "/dev") if absolute and absolute.is_relative_to(f)), None)
    if system:
        hint = f"{system} holds the system's own information, not files: choose another --output"
    return 2, f"therapist-site: cannot write {where}: {reason}; {hint}"


def _output_side(path: Path, source: Path, output: Path | None) -> bool:
    """Whether ``path`` is where the output goes: the output, a folder on the way to it, the staging folder beside
    it (.public.staging-…), or the cache."""
    if path.is_relative_to(source / ".cache"):
        return True
    if output is None:
        return False
    output = Path(os.path.abspath(output))
    if output.is_relative_to(path):
        return True
    return any(folder == output or (folder.parent == output.parent and folder.name.startswith(f".{output.name}."))
               for folder in (path, *path.parents))
