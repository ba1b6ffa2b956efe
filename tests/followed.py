"""A small site that exercises feeds, search engines, search and photos, built once per test module.

Published: four articles over three topics by two therapists (one article has an image, one was updated), three
therapists (one with a 1,200 x 1,500 PNG photo, one who has written nothing), a topic note and a page. Not
published: a draft and an article dated after the tests' "now". Two articles per page, so the list paginates.
"""
from __future__ import annotations

import functools
import io
import random
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFilter

from conftest import EPOCH, write_files
from generator.cli import main

BASE = "https://follow.example.org/"
UNPUBLISHED = ("/articles/a-draft/", "/articles/from-the-future/")


@functools.lru_cache(maxsize=None)
def portrait(width: int = 1200, height: int = 1500, seed: int = 7) -> bytes:
    """A PNG as hard to compress as a grainy photograph: gradients, hundreds of soft shapes and strong noise."""
    rng = random.Random(seed)
    base = Image.linear_gradient("L").resize((width, height))
    image = Image.merge("RGB", (base, base.rotate(90), Image.new("L", (width, height), 140)))
    draw = ImageDraw.Draw(image)
    for _ in range(400):
        x, y, r = rng.randrange(width), rng.randrange(height), rng.randrange(5, 120)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(256) for _ in range(3)))
    image = image.filter(ImageFilter.GaussianBlur(2))
    image = Image.blend(image, Image.effect_noise((width, height), 70).convert("RGB"), 0.3)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def files() -> dict[str, str | bytes]:
    return {
        "site.yaml": f"""\
            title: Follow Practice
            base_url: {BASE}
            description: A practice whose articles are followed.
            timezone: America/New_York
            practice:
              name: Follow Counseling
              phone: "+1-212-555-0100"
              email: hello@follow.example.org
              address: 5 Example Street, New York, NY 10001
            newsletter:
              title: Follow Notes
              description: New articles from our therapists.
            articles_per_page: 2
            """,
        "content/articles/on-grief.md": """\
            ---
            title: On Grief
            date: 2026-06-01 09:00
            updated: 2026-07-01 10:00
            author: ana-lima
            topics: [Grief and Loss, Anxiety]
            summary: Grief has no timetable.
            image: /images/lake.png
            image_alt: A calm lake at dawn
            ---
            Grief moves like weather. Read [calm breathing](/articles/calm-breathing/) too.

            ![A lake](/images/lake.png)
            """,
        "content/images/lake.png": portrait(64, 48, seed=3),
        "content/articles/calm-breathing.md": """\
            ---
            title: Calm Breathing
            date: 2026-06-10 09:00
            author: ana-lima
            topics: [Anxiety]
            summary: A longer out-breath.
            ---
            Breathe out a little more slowly than you breathe in. Zephyrine is a word only this article uses.
            """,
        "content/articles/after-a-loss.md": """\
            ---
            title: After a Loss
            date: 2026-06-20 09:00
            author: ben-okafor
            topics: [Grief and Loss]
            ---
            The first weeks after a loss are often a blur.
            """,
        "content/articles/trauma-and-trust.md": """\
            ---
            title: Trauma and Trust
            date: 2026-07-05 09:00
            author: [ana-lima, ben-okafor]
            topics: [Trauma, Grief and Loss]
            summary: Trust grows slowly, as Carl Rogers knew.
            ---
            Safety first, then trust. Carl Rogers wrote about the relationship.
            """,
        "content/articles/a-draft.md": """\
            ---
            title: A Draft
            date: 2026-06-05
            author: ana-lima
            topics: [Grief and Loss]
            draft: true
            ---
            Quillwort is a word only the draft uses.
            """,
        "content/articles/from-the-future.md": """\
            ---
            title: From the Future
            date: 2030-01-01
            author: ben-okafor
            topics: [Anxiety]
            ---
            Moonwhistle is a word only the future article uses.
            """,
        "content/topics/grief-and-loss.md": """\
            ---
            title: Grief and Loss
            ---
            Articles about living alongside loss.
            """,
        "content/pages/about.md": "---\ntitle: About us\n---\nWe are a fictional practice.\n",
        "therapists/ana-lima.yaml": """\
            name: Ana Lima
            credentials: [PsyD]
            title: Clinical Psychologist
            photo: ana-lima.png
            photo_alt: Ana Lima smiling in her office
            specialties: [Trauma, Anxiety]
            languages: [English, Portuguese]
            accepting_new_clients: true
            """,
        "therapists/ana-lima.png": portrait(),
        "therapists/ben-okafor.yaml": """\
            name: Ben Okafor
            credentials: [LCSW]
            specialties: [Grief and Loss]
            accepting_new_clients: true
            """,
        "therapists/cara-nguyen.yaml": """\
            name: Cara Nguyen
            specialties: [Couples]
            """,
    }


def build(root: Path, *extra: str, epoch: str = EPOCH, output: Path | None = None) -> Path:
    """Build the site at ``root`` (into root/public unless ``output``) at the given "now"; return the output."""
    output = output or root / "public"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SOURCE_DATE_EPOCH", epoch)
        code = main(["build", "--source", str(root), "--output", str(output), "--quiet", *extra])
    assert code == 0
    return output


def make(tmp_path_factory, name: str = "followed") -> Path:
    """Write the site into a fresh folder; return its root."""
    root = tmp_path_factory.mktemp(name) / "site"
    return write_files(root, files())


def html_pages(output: Path) -> dict[str, str]:
    """Every built page by its address (``/articles/x/``), search bundle excluded."""
    pages = {}
    for file in sorted(output.rglob("*.html")):
        rel = file.relative_to(output).as_posix()
        if rel.startswith("pagefind/"):
            continue
        url = "/" + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
        pages[url] = file.read_text(encoding="utf-8")
    return pages
