"""The people using Rapport: each user's zone, as Slack's users.info gives it, cached for a day."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.refs import Actor
from bot.domain.zones import valid_zone
from bot.store import identity, repo
from bot.usecases import UseCases

TZ_FRESH_FOR = timedelta(days=1)


class Users(UseCases):
    """Whether a user's zone needs fetching, and caching the one Slack gave."""

    def set_tz(
        self, *, actor: Actor, tz: str | None, enterprise_user_id: str | None = None
    ) -> None:
        """Cache the zone Slack's users.info gave for this user (a bad name is dropped), and,
        in an Enterprise Grid org, their enterprise user id: the person's own settings then
        follow them across the org's workspaces (the zone now; their reminder settings when
        they first arrive in another workspace, and whenever they change them)."""
        with self._session() as session:
            user = self._user(session, actor)
            zone = tz if valid_zone(tz) else None
            now = self._now()
            checked = user.tz_checked_at
            linking = bool(enterprise_user_id) and user.enterprise_user_id != enterprise_user_id
            fresh = checked is not None and now - checked < TZ_FRESH_FOR / 2
            if user.tz == zone and fresh and not linking:
                return  # another thread just cached the same zone: nothing to write
            user.tz = zone
            user.tz_checked_at = now
            if linking:
                user.enterprise_user_id = enterprise_user_id
            session.add(user)
            session.flush()
            linked = identity.linked_users(session, user)
            for other in linked:
                other.tz, other.tz_checked_at = zone, now
                session.add(other)
            if linking:
                identity.arrive(session, user, linked, now=now)
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
