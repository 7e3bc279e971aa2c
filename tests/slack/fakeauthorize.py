"""The fake Slack's authorize page (`/oauth/v2/authorize`): what a person sees after "Add to
Slack", with an Allow and a Cancel button, as slack.com shows it.

Like Slack it checks the app's client id and that `redirect_uri` (when the install link carries
one) is one of the app's Redirect URLs; Allow sends the browser to the redirect URL with a fresh
one-time `code` (exchangeable once at oauth.v2.access for the workspace the test offered) and the
link's `state`, Cancel with `error=access_denied` and the `state`. Every echoed value is escaped.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlencode

if TYPE_CHECKING:
    from tests.slack.fakeslack import FakeSlack, OAuthGrant

AUTHORIZE_PATH: Final = "/oauth/v2/authorize"

Answer = tuple[int, dict[str, str], bytes]


@dataclass
class AuthorizeConfig:
    """The app as the fake Slack knows it, and the workspace the person will choose."""

    client_id: str | None = None  # None: any client id is accepted
    redirect_urls: list[str] = field(default_factory=list)  # the app's Redirect URLs
    workspace: OAuthGrant | None = None  # what Allow installs into (a test's choice)
    _codes: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def next_code(self) -> str:
        return f"fake-code-{next(self._codes)}"


def authorize(fake: FakeSlack, http_method: str, params: dict[str, Any]) -> Answer:
    """GET: the page; POST (its form): the person's decision, answered with a redirect."""
    config = fake.authorize_config
    client_id = str(params.get("client_id") or "")
    if config.client_id is not None and client_id != config.client_id:
        return _error("Invalid client_id parameter")
    redirect = _redirect_url(config, str(params.get("redirect_uri") or ""))
    if redirect is None:
        return _error("redirect_uri did not match any configured URIs")
    state = str(params.get("state") or "")
    if http_method != "POST":
        return _page(config, params, redirect_given=bool(params.get("redirect_uri")))
    if params.get("decision") != "allow":
        return _redirect(redirect, {"error": "access_denied", "state": state})
    if config.workspace is None:
        return _error("no workspace to install into (the test did not offer one)")
    code = config.next_code()
    fake.grant(code, config.workspace)
    return _redirect(redirect, {"code": code, "state": state})


def _redirect_url(config: AuthorizeConfig, given: str) -> str | None:
    if not given:
        return config.redirect_urls[0] if config.redirect_urls else None
    # Slack accepts a redirect_uri that is one of the configured URLs (or below one of them).
    return given if any(given.startswith(url) for url in config.redirect_urls) else None


def _redirect(url: str, query: dict[str, str]) -> Answer:
    location = url + ("&" if "?" in url else "?") + urlencode(query)
    return 302, {"Location": location, "Content-Type": "text/plain"}, b"redirecting"


_STYLE: Final = (
    "body{font-family:system-ui,sans-serif;background:#f4ede4;margin:0;color:#1d1c1d}"
    "main{max-width:30rem;margin:3rem auto;background:#fff;border-radius:.5rem;padding:2rem;"
    "box-shadow:0 1px 3px rgba(0,0,0,.15)}li{margin:.3rem 0}"
    "button{font:inherit;font-weight:700;padding:.6rem 1.4rem;border-radius:.3rem;"
    "border:1px solid #bbb;background:#fff;margin-right:.5rem;cursor:pointer}"
    "#allow{background:#007a5a;border-color:#007a5a;color:#fff}"
)


def _html(title: str, body: str) -> bytes:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>"
    ).encode()


def _page(config: AuthorizeConfig, params: dict[str, Any], *, redirect_given: bool) -> Answer:
    team = config.workspace.team_name if config.workspace else "your workspace"
    scopes = [s for s in str(params.get("scope") or "").split(",") if s]
    hidden = {
        key: str(params.get(key) or "")
        for key in ("client_id", "scope", "state") + (("redirect_uri",) if redirect_given else ())
    }
    fields = "".join(
        f'<input type="hidden" name="{escape(key)}" value="{escape(value, quote=True)}">'
        for key, value in hidden.items()
    )
    body = (
        f"<h1>Rapport is requesting permission to access the {escape(team)} Slack workspace</h1>"
        '<p>It will be able to:</p><ul id="scopes">'
        + "".join(f"<li><code>{escape(scope)}</code></li>" for scope in scopes)
        + "</ul>"
        f'<form method="post" action="{AUTHORIZE_PATH}">{fields}'
        '<button id="cancel" type="submit" name="decision" value="cancel">Cancel</button>'
        '<button id="allow" type="submit" name="decision" value="allow">Allow</button>'
        "</form>"
    )
    return 200, {"Content-Type": "text/html; charset=utf-8"}, _html("Slack", body)


def _error(message: str) -> Answer:
    body = f'<h1>Oops, something went wrong</h1><p id="error">{escape(message)}</p>'
    return 400, {"Content-Type": "text/html; charset=utf-8"}, _html("Slack", body)
