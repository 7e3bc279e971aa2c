"""Builds the service from settings: the one place engines, clocks and zones are chosen."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.config import Settings
from bot.domain.refs import Actor
from bot.service import Rapport
from bot.store.db import SessionFactory
from bot.usecases import Clock


def utc_now() -> datetime:
    return datetime.now(UTC)


def sessions_for(settings: Settings, *, migrate: bool = True) -> SessionFactory:
    """An engine from the URL with migrations applied (the app runs them on start)."""
    from bot.store.db import make_engine, session_factory
    from bot.store.migrate import upgrade

    engine = make_engine(settings.database_url)
    if migrate:
        upgrade(engine)
    return session_factory(engine)


def build_service(settings: Settings, *, clock: Clock = utc_now, migrate: bool = True) -> Rapport:
    return Rapport(
        sessions=sessions_for(settings, migrate=migrate), clock=clock, default_tz=settings.tz
    )


def console_actor(settings: Settings, as_user: str | None) -> Actor:
    """Who acts in the console: `--as USER`, else RAPPORT_USER, in the console's workspace."""
    user = as_user or settings.local_user
    return Actor(workspace_id=settings.workspace, user_id=user, display_name=user, tz=settings.tz)
