"""Photos (part of the render stage): each therapist's ``photo:`` and each article's ``image:`` -> web sizes in
WebP and JPEG, cached.

Input: the site's therapists and articles, and the source folder. Output: a ``Picture`` per therapist with a photo, which is
what the profile's ``<picture>`` needs (the sizes, their addresses, width and height), and the image files for
the output folder, served beside the profile: ``/therapists/<slug>/photo-<width>.webp|jpg`` for the smaller
sizes and ``photo.webp`` / ``photo.jpg`` for the largest, the one shared with search engines and social sites.
An article's image is served beside the article the same way: ``/articles/<slug>/image-<width>.webp|jpg`` and
``image.webp`` / ``image.jpg`` (the one feeds and social sites get).

A photo is never enlarged: a small one gets fewer sizes. Metadata is dropped (a phone's EXIF can carry the GPS
position of where the picture was taken; a PNG's text chunks and a JPEG's comments anything): the orientation is
applied first, the colour profile kept, nothing else. Limits (docs/security.md): at most images.MAX_PIXELS pixels,
at most MAX_RATIO times as long as wide (a 1 × 20,000 strip would be 16 million pixels tall at 800 wide).

Encoding is the slow part, so each file is kept under ``<source>/.cache/photos/<key>/`` (not with --no-cache),
the key being a hash of the photo's bytes and of the recipe (sizes, qualities, Pillow's version): a changed photo
or recipe gets a new key, so a cached file is always the one a cold build would make. Each size is one output of
its own, made on whichever core is free.
"""
from __future__ import annotations

import hashlib
import io
import re
import struct
import warnings
from dataclasses import dataclass
from functools import partial
from html import escape, unescape
from pathlib import Path
from typing import Callable, Iterator, Mapping
from urllib.parse import unquote, urlsplit

from PIL import Image, ImageOps, UnidentifiedImageError
from PIL import __version__ as PILLOW

from .cache import notice
from .errors import Problem, SiteError
from .files import write_atomic
from .images import MAX_PIXELS
from .lint import line_of
from .markup import IMG  # an <img> tag, as the Markdown stage finds them
from .models import Site

WIDTHS = (200, 400, 800)  #: shown 10rem wide (layouts/photo.html): 1x, 2x, and the largest for sharing
ARTICLE_WIDTHS = (480, 960, 1600)  #: shown at most 40rem wide (site.css): phones, 1x, 2x and sharing
ARTICLE_BUDGET = 400_000
MAX_RATIO = 10  #: the longer side at most this many times the shorter
PHOTO_FORMATS = ".jpg, .jpeg, .png or .webp"
JPEG_QUALITY = 82
WEBP_QUALITY = 80
BUDGET = 195_000  #: bytes: a file larger than this is encoded again at a lower quality (down to MIN_QUALITY)
MIN_QUALITY = 50
BACKGROUND = (255, 255, 255)  #: what a transparent photo sits on in the JPEG, which has no transparency
RECIPE = (f"widths={WIDTHS} {ARTICLE_WIDTHS}/{ARTICLE_BUDGET} ratio={MAX_RATIO} jpeg={JPEG_QUALITY} "
          f"webp={WEBP_QUALITY} budget={BUDGET}/{MIN_QUALITY} bg={BACKGROUND} pillow={PILLOW} v2").encode()


@dataclass(frozen=True, slots=True)
class Size:
    """One web size of a photo, in both formats."""

    width: int
    height: int
    webp: str  #: site URL of the WebP file
    jpeg: str  #: site URL of the JPEG file


@dataclass(frozen=True, slots=True)
class Picture:
    """A therapist's photo as the profile shows it: templates read ``sizes``, ``fallback`` and ``alt``."""

    slug: str
    source: Path  #: the original file
    key: str  #: hash of the original's bytes and the recipe: names the cache folder
    sizes: tuple[Size, ...]  #: smallest first; the last is the largest (photo.webp / photo.jpg)
    alt: str
    budget: int = BUDGET  #: bytes a size may take before it is encoded again at a lower quality

    @property
    def fallback(self) -> Size:
        """The size an old browser gets from ``<img src>``: the one for ordinary screens."""
        return self.sizes[min(1, len(self.sizes) - 1)]

    @property
    def largest(self) -> Size:
        return self.sizes[-1]


Remember = Callable[[Path, str, Callable[[bytes], object], Callable[[object], bool]], object]


def read_now(file: Path, what: str, compute: Callable[[bytes], object], valid: Callable[[object], bool]) -> object:
    """What ``compute`` gives of the file's bytes, read now: the ``Remember`` of a build without a cache."""
    return compute(file.read_bytes())


def prepare(site: Site, source: Path, remembered: Remember = read_now) -> Mapping[str, Picture]:
    """Read every therapist's photo and article's image (header only) and plan its sizes; raise one SiteError for
    unreadable ones. Keys: a therapist's slug, an article's URL. ``remembered``: the cache's memo of what a file's
    bytes gave while the file is unchanged (cache.Cache.remembered), so an unchanged photo is not read again."""
    pictures: dict[str, Picture] = {}
    problems: list[Problem] = []
    wanted = [(t.slug, t.source, "photo", f"therapists/{t.photo}", f"/therapists/{t.slug}/", "photo", WIDTHS,
               BUDGET, t.photo_alt) for t in site.therapists if t.photo]
    wanted += [(a.url, a.source, "image", f"content{a.image}", a.url, "image", ARTICLE_WIDTHS, ARTICLE_BUDGET,
                a.image_alt) for a in site.articles if a.image]
    for key, owner, field, rel, folder, name, widths, budget, alt in wanted:
        file = source / rel
        try:
            digest, width, height = remembered(file, "picture", _header, _is_header)
            if max(width, height) > MAX_RATIO * min(width, height):
                raise ValueError(f"it is {width:,} × {height:,} pixels: too tall or too wide to show (the longer "
                                 f"side may be at most {MAX_RATIO} times the shorter)")
        except (OSError, SyntaxError, ValueError, struct.error, Image.DecompressionBombError,
                Image.DecompressionBombWarning) as exc:  # what Pillow raises for files that are no picture
            problems.append(Problem(owner, line_of(source, owner, field), field,
                                    f"cannot read {rel} as a picture: {_describe(exc)}",
                                    f"save it again as {PHOTO_FORMATS}, cropped to a usual shape, under "
                                    f"{MAX_PIXELS // 1_000_000} million pixels, and build again"))
            continue
        pictures[key] = Picture(key, file, digest, _sizes(folder, name, widths, width, height), alt, budget)
    if problems:
        raise SiteError(problems)
    return pictures


SRC = re.compile(r'\ssrc="([^"]*)"')
#: How wide site.css shows a picture in an article's text: the column (--measure), or the screen less main's padding.
TEXT_SIZES = "(min-width: 44rem) 42rem, calc(100vw - 2rem)"


def in_text(site: Site, source: Path, remembered: Remember = read_now) -> dict[str, Picture]:
    """Every picture of content/ that an article or page shows in its text, by its site URL ("/images/beach.jpg").
    A JPEG photo gets web sizes beside it ("/images/beach.960w.jpg", and WebP) that ``sized`` offers instead: a
    phone's 4,000 px photo is several megabytes, a visitor's phone needs 480 or 960 px. A PNG or WebP is often a
    drawing or a screenshot, which a photo's compression would blur, and a GIF may move: each is shown as it is,
    with its size (its Picture has one Size, the file itself; only the page shows it, so its key is its size).
    A file that cannot be read is left alone (images.py checks them)."""
    prefix = urlsplit(site.config.base_url).path
    content = (source / "content").resolve()
    found: dict[str, Picture] = {}
    for html in [a.html for a in site.articles] + [p.html for p in site.pages]:
        for src in dict.fromkeys(unescape(m.group(1)) for tag in IMG.findall(html) if (m := SRC.search(tag))):
            url = "/" + src[len(prefix):] if src.startswith(prefix) and "//" not in src else ""
            if not url or url in found or not url.lower().endswith((".jpg", ".jpeg", ".png", ".webp", ".gif")):
                continue
            file = (content / unquote(url).lstrip("/")).resolve()
            if not file.is_relative_to(content):
                continue
            try:
                if not url.lower().endswith((".jpg", ".jpeg")):  # published as it is (images.clean turns only JPEGs)
                    found[url] = Picture(url, file, "", (Size(*image_size(file), url, url),), "", ARTICLE_BUDGET)
                    continue
                digest, width, height = remembered(file, "picture", _header, _is_header)
            except (OSError, SyntaxError, ValueError, struct.error, Image.DecompressionBombError,
                    Image.DecompressionBombWarning):
                continue
            if max(width, height) > MAX_RATIO * min(width, height):
                continue
            stem = url.rsplit(".", 1)[0]
            widths = sorted({min(w, width) for w in ARTICLE_WIDTHS})
            sizes = tuple(Size(w, max(1, round(height * w / width)), f"{stem}.{w}w.webp", f"{stem}.{w}w.jpg")
                          for w in widths)
            found[url] = Picture(url, file, digest, sizes, "", ARTICLE_BUDGET)
    return found


def as_is(picture: Picture) -> bool:
    """Whether a picture of ``in_text`` is shown as its own file (a PNG, WebP or GIF), with no web sizes to make."""
    return picture.sizes[0].jpeg == picture.slug


def sized(html: str, pictures: Mapping[str, Picture], url: Callable[[str], str]) -> str:
    """The text's HTML with each picture of ``in_text`` given its width and height (the text does not jump when it
    arrives) and, after the first, which may be on the first screen, loaded only when it comes near; a photo is
    offered in its web sizes (a <picture> with WebP and JPEG srcsets). A tag that sets its own width or height
    (raw HTML) is the writer's and stays as it is."""
    prefix = url("/")
    shown = []  # the pictures done so far: the first may be on the first screen, so it is not loaded lazily

    def one(match: re.Match) -> str:
        tag = match.group(0)
        src = SRC.search(tag)
        path = unescape(src.group(1)) if src else ""
        picture = pictures.get("/" + path[len(prefix):]) if path.startswith(prefix) else None
        if picture is None or picture.slug.endswith("/") or re.search(r"\s(width|height)=", tag, re.I):
            return tag
        rest = (tag[:src.start()] + tag[src.end():])[4:].rstrip(">").rstrip("/").strip()
        fallback = picture.fallback
        lazy = ' loading="lazy"' if shown else ""
        shown.append(picture)

        def img(srcset: str = "") -> str:
            return (f'<img src="{escape(url(fallback.jpeg))}"{srcset} width="{fallback.width}" '
                    f'height="{fallback.height}"{lazy} decoding="async"{" " + rest if rest else ""}>')

        if as_is(picture):
            return img()
        webp = ", ".join(f"{escape(url(s.webp))} {s.width}w" for s in picture.sizes)
        jpeg = ", ".join(f"{escape(url(s.jpeg))} {s.width}w" for s in picture.sizes)
        srcset = f' sizes="{TEXT_SIZES}" srcset="{jpeg}"'
        return f'<picture><source type="image/webp" sizes="{TEXT_SIZES}" srcset="{webp}">{img(srcset)}</picture>'

    return IMG.sub(one, html) if "<img" in html or "<IMG" in html else html


def _describe(exc: Exception) -> str:
    """Say why a file is no usable picture in words, never Pillow's (which name a BytesIO object)."""
    if isinstance(exc, UnidentifiedImageError):
        return f"it is not a picture in a format that can be read ({PHOTO_FORMATS})"
    if isinstance(exc, (Image.DecompressionBombError, Image.DecompressionBombWarning)):
        return f"it has more than {MAX_PIXELS // 1_000_000} million pixels"
    if isinstance(exc, FileNotFoundError):
        return "the file is not there"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc) or type(exc).__name__


def _header(data: bytes) -> tuple[str, int, int]:
    """What planning needs of a photo's bytes: the digest its web sizes are kept under, and its upright size."""
    return (hashlib.sha256(RECIPE + b"\0" + data).hexdigest()[:32], *_upright_size(data))


def _is_header(value) -> bool:
    return isinstance(value, tuple) and len(value) == 3 and isinstance(value[0], str) and all(
        type(n) is int for n in value[1:])


def plan(pictures: Mapping[str, Picture], cache: Path | None,
         remembered: Remember = read_now) -> Iterator[tuple[str, Callable[[], bytes], str]]:
    """Describe every web size of every photo: (output path, how to make it, the key its bytes depend on).

    A kept file whose bytes do not match the checksum kept beside it is damaged: it goes, and is encoded again.
    One found whole is not read again while it stays as it was (``remembered``)."""
    for slug in sorted(pictures):
        picture = pictures[slug]
        if slug.startswith("/") and as_is(picture):  # a drawing in a text: published as the file it is
            continue
        for size in picture.sizes:
            for url in (size.webp, size.jpeg):
                name = url.rsplit("/", 1)[1]
                if cache is not None:
                    _check_kept(cache / picture.key / name, remembered)
                yield url.lstrip("/"), partial(make, picture, name, cache), picture.key


def _check_kept(kept: Path, remembered: Remember = read_now) -> None:
    try:
        kept.stat()
    except FileNotFoundError:
        return  # not encoded yet
    except OSError:
        pass  # unreadable: found damaged below, and removed
    try:  # remembered while both files stay as they were: the checksum file is part of the cache too
        beside = kept.with_name(kept.name + ".sum").stat()
        good = remembered(kept, f"kept {beside.st_ino} {beside.st_size} {beside.st_mtime_ns} {beside.st_ctime_ns}",
                          partial(_matches_sum, kept), lambda value: value is True)
    except OSError:
        good = False
    if not good:
        notice(kept)
        for file in (kept, kept.with_name(kept.name + ".sum")):
            file.unlink(missing_ok=True)


def _matches_sum(kept: Path, data: bytes) -> bool:
    try:
        return kept.with_name(kept.name + ".sum").read_text() == _checksum(data)
    except (OSError, UnicodeDecodeError):
        return False


def _checksum(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def make(picture: Picture, name: str, cache: Path | None) -> bytes:
    """Return the bytes of one web size (``photo-200.webp``...), from the cache or encoded now and kept there."""
    kept = cache / picture.key / name if cache is not None else None
    if kept is not None and kept.is_file():
        return kept.read_bytes()
    size = next(s for s in picture.sizes if name in (s.webp.rsplit("/", 1)[1], s.jpeg.rsplit("/", 1)[1]))
    data = _encode(picture, size, "WEBP" if name.endswith(".webp") else "JPEG")
    if kept is not None:
        kept.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(kept.with_name(name + ".sum"), _checksum(data).encode())  # first: a file without one is damaged
        write_atomic(kept, data)  # whole or not at all, also when two builds store it at once
    return data


def _sizes(folder: str, stem: str, wanted: tuple[int, ...], width: int, height: int) -> tuple[Size, ...]:
    widths = sorted({min(w, width) for w in wanted})
    sizes = []
    for w in widths:
        name = stem if w == widths[-1] else f"{stem}-{w}"
        sizes.append(Size(w, max(1, round(height * w / width)), f"{folder}{name}.webp", f"{folder}{name}.jpg"))
    return tuple(sizes)


def _upright_size(data: bytes) -> tuple[int, int]:
    """Return (width, height) as the photo is meant to be seen, after its EXIF orientation; check the file."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)  # a 100-megapixel "photo" is a mistake
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("JPEG", "MPO", "PNG", "WEBP"):
                raise ValueError(f"it is a {image.format} picture; photos and article images must be "
                                 f"{PHOTO_FORMATS}")
            if image.width * image.height > MAX_PIXELS:
                raise Image.DecompressionBombError(MAX_PIXELS)
            image.verify()  # checks the structure (PNG checksums, truncated headers) without decoding pixels
        with Image.open(io.BytesIO(data)) as image:  # verify() leaves the image unusable: open it again
            width, height = image.size
            orientation = image.getexif().get(0x0112, 1)
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def _encode(picture: Picture, size: Size, fmt: str) -> bytes:
    """Encode one size of the photo in one format."""
    try:
        with Image.open(picture.source) as opened:
            image = ImageOps.exif_transpose(opened)
            icc = opened.info.get("icc_profile")
            image.load()
    except (OSError, ValueError) as exc:  # verify() passed, yet the pixels cannot be decoded: a truncated file
        raise SiteError([Problem(_relative(picture.source), 0, "", f"cannot decode the picture ({_describe(exc)})",
                                 "save the picture again and build again")]) from None
    image.info = {}  # comments, text chunks, XMP: Pillow would write some of them into the new file
    if image.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):  # 16-bit grey: scale down, or it turns white
        image = image.point(lambda value: value * (1 / 256)).convert("L") if image.mode == "I" else \
            image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    elif image.mode == "F":
        image = image.convert("L")
    alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    image = image.convert("RGBA" if alpha else "RGB")
    if image.width != size.width:
        image = image.resize((size.width, size.height), Image.Resampling.LANCZOS)
    extra = {"icc_profile": icc} if icc else {}
    if fmt == "JPEG" and alpha:  # JPEG has no transparency: the photo sits on a plain background
        flat = Image.new("RGB", image.size, BACKGROUND)
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    quality = WEBP_QUALITY if fmt == "WEBP" else JPEG_QUALITY
    while True:  # a grainy photo can be large at the usual quality: lower it until the file fits the budget
        buffer = io.BytesIO()
        if fmt == "WEBP":
            image.save(buffer, "WEBP", quality=quality, method=6, **extra)
        else:
            image.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True, **extra)
        if buffer.tell() <= picture.budget or quality <= MIN_QUALITY:
            return buffer.getvalue()
        quality = max(MIN_QUALITY, quality - 8)


def image_size(file: Path) -> tuple[int, int]:
    """Return an image file's (width, height) from its header, without decoding it (the email issue sizes images)."""
    with Image.open(file) as image:
        return image.size


def _relative(file: Path) -> str:
    """The picture's path as reports name it: from the folder that holds content/ or therapists/."""
    parts = file.parts
    for index in range(len(parts) - 1, -1, -1):
        if parts[index] in ("content", "therapists"):
            return "/".join(parts[index:])
    return file.name
