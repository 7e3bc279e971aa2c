"""Rapport's tables. Every row carries its workspace: no query path crosses workspaces."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from bot.store.types import UTCDateTime


def _dt(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


class Workspace(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=64)  # Slack team id, or "local"
    name: str = Field(default="", max_length=200)
    default_visibility: str = Field(default="team", max_length=16)  # "team" | "private"
    # Contact pressure: teammates' interactions with one contact in 7 days that make Rapport
    # warn the next person and hold stay-in-touch nudges (bot.team).
    pressure_threshold: int = Field(default=3)
    # The Enterprise Grid organisation the workspace belongs to (None outside Grid): an
    # org-wide install's token serves every workspace of its org (migration 0017).
    enterprise_id: str | None = Field(default=None, max_length=64, index=True)
    created_at: datetime = _dt()


class User(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("workspace_id", "external_id"),
        # the newest row of a workspace in one index step (bot.notes.knowledge's stamp)
        Index("ix_user_ws_id", "workspace_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", index=True, max_length=64)
    external_id: str = Field(max_length=64)  # Slack user id, or a console name
    display_name: str = Field(default="", max_length=200)
    tz: str | None = Field(default=None, max_length=64)  # IANA name from users.info
    tz_checked_at: datetime | None = _dt(nullable=True)
    # Enterprise Grid: the person's id across their org's workspaces (users.info's
    # `enterprise_user.id`). One person's own settings follow it; their notes stay per workspace.
    enterprise_user_id: str | None = Field(default=None, max_length=64, index=True)
    created_at: datetime = _dt()


class Contact(SQLModel, table=True):
    __table_args__ = (
        Index("ix_contact_ws_name", "workspace_id", "name_key"),
        Index("ix_contact_ws_id", "workspace_id", "id"),
        # who a Slack user is (Slack Connect: every message by someone from outside)
        Index("ix_contact_ws_slack", "workspace_id", "slack_user_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=64)
    display_name: str = Field(max_length=200)
    name_key: str = Field(max_length=200)  # casefolded, accents and punctuation folded
    slack_user_id: str | None = Field(default=None, max_length=64)
    company: str | None = Field(default=None, max_length=200)
    role: str | None = Field(default=None, max_length=200)
    # The organisation record `company` names (bot.store.organisation_models), when there is one.
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=64)
    # Every address and number, the first of each also in email/phone (migration 0010).
    emails: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    phones: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_by: int | None = Field(default=None, foreign_key="user.id")
    # From an address book someone imported: the team's to see whatever private notes are later
    # written about it (bot.notes.known); cleared when that user forgets it (migration 0018).
    shared: bool = Field(default=False)
    created_at: datetime = _dt()


class ContactAlias(SQLModel, table=True):
    """A nickname a contact goes by. Several contacts may go by one ("Priya", "AJ"): a note that
    says it then asks which one (migration 0021); one contact holds an alias once."""

    __table_args__ = (
        UniqueConstraint("workspace_id", "alias_key", "contact_id", name="uq_alias_ws_key_contact"),
        Index("ix_alias_ws_key", "workspace_id", "alias_key"),
        Index("ix_alias_contact", "contact_id"),
        Index("ix_alias_ws_id", "workspace_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=64)
    contact_id: int = Field(foreign_key="contact.id")
    alias: str = Field(max_length=200)
    alias_key: str = Field(max_length=200)


class ContactTag(SQLModel, table=True):
    workspace_id: str = Field(foreign_key="workspace.id", max_length=64, index=True)
    contact_id: int = Field(foreign_key="contact.id", primary_key=True)
    tag: str = Field(primary_key=True, max_length=100)


class Note(SQLModel, table=True):
    __table_args__ = (
        Index("ix_note_ws_occurred", "workspace_id", "occurred_at"),
        Index("ix_note_author", "author_id", "occurred_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=64)
    author_id: int = Field(foreign_key="user.id")
    text: str = Field(sa_column=Column(Text, nullable=False))
    kind: str | None = Field(default=None, max_length=32)
    initiator: str | None = Field(default=None, max_length=8)  # "me" | "them"
    visibility: str = Field(default="team", max_length=16)  # "team" | "private"
    occurred_at: datetime = _dt()
    logged_at: datetime = _dt()
    source: str = Field(default="console", max_length=16)  # console, dm, mention, slash, shortcut
    permalink: str | None = Field(default=None, max_length=500)
    needs: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    sensitive: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    not_understood: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


# A link "carries news" when its JSON list is not the empty one (bot.notes.news.carries_news);
# written out, with no bound parameter, so both databases can match a query to the index.
NEWS_LINK = "CAST(sensitive AS VARCHAR) != '[]'"
NEWS_LINK_IN_QUERY = "CAST(notecontact.sensitive AS VARCHAR) != '[]'"  # the same, in a join


class NoteContact(SQLModel, table=True):
    __table_args__ = (
        Index("ix_notecontact_contact", "contact_id", "note_id"),
        # Only the links that carry news (few): the digest's "this month's bad news" reads
        # these, not every note of the workspace in the month (migration 0020).
        Index(
            "ix_notecontact_news",
            "workspace_id",
            "note_id",
            sqlite_where=text(NEWS_LINK),
            postgresql_where=text(NEWS_LINK),
        ),
    )

    note_id: int = Field(foreign_key="note.id", primary_key=True)
    contact_id: int = Field(foreign_key="contact.id", primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=64)
    # The note's bad news that is this contact's own ("house fire"), as bot.parsing names it.
    sensitive: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )


class Loop(SQLModel, table=True):
    __table_args__ = (Index("ix_loop_owner_status", "owner_id", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=64)
    owner_id: int = Field(foreign_key="user.id")  # the user whose loop it is
    contact_id: int = Field(foreign_key="contact.id", index=True)
    direction: str = Field(max_length=16)  # "you_owe" | "they_owe"
    what: str = Field(max_length=500)
    due_at: datetime | None = _dt(nullable=True)
    status: str = Field(default="open", max_length=16)  # "open" | "closed"
    source_note_id: int = Field(foreign_key="note.id")
    closed_by_note_id: int | None = Field(default=None, foreign_key="note.id")
    created_at: datetime = _dt()
    closed_at: datetime | None = _dt(nullable=True)


class Occasion(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("contact_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=64, index=True)
    contact_id: int = Field(foreign_key="contact.id")
    kind: str = Field(max_length=16)  # "birthday" | "anniversary"
    month: int
    day: int
    year: int | None = None
    source_note_id: int | None = Field(default=None, foreign_key="note.id")


class ProcessedEvent(SQLModel, table=True):
    """Slack deliveries already handled, so that retries never store a note twice."""

    workspace_id: str = Field(primary_key=True, max_length=64)
    event_id: str = Field(primary_key=True, max_length=128)
    note_id: int | None = Field(default=None)
    received_at: datetime = _dt()


class PendingNote(SQLModel, table=True):
    """A note waiting for its author to say which contact a name meant ("which Jane?")."""

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=64)
    author_id: int = Field(foreign_key="user.id")
    text: str = Field(sa_column=Column(Text, nullable=False))
    occurred_at: datetime | None = _dt(nullable=True)
    source: str = Field(default="console", max_length=16)
    permalink: str | None = Field(default=None, max_length=500)
    event_id: str | None = Field(default=None, max_length=128)
    choices: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    about: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    created_at: datetime = _dt()


# Each feature's tables (reminders, team memory, focus) live in their own module; importing them
# here registers them on the same metadata wherever the core tables are loaded (migrations,
# tests, the app).
import bot.store.calendar_models  # noqa: E402
import bot.store.connect_models  # noqa: E402
import bot.store.focus_models  # noqa: E402
import bot.store.lifecycle_models  # noqa: E402
import bot.store.organisation_models  # noqa: E402
import bot.store.reminder_models  # noqa: E402
import bot.store.slack_oauth_tables  # noqa: E402
import bot.store.team_models  # noqa: E402, F401
