"""What every use-case class shares: a session factory, a clock and a default zone (handed in by
the composition root, bot/app.py), and how a session, "now", the acting user and their zone are
obtained. Also the one conversion every feature needs: a contact row as a `ContactRef`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TypedDict

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session

from bot.domain.refs import Actor, ContactRef
from bot.domain.zones import pick_zone
from bot.store import repo
from bot.store.db import SessionFactory, is_reading, reading
from bot.store.failures import storage_error
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
        """A session whose database failures become one clear error (bot.store.failures): an
        outage or a lock says "try again"; a read-only database or a full disk says so."""
        try:
            with self.sessions() as session:
                yield session
        except DBAPIError as exc:
            if isinstance(exc, IntegrityError):
                raise
            raise storage_error(exc) from exc

    @contextmanager
    def _reading(self) -> Iterator[Session]:
        """`_session` for a use case that only reads: on SQLite it takes no write lock, so it
        neither waits behind a writer nor holds one up, and it answers on a read-only file."""
        with self._session() as session:
            yield reading(session)

    def _now(self) -> datetime:
        now = self.clock()
        if now.tzinfo is None:
            raise ValueError("the clock must return aware datetimes")
        return now.astimezone(UTC)

    def _user(self, session: Session, actor: Actor) -> User:
        """The acting user (and their workspace), created on first contact."""
        now = self._now()
        if is_reading(session):
            user = repo.get_user(
                session, workspace_id=actor.workspace_id, external_id=actor.user_id
            )
            if user is not None:
                return user
            # A first-time reader: their rows are written through the writer path, then read
            # in a new snapshot. Written inside the read, the insert failed at once with
            # "database is locked" whenever another writer had committed since it began.
            session.rollback()
            with self._session() as writing:
                self._user(writing, actor)
                writing.commit()
        repo.get_or_create_workspace(session, workspace_id=actor.workspace_id, now=now)
        user = repo.get_or_create_user(
            session,
            workspace_id=actor.workspace_id,
            external_id=actor.user_id,
            # A read doesn't rename (the next write will): it stays a read, lock-free.
            display_name=None if is_reading(session) else actor.display_name,
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
