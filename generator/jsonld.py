"""Structured data (part of the render stage): frozen models -> schema.org JSON-LD as plain dicts.

Templates serialize these with the ``tojson_ld`` filter, which escapes what could close the <script> element.
Only what a profile states is said: nothing is guessed (no licensing board is named when the YAML names none).
"""
from __future__ import annotations

from .facets import STATES, state_name
from .models import Site, Therapist


def profile_page(site: Site, therapist: Therapist) -> dict:
    """A ProfilePage whose mainEntity is the therapist as a Person, with licenses as credentials."""
    config = site.config
    url = config.absolute(therapist.url)
    person: dict = {"@type": "Person", "@id": url + "#person", "name": therapist.name, "url": url}
    if therapist.credentials:
        person["honorificSuffix"] = ", ".join(therapist.credentials)
    if therapist.title:
        person["jobTitle"] = therapist.title
    if therapist.photo:
        person["image"] = config.absolute(therapist.photo_url)
    if therapist.languages:
        person["knowsLanguage"] = list(therapist.languages)
    if therapist.specialties or therapist.modalities:
        person["knowsAbout"] = list(dict.fromkeys((*therapist.specialties, *therapist.modalities)))
    if therapist.licenses:
        person["hasCredential"] = [{
            "@type": "EducationalOccupationalCredential",
            "credentialCategory": "license",
            "name": f"{lic.type} license, {state_name(lic.state)}",
            "identifier": lic.number,
            "validIn": _area(lic.state),
        } for lic in therapist.licenses]
    if therapist.locations:
        person["workLocation"] = [{
            "@type": "Place", "name": loc.name or config.practice.name or config.title,
            "address": {key: value for key, value in (
                ("@type", "PostalAddress"), ("streetAddress", loc.address), ("addressLocality", loc.city),
                ("addressRegion", loc.state), ("postalCode", loc.postal_code),
                ("addressCountry", "US" if loc.state in STATES else "")) if value},
        } for loc in therapist.locations]
    person["worksFor"] = {"@type": "Organization", "name": config.practice.name or config.title,
                          "url": config.base_url}
    contact = therapist.contact
    if contact.email:
        person["email"] = contact.email
    if contact.phone:
        person["telephone"] = contact.phone
    if contact.website:
        person["sameAs"] = [contact.website]
    return {"@context": "https://schema.org", "@type": "ProfilePage", "url": url,
            "name": therapist.display_name, "mainEntity": person}


def _area(code: str) -> dict:
    """A state as an AdministrativeArea; its ISO 3166-2 code only when it is one we know to be a US state."""
    area = {"@type": "AdministrativeArea", "name": state_name(code)}
    if code in STATES:
        area["identifier"] = f"US-{code}"
    return area
