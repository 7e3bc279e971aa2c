"""docs/slack.md's manifest for a distributed app stays the repository's manifest.yml with only the
changes OAuth distribution over HTTP needs, and matches what `rapport serve --http` serves and
asks for (no YAML parser needed: the manifests are written line by line)."""

from __future__ import annotations

import re
from pathlib import Path

from bot.config import DEFAULT_BOT_SCOPES
from bot.slack.oauth import INSTALL_PATH, REDIRECT_PATH
from bot.slack.server import EVENTS_PATH

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "docs" / "slack.md").read_text()
HOST = "https://YOUR-HOST"
# What differs from manifest.yml (Socket Mode, one workspace) in the distributed app.
CHANGED = {"socket_mode_enabled: true", "token_rotation_enabled: false"}


def _distributed_manifest() -> list[str]:
    section = GUIDE[GUIDE.index("### Installing in any workspace") :]
    found = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert found, "no manifest in docs/slack.md's OAuth distribution section"
    return found.group(1).splitlines()


def _without_comment(line: str) -> str:
    # A comment is " # …" outside quotes; the manifests' quoted strings hold no " # ".
    return re.sub(r"\s+#\s.*$", "", line).rstrip()


def _lines(lines: list[str]) -> list[str]:
    return [_without_comment(line) for line in lines if line.strip() and not line.startswith("#")]


def test_the_distributed_manifest_keeps_every_line_of_manifest_yml() -> None:
    base = _lines((ROOT / "manifest.yml").read_text().splitlines())
    distributed = set(_lines(_distributed_manifest()))
    missing = [line for line in base if line not in distributed and line.strip() not in CHANGED]
    assert missing == [], f"docs/slack.md's manifest lacks these lines of manifest.yml: {missing}"


def test_the_distributed_manifest_is_what_oauth_over_http_needs() -> None:
    lines = _lines(_distributed_manifest())
    text = "\n".join(lines)
    assert f"  redirect_urls:\n    - {HOST}{REDIRECT_PATH}" in text
    scopes = text.split("    bot:\n", 1)[1].split("\nsettings:", 1)[0]
    assert [s.strip(" -") for s in scopes.splitlines()] == DEFAULT_BOT_SCOPES.split(",")
    urls = [line.split(": ", 1)[1] for line in lines if re.match(r"\s+(request_)?url:", line)]
    assert urls == [f"{HOST}{EVENTS_PATH}"] * 3  # the slash command, events, interactivity
    for event in ("app_uninstalled", "tokens_revoked"):  # bot.slack.oauth.OAuth.register
        assert f"      - {event}" in lines, event
    assert "  socket_mode_enabled: false" in lines
    assert "  token_rotation_enabled: true" in lines


def test_the_guide_gives_the_operators_steps() -> None:
    section = GUIDE[GUIDE.index("### Installing in any workspace") :]
    for needle in (
        "Activate Public Distribution",
        "Redirect URLs",
        "SLACK_CLIENT_ID",
        "SLACK_CLIENT_SECRET",
        "SLACK_SIGNING_SECRET",
        f"{REDIRECT_PATH}",
        "rapport serve --http",
        f"{HOST}{INSTALL_PATH}",
    ):
        assert needle in section, needle
