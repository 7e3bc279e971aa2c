"""The Notifier port: how a DM leaves Rapport (Slack: bot/slack/notifier.py; the terminal:
bot/console/notifier.py), and an in-memory one that records what was sent, for tests."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

Block = dict[str, Any]


@dataclass(frozen=True)
class DeliveryResult:
    """What happened to one message.

    `permanent`: retrying cannot help (user gone, bot removed, bad token); record and stop.
    Otherwise a failure is transient and is tried again later, no sooner than `retry_after`.
    `rate_limited`: the workspace's Slack answered 429; the whole workspace waits `retry_after`
    (bot/reminders/pacing.py) and the message is not counted as a failed attempt.
    """

    ok: bool
    error: str | None = None
    permanent: bool = False
    retry_after: float | None = None
    rate_limited: bool = False
    channel: str | None = None
    ts: str | None = None


class Notifier(Protocol):
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
        """Deliver `text`/`blocks` to `user` (external id) by DM. Must not raise for Slack errors.
        `key` is the outbox dedupe key; `maybe_sent` says an earlier attempt may have reached
        the user, so an adapter that can look (Slack: message metadata) should check first."""
        ...


@dataclass(frozen=True)
class Sent:
    user: str
    workspace: str
    text: str
    blocks: tuple[Block, ...]
    key: str | None


@dataclass
class MemoryNotifier:
    """Records what was sent. `script(user)` may return a failure to simulate Slack errors."""

    script: Callable[[str, str | None], DeliveryResult | None] | None = None
    sent: list[Sent] = field(default_factory=list)
    attempts: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

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
        with self._lock:
            self.attempts += 1
        if self.script is not None:
            outcome = self.script(user, key)
            if outcome is not None:
                return outcome
        with self._lock:
            self.sent.append(Sent(user, workspace, text, tuple(blocks), key))
            return DeliveryResult(ok=True, channel=f"D{user}", ts=str(len(self.sent)))

    def to(self, user: str) -> list[Sent]:
        return [s for s in self.sent if s.user == user]
