"""Slack Connect tables: the shared channels a member asked Rapport to follow, the messages it
kept from them (who spoke, when, whether they asked something), and the one interaction per
person per day those messages become.

Nothing is stored for a channel that is not in `connect_channel`: the handler checks first.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.store.types import UTCDateTime


def _dt(*, nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable))


class ConnectChannel(SQLModel, table=True):
    """A shared channel a member turned tracking on for (`/rapport track`)."""

    __tablename__ = "connect_channel"

    workspace_id: str = Field(foreign_key="workspace.id", primary_key=True, max_length=64)
    channel_id: str = Field(primary_key=True, max_length=64)
    name: str = Field(default="", max_length=200)  # as the command payload named it
    tracked_by: int = Field(foreign_key="user.id")  # whose loops unowned questions become
    tracked_at: datetime = _dt()


class ConnectMessage(SQLModel, table=True):
    """One message in a tracked channel: who (a contact, or a teammate), when, where in which
    thread, and — when it asked something — whether it has been answered.

    The unique (workspace, channel, ts) is what makes a Slack retry store nothing twice.
    `status` for a question: "open" (waiting less than a working day), "promoted" (its loops
    exist), "answered"; other messages are "said".
    """

    __tablename__ = "connect_message"
    __table_args__ = (
        UniqueConstraint("workspace_id", "channel_id", "ts", name="uq_connect_message_ts"),
        Index("ix_connect_message_thread", "workspace_id", "channel_id", "thread_ts"),
        Index("ix_connect_message_due", "status", "due_at"),
        # the questions still waiting in a channel, read for every message there
        Index("ix_connect_message_open", "workspace_id", "channel_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=64)
    channel_id: str = Field(max_length=64)
    ts: str = Field(max_length=32)
    thread_ts: str = Field(max_length=32)  # the thread's root; its own ts at the top level
    external: bool = False
    contact_id: int | None = Field(default=None, foreign_key="contact.id")  # an external's
    user_id: int | None = Field(default=None, foreign_key="user.id")  # a teammate's
    note_id: int | None = Field(default=None)  # the interaction an external's message updated
    question: bool = False
    excerpt: str = Field(default="", max_length=300)
    at: datetime = _dt()
    status: str = Field(default="said", max_length=16)
    due_at: datetime | None = _dt(nullable=True)  # a question: unanswered past this, a loop
    loop_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    answered_at: datetime | None = _dt(nullable=True)


class ConnectInteraction(SQLModel, table=True):
    """At most one interaction (a `Note`, source "slack_connect") per person per day."""

    __tablename__ = "connect_interaction"
    __table_args__ = (Index("ix_connect_interaction_note", "note_id"),)

    workspace_id: str = Field(foreign_key="workspace.id", max_length=64)
    contact_id: int = Field(foreign_key="contact.id", primary_key=True)
    day: str = Field(primary_key=True, max_length=10)  # YYYY-MM-DD in the workspace's zone
    # No foreign key: the note is the team's to delete; a deleted one stays deleted for the day.
    note_id: int
