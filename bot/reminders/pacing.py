"""Slack's rate limits, as the outbox keeps them: per workspace, and per recipient's DM.

Slack limits each method per app *per workspace*, so one workspace's limit is no reason to slow
another's deliveries. Two rules:

- **Held workspaces.** When Slack answers 429 with Retry-After, that workspace is held until then:
  its claimed rows go back to the outbox with `available_at` at the end of the hold (not counted
  as a failed attempt), the outbox's other pending rows of that workspace are held too (so every
  process sees it), and this process claims no rows of it until the hold ends. Deliveries to
  every other workspace carry on. Holds are in the outbox's time (the tick's clock), because they
  become `available_at`.
- **One DM per recipient per second** (chat.postMessage's "1 per second per channel, short
  bursts allowed"): a small token bucket per recipient, in real seconds. A DM whose recipient's
  bucket is empty waits until the rest of its batch has gone, then for at most one interval.

Workspace-wide tier limits (conversations.open is Tier 3, "50+ per minute, sporadic bursts
welcome") are not pre-empted: each process opens a DM once per recipient, and if Slack does
answer 429, the hold above applies to that workspace alone.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

# Slack always sends Retry-After; without one (or with 0), wait this long rather than retrying
# in a hot loop.
MIN_HOLD = timedelta(seconds=1)
PER_RECIPIENT_INTERVAL = 1.0  # seconds between DMs to one person
PER_RECIPIENT_BURST = 3  # "short bursts > 1 allowed": a digest and two reminders at once
_BUCKETS_KEPT = 10_000  # recipients remembered; an idle bucket is full, so forgetting is safe


@dataclass
class _Bucket:
    tokens: float
    at: float


@dataclass
class Pacing:
    """Per-process rate-limit state, kept across ticks (bot/reminders/tick.py consults it)."""

    interval: float = PER_RECIPIENT_INTERVAL
    burst: int = PER_RECIPIENT_BURST
    monotonic: Callable[[], float] = time.monotonic
    _holds: dict[str, datetime] = field(default_factory=dict)
    _buckets: dict[tuple[str, str], _Bucket] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # --- workspaces held by a 429 ---------------------------------------------------------------

    def hold(self, workspace: str, *, now: datetime, retry_after: float | None) -> datetime:
        """Hold `workspace` for Slack's Retry-After (at least MIN_HOLD); returns when it ends."""
        until = now + max(MIN_HOLD, timedelta(seconds=retry_after or 0))
        with self._lock:
            self._holds[workspace] = max(until, self._holds.get(workspace, until))
        return until

    def held_until(self, workspace: str, now: datetime) -> datetime | None:
        with self._lock:
            until = self._holds.get(workspace)
            if until is not None and until <= now:
                del self._holds[workspace]
                return None
            return until

    def held(self, now: datetime) -> frozenset[str]:
        """The workspaces whose hold has not ended at `now` (the claim skips them)."""
        with self._lock:
            for workspace in [w for w, until in self._holds.items() if until <= now]:
                del self._holds[workspace]
            return frozenset(self._holds)

    # --- one recipient's DM ---------------------------------------------------------------------

    def recipient_wait(self, workspace: str, user: str) -> float:
        """Seconds until a DM to `user` may go (0: now)."""
        with self._lock:
            bucket = self._refill(workspace, user)
            return 0.0 if bucket.tokens >= 1 else (1 - bucket.tokens) * self.interval

    def posted(self, workspace: str, user: str) -> None:
        """A DM went to `user` (or was attempted: Slack counts it either way)."""
        with self._lock:
            bucket = self._refill(workspace, user)
            bucket.tokens -= 1
            if len(self._buckets) > _BUCKETS_KEPT:
                self._forget_full()

    def _refill(self, workspace: str, user: str) -> _Bucket:
        now = self.monotonic()
        bucket = self._buckets.get((workspace, user))
        if bucket is None:
            bucket = self._buckets[(workspace, user)] = _Bucket(float(self.burst), now)
            return bucket
        bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.at) / self.interval)
        bucket.at = now
        return bucket

    def _forget_full(self) -> None:
        now = self.monotonic()
        full = self.burst * self.interval
        for key in [k for k, b in self._buckets.items() if now - b.at >= full]:
            del self._buckets[key]
