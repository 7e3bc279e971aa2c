"""Slack Connect: `/rapport track` and `/rapport untrack` in a shared channel, and the messages
of the channels that are tracked (message.channels, message.groups).

Rapport never posts in a channel: the commands answer only the member who typed them
(ephemeral), and a message is read only after the use case says its channel is tracked — an
untracked channel's message is dropped before any Web API call or storage. An outsider's
message costs users.info and team.info once a day per person and team (cached here) and one
chat.getPermalink. Bolt acks every event before the listener's work, which goes to the worker
pool (`Deps.later`); a retried event has the same channel and ts, which the use case keeps once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.blocks.kit import Block, escape, section
from bot.domain.connect import (
    ChannelMessage,
    Person,
    external_team,
    is_direct_message,
    is_person_message,
)
from bot.handlers.common import Deps, friendly_errors, slack_name
from bot.handlers.registry import Invocation, Subcommand

log = logging.getLogger("rapport.slack.connect")

CACHE_SECONDS: Final = 24 * 3600
CHANNEL_TYPES: Final = frozenset({"channel", "group"})
PROBE_MESSAGES: Final = 20

WHAT_IS_KEPT: Final = (
    "From now on, when someone from another organisation writes here, I keep who spoke, when, "
    "a short excerpt (up to 140 characters) and a link to the message, as one interaction a "
    "day with that person, which your team can see on their card. Their organisation becomes "
    "the one Slack shows for them. A question of theirs nobody on the team answers within a "
    "working day becomes a loop for you (or for the teammates in that thread), and one of "
    "yours they leave unanswered becomes \u201cwaiting on them\u201d. Teammates' own messages are "
    "only used to see that a question was answered. I never post in this channel. "
    "`/rapport untrack` stops this."
)
NOT_IN_A_CHANNEL: Final = (
    "`/rapport track` works in a Slack Connect channel (one shared with another organisation): "
    "type it there, after inviting me with `/invite @rapport`."
)
NOT_SHARED: Final = (
    "This channel isn't shared with another organisation, so there is nobody outside the team "
    "to keep track of here. `/rapport track` is for Slack Connect channels."
)
NOT_INVITED: Final = (
    "I'm not in this channel yet. Invite me with `/invite @rapport`, then type "
    "`/rapport track` again."
)


class SharedChannels:
    """Channels this process has seen Slack call externally shared (`is_ext_shared_channel` on
    an event's envelope): only the flag is looked at, never the message."""

    def __init__(self, *, size: int = 10_000) -> None:
        self._size = size
        self._seen: dict[tuple[str, str], None] = {}
        self._lock = threading.Lock()

    def saw(self, workspace_id: str, channel_id: str) -> None:
        with self._lock:
            self._seen[(workspace_id, channel_id)] = None
            while len(self._seen) > self._size:
                self._seen.pop(next(iter(self._seen)))

    def shared(self, workspace_id: str, channel_id: str) -> bool:
        with self._lock:
            return (workspace_id, channel_id) in self._seen


SHARED: Final = SharedChannels()


class Outsiders:
    """users.info and team.info for people from other organisations, cached for a day."""

    def __init__(self, *, ttl: float = CACHE_SECONDS) -> None:
        self._ttl = ttl
        self._lock = threading.Lock()
        # Keyed by the installation's token too, as UserDirectory is: what users.info tells one
        # workspace about a person is that workspace's answer, not another's.
        self._users: dict[tuple[str, str], tuple[float, dict[str, Any]]] = {}
        self._teams: dict[str, tuple[float, str | None]] = {}

    def user(self, client: WebClient, user_id: str) -> dict[str, Any]:
        now = time.monotonic()
        key = (client.token or "", user_id)
        with self._lock:
            hit = self._users.get(key)
        if hit is not None and now - hit[0] < self._ttl:
            return hit[1]
        try:
            data = dict(client.users_info(user=user_id).get("user") or {})
        except (SlackApiError, SlackRequestError, OSError) as exc:
            log.warning("users.info failed for %s: %s", user_id, exc)
            return {}  # not cached: try again next time
        with self._lock:
            self._users[key] = (now, data)
        return data

    def team_name(self, client: WebClient, team_id: str) -> str | None:
        now = time.monotonic()
        with self._lock:
            hit = self._teams.get(team_id)
        if hit is not None and now - hit[0] < self._ttl:
            return hit[1]
        try:
            name = (client.team_info(team=team_id).get("team") or {}).get("name") or None
        except (SlackApiError, SlackRequestError, OSError) as exc:
            log.warning("team.info failed for %s: %s", team_id, exc)
            return None
        with self._lock:
            self._teams[team_id] = (now, name)
        return name

    def person(self, client: WebClient, user_id: str, team_id: str) -> Person:
        data = self.user(client, user_id)
        profile = data.get("profile") or {}
        name = slack_name(data) or user_id
        home = str(data.get("team_id") or profile.get("team") or team_id)
        return Person(
            slack_user_id=user_id,
            name=str(name),
            email=profile.get("email") or None,  # only with users:read.email, if ever granted
            team_id=home,
            team_name=self.team_name(client, home),
        )


# --- the commands ---------------------------------------------------------------------------


def _probe(client: WebClient, workspace_id: str, channel_id: str) -> str:
    """ "not_invited", "shared" or "internal": whether the bot is in the channel (the history
    scope answers `not_in_channel` otherwise) and whether it is shared with another
    organisation (an event said so, or a recent message's author is from another team).
    Nothing read here is kept."""
    try:
        found = client.conversations_history(channel=channel_id, limit=PROBE_MESSAGES)
    except SlackApiError as exc:
        error = (exc.response.data or {}).get("error") if exc.response is not None else None
        if error in ("not_in_channel", "channel_not_found"):
            return "not_invited"
        raise
    if SHARED.shared(workspace_id, channel_id):
        return "shared"
    for message in found.get("messages") or []:
        if isinstance(message, Mapping) and external_team(message, workspace_team=workspace_id):
            return "shared"
    return "internal"


def _track(call: Invocation) -> None:
    channel = call.channel_id
    if not channel or is_direct_message(channel):
        call.reply(NOT_IN_A_CHANNEL, [section(NOT_IN_A_CHANNEL)])
        return
    found = _probe(call.client, call.actor.workspace_id, channel)
    if found != "shared":
        text = NOT_INVITED if found == "not_invited" else NOT_SHARED
        call.reply(text, [section(text)])
        return
    result = call.deps.rapport.connect.track(
        actor=call.actor, channel_id=channel, name=call.channel_name
    )
    where = f"#{escape(result.name)}" if result.name else "this channel"
    head = f"Already tracking {where}." if result.already else f"Tracking {where}."
    call.reply(f"{head} {WHAT_IS_KEPT}", [section(f"*{head}*"), section(WHAT_IS_KEPT)])


def _untrack(call: Invocation) -> None:
    channel = call.channel_id
    if not channel or is_direct_message(channel):
        text = "`/rapport untrack` works in the shared channel you want me to stop following."
        call.reply(text, [section(text)])
        return
    stopped = call.deps.rapport.connect.untrack(actor=call.actor, channel_id=channel)
    text = (
        "Stopped tracking this channel: I no longer read its messages. The interactions "
        "already kept stay on your contacts' cards."
        if stopped
        else "I wasn't tracking this channel, so there was nothing to stop."
    )
    call.reply(text, [section(text)])


SUBCOMMANDS: Final = (
    Subcommand(
        "track",
        "`/rapport track` (in a Slack Connect channel) keeps who from the other side spoke "
        "and whose turn it is",
        _track,
    ),
    Subcommand("untrack", "`/rapport untrack` stops tracking that shared channel", _untrack),
)


# --- the messages -----------------------------------------------------------------------------


def _in_a_channel(event: Mapping[str, Any]) -> bool:
    return event.get("channel_type") in CHANNEL_TYPES


def _nobody(text: str, blocks: list[Block] | None) -> None:
    """Where a channel message's errors would be answered: nowhere (never in the channel)."""
    log.warning("a shared channel's message was not kept: %s", text)


def _stamp(ts: str) -> datetime:
    return datetime.fromtimestamp(float(ts), UTC)


class Inbox:
    """Channel messages waiting to be kept, drained in bursts by one task on the worker pool.

    At 200 messages a second, one transaction a message is more work than one core does, and
    the acks wait behind it (they need the same interpreter). So the listener only appends
    here; one drain at a time takes everything waiting (up to `BATCH`), drops the untracked
    channels' messages unread, looks up the outsiders (cached), keeps the burst in one
    transaction, then fetches a permalink for each new interaction (one a person a day).
    """

    BATCH: Final = 500

    def __init__(self, deps: Deps, outsiders: Outsiders) -> None:
        self._deps = deps
        self._outsiders = outsiders
        self._lock = threading.Lock()
        self._waiting: list[tuple[WebClient, Mapping[str, Any], Mapping[str, Any]]] = []
        self._draining = False

    def put(self, client: WebClient, body: Mapping[str, Any], event: Mapping[str, Any]) -> None:
        with self._lock:
            self._waiting.append((client, body, event))
            if self._draining:
                return
            self._draining = True
        self._deps.later(self._drain, reply=_nobody)

    def _drain(self) -> None:
        while True:
            with self._lock:
                batch = self._waiting[: self.BATCH]
                del self._waiting[: self.BATCH]
                if not batch:
                    self._draining = False
                    return
            try:
                with friendly_errors(_nobody):
                    self._keep(batch)
            except Exception:
                log.exception("%d shared-channel messages were not kept", len(batch))

    def _keep(self, batch: list[tuple[WebClient, Mapping[str, Any], Mapping[str, Any]]]) -> None:
        connect = self._deps.rapport.connect
        keys = {(str(b.get("team_id") or ""), str(e.get("channel") or "")) for _, b, e in batch}
        tracked = connect.tracked_among(keys)
        messages: list[ChannelMessage] = []
        clients: list[WebClient] = []
        for client, body, event in batch:
            workspace = str(body.get("team_id") or "")
            channel = str(event.get("channel") or "")
            if (workspace, channel) not in tracked:
                continue  # untracked: not read, not kept
            user = str(event["user"])
            team = external_team(
                event, workspace_team=workspace, enterprise_id=body.get("enterprise_id")
            )
            thread = event.get("thread_ts")
            ts = str(event["ts"])
            messages.append(
                ChannelMessage(
                    workspace_id=workspace,
                    channel_id=channel,
                    ts=ts,
                    thread_ts=str(thread) if thread else None,
                    slack_user_id=user,
                    text=str(event.get("text") or ""),
                    at=_stamp(ts),
                    external=self._outsiders.person(client, user, team) if team else None,
                )
            )
            clients.append(client)
        for message, client, recorded in zip(
            messages, clients, connect.record_many(messages), strict=True
        ):
            if recorded.note_id is not None:
                self._link(client, message, recorded.note_id)

    def _link(self, client: WebClient, message: ChannelMessage, note_id: int) -> None:
        try:
            found = client.chat_getPermalink(channel=message.channel_id, message_ts=message.ts)
        except (SlackApiError, SlackRequestError, OSError) as exc:
            log.warning("chat.getPermalink failed: %s", exc)
            return
        permalink = found.get("permalink")
        if permalink:
            self._deps.rapport.connect.link(
                workspace_id=message.workspace_id, note_id=note_id, permalink=str(permalink)
            )


def register(app: App, deps: Deps) -> None:
    inbox = Inbox(deps, Outsiders())

    @app.event("message", matchers=[_in_a_channel])
    def on_channel_message(
        body: dict[str, Any], event: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        if body.get("is_ext_shared_channel") and event.get("channel"):
            SHARED.saw(str(body.get("team_id") or ""), str(event["channel"]))
        if not is_person_message(event, context.bot_user_id):
            return  # edits, deletions, joins, bots (ours too)
        inbox.put(client, body, event)
