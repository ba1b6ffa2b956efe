"""The newsletter's email sign-up: each provider preset makes the form its provider expects, wrong settings get
exact messages, the security policy widens form-action only on pages with the form, the Privacy page names who
receives the address, and /subscribe/ offers no empty feed. In a real browser: test_browser_newsletter.py.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

LIST = "6c1e17a2-f89a-11e8-a3c9-06b79b628af2"
ARTICLE = """\
---
title: On Waiting Rooms
date: 2026-03-01
topics: [Anxiety]
author: ana-lima
---
Text.
"""
PROFILE = "name: Ana Lima\n"
QUIET = "name: Ben Okafor\nspecialties: [Couples]\n"  # writes nothing: his feed and the Couples feed stay empty
PRIVACY = "---\ntitle: Privacy\n---\nNo cookies.\n"


class Forms(HTMLParser):
    """Every form of a page: its action, method and inputs as (type, name, value)."""

    def __init__(self, html: str):
        super().__init__()
        self.forms: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action"), "method": attrs.get("method"), "inputs": []})
        elif tag == "input" and self.forms:
            self.forms[-1]["inputs"].append((attrs.get("type"), attrs.get("name"), attrs.get("value")))


def signup_form(html: str) -> dict:
    found = [f for f in Forms(html).forms if f["method"] == "post"]
    assert len(found) == 1, found
    return found[0]


def csp(html: str) -> str:
    return re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html).group(1)


def site_yaml(newsletter: str) -> str:
    return f"title: Test Practice\nbase_url: https://test.example.org/\nnewsletter:\n  title: Test Notes\n{newsletter}"


@pytest.fixture
def built(make_site, run, tmp_path):
    """built(newsletter settings as YAML lines) -> the output folder of a small site with a Privacy page."""

    def build(newsletter: str):
        source = make_site({"site.yaml": site_yaml(newsletter), "content/articles/waiting.md": ARTICLE,
                            "content/pages/privacy.md": PRIVACY, "content/pages/about.md": "---\ntitle: About\n---\nUs.\n",
                            "therapists/ana-lima.yaml": PROFILE, "therapists/ben-okafor.yaml": QUIET})
        result = run("build", "--source", source, "--output", tmp_path / "out", "--no-cache")
        assert result.code == 0, result.err
        return tmp_path / "out"

    return build


PRESETS = {
    "buttondown": ("  provider: buttondown\n  username: harborlight\n",
                   "https://buttondown.com/api/emails/embed-subscribe/harborlight", "email",
                   [("hidden", "embed", "1")], "website"),
    "mailchimp": ("  provider: mailchimp\n  action: 'https://harbor.us21.list-manage.com/subscribe/post?u=5f3a&amp;id=9c1b'\n",
                  "https://harbor.us21.list-manage.com/subscribe/post?u=5f3a&id=9c1b", "EMAIL", [], "b_5f3a_9c1b"),
    "kit": ("  provider: kit\n  form_id: 8699115\n", "https://app.kit.com/forms/8699115/subscriptions", "email_address",
            [], "website"),
    "emailoctopus": (f"  provider: emailoctopus\n  list_id: {LIST}\n",
                     f"https://emailoctopus.com/lists/{LIST}/members/external-add", "EmailAddress", [], f"hp{LIST}"),
    "listmonk": (f"  provider: listmonk\n  url: https://lists.harbor.example/\n  list_uuid: {LIST}\n",
                 "https://lists.harbor.example/subscription/form", "email", [("hidden", "l", LIST)], "nonce"),
    "form": ("  provider: form\n  action: https://mail.example.net/join\n  email_field: contact[email]\n"
             "  fields: {list: 42, source: website}\n  honeypot: fax\n",
             "https://mail.example.net/join", "contact[email]", [("hidden", "list", "42"), ("hidden", "source", "website")],
             "fax"),
}


@pytest.mark.parametrize("provider", sorted(PRESETS))
def test_each_provider_preset_posts_the_form_its_provider_expects(built, provider):
    settings, action, email, hidden, honeypot = PRESETS[provider]
    out = built(settings)
    for page in ("subscribe/index.html", "index.html", "articles/waiting/index.html"):
        form = signup_form((out / page).read_text())
        assert form["action"] == action, page
        assert form["inputs"] == [("email", email, None), *hidden, ("text", honeypot, "")], page


def test_the_form_has_a_label_a_consent_line_and_a_hidden_honeypot(built):
    html = (built(PRESETS["buttondown"][0]) / "subscribe/index.html").read_text()
    assert '<label for="signup-email">Your email address</label>' in html
    assert 'aria-describedby="signup-consent"' in html
    assert ("By subscribing you agree to receive Test Notes by email. Your address goes to Buttondown, who sends it "
            "for us, and nowhere else; every email has a link to unsubscribe. "
            '<a href="/privacy/">How we handle your address</a>.') in html
    assert re.search(r'<div class="signup-trap" aria-hidden="true">\s*<label for="signup-trap">Leave this field empty'
                     r'</label>\s*<input type="text" id="signup-trap" name="website" value="" tabindex="-1"', html)
    assert "<script" not in html.split('<section class="signup"')[1].split("</section>")[0]


def test_the_policy_lets_forms_post_to_the_provider_only_on_pages_with_the_form(built):
    out = built(PRESETS["listmonk"][0])
    wide = "default-src 'self'; base-uri 'self'; form-action 'self' https://lists.harbor.example; object-src 'none'"
    for page in ("subscribe/index.html", "index.html", "articles/waiting/index.html"):
        assert csp((out / page).read_text()) == wide, page
    for page in ("about/index.html", "privacy/index.html", "articles/index.html", "therapists/ana-lima/index.html",
                 "topics/anxiety/index.html", "404.html"):
        html = (out / page).read_text()
        assert "form-action 'self';" in csp(html) and "lists.harbor.example" not in csp(html), page
        assert 'method="post"' not in html, page


def test_without_a_provider_no_page_has_a_form_and_the_policy_is_unchanged(built):
    out = built("")
    for page in ("subscribe/index.html", "index.html", "articles/waiting/index.html", "privacy/index.html"):
        html = (out / page).read_text()
        assert csp(html) == "default-src 'self'; base-uri 'self'; form-action 'self'; object-src 'none'", page
        assert 'method="post"' not in html and "Newsletter sign-up" not in html, page
    assert "Want new articles as they appear?" in (out / "articles/waiting/index.html").read_text()


def test_the_privacy_page_names_who_receives_the_address_from_the_setting(built):
    html = (built(PRESETS["emailoctopus"][0]) / "privacy/index.html").read_text()
    assert ("If you sign up for Test Notes, the email address you type in the sign-up form goes from your browser "
            "straight to EmailOctopus (<code>emailoctopus.com</code>), the service that sends our newsletter.") in html
    assert html.index("No cookies.") < html.index("Newsletter sign-up")


def test_a_generic_form_is_named_by_its_own_name_or_else_its_host(built, tmp_path):
    html = (built(PRESETS["form"][0]) / "privacy/index.html").read_text()
    assert "straight to mail.example.net (<code>mail.example.net</code>)" in html


def test_subscribe_leads_with_the_form_and_offers_no_empty_feed(built):
    html = (built(PRESETS["kit"][0]) / "subscribe/index.html").read_text()
    main = html.split('<main id="main" tabindex="-1">')[1]
    assert main.index('<section class="signup"') < main.index("/feed.xml")
    assert "/topics/anxiety/feed.xml" in main and "/therapists/ana-lima/feed.xml" in main
    assert "/topics/couples/feed.xml" not in main, "a topic without articles has no feed to offer"
    assert "/therapists/ben-okafor/feed.xml" not in main, "a therapist without articles has no feed to offer"
    assert "RSS-to-email" not in main, "with a list of its own the practice does not send readers elsewhere"


ERRORS = {
    "unknown provider": ("  provider: mailchimps\n",
                         "site.yaml:5: newsletter.provider: expected one of 'buttondown', 'mailchimp', 'kit', "
                         "'emailoctopus', 'listmonk', 'form', found 'mailchimps'; did you mean 'mailchimp'?"),
    "action not https": ("  provider: form\n  action: http://mail.example.net/join\n",
                         "site.yaml:6: newsletter.action: expected an address starting with https://, found "
                         "'http://mail.example.net/join'; the form sends people's email addresses, which must travel "
                         "encrypted: use the provider's https:// address"),
    "missing setting": ("  provider: buttondown\n",
                        "site.yaml:5: newsletter.username: is required for provider 'buttondown'; add 'username: ...' "
                        "under 'newsletter:': your Buttondown username, as in buttondown.com/<username>"),
    "missing listmonk list": ("  provider: listmonk\n  url: https://lists.example.org\n",
                              "site.yaml:5: newsletter.list_uuid: is required for provider 'listmonk'; add "
                              "'list_uuid: ...' under 'newsletter:': the UUID of the list people join"),
    "another provider's setting": ("  provider: kit\n  form_id: 12\n  username: harbor\n",
                                   "site.yaml:7: newsletter.username: is not a setting of provider 'kit'; 'kit' "
                                   "takes: form_id"),
    "setting without provider": ("  list_id: 12\n",
                                 "site.yaml:5: newsletter.list_id: expected an EmailOctopus list ID like "
                                 "6c1e17a2-f89a-11e8-a3c9-06b79b628af2, found '12'; it is in the list's address in "
                                 "EmailOctopus: emailoctopus.com/lists/<list ID>/..."),
    "provider missing": ("  username: harbor\n",
                         "site.yaml:5: newsletter.username: is a setting of a list provider, but 'provider' is "
                         "missing; add 'provider: ' with one of buttondown, mailchimp, kit, emailoctopus, listmonk, "
                         "form"),
    "mailchimp elsewhere": ("  provider: mailchimp\n  action: https://example.org/subscribe/post?u=1&id=2\n",
                            "site.yaml:6: newsletter.action: expected the form action of Mailchimp's embedded form, "
                            "like https://example.us1.list-manage.com/subscribe/post?u=…&id=…, found "
                            "'https://example.org/subscribe/post?u=1&id=2'; copy the address after action=\" from "
                            "Mailchimp's embedded form code (Audience > Signup forms > Embedded forms)"),
    "mailchimp without id": ("  provider: mailchimp\n  action: https://x.us1.list-manage.com/subscribe/post?u=1\n",
                             "site.yaml:6: newsletter.action: expected the form action of Mailchimp's embedded form, "
                             "like https://example.us1.list-manage.com/subscribe/post?u=…&id=…, found "
                             "'https://x.us1.list-manage.com/subscribe/post?u=1' (its u= or id= part is missing); "
                             "copy the address after action=\" from Mailchimp's embedded form code (Audience > "
                             "Signup forms > Embedded forms)"),
    "misspelt setting": ("  provider: kit\n  from_id: 12\n",
                         "site.yaml:6: newsletter.from_id: unknown field; did you mean 'form_id'?"),
    "hidden fields not a mapping": ("  provider: form\n  action: https://x.example/j\n  fields: [a, b]\n",
                                    "site.yaml:7: newsletter.fields: expected fields like {list: '123'}, found a "
                                    "list; write each hidden field of the provider's form as 'name: value' under "
                                    "'fields:'"),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_a_wrong_newsletter_setting_is_reported_with_its_line_and_fix(make_site, run, case):
    settings, expected = ERRORS[case]
    source = make_site({"site.yaml": site_yaml(settings)})
    result = run("build", "--source", source)
    assert result.code == 1
    lines = [line for line in result.err.splitlines() if line.startswith("site.yaml")]
    assert lines == [expected]
    assert not (source / "public").exists()


def test_a_new_sites_privacy_page_names_the_provider_once_one_is_set(run, tmp_path):
    site = tmp_path / "mysite"
    assert run("init", site, "--name", "Riverside Counseling", "--url", "https://www.riverside-counseling.org",
               "--country", "US", "--time-zone", "America/Los_Angeles").code == 0
    text = (site / "site.yaml").read_text()
    assert "# newsletter:" in text and "#   provider: buttondown" in text, "the setting is shown, commented out"
    (site / "site.yaml").write_text(text.replace("# newsletter:", "newsletter:", 1)
                                    .replace("#   provider: buttondown", "  provider: buttondown", 1)
                                    .replace("#   username: your-buttondown-name", "  username: riverside", 1))
    assert run("build", "--source", site).code == 0
    privacy = (site / "public/privacy/index.html").read_text()
    assert "goes from your browser straight to Buttondown (<code>buttondown.com</code>)" in privacy
    assert "buttondown.com/api/emails/embed-subscribe/riverside" in (site / "public/subscribe/index.html").read_text()
