"""new: an article or a profile with every field present and a note on each, valid as made, never overwriting."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import yaml

from conftest import EPOCH
from generator.schema import Fields
from generator.validate import ARTICLE, THERAPIST

HONOLULU = "title: Test Practice\nbase_url: https://test-practice.org/\ntimezone: Pacific/Honolulu\n"


def front_matter(text: str) -> tuple[dict, list[str]]:
    lines = text.split("\n")
    end = lines.index("---", 1)
    return yaml.safe_load("\n".join(lines[1:end])), lines[1:end]


def assert_every_field(data: dict, table: Fields, where: str = "") -> None:
    """Every field of the table is in the file, and every field of its groups and of their commented examples."""
    assert set(data) == set(table.table), where
    for name, field in table.table.items():
        if field.kind == "group":
            assert_every_field(data[name], field.group, f"{where}{name}.")
        elif field.group is not None:
            assert data[name], f"{where}{name}: no example item"
            for item in data[name]:
                assert_every_field(item, field.group, f"{where}{name}[].")


def test_new_article_is_a_draft_dated_today_in_the_sites_time_zone(make_site, run):
    source = make_site({"site.yaml": HONOLULU})
    result = run("new", "article", "Coping With Grief", "--source", source)
    assert result.code == 0, result.err
    assert result.out == (f"Created {source}/content/articles/coping-with-grief.md: a draft. Write the article, "
                          "then set 'draft: false' to publish it.\n")
    data, _ = front_matter((source / "content/articles/coping-with-grief.md").read_text())
    assert data["draft"] is True
    moment = datetime.fromtimestamp(int(EPOCH), timezone.utc)
    assert moment.astimezone(ZoneInfo("Pacific/Honolulu")).date() != moment.date()  # the zone must matter
    assert data["date"] == moment.astimezone(ZoneInfo("Pacific/Honolulu")).date()
    assert data["title"] == "Coping With Grief"


def test_new_article_shows_every_field_each_with_a_note(make_site, run):
    source = make_site()
    run("new", "article", "Hello", "--source", source)
    data, lines = front_matter((source / "content/articles/hello.md").read_text())
    assert_every_field(data, ARTICLE)
    assert all(" # " in line for line in lines), [line for line in lines if " # " not in line]


def test_a_title_with_quotes_and_colons_is_kept_exactly(make_site, run):
    source = make_site()
    title = 'Grief: what "helps", and what doesn\'t #1'
    assert run("new", "article", title, "--source", source).code == 0
    data, _ = front_matter((source / "content/articles/grief-what-helps-and-what-doesnt-1.md").read_text())
    assert data["title"] == title


def test_a_new_article_builds_as_made_and_is_left_out_until_it_is_no_longer_a_draft(make_site, run, tmp_path):
    source = make_site()
    run("new", "article", "First Steps", "--source", source)
    out = tmp_path / "out"
    assert run("build", "--source", source, "--output", out).code == 0
    assert not (out / "articles" / "first-steps").exists()
    assert run("build", "--source", source, "--output", out, "--drafts").code == 0
    assert "Write the article here." in (out / "articles" / "first-steps" / "index.html").read_text()
    assert run("check", "--source", source, "--drafts").code == 0


def test_new_therapist_shows_every_field_and_builds_as_made(make_site, run, tmp_path):
    source = make_site()
    result = run("new", "therapist", "Ana María Lima", "--source", source)
    assert result.code == 0, result.err
    text = (source / "therapists" / "ana-maria-lima.yaml").read_text()
    data = yaml.safe_load(text)
    assert_every_field(yaml.safe_load(text.replace("\n#  - {", "\n  - {")), THERAPIST)
    assert data["name"] == "Ana María Lima" and data["photo"] is None
    top_level = [line for line in text.splitlines() if line and not line.startswith(("#", " "))]
    assert all(" # " in line for line in top_level)
    out = tmp_path / "out"
    built = run("build", "--source", source, "--output", out)
    assert built.code == 0, built.err
    assert "Ana María Lima" in (out / "therapists" / "ana-maria-lima" / "index.html").read_text()
    assert run("check", "--source", source).code == 0


def test_the_commented_examples_in_a_new_profile_are_valid_once_uncommented(make_site, run, tmp_path):
    source = make_site()
    run("new", "therapist", "Ben Ode", "--source", source)
    profile = source / "therapists" / "ben-ode.yaml"
    profile.write_text(profile.read_text().replace("\n#  - {", "\n  - {"))
    assert yaml.safe_load(profile.read_text())["licenses"][0]["number"] == "PSY 12345"
    result = run("build", "--source", source, "--output", tmp_path / "out")
    assert result.code == 0, result.err


def test_new_refuses_to_overwrite_an_article(make_site, run):
    source = make_site({"content/articles/hello.md": "mine\n"})
    result = run("new", "article", "Hello", "--source", source)
    assert result.code == 2
    assert result.err == (f"therapist-site: {source}/content/articles/hello.md already exists, and nothing was "
                          "changed; open it to edit it, or choose another title or name\n")
    assert (source / "content/articles/hello.md").read_text() == "mine\n"


def test_new_refuses_to_overwrite_a_profile(make_site, run):
    source = make_site({"therapists/ana-lima.yaml": "name: Ana Lima\n"})
    result = run("new", "therapist", "Ana Lima", "--source", source)
    assert result.code == 2
    assert "therapists/ana-lima.yaml already exists, and nothing was changed" in result.err
    assert (source / "therapists/ana-lima.yaml").read_text() == "name: Ana Lima\n"


def test_new_outside_a_site_folder_says_where_to_run_it(tmp_path, run):
    result = run("new", "article", "Hello", "--source", tmp_path)
    assert result.code == 2
    assert result.err == (f"therapist-site: {tmp_path} has no site.yaml, so it is not a site folder; run the "
                          "command in the site's folder or give it with --source\n")


def test_new_refuses_names_that_make_no_file_name_or_a_reserved_one(make_site, run):
    source = make_site()
    empty = run("new", "article", "???", "--source", source)
    assert empty.code == 2
    assert empty.err == ("therapist-site: the title '???' has no letters a-z or digits to make a file name and web "
                         "address from; give one in Latin letters with --slug, e.g. --slug my-first-article\n")
    reserved = run("new", "therapist", "Index", "--source", source)
    assert reserved.code == 2
    assert "would make the file therapists/index.yaml, whose address the directory uses itself" in reserved.err


def test_a_name_in_another_script_gets_its_file_name_from_slug(make_site, run):
    source = make_site()
    result = run("new", "therapist", "李伟", "--source", source)
    assert result.code == 2
    assert result.err == ("therapist-site: the name '李伟' has no letters a-z or digits to make a file name and web "
                          "address from; give one in Latin letters with --slug, e.g. --slug li-wei\n")
    assert run("new", "therapist", "李伟", "--slug", "Li Wei", "--source", source).err == (
        "therapist-site: --slug 'Li Wei': a file name here is lowercase letters a-z, digits and dashes; e.g. --slug "
        "li-wei\n")
    assert run("new", "therapist", "李伟", "--slug", "li-wei", "--source", source).code == 0
    assert 'name: "李伟"' in (source / "therapists" / "li-wei.yaml").read_text(encoding="utf-8")
