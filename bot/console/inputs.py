"""What the console reads besides the words: who acts (`--as`, RAPPORT_USER) and when (`--at`,
`--now`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.domain.errors import UserInputError
from bot.domain.refs import Actor

if TYPE_CHECKING:  # pydantic-settings is not needed to build the parser
    from bot.config import Settings


def settings_problem(error: Mapping[str, Any]) -> str:
    """A settings error (one of pydantic's) as Rapport says it: our validator's own sentence,
    or the variable and what is wrong with it — not "Value error, …" and a documentation link."""
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, ValueError):
        return str(cause)
    name = ".".join(str(part) for part in error.get("loc") or ()) or "a setting"
    return f"{name} {str(error.get('msg') or 'is not valid').lower()}"


def console_actor(settings: Settings, as_user: str | None) -> Actor:
    """Who acts in the console: `--as USER`, else RAPPORT_USER, in the console's workspace."""
    user = (settings.local_user if as_user is None else as_user).strip()
    if not user:
        raise UserInputError("--as needs a user name (or set RAPPORT_USER), e.g. --as sam")
    return Actor(workspace_id=settings.workspace, user_id=user, display_name=user, tz=settings.tz)


def parse_when(value: str, tz: str, *, date_hour: int = 12, flag: str = "--at") -> datetime:
    """`--at` / `--now` values: an ISO date (at `date_hour` local) or a date-time (local unless
    it carries an offset), as aware UTC."""
    zone = ZoneInfo(tz)
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime.combine(day, time(date_hour, 0), tzinfo=zone).astimezone(UTC)
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise UserInputError(
            f"{flag} {value!r} is not a date; use 2026-07-01 or 2026-07-01T09:30"
        ) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)
