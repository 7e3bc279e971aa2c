"""The pages a person sees while installing Rapport: "Add to Slack", installed, and what went
wrong, in Rapport's words. Every value from the request or from Slack is HTML-escaped."""

from __future__ import annotations

from html import escape
from typing import Final

_STYLE: Final = (
    "body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;"
    "color:#1d1c1d;line-height:1.5}h1{color:#2f3b52}a.button{display:inline-block;"
    "padding:.6rem 1.2rem;border-radius:.3rem;background:#4a154b;color:#fff;"
    "text-decoration:none;font-weight:600}"
)

# What each of bolt's failure reasons means to the person installing (Slack's `error` query
# parameter arrives as the reason when they cancel or Slack refuses).
FAILURE_REASONS: Final[dict[str, str]] = {
    "access_denied": "You cancelled the install, so nothing was changed in your workspace.",
    "invalid_state": (
        "This install link has expired or was already used. Install links are good for a few "
        "minutes and only once."
    ),
    "invalid_browser": (
        "This install was started in a different browser (or its cookie was blocked). Please "
        "start again in this browser."
    ),
    "missing_code": "Slack did not send the install code back, so Rapport could not finish.",
    "invalid_code": (
        "Slack did not accept the install code (it may have expired, or the app's client id "
        "and secret do not match)."
    ),
    "storage_error": "Rapport could not save the installation. Please try again in a minute.",
}
UNKNOWN_FAILURE: Final = "Slack reported a problem with the install."


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body>{body}</body></html>"
    )


def install_page(authorize_url: str) -> str:
    """The "Add to Slack" page: what Rapport is, what it asks for, and the authorize link."""
    return _page(
        "Add Rapport to Slack",
        "<h1>Add Rapport to Slack</h1>"
        "<p>Rapport is your team's memory for relationships: tell it who you met and what "
        "happened, and ask it later (\u201cwho wanted a dog?\u201d). Its answers are shown only "
        "to the person who asked.</p>"
        "<p>It asks to read the messages you send it, answer you, open a DM for reminders and "
        "read each person's name and time zone. It does not read your channels.</p>"
        f'<p><a class="button" id="add-to-slack" href="{escape(authorize_url, quote=True)}">'
        "Add to Slack</a></p>"
        "<p><small>Uninstalling removes Rapport's access at once; your workspace's notes are "
        "deleted after the retention period described in the privacy statement.</small></p>",
    )


def success_page(*, team_name: str | None, open_url: str, org_name: str | None = None) -> str:
    """Installed; with `org_name` (an Enterprise Grid org-wide install, "" when Slack gave no
    name) in every workspace of the org, each keeping its own notes."""
    if org_name is not None:
        org = escape(org_name) if org_name else "your organisation"
        where = f"every workspace of {org}"
        apart = (
            "<p>Each workspace keeps its own notes: what is written in one is never shown in "
            "another, even to the same person.</p>"
        )
    else:
        where = escape(team_name) if team_name else "your workspace"
        apart = ""
    return _page(
        "Rapport is installed",
        f"<h1>Rapport is installed in {where}</h1>{apart}"
        "<p>Send Rapport a direct message \u2014 for example \u201cmet Jane Doe for coffee, she "
        "wants a shelter dog\u201d \u2014 or type <code>/rapport help</code> in any channel.</p>"
        f'<p><a class="button" id="open-slack" href="{escape(open_url, quote=True)}">'
        "Open Slack</a></p>",
    )


def failure_page(*, reason: str, install_path: str) -> str:
    explanation = FAILURE_REASONS.get(reason, UNKNOWN_FAILURE)
    return _page(
        "Rapport was not installed",
        "<h1>Rapport was not installed</h1>"
        f"<p>{escape(explanation)}</p>"
        f'<p><a class="button" id="try-again" href="{escape(install_path, quote=True)}">'
        "Start again</a></p>"
        f"<p><small>Reason given: <code>{escape(reason)}</code></small></p>",
    )
