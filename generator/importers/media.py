"""Pictures and files of an imported post: copied from the old blog's folders, or downloaded when allowed.

Every file lands under ``content/media/`` and is never written over: a different file of the same name gets a
new name. Downloads are limited in size and time, and must be pictures.
"""
from __future__ import annotations

import posixpath
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .. import images

MEDIA = "content/media"
MAX_BYTES = 20 * 1024 * 1024  # what a build publishes at most (docs/security.md); this stops a runaway download
TIMEOUT = 30
IMAGE_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp",
               "image/svg+xml": ".svg"}  # the formats a build publishes


# The first bytes of each picture format a build publishes, and the name ending it goes by.
SIGNATURES = ((b"\xff\xd8\xff", ".jpg"), (b"\x89PNG\r\n\x1a\n", ".png"), (b"GIF87a", ".gif"), (b"GIF89a", ".gif"))


def true_name(name: str, data: bytes) -> str:
    """The name with the ending of the picture its bytes hold, when it is named as another kind (a JPEG saved as
    photo.png: blogs serve it, the build refuses it). Other files keep their names."""
    if not images.kind(name):
        return name
    held = next((ending for start, ending in SIGNATURES if data.startswith(start)), None)
    if held is None and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        held = ".webp"
    if held is None or images.kind("picture" + held) == images.kind(name):
        return name
    return posixpath.splitext(name)[0] + held


class Media:
    """The files one import brings into ``site``: where each source went, so a file is copied once."""

    def __init__(self, site: Path):
        self.site = site
        self.placed: dict[str, str] = {}  # source (path or URL) -> site URL
        self.count = 0

    def copy(self, file: Path, name: str) -> str:
        """Copy a local file to content/media/<name>; return its site URL."""
        key = str(file.resolve())
        if key not in self.placed:
            self.placed[key] = self._place(file.read_bytes(), name)
        return self.placed[key]

    def download(self, url: str) -> tuple[str, str]:
        """Download a picture into content/media/<host>/<path>; return (site URL, "") or ("", why not)."""
        if url in self.placed:
            return self.placed[url], ""
        try:
            request = urllib.request.Request(url, headers={"User-Agent": "therapist-site import"})
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                kind = response.headers.get_content_type()
                data = response.read(MAX_BYTES + 1)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            return "", f"could not download it ({getattr(exc, 'reason', exc)})"
        if len(data) > MAX_BYTES:
            return "", f"it is larger than {MAX_BYTES // (1024 * 1024)} MB"
        if kind not in IMAGE_TYPES:
            return "", f"the address gave {kind}, not a picture the site publishes (.jpg, .png, .webp, .gif, .svg)"
        danger = images.svg_danger(data.decode("utf-8", errors="replace")) if kind == "image/svg+xml" else None
        if danger:  # the build would refuse it (images.check): say so now
            return "", f"the SVG picture contains {danger[1]}, which a web page must not run or load"
        parts = urlsplit(url)
        name = posixpath.join(parts.hostname or "remote", unquote(parts.path).lstrip("/") or "picture")
        if not posixpath.splitext(name)[1]:
            name += IMAGE_TYPES[kind]
        self.placed[url] = self._place(data, name)
        return self.placed[url], ""

    def _place(self, data: bytes, name: str) -> str:
        name = true_name(name, data)
        parts = [part for part in name.replace("\\", "/").split("/") if part not in ("", ".", "..")]
        target = self.site.joinpath(MEDIA, *parts) if parts else self.site / MEDIA / "file"
        stem, suffix, number = target.stem, target.suffix, 2
        while target.exists() and target.read_bytes() != data:  # never write over a file already there
            target = target.with_name(f"{stem}-{number}{suffix}")
            number += 1
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("xb") as file:  # "x": never over a file, even one made meanwhile
                file.write(data)
            self.count += 1
        return "/" + target.relative_to(self.site / "content").as_posix()
