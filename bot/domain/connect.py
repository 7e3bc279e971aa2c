"""Slack Connect's rules, without I/O: who is from another organisation, when a message asks
something, the short excerpt that is kept, and when an unanswered question becomes a loop."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

EXCERPT_CHARS: Final = 140
SOURCE: Final = "slack_connect"  # the `Note.source` of an interaction from a shared channel
KIND: Final = "message"

# A person's own new words (no edits, deletions, joins, topic changes or bot posts).
PERSON_SUBTYPES: Final = frozenset({None, "me_message", "file_share", "thread_broadcast"})

# "can you…", "could we…", "any update on…": a request that asks without a question mark.
_LEAD: Final = r"^(?:hi|hey|hello|so|also|and|ok|okay|quick question|q)?[\s,:!-]*"
# A wh-word first asks ("when is the demo"); a verb first only when someone follows it ("can
# you…", "is there…"), so "has joined the channel" or "will send tomorrow" ask nothing.
_ASKS: Final = re.compile(
    _LEAD + r"(?:(?:when|where|what|which|who|whom|whose|why|how)\b"
    r"|(?:can|could|would|will|do|does|did|is|are|was|were|should|shall|have|has)\s+"
    r"(?:you|we|i|they|he|she|it|there|this|that|anyone|someone|somebody|y'all|u)\b"
    r"|any\s+(?:update|news|chance|idea|thoughts)\b)",
    re.IGNORECASE,
)
_PLEASE: Final = re.compile(
    r"\b(?:please|pls|kindly)\s+(?:send|share|confirm|let\s+(?:me|us)\s+know|advise|review|"
    r"reply|respond|check)\b|\blet\s+(?:me|us)\s+know\b",
    re.IGNORECASE,
)
_MARKUP: Final = re.compile(r"<([^<>|]*)\|([^<>]*)>|<([^<>]*)>")


@dataclass(frozen=True)
class Person:
    """An external member as users.info and team.info describe them."""

    slack_user_id: str
    name: str
    email: str | None
    team_id: str | None
    team_name: str | None


@dataclass(frozen=True)
class ChannelMessage:
    """One person's new message in a channel, as the handler read it from the event."""

    workspace_id: str
    channel_id: str
    ts: str
    thread_ts: str | None
    slack_user_id: str
    text: str
    at: datetime
    external: Person | None  # who they are when they are from another organisation
    permalink: str | None = None
    teammate_name: str | None = None

    @property
    def thread(self) -> str:
        """The thread the message is in: its root's ts, or its own at the top level."""
        return self.thread_ts or self.ts

    @property
    def top_level(self) -> bool:
        return self.thread_ts is None or self.thread_ts == self.ts


@dataclass(frozen=True)
class Recorded:
    """What one message did."""

    tracked: bool  # False: the channel is not tracked, nothing was read or kept
    duplicate: bool = False  # a retry of a message already kept
    contact_id: int | None = None
    new_interaction: bool = False
    question: bool = False
    answered: int = 0  # questions this message answered
    closed_loops: int = 0
    note_id: int | None = None  # a new interaction, still without its message's permalink


@dataclass(frozen=True)
class TrackResult:
    channel_id: str
    name: str
    already: bool


def is_person_message(event: Mapping[str, Any], bot_user_id: str | None) -> bool:
    """A person's own new message: not an edit, a join, a bot's post or our own."""
    if event.get("subtype") not in PERSON_SUBTYPES:
        return False
    if event.get("bot_id") or event.get("bot_profile") or event.get("hidden"):
        return False
    user = event.get("user")
    return bool(user) and user != bot_user_id


def external_team(
    event: Mapping[str, Any], *, workspace_team: str, enterprise_id: str | None = None
) -> str | None:
    """The other organisation's team id when the author is not one of the workspace's people.

    Slack puts the author's home team in `user_team` (and the posting team in `source_team`)
    on messages in shared channels; `team` is the older field. A teammate of the same Enterprise
    Grid organisation is no outsider: their enterprise id is the workspace's.
    """
    team = event.get("user_team") or event.get("team") or event.get("source_team")
    if not team or team == workspace_team:
        return None
    user_profile = event.get("user_profile") or {}
    if enterprise_id and enterprise_id in (team, user_profile.get("enterprise_id")):
        return None  # Slack names a Grid member's team by the enterprise's id
    return str(team)


def plain(text: str) -> str:
    """Slack markup as words: `<https://x|x>` → x, `<@U1>` dropped, whitespace folded."""

    def swap(m: re.Match[str]) -> str:
        if m.group(2) is not None:
            return m.group(2)
        inner = m.group(3) or ""
        return "" if inner.startswith(("@", "!", "#")) else inner

    return " ".join(_MARKUP.sub(swap, text).split())


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    words = plain(text)
    if len(words) <= limit:
        return words
    return words[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def is_question(text: str) -> bool:
    """A sentence ends with "?", or the message clearly asks ("can you send…", "please confirm")."""
    words = plain(text)
    if not words:
        return False
    if any(s.rstrip(" )\"'").endswith("?") for s in re.split(r"(?<=[?.!])\s+", words)):
        return True
    return bool(_ASKS.match(words) and len(words.split()) >= 3) or bool(_PLEASE.search(words))


def answer_due(asked_at: datetime, tz: str) -> datetime:
    """A working day after `asked_at`: the same time on the next weekday (Friday → Monday)."""
    local = asked_at.astimezone(ZoneInfo(tz))
    due = local + timedelta(days=1)
    while due.weekday() >= 5:
        due += timedelta(days=1)
    return due.astimezone(asked_at.tzinfo)


def day_of(at: datetime, tz: str) -> str:
    return at.astimezone(ZoneInfo(tz)).date().isoformat()


def answers(
    *, question_thread: str, question_ts: str, reply_thread: str, reply_top_level: bool
) -> bool:
    """A reply answers a question asked in a thread when it is in that thread, and one asked at
    the top of the channel when it is in the channel or in that question's thread."""
    if question_thread != question_ts:  # asked inside a thread
        return reply_thread == question_thread
    return reply_top_level or reply_thread == question_ts


def is_direct_message(channel_id: str) -> bool:
    return channel_id.startswith("D")
