"""Near you, without a browser: office places at build time, and the ZIP code tables the directory's script reads
(generator/geo.py). The sorting itself is tested in Chromium in test_browser_directory.py."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


from generator import geo

OFFICE = """\
name: Ana Lima
formats: [in-person]
locations: [{city: San Diego, state: CA, postal_code: "92101"}]
"""


def test_the_zip_tables_hold_every_zip_code_in_100_small_files():
    tables = {prefix: geo.table(prefix) for prefix in geo.PREFIXES}
    sizes = [len(data) for data in tables.values()]
    assert max(sizes) < 16_000 and sum(sizes) < 1_100_000  # a visitor fetches one file, of a few kilobytes
    san_diego = json.loads(tables["92"])
    assert san_diego["state"] == "CA" and san_diego["zips"]["101"] == [32.718, -117.159]
    assert sum(len(json.loads(data)["zips"]) for data in tables.values()) > 40_000


def test_a_zip_code_in_another_state_than_most_of_its_file_carries_its_state():
    connecticut = json.loads(geo.table("06"))
    assert connecticut["state"] == "CT"
    assert connecticut["zips"]["390"][2] == "NY"  # Fishers Island, New York, has a Connecticut-looking ZIP code
    assert len(connecticut["zips"]["103"]) == 2  # Hartford: the file's own state is not repeated
    assert geo.zip_state("06390") == "NY" and geo.zip_state("06103") == "CT"


def test_the_kept_tables_are_what_the_zipcodes_package_gives_and_source_names_them():
    """generator/data/zips/ is made by `make zips`: a new zipcodes release, or a change to how the tables are
    made, without writing them again fails here."""
    made = geo.made_tables()
    assert [prefix for prefix in geo.PREFIXES if made[prefix] != geo.table(prefix)] == []
    assert geo.VERSION == geo.made_source(made).strip()
    assert sorted(p.name for p in geo.DATA.iterdir()) == sorted([f"{p}.json" for p in geo.PREFIXES] + ["SOURCE"])


def test_every_zip_code_is_placed_as_the_zipcodes_package_places_it():
    import zipcodes
    first: dict[str, dict] = {}
    for z in zipcodes.list_all():  # the first entry of a ZIP code with a place, as zipcodes.matching gives it
        if z.get("lat") and z.get("long") and len(z["zip_code"]) == 5:
            first.setdefault(z["zip_code"], z)
    wrong = [code for code, z in first.items()
             if geo.place(code) != (round(float(z["lat"]), 3), round(float(z["long"]), 3))
             or geo.zip_state(code) != z["state"]]
    assert len(first) > 40_000 and wrong == []
    unknown = next(f"{n:05d}" for n in range(100_000) if f"{n:05d}" not in first)
    assert geo.place(unknown) is None and geo.zip_state(unknown) is None


def test_an_office_is_placed_by_its_zip_code_and_a_zip_plus_four_is_read_as_its_first_five_digits():
    assert geo.place("92101") == (32.718, -117.159)
    assert geo.place("92101-1234") == (32.718, -117.159)
    assert geo.place("00000") is None and geo.place("ABCDE") is None and geo.place("921") is None


def test_a_site_whose_offices_are_placed_ships_the_tables_and_the_zip_box(make_site, run, tmp_path):
    source = make_site({"therapists/ana-lima.yaml": OFFICE})
    assert run("build", "--source", source, "--output", tmp_path / "out").code == 0
    assert sorted(p.stem for p in (tmp_path / "out" / "assets" / "zips").glob("*.json")) == list(geo.PREFIXES)
    assert all((tmp_path / "out" / "assets" / "zips" / f"{p}.json").read_bytes() == geo.table(p) for p in geo.PREFIXES)
    directory = (tmp_path / "out" / "therapists" / "index.html").read_text()
    assert 'data-zips="/assets/zips/"' in directory and 'id="filter-near"' in directory
    assert 'data-offices="32.718,-117.159"' in directory


def test_a_site_without_placed_offices_ships_no_tables_and_no_zip_box(make_site, run, tmp_path):
    source = make_site({"therapists/ana-lima.yaml": "name: Ana Lima\nformats: [telehealth]\n"})
    assert run("build", "--source", source, "--output", tmp_path / "out").code == 0
    assert not (tmp_path / "out" / "assets" / "zips").exists()
    assert 'id="filter-near"' not in (tmp_path / "out" / "therapists" / "index.html").read_text()


BUILD_CHECK = """
import sys
from pathlib import Path
from generator.build import Options, build
build(Options(source=Path(sys.argv[1]), output=Path(sys.argv[2])))
print("zipcodes" in sys.modules)
"""


def test_a_build_publishes_the_kept_tables_without_the_zipcodes_package(make_site, tmp_path):
    # The package unpacks its whole list on first use (0.35 s and 40 MB in every process forked after it): a
    # build reads the kept files instead, in a new process here, so that nothing has imported it before.
    source = make_site({"therapists/ana-lima.yaml": OFFICE})
    found = subprocess.run([sys.executable, "-c", BUILD_CHECK, source, tmp_path / "out"], capture_output=True,
                           text=True, timeout=120, cwd=Path(__file__).resolve().parent.parent)
    assert found.returncode == 0 and found.stdout.split() == ["False"], found.stderr
    assert (tmp_path / "out" / "assets" / "zips" / "06.json").read_bytes() == geo.table("06")
    assert 'data-offices="32.718,-117.159"' in (tmp_path / "out" / "therapists" / "index.html").read_text()


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
