"""The pages a person sees while installing Rapport: "Add to Slack", installed, and what went
wrong, in Rapport's words. Every value from the request or from Slack is HTML-escaped."""

from __future__ import annotations

from html import escape
from typing import Final

# One small stylesheet, inline (the pages load nothing from anywhere else): a centred card in
# Rapport's colours, readable on a phone, and a button that looks like one.
_STYLE: Final = (
    ":root{--ink:#1d1c1d;--muted:#616061;--brand:#2f3b52;--slack:#4a154b;--ok:#007a5a;"
    "--warn:#b35900;--line:#e8e6e8}"
    "*{box-sizing:border-box}"
    "body{margin:0;padding:3.5rem 1rem;background:#f4f2f6;color:var(--ink);"
    "font:16px/1.55 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}"
    "main{max-width:34rem;margin:0 auto;padding:2.25rem 2.25rem 1.75rem;background:#fff;"
    "border:1px solid var(--line);border-radius:.75rem;box-shadow:0 4px 18px rgba(47,59,82,.08)}"
    "header{display:flex;align-items:center;gap:.6rem;margin-bottom:1.5rem;color:var(--brand);"
    "font-weight:700;letter-spacing:.01em}"
    ".mark{display:inline-grid;place-items:center;width:2rem;height:2rem;border-radius:.5rem;"
    "background:var(--brand);color:#fff;font-size:1.1rem}"
    "h1{margin:0 0 .75rem;font-size:1.6rem;line-height:1.25;color:var(--brand)}"
    ".badge{display:inline-grid;place-items:center;width:2.5rem;height:2.5rem;border-radius:50%;"
    "color:#fff;font-size:1.3rem;font-weight:700;margin-bottom:.75rem}"
    ".ok{background:var(--ok)}.warn{background:var(--warn)}"
    "ul{padding-left:1.2rem;margin:.5rem 0 1.25rem}li{margin:.25rem 0}"
    "a.button{display:inline-block;margin:.5rem 0 1rem;padding:.7rem 1.4rem;border-radius:.4rem;"
    "background:var(--slack);color:#fff;text-decoration:none;font-weight:700}"
    "a.button:hover,a.button:focus{background:#611f69;outline:3px solid #e8d5ea}"
    "code{background:#f4f2f6;padding:.05rem .3rem;border-radius:.25rem;font-size:.9em}"
    "footer,small{color:var(--muted);font-size:.85rem}"
    "footer{border-top:1px solid var(--line);margin-top:.75rem;padding-top:1rem}"
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


def _page(title: str, body: str, *, footer: str = "") -> str:
    # `title`, `body` and `footer` are markup built here: anything in them from the request or
    # from Slack was escaped by the caller.
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        '<body><main><header><span class="mark" aria-hidden="true">R</span>Rapport</header>'
        f"{body}{f'<footer>{footer}</footer>' if footer else ''}</main></body></html>"
    )


def install_page(authorize_url: str) -> str:
    """The "Add to Slack" page: what Rapport is, what it asks for, and the authorize link."""
    return _page(
        "Add Rapport to Slack",
        "<h1>Add Rapport to Slack</h1>"
        "<p>Rapport is your team's memory for relationships: tell it who you met and what "
        "happened, and ask it later (\u201cwho wanted a dog?\u201d). Its answers are shown only "
        "to the person who asked.</p>"
        "<p>It asks Slack for permission to:</p>"
        "<ul>"
        "<li>read the messages you send it directly or @mention it in</li>"
        "<li>answer you, and add the <code>/rapport</code> command</li>"
        "<li>open a direct message with you for reminders</li>"
        "<li>read each person's name and time zone</li>"
        "</ul>"
        "<p>It does not read your channels.</p>"
        f'<a class="button" id="add-to-slack" href="{escape(authorize_url, quote=True)}">'
        "Add to Slack</a>",
        footer="Uninstalling removes Rapport's access at once; your workspace's notes are "
        "deleted after the retention period described in the privacy statement.",
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
        '<div class="badge ok" aria-hidden="true">\u2713</div>'
        f"<h1>Rapport is installed in {where}</h1>{apart}"
        "<p>Try it now:</p>"
        "<ul>"
        "<li>send Rapport a direct message \u2014 for example \u201cmet Jane Doe for coffee, "
        "she wants a shelter dog\u201d</li>"
        "<li>ask it later: \u201cwho wanted a dog?\u201d</li>"
        "<li>or type <code>/rapport help</code> in any channel</li>"
        "</ul>"
        f'<a class="button" id="open-slack" href="{escape(open_url, quote=True)}">'
        "Open Slack</a>",
        footer="You can close this page.",
    )


def failure_page(*, reason: str, install_path: str) -> str:
    explanation = FAILURE_REASONS.get(reason, UNKNOWN_FAILURE)
    return _page(
        "Rapport was not installed",
        '<div class="badge warn" aria-hidden="true">!</div>'
        "<h1>Rapport was not installed</h1>"
        f'<p id="why">{escape(explanation)}</p>'
        f'<a class="button" id="try-again" href="{escape(install_path, quote=True)}">'
        "Start again</a>",
        footer=f"Reason given: <code>{escape(reason)}</code>",
    )
