"""A build killed at any moment leaves the complete old site or the complete new one, never a mix.

Builds run as real processes and are killed with SIGKILL at random moments, over and over, alternating between
two versions of a site whose every page differs.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest

from conftest import REPO, snapshot
from generator.publish import locked
from sitegen import generate_site

KILLS = 50


def build_cmd(source, output, cached=False):
    # --no-cache: every build does the full work, so the kill moments spread over all of it. With the cache, a
    # build stages in the site the last one replaced (the spare): killed there, it must not leave a mix either.
    return [sys.executable, "-m", "generator", "build", "--source", str(source), "--output", str(output), "--quiet",
            *([] if cached else ["--no-cache"])]


def env():
    return {**os.environ, "PYTHONPATH": str(REPO)}


@pytest.mark.parametrize("cached, kills", [(False, KILLS), (True, 20)], ids=["no cache", "cache and spare site"])
def test_random_kills_leave_zero_mixed_sites(tmp_path, cached, kills):
    versions = []
    for name in ("a", "b"):
        source = generate_site(tmp_path / f"src-{name}", therapists=10, articles=60, seed=7)
        yaml_text = (source / "site.yaml").read_text()
        (source / "site.yaml").write_text(yaml_text.replace("title: ", f"title: Version {name.upper()} ", 1))
        reference = tmp_path / f"ref-{name}"
        started = time.perf_counter()
        subprocess.run(build_cmd(source, reference, cached), check=True, env=env())
        versions.append((source, snapshot(reference), time.perf_counter() - started))
    assert versions[0][1] != versions[1][1]
    duration = max(v[2] for v in versions)

    output = tmp_path / "out"
    subprocess.run(build_cmd(versions[0][0], output, cached), check=True, env=env())
    current = 0  # which version is published now
    rng = random.Random(2026)
    outcomes = {"old": 0, "new": 0}
    for attempt in range(kills):
        target = 1 - current
        process = subprocess.Popen(build_cmd(versions[target][0], output, cached), env=env())
        time.sleep(rng.uniform(0.1, 1.1) * duration)
        process.send_signal(signal.SIGKILL)
        process.wait()
        found = snapshot(output)
        assert found in (versions[current][1], versions[target][1]), f"kill {attempt}: a mix of two sites"
        if found == versions[target][1]:
            outcomes["new"] += 1
            current = target
        else:
            outcomes["old"] += 1
    assert outcomes["old"] > 0, outcomes  # kills did land mid-build
    # The next complete build cleans up whatever the killed ones left beside the output.
    subprocess.run(build_cmd(versions[0][0], output, cached), check=True, env=env())
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_second_build_into_the_same_output_waits_for_the_first(tmp_path):
    source = generate_site(tmp_path / "src", therapists=3, articles=5, seed=3)
    output = tmp_path / "out"
    with locked(output):  # as if another build were publishing into out/
        waiting = subprocess.Popen(build_cmd(source, output), env=env(), stderr=subprocess.PIPE, text=True)
        said = waiting.stderr.readline()  # however busy the machine, it says so once it reaches the lock
        assert said.startswith("therapist-site: waiting for another build into"), said
        assert waiting.poll() is None, "the second build did not wait"
        assert not output.exists()
    assert waiting.wait(timeout=300) == 0
    assert (output / "index.html").exists()


def test_ctrl_c_during_a_build_stops_quietly_and_leaves_the_old_site(tmp_path):
    source = generate_site(tmp_path / "src", therapists=20, articles=150, seed=5)
    output = tmp_path / "out"
    subprocess.run(build_cmd(source, output), check=True, env=env())
    before = snapshot(output)
    (source / "site.yaml").write_text((source / "site.yaml").read_text().replace("title: ", "title: New ", 1))
    process = subprocess.Popen(build_cmd(source, output), env=env(), stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    deadline = time.monotonic() + 30
    while not list(tmp_path.glob(".out.staging-*")) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)  # mid-build: the moment the build starts writing, its workers still rendering
    os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C does: to the build and its workers
    stderr = process.communicate(timeout=60)[1]
    assert process.returncode == 130
    assert stderr == "therapist-site: stopped; the published site was not changed.\n"
    assert snapshot(output) == before
    time.sleep(0.5)  # what a worker still running would write meanwhile
    assert not list(tmp_path.glob(".out.staging-*")), "the workers stopped before their staging folder went"


def _descriptors_of(folder: str) -> list[str]:
    """The descriptors this process holds open on ``folder`` (Linux's /proc)."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}") == folder:
                found.append(fd)
        except OSError:
            pass
    return found


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="reads open descriptors from /proc")
def test_processes_forked_during_a_build_do_not_hold_its_lock(tmp_path):
    # A render worker still running when its build is killed held the lock, so every later build into that
    # output waited forever (seen: a helper process of a killed build, orphaned).
    from generator.pool import ordered_map

    folder = os.path.realpath(tmp_path)  # as the descriptor names it
    with locked(tmp_path / "out"):
        assert len(_descriptors_of(folder)) == 1  # the build's own
        assert set(map(tuple, ordered_map(_descriptors_of, [folder] * 64))) == {()}
    assert _descriptors_of(folder) == []
