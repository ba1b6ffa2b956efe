"""One build at a time per output, from the first read of the sources: a build started while another publishes
waits, then reads the sources as they are then, so an edit made meanwhile is never lost or mixed in."""
from __future__ import annotations

import subprocess
import time

from conftest import EPOCH, snapshot
from sitegen import generate_site
from test_atomic import build_cmd, env


def test_sources_edited_while_a_build_publishes_and_a_second_build_started_give_the_cold_site(tmp_path, run):
    source = generate_site(tmp_path / "site", therapists=20, articles=80, seed=9)
    out = tmp_path / "out"
    environment = {**env(), "SOURCE_DATE_EPOCH": EPOCH}
    subprocess.run(build_cmd(source, out, cached=True), env=environment, check=True, timeout=300)
    first_article = sorted((source / "content" / "articles").glob("*.md"))[0]
    first_article.write_text(first_article.read_text().replace("title: ", "title: Edited once ", 1))

    first = subprocess.Popen(build_cmd(source, out, cached=True), env=environment, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".out.staging-*")) and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)  # the first build is publishing once its staging folder stands
    for article in sorted((source / "content" / "articles").glob("*.md"))[:5]:  # edits while it publishes
        article.write_text(article.read_text().replace("title: ", "title: Edited twice ", 1))
    (source / "site.yaml").write_text((source / "site.yaml").read_text().replace("title: ", "title: New ", 1))
    second = subprocess.Popen(build_cmd(source, out, cached=True), env=environment, stderr=subprocess.PIPE)
    assert first.wait(timeout=300) == 0, first.stderr.read()
    assert second.wait(timeout=300) == 0, second.stderr.read()

    cold = tmp_path / "cold"
    subprocess.run(build_cmd(source, cold), env=environment, check=True, timeout=300)
    assert snapshot(out) == snapshot(cold)
    third = subprocess.run(build_cmd(source, out, cached=True)[:-1], env=environment, capture_output=True,
                           text=True, timeout=300)  # not --quiet: it says whether anything changed
    assert third.stdout.startswith("Nothing changed since the last build")
