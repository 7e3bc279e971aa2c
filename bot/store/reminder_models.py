"""Reminder tables: cadences, snoozes, per-user settings, the due index, the outbox and its ledger.

How "what is due" stays cheap: `ReminderTrack` holds one row per (owner, thing to remind about)
with `next_due_at`, the first delivery slot at which that thing *may* be due. It is a lower bound
that only moves later when a note is logged (a later touch can only push a cadence out), so a tick
range-scans the index on `next_due_at <= now` and re-checks just those rows against the notes.
Tick cost therefore follows what is due, not how many contacts or notes exist. The rare events
that move a due date *earlier* (a note undone, an occasion re-dated) are caught by a sweep that
re-checks a fixed number of the least recently verified rows per tick.

Every datetime is aware UTC (UTCDateTime); local wall-clock times are computed per user.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.store.types import UTCDateTime


def _dt(*, nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable))


class ReminderCadence(SQLModel, table=True):
    """ "Stay in touch with Jane every 30 days" (subject contact:ID) or with #investors (tag:NAME).

    A contact row with `every_days == 0` is a stop override: the owner stopped nudges for that
    contact even though a tag cadence would otherwise apply.
    """

    __tablename__ = "reminder_cadence"
    __table_args__ = (
        UniqueConstraint("owner_id", "subject", name="uq_reminder_cadence_owner_subject"),
        Index("ix_reminder_cadence_kind_expanded", "kind", "expanded_at"),
        Index("ix_reminder_cadence_contact", "contact_id"),
        # The tick's "tag cadences of these owners" (bot/reminders/facts.py): without it the
        # read walks every per-contact cadence of each owner (migration 0020).
        Index("ix_reminder_cadence_owner_kind", "owner_id", "kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=64)
    owner_id: int = Field(foreign_key="user.id")
    kind: str = Field(max_length=16)  # "contact" | "tag"
    subject: str = Field(max_length=120)  # "contact:12" | "tag:investors"
    contact_id: int | None = Field(default=None, foreign_key="contact.id")
    tag: str | None = Field(default=None, max_length=100)
    every_days: int
    created_at: datetime = _dt()
    stopped_at: datetime | None = _dt(nullable=True)
    expanded_at: datetime | None = _dt(nullable=True)  # tag cadences: members last materialised


class ReminderSnooze(SQLModel, table=True):
    """No reminder about `subject` (contact:ID, loop:ID, occasion:ID) before `until`."""

    __tablename__ = "reminder_snooze"

    owner_id: int = Field(foreign_key="user.id", primary_key=True)
    subject: str = Field(primary_key=True, max_length=120)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=64)
    contact_id: int | None = Field(default=None, foreign_key="contact.id")
    until: datetime = _dt()
    created_at: datetime = _dt()


class ReminderSettings(SQLModel, table=True):
    """How one user wants to be reminded. No row means the defaults below."""

    __tablename__ = "reminder_settings"

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=64)
    digest_hour: int = 9  # local hour of the morning DM
    work_days: int = 0b0011111  # bit 0 = Monday … bit 6 = Sunday
    work_start: int = 9  # local working hours [start, end): nothing is sent outside them
    work_end: int = 18
    daily_cap: int = 5
    mode: str = Field(default="digest", max_length=16)  # "digest" | "individual"
    # Minutes before a meeting with contacts that its brief is sent; 0: no briefs.
    brief_minutes: int = Field(default=15, sa_column_kwargs={"server_default": "15"})
    updated_at: datetime = _dt()


class ReminderTrack(SQLModel, table=True):
    """The due index: one row per owner and thing to remind about. NULL next_due_at: dormant."""

    __tablename__ = "reminder_track"
    __table_args__ = (
        UniqueConstraint("owner_id", "subject", name="uq_reminder_track_owner_subject"),
        Index("ix_reminder_track_next_due", "next_due_at"),
        Index("ix_reminder_track_owner_due", "owner_id", "next_due_at"),
        Index("ix_reminder_track_verified", "verified_at"),
        Index("ix_reminder_track_contact", "contact_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=64)
    owner_id: int = Field(foreign_key="user.id")
    kind: str = Field(max_length=16)  # "stay_in_touch" | "loop" | "occasion"
    subject: str = Field(max_length=120)  # "contact:12" | "loop:5" | "occasion:3"
    contact_id: int | None = Field(default=None, foreign_key="contact.id")
    next_due_at: datetime | None = _dt(nullable=True)
    last_sent_at: datetime | None = _dt(nullable=True)
    last_item_key: str | None = Field(default=None, max_length=200)  # what was last reminded
    hold_until: datetime | None = _dt(nullable=True)  # held back by the daily cap until then
    verified_at: datetime = _dt()
    created_at: datetime = _dt()


class ReminderOutbox(SQLModel, table=True):
    """One DM to send: a morning digest, or one reminder in individual mode."""

    __tablename__ = "reminder_outbox"
    __table_args__ = (
        Index("ix_reminder_outbox_ready", "status", "available_at"),
        Index("ix_reminder_outbox_lease", "status", "lease_until"),
        Index("ix_reminder_outbox_user_day", "user_id", "local_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=64)
    user_id: int = Field(foreign_key="user.id")
    kind: str = Field(max_length=16)  # "digest" | stay_in_touch | you_owe | waiting_on | …
    subject: str = Field(max_length=120)
    local_date: str = Field(max_length=10)  # the recipient's date of the slot, YYYY-MM-DD
    item_count: int = 1
    due_at: datetime = _dt()  # the slot it was meant for (its age is shown when sent late)
    available_at: datetime = _dt()  # not before (backoff after a transient error)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="pending", max_length=16)  # pending|claimed|sent|failed
    attempts: int = 0
    lease_until: datetime | None = _dt(nullable=True)
    claimed_by: str | None = Field(default=None, max_length=100)
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    dedupe_key: str = Field(max_length=200, unique=True)
    created_at: datetime = _dt()
    sent_at: datetime | None = _dt(nullable=True)


class ReminderDelivery(SQLModel, table=True):
    """The ledger: one row per DM that reached Slack. The unique key refuses a second record."""

    __tablename__ = "reminder_delivery"

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(max_length=200, unique=True)
    outbox_id: int = Field(foreign_key="reminder_outbox.id")
    workspace_id: str = Field(foreign_key="workspace.id", max_length=64)
    user_id: int = Field(foreign_key="user.id")
    channel: str | None = Field(default=None, max_length=64)
    ts: str | None = Field(default=None, max_length=64)
    worker: str = Field(max_length=100)
    delivered_at: datetime = _dt()


class ReminderCursor(SQLModel, table=True):
    """Watermarks: the highest loop / occasion id already turned into tracks."""

    __tablename__ = "reminder_cursor"

    name: str = Field(primary_key=True, max_length=32)
    value: int = 0
