"""Facet stage (part of assembling the site): the directory's therapists -> its filters.

Input: the therapists in directory order. Output: one ``Facet`` per filter of the directory form, each value with
its slug, its readable name, the heading of its static page and exactly the therapists it matches. The same
slugs feed the cards' data attributes, ``/therapists/index.json`` and the query string, so a link made by the
script, a static facet page and the JSON index always agree.
"""
from __future__ import annotations

from typing import Callable

from .models import Facet, FacetValue, Therapist
from .slugs import slugify
from .validate import FACETS, STATES

YES = "yes"

FORMATS = {"in-person": "In person", "telehealth": "Online"}
AVAILABILITY = {"weekdays": "on weekdays", "evenings": "in the evening", "weekends": "at weekends"}
#: facets whose values are written in lower case in profiles ("older adults") and shown capitalized
CAPITALIZED = ("ages", "availability", "gender")

#: facet -> (form label, values of a therapist, heading of a value's page). Order = the form's order.
TABLE: dict[str, tuple[str, Callable[[Therapist], tuple[str, ...]], Callable[[str, str], str]]] = {
    "specialty": ("Specialty", lambda t: t.specialties, lambda slug, name: f"Therapists specializing in {name}"),
    "insurance": ("Insurance", lambda t: t.insurance, lambda slug, name: f"Therapists who accept {name}"),
    "language": ("Language", lambda t: t.languages, lambda slug, name: f"Therapists who speak {name}"),
    "state": ("State", lambda t: (*(loc.state for loc in t.locations), *t.telehealth_states),
              lambda slug, name: f"Therapists seeing clients in {name}"),
    "city": ("City (office)", lambda t: tuple(f"{loc.city}, {loc.state}" for loc in t.locations),
             lambda slug, name: f"Therapists with an office in {name}"),
    "format": ("In person or online", lambda t: t.formats,
               lambda slug, name: "Therapists who see clients in person" if slug == "in-person"
               else "Therapists who see clients online (telehealth)"),
    "population": ("Works with", lambda t: t.populations, lambda slug, name: f"Therapists who work with {name}"),
    "ages": ("Ages", lambda t: t.ages, lambda slug, name: f"Therapists who see {name.lower()}"),
    "availability": ("Sees clients", lambda t: t.availability,
                     lambda slug, name: f"Therapists who see clients {AVAILABILITY.get(slug, name)}"),
    "gender": ("Therapist's gender", lambda t: (t.gender,) if t.gender else (),
               lambda slug, name: f"Therapists who describe their gender as {name.lower()}"),
    "accepting": ("Accepting new clients", lambda t: (YES,) if t.accepting_new_clients else (),
                  lambda slug, name: "Therapists accepting new clients"),
    "sliding-scale": ("Offers a sliding scale", lambda t: (YES,) if t.fees.sliding_scale else (),
                      lambda slug, name: "Therapists offering a sliding scale"),
    "free-consultation": ("Offers a free consultation", lambda t: (YES,) if t.free_consultation else (),
                          lambda slug, name: "Therapists offering a free consultation"),
}
assert tuple(sorted(TABLE)) == tuple(sorted(FACETS)), "the reserved profile slugs must name every facet"
YES_NO = ("accepting", "sliding-scale", "free-consultation")  #: shown as checkboxes, with the single value "yes"


def state_name(code: str) -> str:
    """Name a state for people ("California"); a code we do not know stays as written."""
    return STATES.get(code, code)


def display_name(facet: str, raw: str) -> str:
    """The readable name of a value as written in a profile."""
    if facet == "state":
        return state_name(raw)
    if facet == "format":
        return FORMATS.get(raw, raw)
    if facet in YES_NO:
        return TABLE[facet][0]
    if facet in CAPITALIZED:
        return raw[:1].upper() + raw[1:]
    return raw


def slugs_of(therapist: Therapist) -> dict[str, tuple[str, ...]]:
    """Every facet -> the therapist's value slugs, sorted and without repeats (data attributes, index.json)."""
    return {facet: tuple(sorted({slugify(raw) for raw in values(therapist)} - {""}))
            for facet, (_, values, _) in TABLE.items()}


def build_facets(therapists: tuple[Therapist, ...]) -> tuple[Facet, ...]:
    """Compute every facet of the directory; values sorted by name, therapists kept in directory order."""
    facets = []
    for facet, (label, values, heading) in TABLE.items():
        names: dict[str, str] = {}
        # The first spelling in file order names a value, so reordering the directory never renames one.
        for therapist in sorted(therapists, key=lambda t: t.slug):
            for raw in values(therapist):
                if slug := slugify(raw):
                    names.setdefault(slug, display_name(facet, raw))
        if facet in YES_NO:
            names.setdefault(YES, label)  # the page exists even while nobody matches: it is linked from the form
        chosen = [(t, {slugify(raw) for raw in values(t)}) for t in therapists]
        members = {slug: tuple(t for t, mine in chosen if slug in mine) for slug in names}
        ordered = sorted(names, key=lambda slug: (names[slug].lower(), slug))
        facets.append(Facet(facet, label, tuple(
            FacetValue(facet, slug, names[slug], heading(slug, names[slug]), members[slug]) for slug in ordered)))
    return tuple(facets)
