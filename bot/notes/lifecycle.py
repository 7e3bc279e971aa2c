"""A workspace's lifecycle when Rapport is distributed through OAuth: an uninstall (or revoked
tokens) schedules the workspace's data for deletion after the retention period; a reinstall
within it clears the schedule, so everything is as it was. Each step leaves an audit row.

The tokens themselves live in slack_sdk's installation store and are removed by the Slack
adapter (bot.slack.oauth) the moment the event arrives; this module keeps only ids and dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from bot.store.lifecycle_models import WorkspaceDeletion, WorkspaceLifecycleEvent
from bot.store.models import Workspace
from bot.store.slack_oauth_tables import slack_bots, slack_installations
from bot.usecases import UseCases

UNINSTALL_REASONS = ("app_uninstalled", "tokens_revoked")


@dataclass(frozen=True)
class ScheduledDeletion:
    workspace_id: str
    reason: str
    requested_at: datetime
    delete_after: datetime


@dataclass(frozen=True)
class Purged:
    workspace_id: str
    rows: dict[str, int]  # table → rows deleted

    @property
    def total(self) -> int:
        return sum(self.rows.values())


# Kept by a purge: the lifecycle history (the audit row saying the data went stays).
_KEPT: Final = frozenset({WorkspaceLifecycleEvent.__tablename__})


@dataclass(frozen=True)
class LifecycleStep:
    workspace_id: str
    action: str
    at: datetime
    detail: dict[str, Any]


class Lifecycle(UseCases):
    """Record installs and uninstalls; say which workspaces are due to be forgotten."""

    def engine(self) -> Engine:
        """The engine under the session factory (slack_sdk's stores take an engine)."""
        with self.sessions() as session:
            bind = session.get_bind()
        assert isinstance(bind, Engine)
        return bind

    def uninstalled(
        self,
        *,
        workspace_id: str,
        reason: str,
        retention: timedelta,
        enterprise_id: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> ScheduledDeletion:
        """Schedule the workspace's data for deletion `retention` from now (an earlier schedule
        is kept: a second event must not postpone the deletion) and write the audit row."""
        if reason not in UNINSTALL_REASONS:
            raise ValueError(f"unknown uninstall reason {reason!r}")
        now = self._now()
        with self._session() as session:
            row = session.get(WorkspaceDeletion, workspace_id)
            if row is None:
                row = WorkspaceDeletion(
                    workspace_id=workspace_id,
                    enterprise_id=enterprise_id,
                    reason=reason,
                    requested_at=now,
                    delete_after=now + retention,
                )
                session.add(row)
            _audit(
                session,
                workspace_id,
                reason,
                now,
                {**(detail or {}), "delete_after": row.delete_after.isoformat()},
            )
            session.commit()
            return _scheduled(row)

    def installed(
        self, *, workspace_id: str, enterprise_id: str | None = None
    ) -> ScheduledDeletion | None:
        """A (re)install: clear any deletion schedule and write the audit row; the schedule
        that was cleared, if any."""
        now = self._now()
        with self._session() as session:
            row = session.get(WorkspaceDeletion, workspace_id)
            cleared = _scheduled(row) if row is not None else None
            if row is not None:
                session.delete(row)
            detail: dict[str, Any] = {"enterprise_id": enterprise_id} if enterprise_id else {}
            if cleared is not None:
                detail["cancelled_deletion_after"] = cleared.delete_after.isoformat()
            _audit(session, workspace_id, "reinstalled" if cleared else "installed", now, detail)
            session.commit()
            return cleared

    def scheduled(self, workspace_id: str) -> ScheduledDeletion | None:
        with self._session() as session:
            row = session.get(WorkspaceDeletion, workspace_id)
            return _scheduled(row) if row is not None else None

    def due_for_deletion(self, *, now: datetime | None = None) -> list[ScheduledDeletion]:
        """Workspaces whose retention period is over, oldest first."""
        at = now or self._now()
        with self._session() as session:
            rows = session.exec(
                select(WorkspaceDeletion)
                .where(WorkspaceDeletion.delete_after <= at)
                .order_by(WorkspaceDeletion.delete_after)  # type: ignore[arg-type]
            ).all()
            return [_scheduled(row) for row in rows]

    def purge(self, workspace_id: str, *, reason: str = "operator") -> Purged:
        """Delete everything Rapport holds about the workspace, in one transaction: every row
        of every workspace-keyed table (children before parents), its installations and
        tokens, its deletion schedule and the workspace row; then one audit row with counts."""
        rows: dict[str, int] = {}
        with self._session() as session:
            for table in reversed(SQLModel.metadata.sorted_tables):
                if table.name in _KEPT:
                    continue
                if "workspace_id" in table.c:
                    where = table.c.workspace_id == workspace_id
                elif table is slack_bots or table is slack_installations:
                    where = table.c.team_id == workspace_id
                elif table.name == Workspace.__tablename__:
                    where = table.c.id == workspace_id
                else:
                    continue  # not per workspace (OAuth states, the scheduler's cursor)
                deleted = session.execute(delete(table).where(where)).rowcount  # type: ignore[attr-defined]
                if deleted:
                    rows[table.name] = int(deleted)
            _audit(session, workspace_id, "purged", self._now(), {"reason": reason, "rows": rows})
            session.commit()
        return Purged(workspace_id, rows)

    def purge_due(self, *, now: datetime | None = None) -> list[Purged]:
        """Purge every workspace whose retention period is over (the scheduler runs this)."""
        return [
            self.purge(due.workspace_id, reason=f"retention after {due.reason}")
            for due in self.due_for_deletion(now=now)
        ]

    def history(self, workspace_id: str) -> list[LifecycleStep]:
        with self._session() as session:
            rows = session.exec(
                select(WorkspaceLifecycleEvent)
                .where(WorkspaceLifecycleEvent.workspace_id == workspace_id)
                .order_by(WorkspaceLifecycleEvent.id)  # type: ignore[arg-type]
            ).all()
            return [LifecycleStep(r.workspace_id, r.action, r.at, dict(r.detail)) for r in rows]


def _audit(
    session: Session, workspace_id: str, action: str, at: datetime, detail: dict[str, Any]
) -> None:
    session.add(
        WorkspaceLifecycleEvent(workspace_id=workspace_id, action=action, at=at, detail=detail)
    )


def _scheduled(row: WorkspaceDeletion) -> ScheduledDeletion:
    return ScheduledDeletion(row.workspace_id, row.reason, row.requested_at, row.delete_after)
