"""Tables for where relationships stand: each user's focus list and their review settings.

A focus row belongs to one user (focus is personal: "the few people *I* want to grow"), so it
is keyed by (owner, contact). Deleting a contact deletes its focus rows in the database
(ON DELETE CASCADE), so forgetting a contact needs no code here; a merge moves them with
`bot.store.repo.move_focus`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, ForeignKey, Index, Integer
from sqlmodel import Field, SQLModel

from bot.store.types import UTCDateTime

DEFAULT_FOCUS_LIMIT = 25


def _dt(*, nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable))


class FocusContact(SQLModel, table=True):
    """ "Jane Doe is one of the few I want to keep close." """

    __tablename__ = "focus_contact"
    __table_args__ = (Index("ix_focus_contact_contact", "contact_id"),)

    owner_id: int = Field(foreign_key="user.id", primary_key=True)
    contact_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("contact.id", ondelete="CASCADE"),
            primary_key=True,
            nullable=False,
        )
    )
    workspace_id: str = Field(foreign_key="workspace.id", max_length=64)
    created_at: datetime = _dt()


class StandingSettings(SQLModel, table=True):
    """One user's choices for focus and the weekly review. No row means the defaults."""

    __tablename__ = "standing_settings"

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=64)
    weekly_review: bool = False  # opt-in: a review DM on Monday morning
    focus_limit: int = DEFAULT_FOCUS_LIMIT  # a soft limit: past it, a friendly warning
    review_week: str | None = Field(default=None, max_length=10)  # ISO week last sent, 2026-W47
    updated_at: datetime = _dt()
