"""How soon `serve` shows a saved edit: start serve on a site (the large bench corpus, say), append a line to a
few articles one after another and time each until the served page has it. Also the serve process's CPU use
while idle. Not part of `make test`; run by hand:

    .venv/bin/python bench/serve_edit.py bench/work/corpus-10000x2000/ours --edits 5 --gap 8

`bench/run.py --size 10000x2000` writes that corpus. Times run from writing the file to the page being served
with the new line, the debounce included; --gap shorter than a full rebuild makes each save land during the
rebuild of the one before, as when writing fast.
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="a site folder (its articles get a line appended)")
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--gap", type=float, default=8.0, help="seconds between two saves")
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of idle CPU to measure")
    args = parser.parse_args(argv)
    port = free_port()
    log = Path(tempfile.mkdtemp()) / "serve.out"
    with log.open("w") as out:
        serve = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--source", str(args.source),
                                  "--port", str(port)], stdout=out, stderr=subprocess.STDOUT, cwd=REPO)
    try:
        started = time.monotonic()
        while "Serving" not in log.read_text():
            if serve.poll() is not None or time.monotonic() - started > 600:
                print(log.read_text(), file=sys.stderr)
                return 1
            time.sleep(0.2)
        print(f"first build: {time.monotonic() - started:.1f} s")
        time.sleep(2)
        before = cpu(serve.pid)
        time.sleep(args.idle)
        print(f"idle: {cpu(serve.pid) - before:.2f} s of CPU in {args.idle:.0f} s")
        articles = sorted((args.source / "content" / "articles").glob("*.md"))
        times = []
        for number in range(args.edits):
            article = articles[(len(articles) // 3 + number * 41) % len(articles)]
            url = f"http://127.0.0.1:{port}/articles/{article.stem}/"
            marker = f"Edit {number} at {time.time()}"
            text = article.read_text() + f"\n{marker}\n"
            saved = time.monotonic()
            article.write_text(text)
            while marker not in fetch(url):
                if time.monotonic() - saved > 120:
                    break
                time.sleep(0.01)
            times.append(time.monotonic() - saved)
            print(f"edit {number + 1}: served after {times[-1]:.2f} s")
            time.sleep(args.gap)
        print(f"median {sorted(times)[len(times) // 2]:.2f} s")
    finally:
        serve.terminate()
        serve.wait(30)
    return 0


def fetch(url: str) -> str:
    try:
        return urllib.request.urlopen(url, timeout=10).read().decode()
    except OSError:
        return ""


def cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    raise SystemExit(main())
