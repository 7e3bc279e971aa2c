"""Who is acting, and whom a value is about: the two references every result value shares."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """Who is acting, taken from the Slack payload or the console's --as, never from note text."""

    workspace_id: str
    user_id: str  # Slack user id or console name
    display_name: str | None = None
    tz: str | None = None  # IANA name; None: the user's cached zone, else the default


@dataclass(frozen=True)
class ContactRef:
    id: int
    display_name: str


@dataclass(frozen=True)
class OrganisationRef:
    """An organisation record (a company, a university): never a contact."""

    id: int
    name: str
