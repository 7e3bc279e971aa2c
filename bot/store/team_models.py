"""Team-memory tables: the audit trail of changes to contacts (merge, forget, rename, import)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from bot.store.types import UTCDateTime


class AuditEvent(SQLModel, table=True):
    """Who changed a contact, how and when — never what the notes said.

    A forgotten contact leaves only this row: its id, the acting user, the time and counts of what
    was erased, so the team can see that something was removed without keeping the content.
    """

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_ws_at", "workspace_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=64)
    actor_id: int = Field(foreign_key="user.id")
    action: str = Field(max_length=32)  # alias | rename | merge | forget | import | workspace
    subject: str = Field(max_length=64)  # "contact:12", "workspace"
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
