"""A small, bounded, short-lived cache in front of bolt's per-workspace authorize.

Without it every request from an installed workspace costs an installation-store query and an
`auth.test` call to Slack before the listener may ack (bolt's own `cache_enabled` caches only the
`auth.test` answer, forever, and still reads the store each time). With it a workspace's
AuthorizeResult is reused for `ttl` seconds (5 minutes: long enough that a workspace's people,
who send commands in bursts, are answered from memory; short enough to bound what another
replica may still hold after an uninstall).

Why a cached token stays good: bolt's InstallationStoreAuthorize refreshes a rotating token once
it is within `token_rotation_expiration_minutes` of expiring, so a token it hands out has at least
that long to live; the TTL is capped well below it. Uninstall and token revocation in this process
forget the workspace at once, and so does a reinstall (a new token; bot.slack.oauth calls
`forget`). Given the installation store, a hit is still checked against it (one indexed read
of the bot's token, far cheaper than `auth.test`, that never queues behind a write:
bot/slack/install_lookups.py), so an uninstall or reinstall through another replica is seen on
the next request. A workspace with no installation is never cached, so a
fresh install is seen on its first request.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Final

from slack_bolt import BoltContext
from slack_bolt.authorization.authorize import Authorize
from slack_bolt.authorization.authorize_result import AuthorizeResult

from bot.slack.install_lookups import ReadingLookups

DEFAULT_TTL_SECONDS: Final = 300.0
DEFAULT_MAX_ENTRIES: Final = 10_000  # about a few MB at most; least recently used go first

Key = tuple[str | None, str | None]  # (enterprise_id, team_id)


class CachedAuthorize(Authorize):
    def __init__(
        self,
        inner: Authorize,
        *,
        store: ReadingLookups | None = None,
        ttl: float = DEFAULT_TTL_SECONDS,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        rotation_minutes: int | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if rotation_minutes is not None:
            ttl = min(ttl, rotation_minutes * 60 / 2)
        self.inner = inner
        self.store = store
        self.ttl = ttl
        self.max_entries = max_entries
        self._monotonic = monotonic
        self._entries: OrderedDict[Key, tuple[float, AuthorizeResult]] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(
        self,
        *,
        context: BoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        actor_enterprise_id: str | None = None,
        actor_team_id: str | None = None,
        actor_user_id: str | None = None,
    ) -> AuthorizeResult | None:
        key: Key = (enterprise_id, team_id)
        now = self._monotonic()
        with self._lock:
            entry = self._entries.get(key)
            hit = entry[1] if entry is not None and entry[0] > now else None
            if hit is not None:
                self._entries.move_to_end(key)
        if hit is not None and self._still_installed(hit, context, enterprise_id, team_id):
            return hit
        result = self.inner(
            context=context,
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            actor_enterprise_id=actor_enterprise_id,
            actor_team_id=actor_team_id,
            actor_user_id=actor_user_id,
        )
        if result is not None:
            with self._lock:
                self._entries[key] = (now + self.ttl, result)
                self._entries.move_to_end(key)
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
        return result

    def _still_installed(
        self,
        hit: AuthorizeResult,
        context: BoltContext,
        enterprise_id: str | None,
        team_id: str | None,
    ) -> bool:
        """The store still holds this token: an uninstall or reinstall through another replica
        is seen on the next request (one indexed read; the auth.test round trip is saved)."""
        if self.store is None:
            return True
        token = self.store.bot_token(
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=bool(context.is_enterprise_install),
        )
        if token is not None and token == hit.bot_token:
            return True
        self.forget(enterprise_id=enterprise_id, team_id=team_id)
        return False

    def forget(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        """The workspace was uninstalled or its tokens revoked (or rotated): look it up again."""
        with self._lock:
            if team_id is not None:
                gone = [k for k in self._entries if k[1] == team_id]
            else:  # an org-wide install: every workspace of the enterprise
                gone = [k for k in self._entries if k[0] == enterprise_id]
            for key in gone:
                del self._entries[key]

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
