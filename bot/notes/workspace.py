"""A workspace's defaults: who sees a new note (team or private) and when contact pressure warns.

Every member may change them; the audit log says who did.
"""

from __future__ import annotations

from bot.domain.errors import UserInputError
from bot.domain.notes import WorkspaceSettings
from bot.domain.refs import Actor
from bot.notes.contacts import audit
from bot.store import repo
from bot.store.models import Workspace
from bot.usecases import UseCases


class Workspaces(UseCases):
    """Show and change the acting user's workspace defaults."""

    def settings(self, *, actor: Actor) -> WorkspaceSettings:
        with self._session() as session:
            self._user(session, actor)
            session.commit()
            workspace = repo.get_or_create_workspace(
                session, workspace_id=actor.workspace_id, now=self._now()
            )
            return _view(workspace)

    def update(
        self,
        *,
        actor: Actor,
        default_visibility: str | None = None,
        pressure_threshold: int | None = None,
    ) -> WorkspaceSettings:
        """Change the workspace's defaults; every member may, and the audit log says who."""
        if default_visibility is not None and default_visibility not in ("team", "private"):
            raise UserInputError("Default visibility is `team` or `private`.")
        if pressure_threshold is not None and not 1 <= pressure_threshold <= 100:
            raise UserInputError("The pressure threshold is a number from 1 to 100.")
        with self._session() as session:
            user = self._user(session, actor)
            workspace = repo.get_or_create_workspace(
                session, workspace_id=actor.workspace_id, now=self._now()
            )
            changed: dict[str, object] = {}
            if default_visibility is not None:
                workspace.default_visibility = default_visibility
                changed["default_visibility"] = default_visibility
            if pressure_threshold is not None:
                workspace.pressure_threshold = pressure_threshold
                changed["pressure_threshold"] = pressure_threshold
            if changed:
                session.add(workspace)
                audit(
                    session,
                    workspace_id=actor.workspace_id,
                    user=user,
                    action="workspace",
                    subject="workspace",
                    now=self._now(),
                    detail=changed,
                )
            session.commit()
            return _view(workspace)


def _view(workspace: Workspace) -> WorkspaceSettings:
    return WorkspaceSettings(
        workspace_id=workspace.id,
        default_visibility=workspace.default_visibility,
        pressure_threshold=workspace.pressure_threshold,
    )
