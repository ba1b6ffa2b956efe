"""Places (part of validating profiles, and of the render stage): US ZIP codes -> latitude and longitude, offline.

Offices get their coordinates at build time from the ``zipcodes`` package, which ships the US ZIP code list in its
wheel (no download), unless the profile gives ``lat`` and ``lon``. The directory's "near you" box needs the
visitor's ZIP code too, found in the browser without asking any server but the site's own: the whole list ships
as 100 small files, one per first two digits (``/assets/zips/92.json``, 2 to 15 KB each, about 1 MB in all), of
which a visitor's browser fetches the one file its ZIP code needs. They are published only when some office has a
place, so a site without offices carries none of it.
"""
from __future__ import annotations

import json
import math
import os
from collections import Counter
from dataclasses import replace

import zipcodes

from .models import Location
from .pool import helper, in_child

VERSION = f"zipcodes={zipcodes.__version__} zips-v2"  #: what the tables and places depend on (the cache's key)
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
    """Every therapist with each office placed (``locate``), the ZIP codes looked up together (``look_up``)."""
    look_up({code for t in therapists for loc in t.locations if (code := _five(loc.postal_code or ""))})
    return [replace(t, locations=tuple(locate(loc) for loc in t.locations)) if t.locations else t
            for t in therapists]


# ZIP code -> (lat, lon, state), as ``place`` found it. The build cache keeps it (cache.Cache.places): the zipcodes
# package unpacks its whole list on the first lookup (a quarter of a second), which a rebuild need not pay again.
_places: dict[str, tuple[float, float, str] | None] = {}


def look_up(codes: set[str]) -> None:
    """Find the places of the five-digit ``codes`` not known yet in a process of its own (pool.helper): the
    unpacked list takes about 40 MB, which the build and every render worker forked from it would otherwise hold
    until the end. When some office is placed, the same process goes on to make the ZIP tables (the list being
    unpacked there already) while the build converts Markdown; ``tables`` collects them."""
    wanted = sorted(codes - _places.keys())
    if not wanted:
        return
    child = helper()
    if child is None:
        _places.update(_looked_up(wanted))
        return
    try:
        _places.update(child.apply(_looked_up, (wanted,)))
        if len(_tables) < len(PREFIXES) and any(_places[code] for code in wanted):
            _pending[os.getpid()] = child.apply_async(_made_tables)
    finally:
        child.close()  # the process ends once its last task is done


def _looked_up(codes: list[str]) -> dict[str, tuple[float, float, str] | None]:
    for code in codes:
        place(code)
    return {code: _places[code] for code in codes}


def _five(postal_code: str) -> str | None:
    five = postal_code.strip()[:5]
    return five if len(five) == 5 and five.isdigit() else None


def place(postal_code: str) -> tuple[float, float] | None:
    """(latitude, longitude) of a US ZIP code's centre ("92101" or "92101-1234"); None when it is not known."""
    five = _five(postal_code)
    if five is None:
        return None
    if five not in _places:
        found = [z for z in zipcodes.matching(five) if z.get("lat") and z.get("long")]
        _places[five] = (round(float(found[0]["lat"]), PRECISION), round(float(found[0]["long"]), PRECISION),
                         found[0]["state"]) if found else None
    return _places[five][:2] if _places[five] else None


def zip_state(postal_code: str) -> str | None:
    """The state a US ZIP code is in ("CA"); None when it is not known."""
    five = _five(postal_code)
    return _places[five][2] if five is not None and place(five) else None


def known_places() -> dict[str, tuple[float, float, str] | None]:
    """Every ZIP code looked up so far in this process, with its place and state (for the build cache)."""
    return dict(_places)


def remember_places(places: dict[str, tuple[float, float, str] | None]) -> None:
    """Places an earlier build looked up with this same ZIP code list (VERSION): used instead of asking again."""
    _places.update(places)


def tables() -> dict[str, bytes]:
    """Every ZIP code's place, split by its first two digits: {"92": b'{"state": "CA", "zips": {...}}'}.

    Made once per process (a third of a second, about 1 MB), before the workers that publish them fork, in a
    helper so that the unpacked list does not stay (``look_up`` may have started them): a process that builds
    many times (serve, the tests) makes them once."""
    if len(_tables) < len(PREFIXES):
        pending = _pending.pop(os.getpid(), None)  # only the process that started it can collect it
        _tables.update(pending.get() if pending is not None else in_child(_made_tables))
    return dict(_tables)


_tables: dict[str, bytes] = {}  # the tables this process made or was handed (look_up), by prefix
_pending: dict = {}  # by process id: the tables a helper is making (look_up), not collected yet


def table(prefix: str) -> bytes:
    """One file of ``tables()``."""
    return _tables[prefix] if prefix in _tables else tables()[prefix]


def _made_tables() -> dict[str, bytes]:
    return {prefix: _table(prefix) for prefix in PREFIXES}


def _table(prefix: str) -> bytes:
    """The places of the ZIP codes that start with ``prefix``, as published in /assets/zips/<prefix>.json.

    ``zips`` maps the last three digits to [lat, lon], plus the state where it is not the file's ``state`` (the
    one most of its ZIP codes are in): the state says whose telehealth licenses apply. One prefix at a time: the
    whole list as dicts would take 100 MB.
    """
    rows = sorted((z for z in zipcodes.similar_to(prefix) if z.get("lat") and z.get("long")
                   and len(z["zip_code"]) == 5), key=lambda z: z["zip_code"])
    state = Counter(z["state"] for z in rows).most_common(1)[0][0] if rows else ""
    zips = {z["zip_code"][2:]: [round(float(z["lat"]), PRECISION), round(float(z["long"]), PRECISION),
                                *([z["state"]] if z["state"] != state else [])] for z in rows}
    return json.dumps({"state": state, "zips": zips}, separators=(",", ":")).encode()

