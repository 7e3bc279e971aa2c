"""A workspace's lifecycle when Rapport is distributed through OAuth: an uninstall (or revoked
tokens) schedules the workspace's data for deletion after the retention period; a reinstall
within it clears the schedule, so everything is as it was. Each step leaves an audit row.

The tokens themselves live in slack_sdk's installation store and are removed by the Slack
adapter (bot.slack.oauth) the moment the event arrives; this module keeps only ids and dates.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Final

from sqlalchemy import ColumnElement, Table, delete, func
from sqlalchemy import select as core_select
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from bot.domain.lifecycle import LifecycleStep, Purged, ScheduledDeletion, WorkspaceStatus
from bot.store import repo
from bot.store.db import READING
from bot.store.lifecycle_models import WorkspaceDeletion, WorkspaceLifecycleEvent
from bot.store.models import Note, Workspace
from bot.store.slack_oauth_tables import slack_bots, slack_installations
from bot.usecases import UseCases

# `team_access_revoked`: an org-wide install lost one workspace of its org (Enterprise Grid).
UNINSTALL_REASONS = ("app_uninstalled", "tokens_revoked", "team_access_revoked")


# Never exported: credentials (the export is the workspace's data, not Rapport's keys).
_SECRET_COLUMNS: Final = frozenset(
    {"bot_token", "bot_refresh_token", "user_token", "user_refresh_token"}
)

# Kept by a purge: the lifecycle history (the audit row saying the data went stays).
_KEPT: Final = frozenset({WorkspaceLifecycleEvent.__tablename__})


class Lifecycle(UseCases):
    """Record installs and uninstalls; say which workspaces are due to be forgotten."""

    def engine(self) -> Engine:
        """The engine under the session factory (slack_sdk's stores take an engine)."""
        with self.sessions() as session:
            bind = session.get_bind()
        assert isinstance(bind, Engine)
        return bind

    def reading_engine(self) -> Engine:
        """`engine()` marked as one that only reads (bot.store.db `reading`): on SQLite its
        transactions begin deferred, never queueing behind a note being saved."""
        return self.engine().execution_options(**{READING: True})

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
        if enterprise_id:
            self.joined(workspace_id=workspace_id, enterprise_id=enterprise_id)
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

    # --- Enterprise Grid: an org-wide install serves every workspace of its org ----------------

    def joined(self, *, workspace_id: str, enterprise_id: str) -> None:
        """Remember that the workspace belongs to the org (learned from each request's
        `enterprise_id`): an org install's token then serves its reminders, and the org's
        uninstall reaches its data. Writes only when it changes."""
        with self._session() as session:
            workspace = repo.get_or_create_workspace(
                session, workspace_id=workspace_id, now=self._now()
            )
            if workspace.enterprise_id != enterprise_id:
                workspace.enterprise_id = enterprise_id
                session.add(workspace)
            session.commit()

    def enterprise_of(self, workspace_id: str) -> str | None:
        """The org the workspace belongs to, or None (not in Grid, or never seen)."""
        with self._session() as session:
            workspace = session.get(Workspace, workspace_id)
            return workspace.enterprise_id if workspace is not None else None

    def org_workspaces(self, enterprise_id: str) -> list[str]:
        """Every workspace of the org Rapport has seen (or was told about), by id."""
        with self._session() as session:
            rows = session.exec(
                select(Workspace.id).where(Workspace.enterprise_id == enterprise_id)
            ).all()
            return sorted(str(ws) for ws in rows)

    def org_installed(self, *, enterprise_id: str) -> list[ScheduledDeletion]:
        """An org-wide (re)install: one audit row under the org's id, and every workspace of
        the org that was scheduled for deletion is restored (each with its own audit row)."""
        with self._session() as session:
            _audit(session, enterprise_id, "org_installed", self._now(), {"org_wide": True})
            session.commit()
        cleared = []
        for workspace_id in self.org_workspaces(enterprise_id):
            if self.scheduled(workspace_id) is not None:
                found = self.installed(workspace_id=workspace_id, enterprise_id=enterprise_id)
                if found is not None:
                    cleared.append(found)
        return cleared

    def org_uninstalled(
        self,
        *,
        enterprise_id: str,
        reason: str,
        retention: timedelta,
        keep: frozenset[str] = frozenset(),
        detail: dict[str, Any] | None = None,
    ) -> list[ScheduledDeletion]:
        """An org-wide install is gone: every workspace of the org (but those in `keep`, which
        still have an installation of their own) is scheduled for deletion."""
        with self._session() as session:
            _audit(session, enterprise_id, f"org_{reason}"[:32], self._now(), dict(detail or {}))
            session.commit()
        return [
            self.uninstalled(
                workspace_id=workspace_id,
                reason=reason,
                retention=retention,
                enterprise_id=enterprise_id,
                detail={**(detail or {}), "org_wide": True},
            )
            for workspace_id in self.org_workspaces(enterprise_id)
            if workspace_id not in keep
        ]

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

    def workspaces(self) -> list[WorkspaceStatus]:
        """Every workspace Rapport holds data, an installation or a schedule for, by id."""
        with self._session() as session:
            names = {w.id: w.name for w in session.exec(select(Workspace)).all()}
            installed: set[str] = set()
            orgs: set[str] = set()  # org-wide installs (no team id): each serves its org
            for team, name, token, org, org_wide in session.execute(
                core_select(
                    slack_bots.c.team_id,
                    slack_bots.c.team_name,
                    slack_bots.c.bot_token,
                    slack_bots.c.enterprise_id,
                    slack_bots.c.is_enterprise_install,
                )
            ).all():
                if team:
                    names[team] = names.get(team) or name or ""
                    if token:
                        installed.add(team)
                elif org and org_wide and token:
                    orgs.add(str(org))
            installed |= {
                w.id for w in session.exec(select(Workspace)).all() if w.enterprise_id in orgs
            }
            schedules = {
                d.workspace_id: d.delete_after
                for d in session.exec(select(WorkspaceDeletion)).all()
            }
            counts = session.execute(
                core_select(Note.__table__.c.workspace_id, func.count()).group_by(  # type: ignore[attr-defined]
                    Note.__table__.c.workspace_id  # type: ignore[attr-defined]
                )
            ).all()
            notes = {str(ws): int(n) for ws, n in counts}
            return [
                WorkspaceStatus(
                    workspace_id=ws,
                    name=names.get(ws, ""),
                    installed=ws in installed,
                    notes=notes.get(ws, 0),
                    delete_after=schedules.get(ws),
                )
                for ws in sorted(set(names) | set(schedules))
            ]

    def export(self, workspace_id: str) -> dict[str, list[dict[str, Any]]]:
        """Every row Rapport holds about the workspace, table by table (the installations
        without their tokens), as JSON-ready values; {} for a workspace it never saw."""
        out: dict[str, list[dict[str, Any]]] = {}
        with self._session() as session:
            for table in SQLModel.metadata.sorted_tables:
                where = _workspace_filter(table, workspace_id)
                if where is None:
                    continue
                rows = [
                    {k: _jsonable(v) for k, v in row.items() if k not in _SECRET_COLUMNS}
                    for row in session.execute(core_select(table).where(where)).mappings()
                ]
                if rows:
                    out[table.name] = rows
        return out

    def purge(self, workspace_id: str, *, reason: str = "operator") -> Purged:
        """Delete everything Rapport holds about the workspace, in one transaction: every row
        of every workspace-keyed table (children before parents), its installations and
        tokens, its deletion schedule and the workspace row; then one audit row with counts."""
        rows: dict[str, int] = {}
        with self._session() as session:
            for table in reversed(SQLModel.metadata.sorted_tables):
                where = _workspace_filter(table, workspace_id)
                if where is None or table.name in _KEPT:
                    continue
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


def _workspace_filter(table: Table, workspace_id: str) -> ColumnElement[bool] | None:
    """Which of the table's rows belong to the workspace; None for tables that are not per
    workspace (OAuth states, the scheduler's cursor)."""
    if "workspace_id" in table.c:
        return table.c.workspace_id == workspace_id
    if table is slack_bots or table is slack_installations:
        return table.c.team_id == workspace_id
    if table.name == Workspace.__tablename__:
        return table.c.id == workspace_id
    return None


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime | date) else value


def _audit(
    session: Session, workspace_id: str, action: str, at: datetime, detail: dict[str, Any]
) -> None:
    session.add(
        WorkspaceLifecycleEvent(workspace_id=workspace_id, action=action, at=at, detail=detail)
    )


def _scheduled(row: WorkspaceDeletion) -> ScheduledDeletion:
    return ScheduledDeletion(row.workspace_id, row.reason, row.requested_at, row.delete_after)
