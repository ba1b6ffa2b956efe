"""Gather stage: find the sources (sorted), read them as UTF-8, split front matter, parse YAML.

Input: the source folder. Output: ``RawDoc`` records holding plain data plus the line of every field, so later
stages can name the exact line of a mistake. YAML errors become problems with file lines, never swallowed.
"""
from __future__ import annotations

import contextlib
import hashlib
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import yaml

from .errors import Collector

KINDS = {"content/articles": "article", "content/pages": "page", "content/topics": "topic"}
AUTHORS = "content/authors"  # guest authors: one YAML file each, like a profile
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
PROFILE_SUFFIXES = (".yaml", ".yml")  # a profile or a guest author, in any capitals (Windows shows FILE.YAML)
TEXT_SUFFIXES = (".md", ".markdown", ".mdown")  # Markdown documents, as editors and Jekyll blogs name them
IGNORED = re.compile(r"(^|/)(\.|_|~)|~$|\.swp$")  # dotfiles, editor backups, partial saves
# Characters XML cannot carry (C0 controls but tab and newlines, lone surrogates, U+FFFE/U+FFFF): text pasted from
# elsewhere sometimes holds them, and one would make every feed unreadable.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# Limits on one YAML text (docs/security.md says why): a few lines of nested aliases ('&a', '*a') can stand for
# billions of values, and the libraries that read them recurse or take minutes long before memory runs out.
MAX_VALUES = 100_000  #: values in one file once aliases are expanded (a full profile holds about 100)
MAX_DEPTH = 50  #: levels of nesting (a profile needs 4)
MAX_DIGITS = 100  #: characters of a whole number (Python refuses to turn more than 4,300 into text at all)
MAX_SOURCE_BYTES = 1_000_000  #: one article, page or profile: Markdown reads about 200 KB a second
NON_FINITE = re.compile(r"[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)")
INT_TAG, FLOAT_TAG = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
ALIAS_HINT = "write the values out instead of repeating them with '&' and '*'"

# What a cached parse depends on besides the file: this module's code and the YAML library.
PARSER = hashlib.blake2b(Path(__file__).read_bytes() + yaml.__version__.encode(), digest_size=8).hexdigest()

# libyaml parses about 14 times faster than pure Python: it matters for sites with thousands of files.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Loader(_Base):
    """Safe loader that leaves dates as text, so every date goes through one parser with one error message, and
    reads as whole numbers only plain decimal digits (``DECIMAL``)."""


# YAML 1.1 reads 02134 as an octal number (1116), 1:30 as 90 and 1_000 as 1000: a ZIP code, a license or phone
# number typed without quotes would be published changed. What is not plain digits stays text, as typed.
DECIMAL = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
Loader.yaml_implicit_resolvers = {
    first: [(tag, DECIMAL if tag == INT_TAG else rx) for tag, rx in resolvers
            if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True, slots=True)
class RawDoc:
    """One source file as data: ``lines`` maps a field name (``languages[1]``) to its line in the file."""

    path: str
    kind: str
    data: dict
    lines: dict
    body: str = ""
    body_line: int = 0

    @property
    def stem(self) -> str:
        return Path(self.path).stem

    def line(self, field: str) -> int:
        """Return the line of ``field``, or of its closest parent that has one."""
        while field:
            if field in self.lines:
                return self.lines[field]
            field = re.sub(r"(\[\d+\]|\.[^.\[]+|^[^.\[]+)$", "", field)
        return self.lines.get("", 1)


@dataclass(frozen=True, slots=True)
class Sources:
    """Everything found in a source folder, each list sorted by path."""

    docs: tuple[RawDoc, ...]
    files: tuple[str, ...]  # other files under content/, copied as they are
    photos: tuple[str, ...]  # image files under therapists/
    profile_slugs: frozenset[str] = frozenset()  # every profile file found, readable or not
    guest_slugs: frozenset[str] = frozenset()  # every guest author file found, readable or not


def field_name(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


QUOTES_HINT = "put the whole value in quotes"
INDENT = ("this line is indented differently from the lines around it",
          "line up the fields of one level with the same number of spaces; a value that contains ': ' needs quotes")


def yaml_problem(exc: yaml.MarkedYAMLError, text: str) -> tuple[object, str, str]:
    """Translate a YAML parser error (libyaml's or PyYAML's wording) into (mark, what is wrong, how to fix it)."""
    context, problem = exc.context or "", exc.problem or ""
    opened = exc.context_mark or exc.problem_mark
    for mark in (exc.problem_mark, exc.context_mark):
        line = _line_at(text, mark)
        if any(quote in line for quote in CURLY_QUOTES):  # a word processor's “smart” quotes are no quotes here
            return mark, "this line has curly quotes (“ ” or ‘ ’), which these files do not read as quotes", (
                'replace them with straight ones ("), e.g. summary: "Grief: what helps"; word processors type '
                "curly quotes, so turn off their smart quotes or type the value in a plain text editor")
    if "flow sequence" in context:
        return opened, "the list that starts with '[' on this line is not closed properly", (
            "end the list with ']' and separate the values with commas; put a value that contains a comma or "
            "': ' in quotes")
    if "flow mapping" in context:
        return opened, "the group that starts with '{' on this line is not closed properly", (
            "end the group with '}' and separate its fields with commas")
    if "quoted scalar" in context:
        return opened, "a quote opens on this line and is never closed", (
            "end the text with the same kind of quote it starts with")
    if "simple key" in context:
        return opened, "this line has no ':' after a field name", (
            "write each field as 'name: value'; a value that goes on over several lines must be indented")
    mark = exc.problem_mark or exc.context_mark
    opening = _unclosed_quote_above(text, mark)
    if opening is not None:  # the quoted text ran on over the lines below, until some later quote ended it
        return opening, "a quote opens on this line and is not closed on it, so the lines after it were read as " \
            "part of this value", "end the text with the same kind of quote it starts with, on the same line"
    if "maximum nesting depth" in problem:
        return mark, f"values are nested more than {MAX_DEPTH} levels deep", "write nested lists and groups out flat"
    found = _character_at(text, mark)
    if "mapping values are not allowed" in problem:
        return mark, "a ':' is in a place where it is not allowed", (
            'if the value contains \': \', put the whole value in quotes, e.g. summary: "Grief: what helps"; '
            "otherwise check that this line is indented like the ones around it")
    if "tab" in problem or found == "\t":
        return mark, "a tab character is used for indentation", "replace the tab with spaces"
    sign = ("*" if "alias" in context or "alias" in problem else "!" if "tag" in problem
            else "%" if "directive" in context else found if "cannot start any token" in problem else "")
    if sign:
        return mark, f"a value starts with '{sign}', which has a special meaning in these files", QUOTES_HINT
    if "expected <block end>" in problem or "did not find expected" in problem or "not allowed" in problem:
        return mark, *INDENT
    return mark, problem or "the text is not in the expected format", (
        "check the indentation and quotes on this line or the one before; a value that contains ': ' or starts "
        "with a special character needs quotes")


CURLY_QUOTES = "“”‘’„"
# A field or list item whose value starts with a quote: `pronouns: "she/her` (YAML lets quoted text go on over
# several lines, so a quote left open is noticed only lines later, where some other quote closes it).
QUOTED_VALUE = re.compile(r"""^\s*(?:-\s+)?(?:[^\s#"'][^:#]*:\s+)?(["'])(.*)$""")


def _unclosed_quote_above(text: str, mark):
    """The mark of the nearest line above the error (or on it) whose quoted value is not closed on that line."""
    if mark is None:
        return None
    lines = text.split("\n")
    for number in range(min(mark.line, len(lines) - 1), -1, -1):
        found = QUOTED_VALUE.match(lines[number])
        if not found:
            continue
        quote, rest = found.groups()
        closed = re.search(r'(?<!\\)"', rest) if quote == '"' else "'" in rest.replace("''", "")
        if not closed:
            return yaml.Mark("", 0, number, 0, None, None)
        if number < mark.line:  # (the error's own line may hold the quote that ended the runaway text)
            return None  # a value closed on its line stands between: the error is not about a quote above it
    return None


def _line_at(text: str, mark) -> str:
    lines = text.split("\n")
    return lines[mark.line] if mark is not None and mark.line < len(lines) else ""


def _character_at(text: str, mark) -> str:
    lines = text.split("\n")
    if mark is None or mark.line >= len(lines) or mark.column >= len(lines[mark.line]):
        return ""
    return lines[mark.line][mark.column]


def parse_yaml(text: str, path: str, first_line: int, problems: Collector) -> tuple[object, dict]:
    """Parse YAML text that starts at ``first_line`` of ``path``; return (data, lines) or report a problem.

    After a syntax error (reported), the line it is on is set aside and the rest read again, up to a few times,
    so that the file's other mistakes are reported in the same run (no field is then called missing: it may be
    on a line set aside)."""
    attempt, unread = text, []
    for tries in range(REPAIRS + 1):
        try:
            with _loader(attempt) as loader:  # the loader checks for unprintable characters at once
                node = loader.get_single_node()
                if node is not None and not _within_limits(node, path, first_line, problems):
                    return None, {}
                data = loader.construct_document(node) if node is not None else None
            break
        except yaml.MarkedYAMLError as exc:
            mark, message, hint = yaml_problem(exc, attempt)
            if not tries:
                problems.add(path, first_line + (mark.line if mark else 0), "", f"cannot read this file: {message}",
                             hint)
            rows = attempt.split("\n")
            if mark is None or mark.line >= len(rows) or not rows[mark.line].strip() or tries == REPAIRS:
                return None, {}
            unread.append((mark.line, rows[mark.line]))
            rows[mark.line] = ""
            attempt = "\n".join(rows)
        except yaml.reader.ReaderError as exc:
            line = first_line + attempt[: exc.position].count("\n")
            problems.add(path, line, "", f"contains an invisible control character (#x{exc.character:04x})",
                         "delete it: retype the line, or paste it again as plain text")
            return None, {}
        except RecursionError:  # the pure-Python parser (no libyaml) recurses once per level of nesting
            problems.add(path, first_line, "", f"cannot read this file: values are nested more than {MAX_DEPTH} "
                         "levels deep", "write nested lists and groups out flat")
            return None, {}
    lines: dict = {"": first_line}
    _walk(node, (), first_line, lines, path, problems)
    for index, row in unread:
        key = re.match(r"([^\s:#][^:#]*?)\s*:", row)  # a top-level field whose line was set aside
        if key:
            lines.setdefault(key.group(1), first_line + index)
    if unread:
        lines[UNREAD] = True
    return ({} if data is None and unread else data), lines


UNREAD = ("unread",)  # in lines when a syntax error made lines unreadable: "missing" fields may be on them
REPAIRS = 5  # syntax errors set aside to read the rest of a file; the first one is the one reported


@contextlib.contextmanager
def _loader(text: str):
    loader = Loader(text)
    try:
        yield loader
    finally:
        loader.dispose()


def _within_limits(root, path: str, first_line: int, problems: Collector) -> bool:
    """Check the parsed values before they are built: a value that contains itself, more than MAX_VALUES values
    once aliases are expanded, nesting deeper than MAX_DEPTH, a number that is not finite or absurdly long.

    Aliases make the node graph shared, so each node is visited once (iteratively: no recursion to exhaust) and
    the expanded size is summed from its children's."""
    size: dict[int, int] = {}
    stack = [(root, (), 1, False)]
    on_path: set[int] = set()
    distinct = 0

    def report(node, at: tuple, message: str, hint: str = "") -> bool:
        name = field_name(at)
        name = name if len(name) <= 60 else name[:59] + "…"
        problems.add(path, first_line + node.start_mark.line, name, message, hint)
        return False

    while stack:
        node, at, depth, done = stack.pop()
        children = [v for pair in node.value for v in pair] if isinstance(node, yaml.MappingNode) else (
            node.value if isinstance(node, yaml.SequenceNode) else [])
        if done:
            on_path.discard(id(node))
            size[id(node)] = 1 + sum(size[id(child)] for child in children)
            if size[id(node)] > MAX_VALUES:
                kind = "holds" if distinct > MAX_VALUES else "through aliases ('*') stands for"
                return report(node, at, f"{kind} more than {MAX_VALUES:,} values", ALIAS_HINT if "alias" in kind
                              else "split it into smaller files")
            continue
        if id(node) in on_path:
            return report(node, at, "contains itself through an alias ('*')", ALIAS_HINT)
        if id(node) in size:
            continue
        distinct += 1
        if depth > MAX_DEPTH:
            return report(node, at, f"values are nested more than {MAX_DEPTH} levels deep",
                          "write nested lists and groups out flat")
        if isinstance(node, yaml.ScalarNode):
            if node.tag == INT_TAG and len(node.value) > MAX_DIGITS:
                return report(node, at, f"expected a sensible number, found one {len(node.value):,} characters long",
                              "if it is meant as text, put it in quotes")
            if node.tag == FLOAT_TAG and not _finite(node.value):
                return report(node, at, f"expected a finite number, found {node.value!r}",
                              "write the number in digits, e.g. 150, or put text in quotes")
            size[id(node)] = 1
            continue
        on_path.add(id(node))
        stack.append((node, at, depth, True))
        if isinstance(node, yaml.MappingNode):
            for key, value in reversed(node.value):
                stack.append((value, at + (str(key.value),), depth + 1, False))
                stack.append((key, at, depth + 1, False))
        else:
            for index in reversed(range(len(children))):
                stack.append((children[index], at + (index,), depth + 1, False))
    return True


def _finite(text: str) -> bool:
    if NON_FINITE.fullmatch(text):
        return False
    try:
        return math.isfinite(float(text.replace("_", "")))
    except ValueError:  # sexagesimal (1:30.5): finite, if odd
        return True


def _walk(node, at: tuple, first_line: int, lines: dict, path: str, problems: Collector) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict = {}
        for key_node, value_node in node.value:
            key = key_node.value
            line = first_line + key_node.start_mark.line
            name = field_name(at + (key,))
            if key in seen:
                problems.add(path, line, name, f"appears twice (first on line {seen[key]})",
                             "keep one of them")
            seen[key] = line
            lines[name] = line
            _walk(value_node, at + (key,), first_line, lines, path, problems)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[field_name(at + (index,))] = first_line + item.start_mark.line
            _walk(item, at + (index,), first_line, lines, path, problems)


def read_text(file: Path, rel: str, problems: Collector) -> str | None:
    """Read a file as UTF-8 with Unix line ends, or report where it is not UTF-8."""
    return decode_text(file.read_bytes(), rel, problems)


def decode_text(raw: bytes, rel: str, problems: Collector) -> str | None:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.add(rel, line, "", "is not saved as UTF-8 text",
                     "open it in your editor, choose Save As, and pick the UTF-8 encoding")
        return None
    return NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def split_front_matter(text: str, rel: str, problems: Collector) -> tuple[str, str, int] | None:
    """Split '---' front matter from the body; return (yaml, body, body_line) or report what is missing."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        problems.add(rel, 1, "", "no front matter at the top of the file",
                     "start the file with a line '---', then fields such as 'title: ...', then another '---'")
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1:]), index + 2
    problems.add(rel, 1, "", "the front matter starting on line 1 is never closed",
                 "add a line with only '---' after the last field (did you forget it?)")
    return None


def load_document(source: Path, rel: str, kind: str, problems: Collector,
                  parsed: dict[str, RawDoc] | None = None, used: dict[str, RawDoc] | None = None) -> RawDoc | None:
    """Read one Markdown or YAML source into a RawDoc, reporting problems instead of raising.

    ``parsed``: RawDocs of earlier builds by a digest of the file's path, kind and bytes; a file found there is
    not parsed again. Every clean RawDoc this returns is put in ``used`` under that digest.
    """
    raw = (source / rel).read_bytes()
    if len(raw) > MAX_SOURCE_BYTES:
        problems.add(rel, 0, "", f"is {len(raw) / 1e6:.1f} MB, more than the {MAX_SOURCE_BYTES / 1e6:.0f} MB an "
                     "article, page or profile may be", "split it into several articles, and put pictures and "
                     "downloads in content/ as files of their own")
        return None
    key = hashlib.blake2b(f"{PARSER}\0{rel}\0{kind}\0".encode() + raw, digest_size=16).hexdigest()
    if parsed is not None and key in parsed:
        doc = parsed[key]
    else:
        before = len(problems.problems)
        doc = _parse_document(raw, rel, kind, problems)
        if doc is None or len(problems.problems) > before:
            return doc  # a file with mistakes is read again next time, to report them again
    if used is not None:
        used[key] = doc
    return doc


def markdown_body(path: Path) -> str | None:
    """The body of a Markdown source as ``load_document`` reads it, for a worker converting it while this process
    reads the sources; None where reading it reports a problem (the build converts what it read itself)."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    problems = Collector()
    text = decode_text(raw, "", problems) if len(raw) <= MAX_SOURCE_BYTES else None
    split = split_front_matter(text, "", problems) if text is not None else None
    return split[1] if split else None


def _parse_document(raw: bytes, rel: str, kind: str, problems: Collector) -> RawDoc | None:
    text = decode_text(raw, rel, problems)
    if text is None:
        return None
    if kind in ("therapist", "author"):
        data, lines = parse_yaml(text, rel, 1, problems)
        body, body_line = "", 0
    else:
        split = split_front_matter(text, rel, problems)
        if split is None:
            return None
        front, body, body_line = split
        data, lines = parse_yaml(front, rel, 2, problems)
    if not lines:
        return None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        if isinstance(data, str):  # e.g. a profile holding only a name: say what was found in plain words
            problems.add(rel, lines[""], "", f"expected fields such as 'title: ...', found only the text {data!r}",
                         "write each field on its own line as 'name: value'")
        else:
            problems.add(rel, lines[""], "", f"expected fields such as 'title: ...', found {type(data).__name__}")
        return None
    return RawDoc(rel, kind, data, lines, body, body_line)


def _escapes(file: Path, source: Path, rel: str, problems: Collector) -> bool:
    """Report a symbolic link that leads outside the site folder: publishing it could leak any file."""
    if file.is_symlink() and not file.resolve().is_relative_to(source.resolve()):
        problems.add(rel, 0, "", "is a link to a place outside the site folder",
                     "copy the file into the site folder instead of linking to it")
        return True
    return False


class Found(NamedTuple):
    docs: list[tuple[str, str]]  #: (path, kind) of every document
    files: list[str]  #: other content files
    photos: list[str]  #: therapist photos

    def markdown(self, source: Path) -> list[Path]:
        """The Markdown documents (articles, pages, topics): what the Markdown workers may read themselves."""
        return [source / rel for rel, kind in self.docs if kind in MARKDOWN_KINDS]


MARKDOWN_KINDS = frozenset(KINDS.values())


def discover(source: Path, problems: Collector) -> Found:
    """List (path, kind) of documents, other content files and therapist photos, each sorted."""
    docs, files, photos = [], [], []
    content = source / "content"
    for file in sorted(content.rglob("*")) if content.is_dir() else ():
        rel = file.relative_to(source).as_posix()
        if IGNORED.search(rel[len("content/"):]) or _escapes(file, source, rel, problems) or not file.is_file():
            continue
        folder = str(Path(rel).parent)
        if rel.lower().endswith(TEXT_SUFFIXES) and folder in KINDS:
            docs.append((rel, KINDS[folder]))
        elif folder == AUTHORS and file.suffix.lower() in PROFILE_SUFFIXES:
            docs.append((rel, "author"))
        else:
            files.append(rel)
    layouts = source / "layouts"  # templates and static files are published too: none may lead out of the site
    for file in sorted(layouts.rglob("*")) if layouts.is_dir() else ():
        _escapes(file, source, file.relative_to(source).as_posix(), problems)
    therapists = source / "therapists"
    for file in sorted(therapists.iterdir()) if therapists.is_dir() else ():
        rel = file.relative_to(source).as_posix()
        if IGNORED.search(file.name) or _escapes(file, source, rel, problems) or not file.is_file():
            continue
        kind = therapist_file(file.name)
        if kind == "therapist":
            docs.append((rel, "therapist"))
        elif kind == "photo":
            photos.append(rel)
    return Found(docs, files, photos)


def therapist_file(name: str) -> str | None:
    """What a file in therapists/ is: "therapist" (a profile), "photo", or None (not read; lint.py says so)."""
    suffix = Path(name).suffix.lower()
    return "therapist" if suffix in PROFILE_SUFFIXES else "photo" if suffix in PHOTO_SUFFIXES else None


def load_sources(source: Path, problems: Collector, parsed: dict[str, RawDoc] | None = None,
                 used: dict[str, RawDoc] | None = None, found: Found | None = None) -> Sources:
    """Read every source document; unreadable ones are reported to ``problems`` and left out.

    ``parsed`` and ``used``: the parse cache, as in ``load_document``. ``found``: what ``discover`` listed."""
    listed, files, photos = found or discover(source, problems)
    docs = [doc for rel, kind in listed if (doc := load_document(source, rel, kind, problems, parsed, used))]
    profiles = frozenset(Path(rel).stem for rel, kind in listed if kind == "therapist")
    guests = frozenset(Path(rel).stem for rel, kind in listed if kind == "author")
    return Sources(tuple(docs), tuple(files), tuple(photos), profiles, guests)
