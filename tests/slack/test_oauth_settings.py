"""Which mode `rapport serve` runs in and why, and each OAuth setting's problem in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import DEFAULT_BOT_SCOPES, Settings
from bot.slack.oauth import choose_mode, problems
from bot.slack.server import check_settings
from tests.slack.conftest import make_settings

API = "http://127.0.0.1:9/api/"
ID, SECRET = "1234567890.9876543210", "c0ffee" * 6


def test_client_id_and_secret_over_http_is_oauth_and_the_bot_token_is_not_needed() -> None:
    settings = make_settings(
        API, SLACK_BOT_TOKEN=None, SLACK_CLIENT_ID=ID, SLACK_CLIENT_SECRET=SECRET
    )
    mode = choose_mode(settings, http=True)
    assert mode.oauth and "OAuth" in mode.reason and "/slack/install" in mode.reason
    assert check_settings(settings, http=True) == []
    assert SECRET not in mode.reason and ID not in mode.reason


def test_a_bot_token_alongside_oauth_is_said_to_be_ignored() -> None:
    settings = make_settings(API, SLACK_CLIENT_ID=ID, SLACK_CLIENT_SECRET=SECRET)
    assert "SLACK_BOT_TOKEN is ignored" in choose_mode(settings, http=True).reason


def test_without_client_credentials_it_is_the_single_workspace_mode_unchanged() -> None:
    settings = make_settings(API)
    mode = choose_mode(settings, http=True)
    assert not mode.oauth and "single workspace" in mode.reason
    assert check_settings(settings, http=True) == []
    # And SLACK_BOT_TOKEN is still required there.
    assert check_settings(make_settings(API, SLACK_BOT_TOKEN=None), http=True)[0].startswith(
        "SLACK_BOT_TOKEN is not set"
    )


@pytest.mark.parametrize(
    ("http", "overrides", "expected"),
    [
        pytest.param(True, {"SLACK_CLIENT_ID": ID}, "SLACK_CLIENT_ID is set but", id="no-secret"),
        pytest.param(
            True, {"SLACK_CLIENT_SECRET": SECRET}, "SLACK_CLIENT_SECRET is set but", id="no-id"
        ),
        pytest.param(
            False,
            {"SLACK_CLIENT_ID": ID, "SLACK_CLIENT_SECRET": SECRET},
            "SLACK_CLIENT_ID is set, but Socket Mode",
            id="socket-mode",
        ),
        pytest.param(
            True,
            {"SLACK_CLIENT_ID": "my-app", "SLACK_CLIENT_SECRET": SECRET},
            "SLACK_CLIENT_ID looks malformed",
            id="malformed-id",
        ),
        pytest.param(
            True,
            {"SLACK_CLIENT_ID": ID, "SLACK_CLIENT_SECRET": SECRET, "SLACK_SCOPES": " , "},
            "SLACK_SCOPES is empty",
            id="no-scopes",
        ),
        pytest.param(
            True,
            {
                "SLACK_CLIENT_ID": ID,
                "SLACK_CLIENT_SECRET": SECRET,
                "SLACK_REDIRECT_URI": "http://rapport.example.com/slack/oauth_redirect",
            },
            "SLACK_REDIRECT_URI must be an https:// URL",
            id="plain-http-redirect",
        ),
    ],
)
def test_each_oauth_problem_is_one_line_without_the_secret(
    http: bool, overrides: dict[str, str | None], expected: str
) -> None:
    settings = make_settings(API, SLACK_APP_TOKEN="xapp-1-A-2-abc", **overrides)
    found = problems(settings, http=http)
    assert len(found) == 1 and found[0].startswith(expected)
    assert SECRET not in found[0]
    assert expected in " ".join(check_settings(settings, http=http))


@pytest.mark.parametrize(
    "redirect",
    [
        "https://rapport.example.com/slack/oauth_redirect",
        "http://localhost:3000/slack/oauth_redirect",
    ],
)
def test_good_redirect_uris_pass(redirect: str) -> None:
    settings = make_settings(
        API, SLACK_CLIENT_ID=ID, SLACK_CLIENT_SECRET=SECRET, SLACK_REDIRECT_URI=redirect
    )
    assert problems(settings, http=True) == []


ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_is_in_the_readme_configuration_table() -> None:
    readme = (ROOT / "README.md").read_text()
    for field in Settings.model_fields.values():
        assert f"| `{field.alias}` |" in readme, f"{field.alias} missing from README.md"


def test_the_distributed_manifest_in_docs_asks_for_the_scopes_rapport_requests() -> None:
    slack_md = (ROOT / "docs" / "slack.md").read_text()
    manifest = slack_md.split("### Installing in any workspace", 1)[1].split("```yaml", 1)[1]
    manifest = manifest.split("```", 1)[0]
    assert "https://YOUR-HOST/slack/oauth_redirect" in manifest
    for scope in DEFAULT_BOT_SCOPES.split(","):
        assert f"      - {scope} " in manifest  # one a line, as in manifest.yml
    for event in ("app_uninstalled", "tokens_revoked", "message.im", "app_mention"):
        assert event in manifest
    assert "socket_mode_enabled: false" in manifest and "token_rotation_enabled: true" in manifest
    # The single-workspace manifest asks for the same bot scopes.
    root_manifest = (ROOT / "manifest.yml").read_text()
    for scope in DEFAULT_BOT_SCOPES.split(","):
        assert f"- {scope} " in root_manifest
