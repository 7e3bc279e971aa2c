"""The one seam to the Slack Web API: a WebClient with a configurable base URL and retries.

Retries are slack_sdk's own handlers (never hand-rolled): 429 answers wait for `Retry-After`,
500/503 answers and dropped connections are tried again a couple of times.

Reminder delivery uses `delivery_client`, which does not wait out a 429 in the sending thread:
the outbox holds that workspace until Retry-After (bot/reminders/pacing.py) and goes on with the
others, so one workspace's rate limit never slows another's DMs.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler

from bot.config import Settings

# Slack answers within a few seconds or not at all; 30 s (the default) would pin a worker thread.
DEFAULT_TIMEOUT_SECONDS = 10


def retry_handlers(*, wait_out_rate_limits: bool = True) -> list[RetryHandler]:
    handlers: list[RetryHandler] = [
        ServerErrorRetryHandler(max_retry_count=2),
        ConnectionErrorRetryHandler(max_retry_count=2),
    ]
    if wait_out_rate_limits:
        handlers.insert(0, RateLimitErrorRetryHandler(max_retry_count=3))
    return handlers


def build_client(
    settings: Settings,
    *,
    token: str | None = None,
    timeout: int = DEFAULT_TIMEOUT_SECONDS,
    wait_out_rate_limits: bool = True,
) -> WebClient:
    """A WebClient for the bot token (or `token`), talking to `settings.slack_api_url`."""
    return WebClient(
        token=token if token is not None else settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=timeout,
        retry_handlers=retry_handlers(wait_out_rate_limits=wait_out_rate_limits),
        logger=logging.getLogger("rapport.slack.web"),
    )


def delivery_client(
    settings: Settings, *, token: str | None = None, timeout: int = DEFAULT_TIMEOUT_SECONDS
) -> WebClient:
    """The client reminder DMs go out with: a 429 comes straight back (as SlackApiError with
    Retry-After) so the outbox can hold that one workspace instead of this thread sleeping."""
    return build_client(settings, token=token, timeout=timeout, wait_out_rate_limits=False)
