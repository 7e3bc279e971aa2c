"""A workspace's life with Rapport installed through OAuth: when it must be forgotten, and what
happened to its installation (installed, uninstalled, tokens revoked, reinstalled).

Neither table references `workspace`: the schedule and the history outlive the workspace's data
(a purge removes the data, and the audit row saying so stays).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from bot.store.types import UTCDateTime


class WorkspaceDeletion(SQLModel, table=True):
    """A workspace that uninstalled Rapport: its data is deleted after `delete_after`, unless
    it reinstalls first (which removes this row)."""

    __tablename__ = "workspace_deletion"

    workspace_id: str = Field(primary_key=True, max_length=64)  # Slack team id
    enterprise_id: str | None = Field(default=None, max_length=64)
    reason: str = Field(max_length=32)  # app_uninstalled | tokens_revoked
    requested_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    delete_after: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))


class WorkspaceLifecycleEvent(SQLModel, table=True):
    """One audit row per lifecycle step; `detail` holds ids and dates, never a token."""

    __tablename__ = "workspace_lifecycle_event"
    __table_args__ = (Index("ix_workspace_lifecycle_event_ws_at", "workspace_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(max_length=64)
    # installed | reinstalled | app_uninstalled | tokens_revoked
    action: str = Field(max_length=32)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
