"""The frozen site model: what every later stage and every template reads, and nothing ever changes.

Field docstrings are the theme author's reference: templates receive exactly these objects. The attributes that
come from a source file have no defaults here: the field tables (config.py, validate.py) declare each field's
default once and build these objects with every field given. This module imports nothing of ours but the route
table, a leaf, for the ``url`` of each kind of page.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Iterator, Mapping
from urllib.parse import urlsplit

from .routes import url_for

#: The long texts of the model. A page's cache key covers those it read while it rendered (``reading``), not all
#: it was handed: editing an article's body does not make the lists that show its title again.
LONG = frozenset({"html", "body", "bio", "bio_html", "description_html", "words"})
_reads = threading.local()  # .found: the set being filled by the render running in this thread, or None


def _empty() -> Mapping:
    return MappingProxyType({})


@contextmanager
def reading() -> Iterator[set[tuple[str, str, str]]]:
    """Note what the code run inside reads of the long texts: (kind, slug, attribute) of each, e.g.
    ("Article", "wizards", "html"). Same kind and slug, same object: the keys take each from the site by them."""
    outer, found = getattr(_reads, "found", None), set()
    _reads.found = found
    try:
        yield found
    finally:
        _reads.found = outer


def note(found: set[tuple[str, str, str]]) -> None:
    """Note ``found`` as read by the code running now (inside ``reading``): what a part made earlier had read,
    when that part is shown again without being made again (render.Memo)."""
    current = getattr(_reads, "found", None)
    if current is not None:
        current |= found


class _Long:
    """A long text's slot: reading it inside ``reading`` is noted (any way a template gets there: the page's own
    object, a list of the site's, a filter or a helper it is passed to)."""

    __slots__ = ("slot", "name")

    def __init__(self, slot, name: str):
        self.slot, self.name = slot, name

    def __get__(self, obj, kind=None):
        if obj is None:
            return self
        found = getattr(_reads, "found", None)
        if found is not None:
            found.add((type(obj).__name__, obj.slug, self.name))
        return self.slot.__get__(obj, kind)

    def __set__(self, obj, value) -> None:
        self.slot.__set__(obj, value)


def _noted(cls):
    """Put a ``_Long`` over each long-text slot of a model class (a class decorator, after @dataclass)."""
    for name in LONG & set(cls.__slots__):
        setattr(cls, name, _Long(cls.__dict__[name], name))
    return cls


def _shown(method):
    """A property made from a long text but shown as a short value (the reading time on a card: the word count
    moves with every edit, the reading time rarely): reading it notes nothing, since every key covers its value
    with the light data (``shown``), so that a list is not made again for every edit of the articles on it."""

    def get(self):
        found = getattr(_reads, "found", None)
        if found is None:
            return method(self)
        _reads.found = None
        try:
            return method(self)
        finally:
            _reads.found = found

    get.__doc__, get.shown = method.__doc__, True
    return property(get)


def shown(kind: type) -> tuple[str, ...]:
    """The names of a model class's ``_shown`` properties: light data, though made from a long text."""
    return tuple(sorted(name for name, value in vars(kind).items()
                        if isinstance(value, property) and getattr(value.fget, "shown", False)))


@dataclass(frozen=True, slots=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class CrisisNumber:
    label: str  #: e.g. "Call or text"
    number: str  #: e.g. "988"
    url: str  #: tel:, sms: or https: link that reaches the line


@dataclass(frozen=True, slots=True)
class Crisis:
    text: str  #: one calm sentence shown before the numbers
    numbers: tuple[CrisisNumber, ...]
    chat_url: str  #: web chat, or "" when the line has none
    emergency: str  #: what to do in immediate danger


US_988 = Crisis(
    text="If you are in crisis or thinking about suicide, you are not alone. Help is free and confidential, "
    "24 hours a day.",
    # Texting is for those who cannot speak where they are, or cannot say it aloud: a link of its own (sms:).
    numbers=(CrisisNumber("Call or text the 988 Suicide & Crisis Lifeline:", "988", "tel:988"),
             CrisisNumber("Or send a text message to", "988", "sms:988")),
    chat_url="https://988lifeline.org/chat/",
    emergency="If you are in immediate danger, call 911 or go to the nearest emergency room.",
)


@dataclass(frozen=True, slots=True)
class Practice:
    name: str
    phone: str
    email: str
    address: str


@dataclass(frozen=True, slots=True)
class SignUp:
    """The newsletter's sign-up form, from site.yaml's ``newsletter: provider``: where it posts and what it sends."""

    provider: str  #: "buttondown", "mailchimp", "kit", "emailoctopus", "listmonk" or "form"
    name: str  #: who receives the address, as people know them: "Buttondown", or the host of a generic form
    action: str  #: the absolute https:// address the form posts to
    email_field: str  #: the name the provider expects for the email address
    fields: tuple[tuple[str, str], ...] = ()  #: hidden fields the provider needs, as (name, value)
    honeypot: str = "website"  #: a field people never see and bots fill in; the provider drops such sign-ups
    unsubscribe: str = ""  #: the provider's unsubscribe merge tag for emails ("" when it has none)

    @property
    def origin(self) -> str:
        """The provider's origin (``https://host``): the one address the security policy lets the form post to."""
        parts = urlsplit(self.action)
        return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True, slots=True)
class Editor:
    """The browser editor at /admin/: which git host keeps the site's files (site.yaml ``editor:``)."""

    backend: str  #: "github" or "gitlab"
    repo: str  #: "owner/name"
    branch: str
    base_url: str  #: the sign-in (OAuth) service; "" is Netlify's
    app_id: str  #: GitLab only: the OAuth application's id, for sign-in without a service (PKCE)


@dataclass(frozen=True, slots=True)
class Colors:
    """site.yaml's brand colours as "#rrggbb", "" where the theme's own is kept (checked for AA contrast)."""

    accent: str = ""  #: links, buttons, the focus of the design
    background: str = ""  #: the page background in light mode
    text: str = ""  #: body text in light mode


@dataclass(frozen=True, slots=True)
class Config:
    """site.yaml, checked: the only settings templates and stages read."""

    title: str
    base_url: str  #: absolute, always ending in "/"
    description: str
    language: str
    timezone: str
    practice: Practice
    newsletter_title: str  #: "" for the site's title: use newsletter_name
    newsletter_description: str  #: "" for the site's description: use newsletter_summary
    signup: SignUp | None  #: the email sign-up form; None: no list provider, feeds only
    crisis: Crisis
    articles_per_page: int
    nav: tuple[Link, ...]
    unsafe_html: bool
    example: bool  #: the fictional example site: every page says so, its example address is expected
    editor: Editor | None  #: None: no /admin/
    logo: str  #: the logo file (SVG or PNG), relative to the site folder; "" for none
    colors: Colors
    svg_icon: bool = False  #: derived from the logo file: an SVG about as wide as high is also the favicon

    @property
    def newsletter_name(self) -> str:
        """The newsletter's title, or the site's: what feeds and feed links are called."""
        return self.newsletter_title or self.title

    @property
    def newsletter_summary(self) -> str:
        """The newsletter's description, or the site's, or its title: what feeds say they are about."""
        return self.newsletter_description or self.description or self.title

    @property
    def logo_url(self) -> str:
        """Where the (resized) logo is published: /assets/logo.svg or /assets/logo.png; "" without a logo."""
        if not self.logo:
            return ""
        return "/assets/logo.svg" if self.logo.lower().endswith(".svg") else "/assets/logo.png"

    @property
    def practice_name(self) -> str:
        """The practice's name, or the site's: who the site speaks for (bylines of feeds, JSON-LD, page text)."""
        return self.practice.name or self.title

    def absolute(self, url: str) -> str:
        """Return the absolute form of a site URL such as ``/articles/x/``."""
        return self.base_url + url.lstrip("/")

    def url(self, url: str) -> str:
        """Return a site URL as a link on the page, under the base URL's path (a site may live in /clinic/)."""
        return urlsplit(self.base_url).path + url.lstrip("/")


@_noted
@dataclass(frozen=True, slots=True)
class Article:
    source: str  #: path of the Markdown file, relative to the site folder
    slug: str
    title: str
    date: datetime  #: timezone-aware publication time
    updated: datetime | None
    authors: tuple[str, ...]  #: therapist slugs
    topics: tuple[str, ...]  #: topic slugs
    topic_names: tuple[str, ...]  #: the names as written, one per slug (site.topic_index has the pages)
    summary: str
    draft: bool
    image: str  #: site URL of the image, or ""
    image_alt: str
    body: str  #: Markdown source of the body
    body_line: int
    aliases: tuple[str, ...]  #: old addresses ("/posts/title.html") that redirect to this article
    html: str = ""  #: the body as sanitized HTML
    words: int = 0

    @property
    def url(self) -> str:
        return url_for("article", slug=self.slug)

    @property
    def image_url(self) -> str:
        """Site URL of the largest web size of ``image`` (photos.py): what feeds and social sites get."""
        return f"{self.url}image.jpg" if self.image else ""

    @_shown
    def reading_minutes(self) -> int:
        return max(1, round(self.words / 200))

    @property
    def modified(self) -> datetime:
        return self.updated or self.date


@_noted
@dataclass(frozen=True, slots=True)
class Page:
    source: str
    slug: str
    title: str
    summary: str
    draft: bool
    body: str
    body_line: int
    html: str = ""

    @property
    def url(self) -> str:
        return url_for("page", slug=self.slug)


@_noted
@dataclass(frozen=True, slots=True)
class TopicNote:
    """The optional description of a topic (content/topics/<slug>.md)."""

    source: str
    slug: str
    title: str
    body: str
    body_line: int
    html: str = ""


@dataclass(frozen=True, slots=True)
class Location:
    name: str
    address: str
    city: str
    state: str
    postal_code: str
    lat: float | None  #: where the office is: from the profile, else its ZIP code's centre (geo.py); None: unknown
    lon: float | None


@dataclass(frozen=True, slots=True)
class License:
    type: str
    state: str
    number: str


@dataclass(frozen=True, slots=True)
class Fees:
    individual: float | None
    couples: float | None
    sliding_scale: bool
    currency: str


@dataclass(frozen=True, slots=True)
class Contact:
    email: str
    phone: str
    booking_url: str
    website: str


@_noted
@dataclass(frozen=True, slots=True)
class Therapist:
    source: str
    slug: str
    name: str
    credentials: tuple[str, ...]
    pronouns: str
    title: str
    photo: str  #: file name next to the profile, or ""
    photo_alt: str
    bio: str  #: Markdown
    specialties: tuple[str, ...]
    modalities: tuple[str, ...]
    populations: tuple[str, ...]
    languages: tuple[str, ...]
    insurance: tuple[str, ...]  #: empty: self-pay
    fees: Fees
    formats: tuple[str, ...]  #: "in-person", "telehealth"
    locations: tuple[Location, ...]
    telehealth_states: tuple[str, ...]
    licenses: tuple[License, ...]
    accepting_new_clients: bool
    contact: Contact
    free_consultation: int | None  #: minutes of a free first conversation; None: none offered
    session_length: int | None  #: minutes a session lasts; None: not said
    availability: tuple[str, ...]  #: "weekdays", "evenings", "weekends"
    gender: str  #: in the therapist's own words, e.g. "woman"; "" not said
    ages: tuple[str, ...]  #: "children", "teens", "adults", "older adults"
    listed: bool  #: False: kept off the site (a profile not ready yet); shown with --drafts
    former: bool  #: no longer with the practice: bylines say so; no profile, not in the directory
    bio_html: str = ""

    @property
    def url(self) -> str:
        return url_for("therapist", slug=self.slug)

    @property
    def display_name(self) -> str:
        """The name followed by credentials: "Ana Lima, PsyD"."""
        return ", ".join((self.name, *self.credentials))

    @property
    def family_name(self) -> str:
        return self.name.split()[-1] if self.name.split() else self.name

    @property
    def photo_url(self) -> str:
        """The photo's largest web size, a JPEG (for sharing and search engines); "" without a photo."""
        return url_for("therapist_photo", slug=self.slug, name="photo.jpg") if self.photo else ""


@_noted
@dataclass(frozen=True, slots=True)
class GuestAuthor:
    """Someone who writes articles but is not in the directory (content/authors/<slug>.yaml)."""

    source: str
    slug: str
    name: str
    bio: str  #: Markdown
    photo: str  #: site URL of the photo (a file in content/), or ""
    photo_alt: str
    link: str  #: their own website, or ""
    bio_html: str = ""

    @property
    def url(self) -> str:
        return f"/authors/{self.slug}/"

    @property
    def display_name(self) -> str:
        return self.name


@_noted
@dataclass(frozen=True, slots=True)
class Topic:
    slug: str
    name: str
    description_html: str
    articles: tuple[Article, ...]  #: newest first
    therapists: tuple[Therapist, ...]  #: whose specialties include this topic

    @property
    def url(self) -> str:
        return url_for("topic", slug=self.slug)


@dataclass(frozen=True, slots=True)
class FacetValue:
    """One choice of a directory filter ("language: Spanish") and exactly the therapists it matches."""

    facet: str  #: the facet's name: "specialty", "language", ... "accepting", "sliding-scale"
    slug: str  #: the value in URLs and the query string: "spanish"
    name: str  #: the value as people read it: "Spanish", "California (CA)", "Telehealth (online)"
    title: str  #: the heading of its page: "Therapists who speak Spanish"
    therapists: tuple[Therapist, ...]  #: in directory order

    @property
    def url(self) -> str:
        return url_for("facet_value", facet=self.facet, value=self.slug)


@dataclass(frozen=True, slots=True)
class Facet:
    """A filter of the directory: its values in a stable order, each with its own page."""

    name: str  #: "specialty", "language", "insurance", "state", "format", "population", ...
    label: str  #: the form label: "Language"
    values: tuple[FacetValue, ...]  #: by name; yes/no facets have the single value "yes"

    @property
    def url(self) -> str:
        return url_for("facet", facet=self.name)


@dataclass(frozen=True, slots=True)
class Models:
    """Validated documents, before they are joined into a site."""

    articles: tuple[Article, ...]
    pages: tuple[Page, ...]
    notes: tuple[TopicNote, ...]
    therapists: tuple[Therapist, ...]
    files: tuple[str, ...]  #: other files under content/, copied as they are
    photos: tuple[str, ...]
    authors: tuple[GuestAuthor, ...] = ()


@dataclass(frozen=True, slots=True)
class Site:
    """The whole site, joined and checked: routes are unique, references resolve."""

    config: Config
    now: datetime  #: the build's "now" (SOURCE_DATE_EPOCH or the clock)
    articles: tuple[Article, ...]  #: published (or all, with --drafts), newest first
    pages: tuple[Page, ...]
    topics: tuple[Topic, ...]  #: by name
    therapists: tuple[Therapist, ...]  #: accepting first, then by family name
    files: tuple[str, ...]
    photos: tuple[str, ...]
    #: articles dated after ``now`` (no drafts), soonest first: left out until then (none with --drafts)
    scheduled: tuple[Article, ...]
    therapist_index: Mapping[str, Therapist]  #: by slug, the therapists with a profile page
    topic_index: Mapping[str, Topic]  #: by slug, for an article's topic links
    drafts: tuple[Article, ...] = ()  #: articles marked draft, left out (none with --drafts, which publishes them)
    facets: tuple[Facet, ...] = ()  #: the directory's filters, in form order
    related: Mapping[str, tuple[Article, ...]] = field(default_factory=_empty)  #: by slug: up to 3 sharing topics
    older: Mapping[str, Article] = field(default_factory=_empty)  #: by slug: the article published just before
    newer: Mapping[str, Article] = field(default_factory=_empty)  #: by slug: the article published just after
    guest_authors: tuple[GuestAuthor, ...] = ()  #: by slug: writers who are not in the directory
    #: by slug, for bylines: every therapist (listed or not, former too) and guest author
    author_index: Mapping[str, Therapist | GuestAuthor] = field(default_factory=_empty)
    written_by: Mapping[str, tuple[Article, ...]] = field(default_factory=_empty)  #: by author slug, newest first

    @property
    def next_change(self) -> datetime | None:
        """When the next scheduled article comes out, changing the site with no source edited."""
        return self.scheduled[0].date if self.scheduled else None

    def profile(self, slug: str) -> Therapist | GuestAuthor | None:
        """The therapist whose profile page is published, for a byline link; None: name the author unlinked."""
        if slug in self.therapist_index or any(guest.slug == slug for guest in self.guest_authors):
            return self.author_index[slug]
        return None

    @property
    def updated(self) -> datetime:
        """The newest publication or update time: the feeds' build date, stable between builds."""
        return max((a.modified for a in self.articles), default=self.now)
