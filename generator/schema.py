"""Declared field tables: how a YAML mapping is checked and turned into clean Python values and models.

Each field of site.yaml, an article, a page, a topic note or a profile is declared once, as a ``Field`` in a
``Fields`` table (config.py, validate.py): its checker, its default, its help text, an example and the value
``new`` writes. The checkers report ``expected ..., found ...`` with the field's own line; ``Fields.make`` builds
the model with every default filled in; scaffold.py writes ``new``'s files from the tables and reference.py the
field tables of docs/content-format.md. ``field_list`` gives the same tables as plain data (for an editor's
configuration).
"""
from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Callable, Iterator

from .errors import Collector, did_you_mean
from .load import NOT_XML, UNREAD, RawDoc

INVALID = object()  # a value that was reported; the caller uses a default so checking can go on
EMPTY = object()  # Field.default when the checker's own empty value is the default

DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?\s*(Z|[+-]\d{2}:?\d{2})?)?")  # offset needs a time
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
URL_RE = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)


def describe(value) -> str:
    """Name what was found in words a non-programmer understands."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a group of fields"
    return type(value).__name__


@dataclass(frozen=True, slots=True)
class Ctx:
    """Where a value sits: the document and the field name, for the problem report."""

    doc: RawDoc
    problems: Collector
    timezone: tzinfo | None = None

    def bad(self, field: str, message: str, hint: str = "", at: str = "") -> object:
        """Report a problem with ``field``, on the line of ``at`` when the field itself has none (it is missing)."""
        self.problems.add(self.doc.path, self.doc.line(at or field), field, message, hint)
        return INVALID


class Text:
    """A piece of text; numbers are accepted as text (postal codes, license numbers)."""

    expected = "text"
    kind, words, empty = "text", "text", ""  # the kind for tools, the kind in the docs, the value when left out

    def __init__(self, pattern: re.Pattern | None = None, expected: str = "", hint: str = "", kind: str = "",
                 words: str = ""):
        self.pattern, self.hint = pattern, hint
        if expected:
            self.expected = expected
        self.kind, self.words = kind or self.kind, words or self.words

    def __call__(self, value, field: str, ctx: Ctx):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            return ctx.bad(field, f"expected {self.expected}, found {describe(value)}", self.hint)
        value = NOT_XML.sub("", value).strip()  # YAML escapes like "\a" can still make them
        if self.pattern and not self.pattern.fullmatch(value):
            return ctx.bad(field, f"expected {self.expected}, found {value!r}", self.hint)
        return value


class Markdown(Text):
    """Text written in Markdown (a profile's bio): the browser editor offers its rich-text field."""

    expected = "text (Markdown)"
    words = "text, written in Markdown"


class Picture(Text):
    """The file name or path of a picture; the browser editor offers an upload. Existence is checked later."""


class Ref(Text):
    """The slug of another document (``kind``: "therapist"); the browser editor offers a choice among them."""

    def __init__(self, kind: str, pattern: re.Pattern, expected: str):
        super().__init__(pattern, expected, words="slug")
        self.kind = kind  #: the kind of document named, not the field's kind: "therapist"


def Email() -> Text:
    return Text(EMAIL_RE, "an email address like name@example.org", kind="email", words="email address")


def Url() -> Text:
    return Text(URL_RE, "a web address starting with https:// or http://",
                "write the whole address, including https://", kind="url", words="web address")


class Choice(Text):
    kind = "choice"

    def __init__(self, *choices: str, said: dict[str, str] | None = None):
        """``said``: other words people use for a choice (lowercase), offered when one of them is written."""
        super().__init__(expected="one of " + ", ".join(repr(c) for c in choices),
                         words=" or ".join(f"`{c}`" for c in choices))
        self.choices, self.said = choices, said or {}

    def __call__(self, value, field: str, ctx: Ctx):
        value = super().__call__(value, field, ctx)
        if value is not INVALID and value not in self.choices:
            meant = self.said.get(value.strip().lower()) or self.said.get(value.strip().lower().rstrip("s"))
            close = did_you_mean(value, self.choices)
            hint = f"write {meant!r} for {value!r}" if meant else close if close.startswith("did") else ""
            return ctx.bad(field, f"expected {self.expected}, found {value!r}", hint)
        return value


# Time zones as people say them ("Pacific", "EST", "Eastern Time") -> the name the computer knows them by.
SPOKEN_ZONES = {
    **dict.fromkeys(("pacific", "pt", "pst", "pdt"), "America/Los_Angeles"),
    **dict.fromkeys(("mountain", "mt", "mst", "mdt"), "America/Denver"),
    "arizona": "America/Phoenix",
    **dict.fromkeys(("central", "ct", "cst", "cdt"), "America/Chicago"),
    **dict.fromkeys(("eastern", "et", "est", "edt"), "America/New_York"),
    **dict.fromkeys(("alaska", "akst", "akdt"), "America/Anchorage"),
    **dict.fromkeys(("hawaii", "hst"), "Pacific/Honolulu"),
    **dict.fromkeys(("uk", "gmt", "bst", "london"), "Europe/London"),
}


def zone_hint(value: str) -> str:
    """How to write a time zone that was not found: the name it is known by, if it was said another way."""
    spoken = re.sub(r"\b(standard|daylight)?\s*time\b|\bzone\b", "", value.lower().replace("_", " ")).strip()
    meant = SPOKEN_ZONES.get(spoken)
    return f"write {meant}" if meant else "use a name like America/New_York or UTC"


class TimeZone(Text):
    expected = "a time zone name like America/Los_Angeles"
    kind, words = "timezone", "time zone name"

    def __call__(self, value, field: str, ctx: Ctx):
        value = super().__call__(value, field, ctx)
        try:
            return value if value is INVALID else (zoneinfo.ZoneInfo(value) and value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # "Pacific" is a folder of zones
            return ctx.bad(field, f"unknown time zone {value!r}", zone_hint(value))


class Bool:
    kind, words, empty = "bool", "yes/no", False

    def __call__(self, value, field: str, ctx: Ctx):
        if not isinstance(value, bool):
            return ctx.bad(field, f"expected true or false, found {describe(value)}",
                           "write true or false without quotes")
        return value


class Number:
    """A finite number within bounds: a fee of 1e300 is a typo, and would print as such on a profile."""

    empty = None

    def __init__(self, minimum: float = 0, integer: bool = False, maximum: float = 1_000_000):
        self.minimum, self.integer, self.maximum = minimum, integer, maximum
        self.kind = "integer" if integer else "number"
        self.words = ("whole number" if integer else "number") + (f", {minimum} or more" if minimum else "")

    def __call__(self, value, field: str, ctx: Ctx):
        kinds = int if self.integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds):
            word = "a whole number" if self.integer else "a number"
            digits = re.match(r"\s*\$?(\d+(?:\.\d+)?)\b", value) if isinstance(value, str) else None
            return ctx.bad(field, f"expected {word}, found {describe(value)}",
                           f"write digits only: {digits.group(1)}" if digits else "write digits only, e.g. 150")
        if value < self.minimum:
            return ctx.bad(field, f"expected a number of at least {self.minimum}, found {value}")
        if value > self.maximum:
            return ctx.bad(field, f"expected a number of at most {self.maximum:,}, found {value:,}")
        return value


LOOSE_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?")
CURLY = "“”‘’„«»"
AM_PM = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?\s*m\.?", re.IGNORECASE)


def _padded(match: re.Match) -> str:
    """'2026-12-1 9:00' -> '2026-12-01 09:00': what the person meant, in the form the files need."""
    year, month, day, hour, minute, second = match.groups()
    date = f"{year}-{int(month):02d}-{int(day):02d}"
    if hour is None:
        return date
    return f"{date} {int(hour):02d}:{int(minute):02d}" + (f":{int(second):02d}" if second else "")


class Date:
    """A date, optionally with a time and an offset; without an offset it is in the site's time zone."""

    kind, words, empty = "date", "date", None

    def __call__(self, value, field: str, ctx: Ctx):
        text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else None
        loose = LOOSE_DATE.fullmatch(text.strip(CURLY)) if text else None
        if text and text != text.strip(CURLY):
            return ctx.bad(field, f"the date {text!r} is between curly quotes (“ ”), which these files do not read "
                           "as quotes", f"remove them, or use straight quotes: {field.split('.')[-1]}: "
                           f"{_padded(loose) if loose else '2026-10-05'}")
        if loose and not DATE_RE.fullmatch(text):
            return ctx.bad(field, f"expected two digits for the month, the day, the hour and the minutes, found "
                           f"{text!r}", f"write {_padded(loose)}")
        twelve = AM_PM.fullmatch(text.strip(CURLY)) if text else None
        if twelve and 1 <= int(twelve.group(4)) <= 12:
            year, month, day, hour, minute, half = twelve.groups()
            hour = int(hour) % 12 + (12 if half.lower() == "p" else 0)
            return ctx.bad(field, f"expected the time on the 24-hour clock, found {text!r}",
                           f"write {int(year)}-{int(month):02d}-{int(day):02d} {hour:02d}:{int(minute or 0):02d}")
        if text is None or not DATE_RE.fullmatch(text):
            return ctx.bad(field, f"expected a date like 2026-10-05 or 2026-10-05 09:30, found {describe(value)}",
                           "write the year, month and day with dashes")
        try:
            moment = datetime.fromisoformat(text.replace(" ", "T", 1) if len(text) > 10 else text)
        except ValueError as exc:
            return ctx.bad(field, f"is not a real date or time: {text!r} ({exc})")
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=ctx.timezone)
        return moment


class ListOf:
    """A YAML list whose items all have one type; a single value where a list belongs is a mistake."""

    kind, empty = "list", ()

    def __init__(self, item, example: str = "[First, Second]", words: str = ""):
        self.item, self.example = item, example
        self.words = words or ("list of groups (below)" if isinstance(item, Fields) else f"list of {item.words}")

    def __call__(self, value, field: str, ctx: Ctx):
        if value is None:
            return ()
        if not isinstance(value, list):
            return ctx.bad(field, f"expected a list like {self.example}, found {describe(value)}",
                           "put the values in square brackets, separated by commas")
        items = tuple(self.item(item, f"{field}[{index}]", ctx) for index, item in enumerate(value))
        return INVALID if INVALID in items else items


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a document, declared once: everything the checks, the model, ``new`` and the docs need."""

    check: Callable  #: the checker: Text(), Bool(), ListOf(...), Fields(...) ...
    help: str  #: one line saying what to write: the note beside it in ``new``'s file, an editor's hint
    default: object = EMPTY  #: the value when left out; EMPTY: the checker's empty value ("", (), False, None)
    required: bool = False
    example: str = ""  #: a value as written in YAML, for the docs' "Example" column (and ``new``'s commented line)
    scaffold: str = ""  #: the value ``new`` writes ("" leaves it empty); may use {title}, {name}, {date}
    doc: str = ""  #: the docs' "What it does", when it says more than ``help``
    words: str = ""  #: the docs' "Kind", when the checker's own words are not enough
    shown_default: str = ""  #: the docs' "Default", when the value alone does not say it
    required_when: str = ""  #: a condition that makes it required ("`photo` is set"), checked by the validator
    shown_required: str = ""  #: the docs' "Required?", when another field decides it ("with `buttondown`")
    facet: str = ""  #: the directory filter its values feed, if any
    attr: str | None = ""  #: the model's attribute, when not the field's name; None: the builder derives from it
    form: str = ""  #: the browser editor's hint, where ``help`` speaks of the file ("[a, b]", "in quotes", "true")

    @property
    def value(self):
        """The value when the field is left out."""
        return self.check.empty if self.default is EMPTY else self.default

    @property
    def kind(self) -> str:
        """text, email, url, choice, timezone, bool, number, integer, date, list or group."""
        return self.check.kind

    @property
    def group(self) -> Fields | None:
        """The table of a group, or of each item of a list of groups."""
        inner = getattr(self.check, "item", self.check)
        return inner if isinstance(inner, Fields) else None


class Fields:
    """A mapping with declared fields: required ones, unknown keys with a hint, each value checked.

    With a ``model`` (a class or a function taking the fields as keywords), a group's value is that model, made
    with every field left out at its default; without one, the checked values as a dict.
    """

    kind, words = "group", "group (below)"

    def __init__(self, table: dict[str, Field], model: Callable | None = None, example: str = "field: value"):
        self.table, self.model, self.example = table, model, example
        self.required = tuple(name for name, field in table.items() if field.required)

    @property
    def empty(self):
        """The group's value when it is left out: the model with every default, or no values."""
        return self.make({}) if self.model else {}

    def make(self, values: dict, **derived):
        """Build the model from checked values, each field left out at its default; ``derived`` adds or replaces."""
        fields = {field.attr or name: values[name] if name in values else field.value
                  for name, field in self.table.items() if field.attr is not None}
        return self.model(**{**fields, **derived})

    def __call__(self, value, field: str, ctx: Ctx) -> dict | object:
        out, ok = self.check(value, field, ctx)
        if not ok:
            return INVALID
        return self.make(out) if self.model else out

    def check(self, value, field: str, ctx: Ctx) -> tuple[dict, bool]:
        """Return the valid fields and whether every field was valid, so callers can still use the good ones."""
        if value is None:
            value = {}
        if not isinstance(value, dict):
            ctx.bad(field, f"expected fields like {{{self.example}}}, found {describe(value)}")
            return {}, False
        out, ok = {}, True
        prefix = f"{field}." if field else ""
        meant = set()
        for key in value:
            if key not in self.table:
                group = next((name for name, declared in self.table.items()
                              if isinstance(declared.check, Fields) and key in declared.check.table), None)
                if group:  # "email:" written at the left margin instead of under "contact:"
                    ctx.bad(f"{prefix}{key}", f"is a field of '{group}', but is not indented under it",
                            f"indent the line with two spaces below the line '{group}:'")
                    meant.add(group)
                    ok = False
                    continue
                hint = did_you_mean(str(key), self.table)
                ctx.bad(f"{prefix}{key}", "unknown field", hint)
                meant.add(hint.split("'")[1] if hint.startswith("did") else None)
                ok = False
        for key, declared in self.table.items():
            # An optional field left empty ("" is what the browser editor writes for a cleared box) is left out.
            if key not in value or value[key] is None or (value[key] == "" and not declared.required):
                # A misspelt required field is reported once, as the misspelling.
                if declared.required and key not in meant and UNREAD not in ctx.doc.lines:
                    ctx.bad(f"{prefix}{key}", "is required but missing", f"add a line '{key}: ...'")
                ok = ok and not declared.required
                continue
            result = declared.check(value[key], f"{prefix}{key}", ctx)
            if result is INVALID:
                ok = False
            else:
                out[key] = result
        return out, ok

    def walk(self, path: str = "") -> Iterator[tuple[str, Fields]]:
        """This table and every group inside it, each with its dotted path ("fees", "locations")."""
        yield path, self
        for name, field in self.table.items():
            if field.group is not None:
                yield from field.group.walk(f"{path}.{name}" if path else name)


def field_list(table: Fields) -> list[dict]:
    """The table as plain data: name, kind, required, default, help, choices, item kind, nested fields.

    For tools that generate a configuration from the tables (a browser editor's field list): a list's items are
    described by ``item`` (their kind) and, for a list of groups, ``fields``; a group's fields by ``fields``.
    """
    out = []
    for name, field in table.table.items():
        check = field.check
        item = getattr(check, "item", None)
        choices = getattr(item if item is not None else check, "choices", ())
        entry = {"name": name, "kind": field.kind, "required": field.required, "default": field.value,
                 "help": field.help, "choices": tuple(choices), "item": item.kind if item is not None else "",
                 "facet": field.facet}
        if field.group is not None:
            entry["fields"] = field_list(field.group)
            if field.kind == "group":
                entry["default"] = None
        out.append(entry)
    return out


def check_document(doc: RawDoc, table: Fields, problems: Collector, timezone=None) -> tuple[dict, bool]:
    """Check a document's data against its table; return the valid values and whether all were valid."""
    return table.check(doc.data, "", Ctx(doc, problems, timezone))

