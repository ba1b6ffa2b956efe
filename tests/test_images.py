"""Every published picture leaves without metadata (EXIF, GPS, XMP, comments, text chunks), its colour profile
kept; article images in web sizes like the photos; pictures over the limits are clear errors."""
from __future__ import annotations

import io
import json
import re

import feedparser
from PIL import Image

import pictures
from conftest import snapshot
from hostile import contained

PICTURE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif")
ARTICLE = "---\ntitle: A walk\ndate: 2026-01-01\nauthor: ana\nimage: /images/walk.jpg\nimage_alt: A path\n---\nText.\n"


def test_every_published_picture_leaves_without_metadata_and_keeps_its_colour_profile(make_site, run, tmp_path):
    source = make_site({
        "therapists/ana.yaml": "name: Ana\nphoto: ana.jpg\nphoto_alt: Ana smiling\n",
        "therapists/ana.jpg": pictures.jpeg((900, 1200), orientation=6),
        "therapists/ben.yaml": "name: Ben\nphoto: ben.png\nphoto_alt: Ben\n",
        "therapists/ben.png": pictures.png((300, 300)),
        "therapists/cy.yaml": "name: Cy\nphoto: cy.webp\nphoto_alt: Cy\n",
        "therapists/cy.webp": pictures.webp((300, 300)),
        "content/articles/walk.md": ARTICLE,
        "content/images/walk.jpg": pictures.jpeg((2000, 1000)),
        "content/images/diagram.png": pictures.png(),
        "content/images/turned.jpeg": pictures.jpeg(orientation=8),
        "content/images/loop.gif": pictures.gif(),
        "content/images/chart.webp": pictures.webp(),
        "content/images/logo.svg": '<svg xmlns="http://www.w3.org/2000/svg"><!-- by Dr Secret Owner --><metadata>'
                                   f'<rdf:RDF>{pictures.SECRET}</rdf:RDF></metadata><rect width="1" height="1"/></svg>',
    })
    out = tmp_path / "out"
    assert run("build", "--source", source, "--output", out).code == 0
    published = sorted(p for p in out.rglob("*") if p.suffix.lower() in PICTURE_SUFFIXES)
    names = [p.relative_to(out).as_posix() for p in published]
    assert len(published) == 30, names  # photos: 3 sizes of 900 px, 2 of 300 px (twice), × 2 formats; the
    # article image: 3 sizes × 2 formats; the 5 pictures in content/, cleaned; 5 icons made from the initials
    for file in published:
        assert pictures.private_details(file.read_bytes()) == [], file
    for name in ("therapists/ana/photo.jpg", "therapists/ben/photo.webp", "articles/walk/image.jpg",
                 "images/walk.jpg", "images/diagram.png", "images/chart.webp"):
        assert pictures.icc_of((out / name).read_bytes()) == pictures.ICC, name
    assert Image.open(out / "images/turned.jpeg").size == (48, 64)  # turned as its EXIF said, before EXIF went
    assert Image.open(out / "therapists/ana/photo.jpg").size == (800, 600)  # 900 × 1200, turned a quarter
    svg = (out / "images/logo.svg").read_text()
    assert "Secret" not in svg and "<rect" in svg


def test_an_article_image_is_published_in_web_sizes_and_shared_as_its_largest(make_site, run, tmp_path):
    source = make_site({"therapists/ana.yaml": "name: Ana\n", "content/articles/walk.md": ARTICLE,
                        "content/images/walk.jpg": pictures.jpeg((3000, 1500))})
    out = tmp_path / "out"
    assert run("build", "--source", source, "--output", out).code == 0
    page = (out / "articles/walk/index.html").read_text()
    assert ('srcset="/articles/walk/image-480.webp 480w, /articles/walk/image-960.webp 960w, '
            '/articles/walk/image.webp 1600w"') in page
    assert ('<img src="/articles/walk/image-960.jpg" sizes="(min-width: 42rem) 40rem, 100vw" '
            'srcset="/articles/walk/image-480.jpg 480w, /articles/walk/image-960.jpg 960w, '
            '/articles/walk/image.jpg 1600w" width="960" height="480" alt="A path">') in page
    assert '<meta property="og:image" content="https://test-practice.org/articles/walk/image.jpg">' in page
    assert '"url": "https://test-practice.org/articles/walk/image.jpg"' in page
    largest = (out / "articles/walk/image.jpg").read_bytes()
    assert Image.open(io.BytesIO(largest)).size == (1600, 800)
    entry = feedparser.parse((out / "feed.xml").read_bytes()).entries[0]
    assert entry.enclosures[0].href == "https://test-practice.org/articles/walk/image.jpg"
    assert int(entry.enclosures[0].length) == len(largest) and entry.enclosures[0].type == "image/jpeg"
    assert json.loads((out / "feed.json").read_text())["items"][0]["image"] == entry.enclosures[0].href


def test_a_sixteen_bit_grey_photo_stays_grey(make_site, run, tmp_path):
    source = make_site({"therapists/ana.yaml": "name: Ana\nphoto: ana.png\nphoto_alt: Ana\n",
                        "therapists/ana.png": pictures.grey16()})
    out = tmp_path / "out"
    assert run("build", "--source", source, "--output", out).code == 0
    for name in ("photo.jpg", "photo.webp"):
        red, green, blue = Image.open(out / "therapists/ana" / name).convert("RGB").getpixel((30, 30))
        assert 120 <= red <= 136 and red == green == blue, name


PHOTO_HINT = ("save it again as .jpg, .jpeg, .png or .webp, cropped to a usual shape, under 50 million pixels, and "
              "build again")
CASES = {
    "a photo far taller than wide": (
        {"therapists/ana.yaml": "name: Ana\nphoto: ana.png\nphoto_alt: Ana\n",
         "therapists/ana.png": pictures.png((20, 4000))},
        ["therapists/ana.yaml:2: photo: cannot read therapists/ana.png as a picture: it is 20 × 4,000 pixels: too "
         f"tall or too wide to show (the longer side may be at most 10 times the shorter); {PHOTO_HINT}"]),
    "an article image far wider than tall": (
        {"content/articles/walk.md": ARTICLE.replace("author: ana\n", ""),
         "content/images/walk.jpg": pictures.jpeg((16000, 20))},
        ["content/articles/walk.md:4: image: cannot read content/images/walk.jpg as a picture: it is 16,000 × 20 "
         f"pixels: too tall or too wide to show (the longer side may be at most 10 times the shorter); {PHOTO_HINT}"]),
    "a file named .jpg that is no picture": (
        {"therapists/ana.yaml": "name: Ana\nphoto: ana.jpg\nphoto_alt: Ana\n", "therapists/ana.jpg": b"<html>"},
        ["therapists/ana.yaml:2: photo: cannot read therapists/ana.jpg as a picture: it is not a picture in a "
         f"format that can be read (.jpg, .jpeg, .png or .webp); {PHOTO_HINT}"]),
    "a GIF photo": (
        {"therapists/ana.yaml": "name: Ana\nphoto: ana.gif\nphoto_alt: Ana\n", "therapists/ana.gif": pictures.gif()},
        ["therapists/ana.yaml:2: photo: expected a .jpg, .jpeg, .png or .webp photo, found 'ana.gif'; save the "
         "photo as JPEG, PNG or WebP (an SVG or GIF cannot be shown in web sizes) and give that file's name"]),
    "an SVG photo": (
        {"therapists/ana.yaml": "name: Ana\nphoto: ana.svg\nphoto_alt: Ana\n", "therapists/ana.svg": "<svg/>"},
        ["therapists/ana.yaml:2: photo: expected a .jpg, .jpeg, .png or .webp photo, found 'ana.svg'; save the "
         "photo as JPEG, PNG or WebP (an SVG or GIF cannot be shown in web sizes) and give that file's name"]),
    "a GIF article image": (
        {"content/articles/walk.md": ARTICLE.replace("author: ana\n", "").replace("walk.jpg", "walk.gif"),
         "content/images/walk.gif": pictures.gif()},
        ["content/articles/walk.md:4: image: expected a .jpg, .jpeg, .png or .webp picture, found "
         "'/images/walk.gif'; save the picture as JPEG, PNG or WebP (it is shown in web sizes made from it)"]),
    "a 28 MB picture": (
        {"content/images/huge.jpg": pictures.jpeg() + bytes(28_000_000)},
        ["content/images/huge.jpg: is 28.0 MB, more than the 20 MB a picture may be; save it smaller, e.g. 2,000 "
         "pixels wide as a JPEG of quality 85"]),
    "a TIFF in content": (
        {"content/images/scan.tif": b"II*\0"},
        ["content/images/scan.tif: is a TIFF picture, which can carry private details (such as where it was "
         "taken) that cannot be removed safely; pictures are published as .jpg, .jpeg, .png, .webp, .gif or .svg; "
         "save it as JPEG or PNG and use that file instead"]),
    "a picture in content with a name that lies": (
        {"content/images/photo.png": pictures.jpeg()},
        ["content/images/photo.png: is named .png but holds a JPEG picture; save it again as .jpg, .jpeg, .png, "
         ".webp, .gif or .svg"]),
    "an SVG in content with a script": (
        {"content/images/chart.svg": '<svg xmlns="http://www.w3.org/2000/svg">\n<rect width="1" height="1"/>\n'
                                     '<script>fetch("/admin/")</script>\n</svg>'},
        ["content/images/chart.svg:3: the SVG picture contains a script, which a web page must not run or load; "
         "export it again as a plain SVG (e.g. Inkscape: Save As, Optimized SVG), or save it as PNG"]),
    "an SVG in content with an event handler": (
        {"content/media/old-blog/badge.svg": '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'},
        ["content/media/old-blog/badge.svg:1: the SVG picture contains an event handler (an on...= attribute), "
         "which a web page must not run or load; export it again as a plain SVG (e.g. Inkscape: Save As, Optimized "
         "SVG), or save it as PNG"]),
    "an SVG in content with a javascript: link written as character references": (
        {"content/images/link.svg": '<svg xmlns="http://www.w3.org/2000/svg" '
                                    'xmlns:xlink="http://www.w3.org/1999/xlink">\n\n'
                                    '<a xlink:href="&#106;ava&#x0A;script:alert(1)"><rect width="9" height="9"/></a>'
                                    '</svg>'},
        ["content/images/link.svg:3: the SVG picture contains a javascript: link, which a web page must not run or "
         "load; export it again as a plain SVG (e.g. Inkscape: Save As, Optimized SVG), or save it as PNG"]),
    "an SVG in content that loads a picture from another website": (
        {"content/images/map.svg": '<svg xmlns="http://www.w3.org/2000/svg">\n'
                                   '<image href="https://tracker.example.com/pixel.png"/></svg>'},
        ["content/images/map.svg:2: the SVG picture contains a link that loads something from another website, "
         "which a web page must not run or load; export it again as a plain SVG (e.g. Inkscape: Save As, "
         "Optimized SVG), or save it as PNG"]),
    "a truncated picture in content": (
        {"content/images/cut.png": pictures.png()[:200]},
        ["content/images/cut.png: cannot be read as a picture: it is damaged or cut short (truncated file read); "
         "save it again as .jpg, .jpeg, .png, .webp, .gif or .svg"]),
}


def test_pictures_over_the_limits_are_clear_errors(tmp_path):
    for index, (case, (files, expected)) in enumerate(CASES.items()):
        ended = contained(tmp_path / str(index), files)
        assert (ended.code, ended.lines) == (1, expected), case
        assert not re.search(r"0x[0-9a-f]{6,}|BytesIO", ended.err), case


def test_a_replaced_article_image_gives_a_cached_build_equal_to_a_cold_one(make_site, run, tmp_path):
    source = make_site({"therapists/ana.yaml": "name: Ana\n", "content/articles/walk.md": ARTICLE,
                        "content/images/walk.jpg": pictures.jpeg((2000, 1000))})
    assert run("build", "--source", source, "--output", tmp_path / "cached").code == 0
    (source / "content/images/walk.jpg").write_bytes(pictures.jpeg((1000, 1000)))  # another shape, same name
    assert run("build", "--source", source, "--output", tmp_path / "cached").code == 0
    assert run("build", "--source", source, "--output", tmp_path / "cold", "--no-cache").code == 0
    assert snapshot(tmp_path / "cached") == snapshot(tmp_path / "cold")
    assert 'width="960" height="960"' in (tmp_path / "cached/articles/walk/index.html").read_text()
