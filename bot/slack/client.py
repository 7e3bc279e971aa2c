"""The one seam to the Slack Web API: a WebClient with a configurable base URL and retries.

Retries are slack_sdk's own handlers (never hand-rolled): 429 answers wait for `Retry-After`,
500/503 answers and dropped connections are tried again a couple of times.
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


def retry_handlers() -> list[RetryHandler]:
    return [
        RateLimitErrorRetryHandler(max_retry_count=3),
        ServerErrorRetryHandler(max_retry_count=2),
        ConnectionErrorRetryHandler(max_retry_count=2),
    ]


def build_client(
    settings: Settings, *, token: str | None = None, timeout: int = DEFAULT_TIMEOUT_SECONDS
) -> WebClient:
    """A WebClient for the bot token (or `token`), talking to `settings.slack_api_url`."""
    return WebClient(
        token=token if token is not None else settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=timeout,
        retry_handlers=retry_handlers(),
        logger=logging.getLogger("rapport.slack.web"),
    )
