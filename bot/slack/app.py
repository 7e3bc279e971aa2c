"""The bolt App: every Slack surface over the use cases, and the last-resort error handler."""

from __future__ import annotations

import logging
import secrets
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient

from bot.blocks.notes import error_blocks
from bot.config import Settings
from bot.handlers import (
    actions,
    briefs,
    calendars,
    commands,
    connect,
    home,
    messages,
    reminders,
    shortcuts,
    standing,
    team,
    views,
)
from bot.handlers.common import SOMETHING_WENT_WRONG, Deps
from bot.slack.client import build_client
from bot.slack.oauth import OAuth

if TYPE_CHECKING:  # importing the composition root pulls in the store; only its type is needed
    from bot.app import Rapport

log = logging.getLogger("rapport.slack")


def build_app(
    *,
    rapport: Rapport,
    settings: Settings,
    client: WebClient | None = None,
    process_before_response: bool = False,
    oauth: OAuth | None = None,
) -> App:
    """A bolt App whose handlers ack first and then call the use cases on `rapport`.

    Request signing stays on: without a signing secret (Socket Mode needs none) a random one is
    used, so no unsigned HTTP request could ever pass. With `oauth` (bot.slack.oauth), each
    request's token is the installing workspace's and the install pages are served.
    """
    client = client if client is not None else build_client(settings)
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret or secrets.token_hex(32),
        request_verification_enabled=True,
        process_before_response=process_before_response,
        logger=logging.getLogger("rapport.slack.bolt"),
        **(oauth.app_kwargs() if oauth is not None else {}),
    )
    if oauth is not None:
        oauth.register(app)
    deps = Deps(rapport=rapport)
    # Bolt runs the first listener that matches an event: the shared channels' listener (it
    # matches channel messages only) goes before the DMs'.
    surfaces = (
        connect,
        messages,
        commands,
        shortcuts,
        actions,
        views,
        home,
        reminders,
        team,
        standing,
        calendars,
        briefs,
    )
    for surface in surfaces:
        surface.register(app, deps)
    app.error(_handle_error)
    return app


def _handle_error(
    error: Exception, body: dict[str, Any], client: WebClient, logger: logging.Logger
) -> BoltResponse | None:
    """Log everything; tell the person only that something went wrong (never a traceback)."""
    logger.error("unhandled error in a Slack handler: %r", error, exc_info=error)
    try:
        _tell_user(body, client)
    except Exception:  # the error path must not raise in turn
        logger.warning("could not tell the user about an error", exc_info=True)
    return None


def _tell_user(body: dict[str, Any], client: WebClient) -> None:
    from slack_sdk.webhook import WebhookClient

    blocks = error_blocks(SOMETHING_WENT_WRONG)
    response_url = body.get("response_url")
    if response_url:
        WebhookClient(str(response_url), timeout=10).send(
            text=SOMETHING_WENT_WRONG,
            blocks=blocks,
            response_type="ephemeral",
            replace_original=False,
        )
        return
    event = body.get("event") or {}
    if body.get("type") == "event_callback" and event.get("user"):
        if event.get("type") == "message" and event.get("channel_type") == "im":
            client.chat_postMessage(
                channel=event["channel"], text=SOMETHING_WENT_WRONG, blocks=blocks
            )
        elif event.get("type") == "app_mention":
            client.chat_postEphemeral(
                channel=event["channel"],
                user=event["user"],
                text=SOMETHING_WENT_WRONG,
                blocks=blocks,
            )
        return
    user = (body.get("user") or {}).get("id")
    if user and body.get("type") == "view_submission":
        client.chat_postMessage(channel=user, text=SOMETHING_WENT_WRONG, blocks=blocks)
