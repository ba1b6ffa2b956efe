"""Hostile and huge text: YAML that would expand forever or recurse, Markdown that is quadratic or recursive in
Python-Markdown. Each ends within seconds in a `path:line: field:` report, exit 1, the last good site untouched."""
from __future__ import annotations

import pytest

from generator import markup
from hostile import contained

ALIAS_HINT = "write the values out instead of repeating them with '&' and '*'"
LAUGHS = "name: Ana\nbio: Hi\n" + "x0: &x0 [a, a, a, a, a, a, a, a, a, a]\n" + "".join(
    f"x{i}: &x{i} [{', '.join([f'*x{i - 1}'] * 10)}]\n" for i in range(1, 10))


def front(fields: str, body: str = "Text.\n") -> str:
    return f"---\ntitle: T\ndate: 2026-01-01\n{fields}---\n{body}"


YAML_CASES = {
    "aliases that expand to a billion values": (
        {"therapists/ana.yaml": LAUGHS},
        f"therapists/ana.yaml:7: x4: through aliases ('*') stands for more than 100,000 values; {ALIAS_HINT}"),
    "an alias that contains itself": (
        {"therapists/ana.yaml": "name: Ana\nlanguages: &me [English, *me]\n"},
        f"therapists/ana.yaml:2: languages[1]: contains itself through an alias ('*'); {ALIAS_HINT}"),
    "lists nested a thousand deep": (
        {"content/articles/deep.md": front("topics: " + "[" * 1000 + "]" * 1000 + "\n")},
        "content/articles/deep.md:4: cannot read this file: values are nested more than 50 levels deep; write "
        "nested lists and groups out flat"),
    "lists nested sixty deep in block style": (
        {"therapists/ana.yaml": "name: Ana\nlanguages:\n" + "".join("  " * i + "-\n" for i in range(1, 60))},
        "therapists/ana.yaml:52: languages[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0…: values are "
        "nested more than 50 levels deep; write nested lists and groups out flat"),
    "an integer of five thousand digits": (
        {"therapists/ana.yaml": "name: Ana\nfees:\n  individual: " + "9" * 5000 + "\n"},
        "therapists/ana.yaml:3: fees.individual: expected a sensible number, found one 5,000 characters long; if "
        "it is meant as text, put it in quotes"),
    "an infinite fee": (
        {"therapists/ana.yaml": "name: Ana\nfees: {individual: .inf}\n"},
        "therapists/ana.yaml:2: fees.individual: expected a finite number, found '.inf'; write the number in "
        "digits, e.g. 150, or put text in quotes"),
    "a fee that is not a number": (
        {"therapists/ana.yaml": "name: Ana\nfees:\n  couples: .NaN\n"},
        "therapists/ana.yaml:3: fees.couples: expected a finite number, found '.NaN'; write the number in "
        "digits, e.g. 150, or put text in quotes"),
    "a float too large to be finite": (
        {"site.yaml": "title: T\nbase_url: https://t.example.org/\narticles_per_page: 1.0e+999\n"},
        "site.yaml:3: articles_per_page: expected a finite number, found '1.0e+999'; write the number in digits, "
        "e.g. 150, or put text in quotes"),
    "a fee beyond any sense": (
        {"therapists/ana.yaml": "name: Ana\nfees: {individual: 1.0e+300}\n"},
        "therapists/ana.yaml:2: fees.individual: expected a number of at most 1,000,000, found 1e+300"),
}


@pytest.mark.parametrize("case", YAML_CASES)
def test_hostile_yaml_is_a_located_error_and_the_last_good_site_stays(case, tmp_path):
    files, expected = YAML_CASES[case]
    ended = contained(tmp_path, files)
    assert ended.code == 1
    assert ended.lines == [expected]


def test_check_stops_at_the_same_limits(tmp_path):
    ended = contained(tmp_path, {"therapists/ana.yaml": LAUGHS}, command="check")
    assert ended.code == 1
    assert ended.lines == [f"therapists/ana.yaml:7: x4: through aliases ('*') stands for more than 100,000 values; "
                           f"{ALIAS_HINT}"]


def test_a_source_file_over_a_megabyte_is_refused_unread(tmp_path):
    ended = contained(tmp_path, {"content/articles/huge.md": front("", "word " * 250_000)})
    assert ended.lines == ["content/articles/huge.md: is 1.3 MB, more than the 1 MB an article, page or profile may "
                           "be; split it into several articles, and put pictures and downloads in content/ as files "
                           "of their own"]


BRACKETS = ("this paragraph has {count} '[' or '](' that open a link and never close it; reading that would take "
            "Markdown minutes; write a '[' that does not start a link as '\\[', or split the paragraph with blank "
            "lines; the limits are in docs/security.md")
NESTED = ("this line is nested {depth} levels deep (lists in lists, quotes in quotes, or indentation); at most 32 "
          "are read; remove the extra '>', '-' or '1.' at the start of the line, or indent it less; the limits are "
          "in docs/security.md")
MARKDOWN_CASES = {
    "twenty thousand opening brackets": ("Intro.\n\n" + "[" * 20_000 + "\n", 7, BRACKETS.format(count="20,000")),
    "image brackets": ("![" * 10_000 + "\n", 5, BRACKETS.format(count="10,000")),
    "links never closed": ("Intro.\n\nMore.\n\n" + "[a](" * 5_000 + "\n", 9, BRACKETS.format(count="5,000")),
    "list markers on one line": ("1. " * 5_000 + "x\n", 5, NESTED.format(depth=5000)),
    "bullets on one line": ("- " * 5_000 + "x\n", 5, NESTED.format(depth=5000)),
    "quotes nested in quotes": ("".join(">" * i + " x\n" for i in range(1, 40)), 37, NESTED.format(depth=33)),
}


@pytest.mark.parametrize("case", MARKDOWN_CASES)
def test_markdown_over_the_budget_names_the_file_and_line(case, tmp_path):
    body, line, message = MARKDOWN_CASES[case]
    ended = contained(tmp_path, {"content/articles/bad.md": front("", body)})
    assert ended.code == 1
    assert ended.lines == [f"content/articles/bad.md:{line}: {message}"]


def test_a_bio_over_the_budget_names_the_profile_and_the_field(tmp_path):
    ended = contained(tmp_path, {"therapists/ana.yaml": "name: Ana\nbio: |\n  Hello.\n\n  " + "[" * 20_000 + "\n"})
    assert ended.lines == ["therapists/ana.yaml:2: bio: " + BRACKETS.format(count="20,000").replace(
        "minutes;", "minutes (line 3 of the text);")]


def test_brackets_in_code_and_escaped_brackets_are_fine(tmp_path):
    body = "```\n" + "[" * 20_000 + "\n```\n\n" + "\\[" * 5_000 + "\n"
    assert contained(tmp_path, {"content/articles/code.md": front("", body)}).code == 0


def test_a_conversion_past_the_time_budget_is_stopped(monkeypatch):
    monkeypatch.setattr(markup, "MAX_LINK_SCAN", 10 ** 12)  # let a slow text past the checks made beforehand
    monkeypatch.setattr(markup, "TIME_BUDGET", 0.2)
    assert markup.to_html("[a " * 4_000) == markup.Refused(
        1, "reading this text as Markdown took more than 0 seconds",
        "look for long runs of punctuation such as '[' or '*' and remove them or split the paragraph with blank "
        "lines")
    assert markup.to_html("Next *one*.") == "<p>Next <em>one</em>.</p>"  # the converter stopped midway is replaced


def test_recursion_inside_markdown_is_a_refusal_not_a_crash(monkeypatch):
    monkeypatch.setattr(markup, "MAX_NESTING", 10 ** 6)
    assert markup.to_html("1. " * 5_000 + "x")[1] == ("this text nests lists, quotes or links too deeply for "
                                                      "Markdown to read")
    assert markup.to_html("Next *one*.") == "<p>Next <em>one</em>.</p>"
