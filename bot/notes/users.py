"""The people using Rapport: each user's zone, as Slack's users.info gives it, cached for a day."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.refs import Actor
from bot.domain.zones import valid_zone
from bot.store import repo
from bot.usecases import UseCases

TZ_FRESH_FOR = timedelta(days=1)


class Users(UseCases):
    """Whether a user's zone needs fetching, and caching the one Slack gave."""

    def set_tz(self, *, actor: Actor, tz: str | None) -> None:
        """Cache the zone Slack's users.info gave for this user (a bad name is dropped)."""
        with self._session() as session:
            user = self._user(session, actor)
            zone = tz if valid_zone(tz) else None
            now = self._now()
            checked = user.tz_checked_at
            if user.tz == zone and checked is not None and now - checked < TZ_FRESH_FOR / 2:
                return  # another thread just cached the same zone: nothing to write
            user.tz = zone
            user.tz_checked_at = now
            session.add(user)
            session.commit()

    def needs_tz(self, *, actor: Actor) -> bool:
        """True when the user's zone was never fetched or is older than a day."""
        with self._reading() as session:
            user = repo.get_user(
                session, workspace_id=actor.workspace_id, external_id=actor.user_id
            )
            if user is None or user.tz_checked_at is None:
                return True
            return self._now() - user.tz_checked_at > TZ_FRESH_FOR
