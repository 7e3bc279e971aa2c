"""OAuth distribution: "Add to Slack" in any workspace, one token per workspace.

Built only from bolt's and slack_sdk's own parts: bolt's OAuthFlow serves `/slack/install` and
`/slack/oauth_redirect` (the pages are Rapport's: bot.slack.install_pages), slack_sdk's SQLAlchemy
installation and state stores keep installations and OAuth states in Rapport's own database
(tables from migration 0013, never `create_tables`), and bolt's InstallationStoreAuthorize
resolves each request's token by workspace and refreshes rotating tokens before they expire.

`app_uninstalled` and `tokens_revoked` remove that workspace's tokens at once and schedule its
data for deletion after the retention period (bot.notes.lifecycle); a reinstall within it clears
the schedule.

Enterprise Grid: an org-wide install (`is_enterprise_install`, an enterprise id and no team id)
is one installation row serving every workspace of the org; bolt's authorize finds it from the
request's `enterprise_id` and `authorizations[0].is_enterprise_install`. Rapport still keys all
data by the workspace the request came from (the envelope's `team_id`), and remembers which org
each workspace belongs to (`workspace.enterprise_id`, migration 0017) so reminders in that
workspace go out with the org's token and the org's uninstall reaches the workspace's data.
`team_access_revoked` / `team_access_granted` remove / add single workspaces of an org install.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Final

from slack_bolt import App, BoltContext, BoltResponse
from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth import OAuthFlow
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

from bot.config import Settings
from bot.domain.errors import StorageUnavailableError
from bot.reminders.notifier import Block, DeliveryResult
from bot.slack.authorize_cache import CachedAuthorize
from bot.slack.client import build_client, delivery_client
from bot.slack.install_lookups import ReadingLookups
from bot.slack.install_pages import failure_page, install_page, success_page
from bot.slack.notifier import SlackNotifier

if TYPE_CHECKING:
    from bot.app import Rapport

log = logging.getLogger("rapport.slack.oauth")

INSTALL_PATH: Final = "/slack/install"
REDIRECT_PATH: Final = "/slack/oauth_redirect"
# An install link is good for ten minutes (slack_sdk's default) and only once.
STATE_EXPIRATION_SECONDS: Final = 600
_CLIENT_ID: Final = re.compile(r"^[0-9]+\.[0-9]+$")


# --- which mode, and why ------------------------------------------------------------------------


@dataclass(frozen=True)
class ServeMode:
    oauth: bool
    reason: str  # one line for the log, never a secret


def _set(value: str | None) -> bool:
    return bool((value or "").strip())


def choose_mode(settings: Settings, *, http: bool) -> ServeMode:
    """OAuth when a client id and secret are set (HTTP only); otherwise one workspace's token."""
    if http and _set(settings.slack_client_id) and _set(settings.slack_client_secret):
        ignored = " (SLACK_BOT_TOKEN is ignored)" if _set(settings.slack_bot_token) else ""
        return ServeMode(
            True,
            "mode: OAuth distribution, because SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are set; "
            f"workspaces install at {INSTALL_PATH}{ignored}",
        )
    return ServeMode(
        False,
        "mode: single workspace, because SLACK_CLIENT_ID/SLACK_CLIENT_SECRET are not set; "
        "every request uses SLACK_BOT_TOKEN",
    )


def problems(settings: Settings, *, http: bool) -> list[str]:
    """The OAuth settings' problems, one clear line each (never echoing a secret)."""
    has_id, has_secret = _set(settings.slack_client_id), _set(settings.slack_client_secret)
    if not has_id and not has_secret:
        return []
    if has_id != has_secret:
        present, missing = (
            ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET")
            if has_id
            else ("SLACK_CLIENT_SECRET", "SLACK_CLIENT_ID")
        )
        return [
            f"{present} is set but {missing} is not: OAuth distribution needs both (Basic "
            "Information → App Credentials), or unset both for a single workspace."
        ]
    if not http:
        return [
            "SLACK_CLIENT_ID is set, but Socket Mode cannot serve the install pages: serve with "
            "--http for OAuth distribution, or unset SLACK_CLIENT_ID and SLACK_CLIENT_SECRET."
        ]
    found: list[str] = []
    if not _CLIENT_ID.match((settings.slack_client_id or "").strip()):
        found.append(
            "SLACK_CLIENT_ID looks malformed: it is two numbers joined by a dot, as shown under "
            "Basic Information → App Credentials → Client ID."
        )
    if not scopes(settings):
        found.append("SLACK_SCOPES is empty: list the bot scopes, comma-separated.")
    redirect = (settings.slack_redirect_uri or "").strip()
    if redirect and not redirect.startswith(("https://", "http://localhost", "http://127.")):
        found.append(
            "SLACK_REDIRECT_URI must be an https:// URL ending in /slack/oauth_redirect "
            "(Slack refuses plain http except for localhost)."
        )
    return found


def scopes(settings: Settings) -> list[str]:
    return [s.strip() for s in settings.slack_scopes.split(",") if s.strip()]


# --- the flow -----------------------------------------------------------------------------------


class RapportOAuthFlow(OAuthFlow):
    """Bolt's flow with Rapport's install page; a saved installation clears any deletion
    schedule of its workspace (a reinstall within the retention restores everything)."""

    rapport: Rapport

    def build_install_page_html(self, url: str, request: BoltRequest) -> str:
        return install_page(url)

    def store_installation(self, request: BoltRequest, installation: Installation) -> None:
        super().store_installation(request, installation)
        if isinstance(self.settings.authorize, CachedAuthorize):  # a reinstall: a new token
            self.settings.authorize.forget(
                enterprise_id=installation.enterprise_id, team_id=installation.team_id
            )
        if installation.is_enterprise_install and installation.enterprise_id:
            # One row for the whole org: restore any of its workspaces that were scheduled.
            self.rapport.lifecycle.org_installed(enterprise_id=installation.enterprise_id)
            log.info("installed org-wide in enterprise %s", installation.enterprise_id)
            return
        if installation.team_id:
            self.rapport.lifecycle.installed(
                workspace_id=installation.team_id, enterprise_id=installation.enterprise_id
            )
        log.info(
            "installed in workspace %s (enterprise %s)",
            installation.team_id,
            installation.enterprise_id or "-",
        )


def _success(args: SuccessArgs) -> BoltResponse:
    installation = args.installation
    open_url = f"https://slack.com/app_redirect?app={installation.app_id}"
    if installation.team_id:
        open_url += f"&team={installation.team_id}"
    if installation.is_enterprise_install:
        body = success_page(
            team_name=None, open_url=open_url, org_name=installation.enterprise_name or ""
        )
    else:
        body = success_page(team_name=installation.team_name, open_url=open_url)
    return BoltResponse(status=200, body=body, headers={"Content-Type": "text/html; charset=utf-8"})


def _failure(args: FailureArgs) -> BoltResponse:
    log.info("an install failed: %s", args.reason)
    return BoltResponse(
        status=args.suggested_status_code,
        body=failure_page(reason=args.reason, install_path=args.settings.install_path),
        headers={"Content-Type": "text/html; charset=utf-8"},
    )


@dataclass(frozen=True)
class OAuth:
    """What the bolt App is built with in OAuth mode, and the uninstall listeners."""

    flow: RapportOAuthFlow
    installation_store: SQLAlchemyInstallationStore
    authorize: CachedAuthorize
    retention: timedelta
    rapport: Rapport
    # (workspace, org) pairs this process has recorded (bot.notes.lifecycle.joined)
    _orgs_seen: set[tuple[str, str]] = field(default_factory=set, compare=False)

    def app_kwargs(self) -> dict[str, Any]:
        return {
            "oauth_flow": self.flow,
            "installation_store": self.installation_store,
            "authorize": self.authorize,
        }

    def register(self, app: App) -> None:
        app.use(self._remember_org)
        app.event("app_uninstalled")(self._app_uninstalled)
        app.event("tokens_revoked")(self._tokens_revoked)
        app.event("team_access_revoked")(self._team_access_revoked)
        app.event("team_access_granted")(self._team_access_granted)

    def _remember_org(
        self, body: dict[str, Any], context: BoltContext, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        """Each workspace of an Enterprise Grid org is remembered as the org's (once per
        process and pair): its reminders then go out with an org install's token."""
        org, workspace = context.enterprise_id, request_workspace(body) or context.team_id
        if org and workspace and (workspace, org) not in self._orgs_seen:
            try:
                self.rapport.lifecycle.joined(workspace_id=workspace, enterprise_id=org)
                self._orgs_seen.add((workspace, org))
            except StorageUnavailableError:
                # The request goes on (it says so itself if it needs the database); the next
                # request from the workspace records its org.
                log.warning("could not record workspace %s of enterprise %s", workspace, org)
        return next()

    def _app_uninstalled(self, context: BoltContext) -> None:
        self._forget_tokens(context, "app_uninstalled", {})

    def _tokens_revoked(self, event: dict[str, Any], context: BoltContext) -> None:
        tokens = event.get("tokens") or {}
        users = [str(u) for u in tokens.get("oauth") or []]
        for user in users:
            self.installation_store.delete_installation(
                enterprise_id=context.enterprise_id, team_id=context.team_id, user_id=user
            )
        if tokens.get("bot"):
            # Rapport is a bot: without the bot token the workspace cannot use it at all, so
            # every installation row (each also holds the bot token) goes.
            self._forget_tokens(context, "tokens_revoked", {"user_tokens": len(users)})

    def _team_access_revoked(self, event: dict[str, Any], context: BoltContext) -> None:
        """An org-wide install was removed from some of the org's workspaces: the org's token
        stays (it serves the others); those workspaces' data is scheduled for deletion."""
        for team_id in self._of_this_org(event, context):
            self.rapport.lifecycle.uninstalled(
                workspace_id=team_id,
                reason="team_access_revoked",
                retention=self.retention,
                enterprise_id=context.enterprise_id,
            )
            log.info("team_access_revoked for workspace %s: data scheduled", team_id)

    def _team_access_granted(self, event: dict[str, Any], context: BoltContext) -> None:
        """An org-wide install was added to more workspaces: they are the org's, and any of
        them scheduled for deletion is restored."""
        for team_id in self._of_this_org(event, context):
            self.rapport.lifecycle.installed(
                workspace_id=team_id, enterprise_id=context.enterprise_id
            )

    def _of_this_org(self, event: dict[str, Any], context: BoltContext) -> list[str]:
        """The event's workspaces, but any Rapport knows to belong to another org: one org's
        install never schedules or restores another org's workspace."""
        org = context.enterprise_id
        if not org:
            return []
        return [
            team
            for team in _team_ids(event)
            if self.rapport.lifecycle.enterprise_of(team) in (None, org)
        ]

    def _forget_tokens(self, context: BoltContext, reason: str, detail: dict[str, Any]) -> None:
        team_id = context.team_id
        org = context.enterprise_id
        if context.is_enterprise_install and org:
            # The org-wide row has no team id; every workspace of the org loses Rapport, but
            # those that also installed it on their own keep their own installation.
            self.installation_store.delete_all(enterprise_id=org, team_id=None)
            self.authorize.forget(enterprise_id=org, team_id=None)
            keep = frozenset(
                ws
                for ws in self.rapport.lifecycle.org_workspaces(org)
                if self.installation_store.find_bot(enterprise_id=org, team_id=ws) is not None
            )
            many = self.rapport.lifecycle.org_uninstalled(
                enterprise_id=org,
                reason=reason,
                retention=self.retention,
                keep=keep,
                detail=detail,
            )
            log.info(
                "%s org-wide in enterprise %s: tokens removed, %d workspace(s) scheduled",
                reason,
                org,
                len(many),
            )
            return
        self.installation_store.delete_all(enterprise_id=org, team_id=team_id)
        self.authorize.forget(enterprise_id=org, team_id=team_id)
        if not team_id:
            return
        scheduled = self.rapport.lifecycle.uninstalled(
            workspace_id=team_id,
            reason=reason,
            retention=self.retention,
            enterprise_id=context.enterprise_id,
            detail=detail,
        )
        log.info(
            "%s in workspace %s: tokens removed, data deleted after %s",
            reason,
            team_id,
            scheduled.delete_after.isoformat(),
        )


class InstalledNotifier:
    """Reminder DMs in OAuth mode: each workspace's through its own installed bot token (a
    workspace with no installation is a permanent failure: retrying cannot help)."""

    def __init__(
        self,
        *,
        settings: Settings,
        installation_store: SQLAlchemyInstallationStore,
        enterprise_of: Callable[[str], str | None] | None = None,
    ):
        self.settings = settings
        self.installation_store = installation_store
        # Which Grid org a workspace belongs to (bot.notes.lifecycle), for org-wide installs.
        self.enterprise_of = enterprise_of or (lambda _workspace: None)
        self._notifiers: dict[str, SlackNotifier] = {}
        self._lock = threading.Lock()

    def bot_for(self, workspace: str) -> Bot | None:
        """The workspace's bot: its own installation (inside an org or not), else its org's
        org-wide one."""
        org = self.enterprise_of(workspace)
        bot = self.installation_store.find_bot(enterprise_id=org, team_id=workspace)
        if bot is None and org:
            bot = self.installation_store.find_bot(
                enterprise_id=org, team_id=None, is_enterprise_install=True
            )
        return bot

    def send(
        self,
        user: str,
        workspace: str,
        text: str,
        blocks: Sequence[Block],
        *,
        key: str | None = None,
        maybe_sent: bool = False,
    ) -> DeliveryResult:
        bot = self.bot_for(workspace)
        if bot is None or not bot.bot_token:
            return DeliveryResult(ok=False, error="not_installed", permanent=True)
        with self._lock:
            notifier = self._notifiers.get(bot.bot_token)
            if notifier is None:
                client = delivery_client(self.settings, token=bot.bot_token)
                notifier = self._notifiers[bot.bot_token] = SlackNotifier(client)
        return notifier.send(user, workspace, text, blocks, key=key, maybe_sent=maybe_sent)


def request_workspace(body: dict[str, Any]) -> str | None:
    """The workspace a request came from, as the handlers read it (bot.handlers.common): for
    an org-wide install bolt's `context.team_id` may be None, the envelope's `team_id` is not."""
    team = body.get("team")
    user = body.get("user")
    found = (
        body.get("team_id")
        or (team.get("id") if isinstance(team, dict) else team)
        or (user.get("team_id") if isinstance(user, dict) else None)
        or (body.get("event") or {}).get("team")
    )
    return str(found) if found else None


def _team_ids(event: dict[str, Any]) -> list[str]:
    return [str(t) for t in event.get("team_ids") or [] if t]


def workspace_client(settings: Settings) -> WebClient:
    """The App's client in OAuth mode: no token of its own (bolt hands each listener a copy
    carrying the workspace's token), the same base URL and retries as every client."""
    return build_client(settings.model_copy(update={"slack_bot_token": None}))


def build_oauth(*, settings: Settings, rapport: Rapport, client: WebClient) -> OAuth:
    """The OAuth parts over Rapport's database; `client` (the fake Slack in tests) answers
    oauth.v2.access for installs and for token refreshes alike."""
    client_id = (settings.slack_client_id or "").strip()
    client_secret = (settings.slack_client_secret or "").strip()
    engine = rapport.lifecycle.engine()
    installation_store = SQLAlchemyInstallationStore(
        client_id=client_id, engine=engine, logger=logging.getLogger("rapport.slack.installs")
    )
    state_store = SQLAlchemyOAuthStateStore(
        expiration_seconds=STATE_EXPIRATION_SECONDS,
        engine=engine,
        logger=logging.getLogger("rapport.slack.installs"),
    )
    # A request's authorize only reads.
    lookups = ReadingLookups(installation_store, reading=rapport.lifecycle.reading_engine())
    authorize = CachedAuthorize(  # per request: a store query + auth.test otherwise
        store=lookups,
        inner=InstallationStoreAuthorize(
            logger=logging.getLogger("rapport.slack.bolt"),
            installation_store=lookups,
            client_id=client_id,
            client_secret=client_secret,
            token_rotation_expiration_minutes=settings.slack_token_rotation_minutes,
            bot_only=True,
            client=client,
        ),
        rotation_minutes=settings.slack_token_rotation_minutes,
    )
    oauth_settings = OAuthSettings(
        client_id=client_id,
        client_secret=client_secret,
        scopes=scopes(settings),
        user_scopes=[],
        redirect_uri=(settings.slack_redirect_uri or "").strip() or None,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        callback_options=CallbackOptions(success=_success, failure=_failure),
        authorization_url=settings.slack_authorize_url,
        installation_store=installation_store,
        installation_store_bot_only=True,
        token_rotation_expiration_minutes=settings.slack_token_rotation_minutes,
        state_store=state_store,
        state_expiration_seconds=STATE_EXPIRATION_SECONDS,
        logger=logging.getLogger("rapport.slack.installs"),
    )
    oauth_settings.authorize = authorize
    flow = RapportOAuthFlow(client=client, settings=oauth_settings)
    flow.rapport = rapport
    return OAuth(
        flow=flow,
        installation_store=installation_store,
        authorize=authorize,
        retention=timedelta(days=settings.uninstall_retention_days),
        rapport=rapport,
    )
