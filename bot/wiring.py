"""Builds the service from settings: the one place engines, clocks and zones are chosen."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.config import Settings
from bot.service import Rapport
from bot.usecases import Clock


def utc_now() -> datetime:
    return datetime.now(UTC)


def build_service(settings: Settings, *, clock: Clock = utc_now, migrate: bool = True) -> Rapport:
    """An engine from the URL, migrations applied (the app runs them on start), and the service."""
    from bot.store.db import make_engine, session_factory
    from bot.store.migrate import upgrade

    engine = make_engine(settings.database_url)
    if migrate:
        upgrade(engine)
    return Rapport(sessions=session_factory(engine), clock=clock, default_tz=settings.tz)
