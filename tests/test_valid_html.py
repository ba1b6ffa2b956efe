"""Valid HTML5: the Nu Html Checker (vnu.jar from the vnu-jar npm package, run with the machine's Java) finds no
error in any page of the example site or of a generated 30-therapist site. One Java process checks them all."""
from __future__ import annotations

import pytest

from browser import built_site, html_pages
from checks import vnu_errors

SITES = ("example", "generated")


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict[str, tuple[int, list[str]]]:
    """{site: (pages checked, errors)} from one run of the checker over every page of both sites."""
    publics = {name: built_site(name, tmp_path_factory) for name in SITES}
    pages = {name: html_pages(public) for name, public in publics.items()}
    root = tmp_path_factory.getbasetemp()
    errors = vnu_errors([page for name in SITES for page in pages[name]], root=root)
    return {name: (len(pages[name]), [e for e in errors if e.startswith(publics[name].relative_to(root).as_posix())])
            for name in SITES}


@pytest.mark.parametrize("site", SITES)
def test_every_page_passes_the_nu_html_checker(report, site):
    checked, errors = report[site]
    assert checked > (60 if site == "example" else 150)  # every page: articles, topics, profiles, facets, 404
    assert errors == [], "\n".join(errors)


def test_a_photo_in_an_articles_text_in_web_sizes_passes_the_checker(make_site, run, tmp_path):
    from pictures import jpeg
    source = make_site({"content/articles/beach.md": "---\ntitle: Beach\ndate: 2026-01-05\nsummary: S.\n---\n"
                        '![A quiet beach](/images/beach.jpg "Morning")\n',
                        "content/images/beach.jpg": jpeg((1200, 800))})
    assert run("build", "--source", source, "--output", tmp_path / "out").code == 0
    page = tmp_path / "out" / "articles" / "beach" / "index.html"
    assert 'srcset="/images/beach.480w.webp 480w, /images/beach.960w.webp 960w, /images/beach.1200w.webp' \
           in page.read_text()
    assert vnu_errors([page]) == []
