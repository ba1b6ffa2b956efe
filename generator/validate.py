"""Validate stage: raw documents -> models, through declared field tables.

Every document is checked, each problem reported with file, line and field; nothing stops at the first.
References between documents (authors, topics, routes) are checked later, in site.py, once all are known.
"""
from __future__ import annotations

import difflib
import posixpath
import re
import zoneinfo
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from . import geo
from .errors import Collector, did_you_mean
from .load import PHOTO_SUFFIXES, RawDoc, Sources
from .models import (Article, Config, Contact, Fees, GuestAuthor, License, Location, Models, Page, Therapist,
                     TopicNote)
from .schema import (INVALID, Bool, Choice, Ctx, Date, Email, Field, Fields, ListOf, Markdown, Number, Picture, Ref,
                     Text, Url, check_document)
from .slugs import SLUG_RE, slugify

STATE_RE = re.compile(r"[A-Z]{2}")
# The US states, DC and the territories by postal code: the codes a profile may give, and their names for people.
STATES = dict(pair.split(" ", 1) for pair in (
    "AL Alabama|AK Alaska|AZ Arizona|AR Arkansas|CA California|CO Colorado|CT Connecticut|DE Delaware|"
    "DC District of Columbia|FL Florida|GA Georgia|HI Hawaii|ID Idaho|IL Illinois|IN Indiana|IA Iowa|KS Kansas|"
    "KY Kentucky|LA Louisiana|ME Maine|MD Maryland|MA Massachusetts|MI Michigan|MN Minnesota|MS Mississippi|"
    "MO Missouri|MT Montana|NE Nebraska|NV Nevada|NH New Hampshire|NJ New Jersey|NM New Mexico|NY New York|"
    "NC North Carolina|ND North Dakota|OH Ohio|OK Oklahoma|OR Oregon|PA Pennsylvania|RI Rhode Island|"
    "SC South Carolina|SD South Dakota|TN Tennessee|TX Texas|UT Utah|VT Vermont|VA Virginia|WA Washington|"
    "WV West Virginia|WI Wisconsin|WY Wyoming|AS American Samoa|GU Guam|MP Northern Mariana Islands|"
    "PR Puerto Rico|VI U.S. Virgin Islands"
).split("|"))

FACETS = ("specialty", "language", "insurance", "state", "city", "format", "population", "ages", "availability",
          "gender", "accepting", "sliding-scale", "free-consultation")
AVAILABILITY = ("weekdays", "evenings", "weekends")
# What people write for them instead (lowercase; a final s is also tried): offered as the word to write.
FORMAT_WORDS = {**dict.fromkeys(("online", "virtual", "video", "remote", "zoom", "phone", "telehealth only",
                                 "teletherapy", "telemedicine", "online therapy"), "telehealth"),
                **dict.fromkeys(("in person", "inperson", "in-office", "office", "in office", "face to face",
                                 "face-to-face"), "in-person")}
AVAILABILITY_WORDS = {**dict.fromkeys(("monday", "tuesday", "wednesday", "thursday", "friday", "weekday", "daytime",
                                       "days", "day"), "weekdays"),
                      **dict.fromkeys(("evening", "night", "after work", "after 5"), "evenings"),
                      **dict.fromkeys(("saturday", "sunday", "weekend"), "weekends")}
AGES = ("children", "teens", "adults", "older adults")
RESERVED_THERAPIST_SLUGS = ("index", *FACETS)


class OneOrMany(ListOf):
    """A single value or a list of them (``author: ana-lima`` or ``author: [ana-lima, ben-ode]``)."""

    def __call__(self, value, field, ctx):
        return super().__call__(value if isinstance(value, list) else [value], field, ctx)


ALIAS_SEGMENT = re.compile(r"[^\\\s\x00-\x1f\x7f]*")  # a path segment: no spaces, controls or backslashes


class Alias(Text):
    """An old address of an article, kept as a redirect: a path like /posts/title.html (a whole URL: its path)."""

    expected = "an old address starting with /, like /posts/my-title.html"

    def __call__(self, value, field, ctx):
        value = super().__call__(value, field, ctx)
        if value is INVALID:
            return value
        parts = urlsplit(value)
        if parts.scheme in ("http", "https") and parts.netloc:
            value, parts = value[len(f"{parts.scheme}://{parts.netloc}"):] or "/", urlsplit(parts.path)
        if parts.query or parts.fragment or "?" in value or "#" in value:
            return ctx.bad(field, f"a static page cannot answer an address with '?' or '#': {value!r}",
                           "leave this address out; the host's own redirect rules can send it on")
        if not value.startswith("/") or value.startswith("//"):
            return ctx.bad(field, f"expected {self.expected}, found {value!r}",
                           "write the old address from the first / after the domain name")
        segments = unquote(value).split("/")
        if value == "/" or any(s in (".", "..") or not ALIAS_SEGMENT.fullmatch(s) for s in segments):
            return ctx.bad(field, f"{value!r} cannot be an address of its own",
                           "write the old address of this article, e.g. /2019/05/my-title/, without spaces, "
                           "'..' or backslashes")
        return value


SLUG = Text(SLUG_RE, "a slug of lowercase letters, digits and dashes, like my-first-article", kind="slug",
            words="slug")
STATE_CODES = {name.lower(): code for code, name in STATES.items()}  # "nevada" -> "NV"


class State(Text):
    """A US state's (or DC's, or a territory's) two-letter postal code: a typo would become a filter of its own."""

    def __call__(self, value, field, ctx):
        text = value.strip() if isinstance(value, str) else ""
        if text.lower() in STATE_CODES:  # "Nevada"
            return ctx.bad(field, f"expected {self.expected}, found {text!r}",
                           f"write its code instead: {STATE_CODES[text.lower()]}")
        if text.upper() in STATES and text != text.upper():  # "ca"
            return ctx.bad(field, f"expected {self.expected}, found {text!r}", f"write it in capitals: {text.upper()}")
        value = super().__call__(value, field, ctx)
        if value is INVALID or value in STATES:
            return value
        close = did_you_mean(value, STATES)
        return ctx.bad(field, f"{value!r} is not the code of a US state or territory",
                       close if close.startswith("did") else "use the state's two-letter postal code, e.g. CA for "
                       "California")


STATE = State(STATE_RE, "a two-letter state code like CA", "write the state's postal code in capitals, e.g. CA",
              kind="state", words="state code")
NAMES = ListOf(Text(), "[First, Second]")

ARTICLE = Fields(
    {
        "title": Field(Text(), "the headline: shown on the page, in lists and in the newsletter", required=True,
                       scaffold="{title}", example='"Grief Has No Timetable"',
                       doc="The article's heading. It is also used in article lists, the browser tab, feeds and "
                       "social-media previews. Use quotes if it contains `: `."),
        "date": Field(Date(), "when it is published; add a time if you like, e.g. 2026-10-05 09:30", required=True,
                      scaffold="{date}", example="2026-09-14 09:00",
                      doc="When the article is published. It is shown in the byline, and articles are listed "
                      "newest first. An article whose date is still in the future is left out until a build after "
                      "that moment. See [Dates](#dates-and-time-zones).",
                      form="when it is published; an article dated later waits for a build after that time"),
        # Any text: a name written for a file name ("Tom Whitfield") is answered in _article with the file name.
        "author": Field(OneOrMany(Ref("therapist", None, "the slug of a therapist profile (its file name without "
                                      ".yaml)"), words="a therapist's slug, or a list of slugs"),
                        "your profile's file name without .yaml, e.g. ana-lima; several: [a, b]",
                        attr="authors", example="maya-okafor", shown_default="no author",
                        doc="Who wrote it: the file name of a therapist profile without `.yaml` (`maya-okafor` for "
                        "`therapists/maya-okafor.yaml`), or of a [guest author](#guest-authors-contentauthorsslugyaml) "
                        "in `content/authors/`. The byline links to the profile (or the guest author's page), and "
                        "the article is listed there. A slug with neither is an error. Unlike other list fields, one "
                        "slug on its own is fine: `author: maya-okafor` or `author: [maya-okafor, sun-park]`.",
                        form="who wrote it: pick the therapist; several are allowed (a guest author, from "
                             "content/authors/, is written into the article's file)"),
        "topics": Field(ListOf(Text(), "[Trauma, Anxiety]"),
                        "e.g. [Anxiety, Grief and Loss]; each topic has a page listing its articles",
                        scaffold="[]", example="[Grief and Loss, Trauma]",
                        doc="The topics the article belongs to, written as people read them. Each topic has a page "
                        "at `/topics/<slug>/` listing its articles and the therapists with that specialty (`Grief "
                        "and Loss` → `/topics/grief-and-loss/`). Topics are shown as links under the article.",
                        form="e.g. Anxiety, Grief and Loss, separated by commas; each topic has a page listing its "
                             "articles"),
        "summary": Field(Text(), "one or two sentences for lists, search engines and the newsletter",
                         scaffold='""', example='"A few gentle reminders for living alongside loss."',
                         doc="One or two sentences shown under the title in article lists, and used as the "
                         "search-engine and social-media description. In feeds it is the short description. "
                         "Without it, feeds use the first 50 or so words of the article."),
        "updated": Field(Date(), "the date of a later revision, e.g. 2026-10-12; leave empty until then",
                         example="2026-10-12",
                         doc="When the article was last changed in a meaningful way. Shows \"Updated October 12, "
                         "2026\" at the end of the article, and tells feeds and search engines the article "
                         "changed.",
                         form="the date of a later revision; leave empty until then"),
        "draft": Field(Bool(), "change to false when the article is ready to be published", scaffold="true",
                       example="true",
                       doc="`true` keeps the article off the site (pages, lists, topics, feeds and sitemap) unless "
                       "you build with `--drafts`. With `--drafts` it is shown with a \"Draft: not published\" "
                       "notice. Drafts are still checked for mistakes.",
                       form="on: kept off the site; switch it off when the article is ready to be published"),
        "slug": Field(SLUG, "its address is /articles/<slug>/; leave empty to use the file name",
                      example="first-session", shown_default="made from the file name",
                      doc="The last part of the article's address, if you want it to be different from the file "
                      "name."),
        "image": Field(Picture(words="path of a picture"),
                       "a picture shown at the top, e.g. /images/sunrise.jpg (a file in content/images/)",
                       example="/images/office.jpg",
                       doc="A picture shown at the top of the article. Either a path relative to the article's file "
                       "(`wizards.jpg` means `content/articles/wizards.jpg`), or a path starting with `/` inside "
                       "`content/` (`/images/office.jpg` means `content/images/office.jpg`). The file must exist "
                       "inside `content/`. See [Pictures](#pictures-and-other-files).",
                       form="a picture shown at the top: upload one, or choose one the site has"),
        "image_alt": Field(Text(), "describe the picture for people who cannot see it (needed with an image)",
                           required_when="`image` is set", example="A quiet therapy office with two armchairs.",
                           doc="A short description of the picture for people who can't see it. Screen readers read "
                           "it aloud."),
        "aliases": Field(ListOf(Alias(), "[/posts/my-title.html, /2019/05/my-title/]", words="list of old addresses"),
                         "old addresses of this article that should lead here, e.g. [/posts/my-title.html]",
                         example="[/posts/on-grief.html, /2019/05/on-grief/]",
                         doc="Addresses where this article used to be (on your old blog, or before you changed its "
                         "slug). Each one keeps working: it becomes a small page that sends visitors on to the "
                         "article at once, and a line in `_redirects` (see below). Write each from the `/` after the "
                         "domain name; a whole old address (`https://old-blog.net/2019/05/on-grief/`) is cut to its "
                         "path.",
                         form="old addresses of this article that should lead here, e.g. /posts/my-title.html, "
                              "separated by commas"),
    },
    model=Article,
)
PAGE = Fields({
    "title": Field(Text(), "the page's heading and browser-tab title", required=True, example="About the practice"),
    "summary": Field(Text(), "the search-engine and social-media description of the page",
                     example='"Who we are and how we work."', shown_default="the site's `description`",
                     doc="The search-engine and social-media description of the page. It isn't shown on the page "
                     "itself."),
    "slug": Field(SLUG, "its address is /<slug>/; leave empty to use the file name", example="fees",
                  shown_default="made from the file name",
                  doc="The page's address, if you want it to be different from the file name."),
    "draft": Field(Bool(), "true leaves the page out unless you build with --drafts", example="true",
                   doc="`true` leaves the page out unless you build with `--drafts`.",
                   form="on: the page is kept off the site"),
}, model=Page)
TOPIC = Fields({
    "title": Field(Text(), "the topic's name as shown everywhere", required=True, example="Grief and Loss",
                   doc="The topic's name as shown everywhere: the topic page heading, the topic list, and the topic "
                   "links under articles. It replaces other spellings, such as \"Grief and loss\" in one article "
                   "and \"Grief and Loss\" in another."),
}, model=TopicNote)
GUEST_AUTHOR = Fields({
    "name": Field(Text(), "the name shown in bylines, feeds and on the page", required=True, example="Sam Rivera"),
    "bio": Field(Markdown(words="text (Markdown)"), "a few sentences about them", example="Sam runs our front desk."),
    "photo": Field(Picture(words="path of a picture"), "a picture in content/, relative to content/authors/ or "
                   "starting with /", example="sam-rivera.jpg",
                   doc="A picture in `content/`, relative to `content/authors/` or starting with `/`.",
                   form="a picture of them, if you like"),
    "photo_alt": Field(Text(), "describes the photo", required_when="`photo` is set",
                       example="Sam smiling at the front desk"),
    "link": Field(Url(), "their own website", example="https://sam-rivera.net/"),
}, model=GuestAuthor)
FEES = Fields({
    "individual": Field(Number(), "e.g. 150", example="180", shown_default="not shown",
                        doc="Fee for an individual session."),
    "couples": Field(Number(), "e.g. 200", example="220", shown_default="not shown",
                     doc="Fee for a couples session."),
    "sliding_scale": Field(Bool(), "true if you offer reduced fees to clients who need them", example="true",
                           facet="sliding-scale",
                           doc="Whether a sliding scale (reduced fees) is offered. A directory filter "
                           "(`/therapists/sliding-scale/yes/`).",
                           form="on if you offer reduced fees to clients who need them"),
    "currency": Field(Text(re.compile(r"[A-Z]{3}"), "a currency code like USD", kind="currency",
                           words="three capital letters"), "three capital letters, e.g. USD", default="USD",
                      example="USD", doc="The currency of the fees."),
}, model=Fees, example="individual: 150, sliding_scale: true")
LOCATION = Fields({
    "name": Field(Text(), "the office's name", example="Downtown", doc="The office's name."),
    "address": Field(Text(), "street address", example='"1 Main St, Suite 200"', doc="Street address."),
    "city": Field(Text(), "city", required=True, example="San Diego", facet="city",
                  doc="City. A directory filter, with the state (`/therapists/city/san-diego-ca/`): the way to find "
                  "an office near you without JavaScript."),
    "state": Field(STATE, "two capital letters, such as CA", required=True, example="CA", facet="state",
                   doc="The postal code of a US state, DC or a territory, in capitals, such as `CA`. A directory "
                   "filter. A ZIP code of another state is a warning.",
                   form="the office's state"),
    "postal_code": Field(Text(), "ZIP code, in quotes", example='"92101"',
                         doc="ZIP code. **Put it in quotes.** The directory's \"near you\" box sorts therapists by "
                         "the distance to this ZIP code's centre (from the ZIP code list of the `zipcodes` package, "
                         "at build time); a ZIP code it does not know, or an office without one, is a warning.",
                         form="ZIP code"),
    "lat": Field(Number(-90, maximum=90), "latitude, e.g. 32.7185; with lon, when the ZIP code's centre is too rough",
                 example="32.7185", shown_default="from `postal_code`",
                 doc="The office's exact place in degrees, when the ZIP code's centre is too rough (a large rural "
                 "ZIP code). Give both `lat` and `lon`, or neither; a place more than 30 miles from the ZIP "
                 "code's centre is a warning (coordinates copied from the example, say)."),
    "lon": Field(Number(-180, maximum=180), "longitude, e.g. -117.1593; with lat", example="-117.1593",
                 shown_default="from `postal_code`",
                 doc="The office's longitude in degrees (west is negative)."),
}, model=Location)
LICENSE = Fields({
    "type": Field(Text(), "kind of license", required=True, example="Psychologist", doc="Kind of license."),
    "state": Field(STATE, "the state that issued it", required=True, example="CA", doc="The state that issued it."),
    "number": Field(Text(), "license number, in quotes", required=True, example='"PSY 12345"',
                    doc="License number. Put it in quotes.",
                    form="license number"),
}, model=License)
CONTACT = Fields({
    "email": Field(Email(), "e.g. name@example.org", example="ana@example.org",
                   doc="The therapist's email address."),
    "phone": Field(Text(), 'in quotes, e.g. "+1-619-555-0100"', example='"+1-619-555-0100"',
                   doc="Phone number. Put it in quotes.",
                   form="e.g. +1-619-555-0100"),
    "booking_url": Field(Url(), "an online booking page, starting with https://",
                         example="https://example.org/book/ana-lima",
                         doc="Online booking (scheduling) page: the profile's \"Book a consultation\" button, shown "
                         "**only while `accepting_new_clients` is `true`**; otherwise the profile gives the "
                         "practice's phone and email for the waitlist."),
    "website": Field(Url(), "your own website, starting with https://", example="https://example.org/ana-lima",
                     doc="The therapist's own website."),
}, model=Contact)
THERAPIST = Fields(
    {
        "name": Field(Text(), "required: the name as clients should see it", required=True, scaffold="{name}",
                      example='"Ana Lima"',
                      doc="The therapist's full name: the profile heading, directory cards, bylines and feeds. The "
                      "directory sorts by the last word of the name."),
        "credentials": Field(NAMES, "e.g. [PsyD] or [LMFT, LPCC]; shown after the name", scaffold="[]",
                             example="[PsyD]", doc="Degrees and licenses shown after the name, separated by commas: "
                             "\"Ana Lima, PsyD\".",
                             form="e.g. PsyD, or LMFT, LPCC, separated by commas; shown after the name"),
        "pronouns": Field(Text(), "e.g. she/her; leave empty to show none", example="she/her",
                          doc="Shown with the name on the profile and on directory cards."),
        "title": Field(Text(), "e.g. Clinical Psychologist", example="Clinical Psychologist",
                       doc="Professional title, shown under the name on the profile and on directory cards, and used "
                       "(with the specialties) in the profile's search-engine description."),
        "photo": Field(Picture(words="file name"), "a photo's file name in therapists/, e.g. ana-lima.jpg; empty: no photo",
                       example="ana-lima.jpg",
                       doc="The file name of a photo that sits **next to this profile** in `therapists/`. Give only "
                       "the file name, with no folder. It must end in `.jpg`, `.jpeg`, `.png` or `.webp`. See "
                       "[Pictures](#pictures-and-other-files).",
                       form="a photo of you; without one the directory shows your initials"),
        "photo_alt": Field(Text(), 'describe the photo, e.g. "Ana Lima smiling in the office" (needed with a photo)',
                           required_when="`photo` is set", example="Ana Lima smiling in her office",
                           doc="A few words describing the photo for people who can't see it.",
                           form="describe the photo, e.g. Ana Lima smiling in the office (needed with a photo)"),
        "bio": Field(Markdown(),
                     "a few paragraphs about you; keep every line indented by two spaces",
                     scaffold="|\n  Write here who you work with and how you work.",
                     doc="The main text of the profile. Start it with `|` and indent the lines below, so that it can "
                     "have several paragraphs.",
                     form="a few paragraphs about you"),
        "specialties": Field(ListOf(Text(), "[Trauma, Anxiety]"),
                             "e.g. [Trauma, Anxiety]; each links to the topic of the same name", scaffold="[]",
                             example="[Trauma, Anxiety]", facet="specialty",
                             doc="What the therapist focuses on. Each specialty is listed on the **topic page of the "
                             "same slug** (\"Grief and Loss\" joins `/topics/grief-and-loss/`), shown on the "
                             "directory card, and is a directory filter (`/therapists/specialty/<slug>/`).",
                             form="e.g. Trauma, Anxiety, separated by commas; each links to the topic of the same "
                                  "name"),
        "modalities": Field(NAMES, "e.g. [EMDR, CBT]", scaffold="[]", example="[EMDR, CBT]",
                            doc="Approaches and methods, shown on the profile.",
                            form="e.g. EMDR, CBT, separated by commas"),
        "populations": Field(NAMES, "e.g. [Adults, Couples, Veterans]", scaffold="[]", example="[Adults, Veterans]",
                             facet="population", doc="Who the therapist works with. A directory filter.",
                             form="e.g. Adults, Couples, Veterans, separated by commas"),
        "languages": Field(ListOf(Text(), "[English, Spanish]"),
                           "languages you offer sessions in, e.g. [English, Spanish]", scaffold="[English]",
                           example="[English, Portuguese]", facet="language",
                           doc="Languages therapy is offered in. A directory filter.",
                           form="languages you offer sessions in, e.g. English, Spanish, separated by commas"),
        "insurance": Field(NAMES, "plans you accept, e.g. [Aetna, TRICARE]; empty means self-pay only",
                           scaffold="[]", example="[Aetna, TRICARE]", facet="insurance",
                           shown_default="none: **self-pay**",
                           doc="Insurance plans accepted. Empty or left out means self-pay only. A directory filter.",
                           form="plans you accept, e.g. Aetna, TRICARE, separated by commas; none means self-pay only"),
        "fees": Field(FEES, "per session, digits only; leave a line empty to show nothing for it",
                      example="{individual: 180, sliding_scale: true}", shown_default="none",
                      doc="Session fees and sliding scale.",
                      form="per session, in digits; leave a field empty to show nothing for it"),
        "formats": Field(ListOf(Choice("in-person", "telehealth", said=FORMAT_WORDS), "[in-person, telehealth]",
                                words="list of `in-person` and/or `telehealth`"),
                         "how you meet clients: [in-person], [telehealth] or [in-person, telehealth]",
                         scaffold="[]", example="[in-person, telehealth]", facet="format",
                         doc="How sessions happen. Only these two exact words are accepted. A directory filter.",
                         form="how you meet clients: in person, by telehealth, or both"),
        "locations": Field(ListOf(LOCATION, "[{name: Downtown, address: '1 Main St', city: San Diego, state: CA}]"),
                           "offices where you see clients; remove the # at the start of the example line",
                           example='{name: Downtown, address: "1 Main St", city: San Diego, state: CA, '
                           'postal_code: "92101", lat: 32.7185, lon: -117.1593}',
                           doc="Offices where the therapist sees clients in person. Each office's state is a "
                           "directory filter.",
                           form="offices where you see clients: add one for each"),
        "telehealth_states": Field(ListOf(STATE, "[CA, NV]", words="list of state codes"), "states where you offer telehealth, as codes: e.g. [CA, NV]",
                                   scaffold="[]", example="[CA, NV]", facet="state",
                                   doc="States where the therapist may offer telehealth. Also part of the \"state\" "
                                   "filter.",
                                   form="states where you offer telehealth"),
        "licenses": Field(ListOf(LICENSE, "[{type: Psychologist, state: CA, number: 'PSY 12345'}]"),
                          "one line per license; remove the # at the start of the example line",
                          example='{type: Psychologist, state: CA, number: "PSY 12345"}',
                          doc="Professional licenses, shown on the profile.",
                          form="your licenses: add one for each"),
        "accepting_new_clients": Field(Bool(), "true when you can take new clients", example="true",
                                       facet="accepting", shown_default="**`false`**",
                                       doc="Whether the therapist is taking new clients. The card says \"Accepting "
                                       "new clients\" or \"Not accepting new clients right now\". Therapists who "
                                       "are accepting are listed first, and appear on the home page. A directory "
                                       "filter (`/therapists/accepting/yes/`). **If you leave it out, the therapist "
                                       "shows as not accepting.**",
                                       form="on when you can take new clients"),
        "contact": Field(CONTACT, "how clients reach you; leave empty what you do not want shown",
                         shown_default="none", doc="How prospective clients reach the therapist."),
        "free_consultation": Field(Number(1, integer=True, maximum=240),
                                   "minutes of a free first call, e.g. 15; empty: none offered", example="15",
                                   facet="free-consultation", shown_default="none offered",
                                   words="whole number of minutes",
                                   doc="A free first conversation: \"Free 15-minute consultation\" on the card and "
                                   "the profile. A directory filter (`/therapists/free-consultation/yes/`)."),
        "session_length": Field(Number(1, integer=True, maximum=480), "minutes a session lasts, e.g. 50",
                                example="50", shown_default="not shown",
                                words="whole number of minutes",
                                doc="How long a session lasts, shown on the card and the profile."),
        "availability": Field(ListOf(Choice(*AVAILABILITY, said=AVAILABILITY_WORDS), "[weekdays, evenings]",
                                     words="list of `weekdays`, `evenings`, `weekends`"),
                              "when you see clients: any of [weekdays, evenings, weekends]", scaffold="[]",
                              example="[weekdays, evenings]", facet="availability", shown_default="not shown",
                              doc="When the therapist sees clients. Only these three words. A directory filter "
                              "(`/therapists/availability/evenings/`).",
                              form="when you see clients"),
        "gender": Field(Text(), "as you describe yourself, e.g. woman; empty: not shown", example="woman",
                        facet="gender", shown_default="not shown",
                        doc="The therapist's gender, in their own words. Many clients look for it, so it is a "
                        "directory filter of the values given (`/therapists/gender/woman/`): spell it the same way "
                        "in every profile."),
        "ages": Field(ListOf(Choice(*AGES), "[adults, older adults]",
                             words="list of `children`, `teens`, `adults`, `older adults`"),
                      "ages you see: any of [children, teens, adults, older adults]", scaffold="[]",
                      example="[adults, older adults]", facet="ages", shown_default="not shown",
                      doc="The ages the therapist sees. A directory filter (`/therapists/ages/older-adults/`).",
                      form="ages you see"),
        "listed": Field(Bool(), "false: kept off the site while it is not ready (build --drafts shows it)",
                        default=True, example="false",
                        doc="`false` keeps the profile off the site (directory, filters, home page) until it is "
                        "ready; its articles keep an unlinked byline. `build --drafts` and `serve` show it.",
                        form="off: kept off the site while the profile is not ready"),
        "former": Field(Bool(), "true: no longer with the practice; articles keep the name, the directory drops it",
                        example="true",
                        doc="`true`: no longer with the practice. The profile, card, filters and contact details "
                        "leave the site; bylines say \"(formerly with the practice)\".",
                        form="on: no longer with the practice; articles keep the name, the directory drops it"),
    },
    model=Therapist,
)


def validate(sources: Sources, config: Config, problems: Collector) -> Models:
    """Turn every raw document into its model; documents with problems are reported and left out."""
    timezone = zoneinfo.ZoneInfo(config.timezone)
    built: dict[str, list] = {kind: [] for kind in TABLES}
    for doc in sources.docs:
        model = document(doc, sources, problems, timezone)
        if model is not None:
            built[doc.kind].append(model)
    return Models(tuple(built["article"]), tuple(built["page"]), tuple(built["topic"]),
                  tuple(geo.locate_all(built["therapist"])), sources.files, sources.photos, tuple(built["author"]))


def _file_slug(doc: RawDoc, ctx: Ctx) -> str | None:
    slug = slugify(doc.stem)
    if not slug:
        ctx.bad("", f"the file name {PurePosixPath(doc.path).name!r} gives no usable address",
                "rename the file with letters or digits, or set 'slug:'")
        return None
    return slug


def _article(doc: RawDoc, v: dict, ctx: Ctx, sources: Sources, ok: bool) -> Article | None:
    slug = v.get("slug") or _file_slug(doc, ctx)
    image = _image_url(doc, v, ctx, sources) if v.get("image") else ""
    ok = ok and slug is not None and image is not None
    for index, author in enumerate(v.get("author", ())):
        if author not in sources.profile_slugs and author not in sources.guest_slugs:
            field = f"author[{index}]" if isinstance(doc.data.get("author"), list) else "author"
            known = sources.profile_slugs | sources.guest_slugs
            if not SLUG_RE.fullmatch(author):  # "Tom Whitfield" for tom-whitfield: say which file name is meant
                meant = slugify(author)
                close = f"did you mean '{meant}'?" if meant in known else did_you_mean(meant, known)
                ctx.bad(field, f"no therapist profile {author!r}: an author is written as the file name of a "
                        "profile, without .yaml", close if close.startswith("did") else
                        f"write the file name of a profile in therapists/ (e.g. {meant or 'ana-lima'}), or create it")
                ok = False
                continue
            close = did_you_mean(author, known)
            ctx.bad(field, f"no therapist profile {author!r} (expected therapists/{author}.yaml)",
                    close if close.startswith("did") else "create the profile, use the file name of one, or add "
                    f"a guest author who is not in the directory as content/authors/{author}.yaml")
            ok = False
    topics: dict[str, str] = {}
    for index, name in enumerate(v.get("topics", ())):
        if not slugify(name):
            ctx.bad(f"topics[{index}]", f"the topic {name!r} has no letters or digits to make an address from")
            ok = False
        topics.setdefault(slugify(name), name)
    if not ok:
        return None
    return ARTICLE.make(v, source=doc.path, slug=slug, authors=tuple(dict.fromkeys(v.get("author", ()))),
                        topics=tuple(topics), topic_names=tuple(topics.values()), image=image, body=doc.body,
                        body_line=doc.body_line, aliases=tuple(dict.fromkeys(v.get("aliases", ()))))


def _image_url(doc: RawDoc, v: dict, ctx: Ctx, sources: Sources, field: str = "image") -> str | None:
    """Resolve ``image:`` (relative to the document, or /-rooted in content/) to a site URL it must exist at."""
    image = v[field]
    base = "content" if image.startswith("/") else str(PurePosixPath(doc.path).parent)
    path = posixpath.normpath(f"{base}/{image.lstrip('/')}")
    if not path.startswith("content/") or "://" in image:
        ctx.bad(field, f"expected a picture inside the content folder, found {image!r}",
                "put the picture in content/ and give its path, e.g. /images/photo.jpg")
        return None
    if field == "image" and PurePosixPath(path).suffix.lower() not in PHOTO_SUFFIXES:
        ctx.bad(field, f"expected a .jpg, .jpeg, .png or .webp picture, found {image!r}",
                "save the picture as JPEG, PNG or WebP (it is shown in web sizes made from it)")
        return None
    if path not in sources.files:
        ctx.bad(field, f"file {path} not found", "check the spelling and the folder of the picture")
        return None
    if not v.get(f"{field}_alt"):
        ctx.bad(f"{field}_alt", f"is required when '{field}' is set",
                "describe the picture in a short sentence for people who cannot see it", at=field)
        return None
    return "/" + path[len("content/"):]


def _page(doc: RawDoc, v: dict, ctx: Ctx, sources: Sources, ok: bool) -> Page | None:
    slug = v.get("slug") or _file_slug(doc, ctx)
    if slug is None or not ok:
        return None
    return PAGE.make(v, source=doc.path, slug=slug, body=doc.body, body_line=doc.body_line)


def _topic(doc: RawDoc, v: dict, ctx: Ctx, sources: Sources, ok: bool) -> TopicNote | None:
    slug = _file_slug(doc, ctx)
    return TOPIC.make(v, source=doc.path, slug=slug, body=doc.body, body_line=doc.body_line) if slug and ok else None


def _missing_photo(folder: str, photo: str, photos: tuple[str, ...]) -> tuple[str, str]:
    """Why a photo was not found, in the words that lead to the fix: its format, or its name's capitals."""
    if PurePosixPath(photo).suffix.lower() in (".heic", ".heif"):
        return (f"{photo} is a HEIC photo (the iPhone's own format), which web browsers cannot show",
                "save it as JPEG (on the iPhone: share it and choose Save as JPEG, or Settings, Camera, Formats, "
                f"Most Compatible), put it in {folder}/ and write its name, e.g. {PurePosixPath(photo).stem}.jpg")
    same = [p for p in photos if p.lower() == f"{folder}/{photo}".lower()]
    if same:
        name = PurePosixPath(same[0]).name
        return (f"file {folder}/{photo} not found, but there is {name!r}",
                f"write the name exactly as it is, capitals included: photo: {name}")
    here = sorted(PurePosixPath(p).name for p in photos if str(PurePosixPath(p).parent) == folder)
    close = difflib.get_close_matches(photo.lower(), here, n=1, cutoff=0.75)  # "ana-lima.jpeg" for "ana-lima.jpg"
    if close:
        return (f"file {folder}/{photo} not found, but there is {close[0]!r}",
                f"if that is the photo, write its name exactly: photo: {close[0]}")
    return (f"file {folder}/{photo} not found",
            "check the spelling, or put the photo (.jpg, .png or .webp) next to the profile")


def _therapist(doc: RawDoc, v: dict, ctx: Ctx, sources: Sources, ok: bool) -> Therapist | None:
    slug = doc.stem
    if not SLUG_RE.fullmatch(slug):
        ctx.bad("", f"the file name {slug!r} is not a valid slug",
                f"rename it to {slugify(slug) or 'first-last'}.yaml (lowercase letters, digits and dashes)")
        return None
    if slug in RESERVED_THERAPIST_SLUGS:
        ctx.bad("", f"the file name {slug!r} is reserved for a directory page",
                "rename the file, e.g. to the therapist's full name")
        return None
    photo = v.get("photo", "")
    if photo:
        folder = str(PurePosixPath(doc.path).parent)
        if "/" in photo or photo.startswith("."):
            ctx.bad("photo", f"expected a file name next to the profile, found {photo!r}",
                    "put the photo in the therapists/ folder and give only its file name")
            return None
        if PurePosixPath(photo).suffix.lower() in (".heic", ".heif"):  # what an iPhone saves
            ctx.bad("photo", *_missing_photo(folder, photo, sources.photos))
            return None
        if PurePosixPath(photo).suffix.lower() not in PHOTO_SUFFIXES:
            ctx.bad("photo", f"expected a .jpg, .jpeg, .png or .webp photo, found {photo!r}",
                    "save the photo as JPEG, PNG or WebP (an SVG or GIF cannot be shown in web sizes) and give "
                    "that file's name")
            return None
        if f"{folder}/{photo}" not in sources.photos:
            ctx.bad("photo", *_missing_photo(folder, photo, sources.photos))
            return None
        if not v.get("photo_alt"):
            ctx.bad("photo_alt", "is required when 'photo' is set",
                    "describe the photo in a few words, e.g. 'Ana Lima smiling in her office'", at="photo")
            return None
    for index, name in enumerate(v.get("specialties", ())):
        if not slugify(name):
            ctx.bad(f"specialties[{index}]", f"the specialty {name!r} has no letters or digits to make a "
                    "topic address from")
            ok = False
    for index, loc in enumerate(v.get("locations", ())):
        if (loc.lat is None) != (loc.lon is None):
            given, missing = ("lat", "lon") if loc.lon is None else ("lon", "lat")
            ctx.bad(f"locations[{index}].{missing}", f"is required when '{given}' is set",
                    "give both lat and lon (e.g. lat: 32.7185, lon: -117.1593), or neither to use the ZIP code",
                    at="locations")
            ok = False
    if not ok:
        return None
    therapist = THERAPIST.make(v, source=doc.path, slug=slug)
    return therapist  # its offices are placed together with everyone's (geo.locate_all)


def _guest_author(doc: RawDoc, v: dict, ctx: Ctx, sources: Sources, ok: bool) -> GuestAuthor | None:
    slug = doc.stem
    if not SLUG_RE.fullmatch(slug):
        ctx.bad("", f"the file name {slug!r} is not a valid slug",
                f"rename it to {slugify(slug) or 'first-last'}.yaml (lowercase letters, digits and dashes)")
        return None
    if slug in sources.profile_slugs:
        ctx.bad("", f"{slug!r} is also the file name of a therapist profile (therapists/{slug}.yaml)",
                "a therapist's articles name the profile: delete this guest author, or rename one of the two")
        return None
    photo = _image_url(doc, v, ctx, sources, "photo") if v.get("photo") else ""
    if not ok or photo is None:
        return None
    return GUEST_AUTHOR.make(v, source=doc.path, slug=slug, photo=photo)


TABLES = {"article": ARTICLE, "page": PAGE, "topic": TOPIC, "therapist": THERAPIST, "author": GUEST_AUTHOR}
_MAKERS = {"article": _article, "page": _page, "topic": _topic, "therapist": _therapist,
           "author": _guest_author}


#: Fields whose values become part of an address (a folder name): the file system takes at most 255 bytes.
ADDRESS_FIELDS = {"article": ("slug", "topics"), "page": ("slug",), "therapist": (
    "specialties", "insurance", "languages", "populations", "ages", "availability", "gender", "locations.city")}
MAX_ADDRESS_NAME = 150  #: bytes of the slug made from one such value (or from a file name)


def _address_names(doc: RawDoc, values: dict, ctx: Ctx) -> bool:
    """Report a value too long to become a folder name: the build would end in the system's 'name too long'."""
    named_by_file = doc.kind in ("article", "page") and not values.get("slug")
    found = [("", doc.stem)] if named_by_file else []
    for name in ADDRESS_FIELDS.get(doc.kind, ()):
        key, _, inner = name.partition(".")
        value = values.get(key)
        items = value if isinstance(value, (list, tuple)) else () if value is None else (value,)
        for index, item in enumerate(items):
            field = f"{key}[{index}]" if isinstance(value, (list, tuple)) else key
            if inner:  # a group of fields, as a dict or already a model
                inner_value = item.get(inner, "") if isinstance(item, dict) else getattr(item, inner, "")
                found.append((f"{field}.{inner}", str(inner_value)))
            elif not inner:
                found.append((field, str(item)))
    ok = True
    for field, text in found:
        size = len(slugify(text).encode())
        if size > MAX_ADDRESS_NAME:
            what = "is too long to be part of an address" if field else "the file name is too long to be an address"
            ctx.bad(field, f"{what} ({size} characters once made into one; at most {MAX_ADDRESS_NAME})",
                    "shorten it" if field else "rename the file, or set a shorter 'slug:'")
            ok = False
    return ok


def document(doc: RawDoc, sources: Sources, problems: Collector, timezone: zoneinfo.ZoneInfo):
    """Check one raw document and build its model; None, with every problem reported, when it has mistakes."""
    values, ok = check_document(doc, TABLES[doc.kind], problems, timezone)
    ctx = Ctx(doc, problems)
    if not _address_names(doc, values, ctx):
        return None
    # The builders also check references (authors, files) on the valid values, so all is reported at once.
    return _MAKERS[doc.kind](doc, values, ctx, sources, ok)
