"""Branding in site.yaml: a logo and colours checked for contrast, and the icons, manifest and share image made
from the logo or the practice's initials."""
from __future__ import annotations

import io
import json

from PIL import Image

from conftest import snapshot
from generator import colors

SITE = "title: Riverside Counseling\nbase_url: https://riverside-counseling.org/\n"


def png(width: int, height: int, color=(31, 107, 103, 255), text: str = "") -> bytes:
    image = Image.new("RGBA", (width, height), color)
    out = io.BytesIO()
    if text:  # a text chunk: metadata that must not be published
        from PIL.PngImagePlugin import PngInfo
        info = PngInfo()
        info.add_text("Author", text)
        image.save(out, format="PNG", pnginfo=info)
    else:
        image.save(out, format="PNG")
    return out.getvalue()


def report(result) -> list[str]:
    return result.err.splitlines()[1:-1]


def test_an_accent_failing_contrast_is_refused_naming_the_line_the_pair_and_a_passing_colour(make_site, run):
    source = make_site({"site.yaml": SITE + "colors:\n  accent: \"#8FD3FF\"\n"})
    result = run("build", "--source", source)
    assert result.code == 1
    assert report(result) == [
        "site.yaml:4: colors.accent: the accent #8fd3ff on the background #fbfaf7 has a contrast of 1.56:1 in light "
        "mode, below the 4.5:1 that WCAG 2.2 AA asks of links and buttons; try accent: \"#006eb6\" (the same hue, "
        "darker), which has 4.6:1"]
    (source / "site.yaml").write_text(SITE + "colors:\n  accent: \"#006eb6\"\n")
    assert run("build", "--source", source, "--strict").code == 0


def test_text_failing_contrast_on_its_background_is_refused_with_a_passing_text_colour(make_site, run):
    source = make_site({"site.yaml": SITE + "colors: {background: \"#ffffff\", text: \"#777777\"}\n"})
    assert report(run("build", "--source", source)) == [
        "site.yaml:3: colors.text: the text colour #777777 on the background #ffffff has a contrast of 4.48:1 in "
        "light mode, below the 4.5:1 that WCAG 2.2 AA asks of text; try text: \"#757575\", which has 4.6:1"]


def test_a_colour_without_quotes_is_read_as_a_note_and_the_message_says_so(make_site, run):
    source = make_site({"site.yaml": SITE + "colors:\n  accent: #1f6b67\n"})
    assert report(run("build", "--source", source)) == [
        "site.yaml:4: colors.accent: is empty: a # without quotes starts a note in site.yaml, so the colour was not "
        "read; put the colour in quotes: accent: \"#1f6b67\""]


def test_a_colour_that_is_no_hex_colour_says_how_to_write_one(make_site, run):
    source = make_site({"site.yaml": SITE + "colors: {accent: teal}\n"})
    assert report(run("build", "--source", source)) == [
        "site.yaml:3: colors.accent: expected a colour like \"#1f6b67\", in quotes, found 'teal'; write the colour as "
        "# and six hex digits, in quotes: accent: \"#1f6b67\""]


def test_every_suggestion_passes_aa_in_light_and_the_dark_accent_in_dark_mode():
    for accent in ("#8fd3ff", "#ffff00", "#e07a5f", "#000080", "#777777", "#ff00ff"):
        for field, _, hint in colors.problems(accent, "", ""):
            better = hint.split('"')[1]
            assert colors.problems(better, "", "") == [], (accent, better)
        night = colors.dark_accent(accent)
        assert min(colors.contrast(night, ground) for ground in ("#141c1b", "#1c2625", "#1f2d2b")) >= 4.5


def test_colours_reach_pages_through_a_generated_stylesheet_never_inline(make_site, run, tmp_path):
    source = make_site({"site.yaml": SITE + "colors: {accent: \"#8a2be2\"}\n"})
    assert run("build", "--source", source, "--output", tmp_path / "out").code == 0
    css = (tmp_path / "out" / "assets" / "brand.css").read_text()
    assert "--accent: #8a2be2; --accent-text: #ffffff;" in css
    assert "@media screen {\n  :root { --bg: #fbfaf7;" in css  # printed pages keep the theme's print colours
    assert "@media screen and (prefers-color-scheme: dark) {\n  :root { --bg: #141c1b;" in css
    assert f"--accent: {colors.dark_accent('#8a2be2')};" in css
    for path, data in snapshot(tmp_path / "out").items():
        if path.endswith(".html"):
            page = data.decode()
            assert '<link rel="stylesheet" href="/assets/brand.css">' in page, path
            assert "style=" not in page and "<style" not in page, path


def test_a_png_logo_is_resized_stripped_and_shown_with_the_practice_name_as_its_text(make_site, run, tmp_path):
    source = make_site({"site.yaml": SITE + "practice: {name: Riverside Counseling LLC}\nlogo: logo.png\n",
                        "logo.png": png(800, 400, text="Secret Author")})
    assert run("build", "--source", source, "--output", tmp_path / "out", "--strict").code == 0
    out = tmp_path / "out"
    with Image.open(out / "assets" / "logo.png") as logo:
        assert logo.size == (192, 96) and "Author" not in logo.info
    assert (b'<a class="site-title" href="/"><img class="site-logo" src="/assets/logo.png" '
            b'alt="Riverside Counseling LLC" height="48"></a>') in (out / "index.html").read_bytes()
    with Image.open(out / "apple-touch-icon.png") as icon:  # the logo, centred on the background, opaque
        assert icon.size == (180, 180) and icon.mode == "RGBA" and icon.getpixel((1, 1))[3] == 255
        assert icon.getpixel((90, 90))[:3] == (31, 107, 103)


def test_without_a_logo_the_icons_show_the_practice_initials(make_site, run, tmp_path):
    from generator.icons import initials

    assert [initials(n) for n in ("Riverside Counseling", "The Center for Calm", "Ana", "Soins & Paix")] == [
        "RC", "CC", "A", "SP"]
    assert run("build", "--source", make_site(), "--output", tmp_path / "out").code == 0
    with Image.open(tmp_path / "out" / "favicon.ico") as ico:
        assert ico.format == "ICO" and ico.info["sizes"] == {(16, 16), (32, 32), (48, 48)}
    with Image.open(tmp_path / "out" / "assets" / "icon-512.png") as icon:
        assert icon.getpixel((256, 20))[:3] == (31, 107, 103)  # the theme's accent behind the letters


def test_every_page_links_the_icons_and_manifest_and_a_default_share_image(make_site, run, tmp_path):
    assert run("build", "--source", make_site(), "--output", tmp_path / "out").code == 0
    out = tmp_path / "out"
    for path, data in snapshot(out).items():
        if path.endswith(".html"):
            page = data.decode()
            for link in ('<link rel="icon" href="/favicon.ico" sizes="48x48">',
                         '<link rel="apple-touch-icon" href="/apple-touch-icon.png">',
                         '<link rel="manifest" href="/site.webmanifest">'):
                assert link in page, (path, link)
    manifest = json.loads((out / "site.webmanifest").read_text())
    assert manifest["name"] == "Test Practice" and manifest["start_url"] == "/"
    assert [(i["src"], i["sizes"]) for i in manifest["icons"]] == [("/assets/icon-192.png", "192x192"),
                                                                    ("/assets/icon-512.png", "512x512")]
    assert all((out / i["src"].lstrip("/")).is_file() for i in manifest["icons"])
    home = (out / "index.html").read_text()
    assert '<meta property="og:image" content="https://test-practice.org/assets/social.png">' in home
    with Image.open(out / "assets" / "social.png") as social:
        assert social.size == (1200, 630)


def test_the_feeds_carry_the_practice_icon(make_site, run, tmp_path):
    source = make_site({"content/articles/a.md": "---\ntitle: A\ndate: 2026-01-01\nsummary: S.\n---\nHi.\n"})
    assert run("build", "--source", source, "--output", tmp_path / "out").code == 0
    out = tmp_path / "out"
    base = "https://test-practice.org/assets/"
    rss = (out / "feed.xml").read_text()
    assert (f"<image>\n      <url>{base}icon-144.png</url>\n      <title>Test Practice</title>\n"
            "      <link>https://test-practice.org/</link>\n      <width>144</width>\n      <height>144</height>\n"
            "    </image>") in rss
    atom = (out / "atom.xml").read_text()
    assert f"<icon>{base}icon-192.png</icon>" in atom and f"<logo>{base}icon-144.png</logo>" in atom
    feed = json.loads((out / "feed.json").read_text())
    assert (feed["icon"], feed["favicon"]) == (base + "icon-512.png", base + "icon-144.png")


def test_a_logo_that_cannot_be_used_says_why_and_what_to_do(make_site, run):
    cases = {
        "logo: Logo.png\n": ("site.yaml:3: logo: file Logo.png not found; the file is called 'logo.png': write the "
                             "name exactly as it is, capitals included"),
        "logo: logo.jpg\n": ("site.yaml:3: logo: expected an SVG or PNG picture, found a .jpg file; save the logo as "
                             "PNG (with a transparent background) or SVG, and write that file's name"),
        "logo: evil.svg\n": ("site.yaml:3: logo: the SVG logo contains a script, which a web page must not run or "
                             "load; export it again as a plain SVG (e.g. Inkscape: Save As, Optimized SVG), or use a "
                             "PNG"),
        "logo: remote.svg\n": ("site.yaml:3: logo: the SVG logo contains a link that loads something from another "
                               "website, which a web page must not run or load; export it again as a plain SVG (e.g. "
                               "Inkscape: Save As, Optimized SVG), or use a PNG"),
        "logo: ../logo.png\n": ("site.yaml:3: logo: expected a file inside the site folder, found '../logo.png'; put "
                                "the logo next to site.yaml and write its file name, e.g. logo: logo.svg"),
    }
    for index, (line, message) in enumerate(cases.items()):
        source = make_site({"site.yaml": SITE + line, "logo.png": png(10, 10), "logo.jpg": b"\xff\xd8",
                            "evil.svg": '<svg viewBox="0 0 1 1"><script>alert(1)</script></svg>',
                            "remote.svg": '<svg><image href="https://cdn.example.com/a.png"/></svg>'},
                           name=f"site{index}")
        assert report(run("build", "--source", source)) == [message]


def test_a_square_svg_logo_is_also_the_favicon_and_a_wide_one_is_not(make_site, run, tmp_path):
    square = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><circle cx="32" cy="32" r="30"/></svg>'
    wide = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 64"><rect width="320" height="64"/></svg>'
    for name, svg, has in (("square", square, True), ("wide", wide, False)):
        source = make_site({"site.yaml": SITE + "logo: logo.svg\n", "logo.svg": svg}, name=name)
        out = tmp_path / f"{name}-out"
        assert run("build", "--source", source, "--output", out).code == 0
        assert (out / "assets" / "logo.svg").read_text() == svg  # nothing to clean: no comment, no metadata
        assert (out / "favicon.svg").is_file() == has
        link = '<link rel="icon" href="/favicon.svg" type="image/svg+xml">'
        assert (link in (out / "index.html").read_text()) == has
        assert (out / "favicon.ico").is_file()  # raster icons from the initials


def test_a_favicon_brought_in_content_is_an_error_as_the_site_makes_its_own(make_site, run):
    source = make_site({"content/favicon.ico": b"\x00\x00\x01\x00"})
    assert report(run("build", "--source", source)) == [
        "content/favicon.ico: would replace favicon.ico, which the site makes itself; rename or move the file; to "
        "change what the site makes, put your own version of its layout in layouts/"]


def test_a_changed_logo_is_rebuilt_by_a_cached_build_like_a_cold_one(make_site, run, tmp_path):
    source = make_site({"site.yaml": SITE + "logo: logo.png\n", "logo.png": png(100, 100)})
    assert run("build", "--source", source, "--output", tmp_path / "out").code == 0
    (source / "logo.png").write_bytes(png(100, 100, color=(200, 30, 30, 255)))
    assert run("build", "--source", source, "--output", tmp_path / "out").code == 0
    assert run("build", "--source", source, "--output", tmp_path / "cold", "--no-cache").code == 0
    assert snapshot(tmp_path / "out") == snapshot(tmp_path / "cold")
    with Image.open(tmp_path / "out" / "apple-touch-icon.png") as icon:
        assert icon.getpixel((90, 90))[:3] == (200, 30, 30)


def test_an_svg_logo_is_published_without_its_comments_and_metadata(make_site, run, tmp_path):
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><!-- drawn by Dr Secret -->'
           '<metadata><rdf:RDF>Secret Owner</rdf:RDF></metadata><circle cx="32" cy="32" r="30"/></svg>')
    source = make_site({"site.yaml": SITE + "logo: logo.svg\n", "logo.svg": svg})
    assert run("build", "--source", source, "--output", tmp_path / "out").code == 0
    for name in ("assets/logo.svg", "favicon.svg"):
        published = (tmp_path / "out" / name).read_text()
        assert "Secret" not in published and "<circle" in published, name
