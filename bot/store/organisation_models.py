"""Organisations as records of their own, the notes filed under them, and the corrections people
make to what a name is ("Expo is not a person", "Plaid is a company").

A person belongs to at most one organisation (`contact.organisation_id`, with their role on the
contact); `contact.company` keeps the organisation's name as written, so imports, exports and
`who-knows` read one column.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.store.types import UTCDateTime


class Organisation(SQLModel, table=True):
    """A company, a university, a fund: something people belong to. Never a contact."""

    __tablename__ = "organisation"
    __table_args__ = (UniqueConstraint("workspace_id", "name_key"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=64)
    name: str = Field(max_length=200)
    name_key: str = Field(max_length=200)  # bot.domain.names.name_key of the name
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class NoteOrganisation(SQLModel, table=True):
    """A note names an organisation; a note about nobody else ("Initrode signed!") is filed
    under it this way."""

    __tablename__ = "note_organisation"
    __table_args__ = (Index("ix_note_organisation_org", "organisation_id", "note_id"),)

    note_id: int = Field(foreign_key="note.id", primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=64)


class NameCorrection(SQLModel, table=True):
    """What a person said a name is, kept for the whole workspace and fed to the parser.

    `kind` is "not_person" ("Expo is not a person") or "organisation" ("Plaid is a company";
    an `Organisation` row is made for it too).
    """

    __tablename__ = "name_correction"
    __table_args__ = (UniqueConstraint("workspace_id", "name_key"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspace.id", max_length=64)
    name: str = Field(max_length=200)
    name_key: str = Field(max_length=200)
    kind: str = Field(max_length=16)
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
