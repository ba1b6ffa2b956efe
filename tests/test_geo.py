"""Near you, without a browser: office places at build time, and the ZIP code tables the directory's script reads
(generator/geo.py). The sorting itself is tested in Chromium in test_browser_directory.py."""
from __future__ import annotations

import json

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
    asked = []
    monkeypatch.setattr(geo.zipcodes, "matching", lambda *args: asked.append(args) or [])
    (source / "therapists" / "ana-lima.yaml").write_text(OFFICE + "pronouns: she/her\n")
    assert run("build", "--source", source, "--output", tmp_path / "out").code == 0
    assert asked == []  # the quarter of a second the zipcodes package takes to unpack its list is not paid again
    assert 'data-offices="32.718,-117.159"' in (tmp_path / "out" / "therapists" / "index.html").read_text()
    monkeypatch.setattr(geo, "_places", {})
    assert run("build", "--source", source, "--output", tmp_path / "cold", "--no-cache").code == 0
    assert asked  # --no-cache reads nothing from the cache: the list is asked
    assert (tmp_path / "cold" / "therapists" / "index.html").read_text().count("32.718,-117.159") == 0
