"""The field tables are the one declaration: docs, `new`, the models and an editor's field list follow them."""
from __future__ import annotations

import dataclasses

from generator import facets, reference
from generator.config import TABLE as SITE
from generator.schema import Field, Fields, Text, field_list
from generator.validate import THERAPIST


def test_the_docs_field_tables_are_the_ones_the_tables_make():
    text = reference.DOCS.read_text(encoding="utf-8")
    made, missing = reference.update(text)
    assert missing == [], "add a <!-- fields PATH --> <!-- /fields --> pair to docs/content-format.md"
    assert made == text, "the field tables changed: run `make docs` (python -m generator.reference)"


def test_a_field_added_to_a_table_but_not_to_the_docs_is_caught():
    text = reference.DOCS.read_text(encoding="utf-8")
    fees = dict(THERAPIST.table["fees"].check.table, deposit=Field(Text(), "a deposit"))
    table = dict(THERAPIST.table, fees=Field(Fields(fees), "fees"), gender=Field(Text(), "free text"))
    made, _ = reference.update(text, {**reference.TABLES, "therapist": Fields(table)})
    assert made != text
    assert "| `gender` | text | optional | none | Free text. | see the example |" in made
    assert "| `deposit` | text | optional | none | A deposit. | see the example |" in made


def test_a_setting_another_field_decides_says_so_in_the_docs():
    made = reference.markdown(SITE.table["newsletter"].check)
    assert "| `username` | text | with `buttondown` | none |" in made
    assert "| `form_id` | number | with `kit` | none |" in made
    assert "| `provider` | one of `buttondown`, " in made and "| optional | none: feeds only |" in made


def test_a_group_with_no_place_in_the_docs_is_reported():
    text = "<!-- fields site -->\n<!-- /fields -->\n"
    made, missing = reference.update(text, {"site": SITE})
    assert made.startswith("<!-- fields site -->\n| Field | Kind |")
    assert missing == ["site.practice", "site.newsletter", "site.crisis", "site.crisis.numbers", "site.nav",
                       "site.editor", "site.colors"]


def test_every_field_is_an_attribute_of_its_model():
    for path, table in reference.groups().items():
        if dataclasses.is_dataclass(table.model):
            names = {f.name for f in dataclasses.fields(table.model)}
            assert {field.attr or name for name, field in table.table.items() if field.attr is not None} <= names, path


def test_each_default_is_declared_once_in_the_table_and_the_model_gets_it():
    config = SITE.make({}, title="T", base_url="https://example.org/", newsletter_title="",
                       newsletter_description="", signup=None)
    assert (config.language, config.timezone, config.articles_per_page, config.nav) == ("en", "UTC", 10, ())
    assert config.crisis.numbers[0].number == "988" and config.practice.name == ""
    fees = THERAPIST.table["fees"].value
    assert (fees.individual, fees.sliding_scale, fees.currency) == (None, False, "USD")


def test_every_directory_facet_is_fed_by_a_declared_field():
    fed = {field.facet for _, table in THERAPIST.walk() for field in table.table.values() if field.facet}
    assert fed == set(facets.TABLE)


def test_the_field_list_gives_an_editor_kind_required_default_help_choices_and_nested_fields():
    by_name = {entry["name"]: entry for entry in field_list(THERAPIST)}
    assert by_name["name"] | {} == {"name": "name", "kind": "text", "required": True, "default": "",
                                    "help": "required: the name as clients should see it", "choices": (),
                                    "item": "", "facet": ""}
    assert (by_name["formats"]["kind"], by_name["formats"]["item"]) == ("list", "choice")
    assert by_name["formats"]["choices"] == ("in-person", "telehealth")
    assert by_name["accepting_new_clients"]["default"] is False
    locations = by_name["locations"]
    assert (locations["kind"], locations["item"], locations["default"]) == ("list", "group", ())
    assert [(f["name"], f["required"]) for f in locations["fields"]] == [
        ("name", False), ("address", False), ("city", True), ("state", True), ("postal_code", False),
        ("lat", False), ("lon", False)]
    fees = {f["name"]: f for f in by_name["fees"]["fields"]}
    assert by_name["fees"]["kind"] == "group" and fees["currency"]["default"] == "USD"
    site = {entry["name"]: entry for entry in field_list(SITE)}
    assert site["timezone"]["kind"] == "timezone" and site["articles_per_page"]["kind"] == "integer"
