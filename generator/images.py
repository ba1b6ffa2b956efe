"""Pictures copied from content/ (part of the render stage): the same picture, without what it says about its maker.

A phone's JPEG carries EXIF (the GPS position where it was taken, the camera, the time), XMP and comments; PNG
carries text chunks; WebP and GIF carry EXIF, XMP and comments too. None of it is shown, all of it is private. So
every picture is published rebuilt from its parts, keeping only what draws it: the pixels, the palette,
transparency, animation and the colour profile (ICC). This is done on the bytes, so nothing is re-encoded and no
quality is lost; a JPEG turned by its EXIF orientation is the one exception: it is turned and saved again.

Input: the picture's path and its address. Output: its bytes, or a SiteError naming the file.
"""
from __future__ import annotations

import io
import re
import struct
import warnings
from html import unescape
from pathlib import Path, PurePosixPath

from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import Problem, SiteError

CLEANED = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WebP", ".gif": "GIF", ".svg": "SVG"}
#: Pictures a browser shows that can carry metadata we cannot take out without re-encoding: refused.
REFUSED = {".tif": "TIFF", ".tiff": "TIFF", ".heic": "HEIC", ".heif": "HEIF", ".avif": "AVIF", ".bmp": "BMP",
           ".jxl": "JPEG XL"}
FORMATS = ".jpg, .jpeg, .png, .webp, .gif or .svg"
MAX_BYTES = 20_000_000  #: a picture in content/: a phone photo is 3-8 MB; pages show web sizes anyway
MAX_PIXELS = 50_000_000  #: decoding needs about 4 bytes a pixel; Pillow itself stops at 179 million
JPEG_QUALITY = 92  #: only for a JPEG turned upright; its other pictures are not re-encoded
PNG_KEPT = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"iCCP", b"sRGB", b"gAMA", b"cHRM", b"sBIT", b"bKGD",
            b"pHYs", b"acTL", b"fcTL", b"fdAT"}
WEBP_KEPT = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP"}
SVG_METADATA = re.compile(r"<(\w+:)?metadata\b.*?</(\w+:)?metadata\s*>|<!--.*?-->", re.S | re.I)
#: What an SVG must not hold. Opened at its own address, an SVG is a page of the site itself (where the browser
#: editor keeps its sign-in), so a script in it runs there; and shown anywhere, it must load nothing from another
#: host. The logo (icons.py) and every SVG in content/ are checked against it.
UNSAFE_SVG = (
    (re.compile(r"<\s*script", re.I), "a script"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an event handler (an on...= attribute)"),
    # A browser drops tabs and line breaks inside an address: "java&#x0A;script:" runs too.
    (re.compile(r"j\s*a\s*v\s*a\s*s\s*c\s*r\s*i\s*p\s*t\s*:", re.I), "a javascript: link"),
    (re.compile(r"<\s*foreignObject", re.I), "embedded HTML (foreignObject)"),
    (re.compile(r"<!ENTITY", re.I), "an entity declaration"),
    (re.compile(r"""(href|src)\s*=\s*["']\s*(https?:)?//|url\(\s*["']?\s*(https?:)?//|@import""", re.I),
     "a link that loads something from another website"),
)


def svg_danger(text: str) -> tuple[int, str] | None:
    """The first thing in an SVG's text that could run or load something (UNSAFE_SVG): (its line, what), or None.

    Read as written and with its character references decoded, as the browser reads attribute values:
    "&#106;avascript:" is a javascript: link."""
    for read in (text, unescape(text)):
        found = [(match.start(), what) for pattern, what in UNSAFE_SVG if (match := pattern.search(read))]
        if found:
            at, what = min(found)
            return read.count("\n", 0, at) + 1, what
    return None


def kind(rel: str) -> str:
    """The picture format a content file's name says ('' for files that are not pictures)."""
    suffix = PurePosixPath(rel).suffix.lower()
    return CLEANED.get(suffix) or REFUSED.get(suffix, "")


def check(source: Path, rel: str) -> Problem | None:
    """Check a content picture against the limits before anything is built: format, bytes and pixels."""
    suffix = PurePosixPath(rel).suffix.lower()
    if suffix in REFUSED:
        return Problem(rel, 0, "", f"is a {REFUSED[suffix]} picture, which can carry private details (such as where "
                       f"it was taken) that cannot be removed safely; pictures are published as {FORMATS}",
                       "save it as JPEG or PNG and use that file instead")
    size = (source / rel).stat().st_size
    if size > MAX_BYTES:
        return Problem(rel, 0, "", f"is {size / 1e6:.1f} MB, more than the {MAX_BYTES / 1e6:.0f} MB a picture may be",
                       "save it smaller, e.g. 2,000 pixels wide as a JPEG of quality 85")
    if suffix == ".svg":
        danger = svg_danger((source / rel).read_bytes().decode("utf-8", errors="replace"))
        if danger:
            return Problem(rel, danger[0], "", f"the SVG picture contains {danger[1]}, which a web page must not run "
                           "or load", "export it again as a plain SVG (e.g. Inkscape: Save As, Optimized SVG), or save "
                           "it as PNG")
        return None
    try:
        dimensions(source / rel)
    except ValueError as exc:
        return Problem(rel, 0, "", str(exc), f"save it again as {FORMATS}")
    return None


def dimensions(file: Path) -> tuple[int, int]:
    """(width, height) from the header, or ValueError saying in words why it is no picture we can publish."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                width, height = image.size
                formats = image.format
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        if isinstance(exc, UnidentifiedImageError):
            raise ValueError(f"is not a picture in a format that can be read ({FORMATS})") from None
        raise ValueError(f"has too many pixels to read safely (over {MAX_PIXELS // 1_000_000} million)") from None
    except (OSError, SyntaxError, struct.error) as exc:
        raise ValueError(f"cannot be read as a picture: it is damaged or cut short ({str(exc).lower()})") from None
    if width * height > MAX_PIXELS:
        raise ValueError(f"is {width:,} × {height:,} pixels, more than the {MAX_PIXELS // 1_000_000} million "
                         "pixels a picture may have")
    if formats and CLEANED.get(file.suffix.lower(), "").upper() != ("JPEG" if formats == "MPO" else formats):
        raise ValueError(f"is named {file.suffix} but holds a {formats} picture")
    return width, height


def clean(file: Path, rel: str) -> bytes:
    """Return the picture's bytes without metadata (EXIF, GPS, XMP, IPTC, comments, text chunks), ICC kept."""
    data = file.read_bytes()
    cleaner = {"JPEG": _jpeg, "PNG": _png, "WebP": _webp, "GIF": _gif, "SVG": _svg}[kind(rel)]
    try:
        return cleaner(data)
    except (ValueError, IndexError, struct.error) as exc:
        raise SiteError([Problem(rel, 0, "", f"cannot be read as a {kind(rel)} picture ({exc})",
                                 f"save it again as {FORMATS}")]) from None


def _jpeg(data: bytes) -> bytes:
    if data[:2] != b"\xff\xd8":
        raise ValueError("no JPEG start marker")
    with Image.open(io.BytesIO(data)) as image:
        if image.getexif().get(0x0112, 1) != 1:  # turned by its EXIF: turn the pixels, since the EXIF goes
            icc = image.info.get("icc_profile")
            upright = ImageOps.exif_transpose(image)
            upright.info = {}
            out = io.BytesIO()
            upright.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, **({"icc_profile": icc} if icc else {}))
            data = out.getvalue()
    out = bytearray(b"\xff\xd8")
    at, scanning = 2, False
    while at < len(data):
        if data[at] != 0xFF:
            if not scanning:
                raise ValueError(f"unexpected byte at {at}")
            at += 1
            continue
        marker = data[at + 1]
        if scanning and (marker == 0x00 or 0xD0 <= marker <= 0xD7 or marker == 0xFF):
            out += data[at:at + 2] if marker != 0xFF else b"\xff"
            at += 2 if marker != 0xFF else 1
            continue
        if marker == 0xD9:
            return bytes(out + b"\xff\xd9")  # what follows the end (a camera's extra pictures) is dropped
        length = struct.unpack(">H", data[at + 2:at + 4])[0]
        segment = data[at:at + 2 + length]
        body = segment[4:]
        keep = not (0xE0 <= marker <= 0xEF or marker == 0xFE) or (
            (marker == 0xE0 and body.startswith(b"JFIF\0")) or (marker == 0xE2 and body.startswith(b"ICC_PROFILE\0"))
            or (marker == 0xEE and body.startswith(b"Adobe")))  # Adobe's says how the colours are stored
        if keep:
            out += segment
        at += 2 + length
        if marker == 0xDA:  # the entropy-coded scan follows: copy it, watching for the markers in it
            scanning = True
            start = at
            while at < len(data) and not (data[at] == 0xFF and data[at + 1] not in (0x00, *range(0xD0, 0xD8))):
                at += 1
            out += data[start:at]
    raise ValueError("no JPEG end marker")


def _png(data: bytes) -> bytes:
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("no PNG signature")
    out, at = bytearray(data[:8]), 8
    while at < len(data):
        length = struct.unpack(">I", data[at:at + 4])[0]
        name = data[at + 4:at + 8]
        if name in PNG_KEPT:
            out += data[at:at + 12 + length]
        at += 12 + length
        if name == b"IEND":
            return bytes(out)
    raise ValueError("no IEND chunk")


def _webp(data: bytes) -> bytes:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise ValueError("no RIFF WEBP header")
    chunks, at = bytearray(), 12
    while at + 8 <= len(data):
        name, length = data[at:at + 4], struct.unpack("<I", data[at + 4:at + 8])[0]
        chunk = bytearray(data[at:at + 8 + length + (length & 1)])
        if name == b"VP8X":
            chunk[8] &= ~0x0C & 0xFF  # the flags that announce EXIF and XMP chunks
        if name in WEBP_KEPT:
            chunks += chunk
        at += 8 + length + (length & 1)
    return b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WEBP" + bytes(chunks)


def _gif(data: bytes) -> bytes:
    if data[:3] != b"GIF":
        raise ValueError("no GIF header")
    flags = data[10]
    at = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    out = bytearray(data[:at])
    while at < len(data):
        kind_byte = data[at]
        if kind_byte == 0x3B:
            return bytes(out + b"\x3b")
        if kind_byte == 0x21:
            label, end = data[at + 1], _sub_blocks(data, at + 2)
            app = data[at + 3:at + 14] if label == 0xFF else b""
            if label in (0xF9, 0x01) or app in (b"NETSCAPE2.0", b"ANIMEXTS1.0"):  # frame timing, looping
                out += data[at:end]
            at = end
        elif kind_byte == 0x2C:
            local = data[at + 9]
            start = at + 10 + (3 * 2 ** ((local & 7) + 1) if local & 0x80 else 0) + 1  # + LZW code size
            end = _sub_blocks(data, start)
            out += data[at:end]
            at = end
        else:
            raise ValueError(f"unexpected block {kind_byte:#x}")
    raise ValueError("no GIF trailer")


def _sub_blocks(data: bytes, at: int) -> int:
    while data[at]:
        at += data[at] + 1
    return at + 1


def _svg(data: bytes) -> bytes:
    text = data.decode("utf-8-sig", errors="strict") if data else ""
    return SVG_METADATA.sub("", text).encode()
