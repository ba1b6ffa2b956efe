"""Places (part of validating profiles, and of the render stage): US ZIP codes -> latitude and longitude, offline.

Offices get their coordinates at build time from the US ZIP code list, unless the profile gives ``lat`` and
``lon``. The directory's "near you" box needs the visitor's ZIP code too, found in the browser without asking any
server but the site's own: the whole list ships as 100 small files, one per first two digits
(``/assets/zips/92.json``, 2 to 15 KB each, about 1 MB in all), of which a visitor's browser fetches the one file
its ZIP code needs. They are published only when some office has a place, so a site without offices carries none.

The list is the one the ``zipcodes`` package ships. Its 100 files are kept made in ``generator/data/zips/``
(``python -m generator.geo`` writes them again, ``make zips``; a test checks they are what the installed package
gives): a build reads the file of each office's ZIP code (a tenth of a millisecond) and publishes the files as
they are, where making them took a cold build 0.6 s of CPU (the package unpacks its whole list, 40 MB, on first use).
"""
from __future__ import annotations

import json
import math
import sys
from collections import Counter
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from .files import digest, write_atomic
from .models import Location

DATA = Path(__file__).parent / "data" / "zips"  #: the 100 files, and SOURCE: the list's version and their digest
SOURCE = DATA / "SOURCE"
VERSION = SOURCE.read_text(encoding="utf-8").strip()  #: what the places depend on (the cache's key)
PRECISION = 3  #: decimals of a degree: about 100 m, closer than a ZIP code's centre means anything
PREFIXES = tuple(f"{n:02d}" for n in range(100))  #: every first two digits has ZIP codes (00501 is in New York)


def miles(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The distance in miles between two (lat, lon) places along the earth's surface (haversine)."""
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 3958.8 * math.asin(math.sqrt(h))


def placed(therapists) -> bool:
    """Whether some office has a place: only then does the directory offer "near you" and ship the ZIP tables."""
    return any(loc.lat is not None for t in therapists for loc in t.locations)


def locate(location: Location) -> Location:
    """The office with its place: as the profile gives it, else its ZIP code's; unknown: left without one."""
    if location.lat is not None or not location.postal_code:
        return location
    found = place(location.postal_code)
    return replace(location, lat=found[0], lon=found[1]) if found else location


def locate_all(therapists: list) -> list:
    """Every therapist with each office placed (``locate``)."""
    return [replace(t, locations=tuple(locate(loc) for loc in t.locations)) if t.locations else t
            for t in therapists]


def place(postal_code: str) -> tuple[float, float] | None:
    """(latitude, longitude) of a US ZIP code's centre ("92101" or "92101-1234"); None when it is not known."""
    found = _found(postal_code)
    return (found[0], found[1]) if found else None


def zip_state(postal_code: str) -> str | None:
    """The state a US ZIP code is in ("CA"); None when it is not known."""
    found = _found(postal_code)
    return found[2] if found else None


def _found(postal_code: str) -> tuple[float, float, str] | None:
    five = postal_code.strip()[:5]
    if len(five) != 5 or not five.isdigit():
        return None
    state, zips = _read(five[:2])
    row = zips.get(five[2:])
    return (row[0], row[1], row[2] if len(row) > 2 else state) if row else None


@lru_cache(maxsize=None)
def _read(prefix: str) -> tuple[str, dict]:
    data = json.loads(table(prefix))
    return data["state"], data["zips"]


def table_file(prefix: str) -> Path:
    """The file published as /assets/zips/<prefix>.json."""
    return DATA / f"{prefix}.json"


def table(prefix: str) -> bytes:
    """The places of the ZIP codes that start with ``prefix``: ``{"state": "CA", "zips": {"101": [32.718,
    -117.159], ...}}``, the last three digits of each with [lat, lon], plus its state where it is not the file's
    ``state`` (the one most of its ZIP codes are in): the state says whose telehealth licenses apply."""
    return table_file(prefix).read_bytes()


# ------------------------------------------------------------- making the files from the zipcodes package (make zips)

def made_tables() -> dict[str, bytes]:
    """Every file of ``DATA`` as the installed zipcodes package gives it (the package: ``pip install zipcodes``)."""
    return {prefix: _made_table(prefix) for prefix in PREFIXES}


def made_source(tables: dict[str, bytes]) -> str:
    """What SOURCE says of ``tables``: the list's version and a digest of the files."""
    import zipcodes
    return f"zipcodes={zipcodes.__version__} {digest(*tables.values())[:16]}\n"


def _made_table(prefix: str) -> bytes:
    import zipcodes
    rows = sorted((z for z in zipcodes.similar_to(prefix) if z.get("lat") and z.get("long")
                   and len(z["zip_code"]) == 5), key=lambda z: z["zip_code"])
    state = Counter(z["state"] for z in rows).most_common(1)[0][0] if rows else ""
    zips = {z["zip_code"][2:]: [round(float(z["lat"]), PRECISION), round(float(z["long"]), PRECISION),
                                *([z["state"]] if z["state"] != state else [])] for z in rows}
    return json.dumps({"state": state, "zips": zips}, separators=(",", ":")).encode()


def main() -> None:
    """Write the files of ``DATA`` and SOURCE again from the installed zipcodes package."""
    tables = made_tables()
    for prefix, data in tables.items():
        write_atomic(table_file(prefix), data)
    write_atomic(SOURCE, made_source(tables).encode())
    print(f"Wrote {len(tables)} ZIP code tables ({sum(map(len, tables.values())):,} bytes) into {DATA}: "
          f"{made_source(tables).strip()}", file=sys.stderr)


if __name__ == "__main__":
    main()
