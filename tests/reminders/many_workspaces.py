"""Many workspaces, each installed through slack_sdk's SQLAlchemy installation store (as
bot/slack/oauth.py installs them), with ready reminder DMs in the outbox: what the per-workspace
rate-limit tests and bench/bench_workspaces.py deliver from."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import Engine, insert

from bot.store.models import User, Workspace
from bot.store.reminder_models import ReminderOutbox, ReminderSettings

CLIENT_ID = "1111.2222"


def token(workspace: str) -> str:
    return f"xoxb-{workspace}"


def install(engine: Engine, workspaces: Sequence[str]) -> SQLAlchemyInstallationStore:
    """Save one bot installation per workspace (token `xoxb-<id>`), as an OAuth install does."""
    store = SQLAlchemyInstallationStore(client_id=CLIENT_ID, engine=engine)
    for workspace in workspaces:
        store.save(
            Installation(
                app_id="A0TEST",
                team_id=workspace,
                team_name=f"Team {workspace}",
                bot_token=token(workspace),
                bot_id="BBOT",
                bot_user_id="UBOT",
                bot_scopes="chat:write,im:write,commands",
                user_id="UINSTALLER",
                installed_at=1_700_000_000.0,
            )
        )
    return store


def seed_ready(
    engine: Engine, workspaces: Sequence[str], *, users_each: int, at: datetime
) -> dict[str, str]:
    """`users_each` users per workspace, each with one digest DM ready at `at` (working hours
    all day, every day). Returns dedupe key -> workspace."""
    before = at - timedelta(days=1)
    users: list[dict[str, Any]] = []
    for w, workspace in enumerate(workspaces):
        for u in range(users_each):
            users.append(
                {
                    "id": w * users_each + u + 1,
                    "workspace_id": workspace,
                    "external_id": f"U{u:05d}",
                    "display_name": "",
                    "created_at": before,
                }
            )
    item: dict[str, Any] = {
        "kind": "stay_in_touch",
        "subject": "contact:1",
        "contact_id": 1,
        "contact": "Jane Doe",
        "due": at.isoformat(),
        "slot": at.isoformat(),
        "every_days": 30,
    }
    keys = {f"digest:{u['id']}:2026-03-05:1": str(u["workspace_id"]) for u in users}
    with engine.begin() as conn:
        conn.execute(
            insert(Workspace),
            [
                {"id": w, "name": "", "default_visibility": "team", "created_at": before}
                for w in workspaces
            ],
        )
        conn.execute(insert(User), users)
        conn.execute(
            insert(ReminderSettings),
            [
                {
                    "user_id": u["id"],
                    "workspace_id": u["workspace_id"],
                    "digest_hour": 9,
                    "work_days": 0b1111111,
                    "work_start": 0,
                    "work_end": 24,
                    "daily_cap": 5,
                    "mode": "digest",
                    "updated_at": before,
                }
                for u in users
            ],
        )
        conn.execute(
            insert(ReminderOutbox),
            [
                {
                    "workspace_id": u["workspace_id"],
                    "user_id": u["id"],
                    "kind": "digest",
                    "subject": f"user:{u['id']}",
                    "local_date": "2026-03-05",
                    "item_count": 1,
                    "due_at": at,
                    "available_at": at,
                    "payload": {"tz": "UTC", "items": [{**item, "key": f"sit:u{u['id']}"}]},
                    "status": "pending",
                    "attempts": 0,
                    "dedupe_key": f"digest:{u['id']}:2026-03-05:1",
                    "created_at": before,
                }
                for u in users
            ],
        )
    return keys
