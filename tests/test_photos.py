"""Photos: a therapist's photo becomes web sizes in WebP and JPEG with a srcset, explicit width and height and the
alt text; small photos are never enlarged; results are cached by the photo's bytes; a profile without a photo
gets an initials placeholder; a file that is no picture is an error that names the profile and the line.
"""
from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from PIL import Image

import followed
from conftest import snapshot
from generator import photos

BUDGET = 200_000  # "under 200 kB"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = followed.make(tmp_path_factory)
    followed.build(root)
    return root


def picture_tag(html: str) -> str:
    return re.search(r"<picture>.*?</picture>", html, re.S).group(0)


def test_a_1200_by_1500_png_becomes_webp_and_jpeg_sizes_each_under_200_kb(site):
    original = Image.open(site / "therapists/ana-lima.png")
    assert original.size == (1200, 1500) and (site / "therapists/ana-lima.png").stat().st_size > 1_000_000
    folder = site / "public/therapists/ana-lima"
    made = sorted(p.name for p in folder.iterdir() if p.name.startswith("photo"))
    assert made == ["photo-200.jpg", "photo-200.webp", "photo-400.jpg", "photo-400.webp", "photo.jpg", "photo.webp"]
    sizes = {"photo-200": (200, 250), "photo-400": (400, 500), "photo": (800, 1000)}
    for name in made:
        data = (folder / name).read_bytes()
        assert len(data) < BUDGET, (name, len(data))
        image = Image.open(io.BytesIO(data))
        assert image.format == ("WEBP" if name.endswith(".webp") else "JPEG")
        assert image.size == sizes[name.rsplit(".", 1)[0]]
    assert not (site / "public/therapists/ana-lima.png").exists(), "the original is not published"


def test_the_profile_shows_a_picture_with_srcsets_width_height_and_alt(site):
    tag = picture_tag((site / "public/therapists/ana-lima/index.html").read_text())
    assert ('<source type="image/webp" sizes="10rem" srcset="/therapists/ana-lima/photo-200.webp 200w, '
            '/therapists/ana-lima/photo-400.webp 400w, /therapists/ana-lima/photo.webp 800w">') in tag
    img = re.search(r"<img [^>]*>", tag).group(0)
    assert 'src="/therapists/ana-lima/photo-400.jpg"' in img
    assert 'srcset="/therapists/ana-lima/photo-200.jpg 200w, /therapists/ana-lima/photo-400.jpg 400w, ' \
           '/therapists/ana-lima/photo.jpg 800w"' in img
    assert 'width="400" height="500"' in img and 'alt="Ana Lima smiling in her office"' in img


def test_a_profile_without_a_photo_gets_a_calm_initials_placeholder_without_inline_style(site):
    html = (site / "public/therapists/ben-okafor/index.html").read_text()
    assert '<div class="profile-photo photo-placeholder" aria-hidden="true">BO</div>' in html
    assert "<picture>" not in html and "style=" not in html
    assert ".photo-placeholder" in (site / "public/assets/site.css").read_text()


def test_photo_metadata_is_dropped_and_the_orientation_applied(make_site, run, tmp_path):
    exif = Image.Exif()
    exif[0x0112] = 6  # taken sideways: the picture is stored 300 x 200 but shown 200 x 300
    exif[0x010F] = "PhoneMaker"
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (120, 160, 150)).save(buffer, "JPEG", exif=exif)
    source = make_site({"therapists/ana.yaml": "name: Ana Lima\nphoto: ana.jpg\nphoto_alt: Ana\n",
                        "therapists/ana.jpg": buffer.getvalue()})
    assert run("build", "--source", source, "--output", tmp_path / "out").code == 0
    for name in ("photo.jpg", "photo.webp"):
        image = Image.open(tmp_path / "out/therapists/ana" / name)
        assert image.size == (200, 300)
        assert not image.getexif(), name
    assert 'width="200" height="300"' in (tmp_path / "out/therapists/ana/index.html").read_text()


def test_a_small_photo_is_never_enlarged(make_site, run, tmp_path):
    buffer = io.BytesIO()
    Image.new("RGBA", (300, 300), (120, 160, 150, 128)).save(buffer, "PNG")  # transparent: JPEG gets a background
    source = make_site({"therapists/ana.yaml": "name: Ana Lima\nphoto: ana.png\nphoto_alt: Ana\n",
                        "therapists/ana.png": buffer.getvalue()})
    assert run("build", "--source", source, "--output", tmp_path / "out").code == 0
    folder = tmp_path / "out/therapists/ana"
    assert sorted(p.name for p in folder.glob("photo*")) == ["photo-200.jpg", "photo-200.webp", "photo.jpg",
                                                             "photo.webp"]
    assert Image.open(folder / "photo.jpg").size == (300, 300)
    assert Image.open(folder / "photo.jpg").mode == "RGB" and Image.open(folder / "photo.webp").mode == "RGBA"
    tag = picture_tag((folder / "index.html").read_text())
    assert "photo-200.webp 200w, /therapists/ana/photo.webp 300w" in tag and 'width="300" height="300"' in tag


def test_a_file_that_is_no_picture_is_an_error_naming_the_profile_line_and_field(make_site, run, tmp_path):
    source = make_site({"therapists/ana.yaml": "name: Ana Lima\nphoto: ana.jpg\nphoto_alt: Ana\n",
                        "therapists/ben.yaml": "name: Ben Okafor\n\nphoto: ben.png\nphoto_alt: Ben\n",
                        "therapists/ana.jpg": b"this is a text file",
                        "therapists/ben.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 40})
    result = run("build", "--source", source, "--output", tmp_path / "out")
    assert result.code == 1
    lines = result.err.splitlines()
    assert lines[0] == "2 problems found:"
    assert lines[1].startswith("therapists/ana.yaml:2: photo: cannot read therapists/ana.jpg as a picture")
    assert lines[2].startswith("therapists/ben.yaml:3: photo: cannot read therapists/ben.png as a picture")
    assert not (tmp_path / "out").exists()


def test_sizes_are_cached_by_the_photos_bytes_and_a_changed_photo_is_encoded_again(site, monkeypatch):
    cache = site / ".cache/photos"
    assert len(list(cache.iterdir())) == 2  # one photo and one article image: a key each, holding their sizes
    before = snapshot(site / "public/therapists/ana-lima")

    def refuse(*args):
        raise AssertionError("encoded although the cache holds every size")

    monkeypatch.setattr(photos, "_encode", refuse)
    followed.build(site, output=site / "cached")
    assert snapshot(site / "cached/therapists/ana-lima") == before
    monkeypatch.undo()
    (site / "therapists/ana-lima.png").write_bytes(followed.portrait(seed=8))
    followed.build(site, output=site / "changed")
    changed = snapshot(site / "changed/therapists/ana-lima")
    assert changed["photo.jpg"] != before["photo.jpg"] and len(list(cache.iterdir())) == 3


def test_no_cache_writes_no_photo_cache_and_gives_the_same_bytes(site, tmp_path_factory):
    root = followed.make(tmp_path_factory, "nocache")
    followed.build(root, "--no-cache")
    assert not (root / ".cache/photos").exists()
    assert snapshot(root / "public/therapists/ana-lima") == snapshot(site / "public/therapists/ana-lima")


def test_an_unchanged_photo_is_not_read_again_and_one_rewritten_with_its_old_time_is(tmp_path_factory, monkeypatch):
    """Planning remembers a photo's size and digest, and that its kept web sizes are whole, while their files keep
    inode, size and times (cache.Cache.remembered): a rebuild reads none of them. A photo rewritten and given its
    old modification time back still moves the change time, and is read and encoded again."""
    root = followed.make(tmp_path_factory, "remembered")
    followed.build(root)
    read: list[str] = []
    header, matches = photos._header, photos._matches_sum
    monkeypatch.setattr(photos, "_header", lambda data: read.append("photo") or header(data))
    monkeypatch.setattr(photos, "_matches_sum", lambda kept, data: read.append(kept.name) or matches(kept, data))
    for _ in range(2):  # the first rebuild checks the web sizes the first build encoded, and remembers them
        read.clear()
        (root / "site.yaml").write_text((root / "site.yaml").read_text() + "\n")  # not "nothing changed"
        followed.build(root)
    assert read == []
    shown = snapshot(root / "public/therapists/ana-lima")
    photo = root / "therapists/ana-lima.png"
    before = photo.stat()
    photo.write_bytes(followed.portrait(seed=9))
    os.utime(photo, ns=(before.st_atime_ns, before.st_mtime_ns))
    followed.build(root)
    assert "photo" in read
    followed.build(root, "--no-cache", output=root / "cold")
    assert snapshot(root / "public/therapists/ana-lima") == snapshot(root / "cold/therapists/ana-lima")
    assert snapshot(root / "public/therapists/ana-lima")["photo.jpg"] != shown["photo.jpg"]


TEXT = "---\ntitle: At the beach\ndate: 2026-01-05\nsummary: S.\n---\n{body}"


def test_a_photo_in_an_articles_text_is_offered_in_web_sizes_without_its_metadata(make_site, run, tmp_path):
    """A phone's photo in an article is megabytes: the text offers it in web sizes (WebP and JPEG, no metadata,
    the orientation applied), with width and height, and every picture after the first is loaded when it comes
    near. A PNG (a drawing) keeps its file, with its size; a tag with its own width is left as it is."""
    from pictures import gif, jpeg, private_details
    body = ('![A quiet beach at sunrise](/images/beach.jpg "Morning")\n\n![A diagram](/images/steps.png)\n\n'
            '<img src="/images/beach.jpg" alt="Small" width="100">\n\n![Tiny](/images/tiny.jpg)\n\n'
            "![Waves moving](/images/waves.gif)\n")
    source = make_site({"content/articles/beach.md": TEXT.format(body=body),
                        "content/images/beach.jpg": jpeg((2400, 1600), orientation=6),
                        "content/images/tiny.jpg": jpeg((300, 200)),
                        "content/images/steps.png": Image_png(400, 300), "content/images/waves.gif": gif((120, 90)),
                        "site.yaml": "title: T\nbase_url: https://www.example-practice.org/clinic/\nunsafe_html: true\n"})
    result = run("build", "--source", source, "--output", tmp_path / "out")
    assert result.code == 0, result.err
    out = tmp_path / "out"
    page = (out / "articles/beach/index.html").read_text()
    pictures = re.findall(r"<picture>.*?</picture>", page, re.S)
    sizes = "(min-width: 44rem) 42rem, calc(100vw - 2rem)"  # the text's column, --measure in site.css
    # Taken sideways: 2400 x 1600 stored, 1600 x 2400 shown. The first picture: not lazy.
    assert pictures[0] == (
        f'<picture><source type="image/webp" sizes="{sizes}" srcset="/clinic/images/beach.480w.webp 480w, '
        '/clinic/images/beach.960w.webp 960w, /clinic/images/beach.1600w.webp 1600w">'
        f'<img src="/clinic/images/beach.960w.jpg" sizes="{sizes}" srcset="/clinic/images/beach.480w.jpg 480w, '
        '/clinic/images/beach.960w.jpg 960w, /clinic/images/beach.1600w.jpg 1600w" width="960" height="1440" '
        'decoding="async" alt="A quiet beach at sunrise" title="Morning"></picture>')
    assert 'srcset="/clinic/images/tiny.300w.webp 300w"' in page
    assert 'width="300" height="200" loading="lazy" decoding="async" alt="Tiny"' in page
    assert ('<img src="/clinic/images/steps.png" width="400" height="300" loading="lazy" decoding="async" '
            'alt="A diagram">') in page  # a drawing: its own file, with its size
    assert not list(out.glob("images/steps.*w.*"))
    assert ('<img src="/clinic/images/waves.gif" width="120" height="90" loading="lazy" decoding="async" '
            'alt="Waves moving">') in page  # it may move: its own file too
    assert '<img src="/clinic/images/beach.jpg" alt="Small" width="100">' in page  # the writer's own size
    for width, height in ((480, 720), (960, 1440), (1600, 2400)):
        for kind in ("webp", "jpg"):
            data = (out / f"images/beach.{width}w.{kind}").read_bytes()
            image = Image.open(io.BytesIO(data))
            assert image.size == (width, height) and private_details(data) == [], (width, kind)
    assert (out / "images/beach.jpg").is_file()  # the original stays, for links to it and the feeds
    feed = (out / "feed.xml").read_text()
    assert "https://www.example-practice.org/clinic/images/beach.jpg" in feed and ".960w." not in feed


def Image_png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (90, 140, 180)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_changed_photo_in_a_text_is_made_again_and_a_cached_build_equals_a_cold_one(make_site, run, tmp_path):
    from pictures import jpeg
    source = make_site({"content/articles/beach.md": TEXT.format(body="![A beach](/images/beach.jpg)\n"),
                        "content/images/beach.jpg": jpeg((1000, 800))})
    assert run("build", "--source", source, "--output", tmp_path / "out").code == 0
    (source / "content/images/beach.jpg").write_bytes(jpeg((600, 900)))  # another photo under the same name
    assert run("build", "--source", source, "--output", tmp_path / "out").code == 0
    assert run("build", "--source", source, "--output", tmp_path / "cold", "--no-cache").code == 0
    assert snapshot(tmp_path / "out") == snapshot(tmp_path / "cold")
    page = (tmp_path / "out/articles/beach/index.html").read_text()
    assert 'width="600" height="900"' in page and not (tmp_path / "out/images/beach.960w.jpg").exists()
    assert Image.open(tmp_path / "out/images/beach.600w.jpg").size == (600, 900)


def test_a_layouts_own_picture_is_sized_by_the_pictures_of_this_build_not_those_it_was_compiled_with(make_site, run,
                                                                                                     tmp_path):
    """Jinja applies a filter to a constant while it compiles, and compiled templates are kept for the next build
    in the same process (serve): ``sized`` depends on the build's pictures, so it must never be applied then."""
    from pictures import jpeg
    source = make_site({"content/articles/a.md": TEXT.format(body="Words.\n"),
                        "content/images/tiny.jpg": jpeg((300, 200)),
                        "layouts/footer_extra.html":
                            "{{ '<img src=\"/images/tiny.jpg\" alt=\"Foot\">' | sized | safe }}\n"})
    assert run("build", "--source", source, "--output", tmp_path / "one", "--no-cache").code == 0
    assert '<img src="/images/tiny.jpg" alt="Foot">' in (tmp_path / "one/articles/a/index.html").read_text()
    article = source / "content/articles/a.md"
    article.write_text(TEXT.format(body="![Tiny](/images/tiny.jpg)\n"))  # now a picture of the texts
    assert run("build", "--source", source, "--output", tmp_path / "two", "--no-cache").code == 0
    page = (tmp_path / "two/articles/a/index.html").read_text()
    assert 'width="300" height="200" decoding="async" alt="Foot"' in page
