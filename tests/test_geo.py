"""Near you, without a browser: office places at build time, and the ZIP code tables the directory's script reads
(generator/geo.py). The sorting itself is tested in Chromium in test_browser_directory.py."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from generator import geo

OFFICE = """\
name: Ana Lima
formats: [in-person]
locations: [{city: San Diego, state: CA, postal_code: "92101"}]
"""


def test_the_zip_tables_hold_every_zip_code_in_100_small_files():
    tables = geo.tables()
    assert tuple(tables) == geo.PREFIXES
    sizes = [len(data) for data in tables.values()]
    assert max(sizes) < 16_000 and sum(sizes) < 1_100_000  # a visitor fetches one file, of a few kilobytes
    san_diego = json.loads(tables["92"])
    assert san_diego["state"] == "CA" and san_diego["zips"]["101"] == [32.718, -117.159]
    assert sum(len(json.loads(data)["zips"]) for data in tables.values()) > 40_000


def test_a_zip_code_in_another_state_than_most_of_its_file_carries_its_state():
    connecticut = json.loads(geo.tables()["06"])
    assert connecticut["state"] == "CT"
    assert connecticut["zips"]["390"][2] == "NY"  # Fishers Island, New York, has a Connecticut-looking ZIP code
    assert len(connecticut["zips"]["103"]) == 2  # Hartford: the file's own state is not repeated


def test_an_office_is_placed_by_its_zip_code_and_a_zip_plus_four_is_read_as_its_first_five_digits():
    assert geo.place("92101") == (32.718, -117.159)
    assert geo.place("92101-1234") == (32.718, -117.159)
    assert geo.place("00000") is None and geo.place("ABCDE") is None and geo.place("921") is None


def test_a_site_whose_offices_are_placed_ships_the_tables_and_the_zip_box(make_site, run, tmp_path):
    source = make_site({"therapists/ana-lima.yaml": OFFICE})
    assert run("build", "--source", source, "--output", tmp_path / "out").code == 0
    assert sorted(p.stem for p in (tmp_path / "out" / "assets" / "zips").glob("*.json")) == list(geo.PREFIXES)
    assert (tmp_path / "out" / "assets" / "zips" / "92.json").read_bytes() == geo.table("92")
    directory = (tmp_path / "out" / "therapists" / "index.html").read_text()
    assert 'data-zips="/assets/zips/"' in directory and 'id="filter-near"' in directory
    assert 'data-offices="32.718,-117.159"' in directory


def test_a_site_without_placed_offices_ships_no_tables_and_no_zip_box(make_site, run, tmp_path):
    source = make_site({"therapists/ana-lima.yaml": "name: Ana Lima\nformats: [telehealth]\n"})
    assert run("build", "--source", source, "--output", tmp_path / "out").code == 0
    assert not (tmp_path / "out" / "assets" / "zips").exists()
    assert 'id="filter-near"' not in (tmp_path / "out" / "therapists" / "index.html").read_text()


def test_a_rebuild_places_offices_from_the_cache_without_unpacking_the_zip_code_list(make_site, run, tmp_path,
                                                                                     monkeypatch):
    source = make_site({"therapists/ana-lima.yaml": OFFICE})
    assert run("build", "--source", source, "--output", tmp_path / "out").code == 0
    monkeypatch.setattr(geo, "_places", {})  # a new process: nothing looked up yet
    monkeypatch.setattr(geo.zipcodes, "matching", lambda *args: [])  # from now on the list knows no ZIP code
    (source / "therapists" / "ana-lima.yaml").write_text(OFFICE + "pronouns: she/her\n")
    assert run("build", "--source", source, "--output", tmp_path / "out").code == 0
    # Placed all the same: from the cache, without the quarter of a second the zipcodes package takes to unpack.
    assert 'data-offices="32.718,-117.159"' in (tmp_path / "out" / "therapists" / "index.html").read_text()
    monkeypatch.setattr(geo, "_places", {})
    assert run("build", "--source", source, "--output", tmp_path / "cold", "--no-cache").code == 0
    assert "32.718,-117.159" not in (tmp_path / "cold" / "therapists" / "index.html").read_text()  # asked the list


HELPER_CHECK = """
import os, sys
from generator import geo

def rss():
    return int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

before = rss()
if sys.argv[1] == "places":
    geo.look_up({"92101", "10001"})
    right = geo.known_places() == {"92101": (32.718, -117.159, "CA"), "10001": (40.748, -73.997, "NY")}
    right = right and not geo._tables and geo.tables()["92"] == geo.table("92")  # made there, collected here
else:  # the tables alone: a rebuild whose places come from the cache, its tables not reusable
    right = geo.tables()["92"] == geo.table("92") and geo.known_places() == {}
print(rss() - before, right, len(geo._tables))
"""


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads its memory from /proc")
@pytest.mark.parametrize("asked", ["places", "tables"])
def test_the_zip_code_list_is_unpacked_in_a_process_of_its_own(asked):
    # A new process, so that nothing has unpacked the list before: it grows by the tables handed back (1 MB), not
    # by the 40 MB of the unpacked list, which the build and every worker forked from it would hold to the end.
    found = subprocess.run([sys.executable, "-c", HELPER_CHECK, asked], capture_output=True, text=True,
                           timeout=120, cwd=Path(__file__).resolve().parent.parent, check=True).stdout.split()
    assert found[1:] == ["True", str(len(geo.PREFIXES))]
    assert int(found[0]) < 12 * 2**20, f"grew by {int(found[0]) / 2**20:.0f} MB"


def test_a_zip_code_with_a_leading_zero_typed_without_quotes_stays_as_typed(make_site, run, tmp_path):
    """YAML 1.1 reads 02134 as an octal number, 1116: the profile would show "Boston, MA 1116" and lose its place."""
    source = make_site({"therapists/tom-reyes.yaml": "name: Tom Reyes\nformats: [in-person]\n"
                        "locations: [{city: Boston, state: MA, postal_code: 02134}]\n"
                        "licenses: [{type: LMHC, state: MA, number: 0012345}]\n"})
    result = run("build", "--source", source, "--output", tmp_path / "out")
    assert result.code == 0 and "ZIP code" not in result.err
    page = (tmp_path / "out" / "therapists" / "tom-reyes" / "index.html").read_text()
    assert "02134" in page and "1116" not in page and "0012345" in page
    directory = (tmp_path / "out" / "therapists" / "index.html").read_text()
    assert f'data-offices="{",".join(map(str, geo.place("02134")))}"' in directory


def test_a_zip_code_of_another_state_than_the_offices_is_a_warning(make_site, run, tmp_path):
    source = make_site({"therapists/ana-lima.yaml": "name: Ana Lima\nformats: [in-person]\n"
                        "locations: [{city: San Diego, state: CA, postal_code: \"10001\"},\n"
                        "            {city: Reno, state: NV, postal_code: \"89501\"}]\n"})
    result = run("build", "--source", source, "--output", tmp_path / "out")
    assert result.code == 0
    assert result.err.splitlines()[1:] == [
        "therapists/ana-lima.yaml:3: locations[0].postal_code: the ZIP code '10001' is in New York, not in California "
        "(CA); check the ZIP code and the state: 'near you' places the office by its ZIP code, the directory's state "
        "filter by its state"]
    assert geo.zip_state("10001") == "NY" and geo.zip_state("89501-1234") == "NV" and geo.zip_state("00000") is None
