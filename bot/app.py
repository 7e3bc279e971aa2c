"""The composition root: every use case, built once, over one session factory and one clock.

`Rapport.from_settings(settings)` is what `rapport` builds (the console, `rapport serve`); tests
build `Rapport(sessions=…, clock=…)`. The Slack handlers, the console commands and the scheduler
are handed this object and call the use cases on it; nothing else constructs a use case. Where
one feature needs another (the card shows where a relationship stands, focusing someone sets a
cadence), the link is made here, so the features themselves import only downwards.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from bot.blocks.brief import (
    after_meeting_blocks,
    after_meeting_text,
    brief_blocks,
    brief_fallback_text,
)
from bot.blocks.kit import MAX_MESSAGE_BLOCKS, mrkdwn_to_text, section
from bot.blocks.reminders import item_line, render
from bot.blocks.standing import digest_blocks, review_blocks, review_fallback_text
from bot.channels.briefs import Briefs
from bot.channels.connect import SlackConnect
from bot.channels.connections import CalendarLinks
from bot.channels.meetings import Meetings
from bot.config import Settings
from bot.domain.briefs import KIND_AFTER, KIND_BRIEF
from bot.domain.calendars import SyncReport
from bot.domain.reminders import Item
from bot.domain.standing import Review, ReviewDelivery
from bot.notes.contacts import Contacts
from bot.notes.lifecycle import Lifecycle
from bot.notes.log import Logbook
from bot.notes.recall import Recall
from bot.notes.team import Team
from bot.notes.transfer import Transfer
from bot.notes.users import Users
from bot.notes.workspace import Workspaces
from bot.reminders.buttons import ReminderButtons
from bot.reminders.cadences import Cadences
from bot.reminders.due import Due
from bot.reminders.notifier import Block, Notifier
from bot.reminders.outbox import DEFAULT_LEASE
from bot.reminders.scheduler import DEFAULT_INTERVAL_SECONDS, Job, Scheduler
from bot.reminders.schedules import Schedules
from bot.reminders.tick import Delivery, Outgoing, TickReport
from bot.standing.briefing import brief_cards
from bot.standing.facts import contact_standing
from bot.standing.lists import Standing
from bot.standing.review import Reviews
from bot.store.db import SessionFactory, make_engine, session_factory
from bot.store.migrate import upgrade
from bot.store.secrets import SecretBox
from bot.usecases import Clock, Shared

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

log = logging.getLogger("rapport")


def utc_now() -> datetime:
    return datetime.now(UTC)


class Rapport:
    """Every use case of every feature, sharing one session factory, clock and default zone."""

    def __init__(
        self,
        *,
        sessions: SessionFactory,
        clock: Clock = utc_now,
        default_tz: str = "UTC",
        calendar_key: str | None = None,
        calendar_allow_private: bool = False,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.default_tz = default_tz
        shared: Shared = {"sessions": sessions, "clock": clock, "default_tz": default_tz}
        # notes
        self.notes = Logbook(**shared)
        self.recall = Recall(**shared, standing_of=contact_standing)
        self.contacts = Contacts(**shared)
        self.team = Team(**shared)
        self.workspace = Workspaces(**shared)
        self.users = Users(**shared)
        self.transfer = Transfer(**shared)
        self.lifecycle = Lifecycle(**shared)
        # reminders
        self.cadences = Cadences(**shared)
        self.schedules = Schedules(**shared)
        self.due = Due(**shared, describe=_sentence)
        self.reminder_buttons = ReminderButtons(**shared, cadences=self.cadences)
        self.delivery = Delivery(**shared, render=self._render_dm)
        # standing
        self.standing = Standing(**shared, set_cadence=self.cadences.set_cadence)
        self.reviews = Reviews(**shared)
        # channels
        self.meetings = Meetings(**shared)
        self.briefs = Briefs(**shared, people=brief_cards)
        self.calendars = CalendarLinks(
            **shared, box=SecretBox(calendar_key), allow_private=calendar_allow_private
        )
        self.connect = SlackConnect(**shared)
        self._engine: Engine | None = None  # set when this object made the engine, and owns it

    @classmethod
    def from_settings(
        cls, settings: Settings, *, clock: Clock = utc_now, migrate: bool = True
    ) -> Rapport:
        """An engine from the URL, migrated to head (the app runs migrations on start)."""
        engine = make_engine(settings.database_url)
        try:
            if migrate:
                upgrade(engine)
        except BaseException:
            engine.dispose()
            raise
        rapport = cls(
            sessions=session_factory(engine),
            clock=clock,
            default_tz=settings.tz,
            calendar_key=settings.calendar_key,
            calendar_allow_private=settings.calendar_allow_private,
        )
        rapport._engine = engine
        return rapport

    def close(self) -> None:
        """Close the pooled connections of an engine `from_settings` made. A PostgreSQL
        connection left to the garbage collector is closed at an arbitrary later moment, with
        a warning, in whatever code happens to run then (a long-lived test process runs many
        apps one after another)."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def __enter__(self) -> Rapport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- what the reminders are handed -------------------------------------------------------

    def _render_dm(self, message: Outgoing, now: datetime, tz: str) -> tuple[str, list[Block]]:
        """A reminder DM in Block Kit; the morning digest adds up to three next best actions
        about people its reminders don't already name (from notes the user may see). A meeting's
        brief and its "how did it go?" are put together now, from what the notes say now."""
        if message.kind in (KIND_BRIEF, KIND_AFTER):
            return self._render_meeting_dm(message, now, tz)
        text, blocks = render(
            message.items, now=now, tz=tz, due_at=message.due_at, digest=message.digest
        )
        if message.digest:
            also = self.standing.also_worth_doing(
                user_id=message.user_id,
                workspace_id=message.workspace_id,
                now=now,
                tz=tz,
                exclude_contact_ids={item.contact_id for item in message.items},
            )
            blocks = (blocks + digest_blocks(also))[:MAX_MESSAGE_BLOCKS]
        return text, blocks

    def _render_meeting_dm(
        self, message: Outgoing, now: datetime, tz: str
    ) -> tuple[str, list[Block]]:
        meeting_id = int(message.payload.get("meeting_id") or 0)
        if message.kind == KIND_BRIEF:
            brief = self.briefs.for_meeting(user_id=message.user_id, meeting_id=meeting_id)
            if brief is not None:
                return brief_fallback_text(brief, tz=tz), brief_blocks(brief, now=now, tz=tz)
        else:
            found = self.briefs.followup(user_id=message.user_id, meeting_id=meeting_id)
            if found is not None:
                view, names = found
                return after_meeting_text(view, names), after_meeting_blocks(view, names, tz=tz)
        text = "A meeting with your contacts (its details are gone since it was planned)."
        return text, [section(text)]

    def jobs(
        self, notifier: Notifier, *, worker: str | None = None, lease: timedelta = DEFAULT_LEASE
    ) -> tuple[Job, ...]:
        """What every scheduler run does: plan and deliver reminders, turn shared-channel
        questions unanswered for a working day into loops (each claimed), send the opt-in weekly
        reviews (each week is claimed in the database first, so several processes ticking still
        send each review once), read the calendars that are due (each claimed too), then purge
        workspaces whose retention is over."""

        def deliver_reminders() -> TickReport:
            report = self.delivery.tick(notifier=notifier, worker=worker, lease=lease)
            if report.planned_messages or report.claimed:
                log.info("reminders: %s", report.summary())
            return report

        def send_weekly_reviews() -> ReviewDelivery:
            sent = self.send_weekly_reviews(notifier)
            if sent.sent or sent.failed:
                log.info("weekly reviews: %d sent, %d failed", len(sent.sent), len(sent.failed))
            return sent

        def sync_calendars() -> SyncReport:
            report = self.sync_calendars(notifier)
            if report.synced:
                log.info("calendars: %d read, %d left", len(report.synced), report.due_left)
            return report

        def purge_forgotten_workspaces() -> int:
            # Workspaces uninstalled longer ago than the retention period (bot.notes.lifecycle).
            purged = self.lifecycle.purge_due()
            for gone in purged:
                log.info("workspace %s purged: %d rows", gone.workspace_id, gone.total)
            return len(purged)

        def promote_shared_channel_questions() -> int:
            # Slack Connect questions unanswered for a working day become loops (bot.channels
            # .connect); the next reminder tick picks the new loops up like any other.
            promoted = self.connect.promote_due()
            if promoted:
                log.info("shared channels: %d questions now waiting", promoted)
            return promoted

        return (
            deliver_reminders,
            promote_shared_channel_questions,
            send_weekly_reviews,
            sync_calendars,
            purge_forgotten_workspaces,
        )

    def sync_calendars(self, notifier: Notifier) -> SyncReport:
        """Read the connected calendars that are due; DM an owner whose address stopped working
        (once per new failure: the calendar remembers what it told)."""
        report = self.calendars.sync_due()
        for synced in report.alerts:
            assert synced.alert is not None
            notifier.send(
                synced.owner,
                synced.workspace_id,
                mrkdwn_to_text(synced.alert, keep_entities=True),
                [section(synced.alert)],
                key=f"calendar:{synced.calendar_id}:{synced.status}"[:200],
            )
        return report

    def send_weekly_reviews(
        self, notifier: Notifier, *, now: datetime | None = None
    ) -> ReviewDelivery:
        """The weekly reviews due now, each as a Block Kit DM through `notifier`."""

        def send(user: str, workspace: str, review: Review, key: str) -> bool:
            blocks = review_blocks(review, tz=self.default_tz)
            return notifier.send(user, workspace, review_fallback_text(review), blocks, key=key).ok

        return self.reviews.deliver_reviews(send=send, now=now)

    def scheduler(
        self,
        notifier: Notifier,
        *,
        interval: float = DEFAULT_INTERVAL_SECONDS,
        worker: str | None = None,
        lease: timedelta = DEFAULT_LEASE,
    ) -> Scheduler:
        """A scheduler (not started) that runs `jobs(notifier)` every `interval` seconds."""
        return Scheduler(self.jobs(notifier, worker=worker, lease=lease), interval=interval)


def _sentence(item: Item, now: datetime, tz: str) -> str:
    """A reminder as one plain sentence (`rapport due`, App Home): the DM's own line, as text."""
    return mrkdwn_to_text(item_line(item, now=now, tz=tz))
