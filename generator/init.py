"""Init: a practice's name, address, country and time zone -> a new site folder of its own.

Input: the answers (flags, or questions on a terminal). Output: site.yaml, a welcome article (a draft), About and
Privacy pages that say what the site really does, and a draft profile (``listed: false``). Nothing of the
fictional example is copied, and the new site builds with ``--strict`` at once: the first thing a practice sees is
its own site, not a list of things to remove. An existing site is never overwritten.
"""
from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .errors import UsageError
from .lint import reserved_host
from .scaffold import profile_text, quote, today
from .schema import URL_RE, zone_hint


@dataclass(frozen=True, slots=True)
class Country:
    """What a new site needs to know about where the practice is: its crisis line and its currency."""

    crisis: str  #: site.yaml's crisis group, or "" for the built-in default (the US 988 Lifeline)
    currency: str


COUNTRIES = {
    "US": Country("", "USD"),
    "CA": Country("""\
crisis:
  text: If you are in crisis or thinking about suicide, you are not alone. Help is free and confidential, 24 hours a day.
  numbers:
    - {label: "Call or text the 9-8-8 Suicide Crisis Helpline:", number: "988", url: "tel:988"}
    - {label: "Or send a text message to", number: "988", url: "sms:988"}
  chat_url: https://988.ca/
  emergency: If you are in immediate danger, call 911 or go to the nearest emergency department.
""", "CAD"),
    "GB": Country("""\
crisis:
  text: If you are struggling or thinking about suicide, you are not alone. Samaritans are there day or night, for free.
  numbers:
    - {label: "Call Samaritans free on", number: "116 123", url: "tel:116123"}
  emergency: If you are in immediate danger, call 999 or go to A&E.
""", "GBP"),
    "IE": Country("""\
crisis:
  text: If you are struggling or thinking about suicide, you are not alone. Samaritans are there day or night, for free.
  numbers:
    - {label: "Call Samaritans free on", number: "116 123", url: "tel:116123"}
  emergency: If you are in immediate danger, call 112 or 999, or go to the nearest emergency department.
""", "EUR"),
    "AU": Country("""\
crisis:
  text: If you are in crisis or thinking about suicide, you are not alone. Help is free and confidential, 24 hours a day.
  numbers:
    - {label: "Call Lifeline on", number: "13 11 14", url: "tel:131114"}
  chat_url: https://www.lifeline.org.au/crisis-chat/
  emergency: If you are in immediate danger, call 000.
""", "AUD"),
    "NZ": Country("""\
crisis:
  text: If you are in crisis or thinking about suicide, you are not alone. Help is free, 24 hours a day.
  numbers:
    - {label: "Need to talk? Call or text", number: "1737", url: "tel:1737"}
    - {label: "Or send a text message to", number: "1737", url: "sms:1737"}
  emergency: If you are in immediate danger, call 111.
""", "NZD"),
}

#: In site.yaml for a country whose crisis lines init does not know (and said by ``init`` when it is done).
UNKNOWN_COUNTRY = """\
# therapist-site does not know the crisis lines of {code}: until you write yours here, every page shows the US 988
# Lifeline, which does not answer outside the US. docs/content-format.md (crisis) shows how, for example:
# crisis:
#   text: If you are in crisis, you are not alone.
#   numbers:
#     - {{label: "Call", number: "...", url: "tel:..."}}
#   emergency: If you are in immediate danger, call ...
"""

SITE = """\
# Settings for the whole site. Every field is described in docs/content-format.md.
title: {title}
base_url: {url}
description: {description}
language: en
timezone: {timezone}
practice:
  name: {title}
  # phone: "+1-555-555-0100"        # remove the # to show the practice's phone number: in the footer, and on
  # email: hello@your-practice.org  # every profile, where new clients book and join a waitlist; the same for email
  # address: 1 Main St, City, ST 00000
# newsletter:                       # an email newsletter with a sign-up form: see docs/newsletter.md
#   provider: buttondown            # or mailchimp, kit, emailoctopus, listmonk, form
#   username: your-buttondown-name
{crisis}nav:
  - {{title: About, url: /about/}}
  - {{title: Privacy, url: /privacy/}}
"""

WELCOME = """\
---
title: {title}
date: {date}
author:                        # your profile's file name without .yaml, once it is ready
topics: []
summary: {summary}
draft: true                    # change to false to publish this article
---
Welcome! This is the first article on your new site. It is a draft, so it is not published yet: change
`draft: true` to `draft: false` above when it says what you want it to say.

Write the article here. Leave an empty line between paragraphs, start a section with `## `, and see
docs/writing-articles.md for everything else.
"""

ABOUT = """\
---
title: {title}
summary: {summary}
---
**{name}** is a therapy practice. On this site you can:

- read about each of our therapists in the [directory](/therapists/), and see who is accepting new clients;
- read [articles](/articles/) by our therapists, grouped by [topic](/topics/);
- [follow new articles](/subscribe/) in a feed reader or by email.

## Getting in touch

Each therapist's profile shows how to reach them. Contacting a therapist directly is the quickest way to ask
about availability, fees or insurance. Please keep first messages brief and avoid sharing detailed health
information by email.

If you need help right now, the numbers at the bottom of every page are free and open day and night.
"""

PRIVACY = """\
---
title: Privacy
summary: "This site does not track you: no cookies, no analytics, nothing loaded from other websites."
---
Reading this site is meant to be as private as reading a printed leaflet. Here is what that means.

## What this site does not do

- **No cookies.** This site sets no cookies.
- **No trackers.** There are no analytics tools, tracking pixels, advertising tags or "like" buttons.
- **Nothing from other websites.** Every page, style sheet, picture and script comes from this site itself: no
  fonts, maps or videos are loaded from other companies, so they do not learn that you visited.
- **No forms that send us your details.** This site has no contact form.

## Search

The search runs in your browser with an index downloaded from this site; what you type is not sent anywhere
else.

## When you contact a therapist

The contact links on a therapist's profile do not go through this site:

- an **email** link opens your own email program, and the message goes from your email provider to the address
  shown;
- a **phone** link opens your phone's dialler to call the number shown;
- a **booking** or **website** link takes you to that service's own site, whose privacy policy applies.

Please avoid sending detailed health information by ordinary email.

## Links to other websites

Links to other websites (a crisis line's chat, a therapist's booking page) lead to sites with their own privacy
practices. When you follow one, this site asks your browser not to tell the other site which page you came from.

## Feeds

You can follow new articles in any feed reader without an account or an email address; we cannot see who reads
them.

## Server logs

Like any web host, the company that serves these pages may keep basic technical logs (such as the time of a
request and the address asked for) for security and reliability.
"""

QUESTIONS = (
    ("name", "The practice's name (e.g. Riverside Counseling): "),
    ("url", "The address where the site will live, starting with https:// "
            "(e.g. https://www.riverside-counseling.org/): "),
    ("country", "The country, as a two-letter code (US, CA, GB, IE, AU, NZ; others get the US 988 line to edit): "),
    ("time_zone", "The time zone (e.g. America/Los_Angeles, America/New_York, Europe/London): "),
)


def answers(given: dict[str, str | None], ask: Callable[[str], str] | None) -> dict[str, str]:
    """Fill in what the flags left out by asking (``ask``: a terminal's input); without one, name what is missing."""
    values = {key: (value or "").strip() for key, value in given.items()}
    missing = [key for key, _ in QUESTIONS if not values.get(key)]
    if missing and ask is None:
        flags = " ".join(f"--{key.replace('_', '-')} ..." for key in missing)
        raise UsageError(f"init needs {flags} when it cannot ask on a terminal, e.g. therapist-site init mysite "
                         '--name "Riverside Counseling" --url https://www.riverside-counseling.org/ --country US '
                         "--time-zone America/Los_Angeles")
    for key, question in QUESTIONS:
        while not values.get(key):
            values[key] = ask(question).strip()
            if values[key]:
                try:
                    check(key, values[key])
                except UsageError as exc:  # said to someone answering, who typed no --flag
                    print(str(exc).split(": ", 1)[1])
                    values[key] = ""
    for key, _ in QUESTIONS:
        check(key, values[key])
    return values


def check(key: str, value: str) -> None:
    """Refuse an answer the new site could not build with, saying what to give instead."""
    if key == "url":
        if not URL_RE.fullmatch(value):
            bare = re.fullmatch(r"(?:www\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+/?", value)
            raise UsageError(f"--url: expected an address starting with https://, found {value!r}" +
                             (f"; write https://{value.rstrip('/')}/" if bare else ""))
        if reserved_host(value):
            raise UsageError(f"--url: {value} is an example address that can never be the practice's own; give "
                             "the address where the site will live (you can change it later in site.yaml)")
    elif key == "country" and not re.fullmatch(r"[A-Za-z]{2}", value):
        said = {"usa": "US", "united states": "US", "canada": "CA", "uk": "GB", "united kingdom": "GB",
                "ireland": "IE", "australia": "AU", "new zealand": "NZ"}.get(value.lower().strip(". "))
        raise UsageError(f"--country: expected a two-letter country code like US, found {value!r}" +
                         (f"; write {said}" if said else ""))
    elif key == "time_zone":
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # "Pacific" is a folder of zones
            raise UsageError(f"--time-zone: unknown time zone {value!r}; {zone_hint(value)}") from None


def init(folder: Path, values: dict[str, str]) -> list[Path]:
    """Write the new site into ``folder`` (new or empty); return the files written."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(f"{folder} already exists and is not empty; choose a new folder name, and nothing is "
                         "changed")
    name, url = values["name"], values["url"].rstrip("/") + "/"
    code = values["country"].upper()
    country = COUNTRIES.get(code) or Country(UNKNOWN_COUNTRY.format(code=code), COUNTRIES["US"].currency)
    date = today(values["time_zone"])
    slug = "your-name"
    files = {
        "site.yaml": SITE.format(title=quote(name), url=url, timezone=values["time_zone"], crisis=country.crisis,
                                 description=quote(f"{name}: our therapists, articles and how to reach us.")),
        "content/articles/welcome.md": WELCOME.format(
            title=quote(f"Welcome to {name}"), date=date,
            summary=quote(f"A first note from {name}: who we are and how to reach us.")),
        "content/pages/about.md": ABOUT.format(
            name=name, title=quote(f"About {name}"),
            summary=quote(f"About {name}: who we are, and how to find the right therapist here.")),
        "content/pages/privacy.md": PRIVACY,
        f"therapists/{slug}.yaml": profile_text("Your Name")
        .replace("currency: USD", f"currency: {country.currency}")
        .replace("listed: true    ", "listed: false   "),
    }
    written = []
    for rel, text in files.items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written
