"""The Slack adapter of the Notifier port: open the DM, post the reminder, classify failures.

Retries inside one send are slack_sdk's own handlers on the WebClient (bot.slack.client's
`delivery_client` builds it): 5xx and dropped connections are tried again. A 429 is not waited
out here: it is reported as `rate_limited` with Slack's Retry-After, and the outbox holds that
workspace alone until then (bot/reminders/pacing.py). What is still failing is classified here:
permanent errors (the user is gone, the bot was removed, the token is bad) are reported as such
so the outbox records them and stops; anything else is transient and the outbox tries again
later with backoff.

Every reminder carries its outbox key in Slack message metadata. When a send is retried after an
attempt whose outcome is unknown (a timeout, a 5xx, a worker that died mid-send), the adapter
first looks for that key in the DM's recent history and, if Slack already has the message, reports
it delivered instead of posting it twice.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Any, Final

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.reminders.notifier import Block, DeliveryResult

log = logging.getLogger("rapport.reminders.slack")

METADATA_EVENT: Final = "rapport_reminder"
HISTORY_LOOKBACK: Final = 50

# Slack error codes after which trying again cannot help.
PERMANENT_ERRORS: Final = frozenset(
    {
        "access_denied",
        "account_inactive",
        "cannot_dm_bot",
        "channel_not_found",
        "ekm_access_denied",
        "invalid_arguments",
        "invalid_auth",
        "invalid_blocks",
        "invalid_blocks_format",
        "is_archived",
        "missing_scope",
        "msg_too_long",
        "no_permission",
        "not_allowed_token_type",
        "not_authed",
        "not_in_channel",
        "org_login_required",
        "restricted_action",
        "team_access_not_granted",
        "token_expired",
        "token_revoked",
        "too_many_attachments",
        "user_disabled",
        "user_is_bot",
        "user_not_found",
        "users_not_found",
    }
)


class SlackNotifier:
    """Sends reminder DMs with a WebClient (bot.slack.client.delivery_client: one that hands
    429s back instead of sleeping on them)."""

    def __init__(self, client: WebClient, *, history_lookback: int = HISTORY_LOOKBACK) -> None:
        self.client = client
        self.history_lookback = history_lookback
        self._channels: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

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
        channel: str | None = None
        try:
            channel = self._channel(workspace, user)
            if key is not None and maybe_sent:
                ts = self._already_posted(channel, key)
                if ts is not None:
                    log.info("reminder %s was already in Slack (ts %s): not re-sent", key, ts)
                    return DeliveryResult(ok=True, channel=channel, ts=ts)
            kwargs: dict[str, Any] = {}
            if key is not None:
                kwargs["metadata"] = {"event_type": METADATA_EVENT, "event_payload": {"key": key}}
            response = self.client.chat_postMessage(
                channel=channel,
                text=text,
                blocks=list(blocks),
                unfurl_links=False,
                unfurl_media=False,
                **kwargs,
            )
            return DeliveryResult(ok=True, channel=channel, ts=str(response.get("ts") or ""))
        except SlackApiError as exc:
            return self._api_error(exc, workspace, user)
        except (SlackClientError, OSError) as exc:
            # Timeouts (TimeoutError is an OSError), refused connections, and what the retry
            # handlers gave up on: Slack may or may not have the message, so it is transient
            # and the retry checks the history first.
            return DeliveryResult(ok=False, error=f"{exc.__class__.__name__}: {exc}")

    def _channel(self, workspace: str, user: str) -> str:
        with self._lock:
            cached = self._channels.get((workspace, user))
        if cached is not None:
            return cached
        response = self.client.conversations_open(users=user)
        channel = response.get("channel") or {}
        channel_id = str(channel.get("id") or "") if isinstance(channel, dict) else ""
        if not channel_id:
            raise SlackClientError("conversations.open returned no channel")
        with self._lock:
            self._channels[(workspace, user)] = channel_id
        return channel_id

    def _already_posted(self, channel: str, key: str) -> str | None:
        """The ts of a message in `channel` carrying `key` in its metadata, if Slack has one."""
        try:
            response = self.client.conversations_history(
                channel=channel, limit=self.history_lookback, include_all_metadata=True
            )
        except (SlackApiError, SlackClientError, OSError) as exc:
            # Can't tell: sending is the lesser evil (a rare duplicate beats a lost reminder).
            log.warning("reminders: history check failed for %s: %s", key, exc)
            return None
        for message in response.get("messages") or []:
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if metadata.get("event_type") == METADATA_EVENT and payload.get("key") == key:
                return str(message.get("ts") or "")
        return None

    def _api_error(self, exc: SlackApiError, workspace: str, user: str) -> DeliveryResult:
        response = exc.response
        error = str(response.get("error") or "unknown_error") if response is not None else "?"
        status = response.status_code if response is not None else 0
        retry_after: float | None = None
        if status == 429 and response is not None:
            header = (response.headers or {}).get("Retry-After") or (response.headers or {}).get(
                "retry-after"
            )
            try:
                retry_after = float(header) if header is not None else None
            except (TypeError, ValueError):
                retry_after = None
        if error in ("channel_not_found", "is_archived", "not_in_channel"):
            with self._lock:  # a stale cached DM: the next attempt opens it again
                self._channels.pop((workspace, user), None)
        permanent = error in PERMANENT_ERRORS
        return DeliveryResult(
            ok=False,
            error=f"{error} (HTTP {status})" if status else error,
            permanent=permanent,
            retry_after=retry_after,
            rate_limited=status == 429,
        )
