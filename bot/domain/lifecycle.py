"""A workspace's lifecycle under OAuth distribution, as the use cases report it: its deletion
schedule, its status for an operator, what a purge removed, and each audit step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class ScheduledDeletion:
    workspace_id: str
    reason: str
    requested_at: datetime
    delete_after: datetime


@dataclass(frozen=True)
class WorkspaceStatus:
    workspace_id: str
    name: str
    installed: bool  # an OAuth installation with a bot token is stored
    notes: int
    delete_after: datetime | None  # scheduled for deletion (uninstalled), or None


@dataclass(frozen=True)
class Purged:
    workspace_id: str
    rows: dict[str, int]  # table → rows deleted

    @property
    def total(self) -> int:
        return sum(self.rows.values())


@dataclass(frozen=True)
class LifecycleStep:
    workspace_id: str
    action: str
    at: datetime
    detail: dict[str, Any]
