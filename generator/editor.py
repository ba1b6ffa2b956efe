"""Editor stage: the checked config and the field tables -> /admin/, the browser editor (Decap CMS).

Input: the Config (``editor:`` in site.yaml) and the same field tables that validate every source. Output: the
files of /admin/: ``config.yml``, in which every collection and field is derived from those tables (so what the
editor saves is what the build accepts), ``index.html`` (rendered from the ``admin.html`` layout), ``checks.js``
(the checks Decap cannot express in config.yml) and the vendored Decap script, served from the site itself.
serve adds Decap's local backend (``local_backend`` pointing at serve's own /api/v1, see localedit.py).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import yaml

from . import config as site_config
from . import validate
from .validate import STATES
from .models import Config
from .providers import HiddenFields
from .schema import Bool, Choice, Date, Field, Fields, ListOf, Markdown, Number, Picture, Ref, Text, TimeZone

DECAP_VERSION = "3.16.3"  #: vendored by scripts/update-editor into generator/vendor/decap-cms/
VENDOR = Path(__file__).parent / "vendor" / "decap-cms"
PREFIX = "admin/"
#: Where each git host's API lives: the only other origins the editor's page may connect to.
API_ORIGINS = {"github": ("https://api.github.com",), "gitlab": ("https://gitlab.com",)}
#: Pictures for articles: uploaded into content/images/, addressed as /images/<file> (image: is /-rooted in content/).
MEDIA_FOLDER, PUBLIC_FOLDER = "content/images", "/images"
#: Decap's date widget writes this (dayjs tokens); schema.Date reads it, in the site's time zone.
DATE_FORMAT, DAY_FORMAT, TIME_FORMAT = "YYYY-MM-DD HH:mm", "YYYY-MM-DD", "HH:mm"
#: Decap's boolean widget shows a field left out of the file as off; ours (checks.js) shows ``left_out`` then.
SWITCH = "switch"
#: Collections: (name, label, folder, extension, format, field table, has a Markdown body, slug of a new entry).
COLLECTIONS = (
    ("articles", "Articles", "content/articles", "md", "frontmatter", validate.ARTICLE, True, "{{title}}"),
    ("therapists", "Therapists", "therapists", "yaml", "yaml", validate.THERAPIST, False, "{{name}}"),
    ("topics", "Topics", "content/topics", "md", "frontmatter", validate.TOPIC, True, "{{title}}"),
    ("pages", "Pages", "content/pages", "md", "frontmatter", validate.PAGE, True, "{{title}}"),
    ("authors", "Guest authors", "content/authors", "yaml", "yaml", validate.GUEST_AUTHOR, False, "{{name}}"),
)
IDENTIFIER = {"therapists": "name", "authors": "name"}  # the field that names an entry in lists (Decap's default is "title")


def label(name: str) -> str:
    """'accepting_new_clients' -> 'Accepting new clients'."""
    words = name.replace("_", " ")
    return re.sub(r"\burl\b", "web address", words[:1].upper() + words[1:])


def field(name: str, check, required: bool, help_text: str = "", declared: Field | None = None) -> dict:
    """One Decap field for one entry of a field table: the widget that fits its type, and its constraints."""
    out: dict = {"name": name, "label": label(name), "required": required}
    out.update(widget(check))
    if isinstance(check, Bool) and declared is not None:
        # A switch left out of a file shows what the build reads then (``left_out``, our switch widget in
        # checks.js), and a new entry starts as ``new`` starts its file: a new article as a draft.
        new = declared.scaffold == "true" if declared.scaffold else declared.value
        out.update({"default": new} if new else {}, **({"left_out": True} if declared.value else {}))
    if isinstance(check, Fields) and not required:
        out["fields"] = fields(check, optional=True)
    if isinstance(check, Text) and check.pattern is not None and not isinstance(check, (Choice, Ref)) \
            and out["widget"] == "string":
        out["pattern"] = [pattern(check.pattern), f"Expected {check.expected}"]
        help_text = help_text or f"Expected {check.expected}."
    if help_text:
        out["hint"] = help_text
    return out


def pattern(compiled: re.Pattern) -> str:
    """The validator's regular expression for JavaScript: anchored (Python's fullmatch), and a case-insensitive
    one spelt out letter by letter outside escapes and [classes] (a Decap pattern carries no flags)."""
    text = compiled.pattern
    if compiled.flags & re.IGNORECASE:
        parts = re.findall(r"\\.|\[(?:\\.|[^\]])*\]|.", text)
        text = "".join(f"[{p.lower()}{p.upper()}]" if p.isalpha() and len(p) == 1 else p for p in parts)
    return f"^(?:{text})$"


def widget(check) -> dict:
    """The widget part of a field: Decap's name for the kind of control, and what the control needs."""
    if isinstance(check, Bool):
        return {"widget": SWITCH}
    if isinstance(check, Number):
        return {"widget": "number", "value_type": "int" if check.integer else "float", "min": check.minimum}
    if isinstance(check, Date):
        return {"widget": "datetime", "format": DATE_FORMAT, "date_format": DAY_FORMAT, "time_format": TIME_FORMAT}
    if isinstance(check, Choice):
        return {"widget": "select", "options": list(check.choices)}
    if check is validate.STATE:
        return {"widget": "select", "options": [{"label": f"{name} ({code})", "value": code}
                                                for code, name in STATES.items()]}
    if isinstance(check, Ref):
        return {"widget": "relation", "collection": check.kind + "s", "value_field": "{{slug}}",
                "search_fields": [IDENTIFIER.get(check.kind + "s", "title")],
                "display_fields": [IDENTIFIER.get(check.kind + "s", "title")]}
    if isinstance(check, Markdown):
        return {"widget": "markdown"}
    if isinstance(check, Picture):
        return {"widget": "image", "choose_url": False}
    if isinstance(check, TimeZone):
        return {"widget": "string"}
    if isinstance(check, ListOf):
        item = check.item
        if isinstance(item, (Choice, Ref)) or item is validate.STATE:
            return {**widget(item), "multiple": True}
        if isinstance(item, Fields):
            return {"widget": "list", "collapsed": False, "fields": fields(item)}
        inner = field("item", item, True)
        return {"widget": "list", "field": inner} if "pattern" in inner else {"widget": "list"}
    if isinstance(check, Fields):
        return {"widget": "object", "collapsed": False, "fields": fields(check)}  # field() passes ``optional``
    if isinstance(check, Text):
        return {"widget": "string"}
    if isinstance(check, HiddenFields):  # names chosen by the provider: no form can list them; kept as they are
        return {"widget": "hidden"}
    raise TypeError(f"no editor widget for {type(check).__name__}: add one to editor.widget")


def fields(table: Fields, optional: bool = False) -> list[dict]:
    """The Decap fields of a table. In an ``optional`` group, Decap would demand the group's required fields even
    when the group is left empty, so there they are checked before saving instead (see ``rules``)."""
    return [field(name, declared.check, declared.required and not optional, declared.form or declared.help, declared)
            for name, declared in table.table.items()]


def collections(timezone: str = "") -> list[dict]:
    """Every kind of source as a Decap collection, and site.yaml as a file collection. ``timezone``: the site's,
    named in the hint of every date (Decap shows and writes dates in the browser's own time zone)."""
    made = []
    for name, title, folder, extension, form, table, body, slug in COLLECTIONS:
        entries = fields(table)
        for entry in entries:
            if entry["widget"] == "datetime" and timezone:
                entry["hint"] = (f"{entry.get('hint', '')}. The time is the site's, {timezone}; the Now button "
                                 "takes your computer's clock, so check it if you are in another time zone")
        if body:
            entries.append({"name": "body", "label": "Text", "widget": "markdown", "required": False})
        collection = {"name": name, "label": title, "folder": folder, "extension": extension, "format": form,
                      "create": True, "slug": slug, "identifier_field": IDENTIFIER.get(name, "title"),
                      "fields": entries}
        if name == "therapists":  # photos next to the profiles, named by file name only (photo: ana-lima.jpg)
            collection.update(media_folder="", public_folder="")
        made.append(collection)
    made.append({"name": "settings", "label": "Site settings", "editor": {"preview": False}, "files": [
        {"name": "site", "label": "Site settings (site.yaml)", "file": "site.yaml",
         "fields": fields(site_config.TABLE)}]})
    return made


def config_yml(config: Config, local_api: str = "") -> bytes:
    """Decap's config.yml; ``local_api``: the URL of a local backend (serve), used on this machine only."""
    editor = config.editor
    backend: dict = {"name": editor.backend if editor else "github", "repo": editor.repo if editor else "local/site",
                     "branch": editor.branch if editor else "main"}
    if editor and editor.base_url:
        backend["base_url"] = editor.base_url
    if editor and editor.app_id:
        backend.update(auth_type="pkce", app_id=editor.app_id)
    data: dict = {"backend": backend}
    if local_api:
        data["local_backend"] = {"url": local_api}
    data.update({
        "publish_mode": "simple", "site_url": config.base_url, "display_url": config.base_url,
        "media_folder": MEDIA_FOLDER, "public_folder": PUBLIC_FOLDER,
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": collections(config.timezone),
    })
    head = "# Made by therapist-site from its field tables at each build: change site.yaml, not this file.\n"
    return (head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120)).encode()


def policy(config: Config, local: bool = False) -> str:
    """The admin page's Content-Security-Policy: the site's, widened only as far as Decap and the git host need.

    Decap compiles its config schema at run time ('unsafe-eval'), styles itself with injected <style> elements
    ('unsafe-inline' styles), shows uploads before they are saved (blob: and data: images) and runs WebAssembly.
    """
    hosts = API_ORIGINS.get(config.editor.backend, ()) if config.editor and not local else ()
    connect = " ".join(("'self'", "blob:", *hosts))  # Decap reads an upload back from its blob: URL to save it
    return (f"default-src 'self'; script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'; style-src 'self' "
            f"'unsafe-inline'; img-src 'self' data: blob:; connect-src {connect}; base-uri 'self'; "
            "form-action 'self'; object-src 'none'")


@dataclass(frozen=True, slots=True)
class Rule:
    """A field that another one makes required, checked before saving: Decap's config.yml cannot say so."""

    collection: str
    when: tuple[str, ...]  #: the path of the field (or optional group) that, once filled in, requires ``needs``
    needs: tuple[str, ...]
    message: str


def rules() -> list[Rule]:
    """From the tables: a ``required_when`` ("`photo` is set": a picture needs its description), and the required
    fields of an optional group once anything in the group is filled in."""
    found = []
    for collection, table in tables():
        for name, declared in table.table.items():
            if declared.required_when:
                match = re.fullmatch(r"`(\w+)` is set", declared.required_when)
                if not match:
                    raise ValueError(f"{collection}.{name}: the editor cannot check required_when "
                                     f"{declared.required_when!r}: write it as '`field` is set'")
                found.append(Rule(collection, (match.group(1),), (name,), f"'{label(name)}' is required when "
                                  f"'{label(match.group(1))}' is set: {declared.help}"))
            group = declared.check
            if isinstance(group, Fields) and not declared.required:
                found += [Rule(collection, (name,), (name, inner), f"'{label(inner)}' in '{label(name)}' is "
                               f"required once anything in '{label(name)}' is filled in: {group.table[inner].help}")
                          for inner in group.required]
    return found


def tables() -> list[tuple[str, Fields]]:
    """(collection name, its field table), site.yaml's as "settings"."""
    return [(name, table) for name, _, _, _, _, table, _, _ in COLLECTIONS] + [("settings", site_config.TABLE)]


def checks_js() -> bytes:
    """Our script beside Decap: the switch widget, and refusing to save a field without the one it requires."""
    found = json.dumps([{"collection": r.collection, "when": r.when, "needs": r.needs, "message": r.message}
                        for r in rules()])
    return (_CHECKS % (SWITCH, found)).encode()


_CHECKS = """\
// Made by therapist-site: checks the field tables make that Decap's config.yml cannot express.
(function () {
  // A yes/no field left out of a file means what the build reads then (left_out in config.yml): "listed" is
  // true unless the profile says otherwise, so its switch must show on. Decap's own shows every missing one off.
  var toggle = window.CMS.getWidget("boolean");
  window.CMS.registerWidget("%s", window.createClass({
    render: function () {
      var value = this.props.value;
      if (value === undefined || value === null) value = this.props.field.get("left_out") === true;
      return window.h(toggle.control, Object.assign({}, this.props, {value: value}));
    }
  }), toggle.preview);
  // The preview beside the form in the site's own type and colours (its style sheet, from the same site), with
  // the room around the text that the site's pages give it.
  window.CMS.registerPreviewStyle("../assets/site.css");
  window.CMS.registerPreviewStyle("body { padding: 1rem 1.5rem; }", {raw: true});
  var rules = %s;
  function filled(value) {  // text with letters, a number, true, or a list or group with something filled in
    if (value === null || value === undefined || value === false) return false;
    if (typeof value === "string") return value.trim() !== "";
    if (typeof value === "number" || value === true) return true;
    return typeof value.some === "function" ? value.some(filled) : false;
  }
  window.CMS.registerEventListener({
    name: "preSave",
    handler: function (event) {
      var entry = event.entry, data = entry.get("data");
      rules.forEach(function (rule) {
        if (entry.get("collection") === rule.collection && filled(data.getIn(rule.when)) &&
            !filled(data.getIn(rule.needs))) {
          throw new Error(rule.message);
        }
      });
      return data;
    }
  });
})();
"""


ADMIN_CSS = b"""\
/* Made by therapist-site: the editor's page before Decap has drawn the editor (and without JavaScript). */
.admin-wrapper { max-width: 40rem; margin: 2rem auto; padding: 0 1rem; font: 1.125rem/1.5 system-ui, sans-serif;
  color: #1a1a1a; background: #fff; }
.admin-wrapper a { color: #0b5394; }
body:has(#nc-root) main.admin-wrapper { display: none; }
body:has(#nc-root) footer.admin-wrapper { margin: 0; max-width: none; padding: .5rem 1rem; font-size: 1rem; }
"""


def outputs(config: Config, local_api: str = "") -> Iterator[tuple[str, bytes | Path]]:
    """Every file of /admin/ except the page itself (rendered from admin.html with ``policy``)."""
    yield PREFIX + "config.yml", config_yml(config, local_api)
    yield PREFIX + "checks.js", checks_js()
    yield PREFIX + "admin.css", ADMIN_CSS
    yield from vendored()


def vendored() -> Iterator[tuple[str, Path]]:
    """Decap's files (script, chunks, WebAssembly, licences), each published under admin/."""
    for file in sorted(VENDOR.iterdir()):
        if file.is_file() and file.name != "SHA256SUMS":
            yield PREFIX + file.name, file
