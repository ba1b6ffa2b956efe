"""A generator of realistic sites for tests and benchmarks: varied therapist profiles and articles, deterministic.

``generate_site(root, therapists=30, articles=60, seed=1)`` writes site.yaml, therapists/*.yaml (some with a
photo) and content/articles/*.md under ``root`` and returns ``root``. The same arguments always write the same
bytes. Every article is published (dated in the past of the test clock, never a draft), every author exists, and
the profiles cover what the directory must handle: self-pay and insured, in person only, online only and both,
several states and languages, names that need slugging (``Men's Issues``, ``LGBTQ+``, ``Français``).

Fixed facts the tests may rely on, whatever the seed and the counts (with at least two therapists):
- ``NO_ARTICLE_SPECIALTY`` is a specialty of the first profile generated and never an article topic;
- the first profile generated speaks Spanish and is accepting new clients, the second speaks Spanish and is not.
"""
from __future__ import annotations

import random
import struct
import zlib
from datetime import datetime, timedelta
from pathlib import Path

import yaml

NO_ARTICLE_SPECIALTY = "Eating Disorders"
FIRST = ("Ana", "Ben", "Carmen", "David", "Elena", "Farah", "Gabriel", "Hana", "Isaac", "Jade", "Kofi", "Lena",
         "Marcus", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Samuel", "Tara", "Uma", "Victor", "Wen", "Ximena",
         "Yusuf", "Zoe", "Ines", "Kai", "Leilani", "Mateo", "Noor", "Sofia")
LAST = ("Lima", "Okafor", "Reyes", "Park", "Whitfield", "Nguyen", "Haddad", "Kowalski", "Tanaka", "Moreau",
        "Adeyemi", "Castillo", "Lindqvist", "Brennan", "Shah", "Fischer", "Mendoza", "Osei", "Rossi", "Ibarra",
        "Novak", "Chen", "Duarte", "Eriksen", "Garza", "Hughes", "Iyer", "Jensen", "Kim", "Larsen", "Mbeki",
        "Ortiz", "Petrov", "Quintero", "Salazar", "Varga")
ROLES = (("PsyD", "Clinical Psychologist", "Psychologist", "PSY"), ("PhD", "Counseling Psychologist",
         "Psychologist", "PSY"), ("LCSW", "Clinical Social Worker", "Licensed Clinical Social Worker", "LCSW"),
         ("LMFT", "Marriage and Family Therapist", "Marriage and Family Therapist", "LMFT"),
         ("LPC", "Licensed Professional Counselor", "Licensed Professional Counselor", "LPC"),
         ("MD", "Psychiatrist", "Physician and Surgeon", "MD"))
PRONOUNS = ("she/her", "he/him", "they/them", "")
SPECIALTIES = ("Anxiety", "Depression", "Trauma", "Grief and Loss", "Couples", "Men's Issues", "OCD", "ADHD",
               "Addiction", "Life Transitions", "Perinatal Mental Health", "Self-Esteem", NO_ARTICLE_SPECIALTY)
ARTICLE_TOPICS = tuple(s for s in SPECIALTIES if s != NO_ARTICLE_SPECIALTY) + ("Relationships", "Self-Care")
MODALITIES = ("CBT", "EMDR", "DBT", "Acceptance and Commitment Therapy", "Psychodynamic Therapy",
              "Emotionally Focused Therapy", "Gottman Method", "Narrative Therapy", "Motivational Interviewing")
POPULATIONS = ("Adults", "Teens", "Children", "Couples", "Families", "Older Adults", "Veterans", "LGBTQ+",
               "First Responders", "College Students")
LANGUAGES = ("Spanish", "Mandarin", "Vietnamese", "Korean", "Tagalog", "Français", "Portuguese", "Arabic")
INSURANCE = ("Aetna", "Blue Cross Blue Shield", "Cigna", "Kaiser Permanente", "Medicare", "Medicaid",
             "TRICARE", "UnitedHealthcare", "Optum")
PLACES = (("CA", "San Diego", "92101"), ("CA", "Los Angeles", "90012"), ("NV", "Las Vegas", "89101"),
          ("OR", "Portland", "97201"), ("WA", "Seattle", "98101"), ("AZ", "Phoenix", "85004"),
          ("NY", "New York", "10001"), ("TX", "Austin", "78701"))
AVAILABILITY = ("weekdays", "evenings", "weekends")
AGES = ("children", "teens", "adults", "older adults")
GENDERS = ("woman", "man", "non-binary")
SENTENCES = (
    "Many people wait a long time before reaching out, and that is understandable.",
    "The relationship between client and therapist is one of the strongest predictors of progress.",
    "Small, steady steps tend to matter more than dramatic breakthroughs.",
    "It can help to notice what your body is doing before trying to change what you think.",
    "Sleep, movement and connection with others are not cures, but they make everything else easier.",
    "There is no single right way to grieve, and no deadline for feeling better.",
    "Asking a therapist about their approach in a first session is welcome, not rude.",
    "Avoidance brings relief in the short term and keeps fear alive in the long term.",
    "Couples often argue about the same thing for years because the argument is about something else.",
    "Self-compassion is a skill that can be practised, like any other.",
)
START = datetime(2024, 1, 1, 8, 0)
SPAN = timedelta(days=900)  # every article lands before 2026-06-20, in the past of the tests' fixed "now"


def generate_site(root: Path, therapists: int = 30, articles: int = 60, seed: int = 1) -> Path:
    """Write a complete site of ``therapists`` profiles and ``articles`` articles under ``root``; return root."""
    rng = random.Random(seed)
    rng.site_seed = seed
    root = Path(root)
    _write(root / "site.yaml", _dump({
        "title": "Generated Practice", "base_url": "https://generated.example.org/",
        "description": "A generated group practice for tests and benchmarks.", "timezone": "America/Los_Angeles",
        "practice": {"name": "Generated Practice", "phone": "+1-555-555-0100", "email": "hello@example.org"},
        "newsletter": {"title": "Generated Notes", "description": "Articles from our therapists."},
    }))
    slugs = []
    for index in range(therapists):
        slug, profile = _profile(rng, index, set(slugs))
        slugs.append(slug)
        if profile.get("photo"):
            _write(root / "therapists" / profile["photo"], _png(index))
        _write(root / "therapists" / f"{slug}.yaml", _dump(profile))
    for index in range(articles):
        name, text = _article(rng, index, articles, slugs)
        _write(root / "content" / "articles" / name, text)
    return root


def _profile(rng: random.Random, index: int, taken: set[str]) -> tuple[str, dict]:
    name = f"{rng.choice(FIRST)} {LAST[index % len(LAST)] if index < len(LAST) else rng.choice(LAST)}"
    slug = base = "-".join(name.lower().split())
    number = 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    credential, title, license_type, prefix = rng.choice(ROLES)
    specialties = rng.sample(SPECIALTIES, rng.randint(2, 4))
    languages = ["English", *rng.sample(LANGUAGES, rng.choice((0, 0, 1, 1, 2)))]
    accepting = rng.random() < 0.6
    if index == 0 and NO_ARTICLE_SPECIALTY not in specialties:
        specialties.append(NO_ARTICLE_SPECIALTY)
    if index in (0, 1):
        languages = [lang for lang in languages if lang != "Spanish"] + ["Spanish"]
        accepting = index == 0
    formats = rng.choice((["in-person"], ["telehealth"], ["in-person", "telehealth"], ["in-person", "telehealth"]))
    places = rng.sample(PLACES, rng.choice((1, 1, 2)))
    locations = [{"name": f"{city} office", "address": f"{100 + 7 * index} Example Street", "city": city,
                  "state": state, "postal_code": postal} for state, city, postal in places]
    states = sorted({state for state, _, _ in places} | set(rng.sample([p[0] for p in PLACES], rng.randint(0, 2))))
    profile: dict = {"name": name, "credentials": [credential]}
    if pronouns := rng.choice(PRONOUNS):
        profile["pronouns"] = pronouns
    profile["title"] = title
    if index % 7 == 3:
        profile["photo"], profile["photo_alt"] = f"{slug}.png", f"Portrait of {name}"
    profile["bio"] = (f"{name.split()[0]} (a generated example) works with {specialties[0].lower()} and "
                      f"{specialties[1].lower()}.\n\n{' '.join(rng.sample(SENTENCES, 3))}\n")
    profile.update({
        "specialties": specialties,
        "modalities": rng.sample(MODALITIES, rng.randint(1, 3)),
        "populations": rng.sample(POPULATIONS, rng.randint(1, 3)),
        "languages": languages,
    })
    if rng.random() < 0.75:
        profile["insurance"] = rng.sample(INSURANCE, rng.randint(1, 3))
    fees: dict = {"individual": rng.choice((120, 140, 150.5, 175, 200)), "sliding_scale": rng.random() < 0.4,
                  "currency": "USD"}
    if "Couples" in specialties or "Couples" in profile["populations"]:
        fees["couples"] = fees["individual"] + 40
    profile["fees"] = fees
    profile["formats"] = formats
    if "in-person" in formats:
        profile["locations"] = locations
    if "telehealth" in formats:
        profile["telehealth_states"] = states
    licensed = sorted({loc["state"] for loc in locations} | set(states))
    profile["licenses"] = [{"type": license_type, "state": state, "number": f"{prefix} {10000 + 37 * index + n}"}
                           for n, state in enumerate(licensed)]
    profile["accepting_new_clients"] = accepting
    contact: dict = {"email": f"{slug}@example.org"}
    if rng.random() < 0.8:
        contact["phone"] = f"+1-555-555-{1000 + index:04d}"
    if rng.random() < 0.6:
        contact["booking_url"] = f"https://example.org/book/{slug}"
    if rng.random() < 0.4:
        contact["website"] = f"https://example.org/{slug}"
    profile["contact"] = contact
    extra = random.Random(f"{seed_of(rng)}-{index}")  # its own sequence: the fields above stay as they were
    if extra.random() < 0.5:
        profile["free_consultation"] = extra.choice((15, 20, 30))
    if extra.random() < 0.8:
        profile["session_length"] = extra.choice((45, 50, 55, 60))
    if extra.random() < 0.8:
        profile["availability"] = sorted(extra.sample(AVAILABILITY, extra.randint(1, 3)), key=AVAILABILITY.index)
    if extra.random() < 0.7:
        profile["gender"] = extra.choice(GENDERS)
    if extra.random() < 0.8:
        profile["ages"] = sorted(extra.sample(AGES, extra.randint(1, 3)), key=AGES.index)
    return slug, profile


def seed_of(rng: random.Random) -> int:
    """A number that depends on the site's seed only, whatever has been drawn from ``rng`` since."""
    return getattr(rng, "site_seed", 0)


def _article(rng: random.Random, index: int, total: int, authors: list[str]) -> tuple[str, str]:
    topics = rng.sample(ARTICLE_TOPICS, rng.randint(1, 3))
    title = f"{rng.choice(('Notes on', 'Living with', 'Understanding', 'A gentle guide to'))} {topics[0].lower()}"
    slug = f"{'-'.join(title.lower().replace(chr(39), '').split())}-{index + 1}"
    date = START + SPAN * index / max(total, 1) + timedelta(minutes=rng.randint(0, 600))
    front: dict = {"title": f"{title} ({index + 1})", "date": date.strftime("%Y-%m-%d %H:%M")}
    roll = rng.random()
    if authors and roll < 0.95:
        front["author"] = rng.choice(authors) if roll < 0.85 else rng.sample(authors, min(2, len(authors)))
    front["topics"] = topics
    if rng.random() < 0.7:
        front["summary"] = rng.choice(SENTENCES)
    paragraphs = [" ".join(rng.choice(SENTENCES) for _ in range(rng.randint(3, 7)))
                  for _ in range(rng.randint(3, 10))]
    body = "\n\n".join(paragraphs[:2] + ["## What can help", "\n".join(f"- {s}" for s in rng.sample(SENTENCES, 3)),
                                         f"> {rng.choice(SENTENCES)}"] + paragraphs[2:])
    return f"{slug}.md", f"---\n{_dump(front)}---\n\n{body}\n"


class _Dumper(yaml.SafeDumper):
    """Writes text with line breaks as a ``|`` block, the way people write a bio by hand."""


_Dumper.add_representer(str, lambda dumper, text: dumper.represent_scalar(
    "tag:yaml.org,2002:str", text, style="|" if "\n" in text else None))


def _dump(data: dict) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000)


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
    pixel = bytes(((40 * index) % 256, 120, 110))
    raw = b"".join(b"\x00" + pixel * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
