"""Tables for connected calendars and the meetings they filed.

A `Calendar` belongs to one user (its owner): a secret iCal address (`kind="url"`, the address
kept only as a Fernet token, bot/store/secrets.py) or files imported by hand (`kind="file"`).
Disconnecting wipes the address and keeps the row, so the meetings it filed stay deduplicated if
it is connected again.

A `CalendarEvent` is one meeting occurrence (UID + recurrence id) already seen for its owner, and
the interaction (a `Note` with source "calendar") it became. It is unique per owner rather than
per calendar: the same invitation in two of one person's calendars is one meeting. `note_id` has
no foreign key on purpose: when the owner deletes that note (or forgets the contact), the row
stays with the id of a note that is gone, and the next read files nothing again.

An `UpcomingMeeting` is one occurrence not over yet when its calendar was read, with the contacts
on it: what the brief before it and the "how did it go?" after it are planned from. A moved
occurrence moves its row (its brief with it); a cancelled or declined one is marked cancelled.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.store.types import UTCDateTime

DEFAULT_INTERVAL_MINUTES = 60


def _dt(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


class Calendar(SQLModel, table=True):
    __tablename__ = "calendar"
    __table_args__ = (UniqueConstraint("owner_id", "name", name="uq_calendar_owner_name"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=64, index=True)
    owner_id: int = Field(foreign_key="user.id")
    name: str = Field(max_length=200)
    kind: str = Field(default="file", max_length=8)  # "url" | "caldav" | "file"
    secret: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    address_hint: str = Field(default="", max_length=200)  # masked, safe to show
    owner_email: str | None = Field(default=None, max_length=320)
    private: bool = Field(default=True)  # meeting titles seen only by the owner
    add_new_people: bool = Field(default=False)  # external attendees with a name become contacts
    interval_minutes: int = Field(default=DEFAULT_INTERVAL_MINUTES)
    etag: str | None = Field(default=None, max_length=500)
    last_modified: str | None = Field(default=None, max_length=100)
    next_sync_at: datetime | None = _dt(nullable=True, index=True)
    last_synced_at: datetime | None = _dt(nullable=True)
    last_status: str = Field(default="", max_length=300)
    failures: int = Field(default=0)
    told_status: str | None = Field(default=None, max_length=300)  # the failure already reported
    created_at: datetime = _dt()


class CalendarEvent(SQLModel, table=True):
    __tablename__ = "calendar_event"
    __table_args__ = (
        UniqueConstraint("owner_id", "uid_key", "recurrence_id", name="uq_calendar_event"),
        Index("ix_calendar_event_calendar", "calendar_id", "start_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=64)
    owner_id: int = Field(foreign_key="user.id")
    calendar_id: int = Field(
        sa_column=Column(Integer, ForeignKey("calendar.id", ondelete="CASCADE"), nullable=False)
    )
    uid_key: str = Field(max_length=200)  # the UID, or "sha256:…" of a longer one
    recurrence_id: str = Field(default="", max_length=20)
    note_id: int | None = Field(default=None)
    start_at: datetime = _dt()
    fingerprint: str = Field(default="", max_length=64)
    state: str = Field(default="filed", max_length=16)  # "filed" | "removed" | "deleted"
    updated_at: datetime = _dt()


class UpcomingMeeting(SQLModel, table=True):
    """A meeting with contacts that had not ended when its calendar was last read."""

    __tablename__ = "upcoming_meeting"
    __table_args__ = (
        UniqueConstraint("owner_id", "uid_key", "recurrence_id", name="uq_upcoming_meeting"),
        Index("ix_upcoming_meeting_start", "state", "start_at"),
        Index("ix_upcoming_meeting_end", "state", "end_at"),
        Index("ix_upcoming_meeting_owner", "owner_id", "start_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=64)
    owner_id: int = Field(foreign_key="user.id")
    calendar_id: int = Field(
        sa_column=Column(Integer, ForeignKey("calendar.id", ondelete="CASCADE"), nullable=False)
    )
    uid_key: str = Field(max_length=200)
    recurrence_id: str = Field(default="", max_length=20)
    title: str = Field(default="", sa_column=Column(Text, nullable=False))
    start_at: datetime = _dt()
    end_at: datetime = _dt()
    # The contacts on it (ids), and the external attendees who are not contacts
    # ({"name": …, "email": …}), in the order the invitation lists them.
    contact_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    others: list[dict[str, str | None]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    state: str = Field(default="scheduled", max_length=16)  # "scheduled" | "cancelled"
    updated_at: datetime = _dt()


class MetPerson(SQLModel, table=True):
    """Someone outside the team met in the owner's meetings who was not a contact when read:
    offered in the weekly review ("you met 3 new people this week"), never added silently.
    `person_key` is the casefolded address, or "name:" and the name key when the invitation gave
    no address. Still on offer only while no contact has that address or name (checked when
    the review is drawn, so adding them ends the offer without touching this row)."""

    __tablename__ = "met_person"
    __table_args__ = (
        UniqueConstraint("owner_id", "person_key", name="uq_met_person"),
        Index("ix_met_person_owner_last", "owner_id", "last_met_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=64)
    owner_id: int = Field(foreign_key="user.id")
    person_key: str = Field(max_length=330)
    email: str | None = Field(default=None, max_length=320)  # casefolded
    name: str = Field(default="", max_length=200)  # as the invitation gave it; "" when none
    meetings: int = Field(default=0)  # the most meetings one read saw with them
    first_met_at: datetime = _dt()
    last_met_at: datetime = _dt()
    updated_at: datetime = _dt()
