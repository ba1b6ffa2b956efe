"""check: everything build validates plus internal links, writing nothing; exit 1 naming the file and line."""
from __future__ import annotations

from conftest import REPO, snapshot
from generator.build import Options, load_site
from generator.links import check_links, route_map
from generator.render import render
from sitegen import _png

ABOUT = "---\ntitle: About\n---\n## Our fees\n\nWe see adults.\n"
PROFILE = "name: Ana Lima\nbio: |\n  Ana works with adults.\n  See [her article](/articles/gone/).\n"


def article(body: str, front: str = "") -> str:
    return f"---\ntitle: A\ndate: 2026-01-01\nsummary: S.\n{front}---\n{body}"


def report(result) -> list[str]:
    return result.err.splitlines()[1:-1]


def test_check_passes_on_the_example_site_and_writes_nothing(run, tmp_path):
    before = sorted(p.relative_to(REPO).as_posix() for p in REPO.iterdir())
    result = run("check", "--source", REPO)
    assert result.code == 0, result.err
    assert result.out.startswith("No problems found: ")
    assert "every internal link leads somewhere" in result.out
    assert sorted(p.relative_to(REPO).as_posix() for p in REPO.iterdir()) == before


def test_check_names_the_article_and_line_of_a_link_to_a_page_that_does_not_exist(make_site, run):
    source = make_site({"content/pages/about.md": ABOUT,
                        "content/articles/a.md": article("Hello.\n\nRead [about us](/about-us/) first.\n")})
    before = snapshot(source)
    result = run("check", "--source", source)
    assert result.code == 1
    assert report(result) == [
        "content/articles/a.md:8: the link /about-us/ leads nowhere: there is no page or file at that address; "
        "did you mean '/about/'?"]
    assert result.err.splitlines()[0] == "1 problem found:"
    assert snapshot(source) == before


def test_check_reports_a_missing_section_with_the_closest_one(make_site, run):
    source = make_site({"content/pages/about.md": ABOUT,
                        "content/articles/a.md": article("See [fees](/about/#fees) and [this](#missing-part).\n\n"
                                                         "## Here\n")})
    assert report(run("check", "--source", source)) == [
        "content/articles/a.md:6: the link #missing-part points to a section #missing-part that its page does not "
        "have; "
        "sections are named after their headings: '## First steps' becomes #first-steps",
        "content/articles/a.md:6: the link /about/#fees points to a section #fees that its page does not have; "
        "did you mean '#our-fees'?",
    ]


def test_check_reports_missing_images_and_downloads(make_site, run):
    source = make_site({"content/articles/a.md": article("![A path](/images/path.png)\n\n"
                                                         "[Intake form](/forms/intake.pdf)\n"),
                        "content/images/paths.png": _png(1)})
    assert report(run("check", "--source", source)) == [
        "content/articles/a.md:6: the link /images/path.png leads nowhere: there is no page or file at that "
        "address; did you mean '/images/paths.png'?",
        "content/articles/a.md:8: the link /forms/intake.pdf leads nowhere: there is no page or file at that "
        "address; check the spelling; a picture or download must be inside the content/ folder to be linked",
    ]


def test_links_that_work_pass_relative_without_slash_to_files_sections_and_other_sites(make_site, run):
    body = ("[b](../b/) [b again](/articles/b) [section](/articles/b/#second-part) [top](#intro)\n\n"
            "![pic](/images/pic.png) [form](/forms/intake%20form.pdf) [mail](mailto:a@example.org)\n\n"
            "[elsewhere](https://example.org/nope/) [phone](tel:988) [feed](/feed.xml) "
            "[me](https://test-practice.org/articles/b/) [search](/therapists/?language=english)\n\n## Intro\n")
    source = make_site({"content/articles/a.md": article(body),
                        "content/articles/b.md": article("## Second part\n"),
                        "content/images/pic.png": _png(1), "content/forms/intake form.pdf": b"pdf"})
    result = run("check", "--source", source)
    assert result.code == 0, result.err


def test_check_finds_broken_links_in_a_bio_at_their_line_in_the_profile(make_site, run):
    source = make_site({"therapists/ana-lima.yaml": PROFILE})
    assert report(run("check", "--source", source)) == [
        "therapists/ana-lima.yaml:4: the link /articles/gone/ leads nowhere: there is no page or file at that "
        "address; check the spelling; an article that is a draft or dated in the future is not published yet"]


def test_a_link_to_a_draft_is_broken_because_the_draft_is_not_published(make_site, run):
    source = make_site({"content/articles/a.md": article("Soon: [next](/articles/next/).\n"),
                        "content/articles/next.md": article("Later.\n", "draft: true\n")})
    result = run("check", "--source", source)
    assert result.code == 1
    assert "content/articles/a.md:6: the link /articles/next/ leads to an article that is not published yet" in result.err
    assert run("check", "--source", source, "--drafts").code == 0


def test_check_finds_a_menu_link_in_site_yaml_that_leads_nowhere(make_site, run):
    site_yaml = ("title: T\nbase_url: https://test-practice.org/\nnav:\n  - {title: About, url: /about/}\n"
                 "  - {title: Fees, url: /fees/}\n")
    source = make_site({"site.yaml": site_yaml, "content/pages/about.md": ABOUT})
    assert report(run("check", "--source", source)) == [
        "site.yaml:5: nav: the link /fees/ leads nowhere: there is no page or file at that address; "
        "check the spelling; a picture or download must be inside the content/ folder to be linked"]


def test_links_are_checked_on_a_site_that_lives_under_a_path(make_site):
    source = make_site({"site.yaml": "title: T\nbase_url: https://example.org/clinic/\n",
                        "content/pages/about.md": ABOUT,
                        "content/articles/a.md": article("[ok](/about/#our-fees) [bad](/abut/)\n")})
    site = load_site(Options(source=source, output=source / "public"))
    problems = check_links(site, route_map(render(site, source)), source)
    assert [str(p) for p in problems] == [
        "content/articles/a.md:6: the link /clinic/abut/ leads nowhere: there is no page or file at that address; "
        "did you mean '/about/'?"]


def test_check_reports_source_errors_like_build_does(make_site, run):
    source = make_site({"content/articles/a.md": "---\ntitle: A\n---\n"})
    result = run("check", "--source", source)
    assert result.code == 1
    assert report(result) == ["content/articles/a.md:2: date: is required but missing; add a line 'date: ...'"]


def test_check_lists_warnings_without_failing_and_strict_turns_them_into_errors(make_site, run):
    source = make_site({"site.yaml": "title: T\nbase_url: https://www.example.org/\n"})
    result = run("check", "--source", source)
    assert result.code == 0
    assert "1 warning (nothing is broken;" in result.err
    strict = run("check", "--source", source, "--strict")
    assert strict.code == 1
    assert report(strict)[0].startswith("site.yaml:2: base_url: https://www.example.org/ is an example address")


def test_a_section_link_is_judged_on_its_own_page_even_with_a_colon(make_site, run):
    # Footnotes link to "#fn:1": the colon does not make it a link to another site, so each page is asked whether
    # it has the section (a memo of links that do not depend on their page once mixed them up).
    source = make_site({"content/articles/a.md": article("See [the note](#fn:1).\n"),
                        "content/articles/b.md": article("A claim.[^1]\n\n[^1]: The source.\n")})
    assert report(run("check", "--source", source)) == [
        "content/articles/a.md:6: the link #fn:1 points to a section #fn:1 that its page does not have; "
        "sections are named after their headings: '## First steps' becomes #first-steps"]


def test_check_with_only_warnings_says_so_first_and_counts_in_words(make_site, run):
    source = make_site({"content/articles/a.md": "---\ntitle: A\ndate: 2026-01-01\n---\nNo summary here.\n",
                        "therapists/ana-lima.yaml": "name: Ana Lima\n"})
    result = run("check", "--source", source)
    assert result.code == 0
    assert result.out == ("No errors, and the warnings below: 1 article, 1 therapist, 0 pages, every internal link "
                          "leads somewhere.\n")
    assert result.err.startswith("1 warning (nothing is broken;")


def test_a_file_in_therapists_that_is_read_as_nothing_is_a_warning_and_capital_yaml_is_a_profile(make_site, run,
                                                                                                  tmp_path):
    source = make_site({"therapists/ana-lima.yaml.txt": "name: Ana Lima\n",  # Notepad's name, Windows hiding .txt
                        "therapists/ben-ode.YAML": "name: Ben Ode\n",
                        "therapists/cv.pdf": b"%PDF-1.4\n",
                        "therapists/.DS_Store": b"\x00", "therapists/ben-ode.yaml~": "name: Old\n"})
    result = run("build", "--source", source, "--output", tmp_path / "out")
    assert result.code == 0
    assert "(0 articles, 1 therapist)" in result.out
    assert (tmp_path / "out" / "therapists" / "ben-ode" / "index.html").exists()
    assert result.err.splitlines()[1:] == [
        "therapists/ana-lima.yaml.txt: is not read as a profile: a profile's file name ends in .yaml; rename it to "
        "ana-lima.yaml (Windows may hide the last part of a name: in File Explorer, View, tick File name extensions)",
        "therapists/cv.pdf: is neither a profile (.yaml) nor a photo (.jpg, .jpeg, .png, .webp), so it is not used; "
        "move it out of therapists/ if it is not meant for the site"]


def test_a_link_to_a_draft_or_to_an_article_dated_later_says_why_it_has_no_page_yet(make_site, run):
    source = make_site({
        "content/articles/welcome.md": "---\ntitle: W\ndate: 2026-01-01\ndraft: true\n---\nHi.\n",
        "content/articles/later.md": "---\ntitle: L\ndate: 2027-01-01 09:00\n---\nHi.\n",
        "content/articles/a.md": article("See [ours](/articles/welcome/) and [soon](/articles/later).\n")})
    result = run("check", "--source", source)
    assert result.code == 1
    assert report(result) == [
        "content/articles/a.md:6: the link /articles/later leads to an article that is not published yet, which "
        "waits for its date (content/articles/later.md: 2027-01-01 09:00); the link works from the build on or after "
        "that date; until then, take it out or date the article earlier",
        "content/articles/a.md:6: the link /articles/welcome/ leads to an article that is not published yet, which "
        "is a draft (content/articles/welcome.md has draft: true); publish it (remove draft: true) or take the link "
        "out until then"]
    assert run("check", "--source", source, "--drafts").code == 0  # a preview with drafts publishes both


def test_a_missing_article_is_compared_with_the_other_articles_by_its_own_name_not_by_the_shared_folder(make_site,
                                                                                                        run):
    source = make_site({"content/articles/grief-has-no-timetable.md": article("G.\n"),
                        "content/articles/a.md": article("[n](/articles/nope/) [g](/articles/grief-has-no-timetabl/)\n")})
    assert report(run("check", "--source", source)) == [
        "content/articles/a.md:6: the link /articles/grief-has-no-timetabl/ leads nowhere: there is no page or file at "
        "that address; did you mean '/articles/grief-has-no-timetable/'?",
        "content/articles/a.md:6: the link /articles/nope/ leads nowhere: there is no page or file at that address; "
        "check the spelling; an article that is a draft or dated in the future is not published yet"]
