"""Scaffold: a title or a name -> a new source file with every field present and a note on each.

Input: the site folder and what the person typed. Output: content/articles/<slug>.md (a draft dated today in the
site's time zone) or therapists/<slug>.yaml. Both build as generated, so the first thing someone sees after
``new`` is their page, not an error. An existing file is never overwritten.
"""
from __future__ import annotations

import json
import zoneinfo
from pathlib import Path

from .options import now
from .config import load_config
from .errors import Collector, UsageError
from .slugs import slugify
from .validate import RESERVED_THERAPIST_SLUGS

ARTICLE = """\
---
title: {title:<23} # the headline: shown on the page, in lists and in the newsletter
date: {date:<24} # when it is published; add a time if you like: {date} 09:30
author:                        # your profile's file name without .yaml, e.g. {author}; several: [a, b]
topics: []                     # e.g. [Anxiety, Grief and Loss]; each topic has a page listing its articles
summary: ""                    # one or two sentences for lists, search engines and the newsletter
updated:                       # the date of a later revision, e.g. {date}; leave empty until then
draft: true                    # change to false when the article is ready to be published
slug:                          # its address is /articles/<slug>/; leave empty to use the file name
image:                         # a picture shown at the top, e.g. /images/sunrise.jpg (a file in content/images/)
image_alt:                     # describe the picture for people who cannot see it (needed with an image)
aliases: []                    # old addresses that should lead here, e.g. [/posts/my-old-title.html]
---
Write the article here. Leave an empty line between paragraphs.

## A heading for a section

Start a line with "## " to begin a section. *Italics*, **bold** and [links](https://example.org) work too.
"""

#: Text that ``new therapist`` (and ``init``) write for a person to replace: published as it is, it is a warning.
PLACEHOLDERS = ("Write here who you work with and how you work.", "Your Name")

THERAPIST = """\
# The profile of {name}. Text after a # is a note and is ignored; docs/therapist-profiles.md explains more.
name: {quoted:<24} # required: the name as clients should see it
credentials: []                # e.g. [PsyD] or [LMFT, LPCC]; shown after the name
pronouns:                      # e.g. she/her; leave empty to show none
title:                         # e.g. Clinical Psychologist
photo:                         # a photo's file name in therapists/, e.g. {slug}.jpg; empty: no photo
photo_alt:                     # describe the photo, e.g. "{name} smiling in the office" (needed with a photo)
bio: |                         # a few paragraphs about you; keep every line indented by two spaces
  Write here who you work with and how you work.
specialties: []                # e.g. [Trauma, Anxiety]; each links to the topic of the same name
modalities: []                 # e.g. [EMDR, CBT]
populations: []                # e.g. [Adults, Couples, Veterans]
languages: [English]           # languages you offer sessions in, e.g. [English, Spanish]
insurance: []                  # plans you accept, e.g. [Aetna, TRICARE]; empty means self-pay only
fees:                          # per session, digits only; leave a line empty to show nothing for it
  individual:                  # e.g. 150
  couples:                     # e.g. 200
  sliding_scale: false         # true if you offer reduced fees to clients who need them
  currency: USD                # three capital letters, e.g. USD
formats: []                    # how you meet clients: [in-person], [telehealth] or [in-person, telehealth]
locations:                     # offices where you see clients; remove the # at the start of the example line
#  - {{name: Downtown, address: "1 Main St", city: San Diego, state: CA, postal_code: "92101"}}
telehealth_states: []          # states where you offer telehealth, as codes: e.g. [CA, NV]
licenses:                      # one line per license; remove the # at the start of the example line
#  - {{type: Psychologist, state: CA, number: "PSY 12345"}}
accepting_new_clients: false   # true when you can take new clients
contact:                       # how clients reach you; leave empty what you do not want shown
  email:                       # e.g. name@example.org
  phone:                       # in quotes, e.g. "+1-619-555-0100"
  booking_url:                 # an online booking page, starting with https://
  website:                     # your own website, starting with https://
listed: true                   # false: kept off the site while it is not ready (build --drafts shows it)
former: false                  # true: no longer with the practice; articles keep the name, the directory drops it
"""


def new_article(source: Path, title: str) -> Path:
    """Create content/articles/<slug>.md as a draft dated today; refuse to replace an existing file."""
    _require_site(source)
    slug = _slug(title, "title")
    date = today(load_config(source, Collector()).timezone)  # a broken site.yaml is reported by build, not here
    profiles = sorted(p.stem for p in (source / "therapists").glob("*.yaml"))
    text = ARTICLE.format(title=quote(title), date=date, author=profiles[0] if profiles else "ana-lima")
    return _create(source, f"content/articles/{slug}.md", text)


def new_therapist(source: Path, name: str) -> Path:
    """Create therapists/<slug>.yaml with every field shown; refuse to replace an existing profile."""
    _require_site(source)
    slug = _slug(name, "name")
    if slug in RESERVED_THERAPIST_SLUGS:
        raise UsageError(f"the name {name!r} would make the file therapists/{slug}.yaml, whose address the "
                         "directory uses itself; give the full name")
    return _create(source, f"therapists/{slug}.yaml", THERAPIST.format(name=name, quoted=quote(name), slug=slug))


def today(timezone: str) -> str:
    """The build's "now" as a date in the site's time zone, as articles write it: 2026-10-05."""
    return now().astimezone(zoneinfo.ZoneInfo(timezone)).date().isoformat()


def _require_site(source: Path) -> None:
    if not (source / "site.yaml").is_file():
        raise UsageError(f"{source} has no site.yaml, so it is not a site folder; run the command in the site's "
                         "folder or give it with --source")


def _slug(text: str, what: str) -> str:
    slug = slugify(text)
    if not slug:
        raise UsageError(f"the {what} {text!r} has no letters or digits to make a file name from")
    return slug


def quote(text: str) -> str:
    """Quote a value for YAML: a JSON string is a valid YAML double-quoted one, whatever it contains."""
    return json.dumps(text.strip(), ensure_ascii=False)


def _create(source: Path, rel: str, text: str) -> Path:
    target = source / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8") as file:  # "x": fail rather than replace someone's work
            file.write(text)
    except FileExistsError:
        raise UsageError(f"{target} already exists, and nothing was changed; open it to edit it, or choose "
                         "another title or name") from None
    return target
