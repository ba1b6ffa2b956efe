"""Declared field tables: how a YAML mapping is checked and turned into clean Python values.

Each field type checks one value and reports ``expected ..., found ...`` with the field's own line, so that
config.py and validate.py describe their formats as tables instead of as code.
"""
from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, tzinfo

from .errors import Collector, did_you_mean
from .load import NOT_XML, RawDoc

INVALID = object()  # a value that was reported; the caller uses a default so checking can go on

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

    def __init__(self, pattern: re.Pattern | None = None, expected: str = "", hint: str = ""):
        self.pattern, self.hint = pattern, hint
        if expected:
            self.expected = expected

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


class Picture(Text):
    """The file name or path of a picture; the browser editor offers an upload. Existence is checked later."""


class Ref(Text):
    """The slug of another document (``kind``: "therapist"); the browser editor offers a choice among them."""

    def __init__(self, kind: str, pattern: re.Pattern, expected: str):
        super().__init__(pattern, expected)
        self.kind = kind


def Email() -> Text:
    return Text(EMAIL_RE, "an email address like name@example.org")


def Url() -> Text:
    return Text(URL_RE, "a web address starting with https:// or http://",
                "write the whole address, including https://")


class Choice(Text):
    def __init__(self, *choices: str):
        super().__init__(expected="one of " + ", ".join(repr(c) for c in choices))
        self.choices = choices

    def __call__(self, value, field: str, ctx: Ctx):
        value = super().__call__(value, field, ctx)
        if value is not INVALID and value not in self.choices:
            close = did_you_mean(value, self.choices)
            return ctx.bad(field, f"expected {self.expected}, found {value!r}",
                           close if close.startswith("did") else "")
        return value


class TimeZone(Text):
    expected = "a time zone name like America/Los_Angeles"

    def __call__(self, value, field: str, ctx: Ctx):
        value = super().__call__(value, field, ctx)
        try:
            return value if value is INVALID else (zoneinfo.ZoneInfo(value) and value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # "Pacific" is a folder of zones
            return ctx.bad(field, f"unknown time zone {value!r}", "use a name like America/New_York or UTC")


class Bool:
    def __call__(self, value, field: str, ctx: Ctx):
        if not isinstance(value, bool):
            return ctx.bad(field, f"expected true or false, found {describe(value)}",
                           "write true or false without quotes")
        return value


class Number:
    """A finite number within bounds: a fee of 1e300 is a typo, and would print as such on a profile."""

    def __init__(self, minimum: float = 0, integer: bool = False, maximum: float = 1_000_000):
        self.minimum, self.integer, self.maximum = minimum, integer, maximum

    def __call__(self, value, field: str, ctx: Ctx):
        kinds = int if self.integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds):
            word = "a whole number" if self.integer else "a number"
            return ctx.bad(field, f"expected {word}, found {describe(value)}", "write digits only, e.g. 150")
        if value < self.minimum:
            return ctx.bad(field, f"expected a number of at least {self.minimum}, found {value}")
        if value > self.maximum:
            return ctx.bad(field, f"expected a number of at most {self.maximum:,}, found {value:,}")
        return value


class Date:
    """A date, optionally with a time and an offset; without an offset it is in the site's time zone."""

    def __call__(self, value, field: str, ctx: Ctx):
        text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else None
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

    def __init__(self, item, example: str = "[First, Second]"):
        self.item, self.example = item, example

    def __call__(self, value, field: str, ctx: Ctx):
        if value is None:
            return ()
        if not isinstance(value, list):
            return ctx.bad(field, f"expected a list like {self.example}, found {describe(value)}",
                           "put the values in square brackets, separated by commas")
        items = tuple(self.item(item, f"{field}[{index}]", ctx) for index, item in enumerate(value))
        return INVALID if INVALID in items else items


class Fields:
    """A mapping with declared fields: required ones, unknown keys with a hint, each value checked."""

    def __init__(self, table: dict, required: tuple = (), example: str = "field: value"):
        self.table, self.required, self.example = table, required, example

    def __call__(self, value, field: str, ctx: Ctx) -> dict | object:
        out, ok = self.check(value, field, ctx)
        return out if ok else INVALID

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
                hint = did_you_mean(str(key), self.table)
                ctx.bad(f"{prefix}{key}", "unknown field", hint)
                meant.add(hint.split("'")[1] if hint.startswith("did") else None)
                ok = False
        for key, check in self.table.items():
            if key not in value or value[key] is None:
                # A misspelt required field is reported once, as the misspelling.
                if key in self.required and key not in meant:
                    ctx.bad(f"{prefix}{key}", "is required but missing", f"add a line '{key}: ...'")
                ok = ok and key not in self.required
                continue
            result = check(value[key], f"{prefix}{key}", ctx)
            if result is INVALID:
                ok = False
            else:
                out[key] = result
        return out, ok


def check_document(doc: RawDoc, table: Fields, problems: Collector, timezone=None) -> tuple[dict, bool]:
    """Check a document's data against its table; return the valid values and whether all were valid."""
    return table.check(doc.data, "", Ctx(doc, problems, timezone))

