"""The newsletter's list providers: site.yaml's ``newsletter:`` settings -> the sign-up form (models.SignUp).

Each preset turns its own few settings into the form that provider's embed code posts, so the practice types a
username or a list ID instead of pasting HTML. Where each form comes from (checked against the provider's own
embed code or the official integration that posts it):
- Buttondown: the "embed" form, POST https://buttondown.com/api/emails/embed-subscribe/<username> with ``email``
  and ``embed=1`` (buttondown.email, its old domain, redirects there).
- Mailchimp: the embedded form's action, https://<account>.<dc>.list-manage.com/subscribe/post?u=…&id=…, with
  ``EMAIL``; its honeypot is the text field named ``b_<u>_<id>``, which must stay empty.
- Kit (ConvertKit): POST https://app.kit.com/forms/<form id>/subscriptions with ``email_address``.
- EmailOctopus: POST https://emailoctopus.com/lists/<list id>/members/external-add with ``EmailAddress`` and the
  honeypot ``hp<list id>`` (as EmailOctopus's own WordPress plugin posts it).
- listmonk: its public subscription form, POST <url>/subscription/form with ``email``, ``l=<list uuid>`` and the
  honeypot ``nonce``.
- form: any other provider: ``action``, ``email_field``, ``fields`` (hidden fields), ``honeypot`` and ``name``.
Unsubscribe merge tags, for the email issue: Buttondown and Kit ``{{ unsubscribe_url }}``, Mailchimp ``*|UNSUB|*``,
EmailOctopus ``{{UnsubscribeURL}}``, listmonk ``{{ UnsubscribeURL }}``.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Callable
from urllib.parse import parse_qs, urlsplit

from .models import SignUp
from .schema import INVALID, Ctx, Text, describe

HTTPS_HINT = "the form sends people's email addresses, which must travel encrypted: use the provider's https:// address"
UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
NAME = re.compile(r"[A-Za-z0-9_.:\[\]-]{1,100}")


class Address(Text):
    """An https:// address; HTML escapes (``&amp;`` copied from embed code) are undone first."""

    def __init__(self, pattern: str = r"https://[^\s/?#@]+\S*", expected: str = "an address starting with https://",
                 hint: str = HTTPS_HINT):
        super().__init__(re.compile(pattern), expected, hint)

    def __call__(self, value, field: str, ctx: Ctx):
        if isinstance(value, str):
            value = html.unescape(value)
        return super().__call__(value, field, ctx)


class HiddenFields:
    """A mapping of hidden field names to their values (the generic form's ``fields``)."""

    kind, words, empty = "mapping", "group of name: value", ()

    def __call__(self, value, field: str, ctx: Ctx):
        if not isinstance(value, dict):
            return ctx.bad(field, f"expected fields like {{list: '123'}}, found {describe(value)}",
                           "write each hidden field of the provider's form as 'name: value' under 'fields:'")
        out = []
        for name, item in value.items():
            if not NAME.fullmatch(str(name)):
                return ctx.bad(f"{field}.{name}", "expected a form field name of letters, digits, '_' or '-'")
            text = Text()(item, f"{field}.{name}", ctx)
            if text is INVALID:
                return INVALID
            out.append((str(name), text))
        return tuple(out)


#: Every provider setting and how it is checked; each preset says which of them it takes.
SETTINGS = {
    "username": Text(re.compile(r"[A-Za-z0-9_-]{1,100}"), "a Buttondown username like harborlight"),
    "action": Address(),
    "form_id": Text(re.compile(r"\d{1,20}"), "the number of a Kit form like 1234567",
                    "it is in the form's address in Kit: app.kit.com/forms/<number>/..."),
    "list_id": Text(UUID, "an EmailOctopus list ID like 6c1e17a2-f89a-11e8-a3c9-06b79b628af2",
                    "it is in the list's address in EmailOctopus: emailoctopus.com/lists/<list ID>/..."),
    "url": Address(r"https://[^\s/?#@]+(/[^\s?#]*)?", "the https:// address of your listmonk, like "
                   "https://lists.example.org"),
    "list_uuid": Text(UUID, "a listmonk list UUID like 6c1e17a2-f89a-11e8-a3c9-06b79b628af2",
                      "it is shown on the list's page in listmonk (Lists > the list > UUID)"),
    "email_field": Text(NAME, "a form field name like email"),
    "fields": HiddenFields(),
    "honeypot": Text(NAME, "a form field name like website"),
    "name": Text(),
    "unsubscribe": Text(),
}

MAILCHIMP = Address(r"https://[A-Za-z0-9.-]+\.list-manage\.com/subscribe/post\?\S*",
                    "the form action of Mailchimp's embedded form, like "
                    "https://example.us1.list-manage.com/subscribe/post?u=…&id=…",
                    "copy the address after action=\" from Mailchimp's embedded form code (Audience > Signup "
                    "forms > Embedded forms)")


@dataclass(frozen=True, slots=True)
class Preset:
    """One provider: the settings it needs (with what each one is, for the hint), and how they make its form."""

    needs: dict[str, str]
    form: Callable[[dict], SignUp]
    optional: tuple[str, ...] = ()


def _mailchimp(values: dict) -> SignUp:
    query = parse_qs(urlsplit(values["action"]).query)
    u, list_id = query.get("u", [""])[0], query.get("id", [""])[0]
    return SignUp("mailchimp", "Mailchimp", values["action"], "EMAIL", (), f"b_{u}_{list_id}", "*|UNSUB|*")


PRESETS = {
    "buttondown": Preset({"username": "your Buttondown username, as in buttondown.com/<username>"},
                         lambda v: SignUp("buttondown", "Buttondown",
                                          f"https://buttondown.com/api/emails/embed-subscribe/{v['username']}",
                                          "email", (("embed", "1"),), unsubscribe="{{ unsubscribe_url }}")),
    "mailchimp": Preset({"action": "the form action of Mailchimp's embedded form "
                                   "(https://….list-manage.com/subscribe/post?u=…&id=…)"}, _mailchimp),
    "kit": Preset({"form_id": "the number of your Kit form, as in app.kit.com/forms/<number>"},
                  lambda v: SignUp("kit", "Kit", f"https://app.kit.com/forms/{v['form_id']}/subscriptions",
                                   "email_address", unsubscribe="{{ unsubscribe_url }}")),
    "emailoctopus": Preset({"list_id": "your EmailOctopus list ID, as in emailoctopus.com/lists/<list ID>"},
                           lambda v: SignUp("emailoctopus", "EmailOctopus",
                                            f"https://emailoctopus.com/lists/{v['list_id']}/members/external-add",
                                            "EmailAddress", (), f"hp{v['list_id']}", "{{UnsubscribeURL}}")),
    "listmonk": Preset({"url": "the https:// address of your listmonk",
                        "list_uuid": "the UUID of the list people join"},
                       lambda v: SignUp("listmonk", "listmonk", v["url"].rstrip("/") + "/subscription/form",
                                        "email", (("l", v["list_uuid"]),), "nonce", "{{ UnsubscribeURL }}")),
    "form": Preset({"action": "the https:// address the provider's form posts to"},
                   lambda v: SignUp("form", v.get("name") or urlsplit(v["action"]).hostname or "", v["action"],
                                    v.get("email_field", "email"), v.get("fields", ()),
                                    v.get("honeypot", "website"), v.get("unsubscribe", "")),
                   optional=("email_field", "fields", "honeypot", "name", "unsubscribe")),
}


def signup(values: dict, ctx: Ctx) -> SignUp | None:
    """Make the sign-up form of ``values`` (site.yaml's checked ``newsletter:``); report what is missing or extra."""
    provider = values.get("provider")
    given = [key for key in SETTINGS if key in values]
    if provider is None:
        for key in given:
            ctx.bad(f"newsletter.{key}", "is a setting of a list provider, but 'provider' is missing",
                    "add 'provider: ' with one of " + ", ".join(PRESETS))
        return None
    preset = PRESETS[provider]
    wrong = []
    for key in given:
        if key not in preset.needs and key not in preset.optional:
            wrong.append(ctx.bad(f"newsletter.{key}", f"is not a setting of provider '{provider}'",
                                 f"'{provider}' takes: " + ", ".join((*preset.needs, *preset.optional))))
    for key, what in preset.needs.items():
        if key not in values:
            wrong.append(ctx.bad(f"newsletter.{key}", f"is required for provider '{provider}'",
                                 f"add '{key}: ...' under 'newsletter:': {what}", at="newsletter.provider"))
    if provider == "mailchimp" and "action" in values:
        query = parse_qs(urlsplit(values["action"]).query)
        if MAILCHIMP(values["action"], "newsletter.action", ctx) is INVALID:
            wrong.append(INVALID)
        elif not (query.get("u") and query.get("id")):
            wrong.append(ctx.bad("newsletter.action", f"expected {MAILCHIMP.expected}, found "
                                 f"{values['action']!r} (its u= or id= part is missing)", MAILCHIMP.hint))
    return None if wrong else preset.form(values)
