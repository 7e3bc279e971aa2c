"""What every use-case class shares: a session factory, a clock and a default zone (handed in by
the composition root, bot/app.py), and how a session, "now", the acting user and their zone are
obtained. Also the one conversion every feature needs: a contact row as a `ContactRef`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TypedDict

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlmodel import Session

from bot.domain.errors import StorageUnavailableError
from bot.domain.refs import Actor, ContactRef
from bot.domain.zones import pick_zone
from bot.store import repo
from bot.store.db import SessionFactory
from bot.store.models import Contact, User

Clock = Callable[[], datetime]


class Shared(TypedDict):
    """What the composition root hands every use case."""

    sessions: SessionFactory
    clock: Clock
    default_tz: str


class UseCases:
    def __init__(self, *, sessions: SessionFactory, clock: Clock, default_tz: str = "UTC") -> None:
        self.sessions = sessions
        self.clock = clock
        self.default_tz = default_tz

    @contextmanager
    def _session(self) -> Iterator[Session]:
        """A session whose connection failures become one clear, retryable error."""
        try:
            with self.sessions() as session:
                yield session
        except (OperationalError, DBAPIError) as exc:
            if isinstance(exc, IntegrityError):
                raise
            raise StorageUnavailableError(
                "Couldn't reach the database, so nothing was saved. Please try again."
            ) from exc

    def _now(self) -> datetime:
        now = self.clock()
        if now.tzinfo is None:
            raise ValueError("the clock must return aware datetimes")
        return now.astimezone(UTC)

    def _user(self, session: Session, actor: Actor) -> User:
        """The acting user (and their workspace), created on first contact."""
        now = self._now()
        repo.get_or_create_workspace(session, workspace_id=actor.workspace_id, now=now)
        user = repo.get_or_create_user(
            session,
            workspace_id=actor.workspace_id,
            external_id=actor.user_id,
            display_name=actor.display_name,
            now=now,
        )
        assert user.id is not None
        return user

    def _tz(self, actor: Actor | None, user: User | None) -> str:
        """The zone to read and show times in: the actor's (--as, a test), the user's cached
        Slack zone, the workspace default, else UTC."""
        return pick_zone(actor.tz if actor else None, user.tz if user else None, self.default_tz)


def contact_ref(contact: Contact) -> ContactRef:
    assert contact.id is not None
    return ContactRef(id=contact.id, display_name=contact.display_name)
