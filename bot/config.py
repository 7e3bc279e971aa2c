"""Typed settings, read from the environment in one place (bot.cli builds them)."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cryptography.fernet import Fernet
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_database_url() -> str:
    from platformdirs import user_data_dir

    # Rapport's own folder is the one it may create; a folder a --db URL names must exist
    # (bot.store.db), so a mistyped path fails instead of creating folders.
    path = Path(user_data_dir("rapport", appauthor=False, ensure_exists=True)) / "rapport.db"
    return f"sqlite:///{path}"


# The bot scopes of manifest.yml: what Rapport asks a workspace for when it is installed.
# channels:history and groups:history are for the Slack Connect channels a member tracks;
# team:read names the other organisation in them (team.info).
DEFAULT_BOT_SCOPES = (
    "app_mentions:read,channels:history,chat:write,commands,groups:history,"
    "im:history,im:write,team:read,users:read"
)


class Settings(BaseSettings):
    """Everything Rapport reads from its environment.

    Slack settings are optional here: only `rapport serve` needs them, and it checks them itself
    so that each missing one gets its own clear message.
    """

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", populate_by_name=True)

    database_url: str = Field(default_factory=default_database_url, alias="RAPPORT_DATABASE_URL")
    tz: str = Field(default="UTC", alias="RAPPORT_TZ")
    local_user: str = Field(default="me", alias="RAPPORT_USER")
    workspace: str = Field(default="local", alias="RAPPORT_WORKSPACE")

    slack_bot_token: str | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_app_token: str | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_signing_secret: str | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_api_url: str = Field(default="https://slack.com/api/", alias="SLACK_API_URL")
    # Fernet key(s) that encrypt calendar addresses at rest (bot/store/secrets.py).
    calendar_key: str | None = Field(default=None, alias="RAPPORT_CALENDAR_KEY", repr=False)
    # Calendar addresses on loopback/private networks are refused unless this is set.
    calendar_allow_private: bool = Field(default=False, alias="RAPPORT_CALENDAR_ALLOW_PRIVATE")

    @field_validator("calendar_key")
    @classmethod
    def _fernet_keys(cls, value: str | None) -> str | None:
        """Each comma-separated key must be a Fernet key (the first encrypts, any decrypts)."""
        if not value or not value.strip():
            return None
        for part in (p.strip() for p in value.split(",") if p.strip()):
            try:
                Fernet(part.encode())
            except (ValueError, TypeError) as exc:
                raise ValueError(
                    "RAPPORT_CALENDAR_KEY is not a Fernet key (32 url-safe base64 bytes); make "
                    "one with: python -c 'from cryptography.fernet import Fernet; "
                    "print(Fernet.generate_key().decode())'"
                ) from exc
        return value

    # OAuth distribution (`rapport serve --http` installs in any workspace): bot.slack.oauth.
    slack_client_id: str | None = Field(default=None, alias="SLACK_CLIENT_ID")
    slack_client_secret: str | None = Field(default=None, alias="SLACK_CLIENT_SECRET")
    slack_scopes: str = Field(default=DEFAULT_BOT_SCOPES, alias="SLACK_SCOPES")
    slack_redirect_uri: str | None = Field(default=None, alias="SLACK_REDIRECT_URI")
    slack_authorize_url: str = Field(
        default="https://slack.com/oauth/v2/authorize", alias="SLACK_AUTHORIZE_URL"
    )
    # A rotating token is refreshed when it expires within this many minutes.
    slack_token_rotation_minutes: int = Field(
        default=120, ge=1, le=720, alias="SLACK_TOKEN_ROTATION_MINUTES"
    )
    # How long an uninstalled workspace's data is kept (a reinstall within it restores it).
    uninstall_retention_days: int = Field(
        default=30, ge=0, le=3650, alias="RAPPORT_UNINSTALL_RETENTION_DAYS"
    )

    @field_validator("tz")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"RAPPORT_TZ={value!r} is not a time zone name (try e.g. Europe/Berlin)"
            ) from exc
        return value
