"""One person across the workspaces of their Enterprise Grid org.

Slack gives a Grid member one enterprise user id (users.info's `enterprise_user.id`) whatever
workspace of the org they are in; Rapport keeps one `user` row per workspace, as everywhere,
and links the rows by that id (migration 0017). What follows the link is only the person's own
settings about themselves: their time zone and how they want to be reminded. Notes, contacts,
loops, visibility and reminders stay in the workspace they were written in.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Final

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.store.models import User, Workspace
from bot.store.reminder_models import ReminderSettings, ReminderTrack

# The person's reminder settings, as they set them (not the row's keys or bookkeeping).
SETTINGS_FIELDS: Final = ("digest_hour", "work_days", "work_start", "work_end", "daily_cap", "mode")


def linked_users(session: Session, user: User) -> list[User]:
    """The same person's rows in the other workspaces of their org: the same enterprise user
    id, in a workspace of the same org (never across orgs, never outside Grid)."""
    if not user.enterprise_user_id:
        return []
    workspace = session.get(Workspace, user.workspace_id)
    if workspace is None or not workspace.enterprise_id:
        return []
    return list(
        session.exec(
            select(User)
            .join(Workspace, col(Workspace.id) == col(User.workspace_id))
            .where(
                col(User.enterprise_user_id) == user.enterprise_user_id,
                col(Workspace.enterprise_id) == workspace.enterprise_id,
                col(User.id) != user.id,
            )
            .order_by(col(User.id))
        ).all()
    )


def share_settings(
    session: Session, source: ReminderSettings, targets: Sequence[User], *, now: datetime
) -> None:
    """Give each target row the source's reminder settings, and re-check its live reminders
    on the next tick (their slots moved)."""
    for target in targets:
        assert target.id is not None
        row = session.get(ReminderSettings, target.id) or ReminderSettings(
            user_id=target.id, workspace_id=target.workspace_id, updated_at=now
        )
        for name in SETTINGS_FIELDS:
            setattr(row, name, getattr(source, name))
        row.updated_at = now
        session.add(row)
        session.execute(
            update(ReminderTrack)
            .where(
                col(ReminderTrack.owner_id) == target.id,
                col(ReminderTrack.next_due_at).is_not(None),
            )
            .values(next_due_at=now)
            .execution_options(synchronize_session=False)
        )


def arrive(session: Session, user: User, linked: Sequence[User], *, now: datetime) -> None:
    """The person was just recognised in this workspace: without settings of their own here,
    they get the ones they last set in another workspace of the org."""
    assert user.id is not None
    if session.get(ReminderSettings, user.id) is not None or not linked:
        return
    ids = [u.id for u in linked if u.id is not None]
    newest = session.exec(
        select(ReminderSettings)
        .where(col(ReminderSettings.user_id).in_(ids))
        .order_by(col(ReminderSettings.updated_at).desc())
    ).first()
    if newest is not None:
        share_settings(session, newest, [user], now=now)
