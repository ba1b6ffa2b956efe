"""Render the example site's main pages at phone and desktop widths with Debian's Chromium, into docs/screenshots/.

    make screenshots        (or: .venv/bin/python docs/screenshots/make.py)

Builds the repository's example site into a temporary folder at a fixed date, serves it on 127.0.0.1 and saves
one PNG per page and width: home, directory, profile, article at 390 px (a phone) and 1280 px (a desktop). Only
the first screen of each page is kept, so the pictures stay small. Not part of `make test`.
"""
from __future__ import annotations

import functools
import os
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO))

from generator.cli import main as therapist_site  # noqa: E402

PAGES = {"home": "/", "directory": "/therapists/", "profile": "/therapists/maya-okafor/",
         "article": "/articles/therapists-as-wizards/"}
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync", "--hide-scrollbars"]


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def shrink(png: Path) -> None:
    """Keep a screenshot small: 128 colours are plenty for a calm page of text (Pillow, when installed)."""
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(png) as image:
        small = image.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(png, optimize=True)


def main() -> int:
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("SOURCE_DATE_EPOCH", "1793000000")  # the tests' "now": every example article is out
    with tempfile.TemporaryDirectory() as tmp:
        public = Path(tmp) / "public"
        if therapist_site(["build", "--quiet", "--no-cache", "--source", str(REPO), "--output", str(public)]) != 0:
            return 1
        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(public)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            for size, viewport in SIZES.items():
                context = browser.new_context(viewport=viewport, color_scheme="light", reduced_motion="reduce")
                context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                              else route.abort())
                page = context.new_page()
                for name, path in PAGES.items():
                    page.goto(base + path)
                    target = HERE / f"{name}-{size}.png"
                    page.screenshot(path=str(target), animations="disabled")
                    shrink(target)
                    print(f"{target.relative_to(REPO)}  {target.stat().st_size // 1024} KiB")
                context.close()
            browser.close()
        server.shutdown()
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
