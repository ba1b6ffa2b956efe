"""Brand colours (part of the config stage): site.yaml's ``colors`` -> a checked palette and /assets/brand.css.

A practice gives one accent (and, if it likes, a background and a text colour); everything else the theme needs
(cards, banners, muted text, button text, the dark-mode accent) is derived from them. Every pair a page shows as
text is held to WCAG 2.2 AA (4.5:1) in light and in dark mode; a pair that fails is refused with a colour that
passes, so nobody has to compute contrast ratios by hand. The colours reach pages as a generated stylesheet:
the Content-Security-Policy blocks inline style.
"""
from __future__ import annotations

import colorsys
import re
from dataclasses import dataclass

HEX = re.compile(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
AA = 4.5  # WCAG 2.2 AA for normal text
MARGIN = 4.6  # suggestions aim a little above AA, so rounding never lands them just under it

#: The built-in theme's colours (generator/layouts/static/site.css), which a site's ``colors`` replace.
LIGHT = {"bg": "#fbfaf7", "surface": "#ffffff", "text": "#1f2a2e", "accent": "#1f6b67", "banner": "#eef5f3"}
DARK = {"bg": "#141c1b", "surface": "#1c2625", "text": "#e8ece9", "banner": "#1f2d2b"}


def parse(value: str) -> str | None:
    """'#1F6B67' or '#1f6' -> '#1f6b67'; None when it is not a hex colour."""
    if not HEX.fullmatch(value):
        return None
    digits = value[1:].lower()
    return "#" + ("".join(c * 2 for c in digits) if len(digits) == 3 else digits)


def _rgb(color: str) -> tuple[float, float, float]:
    return tuple(int(color[i:i + 2], 16) / 255 for i in (1, 3, 5))


def _hex(rgb) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, c)) * 255):02x}" for c in rgb)


def luminance(color: str) -> float:
    """Relative luminance as WCAG defines it."""
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = map(channel, _rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two colours, from 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def mix(a: str, b: str, share_of_b: float) -> str:
    return _hex(x + (y - x) * share_of_b for x, y in zip(_rgb(a), _rgb(b)))


def _with_lightness(color: str, lightness: float) -> str:
    h, _, s = colorsys.rgb_to_hls(*_rgb(color))
    return _hex(colorsys.hls_to_rgb(h, lightness, s))


def nearest_passing(color: str, score) -> str:
    """The colour of the same hue and saturation closest in lightness to ``color`` whose ``score`` (its lowest
    contrast against what it is shown on) reaches MARGIN; ``color`` itself when it already does."""
    if score(color) >= MARGIN:
        return color
    start = colorsys.rgb_to_hls(*_rgb(color))[1]
    best = None
    for end in (0.0, 1.0):  # darker, then lighter: keep whichever needs the smaller change
        if score(_with_lightness(color, end)) < MARGIN:
            continue
        near, far = start, end
        for _ in range(40):
            middle = (near + far) / 2
            near, far = (middle, far) if score(_with_lightness(color, middle)) < MARGIN else (near, middle)
        if best is None or abs(far - start) < abs(best - start):
            best = far
    return _with_lightness(color, best) if best is not None else ("#000000" if score("#000000") > score("#ffffff")
                                                                  else "#ffffff")


def on_accent(accent: str) -> str:
    """Button text on the accent: white or near-black, whichever reads better (one of them always passes AA)."""
    return "#ffffff" if contrast(accent, "#ffffff") >= contrast(accent, "#111111") else "#111111"


@dataclass(frozen=True, slots=True)
class Palette:
    """Every colour the theme's custom properties take, for one colour scheme."""

    bg: str
    surface: str
    text: str
    muted: str
    accent: str
    accent_text: str
    border: str
    banner: str

    def css(self) -> str:
        return "; ".join(f"--{name.replace('_', '-')}: {value}" for name, value in (
            ("bg", self.bg), ("surface", self.surface), ("text", self.text), ("muted", self.muted),
            ("accent", self.accent), ("accent_text", self.accent_text), ("border", self.border),
            ("banner", self.banner)))


def _grounds(accent: str, scheme: dict) -> tuple[tuple[str, str], ...]:
    """What the accent is shown on as text: the page, the cards and the banners (tinted with the accent)."""
    return (("the background", scheme["bg"]), ("the cards' background", scheme["surface"]),
            ("the banners' background", mix(accent, scheme["bg"], 0.92)))


def _worst(color: str, grounds) -> tuple[float, str, str]:
    return min((contrast(color, ground), name, ground) for name, ground in grounds)


def light_scheme(background: str = "", text: str = "") -> dict:
    bg = background or LIGHT["bg"]
    dark_ground = luminance(bg) < 0.18
    surface = LIGHT["surface"] if not background else mix(bg, "#ffffff", 0.06 if dark_ground else 0.5)
    return {"bg": bg, "surface": surface, "text": text or (LIGHT["text"] if not dark_ground else DARK["text"])}


def palette(accent: str, scheme: dict) -> Palette:
    """The derived palette for one scheme, the accent kept as given (it is checked, not changed)."""
    bg, text = scheme["bg"], scheme["text"]
    muted = text
    for share in (0.35, 0.3, 0.25, 0.2, 0.15, 0.1, 0.05):  # as soft as it can be while still readable
        candidate = mix(text, bg, share)
        if min(contrast(candidate, bg), contrast(candidate, scheme["surface"])) >= MARGIN:
            muted = candidate
            break
    return Palette(bg, scheme["surface"], text, muted, accent, on_accent(accent), mix(text, bg, 0.8),
                   mix(accent, bg, 0.92))


DARK_GROUNDS = (("the dark background", DARK["bg"]), ("the dark cards' background", DARK["surface"]),
                ("the dark banners' background", DARK["banner"]))


def dark_accent(accent: str) -> str:
    """The accent for dark mode: the same hue, lightened just enough to read on the dark background."""
    return nearest_passing(accent, lambda c: _worst(c, DARK_GROUNDS)[0])


def problems(accent: str, background: str, text: str) -> list[tuple[str, str, str]]:
    """Check the colours in light and dark mode; return (field, message, a passing suggestion) per failure.

    ``background`` and ``text`` are "" when site.yaml leaves them to the theme."""
    found = []
    scheme = light_scheme(background, text)
    ratio = contrast(scheme["text"], scheme["bg"])
    if ratio < AA:
        field = "colors.text" if text else "colors.background"
        if text:
            better = nearest_passing(scheme["text"], lambda c: min(contrast(c, scheme["bg"]),
                                                                   contrast(c, scheme["surface"])))
            fix = f'try text: "{better}", which has {contrast(better, scheme["bg"]):.1f}:1'
        else:
            better = nearest_passing(scheme["bg"], lambda c: contrast(scheme["text"], c))
            fix = f'try background: "{better}", or set a text colour that contrasts with it'
        found.append((field, f"the text colour {scheme['text']} on the background {scheme['bg']} has a contrast "
                             f"of {ratio:.2f}:1 in light mode, below the {AA}:1 that WCAG 2.2 AA asks of text",
                      fix))
    if accent:
        ratio, ground_name, ground = _worst(accent, _grounds(accent, scheme))
        if ratio < AA:
            if contrast(accent, scheme["bg"]) < AA:  # name the page background the practice chose or knows
                ratio, ground_name, ground = contrast(accent, scheme["bg"]), "the background", scheme["bg"]
            better = nearest_passing(accent, lambda c: _worst(c, _grounds(c, scheme))[0])
            found.append(("colors.accent", f"the accent {accent} on {ground_name} {ground} has a contrast of "
                          f"{ratio:.2f}:1 in light mode, below the {AA}:1 that WCAG 2.2 AA asks of links and "
                          "buttons", f'try accent: "{better}" (the same hue, {_darker_or_lighter(accent, better)}), '
                          f"which has {_worst(better, _grounds(better, scheme))[0]:.1f}:1"))
        night = dark_accent(accent)
        ratio, ground_name, ground = _worst(night, DARK_GROUNDS)
        if ratio < AA:  # the dark accent is derived to pass; this guards the derivation itself
            found.append(("colors.accent", f"the accent {accent} cannot be made readable on {ground_name} "
                          f"{ground} in dark mode ({ratio:.2f}:1)", "choose a more saturated colour"))
    return found


def _darker_or_lighter(before: str, after: str) -> str:
    return "darker" if luminance(after) < luminance(before) else "lighter"


def stylesheet(accent: str, background: str, text: str) -> str:
    """/assets/brand.css: the theme's custom properties for light and dark mode, from site.yaml's colours."""
    light = palette(accent or LIGHT["accent"], light_scheme(background, text))
    if not (background or text):  # only the accent changes: keep the theme's own muted text and borders
        light = Palette(light.bg, light.surface, light.text, "#4c5a5e", light.accent, light.accent_text, "#d5dbd8",
                        light.banner)
    night_accent = dark_accent(accent or LIGHT["accent"]) if accent else "#86d3c9"
    dark = Palette(DARK["bg"], DARK["surface"], DARK["text"], "#b8c4c0", night_accent, on_accent(night_accent),
                   "#34423f", DARK["banner"])
    return ("/* Generated by therapist-site from the colors in site.yaml: edit them there, not here. */\n"
            f"@media screen {{\n  :root {{ {light.css()}; }}\n}}\n"  # paper keeps the theme's print colours
            f"@media screen and (prefers-color-scheme: dark) {{\n  :root {{ {dark.css()}; }}\n}}\n")
