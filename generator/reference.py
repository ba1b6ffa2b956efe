"""Field reference: the declared field tables -> the field tables of docs/content-format.md.

Each table in the docs sits between ``<!-- fields PATH -->`` and ``<!-- /fields -->``, PATH naming a table and
its groups ("therapist", "therapist.fees", "site.crisis.numbers"). ``python -m generator.reference`` (or
``make docs``) writes them again from config.py and validate.py; a test fails when the docs and the tables
disagree, or when a table has no place in the docs.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

from .config import TABLE as SITE
from .schema import Field, Fields
from .validate import ARTICLE, GUEST_AUTHOR, PAGE, THERAPIST, TOPIC

DOCS = Path(__file__).parent.parent / "docs" / "content-format.md"
TABLES = {"site": SITE, "article": ARTICLE, "page": PAGE, "topic": TOPIC, "author": GUEST_AUTHOR,
          "therapist": THERAPIST}
BLOCK = re.compile(r"(<!-- fields (?P<path>[\w.]+) -->\n).*?(<!-- /fields -->)", re.DOTALL)
HEADER = "| Field | Kind | Required? | Default | What it does | Example |\n|---|---|---|---|---|---|\n"


def groups(tables: dict[str, Fields] = TABLES) -> dict[str, Fields]:
    """Every table and group by its path: "site", "site.practice", ... "therapist.contact"."""
    return {f"{kind}.{path}" if path else kind: group
            for kind, table in tables.items() for path, group in table.walk()}


def markdown(table: Fields) -> str:
    """The docs' table of one table or group: a row per field."""
    return HEADER + "".join(_row(name, field) for name, field in table.table.items())


def _row(name: str, field: Field) -> str:
    required = ("**required**" if field.required else field.shown_required or
                (f"**required when {field.required_when}**" if field.required_when else "optional"))
    cells = (f"`{name}`", field.words or field.check.words, required, field.shown_default or _default(field),
             field.doc or _sentence(field.help), _example(name, field))
    return "| " + " | ".join(cells) + " |\n"


def _sentence(help: str) -> str:
    return help[:1].upper() + help[1:] + ("" if help.endswith(".") else ".")


def _default(field: Field) -> str:
    value = field.value
    if field.required or value is None or value in ("", ()) or field.group is not None:
        return "none"
    return f"`{str(value).lower() if isinstance(value, bool) else value}`"


def _example(name: str, field: Field) -> str:
    if field.group is not None and (field.kind == "list" or not field.example):
        return "see below"
    return f"`{name}: {field.example}`" if field.example else "see the example"


def update(text: str, tables: dict[str, Fields] = TABLES) -> tuple[str, list[str]]:
    """Write every marked table again; return the text and the paths of tables that have no place in it."""
    known = groups(tables)
    seen = set()

    def table(match: re.Match) -> str:
        path = match["path"]
        seen.add(path)
        if path not in known:
            raise ValueError(f"docs: <!-- fields {path} --> names no table; known: {', '.join(known)}")
        return match.group(1) + markdown(known[path]) + match.group(3)

    return BLOCK.sub(table, text), [path for path in known if path not in seen]


def main(file: Path = DOCS) -> int:
    """Rewrite the field tables of ``file``; report the tables that have no marked place in it."""
    text, missing = update(file.read_text(encoding="utf-8"))
    file.write_text(text, encoding="utf-8")
    for path in missing:
        print(f"{file}: no <!-- fields {path} --> ... <!-- /fields --> for the table {path}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else DOCS))
