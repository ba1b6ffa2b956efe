"""`therapist-site init`: a new site of one's own that builds with --strict and holds nothing of the example."""
from __future__ import annotations

import pytest

from conftest import snapshot
from generator.errors import UsageError
from generator.init import answers

FLAGS = ("--name", "Riverside Counseling", "--url", "https://www.riverside-counseling.org",
         "--country", "US", "--time-zone", "America/Los_Angeles")
EXAMPLE_TRACES = ("Harbor Light", "harborlight", "fictional", "Okafor", "Whitfield", "Reyes", "Vasquez",
                  "Sun Park", "Wizards")


def test_init_makes_a_site_that_builds_with_strict_and_no_warnings_and_no_trace_of_the_example(run, tmp_path):
    folder = tmp_path / "mysite"
    made = run("init", folder, *FLAGS)
    assert made.code == 0, made.err
    assert made.out.startswith(f"Created a new site in {folder}. Next:\n  cd {folder}\n")
    assert sorted(snapshot(folder)) == ["content/articles/welcome.md", "content/pages/about.md",
                                        "content/pages/privacy.md", "site.yaml", "therapists/your-name.yaml"]
    built = run("build", "--source", folder, "--strict")
    assert built.code == 0, built.err
    assert built.err == ""
    assert "(0 articles, 0 therapists)" in built.out  # the welcome article and the profile are drafts
    for path, data in {**snapshot(folder / "public"), **snapshot(folder)}.items():
        if path.endswith((".html", ".xml", ".json", ".md", ".yaml", ".txt")):
            text = data.decode()
            assert not [trace for trace in EXAMPLE_TRACES if trace in text], path
    home = (folder / "public" / "index.html").read_text()
    assert "<title>Riverside Counseling</title>" in home
    assert '<link rel="canonical" href="https://www.riverside-counseling.org/">' in home
    privacy = (folder / "public" / "privacy" / "index.html").read_text()
    assert "<strong>No cookies.</strong>" in privacy and "<strong>No trackers.</strong>" in privacy
    assert "opens your own email program" in privacy
    preview = run("build", "--source", folder, "--strict", "--drafts", "--output", tmp_path / "preview")
    assert preview.code == 0, preview.err
    assert (tmp_path / "preview" / "articles" / "welcome" / "index.html").is_file()
    assert (tmp_path / "preview" / "therapists" / "your-name" / "index.html").is_file()


def test_init_without_a_terminal_names_every_missing_flag(run, tmp_path):
    result = run("init", tmp_path / "mysite", "--name", "Riverside Counseling")
    assert result.code == 2
    assert result.err == (
        "therapist-site: init needs --url ... --country ... --time-zone ... when it cannot ask on a terminal, e.g. "
        'therapist-site init mysite --name "Riverside Counseling" --url https://www.riverside-counseling.org/ '
        "--country US --time-zone America/Los_Angeles\n")
    assert not (tmp_path / "mysite").exists()


@pytest.mark.parametrize("flag, value, message", [
    ("--url", "www.riverside.org", "--url: expected an address starting with https://, found 'www.riverside.org'; "
     "write https://www.riverside.org/"),
    ("--url", "https://my.example.com/", "--url: https://my.example.com/ is an example address that can never be "
     "the practice's own; give the address where the site will live (you can change it later in site.yaml)"),
    ("--country", "USA", "--country: expected a two-letter country code like US, found 'USA'; write US"),
    ("--country", "Mexico", "--country: expected a two-letter country code like US, found 'Mexico'"),
    ("--time-zone", "Pacific", "--time-zone: unknown time zone 'Pacific'; write America/Los_Angeles"),
    ("--time-zone", "Eastern Standard Time", "--time-zone: unknown time zone 'Eastern Standard Time'; write "
     "America/New_York"),
    ("--time-zone", "Mars", "--time-zone: unknown time zone 'Mars'; use a name like America/New_York or UTC"),
])
def test_init_refuses_an_answer_the_site_could_not_build_with(run, tmp_path, flag, value, message):
    flags = list(FLAGS)
    flags[flags.index(flag) + 1] = value
    result = run("init", tmp_path / "mysite", *flags)
    assert (result.code, result.err) == (2, f"therapist-site: {message}\n")


def test_init_never_writes_into_a_folder_that_has_files(run, tmp_path):
    (tmp_path / "mysite").mkdir()
    (tmp_path / "mysite" / "notes.txt").write_text("mine")
    result = run("init", tmp_path / "mysite", *FLAGS)
    assert result.code == 2
    assert "already exists and is not empty" in result.err
    assert snapshot(tmp_path / "mysite") == {"notes.txt": b"mine"}


def test_init_asks_on_a_terminal_and_asks_again_after_a_wrong_answer(capsys):
    replies = iter(["Riverside Counseling", "riverside.org", "https://riverside-counseling.org/", "CA", "Mars/Base",
                    "America/Toronto"])
    asked = []
    values = answers({"name": None, "url": None, "country": None, "time_zone": None},
                     lambda question: asked.append(question) or next(replies))
    assert values == {"name": "Riverside Counseling", "url": "https://riverside-counseling.org/", "country": "CA",
                      "time_zone": "America/Toronto"}
    assert len(asked) == 6
    assert capsys.readouterr().out.splitlines() == [  # no --flag named to someone who typed none
        "expected an address starting with https://, found 'riverside.org'; write https://riverside.org/",
        "unknown time zone 'Mars/Base'; use a name like America/New_York or UTC"]


def test_a_site_in_canada_gets_its_crisis_line_and_currency(run, tmp_path):
    flags = list(FLAGS)
    flags[flags.index("--country") + 1] = "ca"
    assert run("init", tmp_path / "mysite", *flags).code == 0
    assert '{label: "Call or text the 9-8-8 Suicide Crisis Helpline:", number: "988", url: "tel:988"}' in (
        tmp_path / "mysite" / "site.yaml").read_text()
    assert "currency: CAD" in (tmp_path / "mysite" / "therapists" / "your-name.yaml").read_text()
    assert run("build", "--source", tmp_path / "mysite", "--strict").code == 0


def test_answers_without_a_terminal_raise_instead_of_asking():
    with pytest.raises(UsageError):
        answers({"name": "A", "url": None, "country": "US", "time_zone": "UTC"}, None)


def test_the_starter_texts_of_init_and_new_warn_once_published_and_strict_refuses_them(run, tmp_path):
    """The welcome article published as it is, signed by the draft profile 'Your Name', and an article from
    ``new article`` published unwritten: each says what is left to write, and --strict builds nothing."""
    folder = tmp_path / "mysite"
    assert run("init", folder, *FLAGS).code == 0
    welcome = folder / "content/articles/welcome.md"
    welcome.write_text(welcome.read_text().replace("draft: true ", "draft: false").replace(
        "author:                ", "author: your-name      "))
    assert run("new", "article", "Coping with the holidays", "--source", folder).code == 0
    new = folder / "content/articles/coping-with-the-holidays.md"
    new.write_text(new.read_text().replace("draft: true ", "draft: false"))
    built = run("build", "--source", folder)
    assert built.code == 0, built.err
    lines = [line for line in built.err.splitlines() if "example text" in line]
    assert lines == [
        "content/articles/coping-with-the-holidays.md:14: still holds the example text 'Write the article here.', "
        "which would be published as it is; write the article in its place, or set 'draft: true' to keep it off the "
        "site until it is ready",
        "content/articles/welcome.md:9: still holds the example text 'It is a draft, so it is not published yet', "
        "which would be published as it is; write the article in its place, or set 'draft: true' to keep it off the "
        "site until it is ready",
        "content/articles/welcome.md:12: still holds the example text 'Write the article here.', which would be "
        "published as it is; write the article in its place, or set 'draft: true' to keep it off the site until it "
        "is ready",
        "therapists/your-name.yaml:2: name: still holds the example text 'Your Name', which would be published as "
        "it is; write the name as readers should see it: it signs the articles whose author is this profile"]
    strict = run("build", "--source", folder, "--strict", "--output", tmp_path / "strict")
    assert strict.code == 1 and not (tmp_path / "strict").exists()


def test_a_country_whose_crisis_lines_are_unknown_is_said_and_written_where_they_go(run, tmp_path):
    folder = tmp_path / "praxis"
    made = run("init", folder, "--name", "Praxis Berlin", "--url", "https://www.praxis-berlin.de", "--country", "de",
               "--time-zone", "Europe/Berlin")
    assert made.code == 0, made.err
    assert made.err == (f"Note: therapist-site does not know the crisis lines of DE; until you write yours in "
                        f"{folder / 'site.yaml'} (crisis), every page shows the US 988 Lifeline.\n")
    site = (folder / "site.yaml").read_text()
    assert "# therapist-site does not know the crisis lines of DE: until you write yours here" in site
    assert run("build", "--source", folder, "--strict").code == 0  # the note is a note: the site builds
    known = run("init", tmp_path / "dublin", "--name", "Dublin Counselling", "--url", "https://dublin.ie",
                "--country", "IE", "--time-zone", "Europe/Dublin")
    assert known.code == 0 and known.err == ""


@pytest.mark.parametrize("stop, code", [(EOFError, 1), (KeyboardInterrupt, 130)])
def test_ctrl_d_or_ctrl_c_at_a_question_stops_init_in_one_line_and_creates_nothing(monkeypatch, capsys, tmp_path,
                                                                                   stop, code):
    import builtins
    import sys

    from generator.cli import main

    answered = iter(["Riverside Counseling"])

    def ask(question):
        try:
            return next(answered)
        except StopIteration:
            raise stop from None

    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr(builtins, "input", ask)
    assert main(["init", str(tmp_path / "mysite")]) == code
    assert capsys.readouterr().err == "\ntherapist-site: init stopped; no folder was created.\n"
    assert not (tmp_path / "mysite").exists()
