"""Scaffold: a title or a name -> a new source file with every field present and a note on each.

Input: the site folder and what the person typed. Output: content/articles/<slug>.md (a draft dated today in the
site's time zone) or therapists/<slug>.yaml. Both build as generated, so the first thing someone sees after
``new`` is their page, not an error. An existing file is never overwritten.
"""
from __future__ import annotations

import json
import zoneinfo
from pathlib import Path

from .options import now
from .config import load_config
from .errors import Collector, UsageError
from .schema import Fields
from .slugs import slugify
from .validate import ARTICLE, RESERVED_THERAPIST_SLUGS, THERAPIST

NOTE_AT = 30  # the column where the notes start, so they read as one column
ARTICLE_BODY = """\
Write the article here. Leave an empty line between paragraphs.

## A heading for a section

Start a line with "## " to begin a section. *Italics*, **bold** and [links](https://example.org) work too.
"""
#: Text that ``new therapist`` (and ``init``) write for a person to replace: published as it is, it is a warning.
PLACEHOLDERS = (THERAPIST.table["bio"].scaffold.split("\n")[1].strip(), "Your Name")
#: The same for the articles ``new article`` and ``init`` write (init's welcome article also says it is a draft).
ARTICLE_PLACEHOLDERS = ("Write the article here.", "It is a draft, so it is not published yet")
PROFILE_HEADING = ("# The profile of {name}. Text after a # is a note and is ignored; docs/therapist-profiles.md "
                   "explains more.\n")


def fields_text(table: Fields, values: dict[str, str], indent: str = "") -> str:
    """Every field of ``table`` as YAML lines, each with its help as a note; ``values`` fills {title}, {name}...

    A group's fields follow it, indented; a list of groups gets its example as a commented item, valid once the
    '#' is removed.
    """
    lines = []
    for name, field in table.table.items():
        value, *more = field.scaffold.format(**values).split("\n") if field.scaffold else [_empty(field)]
        lines.append(f"{indent}{name}: {value}".rstrip().ljust(NOTE_AT) + f" # {field.help}\n")
        lines += [f"{line}\n" for line in more]
        if field.kind == "group":
            lines.append(fields_text(field.group, values, indent + "  "))
        elif field.group is not None and field.example:
            lines.append(f"#{indent}  - {field.example}\n")
    return "".join(lines)


def _empty(field) -> str:
    """How ``new`` writes a field left at its default: lists as [], yes/no and set defaults as the value."""
    value = field.value
    if isinstance(value, bool):
        return str(value).lower()
    if value == () and field.group is None:
        return "[]"
    return value if isinstance(value, str) else ""


def new_article(source: Path, title: str, slug: str = "") -> Path:
    """Create content/articles/<slug>.md as a draft dated today; refuse to replace an existing file. ``slug``: the
    file name to use instead of one made from the title."""
    require_site(source)
    slug = _slug(slug or title, "title", given=bool(slug))
    date = today(load_config(source, Collector()).timezone)  # a broken site.yaml is reported by build, not here
    text = "---\n" + fields_text(ARTICLE, {"title": quote(title), "date": date}) + "---\n" + ARTICLE_BODY
    return _create(source, f"content/articles/{slug}.md", text)


def new_therapist(source: Path, name: str, slug: str = "") -> Path:
    """Create therapists/<slug>.yaml with every field shown; refuse to replace an existing profile. ``slug``: the
    file name to use instead of one made from the name."""
    require_site(source)
    slug = _slug(slug or name, "name", given=bool(slug))
    if slug in RESERVED_THERAPIST_SLUGS:
        raise UsageError(f"the name {name!r} would make the file therapists/{slug}.yaml, whose address the "
                         "directory uses itself; give the full name")
    return _create(source, f"therapists/{slug}.yaml", profile_text(name))


def profile_text(name: str) -> str:
    """A profile with every field shown, each with its note: what ``new therapist`` and ``init`` write."""
    return PROFILE_HEADING.format(name=name) + fields_text(THERAPIST, {"name": quote(name)})


def today(timezone: str) -> str:
    """The build's "now" as a date in the site's time zone, as articles write it: 2026-10-05."""
    return now().astimezone(zoneinfo.ZoneInfo(timezone)).date().isoformat()


def require_site(source: Path) -> None:
    if not (source / "site.yaml").is_file():
        raise UsageError(f"{source} has no site.yaml, so it is not a site folder; run the command in the site's "
                         "folder or give it with --source")


def _slug(text: str, what: str, given: bool = False) -> str:
    """The file name (and web address) made from a title or a name; ``given``: written with --slug."""
    slug = slugify(text)
    example = "my-first-article" if what == "title" else "li-wei"
    if given and slug != text:
        raise UsageError(f"--slug {text!r}: a file name here is lowercase letters a-z, digits and dashes; "
                         f"e.g. --slug {slug or example}")
    if not slug:
        raise UsageError(f"the {what} {text!r} has no letters a-z or digits to make a file name and web address "
                         f"from; give one in Latin letters with --slug, e.g. --slug {example}")
    return slug


def quote(text: str) -> str:
    """Quote a value for YAML: a JSON string is a valid YAML double-quoted one, whatever it contains."""
    return json.dumps(text.strip(), ensure_ascii=False)


def _create(source: Path, rel: str, text: str) -> Path:
    target = source / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8") as file:  # "x": fail rather than replace someone's work
            file.write(text)
    except FileExistsError:
        raise UsageError(f"{target} already exists, and nothing was changed; open it to edit it, or choose "
                         "another title or name") from None
    return target
