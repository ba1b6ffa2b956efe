"""Pictures full of private details, made with Pillow, and a reader that finds any such detail in a file's bytes."""
from __future__ import annotations

import io
import struct

from PIL import Image, ImageCms, PngImagePlugin

XMP = (b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
       b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description photoshop:City="Secretville" '
       b'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>')
SECRET = "Secretville"
ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def exif(orientation: int = 1) -> Image.Exif:
    """EXIF with a GPS position (the practice's back garden), the camera, the owner and an orientation."""
    data = Image.Exif()
    data[0x0110] = "SecretPhone 12"  # model
    data[0x013B] = "Dr Secret Owner"  # artist
    data[0x0112] = orientation
    gps = data.get_ifd(0x8825)
    gps.update({1: "N", 2: (32.0, 42.0, 55.0), 3: "W", 4: (117.0, 9.0, 40.0)})
    return data


def picture(size=(64, 48), mode="RGB", colour=(200, 120, 60)) -> Image.Image:
    image = Image.new(mode, size, colour)
    for x in range(min(size[0], 16)):  # a mark in one corner, so a turn by the orientation shows
        image.putpixel((x, 0), (0, 0, 0) if mode == "RGB" else 0)
    return image


def jpeg(size=(64, 48), orientation: int = 1) -> bytes:
    out = io.BytesIO()
    picture(size).save(out, "JPEG", exif=exif(orientation), comment=f"taken at {SECRET}".encode(), xmp=XMP,
                       icc_profile=ICC, quality=90)
    return out.getvalue()


def png(size=(64, 48), image: Image.Image | None = None) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", f"taken at {SECRET}")
    info.add_text("Author", "Dr Secret Owner", zip=True)
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    out = io.BytesIO()
    (image or picture(size)).save(out, "PNG", pnginfo=info, exif=exif(), icc_profile=ICC)
    return out.getvalue()


def webp(size=(64, 48)) -> bytes:
    out = io.BytesIO()
    picture(size).save(out, "WEBP", exif=exif(), xmp=XMP, icc_profile=ICC)
    return out.getvalue()


def gif(size=(64, 48)) -> bytes:
    out = io.BytesIO()
    picture(size).convert("P").save(out, "GIF", comment=f"taken at {SECRET}".encode())
    return out.getvalue()


def grey16(size=(64, 48)) -> bytes:
    """A 16-bit greyscale PNG at middle grey (32768 of 65535)."""
    out = io.BytesIO()
    Image.new("I;16", size, 32768).save(out, "PNG")
    return out.getvalue()


def private_details(data: bytes) -> list[str]:
    """Everything in a picture file that is not needed to draw it: EXIF, GPS, XMP, IPTC, comments, text chunks,
    data after the end. Read from the bytes, by the file's own structure."""
    found = []
    if SECRET.encode() in data or b"Secret" in data or b"http://ns.adobe.com" in data:
        found.append("a secret in the bytes")
    if b"Exif\0\0" in data:
        found.append("an EXIF block")
    if data[:2] == b"\xff\xd8":
        found += _jpeg_segments(data)
    elif data[:8] == b"\x89PNG\r\n\x1a\n":
        at = 8
        while at < len(data):
            length, name = struct.unpack(">I4s", data[at:at + 8])
            if name in (b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"):
                found.append(f"PNG {name.decode()} chunk")
            at += 12 + length
    elif data[:4] == b"RIFF":
        at = 12
        while at + 8 <= len(data):
            name, length = data[at:at + 4], struct.unpack("<I", data[at + 4:at + 8])[0]
            if name in (b"EXIF", b"XMP "):
                found.append(f"WebP {name.decode()} chunk")
            at += 8 + length + (length & 1)
    elif data[:3] == b"GIF" and b"\x21\xfe" in data:
        found.append("a GIF comment")
    with Image.open(io.BytesIO(data)) as image:
        if image.getexif():
            found.append(f"EXIF tags {sorted(image.getexif())}")
        found += [f"Pillow info {key!r}" for key in ("exif", "xmp", "comment", "XML:com.adobe.xmp", "Comment",
                                                    "Author") if key in image.info]
    return found


def _jpeg_segments(data: bytes) -> list[str]:
    found, at = [], 2
    while at < len(data) - 1:
        marker = data[at + 1]
        if marker == 0xDA or marker == 0xD9:
            break
        length = struct.unpack(">H", data[at + 2:at + 4])[0]
        body = data[at + 4:at + 2 + length]
        if marker == 0xFE or (0xE1 <= marker <= 0xEF and not (marker == 0xE2 and body.startswith(b"ICC_PROFILE"))
                              and not (marker == 0xEE and body.startswith(b"Adobe"))):
            found.append(f"JPEG segment {marker:#x} {body[:12]!r}")
        at += 2 + length
    return found


def icc_of(data: bytes) -> bytes | None:
    with Image.open(io.BytesIO(data)) as image:
        return image.info.get("icc_profile")
