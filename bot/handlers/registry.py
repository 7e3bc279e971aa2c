"""The `/rapport` subcommand registry: each surface module lists its subcommands here.

A subcommand is a name, its aliases, a usage line (for help, the README and the manifest) and a
function that runs it. bot/handlers/commands.py dispatches through `all_subcommands()`, so a
feature adds its words to /rapport by listing them, without touching the dispatcher.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient

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


@dataclass(frozen=True)
class Subcommand:
    name: str
    usage: str  # one help line, Slack mrkdwn, e.g. "`/rapport who Jane Doe` shows a card"
    run: Callable[[Invocation], None]
    aliases: tuple[str, ...] = ()
    needs: str | None = None  # what must follow the word ("a name"); None: nothing needed

    @property
    def words(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)
