"""The use cases: log, recall, card, loops, home, undo, edit. No Slack types in here.

Every method takes the acting `Actor` (identity from the payload or --as, never from note text) and
opens its own session from the factory it was given; the clock is passed in so tests fix "now".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from bot.domain import Actor, ContactCard, Home, LogResult, LoopList, RecallResult, TimelineEntry
from bot.store.db import SessionFactory

Clock = Callable[[], datetime]


class Rapport:
    def __init__(self, *, sessions: SessionFactory, clock: Clock, default_tz: str = "UTC") -> None:
        self.sessions = sessions
        self.clock = clock
        self.default_tz = default_tz

    def log(
        self,
        *,
        actor: Actor,
        text: str,
        at: datetime | None = None,
        source: str = "console",
        event_id: str | None = None,
        permalink: str | None = None,
        choices: Mapping[str, int] | None = None,
    ) -> LogResult:
        """Parse and file a note. Raises UserInputError for empty text.

        With an `event_id` already seen in this workspace, stores nothing and returns
        `duplicate=True`. When a name is ambiguous and `choices` does not settle it, stores a
        pending note and returns `note_id=None`, `pending_id` set and `ambiguities` filled.
        """
        raise NotImplementedError

    def choose(self, *, actor: Actor, pending_id: int, name: str, contact_id: int) -> LogResult:
        """The author picked `contact_id` for `name` in a pending note; file it if nothing else is open."""
        raise NotImplementedError

    def undo(self, *, actor: Actor, note_id: int) -> None:
        """Delete a note the actor wrote (and the loops and occasions it created)."""
        raise NotImplementedError

    def edit(self, *, actor: Actor, note_id: int, text: str) -> LogResult:
        """Replace the text of a note the actor wrote and re-file it."""
        raise NotImplementedError

    def note(self, *, actor: Actor, note_id: int) -> TimelineEntry:
        """One note the actor may see (NotFoundError otherwise)."""
        raise NotImplementedError

    def is_question(self, text: str) -> bool:
        raise NotImplementedError

    def recall(self, *, actor: Actor, query: str, limit: int = 10, offset: int = 0) -> RecallResult:
        raise NotImplementedError

    def card(self, *, actor: Actor, name: str | None = None, contact_id: int | None = None) -> ContactCard:
        """A contact's card. NotFoundError, or AmbiguousNameError with candidates."""
        raise NotImplementedError

    def loops(self, *, actor: Actor) -> LoopList:
        raise NotImplementedError

    def home(self, *, actor: Actor) -> Home:
        raise NotImplementedError

    def set_user_tz(self, *, actor: Actor, tz: str | None) -> None:
        """Cache the zone Slack's users.info gave for this user."""
        raise NotImplementedError

    def user_needs_tz(self, *, actor: Actor) -> bool:
        """True when the user's zone was never fetched or is older than a day."""
        raise NotImplementedError
