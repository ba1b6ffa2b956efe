"""Structured data (part of the render stage): frozen models -> schema.org JSON-LD as plain dicts.

Templates serialize these with the ``tojson_ld`` filter, which escapes what could close the <script> element.
Only what a profile states is said: nothing is guessed (no licensing board is named when the YAML names none).
Home: the practice as a MedicalBusiness and the site with its search; articles: a BlogPosting whose authors are
the Persons of their profiles (the same @id), profiles: a ProfilePage.
"""
from __future__ import annotations

import re

from .facets import state_name
from .validate import STATES
from .models import Article, Site, Therapist

#: "100 Example Way, San Diego, CA 92101": the one-line practice address of site.yaml, when it has this shape.
US_ADDRESS = re.compile(r"^(?P<street>.+),\s*(?P<city>[^,]+),\s*(?P<state>[A-Z]{2})\s+(?P<zip>\d{5}(?:-\d{4})?)$")


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
            "@type": "Place", "name": loc.name or config.practice_name,
            "address": {key: value for key, value in (
                ("@type", "PostalAddress"), ("streetAddress", loc.address), ("addressLocality", loc.city),
                ("addressRegion", loc.state), ("postalCode", loc.postal_code),
                ("addressCountry", "US" if loc.state in STATES else "")) if value},
            **({"geo": {"@type": "GeoCoordinates", "latitude": loc.lat, "longitude": loc.lon}}
               if loc.lat is not None else {}),
        } for loc in therapist.locations]
    person["worksFor"] = {"@type": "Organization", "name": config.practice_name,
                          "url": config.base_url}
    if therapist.gender:
        person["gender"] = therapist.gender
    person["contactPoint"] = _contact_point(site, therapist)
    contact = therapist.contact
    if contact.email:
        person["email"] = contact.email
    if contact.phone:
        person["telephone"] = contact.phone
    if contact.website:
        person["sameAs"] = [contact.website]
    return {"@context": "https://schema.org", "@type": "ProfilePage", "url": url,
            "name": therapist.display_name, "mainEntity": person}


def _contact_point(site: Site, therapist: Therapist) -> dict:
    """How a new client reaches the therapist: their booking page and contact while accepting new clients, else
    the practice's (waitlist, or another therapist)."""
    contact, practice = therapist.contact, site.config.practice
    if therapist.accepting_new_clients and (contact.booking_url or contact.email or contact.phone):
        fields = (("contactType", "new clients"), ("url", contact.booking_url), ("email", contact.email),
                  ("telephone", contact.phone))
    else:
        fields = (("contactType", "new clients" if therapist.accepting_new_clients else "waitlist"),
                  ("name", site.config.practice_name), ("email", practice.email),
                  ("telephone", practice.phone))
    return {"@type": "ContactPoint", **{key: value for key, value in fields if value}}


def _area(code: str) -> dict:
    """A state as an AdministrativeArea; its ISO 3166-2 code only when it is one we know to be a US state."""
    area = {"@type": "AdministrativeArea", "name": state_name(code)}
    if code in STATES:
        area["identifier"] = f"US-{code}"
    return area


def _person_ref(site: Site, therapist: Therapist) -> dict:
    if not site.profile(therapist.slug):  # no profile page to identify them by
        return {"@type": "Person", "name": therapist.name}
    url = site.config.absolute(therapist.url)
    return {"@type": "Person", "@id": url + "#person", "name": therapist.name, "url": url}


def _organization(site: Site) -> dict:
    config = site.config
    return {"@type": "Organization", "@id": config.base_url + "#practice", "name": config.practice_name,
            "url": config.base_url}


def blog_posting(site: Site, article: Article) -> dict:
    """A BlogPosting: headline, dates, authors linking their profiles, topics, image and the practice."""
    config = site.config
    url = config.absolute(article.url)
    data: dict = {
        "@context": "https://schema.org", "@type": "BlogPosting", "@id": url + "#article", "url": url,
        "mainEntityOfPage": url, "headline": article.title, "datePublished": article.date.isoformat(),
        "dateModified": article.modified.isoformat(), "inLanguage": config.language,
        "publisher": _organization(site), "wordCount": article.words,
    }
    if article.summary:
        data["description"] = article.summary
    if article.authors:
        data["author"] = [_person_ref(site, site.author_index[slug]) for slug in article.authors]
    if article.topics:
        data["keywords"] = [site.topic_index[slug].name for slug in article.topics]
    if article.image:
        data["image"] = {"@type": "ImageObject", "url": config.absolute(article.image_url),
                         "description": article.image_alt}
    return data


def home(site: Site) -> dict:
    """The practice (a MedicalBusiness with its address and telephone) and the website with its search."""
    config = site.config
    practice = config.practice
    business: dict = {"@type": "MedicalBusiness", "@id": config.base_url + "#practice",
                      "name": config.practice_name, "url": config.base_url}
    if config.description:
        business["description"] = config.description
    if practice.phone:
        business["telephone"] = practice.phone
    if practice.email:
        business["email"] = practice.email
    if practice.phone or practice.email:
        business["contactPoint"] = {"@type": "ContactPoint", "contactType": "new clients", **{
            key: value for key, value in (("telephone", practice.phone), ("email", practice.email)) if value}}
    if practice.address:
        match = US_ADDRESS.match(practice.address.strip())
        business["address"] = {"@type": "PostalAddress", **({
            "streetAddress": match["street"], "addressLocality": match["city"], "addressRegion": match["state"],
            "postalCode": match["zip"], "addressCountry": "US"} if match and match["state"] in STATES
            else {"streetAddress": practice.address})}
    website = {"@type": "WebSite", "@id": config.base_url + "#website", "url": config.base_url,
               "name": config.title, "inLanguage": config.language, "publisher": {"@id": business["@id"]},
               "potentialAction": {"@type": "SearchAction",
                                   "target": config.absolute("/search/") + "?q={search_term_string}",
                                   "query-input": "required name=search_term_string"}}
    return {"@context": "https://schema.org", "@graph": [business, website]}
