"""Benchmark corpus: the same N articles and M therapist profiles as three sites, ours, Pelican's and Hugo's.

``generate(root, articles=N, profiles=M, seed=S)`` writes ``root/ours`` (site.yaml, content/articles/*.md,
therapists/*.yaml with a photo each), ``root/pelican`` (content/articles/*.md with Pelican metadata, one page per
profile, pelicanconf.py on the default theme) and ``root/hugo`` (hugo.yaml, content/posts/*.md with YAML front
matter, content/therapists/*.md with every profile field as front matter and taxonomies for the facets, and a
minimal layout set), and returns a ``Corpus`` naming the three roots and, per tool, the file of the article the
one-edit rebuild changes. The same arguments always write the same bytes.

Articles are about 1,000 words: headings, a bullet and a numbered list, a block quote, links (to an earlier
article, to the author's profile, to an outside page) and emphasis. All three sites publish articles at
/articles/<slug>/ and profiles at /therapists/<slug>/, so the internal links resolve everywhere. The Markdown
work is comparable: ours uses extra + toc + sane_lists, Pelican is configured with the same extensions, Hugo
uses Goldmark with heading ids.

Run it alone to look at a corpus: ``python bench/corpus.py OUT --articles 20 --profiles 5``.
"""
from __future__ import annotations

import argparse
import json
import random
import struct
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

TOOLS = ("ours", "pelican", "hugo")
SITE_TITLE = "Bench Practice Network"
BASE_URL = "https://bench.example.org/"
TIMEZONE = "America/Los_Angeles"
START = datetime(2012, 1, 2, 8, 0)
SPAN = timedelta(days=365 * 14)  # every article is years in the past, whatever today is

FIRST = ("Ana", "Ben", "Carmen", "David", "Elena", "Farah", "Gabriel", "Hana", "Isaac", "Jade", "Kofi", "Lena",
         "Marcus", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Samuel", "Tara", "Uma", "Victor", "Wen", "Ximena",
         "Yusuf", "Zoe", "Ines", "Kai", "Leilani", "Mateo", "Noor", "Sofia", "Theo", "Amara", "Luca", "Mina")
LAST = ("Lima", "Okafor", "Reyes", "Park", "Whitfield", "Nguyen", "Haddad", "Kowalski", "Tanaka", "Moreau",
        "Adeyemi", "Castillo", "Lindqvist", "Brennan", "Shah", "Fischer", "Mendoza", "Osei", "Rossi", "Ibarra",
        "Novak", "Chen", "Duarte", "Eriksen", "Garza", "Hughes", "Iyer", "Jensen", "Kim", "Larsen", "Mbeki",
        "Ortiz", "Petrov", "Quintero", "Salazar", "Varga", "Walsh", "Yilmaz", "Zhou", "Abbott")
ROLES = (("PsyD", "Clinical Psychologist", "Psychologist", "PSY"),
         ("PhD", "Counseling Psychologist", "Psychologist", "PSY"),
         ("LCSW", "Clinical Social Worker", "Licensed Clinical Social Worker", "LCSW"),
         ("LMFT", "Marriage and Family Therapist", "Marriage and Family Therapist", "LMFT"),
         ("LPC", "Licensed Professional Counselor", "Licensed Professional Counselor", "LPC"),
         ("MD", "Psychiatrist", "Physician and Surgeon", "MD"))
PRONOUNS = ("she/her", "he/him", "they/them")
SPECIALTIES = ("Anxiety", "Depression", "Trauma", "Grief and Loss", "Couples", "Men's Issues", "OCD", "ADHD",
               "Addiction", "Life Transitions", "Perinatal Mental Health", "Self-Esteem", "Eating Disorders",
               "Chronic Illness", "Burnout", "Parenting")
TOPICS = SPECIALTIES[:12] + ("Relationships", "Self-Care", "Sleep", "Mindfulness", "Work and Stress",
                             "Family", "Therapy Basics", "Resilience")
MODALITIES = ("CBT", "EMDR", "DBT", "Acceptance and Commitment Therapy", "Psychodynamic Therapy",
              "Emotionally Focused Therapy", "Gottman Method", "Narrative Therapy", "Motivational Interviewing",
              "Internal Family Systems", "Somatic Experiencing")
POPULATIONS = ("Adults", "Teens", "Children", "Couples", "Families", "Older Adults", "Veterans", "LGBTQ+",
               "First Responders", "College Students")
LANGUAGES = ("Spanish", "Mandarin", "Vietnamese", "Korean", "Tagalog", "French", "Portuguese", "Arabic",
             "Russian", "Hindi")
INSURANCE = ("Aetna", "Blue Cross Blue Shield", "Cigna", "Kaiser Permanente", "Medicare", "Medicaid",
             "TRICARE", "UnitedHealthcare", "Optum", "Humana")
PLACES = (("CA", "San Diego", "92101"), ("CA", "Los Angeles", "90012"), ("NV", "Las Vegas", "89101"),
          ("OR", "Portland", "97201"), ("WA", "Seattle", "98101"), ("AZ", "Phoenix", "85004"),
          ("NY", "New York", "10001"), ("TX", "Austin", "78701"), ("CO", "Denver", "80202"),
          ("IL", "Chicago", "60601"), ("MA", "Boston", "02108"), ("FL", "Miami", "33130"))

# Sentences are put together from parts, so articles differ from one another as real ones do.
SUBJECTS = ("Many people", "Some clients", "A good therapist", "Your nervous system", "The first session",
            "A steady routine", "Grief", "Anxiety", "A supportive partner", "Every family", "Our attention",
            "The body", "A small habit", "Talking it through", "Shame", "Curiosity", "The therapeutic relationship",
            "A worried mind", "Rest", "Change")
VERBS = ("tends to", "can", "will often", "may", "usually needs to", "does not have to", "learns to",
         "is allowed to", "sometimes tries to", "gradually begins to")
ACTIONS = ("slow down before it speeds up", "notice what happens in the body first",
           "make room for feelings that seem too large", "find words for what was never said",
           "return to the present moment", "ask for help without apology", "carry old patterns into new places",
           "recover after a difficult week", "build trust one conversation at a time",
           "set a boundary that protects energy", "look for evidence rather than certainty",
           "treat setbacks as information", "hold two truths at the same time", "practise kindness toward itself",
           "keep going when progress feels invisible", "repair a rupture after an argument",
           "choose one small step for today", "let go of a rule that no longer fits")
TAILS = ("and that is completely normal", "even when it feels uncomfortable", "over weeks rather than days",
         "with patience and practice", "in ways that are easy to miss", "long before anyone else notices",
         "when the conditions are right", "without needing to be perfect", "with the support of others",
         "at its own pace")
HEADINGS = ("Why this matters", "What research suggests", "What can help", "When to ask for support",
            "Common misunderstandings", "A closer look", "Small steps", "In the therapy room", "At home",
            "Looking ahead", "Questions people ask", "What we notice")
LIST_ITEMS = ("Keep a short note of when the feeling starts", "Go to bed and get up at the same time",
              "Take a ten-minute walk outside", "Name three things you can see and hear",
              "Tell one trusted person how you are doing", "Write down the question you want to ask",
              "Drink water and eat something regular", "Limit news and social media in the evening",
              "Plan one pleasant activity each week", "Breathe out slowly, longer than you breathe in",
              "Notice the thought without arguing with it", "Be specific about what you need")
TITLE_WORDS = ("Notes on", "Living with", "Understanding", "A gentle guide to", "Questions about",
               "Making sense of")


@dataclass(frozen=True)
class Corpus:
    roots: dict[str, Path]  #: tool -> site folder
    edit_files: dict[str, Path]  #: tool -> the Markdown file of the article the one-edit rebuild changes
    edit_slug: str  #: that article's slug: its page is /articles/<slug>/ in every tool
    articles: int
    profiles: int


def slugify(text: str) -> str:
    out, dash = [], False
    for char in text.lower():
        if char.isascii() and char.isalnum():
            out.append(char)
            dash = False
        elif char != "'" and not dash and out:
            out.append("-")
            dash = True
    return "".join(out).strip("-")


def generate(root: Path, articles: int = 1000, profiles: int = 200, seed: int = 5) -> Corpus:
    """Write the corpus for all three tools under ``root`` (best a new folder); return it."""
    root = Path(root)
    rng = random.Random(seed)
    therapists = [_profile(rng, index) for index in range(profiles)]
    _unique_slugs(therapists)
    names = {t["slug"]: t["name"] for t in therapists}
    posts: list[dict] = []
    for index in range(articles):
        posts.append(_article(rng, index, articles, names, posts[-1]["slug"] if posts else None))
    roots = {tool: root / tool for tool in TOOLS}
    _write_ours(roots["ours"], therapists, posts)
    _write_pelican(roots["pelican"], therapists, posts)
    _write_hugo(roots["hugo"], therapists, posts)
    edit = posts[articles // 2] if posts else None
    edit_files = {} if edit is None else {
        "ours": roots["ours"] / "content" / "articles" / f"{edit['slug']}.md",
        "pelican": roots["pelican"] / "content" / "articles" / f"{edit['slug']}.md",
        "hugo": roots["hugo"] / "content" / "posts" / f"{edit['slug']}.md",
    }
    return Corpus(roots, edit_files, edit["slug"] if edit else "", articles, profiles)


def edit_article(path: Path, marker: str) -> None:
    """Append one paragraph naming ``marker`` to an article: the body ends every file in all three formats."""
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"\nThis paragraph was added by the benchmark's one-article edit ({marker}).\n")


# ----------------------------------------------------------------------------------------------- the content

def _profile(rng: random.Random, index: int) -> dict:
    first, last = rng.choice(FIRST), LAST[index % len(LAST)]
    name = f"{first} {last}"
    credential, title, license_type, prefix = rng.choice(ROLES)
    specialties = rng.sample(SPECIALTIES, rng.randint(2, 4))
    places = rng.sample(PLACES, rng.choice((1, 1, 2)))
    states = sorted({state for state, _, _ in places} | set(rng.sample([p[0] for p in PLACES], rng.randint(1, 3))))
    individual = rng.choice((120, 140, 150, 175, 200, 225))
    sentences = [_sentence(rng) for _ in range(rng.randint(4, 7))]
    return {
        "name": name,
        "credentials": [credential] + (["MA"] if rng.random() < 0.3 else []),
        "pronouns": rng.choice(PRONOUNS),
        "title": title,
        "photo_alt": f"Portrait of {name}",
        "bio": (f"{first} works with **{specialties[0].lower()}** and *{specialties[1].lower()}*.\n\n"
                f"{' '.join(sentences[:3])}\n\n{' '.join(sentences[3:])}\n"),
        "specialties": specialties,
        "modalities": rng.sample(MODALITIES, rng.randint(1, 3)),
        "populations": rng.sample(POPULATIONS, rng.randint(1, 3)),
        "languages": ["English", *rng.sample(LANGUAGES, rng.choice((0, 1, 1, 2)))],
        "insurance": rng.sample(INSURANCE, rng.randint(1, 3)),
        "fees": {"individual": individual, "couples": individual + 40, "sliding_scale": rng.random() < 0.4,
                 "currency": "USD"},
        "formats": ["in-person", "telehealth"],
        "locations": [{"name": f"{city} office", "address": f"{100 + 7 * index} Example Street", "city": city,
                       "state": state, "postal_code": postal} for state, city, postal in places],
        "telehealth_states": states,
        "licenses": [{"type": license_type, "state": state, "number": f"{prefix} {10000 + 37 * index + n}"}
                     for n, state in enumerate(states)],
        "accepting_new_clients": rng.random() < 0.6,
        "contact": {"email": "", "phone": f"+1-555-555-{index % 10000:04d}", "booking_url": "", "website": ""},
    }


def _unique_slugs(therapists: list[dict]) -> None:
    taken: set[str] = set()
    for index, person in enumerate(therapists):
        slug = base = slugify(person["name"])
        number = 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        taken.add(slug)
        person["slug"] = slug
        person["photo"] = f"{slug}.png"
        person["png"] = _png(index)
        person["contact"].update(email=f"{slug}@example.org", booking_url=f"https://example.org/book/{slug}",
                                 website=f"https://example.org/therapists/{slug}")


def _sentence(rng: random.Random, emphasis: bool = False) -> str:
    action = rng.choice(ACTIONS)
    if emphasis:
        mark = rng.choice(("*", "**", "_"))
        action = f"{mark}{action}{mark}"
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {action}, {rng.choice(TAILS)}."


def _paragraph(rng: random.Random, link: str | None = None) -> str:
    sentences = [_sentence(rng, emphasis=(n == 1)) for n in range(rng.randint(4, 6))]
    if link:
        sentences.insert(rng.randint(1, len(sentences)), link)
    return " ".join(sentences)


def _article(rng: random.Random, index: int, total: int, names: dict[str, str], previous: str | None) -> dict:
    """One article of about 1,000 words by one or two of the therapists in ``names`` (slug -> name)."""
    topics = rng.sample(TOPICS, rng.randint(1, 3))
    title = f"{rng.choice(TITLE_WORDS)} {topics[0].lower()} ({index + 1})"
    slug = slugify(title)
    date = START + SPAN * index / max(total, 1) + timedelta(minutes=rng.randint(0, 600))
    authors = rng.sample(list(names), min(len(names), 1 if rng.random() < 0.9 else 2))
    headings = rng.sample(HEADINGS, 5)
    blocks = [_paragraph(rng, f"[Read {names[authors[0]]}'s profile]"
                              f"(/therapists/{authors[0]}/) to learn more.") if authors else _paragraph(rng)]
    for n, heading in enumerate(headings):
        blocks.append(f"## {heading}")
        link = None
        if n == 1 and previous:
            link = f"There is more in [an earlier article](/articles/{previous}/)."
        elif n == 3:
            link = f"See [this outside resource](https://www.example.org/resources/{rng.randint(1, 500)})."
        blocks.append(_paragraph(rng, link))
        blocks.append(_paragraph(rng))
        if n == 1:
            blocks.append("\n".join(f"- {item}" for item in rng.sample(LIST_ITEMS, rng.randint(4, 6))))
        elif n == 2:
            blocks.append("\n".join(f"{k}. {item}" for k, item in
                                    enumerate(rng.sample(LIST_ITEMS, rng.randint(3, 5)), 1)))
        elif n == 3:
            blocks.append("> " + " ".join(_sentence(rng) for _ in range(2)))
        elif n == 4:
            blocks.append(f"### {rng.choice(HEADINGS)}, briefly")
            blocks.append(_paragraph(rng))
    body = "\n\n".join(blocks)
    return {
        "slug": slug, "title": title, "date": date.strftime("%Y-%m-%d %H:%M"), "authors": authors,
        "topics": topics, "summary": _sentence(rng), "body": body,
    }


# ----------------------------------------------------------------------------------------------- our format

def _write_ours(root: Path, therapists: list[dict], posts: list[dict]) -> None:
    _write(root / "site.yaml", _yaml({
        "title": SITE_TITLE, "base_url": BASE_URL, "description": "A generated network of practices for benchmarks.",
        "language": "en", "timezone": TIMEZONE,
        "practice": {"name": SITE_TITLE, "phone": "+1-555-555-0100", "email": "hello@example.org",
                     "address": "100 Example Way, San Diego, CA 92101"},
        "newsletter": {"title": "Bench Notes", "description": "Articles from our therapists."},
        "articles_per_page": 10,
    }))
    for person in therapists:
        profile = {key: value for key, value in person.items() if key not in ("slug", "png")}
        _write(root / "therapists" / f"{person['slug']}.yaml", _yaml(profile))
        _write(root / "therapists" / person["photo"], person["png"])
    for post in posts:
        front = {"title": post["title"], "date": post["date"],
                 "author": post["authors"][0] if len(post["authors"]) == 1 else post["authors"],
                 "topics": post["topics"], "summary": post["summary"]}
        _write(root / "content" / "articles" / f"{post['slug']}.md", f"---\n{_yaml(front)}---\n\n{post['body']}\n")


# ----------------------------------------------------------------------------------------------- Pelican

PELICANCONF = '''\
"""Pelican settings for the benchmark: the default theme, URLs like ours, Markdown extensions like ours."""
AUTHOR = "Bench"
SITENAME = {title!r}
SITEURL = {base_url!r}
PATH = "content"
TIMEZONE = {timezone!r}
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%Y-%m-%d"

ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]
ARTICLE_URL = "articles/{{slug}}/"
ARTICLE_SAVE_AS = "articles/{{slug}}/index.html"
PAGE_URL = "{{slug}}/"
PAGE_SAVE_AS = "{{slug}}/index.html"
TAG_URL = "topics/{{slug}}/"
TAG_SAVE_AS = "topics/{{slug}}/index.html"
CATEGORY_URL = "categories/{{slug}}/"
CATEGORY_SAVE_AS = "categories/{{slug}}/index.html"
AUTHOR_URL = "authors/{{slug}}/"
AUTHOR_SAVE_AS = "authors/{{slug}}/index.html"
DEFAULT_PAGINATION = 10
# 2,000 profile pages in the menu of every page would be a configuration nobody uses.
DISPLAY_PAGES_ON_MENU = False

# Our feeds: the newsletter (RSS + Atom), one per topic and one per author.
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
TAG_FEED_RSS = "topics/{{slug}}/feed.xml"
AUTHOR_FEED_RSS = "authors/{{slug}}/feed.xml"
AUTHOR_FEED_ATOM = None
CATEGORY_FEED_ATOM = None
FEED_MAX_ITEMS = 20
RSS_FEED_SUMMARY_ONLY = False

# The same Python-Markdown work as ours: extra (abbr, attr_list, def_list, fenced_code, footnotes, md_in_html,
# tables) + toc + sane_lists. Pelican adds `meta` itself to read the metadata.
MARKDOWN = {{
    "extension_configs": {{
        "markdown.extensions.extra": {{}},
        "markdown.extensions.toc": {{}},
        "markdown.extensions.sane_lists": {{}},
    }},
    "output_format": "html5",
}}

# Pelican's own cache, used by the rebuilds; the cold build turns it off on the command line
# (-e CACHE_CONTENT=false LOAD_CONTENT_CACHE=false) after its folder is removed.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"
CONTENT_CACHING_LAYER = "reader"
CHECK_MODIFIED_METHOD = "mtime"
'''


def _write_pelican(root: Path, therapists: list[dict], posts: list[dict]) -> None:
    _write(root / "pelicanconf.py", PELICANCONF.format(title=SITE_TITLE, base_url=BASE_URL.rstrip("/"),
                                                       timezone=TIMEZONE))
    names = {t["slug"]: t["name"] for t in therapists}
    for post in posts:
        meta = [f"Title: {post['title']}", f"Date: {post['date']}", f"Category: {post['topics'][0]}",
                f"Tags: {', '.join(post['topics'])}", f"Slug: {post['slug']}",
                f"Authors: {', '.join(names[a] for a in post['authors'])}", f"Summary: {post['summary']}"]
        _write(root / "content" / "articles" / f"{post['slug']}.md", "\n".join(meta) + f"\n\n{post['body']}\n")
    for person in therapists:
        _write(root / "content" / "images" / "therapists" / person["photo"], person["png"])
        meta = [f"Title: {person['name']}, {', '.join(person['credentials'])}", f"Slug: therapists/{person['slug']}",
                f"Save_as: therapists/{person['slug']}/index.html", f"URL: therapists/{person['slug']}/"]
        _write(root / "content" / "pages" / "therapists" / f"{person['slug']}.md",
               "\n".join(meta) + "\n\n" + _profile_markdown(person, "/images/therapists/") + "\n")


def _profile_markdown(person: dict, photo_base: str) -> str:
    """Every field of a profile as Markdown, for Pelican, which has no data files: it renders it as a page."""
    fees = person["fees"]
    lines = [f"![{person['photo_alt']}]({photo_base}{person['photo']})", "",
             f"*{person['title']}* ({person['pronouns']})", "", person["bio"].strip(), ""]
    for field in ("specialties", "modalities", "populations", "languages", "insurance", "formats",
                  "telehealth_states"):
        lines += [f"## {field.replace('_', ' ').capitalize()}", "", *(f"- {v}" for v in person[field]), ""]
    lines += ["## Fees", "", f"- Individual: {fees['individual']} {fees['currency']}",
              f"- Couples: {fees['couples']} {fees['currency']}",
              f"- Sliding scale: {'yes' if fees['sliding_scale'] else 'no'}", "", "## Locations", ""]
    lines += [f"- **{loc['name']}**: {loc['address']}, {loc['city']}, {loc['state']} {loc['postal_code']}"
              for loc in person["locations"]]
    lines += ["", "## Licenses", ""] + [f"- {lic['type']}, {lic['state']}, {lic['number']}"
                                       for lic in person["licenses"]]
    contact = person["contact"]
    lines += ["", "## Contact", "",
              f"- Accepting new clients: {'yes' if person['accepting_new_clients'] else 'no'}",
              f"- Email: <{contact['email']}>", f"- Phone: {contact['phone']}",
              f"- [Book a session]({contact['booking_url']})", f"- [Website]({contact['website']})"]
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------- Hugo

HUGO_CONFIG = {
    "baseURL": BASE_URL, "locale": "en", "title": SITE_TITLE, "timeZone": TIMEZONE,
    "enableRobotsTXT": True,
    "pagination": {"pagerSize": 10},
    "permalinks": {"page": {"posts": "/articles/:slug/", "therapists": "/therapists/:slug/"},
                   "section": {"posts": "/articles/"}},
    # Our topic pages, author pages (profiles list their articles) and directory facet pages.
    "taxonomies": {"topic": "topics", "author": "authors", "specialty": "specialties", "language": "languages",
                   "insurer": "insurance", "state": "states", "format": "formats", "population": "populations",
                   "accepting": "accepting", "slidingscale": "sliding-scale"},
    "outputs": {"home": ["html", "rss"], "section": ["html", "rss"], "taxonomy": ["html"],
                "term": ["html", "rss"]},
    "markup": {"goldmark": {"parser": {"autoHeadingID": True}, "renderer": {"unsafe": False}}},
    "services": {"rss": {"limit": 20}},
}

HUGO_LAYOUTS = {
    "baseof.html": """\
<!doctype html>
<html lang="{{ site.Language.Locale }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ site.Title }}</title>
<link rel="canonical" href="{{ .Permalink }}">
<meta property="og:title" content="{{ .Title }}">
<meta property="og:description" content="{{ with .Description }}{{ . }}{{ else }}{{ .Summary | plainify | truncate 160 }}{{ end }}">
{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .RelPermalink }}">{{ end }}
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
<nav><a href="{{ "/therapists/" | relURL }}">Therapists</a> <a href="{{ "/articles/" | relURL }}">Articles</a>
<a href="{{ "/topics/" | relURL }}">Topics</a></nav>
<p>In crisis? Call or text <a href="tel:988">988</a>, the Suicide &amp; Crisis Lifeline.</p></header>
<main>{{ block "main" . }}{{ end }}</main>
<footer><p>{{ site.Title }}. In crisis? Call or text 988.</p></footer>
</body>
</html>
""",
    "home.html": """\
{{ define "main" }}
<h1>{{ site.Title }}</h1>
<h2>Newest articles</h2>
<ul>{{ range first 10 (where site.RegularPages "Section" "posts") }}<li>{{ partial "card.html" . }}</li>{{ end }}</ul>
<h2>Topics</h2>
<ul>{{ range site.Taxonomies.topics.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>
<h2>Therapists accepting new clients</h2>
<ul>{{ range where (where site.RegularPages "Section" "therapists") "Params.accepting_new_clients" true }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
{{ end }}
""",
    "single.html": """\
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "January 2, 2006" }}</time>
by {{ range $i, $a := .Params.authors }}{{ if $i }}, {{ end }}{{ with site.GetPage (printf "/therapists/%s" $a) }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ end }}
· {{ .WordCount }} words</p>
{{ .TableOfContents }}
{{ .Content }}
<p>Topics: {{ range .GetTerms "topics" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
</article>
{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">Newer: {{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a href="{{ .RelPermalink }}">Older: {{ .Title }}</a>{{ end }}
{{ end }}
""",
    "list.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ $pager := .Paginate .RegularPages }}
<ul>{{ range $pager.Pages }}<li>{{ partial "card.html" . }}</li>{{ end }}</ul>
{{ with $pager.Prev }}<a href="{{ .URL }}">Newer</a>{{ end }} {{ with $pager.Next }}<a href="{{ .URL }}">Older</a>{{ end }}
{{ end }}
""",
    "taxonomy.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
""",
    "term.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ $therapists := where .Pages "Section" "therapists" }}
{{ with $therapists }}<h2>Therapists</h2><ul>{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
{{ $pager := .Paginate (where .Pages "Section" "posts") }}
<ul>{{ range $pager.Pages }}<li>{{ partial "card.html" . }}</li>{{ end }}</ul>
{{ with $pager.Prev }}<a href="{{ .URL }}">Newer</a>{{ end }} {{ with $pager.Next }}<a href="{{ .URL }}">Older</a>{{ end }}
{{ end }}
""",
    "_partials/card.html": """\
<a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Date.Format "2006-01-02" }}</time>
<p>{{ with .Params.summary }}{{ . }}{{ else }}{{ .Summary }}{{ end }}</p>
""",
    "therapists/list.html": """\
{{ define "main" }}
<h1>Therapists</h1>
<ul>{{ range .RegularPages.ByTitle }}<li data-slug="{{ .File.ContentBaseName }}"><a href="{{ .RelPermalink }}">{{ .Title }}</a>
{{ delimit .Params.credentials ", " }} · {{ .Params.role }} · {{ delimit .Params.specialties ", " }}
· {{ delimit .Params.languages ", " }}{{ if .Params.accepting_new_clients }} · Accepting new clients{{ end }}</li>{{ end }}</ul>
{{ end }}
""",
    "therapists/single.html": """\
{{ define "main" }}
{{ $p := .Params }}
<article>
<h1>{{ .Title }}{{ with $p.credentials }}, {{ delimit . ", " }}{{ end }}</h1>
<img src="{{ printf "/therapists/%s" $p.photo | relURL }}" alt="{{ $p.photo_alt }}">
<p>{{ $p.role }} ({{ $p.pronouns }})</p>
{{ .Content }}
{{ range slice "specialties" "modalities" "populations" "languages" "insurance" "formats" "telehealth_states" }}
<h2>{{ . | humanize }}</h2><ul>{{ range index $p . }}<li>{{ . }}</li>{{ end }}</ul>
{{ end }}
<h2>Fees</h2>
<p>Individual {{ $p.fees.individual }} {{ $p.fees.currency }}, couples {{ $p.fees.couples }} {{ $p.fees.currency }}{{ if $p.fees.sliding_scale }}, sliding scale{{ end }}</p>
<h2>Locations</h2><ul>{{ range $p.locations }}<li>{{ .name }}: {{ .address }}, {{ .city }}, {{ .state }} {{ .postal_code }}</li>{{ end }}</ul>
<h2>Licenses</h2><ul>{{ range $p.licenses }}<li>{{ .type }}, {{ .state }}, {{ .number }}</li>{{ end }}</ul>
<p>{{ if $p.accepting_new_clients }}Accepting new clients{{ else }}Not accepting new clients{{ end }}</p>
<p><a href="mailto:{{ $p.contact.email }}">{{ $p.contact.email }}</a> · <a href="tel:{{ $p.contact.phone }}">{{ $p.contact.phone }}</a>
· <a href="{{ $p.contact.booking_url }}">Book</a> · <a href="{{ $p.contact.website }}">Website</a></p>
</article>
{{ with site.Taxonomies.authors.Get .File.ContentBaseName }}
<h2>Articles</h2><ul>{{ range .Pages }}<li>{{ partial "card.html" . }}</li>{{ end }}</ul>
{{ end }}
{{ end }}
""",
}


def _write_hugo(root: Path, therapists: list[dict], posts: list[dict]) -> None:
    _write(root / "hugo.yaml", _yaml(HUGO_CONFIG))
    for name, text in HUGO_LAYOUTS.items():
        _write(root / "layouts" / name, text)
    _write(root / "content" / "posts" / "_index.md", "---\ntitle: Articles\n---\n")
    _write(root / "content" / "therapists" / "_index.md", "---\ntitle: Therapists\n---\n")
    for post in posts:
        front = {"title": post["title"], "date": post["date"].replace(" ", "T") + ":00", "slug": post["slug"],
                 "authors": post["authors"], "topics": post["topics"], "summary": post["summary"]}
        _write(root / "content" / "posts" / f"{post['slug']}.md", f"---\n{_yaml(front)}---\n\n{post['body']}\n")
    for person in therapists:
        _write(root / "static" / "therapists" / person["photo"], person["png"])
        fields = {key: value for key, value in person.items() if key not in ("slug", "png", "bio", "name")}
        fields["role"] = fields.pop("title")  # Hugo's `title` is the page title: the name
        states = sorted({loc["state"] for loc in person["locations"]} | set(person["telehealth_states"]))
        front = {"title": person["name"], "slug": person["slug"], **fields,
                 "insurance": person["insurance"], "states": states,
                 "accepting": ["yes"] if person["accepting_new_clients"] else [],
                 "sliding-scale": ["yes"] if person["fees"]["sliding_scale"] else []}
        _write(root / "content" / "therapists" / f"{person['slug']}.md", f"---\n{_yaml(front)}---\n\n{person['bio']}")


# ----------------------------------------------------------------------------------------------- files

def _yaml(data: dict) -> str:
    # JSON is YAML: each value is written exactly (quotes kept on postal codes and phone numbers), one key a line.
    return "".join(f"{key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in data.items())


def _write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


def _png(index: int) -> bytes:
    """A valid 2x2 PNG whose colour depends on ``index``: a real photo file, without Pillow."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    pixel = bytes(((40 * index) % 256, (7 * index) % 256, 110))
    raw = b"".join(b"\x00" + pixel * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the benchmark corpus for ours, Pelican and Hugo.")
    parser.add_argument("out", type=Path, help="folder to write into (ours/, pelican/, hugo/ inside it)")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--profiles", type=int, default=200)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)
    corpus = generate(args.out, args.articles, args.profiles, args.seed)
    words = [len(p.read_text(encoding="utf-8").split("\n\n", 1)[1].split())
             for p in sorted((corpus.roots["ours"] / "content" / "articles").glob("*.md"))]
    print(f"wrote {args.articles} articles (about {sum(words) // max(len(words), 1)} words each) and "
          f"{args.profiles} profiles for {', '.join(TOOLS)} under {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
