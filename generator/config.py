"""Config stage: site.yaml -> a frozen Config, every problem collected.

A missing or broken site.yaml is reported and a placeholder Config returned, so that the articles and profiles
are still checked and the practice sees every mistake in one report.
"""
from __future__ import annotations

import re
from pathlib import Path

from .errors import Collector
from .load import RawDoc, parse_yaml, read_text
from . import providers
from . import colors
from .icons import VECTOR, check_logo, square_svg
from .models import Colors, Config, Crisis, CrisisNumber, Editor, Link, Practice, US_988
from .schema import Bool, Choice, Ctx, Field, Fields, ListOf, Number, Text, TimeZone, URL_RE, Url, check_document

CRISIS_URL = Text(re.compile(r"(https?://|tel:|sms:)\S+"), "a link starting with tel:, sms: or https://",
                  kind="url", words="link starting with `tel:`, `sms:`, `https://` or `http://`")


def _crisis_number(label: str, number: str, url: str) -> CrisisNumber:
    """A crisis line; without a ``url`` a tap calls the number's digits."""
    return CrisisNumber(label, number, url or "tel:" + re.sub(r"[^\d+]", "", number))


PRACTICE = Fields({
    "name": Field(Text(), "the practice's name, shown in the footer of every page", example="Harbor Light Counseling",
                  shown_default="empty", doc="The practice's name, in the footer. **The footer line only appears "
                  "when `name` is set**. The other three fields are shown after it."),
    "phone": Field(Text(), "the main phone number, in quotes", example='"+1-619-555-0100"', shown_default="empty",
                   doc="Main phone number. Visitors can tap it to call. Put it in quotes.",
                   form="the main phone number"),
    "email": Field(Text(), "the main email address", example="hello@example.org", shown_default="empty",
                   doc="Main email address, shown as an email link."),
    "address": Field(Text(), "the main office address, on one line",
                     example="100 Example Way, San Diego, CA 92101", shown_default="empty",
                     doc="The main office address, on one line. Search engines read it from the home page; written "
                     "as street, city, two-letter state and ZIP code, its parts are told apart."),
}, model=Practice)

#: Each provider setting: (help, docs' kind, docs' "Required?", docs' default, example).
PROVIDER_DOCS = {
    "username": ("Your Buttondown username, as in buttondown.com/harborlight.", "text", "with `buttondown`", "",
                 "harborlight"),
    "action": ("Mailchimp: the address after `action=\"` in its embedded form code (`https://….list-manage.com/"
               "subscribe/post?u=…&id=…`). `form`: the address the provider's form posts to.", "https:// address",
               "with `mailchimp` and `form`", "", "https://harbor.us21.list-manage.com/subscribe/post?u=5f3a&id=9c1b"),
    "form_id": ("The number of your Kit form, as in app.kit.com/forms/1234567.", "number", "with `kit`", "", "1234567"),
    "list_id": ("Your EmailOctopus list ID, as in emailoctopus.com/lists/<list ID>.", "list ID", "with `emailoctopus`",
                "", "6c1e17a2-f89a-11e8-a3c9-06b79b628af2"),
    "url": ("The address of your listmonk.", "https:// address", "with `listmonk`", "", "https://lists.example.org"),
    "list_uuid": ("The UUID of the listmonk list people join.", "UUID", "with `listmonk`", "",
                  "6c1e17a2-f89a-11e8-a3c9-06b79b628af2"),
    "email_field": ("The name the provider expects for the email address.", "form field name", "with `form`",
                    "`email`", "EMAIL"),
    "fields": ("Hidden fields the provider's form sends as they are (a list number, a source).",
               "group of name: value", "with `form`", "", '{list: "42"}'),
    "honeypot": ("The provider's hidden anti-bot field, which people never see and must stay empty.",
                 "form field name", "with `form`", "`website`", "b_5f3a_9c1b"),
    "name": ("Who receives the address, as the consent line and the Privacy page name it.", "text", "with `form`",
             "the action's host", "Example Lists"),
    "unsubscribe": ("The provider's unsubscribe merge tag, put in emailed issues (`therapist-site newsletter`).",
                    "text", "with `form`", "", '"[unsubscribe]"'),
}
# Values stay a dict: providers.signup makes the sign-up form of them, and load_config the Config's fields.
NEWSLETTER = Fields({
    "title": Field(Text(), "the feed's name in readers and email services", example="Harbor Light Notes",
                   shown_default="the site's `title`",
                   doc="The feed's name in readers and email services. It is also used in the Subscribe page "
                   "heading (\"Subscribe to Harbor Light Notes\")."),
    "description": Field(Text(), "what the feed is about", example="Articles from our therapists.",
                         shown_default="the site's `description` (or its `title`)",
                         doc="The feed's description. It is also the introduction on the Subscribe page."),
    "provider": Field(Choice(*providers.PRESETS), "the mailing-list service that receives sign-ups",
                      example="buttondown", shown_default="none: feeds only",
                      words="one of " + ", ".join(f"`{name}`" for name in providers.PRESETS),
                      doc="The mailing-list service that receives sign-ups. Each takes the settings below."),
    **{name: Field(check, help, default=None, words=words, shown_required=needed, shown_default=default,
                   example=example)
       for name, check in providers.SETTINGS.items()
       for help, words, needed, default, example in [PROVIDER_DOCS[name]]},
})

CRISIS = Fields({
    "text": Field(Text(), "one calm sentence shown before the numbers", required=True,
                  example="You are not alone. Help is free, 24 hours a day."),
    "numbers": Field(
        ListOf(Fields({
            "label": Field(Text(), "the words before the number", required=True,
                           example='"Text HOME to the Crisis Text Line:"'),
            "number": Field(Text(), "the number as people should read it, in quotes", required=True,
                            example='"741741"', doc="The number as people should read it. Put it in quotes.",
                            form="the number as people should read it"),
            "url": Field(CRISIS_URL, "what a tap does: call (tel:), text (sms:) or open a web page",
                         example='"sms:741741"', shown_default="`tel:` followed by the digits of `number`",
                         doc="What happens when someone taps the number: call it (`tel:`), text it (`sms:`) or "
                         "open a web page."),
        }, model=_crisis_number), "[{label: 'Call or text', number: '988', url: 'tel:988'}]"),
        "the phone and text lines", shown_default="empty",
        doc="The phone and text lines. If the list is empty, the header shows \"Get help now\" and links to the "
        "footer box."),
    "chat_url": Field(Text(URL_RE, "a web address starting with https://", kind="url", words="web address"),
                      "address of an online crisis chat, shown in the footer",
                      example="https://988lifeline.org/chat/",
                      doc="Address of an online crisis chat, shown in the footer."),
    "emergency": Field(Text(), "what to do in immediate danger, shown in the footer",
                       example="If you are in immediate danger, call 911.",
                       doc="What to do in immediate danger, shown in the footer after the numbers."),
}, model=Crisis)

NAV = Fields({
    "title": Field(Text(), "the link's words in the menu", required=True, example="About"),
    "url": Field(Text(), "where it leads: /about/ for a page of this site, or a whole address", required=True,
                 example="/about/",
                 doc="Where it leads. For a page of this site, write the address starting with `/` (`/about/`). It "
                 "still works when the site lives in a folder of `base_url`. For another website, write the full "
                 "address. The address isn't checked, so make sure it's right."),
}, model=Link)

EDITOR = Fields({
    "backend": Field(Choice("github", "gitlab"), "the git host that keeps the site's files", required=True,
                     example="github"),
    "repo": Field(Text(re.compile(r"[\w.-]+(/[\w.-]+)+"), "the repository as owner/name, like ana/practice-site",
                       words="owner/name"), "the repository as owner/name", required=True,
                  example="ana/practice-site"),
    "branch": Field(Text(), "the branch the editor saves to", default="main", example="main"),
    "base_url": Field(Url(), "the sign-in (OAuth) service; empty: Netlify's", example="https://auth.example.org"),
    "app_id": Field(Text(), "GitLab only: the OAuth application's id, for sign-in without a service",
                    example="a1b2c3"),
}, model=Editor, example="backend: github, repo: owner/name, branch: main")

COLOR = Text(colors.HEX, 'a colour like "#1f6b67", in quotes',
             'write the colour as # and six hex digits, in quotes: accent: "#1f6b67"', words='colour, "#RRGGBB"')
COLORS = Fields({
    "accent": Field(COLOR, "links and buttons", example='"#1f6b67"'),
    "background": Field(COLOR, "the page background in light mode", shown_default="the theme's", example='"#ffffff"'),
    "text": Field(COLOR, "the text colour in light mode", shown_default="the theme's", example='"#1f2a2e"'),
}, model=Colors, example='accent: "#1f6b67"')

TABLE = Fields(
    {
        "title": Field(Text(), "the site's name", required=True, example="Harbor Light Counseling",
                       doc="The site's name. It appears in the header of every page, as the home page heading, at "
                       "the end of every browser-tab title (\"Grief Has No Timetable · Harbor Light Counseling\"), "
                       "and as the feed title when `newsletter.title` is not set."),
        "base_url": Field(Text(URL_RE, "an absolute address like https://www.example.org/",
                               "write the address where the site will live, starting with https://",
                               kind="url", words="web address"),
                          "the full address where the site will live", required=True,
                          example="https://harborlight.example.org/",
                          doc="The full address where the site will live. Every absolute link uses it: canonical "
                          "links, feeds, the sitemap and social-media previews. It may include a folder "
                          "(`https://example.org/clinic/`). A final `/` is added if you leave it out. An "
                          "address on a domain reserved for examples (`example.com`, `example.org`, `example.net`, "
                          "or ending in `.example`, `.test`, `.invalid`) is a warning, and an error with `--strict`: "
                          "links to it would lead nowhere. `therapist-site build --base-url URL` uses a different "
                          "address for one build, for "
                          "example for a preview."),
        "description": Field(Text(), "one or two sentences about the practice", shown_default="empty",
                             example="A group practice in San Diego.",
                             doc="One or two sentences about the practice. Shown under the heading on the home "
                             "page, used as the search-engine description of any page that has no summary of its "
                             "own, and used as the feed description when `newsletter.description` is not set."),
        "language": Field(Text(re.compile(r"[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*"), "a language code like en or en-US",
                               kind="language", words="language code (`en`, `es`, `en-US`...)"),
                          "the language of the site, for screen readers, search engines and feeds", default="en",
                          example="en-US",
                          doc="The language of the site, for screen readers, search engines and feeds."),
        "timezone": Field(TimeZone(), "the practice's time zone, e.g. America/Los_Angeles", default="UTC",
                          example="America/Los_Angeles",
                          doc="The practice's time zone. Article dates written without a time-zone offset are in "
                          "this zone. Use the standard name, such as `America/Los_Angeles`, `America/New_York`, "
                          "`America/Chicago`, `America/Denver`, `America/Phoenix`, `Pacific/Honolulu` or "
                          "`Europe/London`. An unknown name is an error. See "
                          "[Dates and time zones](#dates-and-time-zones)."),
        "practice": Field(PRACTICE, "the practice's name and contact details, shown in the footer of every page",
                          shown_default="none"),
        "newsletter": Field(NEWSLETTER, "name and description of the newsletter (the feeds), and its sign-up form",
                            shown_default="none", attr=None),
        "crisis": Field(CRISIS, "the crisis help shown on every page", default=US_988,
                        shown_default="the US **988** Suicide & Crisis Lifeline",
                        doc="The crisis help shown on every page (a short line in the header, and a full box in "
                        "the footer)."),
        "articles_per_page": Field(Number(minimum=1, integer=True), "how many articles each page of the list shows",
                                   default=10, example="12",
                                   doc="How many articles each page of the article list (`/articles/`, "
                                   "`/articles/page/2/`, ...) shows."),
        "nav": Field(ListOf(NAV, "[{title: About, url: /about/}]"), "extra links in the main menu",
                     shown_default="empty",
                     doc="Extra links in the main menu. They come after the built-in Therapists, Articles and "
                     "Topics links and before Subscribe. Standalone pages are **not** added to the menu "
                     "automatically, so list them here."),
        "example": Field(Bool(), "only for the fictional example site in the therapist-site repository",
                         example="true",
                         doc="Only for the fictional example site in the therapist-site repository: every page says "
                         "the site is fictional, and its example address in `base_url` is not warned about. Your own "
                         "site leaves it out."),
        "editor": Field(EDITOR, "the browser editor at /admin/: which git host keeps the site's files",
                        default=None, shown_default="none: no /admin/",
                        doc="The browser editor at `/admin/`: where the site's files are kept, so staff can edit "
                        "them in the browser."),
        "logo": Field(Text(), "the logo, an SVG or PNG file next to site.yaml", example="logo.svg",
                      shown_default="none", words="file name",
                      doc="The practice's logo, an **SVG or PNG** file in the site folder (next to `site.yaml`). It "
                      "replaces the title at the top of every page, with the practice's name as its text for screen "
                      "readers. A PNG is resized to 96 pixels high; an SVG is used as it is, and is refused if it "
                      "contains a script or loads anything from another website. See "
                      "[Logo, icons and colours](#logo-icons-and-colours)."),
        "colors": Field(COLORS, "brand colours, each \"#RRGGBB\" in quotes, checked for contrast",
                        shown_default="the theme's teal",
                        doc="Brand colours, each `\"#RRGGBB\"` **in quotes** (without quotes, `#` starts a note). "
                        "Checked for readable contrast in light and dark mode. See "
                        "[Logo, icons and colours](#logo-icons-and-colours).",
                        form="brand colours, each written as #RRGGBB, checked for contrast"),
        "unsafe_html": Field(Bool(), "true keeps HTML typed into Markdown as it is: only if every writer is trusted",
                             example="false",
                             doc="When `false`, HTML typed into Markdown is cleaned (see "
                             "[Markdown and HTML](#markdown-and-html)). Set it to `true` only if everyone who writes "
                             "content is trusted.",
                             form="on keeps HTML typed into Markdown as it is: only if every writer is trusted"),
    },
    model=Config,
)
PLACEHOLDER = TABLE.make({}, title="", base_url="https://example.org/", newsletter_title="",
                         newsletter_description="", signup=None)  # while site.yaml has mistakes


def load_config(source: Path, problems: Collector, base_url: str = "") -> Config:
    """Read and check site.yaml (``base_url`` overrides its own); on a problem report it, return a placeholder."""
    file = source / "site.yaml"
    placeholder = PLACEHOLDER
    if not file.is_file():
        problems.add("site.yaml", 0, "", "not found: every site needs a site.yaml with at least 'title' and "
                     "'base_url'", "create site.yaml, or point --source at the site's folder")
        return placeholder
    text = read_text(file, "site.yaml", problems)
    if text is None:
        return placeholder
    data, lines = parse_yaml(text, "site.yaml", 1, problems)
    if not lines:
        return placeholder
    if not isinstance(data, dict):
        problems.add("site.yaml", 1, "", "expected fields such as 'title: ...' and 'base_url: ...'")
        return placeholder
    if base_url:
        data = {**data, "base_url": base_url}
    doc = RawDoc("site.yaml", "config", data, lines)
    values, ok = check_document(doc, TABLE, problems)
    brand = _brand(source, doc, values, problems)
    newsletter = values.get("newsletter", {})
    signup = providers.signup(newsletter, Ctx(doc, problems)) if ok else None
    if not ok or brand is None or (signup is None and newsletter.keys() - {"title", "description"}):
        return placeholder  # a provider setting, the logo or a colour was wrong
    return TABLE.make(values, base_url=values["base_url"].rstrip("/") + "/", signup=signup,
                      newsletter_title=newsletter.get("title", ""),
                      newsletter_description=newsletter.get("description", ""), colors=brand,
                      svg_icon=_svg_icon(source, values.get("logo", "")))


def _svg_icon(source: Path, logo: str) -> bool:
    """Whether the logo can also be the favicon: an SVG about as wide as high (a wide one would be unreadable)."""
    return logo.lower().endswith(VECTOR) and square_svg((source / logo).read_bytes())


def _brand(source: Path, doc: RawDoc, values: dict, problems: Collector) -> Colors | None:
    """Check the logo file and the colours' contrast; the colours, or None when either has a problem (reported)."""
    ok = True
    if values.get("logo"):
        wrong = check_logo(source, values["logo"])
        if wrong:
            problems.add("site.yaml", doc.line("logo"), "logo", *wrong)
            ok = False
    raw = doc.data.get("colors")
    for key, value in (raw.items() if isinstance(raw, dict) else ()):
        if value is None and key in COLORS.table:  # "accent: #1f6b67": YAML reads a note, and no colour
            problems.add("site.yaml", doc.line(f"colors.{key}"), f"colors.{key}",
                         "is empty: a # without quotes starts a note in site.yaml, so the colour was not read",
                         f'put the colour in quotes: {key}: "#1f6b67"')
            ok = False
    given = values.get("colors") or Colors()
    found = Colors(*(colors.parse(value) or "" for value in (given.accent, given.background, given.text)))
    for field, message, hint in colors.problems(found.accent, found.background, found.text):
        problems.add("site.yaml", doc.line(field), field, message, hint)
        ok = False
    return found if ok else None
