"""Icons (part of the render stage): the logo, or the practice's initials -> favicon, app icons, manifest, share
image.

Input: the Site (its logo file, colours and name) and the source folder. Output: (path, how to make its bytes,
what else the bytes depend on) for /favicon.ico, /apple-touch-icon.png, /assets/icon-*.png, /site.webmanifest,
the default social-share image /assets/social.png, the resized logo and /assets/brand.css. Every page links them,
so a browser never asks for a favicon that is not there.

A PNG logo is resized for every icon. An SVG logo is shown as it is (after checking it can run nothing and load
nothing) and is the SVG favicon modern browsers prefer; the raster icons (favicon.ico, home-screen icons, the
share image) are then drawn from the initials, because rasterizing SVG needs a native library (cairo) that a
practice's Windows or macOS machine may not have. All images are made fresh, so they carry no metadata.
"""
from __future__ import annotations

import io
import json
import re
from functools import partial
from pathlib import Path
from typing import Callable, Iterator

from PIL import Image, UnidentifiedImageError

from . import colors, images
from .files import digest
from .models import Site

RASTER = ".png"
VECTOR = ".svg"
LOGO_HEIGHT = 96  # pixels: twice the 3rem the header shows, for sharp high-density screens
ICO_SIZES = ((16, 16), (32, 32), (48, 48))
PNG_ICONS = {"apple-touch-icon.png": 180, "assets/icon-144.png": 144, "assets/icon-192.png": 192,
             "assets/icon-512.png": 512}
SOCIAL = "assets/social.png"
SOCIAL_SIZE = (1200, 630)
SMALL_WORDS = {"a", "an", "and", "at", "for", "in", "of", "on", "the", "to", "&"}


def check_logo(source: Path, rel: str) -> tuple[str, str] | None:
    """Return (message, hint) when ``rel`` (relative to the site folder) cannot be the site's logo."""
    file = source / rel
    if rel.startswith(("/", "..")) or "/../" in rel or not file.resolve().is_relative_to(source.resolve()):
        return (f"expected a file inside the site folder, found {rel!r}",
                "put the logo next to site.yaml and write its file name, e.g. logo: logo.svg")
    if not file.is_file():
        folder = file.parent
        same = [p.name for p in sorted(folder.iterdir())] if folder.is_dir() else []
        close = [name for name in same if name.lower() == file.name.lower()]
        hint = (f"the file is called {close[0]!r}: write the name exactly as it is, capitals included" if close
                else "check the spelling, and put the logo next to site.yaml")
        return f"file {rel} not found", hint
    suffix = file.suffix.lower()
    if suffix not in (RASTER, VECTOR):
        return (f"expected an SVG or PNG picture, found a {file.suffix} file",
                "save the logo as PNG (with a transparent background) or SVG, and write that file's name")
    if suffix == VECTOR:
        text = file.read_bytes().decode("utf-8", errors="replace")
        if "<svg" not in text:
            return "is not an SVG picture (no <svg> element in it)", "export the logo again as SVG, or use a PNG"
        danger = images.svg_danger(text)
        if danger:
            return (f"the SVG logo contains {danger[1]}, which a web page must not run or load",
                    "export it again as a plain SVG (e.g. Inkscape: Save As, Optimized SVG), or use a PNG")
        return None
    try:
        with Image.open(file) as image:
            image.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return "cannot be read as a PNG picture", "export the logo again as PNG"
    return None


def square_svg(data: bytes) -> bool:
    """Whether an SVG is about as wide as it is high (its viewBox, else its width and height), so it can be an icon."""
    text = data.decode("utf-8", errors="replace")
    box = re.search(r"""viewBox\s*=\s*["']\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)""", text)
    size = box or re.search(r"""<svg[^>]*?\swidth\s*=\s*["']([\d.]+)[^>]*?\sheight\s*=\s*["']([\d.]+)""", text)
    try:
        width, height = float(size.group(1)), float(size.group(2))
    except (AttributeError, ValueError):
        return False
    return height > 0 and 0.8 <= width / height <= 1.25


def initials(name: str) -> str:
    """'Riverside Counseling' -> 'RC'; 'The Center for Calm' -> 'CC'; one word gives one letter."""
    words = [w for w in re.findall(r"[^\W\d_]+", name) if w.lower() not in SMALL_WORDS] or name.split() or ["?"]
    return "".join(word[0] for word in words[:2]).upper()


def plan(site: Site, source: Path) -> Iterator[tuple[str, Callable[[], bytes], str]]:
    """Describe every brand output: (path, how to make it, a digest of the logo's bytes for the cache)."""
    config = site.config
    logo = source / config.logo if config.logo else None
    data = logo.read_bytes() if logo else b""
    key = digest(config.logo, data)
    vector = bool(logo) and logo.suffix.lower() == VECTOR
    picture = data if logo and not vector else b""  # the raster icons come from a PNG logo, else from initials
    if config.colors.accent or config.colors.background or config.colors.text:
        c = config.colors
        yield "assets/brand.css", partial(_text, colors.stylesheet(c.accent, c.background, c.text)), key
    if logo:
        # An SVG is published without its comments and metadata (images.py), as every picture is.
        shown = partial(images.clean, logo, config.logo) if vector else partial(_logo, data)
        yield config.logo_url.lstrip("/"), shown, key
        if config.svg_icon:
            yield "favicon.svg", shown, key
    tile = _Tile(initials(config.practice_name), config.colors.accent or colors.LIGHT["accent"],
                 config.colors.background or colors.LIGHT["bg"], config.colors.text or colors.LIGHT["text"])
    yield "favicon.ico", partial(_ico, picture, tile), key
    for path, size in PNG_ICONS.items():
        yield path, partial(_png_icon, picture, tile, size, path == "apple-touch-icon.png"), key
    yield SOCIAL, partial(_social, picture, tile, config.title), key
    yield "site.webmanifest", partial(manifest, site), key


def manifest(site: Site) -> bytes:
    """The web app manifest: the name and icons a phone uses when someone adds the site to its home screen."""
    config = site.config
    data = {
        "name": config.title,
        "short_name": config.practice_name if len(config.practice_name) <= 12 else initials(config.practice_name),
        "start_url": config.url("/"),
        "display": "browser",
        "background_color": config.colors.background or colors.LIGHT["bg"],
        "theme_color": config.colors.accent or colors.LIGHT["accent"],
        "icons": [{"src": config.url(f"/{path}"), "sizes": f"{size}x{size}", "type": "image/png"}
                  for path, size in PNG_ICONS.items() if path.startswith("assets/icon-") and size >= 192],
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()


class _Tile:
    """The initials on the accent colour: the icon of a practice without a (raster) logo."""

    def __init__(self, letters: str, accent: str, background: str, text: str):
        self.letters, self.accent, self.background, self.text = letters, accent, background, text

    def draw(self, size: int, rounded: bool = True) -> Image.Image:
        from PIL import ImageDraw, ImageFont  # only when an icon is drawn: importing them costs 20 ms a build

        image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
        pen = ImageDraw.Draw(image)
        pen.rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 6 if rounded else 0, fill=self.accent)
        font = ImageFont.load_default(size=max(8, int(size * (0.5 if len(self.letters) > 1 else 0.62))))
        pen.text((size / 2, size / 2), self.letters, font=font, fill=colors.on_accent(self.accent), anchor="mm")
        return image


def _text(text: str) -> bytes:
    return text.encode()


def _open(picture: bytes) -> Image.Image:
    with Image.open(io.BytesIO(picture)) as image:
        return image.convert("RGBA")


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")  # a new image: no EXIF, text chunks or other metadata of the original
    return out.getvalue()


def _logo(picture: bytes) -> bytes:
    image = _open(picture)
    if image.height > LOGO_HEIGHT:
        image = image.resize((max(1, round(image.width * LOGO_HEIGHT / image.height)), LOGO_HEIGHT),
                             Image.Resampling.LANCZOS)
    return _png(image)


def _square(picture: bytes, tile: _Tile, size: int, opaque: bool = False) -> Image.Image:
    """The logo centred in a square with a margin, or the initials tile; ``opaque``: on the background colour."""
    if not picture:
        icon = tile.draw(size, rounded=not opaque)
    else:
        logo = _open(picture)
        inner = max(1, round(size * 0.84))
        logo.thumbnail((inner, inner), Image.Resampling.LANCZOS)
        icon = Image.new("RGBA", (size, size), (0, 0, 0, 0))
        icon.alpha_composite(logo, ((size - logo.width) // 2, (size - logo.height) // 2))
    if opaque:  # phones put a transparent icon on black: give it the site's background
        ground = Image.new("RGBA", (size, size), tile.background)
        ground.alpha_composite(icon)
        icon = ground
    return icon


def _png_icon(picture: bytes, tile: _Tile, size: int, opaque: bool) -> bytes:
    return _png(_square(picture, tile, size, opaque))


def _ico(picture: bytes, tile: _Tile) -> bytes:
    out = io.BytesIO()
    _square(picture, tile, 48).save(out, format="ICO", sizes=ICO_SIZES)
    return out.getvalue()


def _social(picture: bytes, tile: _Tile, title: str) -> bytes:
    """The default share image (1200 x 630): the logo or initials above the site's title, on its background."""
    from PIL import ImageDraw, ImageFont  # as in _Tile.draw

    width, height = SOCIAL_SIZE
    image = Image.new("RGBA", SOCIAL_SIZE, tile.background)
    mark = _square(picture, tile, 300)
    image.alpha_composite(mark, ((width - mark.width) // 2, 90))
    pen = ImageDraw.Draw(image)
    size = 64
    font = ImageFont.load_default(size=size)
    while pen.textlength(title, font=font) > width - 120 and size > 24:
        size -= 4
        font = ImageFont.load_default(size=size)
    pen.text((width / 2, 500), title, font=font, fill=tile.text, anchor="mm")
    return _png(image.convert("RGB"))
