"""Reminder and review DMs without Slack: printed to the terminal. And which notifier a console
command uses: Slack's with a bot token, this one otherwise (or with --print)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from bot.blocks.kit import Block, mrkdwn_to_text
from bot.reminders.notifier import DeliveryResult, Notifier

if TYPE_CHECKING:
    from bot.config import Settings


@dataclass
class ConsoleNotifier:
    """Prints each DM: the console stands in for Slack when there is no bot token."""

    stream: TextIO
    count: int = 0

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
        self.count += 1
        print(f"→ DM to {user}:", file=self.stream)
        for block in blocks:
            for line in _block_text(block):
                print(f"  {line}", file=self.stream)
        if not blocks:
            print(f"  {mrkdwn_to_text(text)}", file=self.stream)
        self.stream.flush()
        return DeliveryResult(ok=True, channel="console", ts=str(self.count))


def _block_text(block: Block) -> list[str]:
    kind = block.get("type")
    if kind in ("header", "section"):
        return [mrkdwn_to_text(str(block.get("text", {}).get("text", "")))]
    if kind == "context":
        return [f"  {mrkdwn_to_text(str(e.get('text', '')))}" for e in block.get("elements", [])]
    return []


def notifier_for(settings: Settings, *, print_only: bool, json_mode: bool) -> Notifier:
    """Slack DMs with a bot token (unless `print_only`), else printed here; with --json, stdout
    is for the report alone, so the DMs go to stderr."""
    if settings.slack_bot_token and not print_only:
        # slack_sdk is imported only when it is used, so `rapport --help` stays light.
        from bot.slack.client import delivery_client
        from bot.slack.notifier import SlackNotifier

        return SlackNotifier(delivery_client(settings))
    return ConsoleNotifier(sys.stderr if json_mode else sys.stdout)
