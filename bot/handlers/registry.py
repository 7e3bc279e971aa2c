"""The `/rapport` subcommand registry: each surface module lists its subcommands here.

A subcommand is a command of bot/domain/commands.py (its name, aliases and what it needs are
there, shared with the DM and the console), a usage line (for help, the README and the
manifest) and a function that runs it. bot/handlers/commands.py dispatches through
`all_subcommands()`, both for `/rapport WORD` and for a DM that is a command.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient

from bot.domain.commands import Command, command_named
from bot.domain.refs import Actor
from bot.handlers.common import Deps, Reply


@dataclass(frozen=True)
class Invocation:
    """One `/rapport WORD REST` from one person: who, what they typed, how to answer."""

    deps: Deps
    client: WebClient
    actor: Actor
    word: str  # the subcommand as typed
    rest: str  # what followed it, mentions already turned into names
    reply: Reply  # ephemeral: only the person who typed the command sees it
    tz: str
    now: datetime
    # A key that is the same when Slack (or anyone) sends the same request again: a note is
    # filed once per key (the DM's event_id; a slash command's signature).
    event_id: str | None = None
    source: str = "command"  # where a note logged by it came from: "command" or "dm"
    # Where `/rapport` was typed (the command payload's channel); None for a DM to the bot.
    channel_id: str | None = None
    channel_name: str = ""

    def remember_note(self, note_id: int | None) -> None:
        """The note this person just logged, for a later `undo` in their DM."""
        if note_id is not None:
            self.deps.last_notes.remember(self.actor, note_id)


@dataclass(frozen=True)
class Subcommand:
    name: str
    usage: str  # one help line, Slack mrkdwn, e.g. "`/rapport who Jane Doe` shows a card"
    run: Callable[[Invocation], None]

    @property
    def command(self) -> Command:
        found = command_named(self.name)
        if found is None:
            raise LookupError(f"{self.name} is not in bot/domain/commands.py")
        return found

    @property
    def words(self) -> tuple[str, ...]:
        return self.command.words

    @property
    def needs(self) -> str | None:
        return self.command.needs
