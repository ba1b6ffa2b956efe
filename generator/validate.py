"""Validate stage: raw documents -> models, through declared field tables.

Every document is checked, each problem reported with file, line and field; nothing stops at the first.
References between documents (authors, topics, routes) are checked later, in site.py, once all are known.
"""
from __future__ import annotations

import posixpath
import re
import zoneinfo
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from .errors import Collector, did_you_mean
from .load import RawDoc, Sources
from .models import (Article, Config, Contact, Fees, GuestAuthor, License, Location, Models, Page, Therapist,
                     TopicNote)
from .schema import (INVALID, Bool, Choice, Ctx, Date, Email, Fields, ListOf, Markdown, Number, Picture, Ref, Text,
                     Url, check_document)
from .slugs import SLUG_RE, slugify

STATE_RE = re.compile(r"[A-Z]{2}")
FACETS = ("specialty", "language", "insurance", "state", "format", "population", "accepting", "sliding-scale")
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


SLUG = Text(SLUG_RE, "a slug of lowercase letters, digits and dashes, like my-first-article")
STATE = Text(STATE_RE, "a two-letter state code like CA", "write the state's postal code in capitals, e.g. CA")
NAMES = ListOf(Text(), "[First, Second]")

ARTICLE = Fields(
    {
        "title": Text(),
        "date": Date(),
        "author": OneOrMany(Ref("therapist", SLUG_RE, "the slug of a therapist profile (its file name without .yaml)")),
        "topics": ListOf(Text(), "[Trauma, Anxiety]"),
        "summary": Text(),
        "updated": Date(),
        "draft": Bool(),
        "slug": SLUG,
        "image": Picture(),
        "image_alt": Text(),
        "aliases": ListOf(Alias(), "[/posts/my-title.html, /2019/05/my-title/]"),
    },
    required=("title", "date"),
)
PAGE = Fields({"title": Text(), "summary": Text(), "slug": SLUG, "draft": Bool()}, required=("title",))
TOPIC = Fields({"title": Text()}, required=("title",))
GUEST_AUTHOR = Fields(
    {"name": Text(), "bio": Text(), "photo": Picture(), "photo_alt": Text(), "link": Url()},
    required=("name",),
)
THERAPIST = Fields(
    {
        "name": Text(),
        "credentials": NAMES,
        "pronouns": Text(),
        "title": Text(),
        "photo": Picture(),
        "photo_alt": Text(),
        "bio": Markdown(),
        "specialties": ListOf(Text(), "[Trauma, Anxiety]"),
        "modalities": NAMES,
        "populations": NAMES,
        "languages": ListOf(Text(), "[English, Spanish]"),
        "insurance": NAMES,
        "fees": Fields({"individual": Number(), "couples": Number(), "sliding_scale": Bool(),
                        "currency": Text(re.compile(r"[A-Z]{3}"), "a currency code like USD")},
                       example="individual: 150, sliding_scale: true"),
        "formats": ListOf(Choice("in-person", "telehealth"), "[in-person, telehealth]"),
        "locations": ListOf(Fields({"name": Text(), "address": Text(), "city": Text(), "state": STATE,
                                    "postal_code": Text()}, required=("city", "state")),
                            "[{name: Downtown, address: '1 Main St', city: San Diego, state: CA}]"),
        "telehealth_states": ListOf(STATE, "[CA, NV]"),
        "licenses": ListOf(Fields({"type": Text(), "state": STATE, "number": Text()},
                                  required=("type", "state", "number")),
                           "[{type: Psychologist, state: CA, number: 'PSY 12345'}]"),
        "accepting_new_clients": Bool(),
        "contact": Fields({"email": Email(), "phone": Text(), "booking_url": Url(), "website": Url()}),
        "listed": Bool(),
        "former": Bool(),
    },
    required=("name",),
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
                  tuple(built["therapist"]), sources.files, sources.photos, tuple(built["author"]))


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
            close = did_you_mean(author, sources.profile_slugs | sources.guest_slugs)
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
    return Article(
        source=doc.path, slug=slug, title=v["title"], date=v["date"], updated=v.get("updated"),
        authors=tuple(dict.fromkeys(v.get("author", ()))),
        topics=tuple(topics), topic_names=tuple(topics.values()),
        summary=v.get("summary", ""), draft=v.get("draft", False), image=image,
        image_alt=v.get("image_alt", ""), body=doc.body, body_line=doc.body_line,
        aliases=tuple(dict.fromkeys(v.get("aliases", ()))),
    )


def _image_url(doc: RawDoc, v: dict, ctx: Ctx, sources: Sources, field: str = "image") -> str | None:
    """Resolve ``image:`` (relative to the document, or /-rooted in content/) to a site URL it must exist at."""
    image = v[field]
    base = "content" if image.startswith("/") else str(PurePosixPath(doc.path).parent)
    path = posixpath.normpath(f"{base}/{image.lstrip('/')}")
    if not path.startswith("content/") or "://" in image:
        ctx.bad(field, f"expected a picture inside the content folder, found {image!r}",
                "put the picture in content/ and give its path, e.g. /images/photo.jpg")
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
    return Page(doc.path, slug, v["title"], v.get("summary", ""), v.get("draft", False), doc.body, doc.body_line)


def _topic(doc: RawDoc, v: dict, ctx: Ctx, sources: Sources, ok: bool) -> TopicNote | None:
    slug = _file_slug(doc, ctx)
    return TopicNote(doc.path, slug, v["title"], doc.body, doc.body_line) if slug and ok else None


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
        if f"{folder}/{photo}" not in sources.photos:
            ctx.bad("photo", f"file {folder}/{photo} not found",
                    "check the spelling, or put the photo (.jpg, .png or .webp) next to the profile")
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
    if not ok:
        return None
    fees = v.get("fees", {})
    contact = v.get("contact", {})
    return Therapist(
        source=doc.path, slug=slug, name=v["name"], credentials=v.get("credentials", ()),
        pronouns=v.get("pronouns", ""), title=v.get("title", ""), photo=photo, photo_alt=v.get("photo_alt", ""),
        bio=v.get("bio", ""), specialties=v.get("specialties", ()), modalities=v.get("modalities", ()),
        populations=v.get("populations", ()), languages=v.get("languages", ()), insurance=v.get("insurance", ()),
        fees=Fees(**fees), formats=v.get("formats", ()),
        locations=tuple(Location(**loc) for loc in v.get("locations", ())),
        telehealth_states=v.get("telehealth_states", ()),
        licenses=tuple(License(**lic) for lic in v.get("licenses", ())),
        accepting_new_clients=v.get("accepting_new_clients", False), contact=Contact(**contact),
        listed=v.get("listed", True), former=v.get("former", False),
    )


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
    return GuestAuthor(doc.path, slug, v["name"], bio=v.get("bio", ""), photo=photo,
                       photo_alt=v.get("photo_alt", ""), link=v.get("link", ""))


TABLES = {"article": ARTICLE, "page": PAGE, "topic": TOPIC, "therapist": THERAPIST, "author": GUEST_AUTHOR}
_MAKERS = {"article": _article, "page": _page, "topic": _topic, "therapist": _therapist,
           "author": _guest_author}


def document(doc: RawDoc, sources: Sources, problems: Collector, timezone: zoneinfo.ZoneInfo):
    """Check one raw document and build its model; None, with every problem reported, when it has mistakes."""
    values, ok = check_document(doc, TABLES[doc.kind], problems, timezone)
    # The builders also check references (authors, files) on the valid values, so all is reported at once.
    return _MAKERS[doc.kind](doc, values, Ctx(doc, problems), sources, ok)
