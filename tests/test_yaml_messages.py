"""YAML mistakes read as plain language: what is wrong, on which line, and how to fix it (no parser jargon)."""
from __future__ import annotations

import pytest
import yaml

from generator import load
from generator.build import Options, load_site
from generator.errors import SiteError

QUOTES = "put the whole value in quotes"
CASES = {
    "a colon inside a value": (
        "name: Ana\ntitle: Therapist: adults\n",
        "therapists/ana.yaml:2: cannot read this file: a ':' is in a place where it is not allowed; if the value "
        "contains ': ', put the whole value in quotes, e.g. summary: \"Grief: what helps\"; otherwise check that "
        "this line is indented like the ones around it"),
    "a list never closed": (
        "name: Ana\nlanguages: [English, Spanish\nformats: [telehealth]\n",
        "therapists/ana.yaml:2: cannot read this file: the list that starts with '[' on this line is not closed "
        "properly; end the list with ']' and separate the values with commas; put a value that contains a comma "
        "or ': ' in quotes"),
    "a group never closed": (
        "name: Ana\nfees: {individual: 150\nformats: [telehealth]\n",
        "therapists/ana.yaml:2: cannot read this file: the group that starts with '{' on this line is not closed "
        "properly; end the group with '}' and separate its fields with commas"),
    "a quote never closed": (
        "name: Ana\ntitle: \"Clinical Psychologist\npronouns: she/her\n",
        "therapists/ana.yaml:2: cannot read this file: a quote opens on this line and is never closed; end the "
        "text with the same kind of quote it starts with"),
    "a quote left open until a later line's quote ends it": (
        "name: Ana\npronouns: \"she/her\ncredentials: [PhD]\ntitle: \"Clinical Psychologist\"\n",
        "therapists/ana.yaml:2: cannot read this file: a quote opens on this line and is not closed on it, so the "
        "lines after it were read as part of this value; end the text with the same kind of quote it starts with, "
        "on the same line"),
    "a line without a colon": (
        "name: Ana\nThis is my bio\npronouns: she/her\n",
        "therapists/ana.yaml:2: cannot read this file: this line has no ':' after a field name; write each field "
        "as 'name: value'; a value that goes on over several lines must be indented"),
    "a tab for indentation": (
        "name: Ana\ncontact:\n\temail: ana@example.org\n",
        "therapists/ana.yaml:3: cannot read this file: a tab character is used for indentation; replace the tab "
        "with spaces"),
    "a value starting with a star": (
        "name: Ana\ntitle: *Lead* therapist\n",
        f"therapists/ana.yaml:2: cannot read this file: a value starts with '*', which has a special meaning in "
        f"these files; {QUOTES}"),
    "a value starting with an at sign": (
        "name: Ana\npronouns: @ana\n",
        f"therapists/ana.yaml:2: cannot read this file: a value starts with '@', which has a special meaning in "
        f"these files; {QUOTES}"),
    "a misaligned line in a list": (
        "name: Ana\nlocations:\n  - city: Reno\n   state: NV\n",
        "therapists/ana.yaml:4: cannot read this file: this line is indented differently from the lines around "
        "it; line up the fields of one level with the same number of spaces; a value that contains ': ' needs "
        "quotes"),
}


class PurePython(yaml.SafeLoader):
    """The parser used where libyaml is not installed: its messages are worded differently."""


PurePython.yaml_implicit_resolvers = load.Loader.yaml_implicit_resolvers


@pytest.mark.parametrize("parser", ["default", "pure-python"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_a_yaml_mistake_is_explained_in_plain_words_at_its_line(case, parser, make_site, monkeypatch):
    if parser == "pure-python":
        monkeypatch.setattr(load, "Loader", PurePython)
    text, expected = CASES[case]
    source = make_site({"therapists/ana.yaml": text})
    with pytest.raises(SiteError) as caught:
        load_site(Options(source=source, output=source / "public"))
    assert [str(p) for p in caught.value.problems] == [expected]


def test_front_matter_lines_are_counted_from_the_top_of_the_markdown_file(make_site):
    source = make_site({"content/articles/a.md": "---\ntitle: A\ndate: 2026-01-01\ntopics: [Grief\n---\nBody\n"})
    with pytest.raises(SiteError) as caught:
        load_site(Options(source=source, output=source / "public"))
    assert str(caught.value.problems[0]).startswith(
        "content/articles/a.md:4: cannot read this file: the list that starts with '['")


def test_a_profile_holding_only_text_says_so_instead_of_naming_a_python_type(make_site):
    source = make_site({"therapists/ana.yaml": "Ana Lima, PsyD\n"})
    with pytest.raises(SiteError) as caught:
        load_site(Options(source=source, output=source / "public"))
    assert [str(p) for p in caught.value.problems] == [
        "therapists/ana.yaml:1: expected fields such as 'title: ...', found only the text 'Ana Lima, PsyD'; "
        "write each field on its own line as 'name: value'"]
